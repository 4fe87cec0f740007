/* The plan document, tare.plan.v1: fixed key order so that the same plan serialises identically. */
#include "plan/plan.h"
#include "plan/plan_json_parts.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* json-c keeps insertion order, which is what makes the output byte-identical run to run. */
static void put(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *labelled(const struct matrix_param *mp)
{
	struct json_object *o = json_object_new_object();
	put(o, "value", json_object_new_int64(mp->value));
	put(o, "label", str_or_null(mp->label));
	return o;
}

static struct json_object *plain(int64_t value)
{
	struct json_object *o = json_object_new_object();
	put(o, "value", json_object_new_int64(value));
	return o;
}

static struct json_object *cell_params(const struct matrix_cell *c)
{
	struct json_object *o = json_object_new_object();
	put(o, "kernel_events", labelled(&c->kernel_events));
	put(o, "span_events", labelled(&c->span_events));
	put(o, "concurrency", labelled(&c->concurrency));
	put(o, "payload_bytes", labelled(&c->payload_bytes));
	put(o, "span_event_limit", plain(c->span_event_limit));
	put(o, "timeout_ms", plain(c->timeout_ms));
	return o;
}

static struct json_object *strings(char *const *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(v[i]));
	return a;
}

static int env_cmp(const void *a, const void *b)
{
	const struct matrix_env *x = *(const struct matrix_env *const *)a;
	const struct matrix_env *y = *(const struct matrix_env *const *)b;
	return strcmp(x->name, y->name);
}

/* Keys sorted by name: the matrix model already sorts them, but the document's byte-identity should
 * not depend on that. */
static struct json_object *env_json(const struct plan_dispatch *pd)
{
	struct json_object *env = json_object_new_object();
	if (pd->env_len == 0)
		return env;
	const struct matrix_env **sorted = xcalloc(pd->env_len, sizeof(*sorted));
	for (size_t i = 0; i < pd->env_len; i++)
		sorted[i] = &pd->env[i];
	qsort(sorted, pd->env_len, sizeof(*sorted), env_cmp);
	for (size_t i = 0; i < pd->env_len; i++)
		put(env, sorted[i]->name, json_object_new_string(sorted[i]->value));
	free(sorted);
	return env;
}

struct json_object *plan_dispatch_to_json(const struct plan *p, const struct plan_dispatch *pd)
{
	const struct matrix *m = p->matrix;
	struct json_object *o = json_object_new_object();
	put(o, "index", json_object_new_uint64(pd->index));
	put(o, "cell", json_object_new_string(m->cells[pd->cell].name));
	put(o, "phase", json_object_new_string(plan_phase_name(pd->phase)));
	put(o, "round", json_object_new_int(pd->round));
	put(o, "slot", json_object_new_int(pd->slot));
	put(o, "arm", json_object_new_string(m->arms[pd->arm].name));
	put(o, "params", cell_params(&m->cells[pd->cell]));
	put(o, "argv", strings(pd->argv, pd->argc));
	put(o, "env", env_json(pd));
	put(o, "work_dir", json_object_new_string(pd->work_dir));
	return o;
}

struct json_object *plan_json_matrix(const struct plan *p)
{
	const struct matrix *m = p->matrix;
	struct json_object *o = json_object_new_object();
	put(o, "name", json_object_new_string(m->name));
	put(o, "path", str_or_null(m->path));
	put(o, "sha256", json_object_new_string(m->sha256));
	return o;
}

struct json_object *plan_json_selection(const struct plan *p)
{
	struct json_object *o = json_object_new_object();
	put(o, "cells", strings(p->cell_globs, p->n_cell_globs));
	put(o, "max_tier", p->max_tier >= 0 ? json_object_new_int(p->max_tier) : NULL);
	struct json_object *shard = NULL;
	if (p->shard_index > 0) {
		shard = json_object_new_object();
		put(shard, "index", json_object_new_int(p->shard_index));
		put(shard, "count", json_object_new_int(p->shard_count));
		put(shard, "plan_sha256", json_object_new_string(p->full_sha256));
	}
	put(o, "shard", shard);
	return o;
}

struct json_object *plan_json_cell(const struct plan *p, size_t i)
{
	const struct matrix *m = p->matrix;
	const struct matrix_cell *c = &m->cells[p->cells[i]];
	struct json_object *o = json_object_new_object();
	put(o, "name", json_object_new_string(c->name));
	put(o, "tier", json_object_new_int(c->tier));
	put(o, "order", json_object_new_string(plan_order_name(c->order)));
	put(o, "seed", json_object_new_uint64(c->seed));
	put(o, "repetitions", json_object_new_int(c->repetitions));
	put(o, "warmups", json_object_new_int(c->warmups));
	struct json_object *compare = json_object_new_array();
	for (size_t a = 0; a < c->n_compare; a++)
		json_object_array_add(compare, json_object_new_string(m->arms[c->compare[a]].name));
	put(o, "compare", compare);
	put(o, "params", cell_params(c));
	return o;
}

struct json_object *plan_json_arm(const struct plan *p, size_t i)
{
	const struct matrix_arm *a = &p->matrix->arms[i];
	struct json_object *o = json_object_new_object();
	put(o, "name", json_object_new_string(a->name));
	put(o, "capture", json_object_new_string(arm_capture_name(a->capture)));
	put(o, "spans", json_object_new_boolean(a->spans));
	/* only where set: the plans (and digests) of matrices without otlp arms stay as they were
	 */
	if (a->otlp)
		put(o, "otlp", json_object_new_boolean(true));
	return o;
}

struct json_object *plan_json_counts(const struct plan *p)
{
	size_t by[3] = {0, 0, 0};
	for (size_t i = 0; i < p->n_dispatches; i++)
		by[p->dispatches[i].phase]++;
	struct json_object *phases = json_object_new_object();
	put(phases, "calibrate", json_object_new_uint64(by[PHASE_CALIBRATE]));
	put(phases, "warmup", json_object_new_uint64(by[PHASE_WARMUP]));
	put(phases, "measure", json_object_new_uint64(by[PHASE_MEASURE]));
	struct json_object *o = json_object_new_object();
	put(o, "cells", json_object_new_uint64(p->n_cells));
	put(o, "dispatches", json_object_new_uint64(p->n_dispatches));
	put(o, "by_phase", phases);
	return o;
}

struct json_object *plan_to_json(const struct plan *p)
{
	const struct matrix *m = p->matrix;
	struct json_object *root = json_object_new_object();
	put(root, "schema", json_object_new_string("tare.plan.v1"));
	put(root, "matrix", plan_json_matrix(p));
	put(root, "selection", plan_json_selection(p));
	struct json_object *cells = json_object_new_array();
	for (size_t i = 0; i < p->n_cells; i++)
		json_object_array_add(cells, plan_json_cell(p, i));
	put(root, "cells", cells);
	struct json_object *arms = json_object_new_array();
	for (size_t i = 0; i < m->n_arms; i++)
		json_object_array_add(arms, plan_json_arm(p, i));
	put(root, "arms", arms);
	struct json_object *dispatches = json_object_new_array();
	for (size_t i = 0; i < p->n_dispatches; i++)
		json_object_array_add(dispatches, plan_dispatch_to_json(p, &p->dispatches[i]));
	put(root, "dispatches", dispatches);
	put(root, "counts", plan_json_counts(p));
	return root;
}

void plan_digest(const struct plan *p, char hex[65])
{
	struct json_object *o = plan_to_json(p), *part = NULL;
	if (json_object_object_get_ex(o, "matrix", &part))
		json_object_object_add(part, "path", NULL);
	if (json_object_object_get_ex(o, "selection", &part))
		json_object_object_add(part, "shard", NULL);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                         JSON_C_TO_STRING_NOSLASHESCAPE);
	sha256_hex(text, strlen(text), hex);
	json_object_put(o);
}
