/* Compiling a JSON schema document: keywords into struct snode, $id/$anchor/$ref resolution,
 * regexes compiled once, and $ref cycles that would never consume input rejected up front. */
#include "jsonschema/schema.h"
#include "jsonschema/internal.h"

#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonschema/ecma_regex.h"
#include "util/json_pointer.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Deep enough for any real schema; a schema file nested deeper is rejected by the parser. */
enum { SCHEMA_PARSE_DEPTH = 256, CYCLE_DEPTH_LIMIT = 10000 };

/* Keywords that only annotate (or that this subset reads elsewhere): accepted, no effect. */
static const char *const annotation_keywords[] = {
    "$schema",       "$id",         "$anchor",         "$defs",
    "$comment",      "title",       "description",     "default",
    "examples",      "deprecated",  "readOnly",        "writeOnly",
    "format",        "$vocabulary", "contentEncoding", "contentMediaType",
    "contentSchema",
};

struct pending_ref {
	struct snode *node;
	char *uri; /* absolute (or document-relative when the document has no $id) */
};

struct compiler {
	struct schema *s;
	struct diag_list *d;
	struct pending_ref *refs;
	size_t n_refs, cap_refs;
	int errors;
};

static int schema_error(struct compiler *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int schema_error(struct compiler *c, const char *path, const char *fmt, ...)
{
	struct strbuf sb;
	strbuf_init(&sb);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	struct diag_loc loc = {c->s->name, 0, 0, path};
	diag_error(c->d, "schema.invalid", &loc, "%s", sb.buf);
	strbuf_release(&sb);
	c->errors++;
	return -1;
}

/* ---- URIs (RFC 3986 §5.2, reduced to what $id and $ref need) ---- */

static size_t scheme_len(const char *u)
{
	if (!isalpha((unsigned char)u[0]))
		return 0;
	size_t i = 1;
	while (isalnum((unsigned char)u[i]) || u[i] == '+' || u[i] == '-' || u[i] == '.')
		i++;
	return u[i] == ':' ? i : 0;
}

/* Removes "." and ".." segments from the path part of sb starting at offset start. */
static void remove_dots(struct strbuf *sb, size_t start)
{
	struct strbuf out;
	strbuf_init(&out);
	const char *p = sb->buf + start;
	while (*p) {
		if (strncmp(p, "/./", 3) == 0 || strcmp(p, "/.") == 0) {
			p += 2;
			if (!*p)
				strbuf_addch(&out, '/');
			continue;
		}
		if (strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0) {
			p += 3;
			while (out.len > 0 && out.buf[out.len - 1] != '/')
				out.len--;
			if (out.len > 0)
				out.len--;
			out.buf[out.len] = '\0';
			if (!*p)
				strbuf_addch(&out, '/');
			continue;
		}
		strbuf_addch(&out, *p++);
		while (*p && *p != '/')
			strbuf_addch(&out, *p++);
	}
	sb->len = start;
	sb->buf[start] = '\0';
	strbuf_add(sb, out.buf, out.len);
	strbuf_release(&out);
}

/* Resolves ref against base; returns a new string. */
static char *uri_resolve(const char *base, const char *ref)
{
	struct strbuf sb;
	strbuf_init(&sb);
	size_t base_nofrag = strcspn(base, "#");
	size_t bs = scheme_len(base);
	if (scheme_len(ref) || !*base) {
		strbuf_addstr(&sb, ref);
	} else if (ref[0] == '#' || ref[0] == '\0') {
		strbuf_add(&sb, base, base_nofrag);
		strbuf_addstr(&sb, ref);
	} else if (ref[0] == '/' && ref[1] == '/') {
		strbuf_add(&sb, base, bs + 1);
		strbuf_addstr(&sb, ref);
	} else {
		/* the base up to its authority, and for a relative path also its directory */
		size_t auth_end = bs + 1;
		if (strncmp(base + bs + 1, "//", 2) == 0)
			auth_end = bs + 3 + strcspn(base + bs + 3, "/#?");
		if (ref[0] == '/') {
			strbuf_add(&sb, base, auth_end);
		} else {
			size_t dir = base_nofrag;
			while (dir > auth_end && base[dir - 1] != '/')
				dir--;
			strbuf_add(&sb, base, dir);
			if (dir == auth_end && auth_end > bs + 1)
				strbuf_addch(&sb, '/');
		}
		strbuf_addstr(&sb, ref);
	}
	/* dot segments only in the path: after the authority, before '?' or '#' */
	size_t s = scheme_len(sb.buf), start = s ? s + 1 : 0;
	if (strncmp(sb.buf + start, "//", 2) == 0)
		start += 2 + strcspn(sb.buf + start + 2, "/#?");
	size_t end = start + strcspn(sb.buf + start, "?#");
	if (end > start) {
		char *tail = xstrdup(sb.buf + end);
		sb.len = end;
		sb.buf[end] = '\0';
		remove_dots(&sb, start);
		strbuf_addstr(&sb, tail);
		free(tail);
	}
	return strbuf_detach(&sb);
}

static char *percent_decode(const char *s)
{
	struct strbuf sb;
	strbuf_init(&sb);
	for (; *s; s++) {
		if (s[0] == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			char hex[3] = {s[1], s[2], 0};
			strbuf_addch(&sb, (char)strtol(hex, NULL, 16));
			s += 2;
		} else {
			strbuf_addch(&sb, *s);
		}
	}
	return strbuf_detach(&sb);
}

static void add_uri(struct compiler *c, const char *uri, struct json_object *json, const char *path)
{
	struct schema *s = c->s;
	for (size_t i = 0; i < s->n_uris; i++)
		if (strcmp(s->uris[i].uri, uri) == 0)
			return; /* the first definition wins; duplicates are a schema author's
			           mistake */
	if (s->n_uris == s->cap_uris) {
		size_t cap = s->cap_uris ? 2 * s->cap_uris : 8;
		struct uri_entry *u = xrealloc(s->uris, cap * sizeof(*u));
		s->uris = u;
		s->cap_uris = cap;
	}
	struct uri_entry *e = &s->uris[s->n_uris++];
	e->uri = xstrdup(uri);
	e->path = xstrdup(path);
	e->json = json;
}

static const struct uri_entry *find_uri(const struct schema *s, const char *uri, size_t len)
{
	for (size_t i = 0; i < s->n_uris; i++)
		if (strlen(s->uris[i].uri) == len && strncmp(s->uris[i].uri, uri, len) == 0)
			return &s->uris[i];
	return NULL;
}

/* ---- nodes ---- */

static struct snode *find_node(const struct schema *s, struct json_object *json)
{
	for (size_t i = 0; i < s->n_nodes; i++)
		if (s->nodes[i]->json == json)
			return s->nodes[i];
	return NULL;
}

static struct snode *add_node(struct schema *s, struct json_object *json, const char *path)
{
	struct snode *n = xcalloc(1, sizeof(*n));
	n->json = json;
	n->path = xstrdup(path);
	n->boolean = -1;
	n->min_props = n->max_props = n->min_items = n->max_items = -1;
	n->min_length = n->max_length = n->min_contains = n->max_contains = -1;
	if (s->n_nodes == s->cap_nodes) {
		size_t cap = s->cap_nodes ? 2 * s->cap_nodes : 64;
		struct snode **v = xrealloc(s->nodes, cap * sizeof(*v));
		s->nodes = v;
		s->cap_nodes = cap;
	}
	s->nodes[s->n_nodes++] = n;
	return n;
}

static void record_unknown(struct schema *s, const char *key)
{
	for (size_t i = 0; i < s->n_unknown; i++)
		if (strcmp(s->unknown[i], key) == 0)
			return;
	char **v = xrealloc(s->unknown, (s->n_unknown + 1) * sizeof(*v));
	s->unknown = v;
	s->unknown[s->n_unknown] = xstrdup(key);
	s->n_unknown++;
}

static struct snode *compile(struct compiler *c, struct json_object *json, const char *path,
                             const char *base);

/* The subschema under key kw of node n. */
static struct snode *sub(struct compiler *c, const struct snode *n, const char *kw,
                         struct json_object *v, const char *base)
{
	char *p = json_pointer_join(n->path, kw);
	struct snode *r = compile(c, v, p, base);
	free(p);
	return r;
}

static struct snode *sub2(struct compiler *c, const struct snode *n, const char *kw,
                          const char *key, struct json_object *v, const char *base)
{
	char *p1 = json_pointer_join(n->path, kw);
	char *p2 = json_pointer_join(p1, key);
	struct snode *r = compile(c, v, p2, base);
	free(p1);
	free(p2);
	return r;
}

static int get_count(struct compiler *c, const struct snode *n, const char *kw,
                     struct json_object *v, int64_t *out)
{
	unsigned t = schema_value_types(v);
	if (!(t & T_INTEGER) ||
	    (json_object_is_type(v, json_type_int) ? json_object_get_int64(v) < 0
	                                           : json_object_get_double(v) < 0))
		return schema_error(c, n->path, "'%s' must be a non-negative integer", kw);
	*out = json_object_is_type(v, json_type_int)
	           ? json_object_get_int64(v)
	           : (int64_t)fmin(json_object_get_double(v), 9e18);
	return 0;
}

static int get_number(struct compiler *c, const struct snode *n, const char *kw,
                      struct json_object *v, struct json_object **out)
{
	if (!(schema_value_types(v) & T_NUMBER))
		return schema_error(c, n->path, "'%s' must be a number", kw);
	*out = v;
	return 0;
}

static int get_schema_array(struct compiler *c, struct snode *n, const char *kw,
                            struct json_object *v, const char *base, struct snode ***out,
                            size_t *count)
{
	if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
		return schema_error(c, n->path, "'%s' must be a non-empty array of schemas", kw);
	size_t len = json_object_array_length(v);
	struct snode **arr = xcalloc(len, sizeof(*arr));
	*out = arr;
	*count = len;
	for (size_t i = 0; i < len; i++) {
		char idx[24];
		snprintf(idx, sizeof(idx), "%zu", i);
		arr[i] = sub2(c, n, kw, idx, json_object_array_get_idx(v, i), base);
	}
	return 0;
}

static int get_string_list(struct compiler *c, const struct snode *n, const char *kw,
                           struct json_object *v, const char ***out, size_t *count)
{
	if (!json_object_is_type(v, json_type_array))
		return schema_error(c, n->path, "'%s' must be an array of strings", kw);
	size_t len = json_object_array_length(v);
	const char **arr = xcalloc(len ? len : 1, sizeof(*arr));
	*out = arr;
	*count = len;
	for (size_t i = 0; i < len; i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		if (!json_object_is_type(e, json_type_string))
			return schema_error(c, n->path, "'%s' must be an array of strings", kw);
		arr[i] = json_object_get_string(e);
	}
	return 0;
}

static int compile_type(struct compiler *c, struct snode *n, struct json_object *v)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"null", T_NULL},      {"boolean", T_BOOLEAN}, {"object", T_OBJECT},
	             {"array", T_ARRAY},    {"number", T_NUMBER},   {"string", T_STRING},
	             {"integer", T_INTEGER}};
	size_t len = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 1;
	for (size_t i = 0; i < len; i++) {
		struct json_object *e =
		    json_object_is_type(v, json_type_array) ? json_object_array_get_idx(v, i) : v;
		unsigned bit = 0;
		for (size_t k = 0; json_object_is_type(e, json_type_string) &&
		                   k < sizeof(names) / sizeof(names[0]);
		     k++)
			if (strcmp(json_object_get_string(e), names[k].name) == 0)
				bit = names[k].bit;
		if (!bit)
			return schema_error(
			    c, n->path,
			    "'type' must name JSON types: null, boolean, object, array, "
			    "number, string, integer");
		n->types |= bit;
	}
	return 0;
}

static struct ecma_regex *compile_regex(struct compiler *c, const struct snode *n, const char *kw,
                                        struct json_object *v)
{
	if (!json_object_is_type(v, json_type_string)) {
		schema_error(c, n->path, "'%s' must be a string", kw);
		return NULL;
	}
	char err[256];
	struct ecma_regex *re = ecma_regex_new(json_object_get_string(v), err, sizeof(err));
	if (!re)
		schema_error(c, n->path, "invalid regular expression '%s' in '%s': %s",
		             json_object_get_string(v), kw, err);
	return re;
}

static int compile_properties(struct compiler *c, struct snode *n, struct json_object *v,
                              const char *base)
{
	if (!json_object_is_type(v, json_type_object))
		return schema_error(c, n->path, "'properties' must be an object");
	n->props = xcalloc((size_t)json_object_object_length(v) + 1, sizeof(*n->props));
	json_object_object_foreach(v, key, val)
	{
		n->props[n->n_props].name = key;
		n->props[n->n_props++].node = sub2(c, n, "properties", key, val, base);
	}
	return 0;
}

static int compile_pattern_properties(struct compiler *c, struct snode *n, struct json_object *v,
                                      const char *base)
{
	if (!json_object_is_type(v, json_type_object))
		return schema_error(c, n->path, "'patternProperties' must be an object");
	n->pattern_props =
	    xcalloc((size_t)json_object_object_length(v) + 1, sizeof(*n->pattern_props));
	json_object_object_foreach(v, key, val)
	{
		struct pattern_node *pn = &n->pattern_props[n->n_pattern_props++];
		pn->source = key;
		struct json_object *ks = json_object_new_string(key);
		pn->re = compile_regex(c, n, "patternProperties", ks);
		json_object_put(ks);
		pn->node = sub2(c, n, "patternProperties", key, val, base);
	}
	return 0;
}

static int compile_dependent(struct compiler *c, struct snode *n, const char *kw,
                             struct json_object *v, const char *base)
{
	if (!json_object_is_type(v, json_type_object))
		return schema_error(c, n->path, "'%s' must be an object", kw);
	size_t len = (size_t)json_object_object_length(v) + 1;
	if (strcmp(kw, "dependentRequired") == 0) {
		n->dep_required = xcalloc(len, sizeof(*n->dep_required));
		json_object_object_foreach(v, key, val)
		{
			struct dep_required *dr = &n->dep_required[n->n_dep_required++];
			dr->key = key;
			if (get_string_list(c, n, kw, val, &dr->required, &dr->n_required) < 0)
				return -1;
		}
		return 0;
	}
	n->dep_schemas = xcalloc(len, sizeof(*n->dep_schemas));
	json_object_object_foreach(v, key2, val2)
	{
		n->dep_schemas[n->n_dep_schemas].name = key2;
		n->dep_schemas[n->n_dep_schemas++].node = sub2(c, n, kw, key2, val2, base);
	}
	return 0;
}

/* Steals uri. */
static void add_pending_ref(struct compiler *c, struct snode *n, char *uri)
{
	if (c->n_refs == c->cap_refs) {
		size_t cap = c->cap_refs ? 2 * c->cap_refs : 16;
		struct pending_ref *r = xrealloc(c->refs, cap * sizeof(*r));
		c->refs = r;
		c->cap_refs = cap;
	}
	c->refs[c->n_refs].node = n;
	c->refs[c->n_refs++].uri = uri;
}

/* One keyword of an object schema. */
static int compile_keyword(struct compiler *c, struct snode *n, const char *kw,
                           struct json_object *v, const char *base)
{
	if (strcmp(kw, "type") == 0)
		return compile_type(c, n, v);
	if (strcmp(kw, "const") == 0) {
		n->const_value = v;
		n->has_const = true;
		return 0;
	}
	if (strcmp(kw, "enum") == 0) {
		if (!json_object_is_type(v, json_type_array))
			return schema_error(c, n->path, "'enum' must be an array");
		n->enum_values = v;
		return 0;
	}
	if (strcmp(kw, "required") == 0)
		return get_string_list(c, n, kw, v, &n->required, &n->n_required);
	if (strcmp(kw, "properties") == 0)
		return compile_properties(c, n, v, base);
	if (strcmp(kw, "patternProperties") == 0)
		return compile_pattern_properties(c, n, v, base);
	if (strcmp(kw, "additionalProperties") == 0)
		return (n->additional = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "propertyNames") == 0)
		return (n->property_names = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "minProperties") == 0)
		return get_count(c, n, kw, v, &n->min_props);
	if (strcmp(kw, "maxProperties") == 0)
		return get_count(c, n, kw, v, &n->max_props);
	if (strcmp(kw, "dependentRequired") == 0 || strcmp(kw, "dependentSchemas") == 0)
		return compile_dependent(c, n, kw, v, base);
	if (strcmp(kw, "items") == 0)
		return (n->items = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "prefixItems") == 0)
		return get_schema_array(c, n, kw, v, base, &n->prefix, &n->n_prefix);
	if (strcmp(kw, "contains") == 0)
		return (n->contains = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "minContains") == 0)
		return get_count(c, n, kw, v, &n->min_contains);
	if (strcmp(kw, "maxContains") == 0)
		return get_count(c, n, kw, v, &n->max_contains);
	if (strcmp(kw, "minItems") == 0)
		return get_count(c, n, kw, v, &n->min_items);
	if (strcmp(kw, "maxItems") == 0)
		return get_count(c, n, kw, v, &n->max_items);
	if (strcmp(kw, "uniqueItems") == 0) {
		if (!json_object_is_type(v, json_type_boolean))
			return schema_error(c, n->path, "'uniqueItems' must be a boolean");
		n->unique = json_object_get_boolean(v);
		return 0;
	}
	if (strcmp(kw, "minimum") == 0)
		return get_number(c, n, kw, v, &n->minimum);
	if (strcmp(kw, "maximum") == 0)
		return get_number(c, n, kw, v, &n->maximum);
	if (strcmp(kw, "exclusiveMinimum") == 0)
		return get_number(c, n, kw, v, &n->exclusive_min);
	if (strcmp(kw, "exclusiveMaximum") == 0)
		return get_number(c, n, kw, v, &n->exclusive_max);
	if (strcmp(kw, "multipleOf") == 0) {
		if (get_number(c, n, kw, v, &n->multiple_of) < 0)
			return -1;
		if (json_object_get_double(v) <= 0)
			return schema_error(c, n->path, "'multipleOf' must be greater than 0");
		return 0;
	}
	if (strcmp(kw, "minLength") == 0)
		return get_count(c, n, kw, v, &n->min_length);
	if (strcmp(kw, "maxLength") == 0)
		return get_count(c, n, kw, v, &n->max_length);
	if (strcmp(kw, "pattern") == 0) {
		n->pattern_src = json_object_get_string(v);
		return (n->pattern = compile_regex(c, n, kw, v)) ? 0 : -1;
	}
	if (strcmp(kw, "allOf") == 0)
		return get_schema_array(c, n, kw, v, base, &n->all_of, &n->n_all_of);
	if (strcmp(kw, "anyOf") == 0)
		return get_schema_array(c, n, kw, v, base, &n->any_of, &n->n_any_of);
	if (strcmp(kw, "oneOf") == 0)
		return get_schema_array(c, n, kw, v, base, &n->one_of, &n->n_one_of);
	if (strcmp(kw, "not") == 0)
		return (n->not_schema = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "if") == 0)
		return (n->if_schema = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "then") == 0)
		return (n->then_schema = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "else") == 0)
		return (n->else_schema = sub(c, n, kw, v, base)) ? 0 : -1;
	if (strcmp(kw, "$ref") == 0) {
		if (!json_object_is_type(v, json_type_string))
			return schema_error(c, n->path, "'$ref' must be a string");
		n->ref_src = json_object_get_string(v);
		add_pending_ref(c, n, uri_resolve(base, n->ref_src));
		return 0;
	}
	if (strcmp(kw, "$defs") == 0) {
		if (!json_object_is_type(v, json_type_object))
			return schema_error(c, n->path, "'$defs' must be an object");
		json_object_object_foreach(v, key, val) sub2(c, n, kw, key, val, base);
		return 0;
	}
	for (size_t i = 0; i < sizeof(annotation_keywords) / sizeof(annotation_keywords[0]); i++)
		if (strcmp(kw, annotation_keywords[i]) == 0)
			return 0;
	/* JSON Schema §6.5: unknown keywords are ignored; record them so callers can tell */
	record_unknown(c->s, kw);
	return 0;
}

static struct snode *compile(struct compiler *c, struct json_object *json, const char *path,
                             const char *base)
{
	struct snode *n = find_node(c->s, json);
	if (n)
		return n;
	if (json_object_is_type(json, json_type_boolean)) {
		n = add_node(c->s, json, path);
		n->boolean = json_object_get_boolean(json);
		return n;
	}
	if (!json_object_is_type(json, json_type_object)) {
		schema_error(c, path, "a schema must be an object or a boolean");
		return NULL;
	}
	n = add_node(c->s, json, path);
	char *own_base = NULL;
	struct json_object *v = NULL;
	if (json_object_object_get_ex(json, "$id", &v) &&
	    json_object_is_type(v, json_type_string) && json_object_get_string(v)[0] != '#') {
		own_base = uri_resolve(base, json_object_get_string(v));
		own_base[strcspn(own_base, "#")] = '\0';
		add_uri(c, own_base, json, path);
		base = own_base;
	}
	if (json_object_object_get_ex(json, "$anchor", &v) &&
	    json_object_is_type(v, json_type_string)) {
		struct strbuf sb;
		strbuf_init(&sb);
		strbuf_addf(&sb, "%s#%s", base, json_object_get_string(v));
		add_uri(c, sb.buf, json, path);
		strbuf_release(&sb);
	}
	json_object_object_foreach(json, kw, val) compile_keyword(c, n, kw, val, base);
	free(own_base);
	return n;
}

/* Finds what uri names, compiling it when it is not a subschema seen so far (a $ref may point
 * anywhere in the document, even under an unknown keyword). */
static struct snode *resolve_ref(struct compiler *c, const char *uri)
{
	size_t doc_len = strcspn(uri, "#");
	const struct uri_entry *doc = find_uri(c->s, uri, doc_len);
	if (!doc)
		return NULL;
	const char *frag = uri[doc_len] == '#' ? uri + doc_len + 1 : "";
	if (*frag && *frag != '/') {
		const struct uri_entry *anchor = find_uri(c->s, uri, strlen(uri));
		return anchor ? compile(c, anchor->json, anchor->path, doc->uri) : NULL;
	}
	char *pointer = percent_decode(frag);
	int found = 0;
	struct json_object *target = json_pointer_resolve(doc->json, pointer, &found);
	struct snode *n = NULL;
	if (found) {
		struct strbuf path;
		strbuf_init(&path);
		strbuf_addf(&path, "%s%s", doc->path, pointer);
		n = compile(c, target, path.buf, doc->uri);
		strbuf_release(&path);
	}
	free(pointer);
	return n;
}

/* Depth-first search along the keywords that apply a subschema to the same instance: a cycle
 * there recurses for ever, whatever the instance. */
static int check_cycles(struct compiler *c, struct snode *n, int depth)
{
	if (!n || n->visit == 2)
		return 0;
	if (n->visit == 1 || depth > CYCLE_DEPTH_LIMIT)
		return schema_error(c, n->path,
		                    "'$ref' cycle that never consumes input: the schema at '#%s' "
		                    "applies itself to the same value",
		                    n->path);
	n->visit = 1;
	int rc = 0;
	struct snode *single[] = {n->ref, n->not_schema, n->if_schema, n->then_schema,
	                          n->else_schema};
	for (size_t i = 0; rc == 0 && i < sizeof(single) / sizeof(single[0]); i++)
		rc = check_cycles(c, single[i], depth + 1);
	struct snode **lists[] = {n->all_of, n->any_of, n->one_of};
	size_t counts[] = {n->n_all_of, n->n_any_of, n->n_one_of};
	for (size_t l = 0; rc == 0 && l < 3; l++)
		for (size_t i = 0; rc == 0 && i < counts[l]; i++)
			rc = check_cycles(c, lists[l][i], depth + 1);
	for (size_t i = 0; rc == 0 && i < n->n_dep_schemas; i++)
		rc = check_cycles(c, n->dep_schemas[i].node, depth + 1);
	n->visit = 2;
	return rc;
}

struct schema *schema_new(struct json_object *root, const char *name, struct diag_list *d)
{
	struct schema *s = xcalloc(1, sizeof(*s));
	s->root = json_object_get(root);
	s->name = xstrdup(name ? name : "schema");
	struct compiler c = {.s = s, .d = d};
	add_uri(&c, "", root, "");
	s->top = compile(&c, root, "", "");
	/* resolving may compile more of the document, which may add more references */
	for (size_t i = 0; i < c.n_refs; i++) {
		struct snode *target = resolve_ref(&c, c.refs[i].uri);
		if (!target) {
			bool remote = c.refs[i].uri[0] != '#' &&
			              !find_uri(s, c.refs[i].uri, strcspn(c.refs[i].uri, "#"));
			schema_error(&c, c.refs[i].node->path, "cannot resolve '$ref' '%s'%s",
			             c.refs[i].node->ref_src,
			             remote ? ": references outside this document are not supported"
			                    : "");
		}
		c.refs[i].node->ref = target;
	}
	for (size_t i = 0; c.errors == 0 && i < s->n_nodes; i++)
		check_cycles(&c, s->nodes[i], 0);
	for (size_t i = 0; i < c.n_refs; i++)
		free(c.refs[i].uri);
	free(c.refs);
	if (c.errors || !s->top) {
		schema_free(s);
		return NULL;
	}
	return s;
}

struct schema *schema_load_file(const char *path, struct diag_list *d)
{
	struct diag_loc loc = {path, 0, 0, NULL};
	FILE *f = fopen(path, "rb");
	if (!f) {
		diag_error(d, "io.read", &loc, "cannot read the schema file");
		return NULL;
	}
	struct strbuf text;
	strbuf_init(&text);
	char buf[65536];
	size_t got;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&text, buf, got);
	bool failed = ferror(f);
	fclose(f);
	struct schema *s = NULL;
	if (failed) {
		diag_error(d, "io.read", &loc, "cannot read the schema file");
		goto cleanup;
	}
	struct json_tokener *tok = json_tokener_new_ex(SCHEMA_PARSE_DEPTH);
	if (!tok)
		xalloc_die(0);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *root = json_tokener_parse_ex(tok, text.buf, (int)text.len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	if (err == json_tokener_continue)
		err = json_tokener_error_parse_eof;
	else if (err == json_tokener_success && json_tokener_get_parse_end(tok) < text.len) {
		/* trailing whitespace is fine; anything else is a second value */
		for (size_t i = json_tokener_get_parse_end(tok); i < text.len; i++)
			if (!isspace((unsigned char)text.buf[i]))
				err = json_tokener_error_parse_unexpected;
	}
	if (err != json_tokener_success) {
		diag_error(d, "schema.json", &loc, "the schema is not valid JSON: %s",
		           json_tokener_error_desc(err));
		json_object_put(root);
		json_tokener_free(tok);
		goto cleanup;
	}
	json_tokener_free(tok);
	s = schema_new(root, path, d);
	json_object_put(root);
cleanup:
	strbuf_release(&text);
	return s;
}

static void snode_free(struct snode *n)
{
	free(n->path);
	free(n->required);
	free(n->props);
	for (size_t i = 0; i < n->n_pattern_props; i++)
		ecma_regex_free(n->pattern_props[i].re);
	free(n->pattern_props);
	for (size_t i = 0; i < n->n_dep_required; i++)
		free(n->dep_required[i].required);
	free(n->dep_required);
	free(n->dep_schemas);
	free(n->prefix);
	ecma_regex_free(n->pattern);
	free(n->all_of);
	free(n->any_of);
	free(n->one_of);
	free(n);
}

void schema_free(struct schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_nodes; i++)
		snode_free(s->nodes[i]);
	free(s->nodes);
	for (size_t i = 0; i < s->n_uris; i++) {
		free(s->uris[i].uri);
		free(s->uris[i].path);
	}
	free(s->uris);
	for (size_t i = 0; i < s->n_unknown; i++)
		free(s->unknown[i]);
	free(s->unknown);
	free(s->name);
	json_object_put(s->root);
	free(s);
}

size_t schema_unknown_keywords(const struct schema *s, const char *const **names)
{
	*names = (const char *const *)s->unknown;
	return s->n_unknown;
}
