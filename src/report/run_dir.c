/* Reading a run directory back: matrix copy, plan cells, samples, all through the strict readers.
 */
#include "report/run_dir.h"

#include "jsonin/jsonin.h"
#include "report/sample_json.h"
#include "util/atomic_file.h"
#include "util/input_file.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int samples_load(const char *path, struct sample **out, size_t *n, size_t *complete_bytes,
                 struct diag_list *d)
{
	*out = NULL;
	*n = 0;
	*complete_bytes = 0;
	struct input_lines r;
	if (input_lines_open(&r, path, INPUT_MAX_LINE_BYTES, d) < 0)
		return -1;
	const char *line;
	size_t len, alloc = 0;
	bool complete;
	int more, rc = 0;
	while ((more = input_lines_next(&r, &line, &len, &complete, d)) > 0) {
		if (!complete) {
			/* a line without its newline was being written when the run stopped */
			diag_warning(d, "samples.partial",
			             &(struct diag_loc){path, r.lineno, 1, NULL},
			             "last line is incomplete (an interrupted write); ignoring it");
			break;
		}
		struct json_object *o = NULL;
		if (jsonin_parse(path, line, len - 1, r.lineno, &o, NULL, d) < 0) {
			rc = -1;
			break;
		}
		if (!json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			rc = diag_error(d, "samples.parse",
			                &(struct diag_loc){path, r.lineno, 1, NULL},
			                "line is not a JSON object");
			break;
		}
		*out = xgrow(*out, &alloc, *n + 1, sizeof(**out));
		size_t before = d->len;
		if (sample_from_json(o, &(*out)[*n], d) < 0) {
			for (size_t i = before; i < d->len; i++) {
				free(d->items[i].file);
				d->items[i].file = xstrdup(path);
				d->items[i].line = r.lineno;
			}
			json_object_put(o);
			rc = -1;
			break;
		}
		json_object_put(o);
		(*n)++;
		*complete_bytes += len;
	}
	if (more < 0)
		rc = -1;
	input_lines_release(&r);
	return rc;
}

static int plan_cells(struct run_data *r, struct diag_list *d)
{
	struct json_object *cells = NULL;
	if (!json_object_object_get_ex(r->plan, "cells", &cells) ||
	    !json_object_is_type(cells, json_type_array))
		return diag_error(d, "run.plan", NULL, "%s/plan.json has no cells", r->dir);
	size_t n = json_object_array_length(cells);
	r->cells = xcalloc(n ? n : 1, sizeof(*r->cells));
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
	out->dir = xstrdup(dir);
	char *matrix = path_join(dir, RUN_MATRIX_FILE), *plan = path_join(dir, RUN_PLAN_FILE),
	     *samples = path_join(dir, RUN_SAMPLES_FILE);
	int rc = -1;
	out->matrix = matrix_load(matrix, d);
	if (!out->matrix)
		goto cleanup;
	if (jsonin_load_file(plan, INPUT_MAX_DOCUMENT_BYTES, &out->plan, NULL, d) < 0)
		goto cleanup;
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

int run_dir_provenance(const char *dir, struct json_object **out, struct diag_list *d)
{
	*out = NULL;
	char *path = path_join(dir, "summary.json");
	struct json_object *s = NULL, *p = NULL;
	int rc = access(path, F_OK) == 0
	             ? jsonin_load_file(path, INPUT_MAX_DOCUMENT_BYTES, &s, NULL, d)
	             : 0;
	free(path);
	if (json_object_object_get_ex(s, "provenance", &p) &&
	    json_object_is_type(p, json_type_object))
		*out = json_object_get(p);
	json_object_put(s);
	return rc;
}

struct json_object *run_dir_provenance_or_warn(const char *dir, struct diag_list *d)
{
	struct json_object *p = NULL;
	struct diag_list why;
	diag_list_init(&why);
	if (run_dir_provenance(dir, &p, &why) < 0)
		diag_list_demote_errors(&why);
	diag_list_move(d, &why);
	return p;
}
