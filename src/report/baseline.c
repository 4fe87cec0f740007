/* Baselines: a run directory reduced to a committed file, and that file read back as a run. */
#include "report/baseline.h"

#include "gate/verdict.h"
#include "report/verdicts_json.h"
#include "jsonin/jsonin.h"
#include "jsonschema/schema.h"
#include "matrix/embedded_schema.h"
#include "util/atomic_file.h"
#include "util/input_file.h"
#include "util/source_map.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUMMARY_FILE "summary.json"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* summary.json's provenance of dir; NULL when there is no summary.json. */
static int summary_provenance(const char *dir, struct json_object **out, struct diag_list *d)
{
	*out = NULL;
	char *path = path_join(dir, SUMMARY_FILE);
	struct json_object *s = NULL;
	int rc = access(path, F_OK) == 0
	             ? jsonin_load_file(path, INPUT_MAX_DOCUMENT_BYTES, &s, NULL, d)
	             : 0;
	free(path);
	*out = json_object_get(get(s, "provenance"));
	json_object_put(s);
	return rc;
}

/* A resource figure: null when the run could not measure it (-1 in the sample). */
static struct json_object *figure(int64_t v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

/* One arm of one cell: its valid measured samples, in record order. */
static struct json_object *arm_json(const struct run_data *r, const char *cell, const char *arm)
{
	struct json_object *o = json_object_new_object(), *wall = json_object_new_array(),
	                   *user = json_object_new_array(), *sys = json_object_new_array(),
	                   *mem = json_object_new_array();
	for (size_t i = 0; i < r->n_samples; i++) {
		const struct sample *s = &r->samples[i];
		if (s->phase != PHASE_MEASURE || !s->valid || strcmp(s->cell, cell) != 0 ||
		    strcmp(s->arm, arm) != 0)
			continue;
		json_object_array_add(wall, json_object_new_int64(s->wall_ns));
		json_object_array_add(user, figure(s->resources.cpu_user_us));
		json_object_array_add(sys, figure(s->resources.cpu_sys_us));
		json_object_array_add(mem, figure(s->resources.memory_peak_kib));
	}
	json_object_object_add(o, "arm", json_object_new_string(arm));
	json_object_object_add(o, "wall_ns", wall);
	json_object_object_add(o, "cpu_user_us", user);
	json_object_object_add(o, "cpu_sys_us", sys);
	json_object_object_add(o, "memory_peak_kib", mem);
	return o;
}

static struct json_object *cells_json(const struct run_data *r, struct json_object *verdicts)
{
	struct json_object *cells = json_object_new_array(), *vc = get(verdicts, "cells");
	for (size_t c = 0; c < r->n_cells; c++) {
		const struct matrix_cell *cell = &r->matrix->cells[r->cells[c]];
		struct json_object *v = vc ? json_object_array_get_idx(vc, c) : NULL;
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "cell", json_object_new_string(cell->name));
		json_object_object_add(o, "verdict", json_object_get(get(v, "verdict")));
		json_object_object_add(o, "sentence", json_object_get(get(v, "sentence")));
		struct json_object *arms = json_object_new_array();
		for (size_t k = 0; k < cell->n_compare; k++)
			json_object_array_add(
			    arms, arm_json(r, cell->name, r->matrix->arms[cell->compare[k]].name));
		json_object_object_add(o, "arms", arms);
		json_object_array_add(cells, o);
	}
	return cells;
}

int baseline_build(const char *dir, struct json_object **out, struct diag_list *d)
{
	*out = NULL;
	struct run_data r;
	if (run_dir_load(dir, &r, d) < 0)
		return -1;
	struct json_object *prov = NULL;
	char *mpath = path_join(dir, RUN_MATRIX_FILE), *yaml = NULL;
	size_t len = 0;
	struct verdict_set v;
	int rc = -1;
	if (summary_provenance(dir, &prov, d) < 0 ||
	    input_read(mpath, INPUT_MAX_DOCUMENT_BYTES, "io.too-large", &yaml, &len, d) < 0)
		goto cleanup;
	if (verdicts_compute(r.matrix, r.cells, r.n_cells, r.samples, r.n_samples, &v) < 0) {
		diag_error(d, "internal.verdicts", NULL, "cannot compute the verdicts of '%s'",
		           dir);
		goto cleanup;
	}
	struct json_object *vj = verdicts_to_json(r.matrix, &v);
	struct json_object *o = json_object_new_object(), *m = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.baseline.v1"));
	json_object_object_add(m, "name", json_object_new_string(r.matrix->name));
	json_object_object_add(m, "sha256", json_object_new_string(r.matrix->sha256));
	json_object_object_add(m, "yaml", json_object_new_string_len(yaml, (int)len));
	json_object_object_add(o, "matrix", m);
	json_object_object_add(o, "cells", cells_json(&r, vj));
	json_object_object_add(o, "boundary", json_object_get(get(vj, "boundary")));
	json_object_object_add(o, "provenance", prov);
	prov = NULL;
	json_object_put(vj);
	verdict_set_release(&v);
	*out = o;
	rc = 0;
cleanup:
	json_object_put(prov);
	free(yaml);
	free(mpath);
	run_data_release(&r);
	return rc;
}

static struct schema *baseline_schema(struct diag_list *d)
{
	const char *text = embedded_schema(BASELINE_SCHEMA_FILE);
	struct json_object *root = text ? json_tokener_parse(text) : NULL;
	if (!root) {
		diag_error(d, "internal.schema", NULL,
		           "the built-in baseline schema is missing or broken");
		return NULL;
	}
	struct schema *s = schema_new(root, BASELINE_SCHEMA_FILE, d);
	json_object_put(root);
	return s;
}

static size_t cell_index(const struct matrix *m, const char *name)
{
	size_t k = 0;
	while (k < m->n_cells && strcmp(m->cells[k].name, name) != 0)
		k++;
	return k;
}

static bool arm_of(const struct matrix *m, const char *name, const struct matrix_arm **out)
{
	for (size_t a = 0; a < m->n_arms; a++)
		if (strcmp(m->arms[a].name, name) == 0) {
			*out = &m->arms[a];
			return true;
		}
	return false;
}

/* The i-th value of an array; missing (-1) for null, as the sample records it. */
static int64_t at(struct json_object *a, size_t i)
{
	struct json_object *v = a ? json_object_array_get_idx(a, i) : NULL;
	return v ? json_object_get_int64(v) : -1;
}

/* The samples of one arm of one cell. */
static int add_arm(struct run_data *out, size_t *cap, const char *path, const char *cell,
                   struct json_object *arm, struct diag_list *d)
{
	const char *name = json_object_get_string(get(arm, "arm"));
	const struct matrix_arm *ma = NULL;
	if (!arm_of(out->matrix, name, &ma))
		return diag_error(d, "baseline.arm", &(struct diag_loc){path, 0, 0, NULL},
		                  "arm '%s' of cell '%s' is not in the baseline's matrix", name,
		                  cell);
	struct json_object *wall = get(arm, "wall_ns");
	size_t n = json_object_array_length(wall);
	for (size_t i = 0; i < n; i++) {
		out->samples = xgrow(out->samples, cap, out->n_samples + 1, sizeof(*out->samples));
		struct sample *s = &out->samples[out->n_samples];
		sample_init(s);
		s->index = out->n_samples++;
		s->cell = xstrdup(cell);
		s->arm = xstrdup(name);
		s->phase = PHASE_MEASURE;
		s->round = (int)i + 1;
		s->capture = ma->capture == ARM_CAPTURE_EBPF;
		s->spans = ma->spans;
		s->wall_ns = at(wall, i);
		s->resources.cpu_user_us = at(get(arm, "cpu_user_us"), i);
		s->resources.cpu_sys_us = at(get(arm, "cpu_sys_us"), i);
		s->resources.memory_peak_kib = at(get(arm, "memory_peak_kib"), i);
		s->fidelity = FIDELITY_CLEAN;
		s->health_ok = true;
		s->valid = true;
	}
	return 0;
}

/* The run a validated baseline document describes. */
static int baseline_run(const char *path, struct json_object *doc, struct run_data *out,
                        struct diag_list *d)
{
	struct json_object *m = get(doc, "matrix"), *yaml = get(m, "yaml");
	char *name = xasprintf("%s#/matrix/yaml", path);
	out->matrix = matrix_load_buffer(name, json_object_get_string(yaml),
	                                 (size_t)json_object_get_string_len(yaml), d);
	free(name);
	if (!out->matrix)
		return -1;
	if (strcmp(out->matrix->sha256, json_object_get_string(get(m, "sha256"))) != 0)
		return diag_error(d, "baseline.matrix", &(struct diag_loc){path, 0, 0, "/matrix"},
		                  "the matrix copy does not have the sha256 the baseline records");
	struct json_object *cells = get(doc, "cells");
	size_t n = json_object_array_length(cells), cap = 0;
	out->cells = xcalloc(n + 1, sizeof(*out->cells));
	for (size_t c = 0; c < n; c++) {
		struct json_object *cell = json_object_array_get_idx(cells, c),
		                   *arms = get(cell, "arms");
		const char *cname = json_object_get_string(get(cell, "cell"));
		size_t k = cell_index(out->matrix, cname);
		if (k == out->matrix->n_cells)
			return diag_error(d, "baseline.cell", &(struct diag_loc){path, 0, 0, NULL},
			                  "cell '%s' is not in the baseline's matrix", cname);
		out->cells[out->n_cells++] = k;
		for (size_t a = 0; a < json_object_array_length(arms); a++)
			if (add_arm(out, &cap, path, cname, json_object_array_get_idx(arms, a), d) <
			    0)
				return -1;
	}
	return 0;
}

static int load_valid(const char *path, struct json_object **doc, struct diag_list *d)
{
	struct source_map *map = NULL;
	if (jsonin_load_file(path, INPUT_MAX_DOCUMENT_BYTES, doc, &map, d) < 0)
		return -1;
	struct schema *schema = baseline_schema(d);
	int rc = schema && schema_validate(schema, *doc, map, d) == 0 ? 0 : -1;
	schema_free(schema);
	source_map_free(map);
	return rc;
}

int baseline_load(const char *path, struct run_data *out, struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	out->dir = xstrdup(path);
	struct json_object *doc = NULL;
	int rc = load_valid(path, &doc, d) < 0 || baseline_run(path, doc, out, d) < 0 ? -1 : 0;
	json_object_put(doc);
	if (rc < 0)
		run_data_release(out);
	return rc;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int run_source_load(const char *path, struct run_data *out, struct diag_list *d)
{
	return is_dir(path) ? run_dir_load(path, out, d) : baseline_load(path, out, d);
}

struct json_object *run_source_provenance(const char *path, struct diag_list *d)
{
	struct json_object *prov = NULL, *doc = NULL;
	if (is_dir(path))
		summary_provenance(path, &prov, d);
	else if (jsonin_load_file(path, INPUT_MAX_DOCUMENT_BYTES, &doc, NULL, d) == 0)
		prov = json_object_get(get(doc, "provenance"));
	json_object_put(doc);
	if (prov && !json_object_is_type(prov, json_type_object)) {
		json_object_put(prov);
		prov = NULL;
	}
	return prov;
}
