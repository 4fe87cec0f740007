/* Building the matrix model from a schema-valid tree: defaults, levels, sweeps and semantic checks.
 */
#include "matrix/build.h"

#include "util/json_pointer.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/template.h"
#include "util/units.h"
#include "util/xalloc.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <json-c/json.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum axis { AXIS_KERNEL, AXIS_SPAN, AXIS_CONCURRENCY, AXIS_PAYLOAD, AXIS_COUNT };
static const char *const axis_names[AXIS_COUNT] = {"kernel_events", "span_events", "concurrency",
                                                   "payload"};

/* The placeholders a workload command or env value may use (ARCHITECTURE §3). */
static const char *const workload_placeholders[] = {
    "kernel_events", "span_events", "concurrency",   "payload_bytes", "span_event_limit",
    "trace_out",     "work_dir",    "cell",          "arm",           "phase",
    "round",         "index",       "otlp_endpoint",
};
#define N_WORKLOAD_PLACEHOLDERS (sizeof(workload_placeholders) / sizeof(workload_placeholders[0]))

struct build {
	const struct source_map *map;
	struct diag_list *d;
	/* pointers where the schema failed (none for a schema-valid tree): what lies at, under or
	 * above one of them is left alone, everything else is still checked */
	const char *const *bad;
	size_t n_bad;
	size_t skipped;     /* cells or sweeps left out because the schema failed in them */
	bool arms_complete; /* the arms' names are known, so an unknown name is an error */
	bool arm_tainted; /* an arm's body failed the schema: whether it has a command is unknown */
	struct json_object *levels;   /* may be NULL */
	struct json_object *defaults; /* may be NULL */
	struct matrix *m;
	size_t errors;
	/* "pointer\x1fmessage" of every error reported (a set; NULL until the first error): an
	 * inherited default reaches every cell, and is reported once, where it is written */
	struct json_object *reported;
	/* a custom command came without kernel_match: an error only if some cell counts kernel
	 * events, which is known once the cells are built */
	bool match_missing;
};

/* A value found for a parameter and the pointer it was found at. skipped: the value exists but
 * failed the schema, so nothing can be concluded from it. */
struct found {
	struct json_object *node;
	char ptr[256];
	bool skipped;
};

/* Whether b->bad names ptr, a pointer below it, or one above it (but the root, whose errors are
 * missing keys that say nothing about the keys present). */
static bool tainted(const struct build *b, const char *ptr)
{
	size_t n = strlen(ptr);
	for (size_t i = 0; i < b->n_bad; i++) {
		const char *e = b->bad[i];
		size_t k = strlen(e);
		if (k >= n ? strncmp(e, ptr, n) == 0 && (e[n] == '\0' || e[n] == '/')
		           : k > 0 && strncmp(ptr, e, k) == 0 && ptr[k] == '/')
			return true;
	}
	return false;
}

static bool is_object(struct json_object *o)
{
	return json_object_is_type(o, json_type_object);
}

static void fail(struct build *b, const char *ptr, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Whether the same error was already reported at ptr; remembers it when not. Every error is
 * collected (printing shows the first DIAG_MAX_SHOWN and counts the rest), so this must not scan
 * the list: 100,000 cells each with an error made that quadratic. */
static bool reported_before(struct build *b, const char *ptr, const char *msg)
{
	if (!b->reported)
		b->reported = json_object_new_object();
	if (!b->reported)
		return false; /* out of memory: the repeat is reported again, which is harmless */
	struct strbuf key;
	strbuf_init(&key);
	strbuf_addf(&key, "%s\x1f%s", ptr, msg);
	bool seen = json_object_object_get_ex(b->reported, key.buf, NULL);
	if (!seen)
		json_object_object_add(b->reported, key.buf, NULL);
	strbuf_release(&key);
	return seen;
}

static void fail(struct build *b, const char *ptr, const char *code, const char *fmt, ...)
{
	struct strbuf msg;
	strbuf_init(&msg);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (!reported_before(b, ptr, msg.buf)) {
		struct diag_loc loc = source_map_loc(b->map, ptr, false);
		diag_error(b->d, code, &loc, "%s", msg.buf);
		b->errors++;
	}
	strbuf_release(&msg);
}

static struct json_object *get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;
	if (obj && json_object_object_get_ex(obj, key, &v))
		return v;
	return NULL;
}

/* Finds key in the cell's own object, else in defaults. Returns false when neither has it. */
static bool param(struct build *b, struct json_object *own, const char *own_ptr, const char *key,
                  struct found *f)
{
	if ((f->node = get(own, key))) {
		snprintf(f->ptr, sizeof(f->ptr), "%s/%s", own_ptr, key);
		return true;
	}
	f->skipped = false;
	if ((f->node = get(b->defaults, key))) {
		snprintf(f->ptr, sizeof(f->ptr), "/defaults/%s", key);
		if (!tainted(b, f->ptr))
			return true;
		f->skipped = true;
	}
	return false;
}

/* Appends "; did you mean 'x'?" or the list of choices for an unknown name. */
static void describe_choices(struct strbuf *sb, const char *word, const char *const *names,
                             size_t n)
{
	const char *best = suggest_closest(word, names, n);
	if (best) {
		strbuf_addf(sb, " (did you mean '%s'?)", best);
		return;
	}
	if (n == 0)
		return;
	/* 16: every arm a matrix may have, and every placeholder, fit */
	strbuf_addstr(sb, " (known: ");
	for (size_t i = 0; i < n && i < 16; i++)
		strbuf_addf(sb, "%s'%s'", i ? ", " : "", names[i]);
	strbuf_addstr(sb, n > 16 ? ", ...)" : ")");
}

static size_t object_keys(struct json_object *obj, const char ***out)
{
	size_t n = obj ? (size_t)json_object_object_length(obj) : 0;
	const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
	size_t i = 0;
	if (obj) {
		json_object_object_foreach(obj, k, v)
		{
			(void)v;
			keys[i++] = k;
		}
	}
	*out = keys;
	return n;
}

/* A payload level value or a payload given directly: integer bytes or a size string. */
static int size_value(struct build *b, struct json_object *node, const char *ptr, int64_t *out)
{
	if (json_object_is_type(node, json_type_int)) {
		*out = json_object_get_int64(node);
		return 0;
	}
	uint64_t v;
	if (parse_size_bytes(json_object_get_string(node), &v) < 0 || v > INT64_MAX) {
		fail(b, ptr, "matrix.size",
		     "'%s' is not a size in whole bytes (e.g. 128, \"4KiB\", \"1MiB\")",
		     json_object_get_string(node));
		return -1;
	}
	*out = (int64_t)v;
	return 0;
}

static int check_axis_range(struct build *b, enum axis a, int64_t v, const char *ptr)
{
	switch (a) {
	case AXIS_KERNEL:
	case AXIS_SPAN:
		if (v > MATRIX_MAX_EVENTS) {
			fail(b, ptr, "matrix.range",
			     "%s %lld is more than the limit of %lld per dispatch", axis_names[a],
			     (long long)v, MATRIX_MAX_EVENTS);
			return -1;
		}
		return 0;
	case AXIS_CONCURRENCY:
		if (v < 1 || v > MATRIX_MAX_CONCURRENCY) {
			fail(b, ptr, "matrix.range",
			     "concurrency must be between 1 and %lld, got %lld",
			     MATRIX_MAX_CONCURRENCY, (long long)v);
			return -1;
		}
		return 0;
	case AXIS_PAYLOAD:
		if (v > MATRIX_MAX_PAYLOAD) {
			fail(b, ptr, "matrix.range",
			     "payload %lld bytes is more than the limit of 1GiB", (long long)v);
			return -1;
		}
		return 0;
	case AXIS_COUNT:
		break;
	}
	return 0;
}

/* Resolves an axis value: a number, or a label from levels.<axis> (payload also takes a size). */
static int resolve_axis(struct build *b, enum axis a, struct json_object *node, const char *ptr,
                        struct matrix_param *out)
{
	out->label = NULL;
	if (json_object_is_type(node, json_type_int)) {
		out->value = json_object_get_int64(node);
		return check_axis_range(b, a, out->value, ptr);
	}
	const char *s = json_object_get_string(node);
	struct json_object *labels = get(b->levels, axis_names[a]);
	struct json_object *lv = get(labels, s);
	/* levels that failed the schema cannot say whether a label is defined */
	if ((b->levels && !is_object(b->levels)) || (labels && !is_object(labels)))
		return -1;
	if (lv) {
		char lptr[256];
		snprintf(lptr, sizeof(lptr), "/levels/%s/%s", axis_names[a], s);
		if (tainted(b, lptr))
			return -1;
		if (a == AXIS_PAYLOAD) {
			if (size_value(b, lv, lptr, &out->value) < 0)
				return -1;
		} else {
			out->value = json_object_get_int64(lv);
		}
		out->label = xstrdup(s);
		return check_axis_range(b, a, out->value, ptr);
	}
	uint64_t bytes;
	if (a == AXIS_PAYLOAD && parse_size_bytes(s, &bytes) == 0 && bytes <= INT64_MAX) {
		out->value = (int64_t)bytes;
		return check_axis_range(b, a, out->value, ptr);
	}
	struct strbuf msg;
	strbuf_init(&msg);
	const char **names;
	size_t n = object_keys(labels, &names);
	if (n)
		strbuf_addf(&msg, "unknown %s level '%s'", axis_names[a], s);
	else if (a == AXIS_PAYLOAD)
		strbuf_addf(
		    &msg,
		    "'%s' is not a size (e.g. 128, \"4KiB\"), and levels.payload defines no labels",
		    s);
	else
		strbuf_addf(&msg, "'%s' is not a number, and levels.%s defines no labels", s,
		            axis_names[a]);
	describe_choices(&msg, s, names, n);
	free(names);
	fail(b, ptr, "matrix.unknown-level", "%s", msg.buf);
	strbuf_release(&msg);
	return -1;
}

static int64_t int_param(struct build *b, struct json_object *own, const char *own_ptr,
                         const char *key, int64_t dflt)
{
	struct found f;
	return param(b, own, own_ptr, key, &f) ? json_object_get_int64(f.node) : dflt;
}

static int resolve_timeout(struct build *b, struct json_object *own, const char *own_ptr,
                           int64_t *out)
{
	struct found f;
	*out = 300 * 1000;
	if (!param(b, own, own_ptr, "timeout", &f))
		return 0;
	if (json_object_is_type(f.node, json_type_int)) {
		int64_t s = json_object_get_int64(f.node);
		*out = s > MATRIX_MAX_TIMEOUT_MS / 1000 ? MATRIX_MAX_TIMEOUT_MS + 1 : s * 1000;
	} else if (parse_duration_ms(json_object_get_string(f.node), out) < 0) {
		fail(b, f.ptr, "matrix.duration",
		     "'%s' is not a duration (e.g. 300s, 5m, 1h30m, 250ms)",
		     json_object_get_string(f.node));
		return -1;
	}
	if (*out < 1 || *out > MATRIX_MAX_TIMEOUT_MS) {
		fail(b, f.ptr, "matrix.range", "timeout must be between 1ms and 24h");
		return -1;
	}
	return 0;
}

static int resolve_compare(struct build *b, struct json_object *own, const char *own_ptr,
                           struct matrix_cell *c)
{
	const struct matrix *m = b->m;
	struct found f;
	/* with an arm that failed the schema left out, no name can be called undeclared */
	if (!b->arms_complete)
		return -1;
	if (!param(b, own, own_ptr, "compare", &f)) {
		if (f.skipped)
			return -1;
		/* default: every arm, when that is a comparison the planner can order */
		if (m->n_arms > 8) {
			fail(b, "/arms", "matrix.compare",
			     "with more than 8 arms, 'compare' must say which ones a cell "
			     "dispatches");
			return -1;
		}
		c->compare = xcalloc(m->n_arms, sizeof(*c->compare));
		for (size_t i = 0; i < m->n_arms; i++)
			c->compare[i] = i;
		c->n_compare = m->n_arms;
		return 0;
	}
	size_t n = json_object_array_length(f.node);
	c->compare = xcalloc(n, sizeof(*c->compare));
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(f.node, i));
		size_t k = 0;
		while (k < m->n_arms && strcmp(m->arms[k].name, name) != 0)
			k++;
		if (k == m->n_arms) {
			char ptr[300];
			snprintf(ptr, sizeof(ptr), "%s/%zu", f.ptr, i);
			const char **names = xcalloc(m->n_arms, sizeof(*names));
			for (size_t j = 0; j < m->n_arms; j++)
				names[j] = m->arms[j].name;
			struct strbuf msg;
			strbuf_init(&msg);
			strbuf_addf(&msg, "compare names the undeclared arm '%s'", name);
			describe_choices(&msg, name, names, m->n_arms);
			fail(b, ptr, "matrix.unknown-arm", "%s", msg.buf);
			strbuf_release(&msg);
			free(names);
			rc = -1;
			continue;
		}
		c->compare[c->n_compare++] = k;
	}
	return rc;
}

/* Axis values a sweep fixes for one generated cell (NULL node: take the cell/default value). */
struct axis_override {
	struct json_object *node[AXIS_COUNT];
	char ptr[AXIS_COUNT][256];
};

/* Fills c from own (a cell or sweep object at own_ptr), the overrides and the defaults.
 * Returns 0, or -1 after reporting what was wrong. */
static int build_cell(struct build *b, struct json_object *own, const char *own_ptr,
                      const char *name, const struct axis_override *ov, struct matrix_cell *c)
{
	int rc = 0;
	c->name = xstrdup(name);
	c->pointer = xstrdup(own_ptr);
	c->tier = (int)int_param(b, own, own_ptr, "tier", b->m->tier);
	struct matrix_param *params[AXIS_COUNT] = {&c->kernel_events, &c->span_events,
	                                           &c->concurrency, &c->payload_bytes};
	static const int64_t axis_default[AXIS_COUNT] = {0, 0, 1, 128};
	for (int a = 0; a < AXIS_COUNT; a++) {
		struct found f;
		if (ov && ov->node[a]) {
			f.node = ov->node[a];
			snprintf(f.ptr, sizeof(f.ptr), "%s", ov->ptr[a]);
		} else if (!param(b, own, own_ptr, axis_names[a], &f)) {
			params[a]->value = axis_default[a];
			params[a]->label = NULL;
			continue;
		}
		if (resolve_axis(b, (enum axis)a, f.node, f.ptr, params[a]) < 0)
			rc = -1;
	}
	c->span_event_limit = int_param(b, own, own_ptr, "span_event_limit", 128);
	c->repetitions = (int)int_param(b, own, own_ptr, "repetitions", MATRIX_DEFAULT_REPETITIONS);
	c->warmups = (int)int_param(b, own, own_ptr, "warmups", 1);
	c->seed = (uint64_t)int_param(b, own, own_ptr, "seed", 1);
	struct found f;
	/* the schema allows only known names; an unknown one keeps the default */
	c->order = ORDER_COUNTERBALANCED;
	if (param(b, own, own_ptr, "order", &f))
		plan_order_from_name(json_object_get_string(f.node), &c->order);
	c->expect =
	    param(b, own, own_ptr, "expect", &f) ? xstrdup(json_object_get_string(f.node)) : NULL;
	if (resolve_timeout(b, own, own_ptr, &c->timeout_ms) < 0)
		rc = -1;
	if (resolve_compare(b, own, own_ptr, c) < 0)
		rc = -1;
	return rc;
}

static struct matrix_cell *add_cell(struct build *b)
{
	struct matrix *m = b->m;
	if (m->n_cells % 64 == 0) {
		struct matrix_cell *cells = xrealloc(m->cells, (m->n_cells + 64) * sizeof(*cells));
		m->cells = cells;
	}
	struct matrix_cell *c = &m->cells[m->n_cells++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* Sweep name placeholders: the axes, each as its level label when it has one, else its value. */
struct sweep_names {
	char text[AXIS_COUNT][64];
	bool present[AXIS_COUNT];
};

static const char *sweep_lookup(void *ctx, const char *name)
{
	struct sweep_names *sn = ctx;
	for (int a = 0; a < AXIS_COUNT; a++)
		if (strcmp(name, axis_names[a]) == 0)
			return sn->text[a];
	return NULL;
}

static int sweep_visit(void *ctx, const char *name, size_t offset)
{
	(void)offset;
	return sweep_lookup(ctx, name) ? 0 : 1;
}

static bool valid_cell_name(const char *s)
{
	if (!*s || strlen(s) > 128)
		return false;
	for (const char *p = s; *p; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') ||
		          (p > s && (ch == '.' || ch == '_' || ch == '-'));
		if (!ok)
			return false;
	}
	return true;
}

static void param_text(char *buf, size_t size, struct json_object *node)
{
	snprintf(buf, size, "%s", json_object_get_string(node));
}

/* Expands one sweep: the cartesian product of its axes in written order, last axis fastest. */
static void build_sweep(struct build *b, struct json_object *sweep, size_t si)
{
	char sptr[64];
	snprintf(sptr, sizeof(sptr), "/sweeps/%zu", si);
	const char *tmpl = json_object_get_string(get(sweep, "name"));
	struct sweep_names sn = {0};
	size_t off;
	for (int a = 0; a < AXIS_COUNT; a++)
		sn.present[a] = true;
	char nptr[80];
	snprintf(nptr, sizeof(nptr), "%s/name", sptr);
	if (template_scan(tmpl, sweep_visit, &sn, &off) < 0) {
		fail(b, nptr, "matrix.placeholder",
		     "sweep name '%s' has a bad placeholder at offset %zu (use {kernel_events}, "
		     "{span_events}, {concurrency} or {payload})",
		     tmpl, off);
		return;
	}
	/* the swept axes, in the order the sweep writes them */
	int axes[AXIS_COUNT];
	size_t lens[AXIS_COUNT], n_axes = 0, total = 1;
	json_object_object_foreach(sweep, key, val)
	{
		for (int a = 0; a < AXIS_COUNT; a++) {
			if (strcmp(key, axis_names[a]) != 0)
				continue;
			axes[n_axes] = a;
			lens[n_axes] = json_object_is_type(val, json_type_array)
			                   ? json_object_array_length(val)
			                   : 1;
			total = total > MATRIX_MAX_CELLS ? total : total * lens[n_axes];
			n_axes++;
		}
	}
	if (total + b->m->n_cells > MATRIX_MAX_CELLS) {
		fail(b, sptr, "matrix.range", "the matrix would have more than %d cells",
		     MATRIX_MAX_CELLS);
		return;
	}
	size_t idx[AXIS_COUNT] = {0};
	for (size_t combo = 0; combo < total; combo++) {
		struct axis_override ov = {0};
		for (size_t k = 0; k < n_axes; k++) {
			int a = axes[k];
			struct json_object *axis = get(sweep, axis_names[a]);
			if (json_object_is_type(axis, json_type_array)) {
				ov.node[a] = json_object_array_get_idx(axis, idx[k]);
				snprintf(ov.ptr[a], sizeof(ov.ptr[a]), "%s/%s/%zu", sptr,
				         axis_names[a], idx[k]);
			} else {
				ov.node[a] = axis;
				snprintf(ov.ptr[a], sizeof(ov.ptr[a]), "%s/%s", sptr,
				         axis_names[a]);
			}
		}
		struct matrix_cell *c = add_cell(b);
		/* the cell is built before naming it, so the name can use the resolved labels */
		if (build_cell(b, sweep, sptr, "", &ov, c) == 0) {
			struct matrix_param *params[AXIS_COUNT] = {
			    &c->kernel_events, &c->span_events, &c->concurrency, &c->payload_bytes};
			for (int a = 0; a < AXIS_COUNT; a++) {
				if (params[a]->label)
					snprintf(sn.text[a], sizeof(sn.text[a]), "%s",
					         params[a]->label);
				else if (ov.node[a])
					param_text(sn.text[a], sizeof(sn.text[a]), ov.node[a]);
				else
					snprintf(sn.text[a], sizeof(sn.text[a]), "%lld",
					         (long long)params[a]->value);
			}
			struct strbuf name;
			strbuf_init(&name);
			template_expand(tmpl, sweep_lookup, &sn, 1, &name, &off);
			free(c->name);
			c->name = strbuf_detach(&name);
			if (!valid_cell_name(c->name))
				fail(b, nptr, "matrix.cell-name",
				     "sweep name '%s' gives the cell name '%s', which is not a "
				     "valid cell "
				     "name (letters, digits, '.', '_', '-')",
				     tmpl, c->name);
		}
		for (size_t k = n_axes; k-- > 0;) {
			if (++idx[k] < lens[k])
				break;
			idx[k] = 0;
		}
	}
}

static void build_cells(struct build *b, struct json_object *tree)
{
	struct json_object *cells = get(tree, "cells");
	if (cells && !json_object_is_type(cells, json_type_array)) {
		b->skipped++;
		cells = NULL;
	}
	size_t n = cells ? json_object_array_length(cells) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *obj = json_object_array_get_idx(cells, i);
		char ptr[64];
		snprintf(ptr, sizeof(ptr), "/cells/%zu", i);
		if (tainted(b, ptr)) {
			b->skipped++;
			continue;
		}
		build_cell(b, obj, ptr, json_object_get_string(get(obj, "name")), NULL,
		           add_cell(b));
	}
	struct json_object *sweeps = get(tree, "sweeps");
	if (sweeps && !json_object_is_type(sweeps, json_type_array)) {
		b->skipped++;
		sweeps = NULL;
	}
	size_t ns = sweeps ? json_object_array_length(sweeps) : 0;
	for (size_t i = 0; i < ns; i++) {
		char ptr[64];
		snprintf(ptr, sizeof(ptr), "/sweeps/%zu", i);
		if (tainted(b, ptr))
			b->skipped++;
		else
			build_sweep(b, json_object_array_get_idx(sweeps, i), i);
	}
	/* a sweep that failed generated nothing: its own error says why; so does a top-level key
	 * the schema refused ('cell:' for 'cells:') */
	bool top_level_bad = false;
	for (size_t i = 0; i < b->n_bad; i++)
		if (!strchr(b->bad[i] + (b->bad[i][0] == '/'), '/'))
			top_level_bad = true;
	if (b->m->n_cells == 0 && b->errors == 0 && b->skipped == 0 && !top_level_bad)
		fail(b, "", "matrix.no-cells", "the matrix has no cells; add 'cells' or 'sweeps'");
}

static int cmp_cell_name(const void *pa, const void *pb, void *ctx)
{
	const struct matrix_cell *cells = ctx;
	size_t a = *(const size_t *)pa, bb = *(const size_t *)pb;
	int c = strcmp(cells[a].name, cells[bb].name);
	return c ? c : (a > bb) - (a < bb);
}

/* Duplicate names are found by sorting, so 100,000 cells cost n log n, not n². */
static void check_duplicate_cells(struct build *b)
{
	struct matrix *m = b->m;
	size_t *order = xcalloc(m->n_cells ? m->n_cells : 1, sizeof(*order));
	for (size_t i = 0; i < m->n_cells; i++)
		order[i] = i;
	qsort_r(order, m->n_cells, sizeof(*order), cmp_cell_name, m->cells);
	for (size_t i = 1; i < m->n_cells; i++) {
		const struct matrix_cell *first = &m->cells[order[i - 1]],
		                         *dup = &m->cells[order[i]];
		if (!*dup->name || strcmp(first->name, dup->name) != 0)
			continue;
		struct diag_loc at = source_map_loc(b->map, first->pointer, false);
		char where[64] = "";
		if (at.line)
			snprintf(where, sizeof(where), " (first at line %d)", at.line);
		char ptr[300];
		snprintf(ptr, sizeof(ptr), "%s%s", dup->pointer,
		         strncmp(dup->pointer, "/cells/", 7) == 0 ? "/name" : "");
		fail(b, ptr, "matrix.duplicate-cell", "duplicate cell name '%s'%s", dup->name,
		     where);
	}
	free(order);
}

static uint64_t cell_dispatches(const struct matrix *m, const struct matrix_cell *c)
{
	uint64_t rounds = (m->gates.preflight ? 1 : 0) +
	                  (uint64_t)(c->warmups > 0 ? c->warmups : 0) +
	                  (uint64_t)(c->repetitions > 0 ? c->repetitions : 0);
	return rounds * c->n_compare;
}

/* A valid matrix must also give a plan that can be built: counted here, without expanding, since
 * 100,000 cells × 1,000 repetitions validated and then `expand` was killed for memory. The error
 * points at the cell or sweep that gives the most dispatches, the place most likely to change. */
static void check_dispatch_count(struct build *b)
{
	const struct matrix *m = b->m;
	uint64_t total = 0, share = 0, best = 0;
	const char *best_ptr = "";
	for (size_t i = 0; i < m->n_cells; i++) {
		uint64_t n = cell_dispatches(m, &m->cells[i]);
		total += n; /* far from overflow: 100,000 cells × arms × 110,001 rounds */
		/* a sweep's cells are consecutive and share its pointer */
		share = i > 0 && strcmp(m->cells[i].pointer, m->cells[i - 1].pointer) == 0
		            ? share + n
		            : n;
		if (share > best) {
			best = share;
			best_ptr = m->cells[i].pointer;
		}
	}
	if (total <= MATRIX_MAX_DISPATCHES)
		return;
	fail(b, best_ptr, "matrix.too-many-dispatches",
	     "the plan would have %llu dispatches, more than the limit of %llu (cells × compared "
	     "arms × (calibrate + warmups + repetitions)); %llu of them come from here",
	     (unsigned long long)total, MATRIX_MAX_DISPATCHES, (unsigned long long)best);
}

static void check_template(struct build *b, const char *text, const char *ptr);

/* Copies a schema-valid array of strings, checking each for placeholders tare does not know. */
static char **build_argv(struct build *b, struct json_object *arr, const char *ptr, size_t *len)
{
	*len = json_object_array_length(arr);
	char **v = xcalloc(*len, sizeof(*v));
	for (size_t i = 0; i < *len; i++) {
		v[i] = xstrdup(json_object_get_string(json_object_array_get_idx(arr, i)));
		char *at = xasprintf("%s/%zu", ptr, i);
		check_template(b, v[i], at);
		free(at);
	}
	return v;
}

static int cmp_env(const void *pa, const void *pb)
{
	return strcmp(((const struct matrix_env *)pa)->name, ((const struct matrix_env *)pb)->name);
}

/* Copies a schema-valid env mapping, sorted by name, checking each value's placeholders. */
static struct matrix_env *build_env(struct build *b, struct json_object *env, const char *ptr,
                                    size_t *len)
{
	*len = 0;
	struct matrix_env *out =
	    xcalloc(env ? (size_t)json_object_object_length(env) + 1 : 1, sizeof(*out));
	if (!env)
		return out;
	json_object_object_foreach(env, name, val)
	{
		struct matrix_env *e = &out[(*len)++];
		e->name = xstrdup(name);
		e->value = xstrdup(json_object_get_string(val));
		char *at = json_pointer_join(ptr, name);
		check_template(b, e->value, at);
		free(at);
	}
	qsort(out, *len, sizeof(*out), cmp_env);
	return out;
}

/* The arm's env, command and wrap; ptr is the arm's pointer. */
static void build_arm_workload(struct build *b, struct json_object *arm, const char *ptr,
                               struct matrix_arm *a)
{
	struct json_object *v;
	char *at;
	if ((v = get(arm, "command"))) {
		at = xasprintf("%s/command", ptr);
		a->command = build_argv(b, v, at, &a->command_len);
		free(at);
	}
	if ((v = get(arm, "wrap"))) {
		at = xasprintf("%s/wrap", ptr);
		a->wrap = build_argv(b, v, at, &a->wrap_len);
		free(at);
	}
	if ((v = get(arm, "env"))) {
		at = xasprintf("%s/env", ptr);
		a->env = build_env(b, v, at, &a->env_len);
		free(at);
	}
}

static void build_arms(struct build *b, struct json_object *tree)
{
	struct json_object *arms = get(tree, "arms");
	struct matrix *m = b->m;
	/* an arm whose body failed the schema still declares its name */
	b->arms_complete = is_object(arms);
	if (!is_object(arms)) {
		m->arms = xcalloc(1, sizeof(*m->arms));
		return;
	}
	m->arms = xcalloc((size_t)json_object_object_length(arms), sizeof(*m->arms));
	json_object_object_foreach(arms, name, arm)
	{
		char *ptr = json_pointer_join("/arms", name);
		bool skip = tainted(b, ptr);
		struct matrix_arm *a = &m->arms[m->n_arms++];
		a->name = xstrdup(name);
		b->arm_tainted = b->arm_tainted || skip;
		if (!skip) {
			a->capture = ARM_CAPTURE_NONE;
			arm_capture_from_name(json_object_get_string(get(arm, "capture")),
			                      &a->capture);
			a->spans = json_object_get_boolean(get(arm, "spans"));
			a->otlp = json_object_get_boolean(get(arm, "otlp"));
			build_arm_workload(b, arm, ptr, a);
		}
		free(ptr);
	}
}

static int placeholder_visit(void *ctx, const char *name, size_t offset)
{
	(void)offset;
	for (size_t i = 0; i < N_WORKLOAD_PLACEHOLDERS; i++)
		if (strcmp(name, workload_placeholders[i]) == 0)
			return 0;
	snprintf(ctx, 64, "%s", name); /* copied: name lives in the scanner's buffer */
	return 1;
}

/* Checks one command argument or env value for placeholders tare does not know. */
static void check_template(struct build *b, const char *text, const char *ptr)
{
	char bad[64] = "";
	size_t off = 0;
	if (template_scan(text, placeholder_visit, bad, &off) == 0)
		return;
	if (*bad) {
		struct strbuf msg;
		strbuf_init(&msg);
		strbuf_addf(&msg, "unknown placeholder '{%s}'", bad);
		describe_choices(&msg, bad, workload_placeholders, N_WORKLOAD_PLACEHOLDERS);
		fail(b, ptr, "matrix.placeholder", "%s", msg.buf);
		strbuf_release(&msg);
	} else {
		fail(b, ptr, "matrix.placeholder",
		     "malformed placeholder at offset %zu of '%s' (write '{{' and '}}' for literal "
		     "braces)",
		     off, text);
	}
}

static void check_pattern(struct build *b, const char *pattern, const char *ptr)
{
	int errcode;
	PCRE2_SIZE erroff;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
	                               &errcode, &erroff, NULL);
	if (re) {
		pcre2_code_free(re);
		return;
	}
	PCRE2_UCHAR buf[256];
	pcre2_get_error_message(errcode, buf, sizeof(buf));
	fail(b, ptr, "matrix.pattern", "invalid kernel_match pattern at offset %zu: %s",
	     (size_t)erroff, (const char *)buf);
}

/* An arm's command replaces workload.command, so it needs one to replace, or every arm must
 * bring its own (then the workload is theirs, and kernel_match applies to all of them alike).
 * Returns whether every arm gives a command. */
static bool check_arm_commands(struct build *b, bool has_command, bool explicit_builtin)
{
	const struct matrix *m = b->m;
	size_t with = 0;
	for (size_t i = 0; i < m->n_arms; i++)
		with += m->arms[i].command != NULL;
	bool all = m->n_arms > 0 && with == m->n_arms && b->arms_complete;
	if (has_command || with == 0 || (all && !explicit_builtin) || b->arm_tainted)
		return all;
	for (size_t i = 0; i < m->n_arms; i++) {
		if (!m->arms[i].command)
			continue;
		char *ptr = json_pointer_join("/arms", m->arms[i].name);
		char *at = xasprintf("%s/command", ptr);
		fail(b, at, "matrix.workload",
		     "arm '%s' gives a 'command' but the workload is tare's built-in one: give "
		     "workload.command (what the other arms run), or a command in every arm",
		     m->arms[i].name);
		free(at);
		free(ptr);
	}
	return all;
}

static void build_workload(struct build *b, struct json_object *tree)
{
	struct matrix_workload *w = &b->m->workload;
	struct json_object *wl = get(tree, "workload");
	struct json_object *cmd = get(wl, "command");
	struct json_object *match = get(wl, "kernel_match");
	struct json_object *env = get(wl, "env");
	/* parts that failed the schema are left out: their errors are reported already */
	bool cmd_ok = !tainted(b, "/workload/command"), env_ok = !tainted(b, "/workload/env");
	bool match_ok = !tainted(b, "/workload/kernel_match");
	bool explicit_builtin = get(wl, "builtin") && !tainted(b, "/workload/builtin");
	bool arms_own = check_arm_commands(b, cmd != NULL, explicit_builtin);
	w->builtin = cmd == NULL && !arms_own;
	if (!cmd_ok)
		cmd = NULL;
	if (!match_ok)
		match = NULL;
	if (!env_ok)
		env = NULL;
	if (cmd && get(wl, "builtin") && !tainted(b, "/workload/builtin"))
		fail(b, "/workload", "matrix.workload",
		     "workload takes either 'builtin' or 'command', not both");
	if (cmd) {
		w->command_len = json_object_array_length(cmd);
		w->command = xcalloc(w->command_len, sizeof(*w->command));
		for (size_t i = 0; i < w->command_len; i++) {
			char ptr[64];
			snprintf(ptr, sizeof(ptr), "/workload/command/%zu", i);
			w->command[i] =
			    xstrdup(json_object_get_string(json_object_array_get_idx(cmd, i)));
			check_template(b, w->command[i], ptr);
		}
	}
	if (!w->builtin)
		b->match_missing = !match && match_ok;
	w->env = build_env(b, env, "/workload/env", &w->env_len);
	if (match)
		w->kernel_match = xstrdup(json_object_get_string(match));
	else if (w->builtin)
		w->kernel_match = xstrdup(MATRIX_BUILTIN_KERNEL_MATCH);
	if (match)
		check_pattern(b, w->kernel_match, "/workload/kernel_match");
}

struct uses_ctx {
	const char *name;
	bool found;
};

static int uses_visit(void *ctx, const char *name, size_t offset)
{
	struct uses_ctx *c = ctx;
	(void)offset;
	c->found = strcmp(name, c->name) == 0;
	return c->found;
}

/* Whether text names the placeholder {name} (malformed text is reported elsewhere). */
static bool uses_placeholder(const char *text, const char *name)
{
	struct uses_ctx c = {name, false};
	size_t off = 0;
	template_scan(text, uses_visit, &c, &off);
	return c.found;
}

/* The pointer of the first template the arm runs with (its wrap, its command or the workload's,
 * its env or the workload's where the arm does not override it) that names {name}, or NULL: a
 * new string. */
static char *arm_uses(const struct matrix *m, const struct matrix_arm *a, const char *name)
{
	for (size_t i = 0; i < a->wrap_len; i++)
		if (uses_placeholder(a->wrap[i], name))
			return xasprintf("/arms/%s/wrap/%zu", a->name, i);
	for (size_t i = 0; i < a->command_len; i++)
		if (uses_placeholder(a->command[i], name))
			return xasprintf("/arms/%s/command/%zu", a->name, i);
	for (size_t i = 0; !a->command && i < m->workload.command_len; i++)
		if (uses_placeholder(m->workload.command[i], name))
			return xasprintf("/workload/command/%zu", i);
	for (size_t i = 0; i < a->env_len; i++)
		if (uses_placeholder(a->env[i].value, name)) {
			char *arm = json_pointer_join("/arms", a->name),
			     *env = xasprintf("%s/env", arm);
			char *at = json_pointer_join(env, a->env[i].name);
			free(env);
			free(arm);
			return at;
		}
	for (size_t i = 0; i < m->workload.env_len; i++) {
		const struct matrix_env *e = &m->workload.env[i];
		bool overridden = false;
		for (size_t j = 0; j < a->env_len && !overridden; j++)
			overridden = strcmp(a->env[j].name, e->name) == 0;
		if (!overridden && uses_placeholder(e->value, name))
			return json_pointer_join("/workload/env", e->name);
	}
	return NULL;
}

/* An otlp arm's span layer comes from tare's receiver, so the arm must trace spans, run a
 * program that can export them (the built-in workload writes a file and posts nothing), and
 * have no {trace_out}, which only file-traced arms get. {otlp_endpoint} exists only where a
 * receiver listens for the arm. */
static void check_otlp_arms(struct build *b)
{
	const struct matrix *m = b->m;
	for (size_t i = 0; i < m->n_arms; i++) {
		const struct matrix_arm *a = &m->arms[i];
		char *ptr = json_pointer_join("/arms", a->name);
		char *at = xasprintf("%s/otlp", ptr);
		char *use = NULL;
		if (tainted(b, ptr))
			; /* its body failed the schema: nothing to conclude */
		else if (a->otlp && !a->spans)
			fail(
			    b, at, "matrix.otlp",
			    "arm '%s' has 'otlp: true' but 'spans: false': the receiver counts the "
			    "arm's spans, so it needs 'spans: true'",
			    a->name);
		/* with an arm left out, whether the workload is the built-in one is unknown */
		else if (a->otlp && m->workload.builtin && !a->command && !b->arm_tainted)
			fail(
			    b, at, "matrix.otlp",
			    "arm '%s' has 'otlp: true' but runs tare's built-in workload, whose "
			    "spans go to a file, not over OTLP/HTTP: give the arm a 'command' that "
			    "exports to {otlp_endpoint}",
			    a->name);
		else if (a->otlp && (use = arm_uses(m, a, "trace_out")))
			fail(
			    b, use, "matrix.otlp",
			    "arm '%s' has 'otlp: true', so its spans are counted from the receiver "
			    "and it has no '{trace_out}'",
			    a->name);
		else if (!a->otlp && (use = arm_uses(m, a, "otlp_endpoint")))
			fail(
			    b, use, "matrix.otlp",
			    "'{otlp_endpoint}' in arm '%s', which has no 'otlp: true': no receiver "
			    "listens for it",
			    a->name);
		free(use);
		free(at);
		free(ptr);
	}
}

/* A custom command's kernel_match is what makes a kernel-event target countable: without it
 * every file the process opens (the dynamic loader's included) would count. A matrix whose
 * cells count no kernel events (timing only) needs none. */
static void check_kernel_match(struct build *b)
{
	if (!b->match_missing)
		return;
	for (size_t i = 0; i < b->m->n_cells; i++) {
		const struct matrix_cell *c = &b->m->cells[i];
		if (c->kernel_events.value <= 0)
			continue;
		bool own = b->m->workload.command != NULL;
		char *at = own ? xstrdup("/workload/command")
		               : xasprintf("/arms/%s/command", b->m->arms[0].name);
		fail(b, at, "matrix.workload",
		     "a custom %s needs 'kernel_match' when a cell counts kernel "
		     "events (cell '%s' has kernel_events %lld): the pattern picks them out of "
		     "everything the process opens",
		     own ? "workload.command" : "command in every arm", c->name,
		     (long long)c->kernel_events.value);
		free(at);
		return;
	}
}

static void tolerance_from(struct json_object *node, struct tolerance *t)
{
	if (!node)
		return;
	if (json_object_is_type(node, json_type_int)) {
		t->value = (double)json_object_get_int64(node);
		t->percent = false;
	} else {
		t->value = strtod(json_object_get_string(node), NULL);
		t->percent = true;
	}
}

static void build_gates(struct build *b, struct json_object *tree)
{
	struct matrix_gates *g = &b->m->gates;
	*g = (struct matrix_gates){
	    .preflight = true,
	    .kernel_count = KERNEL_COUNT_EVENTS,
	    .span_count = SPAN_COUNT_RETAINED,
	    .on_fail = ON_FAIL_SKIP_CELL,
	    .exit_code = 0,
	    .max_ringbuf_drops = 0,
	    .max_discarded = 0,
	    .tail_warn = 1.5,
	    .tail_fail = 2.0,
	    .tail_in_verdicts = false,
	    .warmups = WARMUPS_ANY_PASS,
	};
	struct json_object *gates = get(tree, "gates");
	struct json_object *cal = get(gates, "calibration"), *health = get(gates, "health"), *v;
	if ((v = get(cal, "preflight")))
		g->preflight = json_object_get_boolean(v);
	struct json_object *ke = get(cal, "kernel_events"), *se = get(cal, "span_events");
	if ((v = get(ke, "count")))
		kernel_count_mode_from_name(json_object_get_string(v), &g->kernel_count);
	tolerance_from(get(ke, "tolerance"), &g->kernel_tolerance);
	if ((v = get(se, "count")))
		span_count_mode_from_name(json_object_get_string(v), &g->span_count);
	tolerance_from(get(se, "tolerance"), &g->span_tolerance);
	if ((v = get(cal, "on_fail")))
		on_fail_mode_from_name(json_object_get_string(v), &g->on_fail);
	if ((v = get(health, "exit_code")))
		g->exit_code = json_object_get_int(v);
	if ((v = get(health, "max_ringbuf_drops")))
		g->max_ringbuf_drops = json_object_get_int64(v);
	if ((v = get(health, "max_discarded")))
		g->max_discarded = json_object_get_int64(v);
	struct json_object *tail = get(health, "tail_ratio");
	if ((v = get(tail, "warn")))
		g->tail_warn = json_object_get_double(v);
	if ((v = get(tail, "fail")))
		g->tail_fail = json_object_get_double(v);
	if ((v = get(tail, "in_verdicts")))
		g->tail_in_verdicts = json_object_get_boolean(v);
	if (g->tail_warn > g->tail_fail && !tainted(b, "/gates/health/tail_ratio"))
		fail(b, "/gates/health/tail_ratio", "matrix.tail-ratio",
		     "tail_ratio warn (%g) must not be above fail (%g)", g->tail_warn,
		     g->tail_fail);
	if ((v = get(health, "warmups")))
		warmup_gate_from_name(json_object_get_string(v), &g->warmups);
}

static void build_capture(struct build *b, struct json_object *tree)
{
	b->m->ringbuf_bytes = 16ULL * 1024 * 1024;
	struct json_object *size = get(get(tree, "capture"), "ringbuf_size");
	if (!size || tainted(b, "/capture/ringbuf_size"))
		return;
	int64_t v;
	const char *ptr = "/capture/ringbuf_size";
	if (size_value(b, size, ptr, &v) < 0)
		return;
	uint64_t u = (uint64_t)v;
	if (u < MATRIX_MIN_RINGBUF || u > MATRIX_MAX_RINGBUF || (u & (u - 1)) != 0) {
		fail(b, ptr, "matrix.ringbuf-size",
		     "ringbuf_size must be a power of two from 4KiB to 1GiB, got %llu bytes",
		     (unsigned long long)u);
		return;
	}
	b->m->ringbuf_bytes = u;
}

static void build_output(struct build *b, struct json_object *tree)
{
	b->m->output_keep_bytes = MATRIX_DEFAULT_OUTPUT_KEEP;
	const char *ptr = "/output/keep";
	struct json_object *keep = get(get(tree, "output"), "keep");
	int64_t v;
	if (!keep || tainted(b, ptr) || size_value(b, keep, ptr, &v) < 0)
		return;
	if ((uint64_t)v < MATRIX_MIN_OUTPUT_KEEP || (uint64_t)v > MATRIX_MAX_OUTPUT_KEEP) {
		fail(b, ptr, "matrix.output-keep",
		     "output keep must be from 1KiB to 16MiB, got %lld bytes", (long long)v);
		return;
	}
	b->m->output_keep_bytes = (uint64_t)v;
}

/* Payload levels are sizes: check each once, where it is defined. */
static void check_levels(struct build *b)
{
	struct json_object *payload = get(b->levels, "payload");
	if (!is_object(payload))
		return;
	json_object_object_foreach(payload, label, val)
	{
		int64_t v;
		char *ptr = json_pointer_join("/levels/payload", label);
		if (!tainted(b, ptr) && size_value(b, val, ptr, &v) == 0)
			check_axis_range(b, AXIS_PAYLOAD, v, ptr);
		free(ptr);
	}
}

static struct matrix *build(struct json_object *tree, const struct source_map *map,
                            const char *const *bad, size_t n_bad, struct diag_list *d)
{
	struct matrix *m = xcalloc(1, sizeof(*m));
	struct build b = {
	    .map = map,
	    .d = d,
	    .bad = bad,
	    .n_bad = n_bad,
	    .levels = get(tree, "levels"),
	    .defaults = get(tree, "defaults"),
	    .m = m,
	};
	struct json_object *name = get(tree, "name");
	m->name = xstrdup(name ? json_object_get_string(name) : "");
	struct json_object *desc = get(tree, "description");
	m->description = desc ? xstrdup(json_object_get_string(desc)) : NULL;
	struct json_object *tier = get(tree, "tier");
	m->tier = tier ? json_object_get_int(tier) : 1;
	build_arms(&b, tree);
	check_levels(&b);
	build_workload(&b, tree);
	check_otlp_arms(&b);
	build_gates(&b, tree);
	build_capture(&b, tree);
	build_output(&b, tree);
	build_cells(&b, tree);
	check_kernel_match(&b);
	check_duplicate_cells(&b);
	check_dispatch_count(&b);
	json_object_put(b.reported);
	if (b.errors || n_bad) {
		matrix_free(m);
		return NULL;
	}
	return m;
}

struct matrix *matrix_build(struct json_object *tree, const struct source_map *map,
                            struct diag_list *d)
{
	return build(tree, map, NULL, 0, d);
}

void matrix_check_partial(struct json_object *tree, const struct source_map *map,
                          const char *const *bad, size_t n_bad, struct diag_list *d)
{
	/* a root that is no mapping has no parts to check */
	if (is_object(tree))
		matrix_free(build(tree, map, bad, n_bad, d));
}
