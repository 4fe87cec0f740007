/* Reading a run directory back: matrix copy, plan cells, samples. */
#include "report/run_dir.h"

#include "report/sample_json.h"
#include "util/atomic_file.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int samples_load(const char *path, struct sample **out, size_t *n, size_t *complete_bytes,
                 struct diag_list *d)
{
	*out = NULL;
	*n = 0;
	*complete_bytes = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return diag_error(d, "io.read", &(struct diag_loc){path, 0, 0, NULL},
		                  "cannot read the samples");
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	int lineno = 0, rc = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		bool complete = len > 0 && line[len - 1] == '\n';
		struct json_object *o = json_tokener_parse(line);
		if (!complete) {
			/* a line without its newline was being written when the run stopped */
			diag_warning(d, "samples.partial",
			             &(struct diag_loc){path, lineno, 1, NULL},
			             "last line is incomplete (an interrupted write); ignoring it");
			json_object_put(o);
			break;
		}
		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			rc = diag_error(d, "samples.parse",
			                &(struct diag_loc){path, lineno, 1, NULL},
			                "line is not a JSON object");
			break;
		}
		if (*n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			struct sample *s = realloc(*out, alloc * sizeof(*s));
			if (!s)
				abort();
			*out = s;
		}
		size_t before = d->len;
		if (sample_from_json(o, &(*out)[*n], d) < 0) {
			for (size_t i = before; i < d->len; i++) {
				free(d->items[i].file);
				d->items[i].file = strdup(path);
				d->items[i].line = lineno;
			}
			json_object_put(o);
			rc = -1;
			break;
		}
		json_object_put(o);
		(*n)++;
		*complete_bytes += (size_t)len;
	}
	free(line);
	fclose(f);
	return rc;
}

static int plan_cells(struct run_data *r, struct diag_list *d)
{
	struct json_object *cells = NULL;
	if (!json_object_object_get_ex(r->plan, "cells", &cells) ||
	    !json_object_is_type(cells, json_type_array))
		return diag_error(d, "run.plan", NULL, "%s/plan.json has no cells", r->dir);
	size_t n = json_object_array_length(cells);
	r->cells = calloc(n ? n : 1, sizeof(*r->cells));
	if (!r->cells)
		abort();
	for (size_t i = 0; i < n; i++) {
		struct json_object *name = NULL;
		json_object_object_get_ex(json_object_array_get_idx(cells, i), "name", &name);
		const char *s = name ? json_object_get_string(name) : "";
		size_t k = 0;
		while (k < r->matrix->n_cells && strcmp(r->matrix->cells[k].name, s) != 0)
			k++;
		if (k == r->matrix->n_cells)
			return diag_error(
			    d, "run.plan", NULL,
			    "%s/plan.json names cell '%s', which the run's matrix lacks", r->dir,
			    s);
		r->cells[r->n_cells++] = k;
	}
	return 0;
}

int run_dir_load(const char *dir, struct run_data *out, struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	out->dir = strdup(dir);
	char *matrix = path_join(dir, RUN_MATRIX_FILE), *plan = path_join(dir, RUN_PLAN_FILE),
	     *samples = path_join(dir, RUN_SAMPLES_FILE);
	int rc = -1;
	out->matrix = matrix_load(matrix, d);
	if (!out->matrix)
		goto cleanup;
	out->plan = json_object_from_file(plan);
	if (!out->plan) {
		diag_error(d, "io.read", &(struct diag_loc){plan, 0, 0, NULL},
		           "cannot read the plan");
		goto cleanup;
	}
	if (plan_cells(out, d) < 0)
		goto cleanup;
	if (samples_load(samples, &out->samples, &out->n_samples, &out->complete_bytes, d) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	free(matrix);
	free(plan);
	free(samples);
	if (rc < 0)
		run_data_release(out);
	return rc;
}

void run_data_release(struct run_data *r)
{
	free(r->dir);
	matrix_free(r->matrix);
	json_object_put(r->plan);
	free(r->cells);
	for (size_t i = 0; i < r->n_samples; i++)
		sample_release(&r->samples[i]);
	free(r->samples);
	memset(r, 0, sizeof(*r));
}
