/* Merging shards: read each run directory back, refuse what does not make one run, and map every
 * sample onto the dispatch it ran in the full plan. */
#include "report/merge.h"

#include "jsonin/jsonin.h"
#include "report/run_dir.h"
#include "util/atomic_file.h"
#include "util/input_file.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SUMMARY_FILE "summary.json"

/* One input, read back. */
struct shard {
	const char *dir;
	struct run_data run;
	struct json_object *summary; /* summary.json */
	struct json_object *prov;    /* its provenance, borrowed from summary */
	char label[32];              /* "1/3", or "whole" */
	char plan_sha[65]; /* the plan it is part of, as recorded (sharded) or recomputed */
};

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* The selection a run was planned with, minus its shard. *globs is a new array of borrowed
 * strings (caller frees). */
static struct plan_select plan_selection(struct json_object *plan, const char ***globs)
{
	struct json_object *sel = get(plan, "selection"), *cells = get(sel, "cells"),
	                   *tier = get(sel, "max_tier");
	size_t n = cells && json_object_is_type(cells, json_type_array)
	               ? json_object_array_length(cells)
	               : 0;
	*globs = xcalloc(n + 1, sizeof(**globs));
	for (size_t i = 0; i < n; i++)
		(*globs)[i] = json_object_get_string(json_object_array_get_idx(cells, i));
	int max_tier =
	    tier && json_object_is_type(tier, json_type_int) ? json_object_get_int(tier) : -1;
	return (struct plan_select){*globs, n, max_tier, 0, 0};
}

/* Reads dir and its summary.json; records its shard label and the plan digest it claims. */
static int shard_load(struct shard *s, const char *dir, struct diag_list *d)
{
	memset(s, 0, sizeof(*s));
	s->dir = dir;
	if (run_dir_load(dir, &s->run, d) < 0)
		return -1;
	char *path = path_join(dir, SUMMARY_FILE);
	int rc = 0;
	if (access(path, F_OK) != 0)
		rc = diag_error(d, "merge.unfinished", NULL,
		                "'%s' has no summary.json: a shard that did not finish cannot be "
		                "merged (finish it with 'tare run --resume %s')",
		                dir, dir);
	else if (jsonin_load_file(path, INPUT_MAX_DOCUMENT_BYTES, &s->summary, NULL, d) < 0)
		rc = -1;
	free(path);
	if (rc < 0)
		return -1;
	s->prov = get(s->summary, "provenance");
	struct json_object *shard = get(get(s->run.plan, "selection"), "shard");
	if (shard && json_object_is_type(shard, json_type_object)) {
		snprintf(s->label, sizeof(s->label), "%d/%d",
		         json_object_get_int(get(shard, "index")),
		         json_object_get_int(get(shard, "count")));
		snprintf(s->plan_sha, sizeof(s->plan_sha), "%s", get_str(shard, "plan_sha256"));
		return 0;
	}
	/* a whole run is the one shard of its own plan */
	snprintf(s->label, sizeof(s->label), "whole");
	const char **globs = NULL;
	struct plan_select sel = plan_selection(s->run.plan, &globs);
	struct plan *p = plan_expand(s->run.matrix, &sel, d);
	free(globs);
	if (!p)
		return -1;
	plan_digest(p, s->plan_sha);
	plan_free(p);
	return 0;
}

/* Whether what every shard says about one thing (got(s)) is what the first shard says; one
 * error (or, when forced, warning) per shard that differs. log (NULL: the finding cannot be
 * forced) collects what was forced. */
static int same_as_first(const struct shard *sh, size_t n, const char *(*got)(const struct shard *),
                         const char *code, const char *what, bool forced, struct json_object *log,
                         struct diag_list *d)
{
	int rc = 0;
	for (size_t i = 1; i < n; i++) {
		const char *a = got(&sh[0]), *b = got(&sh[i]);
		if (strcmp(a, b) == 0)
			continue;
		char *msg = xasprintf("shards of different %s: '%s' has '%s', '%s' has '%s'", what,
		                      sh[0].dir, a, sh[i].dir, b);
		if (forced) {
			diag_warning(d, code, NULL, "%s; merged anyway (--force)", msg);
			json_object_array_add(log, json_object_new_string(msg));
		} else if (log) {
			/* a finding --force could override says so */
			rc = diag_error(d, code, NULL,
			                "%s (--force merges them anyway and records it)", msg);
		} else {
			rc = diag_error(d, code, NULL, "%s", msg);
		}
		free(msg);
	}
	return rc;
}

static const char *matrix_name(const struct shard *s)
{
	return s->run.matrix->name;
}
static const char *matrix_sha(const struct shard *s)
{
	return s->run.matrix->sha256;
}
static const char *plan_sha(const struct shard *s)
{
	return s->plan_sha;
}
static const char *tare_version(const struct shard *s)
{
	return get_str(s->prov, "tare_version");
}
static const char *tare_commit(const struct shard *s)
{
	return get_str(s->prov, "tare_commit");
}
static const char *bpf_object(const struct shard *s)
{
	return get_str(s->prov, "bpf_object_sha256");
}
static const char *host_class(const struct shard *s)
{
	return get_str(s->prov, "host_class");
}

/* The identity checks. A different matrix makes every later comparison meaningless, so they
 * stop there. */
static int check_identity(const struct shard *sh, size_t n, const struct merge_options *opt,
                          struct json_object *forced, struct diag_list *d)
{
	if (same_as_first(sh, n, matrix_name, "merge.matrix", "matrices", false, NULL, d) < 0 ||
	    same_as_first(sh, n, matrix_sha, "merge.matrix-digest", "matrix digests", false, NULL,
	                  d) < 0)
		return -1;
	int rc = 0;
	rc |= same_as_first(sh, n, plan_sha, "merge.plan", "plans (plan_sha256)", false, NULL, d);
	rc |= same_as_first(sh, n, tare_version, "merge.tare-version", "tare versions", false, NULL,
	                    d);
	rc |=
	    same_as_first(sh, n, tare_commit, "merge.tare-version", "tare commits", false, NULL, d);
	rc |= same_as_first(sh, n, bpf_object, "merge.bpf-object", "BPF objects", false, NULL, d);
	rc |= same_as_first(sh, n, host_class, "merge.host-class", "host classes", opt->force,
	                    forced, d);
	return rc ? -1 : 0;
}

/* Which input owns each cell of the full plan: refuses a cell in two inputs, a cell the plan
 * does not have, and (unless partial) a cell in none. owner[k] is per full-plan cell. */
static int check_cells(struct merge_result *r, const struct shard *sh, size_t n, bool partial,
                       long *owner, struct diag_list *d)
{
	const struct plan *p = r->plan;
	int rc = 0;
	for (size_t k = 0; k < p->n_cells; k++)
		owner[k] = -1;
	for (size_t i = 0; i < n; i++) {
		for (size_t c = 0; c < sh[i].run.n_cells; c++) {
			size_t k = 0;
			while (k < p->n_cells && p->cells[k] != sh[i].run.cells[c])
				k++;
			const char *name = r->matrix->cells[sh[i].run.cells[c]].name;
			if (k == p->n_cells) {
				rc = diag_error(d, "merge.plan", NULL,
				                "'%s' has cell '%s', which the plan does not have",
				                sh[i].dir, name);
			} else if (owner[k] >= 0) {
				rc = diag_error(d, "merge.overlap", NULL,
				                "cell '%s' is in two shards: '%s' and '%s'", name,
				                sh[owner[k]].dir, sh[i].dir);
			} else {
				owner[k] = (long)i;
			}
		}
	}
	for (size_t k = 0; k < p->n_cells; k++) {
		if (owner[k] >= 0)
			continue;
		const char *name = r->matrix->cells[p->cells[k]].name;
		if (!partial) {
			rc = diag_error(d, "merge.missing", NULL,
			                "cell '%s' is in no shard (--partial merges without it and "
			                "says so)",
			                name);
			continue;
		}
		r->missing = xrealloc(r->missing, (r->n_missing + 1) * sizeof(*r->missing));
		r->missing[r->n_missing++] = xstrdup(name);
	}
	return rc;
}

/* The full plan's index of the dispatch a shard's sample ran: the same cell, phase, round and
 * slot (a cell's dispatches are the same in every plan that holds it), checked by arm. */
static int full_index(const struct plan *p, const size_t *cell_start, size_t k,
                      const struct sample *s, size_t *out)
{
	for (size_t i = cell_start[k]; i < cell_start[k + 1]; i++) {
		const struct plan_dispatch *pd = &p->dispatches[i];
		if (pd->phase == s->phase && pd->round == s->round && pd->slot == s->slot) {
			if (strcmp(p->matrix->arms[pd->arm].name, s->arm) != 0)
				return -1;
			*out = i;
			return 0;
		}
	}
	return -1;
}

static int by_index(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Moves every sample into r under its full-plan index, in plan order. */
static int map_samples(struct merge_result *r, struct shard *sh, size_t n, const long *owner,
                       struct diag_list *d)
{
	const struct plan *p = r->plan;
	size_t *cell_start = xcalloc(p->n_cells + 1, sizeof(*cell_start));
	for (size_t i = 0, k = 0; k < p->n_cells; k++) {
		cell_start[k] = i;
		while (i < p->n_dispatches && p->dispatches[i].cell == p->cells[k])
			i++;
		cell_start[k + 1] = i;
	}
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += sh[i].run.n_samples;
	r->samples = xcalloc(total + 1, sizeof(*r->samples));
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < sh[i].run.n_samples; j++) {
			struct sample *s = &sh[i].run.samples[j];
			size_t k = 0, idx = 0;
			while (k < p->n_cells &&
			       strcmp(r->matrix->cells[p->cells[k]].name, s->cell))
				k++;
			if (k == p->n_cells || owner[k] != (long)i ||
			    full_index(p, cell_start, k, s, &idx) < 0) {
				rc = diag_error(
				    d, "merge.sample", NULL,
				    "'%s' has a sample (index %zu, cell '%s', %s round %d "
				    "slot %d) that is not a dispatch of its own cells in the "
				    "plan",
				    sh[i].dir, s->index, s->cell, plan_phase_name(s->phase),
				    s->round, s->slot);
				continue;
			}
			s->index = idx;
			r->samples[r->n_samples++] = *s;
			sample_init(s); /* moved: the shard releases an empty sample */
		}
	}
	free(cell_start);
	qsort(r->samples, r->n_samples, sizeof(*r->samples), by_index);
	r->sample_shard = xcalloc(r->n_samples + 1, sizeof(*r->sample_shard));
	for (size_t i = 0; i < r->n_samples; i++) {
		if (i > 0 && r->samples[i].index == r->samples[i - 1].index)
			rc = diag_error(d, "merge.sample", NULL,
			                "dispatch %zu (cell '%s') was recorded twice",
			                r->samples[i].index, r->samples[i].cell);
		size_t k = 0;
		while (k < p->n_cells &&
		       strcmp(r->matrix->cells[p->cells[k]].name, r->samples[i].cell) != 0)
			k++;
		r->sample_shard[i] = k < p->n_cells && owner[k] >= 0 ? (size_t)owner[k] : 0;
	}
	return rc;
}

static struct json_object *strings(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

/* The machine's CPU outside the run of the busiest shard (compare judges a run by it; a merged
 * run is as disturbed as its most disturbed part), with that shard's figures; both removed when
 * a shard lacks them, so that compare falls back to the load average as for any run without. */
static void merged_other_cpu(struct json_object *prov, const struct shard *sh, size_t n)
{
	size_t busiest = 0;
	double most = -1.0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *f = get(sh[i].prov, "other_cpu_fraction");
		if (!f || !(json_object_is_type(f, json_type_double) ||
		            json_object_is_type(f, json_type_int))) {
			json_object_object_del(prov, "other_cpu_fraction");
			json_object_object_del(prov, "other_cpu");
			return;
		}
		if (json_object_get_double(f) > most) {
			most = json_object_get_double(f);
			busiest = i;
		}
	}
	struct json_object *f = NULL, *detail = NULL;
	json_object_deep_copy(get(sh[busiest].prov, "other_cpu_fraction"), &f, NULL);
	json_object_deep_copy(get(sh[busiest].prov, "other_cpu"), &detail, NULL);
	json_object_object_add(prov, "other_cpu_fraction", f);
	json_object_object_add(prov, "other_cpu", detail);
}

/* The first shard's provenance with "merge": every input, what was forced, what is missing; the
 * busiest shard's other_cpu_fraction. */
static void merged_provenance(struct merge_result *r, const struct shard *sh, size_t n,
                              struct json_object *forced)
{
	struct json_object *prov = NULL;
	json_object_deep_copy(sh[0].prov, &prov, NULL);
	if (!prov || !json_object_is_type(prov, json_type_object)) {
		json_object_put(prov);
		prov = json_object_new_object();
	}
	merged_other_cpu(prov, sh, n);
	struct json_object *inputs = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "shard", json_object_new_string(sh[i].label));
		json_object_object_add(o, "dir", json_object_new_string(sh[i].dir));
		json_object_object_add(o, "host_class", json_object_new_string(host_class(&sh[i])));
		json_object_object_add(o, "dispatches",
		                       json_object_new_uint64(sh[i].run.n_samples));
		json_object_array_add(inputs, o);
	}
	struct json_object *m = json_object_new_object();
	json_object_object_add(m, "shards", inputs);
	json_object_object_add(m, "forced", json_object_get(forced));
	json_object_object_add(m, "missing_cells", strings(r->missing, r->n_missing));
	json_object_object_add(prov, "merge", m);
	r->provenance = prov;
}

/* The full plan: the first shard's matrix, its selection without the shard. */
static int full_plan(struct merge_result *r, struct shard *first, struct diag_list *d)
{
	r->matrix = first->run.matrix;
	first->run.matrix = NULL;
	r->matrix_path = path_join(first->dir, RUN_MATRIX_FILE);
	const char **globs = NULL;
	struct plan_select sel = plan_selection(first->run.plan, &globs);
	r->plan = plan_expand(r->matrix, &sel, d);
	free(globs);
	if (!r->plan)
		return -1;
	char hex[65];
	plan_digest(r->plan, hex);
	if (strcmp(hex, first->plan_sha) != 0)
		return diag_error(
		    d, "merge.plan", NULL,
		    "'%s' is part of plan %.12s, but its matrix and selection give plan "
		    "%.12s (planned by another tare?)",
		    first->dir, first->plan_sha, hex);
	return 0;
}

int merge_runs(const char *const *dirs, size_t n, const struct merge_options *opt,
               struct merge_result *out, struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	struct shard *sh = xcalloc(n ? n : 1, sizeof(*sh));
	struct json_object *forced = json_object_new_array();
	long *owner = NULL;
	int rc = 0;
	for (size_t i = 0; i < n; i++)
		rc |= shard_load(&sh[i], dirs[i], d);
	if (rc < 0 || n == 0 || check_identity(sh, n, opt, forced, d) < 0 ||
	    full_plan(out, &sh[0], d) < 0)
		goto fail;
	owner = xcalloc(out->plan->n_cells + 1, sizeof(*owner));
	if (check_cells(out, sh, n, opt->partial, owner, d) < 0 ||
	    map_samples(out, sh, n, owner, d) < 0)
		goto fail;
	out->n_shards = n;
	out->shard_names = xcalloc(n, sizeof(*out->shard_names));
	for (size_t i = 0; i < n; i++)
		out->shard_names[i] = xstrdup(sh[i].label);
	merged_provenance(out, sh, n, forced);
	goto done;
fail:
	rc = -1;
	merge_result_release(out);
done:
	for (size_t i = 0; i < n; i++) {
		run_data_release(&sh[i].run);
		json_object_put(sh[i].summary);
	}
	free(sh);
	free(owner);
	json_object_put(forced);
	return rc < 0 ? -1 : 0;
}

void merge_result_release(struct merge_result *r)
{
	for (size_t i = 0; i < r->n_samples; i++)
		sample_release(&r->samples[i]);
	free(r->samples);
	free(r->sample_shard);
	for (size_t i = 0; i < r->n_shards; i++)
		free(r->shard_names[i]);
	free(r->shard_names);
	for (size_t i = 0; i < r->n_missing; i++)
		free(r->missing[i]);
	free(r->missing);
	json_object_put(r->provenance);
	plan_free(r->plan);
	matrix_free(r->matrix);
	free(r->matrix_path);
	memset(r, 0, sizeof(*r));
}
