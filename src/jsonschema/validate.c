/* Validating an instance against a compiled schema, with messages meant for the person who wrote
 * the instance (docs/schema-validator.md explains the anyOf/oneOf heuristic). */
#include "jsonschema/schema.h"
#include "jsonschema/internal.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "jsonschema/ecma_regex.h"
#include "util/json_pointer.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"

/* Subschema applications deep: far beyond any real document, and well within the C stack. */
enum { MAX_DEPTH = 512, FIT_DEPTH = 32, ENUM_SHOWN = 12, MAX_NOTES = 3 };

struct vctx {
	const struct schema *s;
	const struct source_map *map;
	struct strbuf *ptr; /* the instance pointer of the value being checked */
	size_t first;  /* d->len when validation began: the range duplicates are looked for in */
	bool key_mode; /* checking a key against propertyNames */
};

static int check(struct vctx *c, const struct snode *n, struct json_object *inst, int depth,
                 struct diag_list *d);

static bool is_duplicate(const struct vctx *c, const struct diag_list *d, const char *code,
                         const char *msg)
{
	for (size_t i = c->first; i < d->len; i++) {
		const struct diag *g = &d->items[i];
		if (g->code && strcmp(g->code, code) == 0 && g->pointer &&
		    strcmp(g->pointer, c->ptr->buf) == 0 && strcmp(g->message, msg) == 0)
			return true;
	}
	return false;
}

/* Reports a failure of keyword kw at the current instance pointer. d NULL means "only tell
 * whether it is valid": nothing is formatted. Returns -1. */
static int fail(struct vctx *c, struct diag_list *d, const char *kw, bool want_key, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));

static int fail(struct vctx *c, struct diag_list *d, const char *kw, bool want_key, const char *fmt,
                ...)
{
	if (!d)
		return -1;
	struct strbuf msg, code;
	strbuf_init(&msg);
	strbuf_init(&code);
	if (c->key_mode)
		strbuf_addstr(&msg, "invalid key name: ");
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	strbuf_addf(&code, "schema.%s", kw);
	if (!is_duplicate(c, d, code.buf, msg.buf)) {
		struct diag_loc loc = source_map_loc(c->map, c->ptr->buf, want_key || c->key_mode);
		diag_error(d, code.buf, &loc, "%s", msg.buf);
	}
	strbuf_release(&msg);
	strbuf_release(&code);
	return -1;
}

/* Fails kw with "must be <what><want>, got <inst>", both values described as the schema
 * spells them. */
static int fail_want_got(struct vctx *c, struct diag_list *d, const char *kw, const char *what,
                         struct json_object *want, struct json_object *inst)
{
	if (!d)
		return -1;
	struct strbuf w, g;
	strbuf_init(&w);
	strbuf_init(&g);
	schema_value_describe(&w, want);
	schema_value_describe(&g, inst);
	fail(c, d, kw, false, "must be %s%s, got %s", what, w.buf, g.buf);
	strbuf_release(&w);
	strbuf_release(&g);
	return -1;
}

/* ---- which types a subschema can accept: the anyOf/oneOf heuristic ---- */

/* The type bits with integer folded into number, for comparing const/enum values. */
static unsigned family(struct json_object *v)
{
	unsigned t = schema_value_types(v);
	return t & T_NUMBER ? T_NUMBER : t;
}

static unsigned widen(unsigned mask)
{
	return mask & T_NUMBER ? mask | T_INTEGER : mask;
}

bool schema_snode_fits_type(const struct snode *n, struct json_object *inst, int depth)
{
	if (!n || depth > FIT_DEPTH)
		return true;
	if (n->boolean >= 0)
		return n->boolean == 1;
	if (n->types && !(schema_value_types(inst) & n->types))
		return false;
	if (n->has_const && family(n->const_value) != family(inst))
		return false;
	if (n->enum_values) {
		bool any = false;
		for (size_t i = 0; i < json_object_array_length(n->enum_values); i++)
			any |= family(json_object_array_get_idx(n->enum_values, i)) == family(inst);
		if (!any)
			return false;
	}
	if (n->ref && !schema_snode_fits_type(n->ref, inst, depth + 1))
		return false;
	for (size_t i = 0; i < n->n_all_of; i++)
		if (!schema_snode_fits_type(n->all_of[i], inst, depth + 1))
			return false;
	struct snode *const *alts[] = {n->any_of, n->one_of};
	size_t counts[] = {n->n_any_of, n->n_one_of};
	for (size_t l = 0; l < 2; l++) {
		bool any = counts[l] == 0;
		for (size_t i = 0; i < counts[l]; i++)
			any |= schema_snode_fits_type(alts[l][i], inst, depth + 1);
		if (!any)
			return false;
	}
	return true;
}

unsigned schema_snode_accepted_types(const struct snode *n, int depth)
{
	if (!n || depth > FIT_DEPTH)
		return T_ANY;
	if (n->boolean >= 0)
		return n->boolean ? (unsigned)T_ANY : 0u;
	unsigned mask = T_ANY;
	if (n->types)
		mask &= widen(n->types);
	if (n->has_const)
		mask &= widen(family(n->const_value));
	if (n->enum_values) {
		unsigned m = 0;
		for (size_t i = 0; i < json_object_array_length(n->enum_values); i++)
			m |= widen(family(json_object_array_get_idx(n->enum_values, i)));
		mask &= m;
	}
	if (n->ref)
		mask &= widen(schema_snode_accepted_types(n->ref, depth + 1));
	for (size_t i = 0; i < n->n_all_of; i++)
		mask &= widen(schema_snode_accepted_types(n->all_of[i], depth + 1));
	struct snode *const *alts[] = {n->any_of, n->one_of};
	size_t counts[] = {n->n_any_of, n->n_one_of};
	for (size_t l = 0; l < 2; l++) {
		if (!counts[l])
			continue;
		unsigned m = 0;
		for (size_t i = 0; i < counts[l]; i++)
			m |= widen(schema_snode_accepted_types(alts[l][i], depth + 1));
		mask &= m;
	}
	/* "number" alone is stored as number|integer by widen(); say just "a number" */
	return mask;
}

/* ---- keywords on any instance ---- */

static int check_type(struct vctx *c, const struct snode *n, struct json_object *inst,
                      struct diag_list *d)
{
	if (!n->types || (schema_value_types(inst) & n->types))
		return 0;
	if (!d)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb);
	schema_types_describe(&sb, n->types);
	fail(c, d, "type", false, "expected %s, got %s", sb.buf, schema_value_type_name(inst));
	strbuf_release(&sb);
	return -1;
}

static int check_const(struct vctx *c, const struct snode *n, struct json_object *inst,
                       struct diag_list *d)
{
	if (schema_value_equal(n->const_value, inst))
		return 0;
	return fail_want_got(c, d, "const", "", n->const_value, inst);
}

static int check_enum(struct vctx *c, const struct snode *n, struct json_object *inst,
                      struct diag_list *d)
{
	size_t len = json_object_array_length(n->enum_values);
	for (size_t i = 0; i < len; i++)
		if (schema_value_equal(json_object_array_get_idx(n->enum_values, i), inst))
			return 0;
	if (!d)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb);
	const char **strings = xcalloc(len ? len : 1, sizeof(*strings));
	strbuf_addstr(&sb, len == 1 ? "must be " : "must be one of ");
	for (size_t i = 0; i < len; i++) {
		struct json_object *v = json_object_array_get_idx(n->enum_values, i);
		if (json_object_is_type(v, json_type_string))
			strings[i] = json_object_get_string(v);
		if (i == ENUM_SHOWN) {
			strbuf_addstr(&sb, ", ...");
			continue;
		}
		if (i > ENUM_SHOWN)
			continue;
		if (i)
			strbuf_addstr(&sb, ", ");
		schema_value_describe(&sb, v);
	}
	const char *best = json_object_is_type(inst, json_type_string)
	                       ? suggest_closest(json_object_get_string(inst), strings, len)
	                       : NULL;
	if (best)
		strbuf_addf(&sb, " (did you mean '%s'?)", best);
	fail(c, d, "enum", false, "%s", sb.buf);
	free(strings);
	strbuf_release(&sb);
	return -1;
}

/* ---- numbers and strings ---- */

static int bound(struct vctx *c, struct json_object *inst, struct json_object *limit, int bad_cmp1,
                 int bad_cmp2, const char *kw, const char *op, struct diag_list *d)
{
	if (!limit)
		return 0;
	int cmp = schema_number_compare(inst, limit);
	if (cmp != bad_cmp1 && cmp != bad_cmp2)
		return 0;
	char what[8];
	snprintf(what, sizeof(what), "%s ", op);
	return fail_want_got(c, d, kw, what, limit, inst);
}

static int check_number(struct vctx *c, const struct snode *n, struct json_object *inst,
                        struct diag_list *d)
{
	int rc = 0;
	rc |= bound(c, inst, n->minimum, -1, -1, "minimum", ">=", d);
	rc |= bound(c, inst, n->maximum, 1, 1, "maximum", "<=", d);
	rc |= bound(c, inst, n->exclusive_min, -1, 0, "exclusiveMinimum", ">", d);
	rc |= bound(c, inst, n->exclusive_max, 1, 0, "exclusiveMaximum", "<", d);
	if (n->multiple_of && !schema_number_multiple_of(inst, n->multiple_of))
		rc = fail_want_got(c, d, "multipleOf", "a multiple of ", n->multiple_of, inst);
	return rc ? -1 : 0;
}

static const char *plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int check_string(struct vctx *c, const struct snode *n, struct json_object *inst,
                        struct diag_list *d)
{
	const char *s = json_object_get_string(inst);
	size_t bytes = (size_t)json_object_get_string_len(inst);
	int rc = 0;
	if (n->min_length >= 0 || n->max_length >= 0) {
		int64_t len = (int64_t)schema_utf8_length(s, bytes);
		if (n->min_length >= 0 && len < n->min_length)
			rc = fail(c, d, "minLength", false, "at least %lld %s required, got %lld",
			          (long long)n->min_length,
			          plural(n->min_length, "character", "characters"), (long long)len);
		if (n->max_length >= 0 && len > n->max_length)
			rc = fail(c, d, "maxLength", false, "at most %lld %s allowed, got %lld",
			          (long long)n->max_length,
			          plural(n->max_length, "character", "characters"), (long long)len);
		if (rc && !d)
			return -1;
	}
	if (n->pattern) {
		int m = ecma_regex_search(n->pattern, s, bytes);
		if (m == 0 || m < 0) {
			struct strbuf v;
			strbuf_init(&v);
			schema_value_describe(&v, inst);
			if (m == 0)
				rc = fail(c, d, "pattern", false,
				          "%s does not match the pattern '%s'", v.buf,
				          n->pattern_src);
			else
				rc = fail(c, d, "pattern", false,
				          "%s cannot be checked against the pattern '%s': %s",
				          v.buf, n->pattern_src,
				          m == -2 ? "the text is not valid UTF-8"
				                  : "the match exceeds the backtracking limit");
			strbuf_release(&v);
		}
	}
	return rc;
}

/* ---- arrays ---- */

static int count_bounds(struct vctx *c, struct diag_list *d, int64_t have, int64_t min, int64_t max,
                        const char *kw_min, const char *kw_max, const char *one, const char *many)
{
	int rc = 0;
	if (min >= 0 && have < min)
		rc = fail(c, d, kw_min, false, "at least %lld %s required, got %lld",
		          (long long)min, plural(min, one, many), (long long)have);
	if (max >= 0 && have > max)
		rc = fail(c, d, kw_max, false, "at most %lld %s allowed, got %lld", (long long)max,
		          plural(max, one, many), (long long)have);
	return rc;
}

static int check_contains(struct vctx *c, const struct snode *n, struct json_object *inst,
                          int depth, struct diag_list *d)
{
	size_t len = json_object_array_length(inst);
	int64_t matched = 0;
	size_t mark = c->ptr->len;
	for (size_t i = 0; i < len; i++) {
		json_pointer_push_index(c->ptr, i);
		matched +=
		    check(c, n->contains, json_object_array_get_idx(inst, i), depth + 1, NULL) == 0;
		json_pointer_pop(c->ptr, mark);
	}
	int64_t min = n->min_contains >= 0 ? n->min_contains : 1;
	int rc = 0;
	if (matched < min)
		rc = fail(c, d, n->min_contains >= 0 ? "minContains" : "contains", false,
		          "at least %lld %s must match the 'contains' schema at '#%s', %lld %s",
		          (long long)min, plural(min, "item", "items"), n->contains->path,
		          (long long)matched, plural(matched, "does", "do"));
	if (n->max_contains >= 0 && matched > n->max_contains)
		rc = fail(c, d, "maxContains", false,
		          "at most %lld %s may match the 'contains' schema at '#%s', %lld do",
		          (long long)n->max_contains, plural(n->max_contains, "item", "items"),
		          n->contains->path, (long long)matched);
	return rc;
}

static int check_array(struct vctx *c, const struct snode *n, struct json_object *inst, int depth,
                       struct diag_list *d)
{
	size_t len = json_object_array_length(inst);
	int rc = count_bounds(c, d, (int64_t)len, n->min_items, n->max_items, "minItems",
	                      "maxItems", "item", "items");
	if (rc && !d)
		return -1;
	size_t mark = c->ptr->len;
	if (n->items && n->items->boolean == 0 && len > n->n_prefix) {
		rc = fail(c, d, "items", false, "at most %zu %s allowed, got %zu", n->n_prefix,
		          plural((int64_t)n->n_prefix, "item", "items"), len);
		if (!d)
			return -1;
	}
	for (size_t i = 0; i < len; i++) {
		const struct snode *sub = i < n->n_prefix ? n->prefix[i] : n->items;
		if (!sub || sub->boolean == 1 || (sub == n->items && sub->boolean == 0))
			continue;
		json_pointer_push_index(c->ptr, i);
		if (check(c, sub, json_object_array_get_idx(inst, i), depth + 1, d) < 0)
			rc = -1;
		json_pointer_pop(c->ptr, mark);
		if (rc && !d)
			return -1;
	}
	if (n->contains && check_contains(c, n, inst, depth, d) < 0) {
		rc = -1;
		if (!d)
			return -1;
	}
	for (size_t i = 1; n->unique && i < len; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!schema_value_equal(json_object_array_get_idx(inst, i),
			                        json_object_array_get_idx(inst, j)))
				continue;
			json_pointer_push_index(c->ptr, i);
			rc = fail(c, d, "uniqueItems", false,
			          "items must be unique: item %zu repeats item %zu", i, j);
			json_pointer_pop(c->ptr, mark);
			if (!d)
				return -1;
			break;
		}
	}
	return rc;
}

/* ---- objects ---- */

static int unknown_key(struct vctx *c, const struct snode *n, const char *key, struct diag_list *d)
{
	if (!d)
		return -1;
	const char **names = xcalloc(n->n_props + 1, sizeof(*names));
	for (size_t i = 0; i < n->n_props; i++)
		names[i] = n->props[i].name;
	const char *best = suggest_closest(key, names, n->n_props);
	if (best)
		fail(c, d, "additionalProperties", true, "unknown key '%s' (did you mean '%s'?)",
		     key, best);
	else
		fail(c, d, "additionalProperties", true, "unknown key '%s'", key);
	free(names);
	return -1;
}

/* One key/value pair against properties, patternProperties, additionalProperties and
 * propertyNames; c->ptr already points at the value. */
static int check_member(struct vctx *c, const struct snode *n, const char *key,
                        struct json_object *val, int depth, struct diag_list *d)
{
	int rc = 0;
	bool matched = false;
	for (size_t i = 0; i < n->n_props; i++) {
		if (strcmp(n->props[i].name, key) != 0)
			continue;
		matched = true;
		rc |= check(c, n->props[i].node, val, depth + 1, d);
	}
	for (size_t i = 0; i < n->n_pattern_props; i++) {
		int m = ecma_regex_search(n->pattern_props[i].re, key, strlen(key));
		if (m < 0)
			rc = fail(c, d, "patternProperties", true,
			          "key '%s' cannot be checked against the pattern '%s': %s", key,
			          n->pattern_props[i].source,
			          m == -2 ? "the key is not valid UTF-8"
			                  : "the match exceeds the backtracking limit");
		if (m != 1)
			continue;
		matched = true;
		rc |= check(c, n->pattern_props[i].node, val, depth + 1, d);
	}
	if (!matched && n->additional) {
		if (n->additional->boolean == 0)
			rc = unknown_key(c, n, key, d);
		else
			rc |= check(c, n->additional, val, depth + 1, d);
	}
	if (n->property_names) {
		struct json_object *k = json_object_new_string(key);
		if (!k)
			xalloc_die(0);
		bool saved = c->key_mode;
		c->key_mode = true;
		rc |= check(c, n->property_names, k, depth + 1, d);
		c->key_mode = saved;
		json_object_put(k);
	}
	return rc ? -1 : 0;
}

static int check_object(struct vctx *c, const struct snode *n, struct json_object *inst, int depth,
                        struct diag_list *d)
{
	int rc = 0;
	for (size_t i = 0; i < n->n_required; i++)
		if (!json_object_object_get_ex(inst, n->required[i], NULL)) {
			rc = fail(c, d, "required", true, "missing required key '%s'",
			          n->required[i]);
			if (!d)
				return -1;
		}
	rc |= count_bounds(c, d, json_object_object_length(inst), n->min_props, n->max_props,
	                   "minProperties", "maxProperties", "key", "keys");
	for (size_t i = 0; i < n->n_dep_required; i++) {
		const struct dep_required *dr = &n->dep_required[i];
		if (!json_object_object_get_ex(inst, dr->key, NULL))
			continue;
		for (size_t k = 0; k < dr->n_required; k++)
			if (!json_object_object_get_ex(inst, dr->required[k], NULL))
				rc = fail(c, d, "dependentRequired", true,
				          "missing key '%s', required when '%s' is present",
				          dr->required[k], dr->key);
	}
	if (rc && !d)
		return -1;
	bool per_member = n->n_props || n->n_pattern_props || n->additional || n->property_names;
	size_t mark = c->ptr->len;
	if (per_member) {
		json_object_object_foreach(inst, key, val)
		{
			json_pointer_push_key(c->ptr, key);
			rc |= check_member(c, n, key, val, depth, d);
			json_pointer_pop(c->ptr, mark);
			if (rc && !d)
				return -1;
		}
	}
	for (size_t i = 0; i < n->n_dep_schemas; i++)
		if (json_object_object_get_ex(inst, n->dep_schemas[i].name, NULL))
			rc |= check(c, n->dep_schemas[i].node, inst, depth + 1, d);
	return rc ? -1 : 0;
}

/* ---- applicators ---- */

/* None of the alternatives of anyOf/oneOf matched: say something useful without listing every
 * alternative's errors (docs/schema-validator.md, "anyOf and oneOf"). */
static int explain_no_match(struct vctx *c, struct snode *const *alts, size_t n, const char *kw,
                            struct json_object *inst, int depth, struct diag_list *d)
{
	if (!d)
		return -1;
	size_t fit = 0, fit_index = 0;
	unsigned accepted = 0;
	for (size_t i = 0; i < n; i++) {
		accepted |= schema_snode_accepted_types(alts[i], 0);
		if (schema_snode_fits_type(alts[i], inst, 0)) {
			fit++;
			fit_index = i;
		}
	}
	if (fit == 1) /* the instance is clearly meant for this one: its own errors say why */
		return check(c, alts[fit_index], inst, depth + 1, d);
	if (fit == 0 && accepted != T_ANY && accepted != 0) {
		struct strbuf sb;
		strbuf_init(&sb);
		schema_types_describe(&sb, accepted);
		fail(c, d, kw, false, "expected %s, got %s", sb.buf, schema_value_type_name(inst));
		strbuf_release(&sb);
		return -1;
	}
	/* several alternatives fit the type: name the one that came closest in notes */
	struct diag_list best;
	diag_list_init(&best);
	size_t best_index = 0;
	for (size_t i = 0; i < n; i++) {
		if (fit && !schema_snode_fits_type(alts[i], inst, 0))
			continue;
		struct diag_list tmp;
		diag_list_init(&tmp);
		struct vctx sub = *c;
		sub.first = 0;
		check(&sub, alts[i], inst, depth + 1, &tmp);
		if (best.len == 0 || (tmp.len > 0 && tmp.len < best.len)) {
			diag_list_release(&best);
			best = tmp;
			best_index = i;
		} else {
			diag_list_release(&tmp);
		}
	}
	fail(c, d, kw, false, "matches none of the %zu alternatives of '%s'", n, kw);
	for (size_t i = 0; i < best.len && i < MAX_NOTES; i++) {
		struct diag_loc loc = {best.items[i].file, best.items[i].line, best.items[i].column,
		                       best.items[i].pointer};
		diag_note(d, &loc, "closest is alternative %zu: %s", best_index + 1,
		          best.items[i].message);
	}
	diag_list_release(&best);
	return -1;
}

static int check_alternatives(struct vctx *c, struct snode *const *alts, size_t n, bool one,
                              struct json_object *inst, int depth, struct diag_list *d)
{
	size_t passed = 0, first = 0, second = 0;
	for (size_t i = 0; i < n; i++) {
		if (check(c, alts[i], inst, depth + 1, NULL) < 0)
			continue;
		if (passed == 0)
			first = i;
		else if (passed == 1)
			second = i;
		passed++;
		if (!one)
			return 0;
	}
	if (passed == 1)
		return 0;
	if (passed > 1)
		return fail(
		    c, d, "oneOf", false,
		    "must match exactly one alternative of 'oneOf', matches %zu (%zu and %zu%s)",
		    passed, first + 1, second + 1, passed > 2 ? " and more" : "");
	return explain_no_match(c, alts, n, one ? "oneOf" : "anyOf", inst, depth, d);
}

static int check_not(struct vctx *c, const struct snode *n, struct json_object *inst, int depth,
                     struct diag_list *d)
{
	const struct snode *x = n->not_schema;
	if (check(c, x, inst, depth + 1, NULL) < 0)
		return 0;
	if (!d)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb);
	if (x->boolean == 1) {
		strbuf_addstr(&sb, "no value is allowed here");
	} else if (x->types && json_object_object_length(x->json) == 1) {
		strbuf_addstr(&sb, "must not be ");
		schema_types_describe(&sb, x->types);
	} else if ((x->has_const || x->enum_values) && json_object_object_length(x->json) == 1) {
		strbuf_addstr(&sb, "must not be ");
		schema_value_describe(&sb, inst);
	} else if (x->n_required && json_object_object_length(x->json) == 1) {
		strbuf_addf(&sb, "must not have the key%s ", x->n_required > 1 ? "s" : "");
		for (size_t i = 0; i < x->n_required; i++)
			strbuf_addf(&sb, "%s'%s'", i ? ", " : "", x->required[i]);
	} else {
		strbuf_addf(&sb, "must not match the schema at '#%s'", x->path);
	}
	fail(c, d, "not", false, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

static int check_applicators(struct vctx *c, const struct snode *n, struct json_object *inst,
                             int depth, struct diag_list *d)
{
	int rc = 0;
	if (n->ref)
		rc |= check(c, n->ref, inst, depth + 1, d);
	for (size_t i = 0; i < n->n_all_of && !(rc && !d); i++)
		rc |= check(c, n->all_of[i], inst, depth + 1, d);
	if (n->n_any_of && !(rc && !d))
		rc |= check_alternatives(c, n->any_of, n->n_any_of, false, inst, depth, d);
	if (n->n_one_of && !(rc && !d))
		rc |= check_alternatives(c, n->one_of, n->n_one_of, true, inst, depth, d);
	if (n->not_schema && !(rc && !d))
		rc |= check_not(c, n, inst, depth, d);
	if (n->if_schema && !(rc && !d)) {
		const struct snode *branch = check(c, n->if_schema, inst, depth + 1, NULL) == 0
		                                 ? n->then_schema
		                                 : n->else_schema;
		if (branch)
			rc |= check(c, branch, inst, depth + 1, d);
	}
	return rc ? -1 : 0;
}

static int check(struct vctx *c, const struct snode *n, struct json_object *inst, int depth,
                 struct diag_list *d)
{
	if (n->boolean == 1)
		return 0;
	if (n->boolean == 0)
		return fail(c, d, "false", false, "no value is allowed here");
	if (depth > MAX_DEPTH)
		return fail(c, d, "depth", false,
		            "the schema applies more than %d nested subschemas to this value",
		            MAX_DEPTH);
	int rc = 0;
	unsigned t = schema_value_types(inst);
	if (check_type(c, n, inst, d) < 0) {
		if (!d)
			return -1;
		rc = -1;
	} else {
		/* after a type error, "must be one of" would only repeat it */
		if (n->has_const)
			rc |= check_const(c, n, inst, d);
		if (n->enum_values)
			rc |= check_enum(c, n, inst, d);
	}
	if (rc && !d)
		return -1;
	if (t & T_NUMBER)
		rc |= check_number(c, n, inst, d);
	else if (t & T_STRING)
		rc |= check_string(c, n, inst, d);
	else if (t & T_ARRAY)
		rc |= check_array(c, n, inst, depth, d);
	else if (t & T_OBJECT)
		rc |= check_object(c, n, inst, depth, d);
	if (rc && !d)
		return -1;
	rc |= check_applicators(c, n, inst, depth, d);
	return rc ? -1 : 0;
}

int schema_validate(const struct schema *s, struct json_object *instance,
                    const struct source_map *map, struct diag_list *d)
{
	struct strbuf ptr;
	strbuf_init(&ptr);
	struct vctx c = {.s = s, .map = map, .ptr = &ptr, .first = d ? d->len : 0};
	int rc = check(&c, s->top, instance, 0, d);
	strbuf_release(&ptr);
	return rc;
}
