/* The compiled form of a JSON schema, shared by schema_compile.c, schema_value.c and
 * schema_validate.c; not part of the public API. */
#ifndef TARE_JSONSCHEMA_INTERNAL_H
#define TARE_JSONSCHEMA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonschema/schema.h"

struct ecma_regex;
struct json_object;
struct strbuf;

/* Bits of the "type" keyword; an integer instance sets both T_INTEGER and T_NUMBER. */
enum {
	T_NULL = 1 << 0,
	T_BOOLEAN = 1 << 1,
	T_OBJECT = 1 << 2,
	T_ARRAY = 1 << 3,
	T_NUMBER = 1 << 4,
	T_STRING = 1 << 5,
	T_INTEGER = 1 << 6,
	T_ANY = (1 << 7) - 1,
};

struct snode;

/* A key of properties/dependentSchemas and its subschema; name borrowed from the schema JSON. */
struct named_node {
	const char *name;
	struct snode *node;
};

struct pattern_node {
	const char *source; /* borrowed */
	struct ecma_regex *re;
	struct snode *node;
};

/* dependentRequired: when key is present, every name in required must be too. */
struct dep_required {
	const char *key;
	const char **required;
	size_t n_required;
};

/* A compiled subschema. Counts are -1 when the keyword is absent. Every struct json_object * and
 * const char * is borrowed from the schema document, which the schema keeps a reference on. */
struct snode {
	struct json_object *json;
	char *path;     /* "#/properties/name": where it is in the schema, for messages */
	int boolean;    /* 0 or 1 for the schemas false and true, -1 for an object schema */
	unsigned types; /* 0 when there is no "type" */

	struct json_object *const_value;
	bool has_const;
	struct json_object *enum_values; /* an array, or NULL */

	const char **required;
	size_t n_required;
	struct named_node *props;
	size_t n_props;
	struct pattern_node *pattern_props;
	size_t n_pattern_props;
	struct snode *additional;
	struct snode *property_names;
	int64_t min_props, max_props;
	struct dep_required *dep_required;
	size_t n_dep_required;
	struct named_node *dep_schemas;
	size_t n_dep_schemas;

	struct snode **prefix;
	size_t n_prefix;
	struct snode *items;
	struct snode *contains;
	int64_t min_contains, max_contains;
	int64_t min_items, max_items;
	bool unique;

	/* numeric bounds: the keyword's own JSON number, so integers compare exactly */
	struct json_object *minimum, *maximum, *exclusive_min, *exclusive_max, *multiple_of;

	int64_t min_length, max_length;
	struct ecma_regex *pattern;
	const char *pattern_src;

	struct snode **all_of, **any_of, **one_of;
	size_t n_all_of, n_any_of, n_one_of;
	struct snode *not_schema, *if_schema, *then_schema, *else_schema;

	struct snode *ref;
	const char *ref_src;

	int visit; /* cycle detection at compile time: 0 new, 1 on the path, 2 done */
};

/* A URI that names a place in the document: a schema resource ($id, or the document itself) or
 * an $anchor. */
struct uri_entry {
	char *uri;
	struct json_object *json;
	char *path;
};

struct schema {
	struct json_object *root;
	char *name;
	struct snode **nodes; /* every compiled node, owned */
	size_t n_nodes, cap_nodes;
	struct uri_entry *uris;
	size_t n_uris, cap_uris;
	char **unknown; /* keywords seen and ignored, each once */
	size_t n_unknown;
	struct snode *top;
};

/* schema_value.c: JSON values as JSON Schema compares and names them. */

/* The T_* bits an instance satisfies (1.0 is an integer too). */
unsigned schema_value_types(struct json_object *v);
/* "an integer", "a string", "null": the instance's type for messages. */
const char *schema_value_type_name(struct json_object *v);
/* Appends "an integer or a string" for the bits of mask. */
void schema_types_describe(struct strbuf *sb, unsigned mask);
/* Structural equality with numbers compared by value: 1 == 1.0, false != 0, key order ignored. */
bool schema_value_equal(struct json_object *a, struct json_object *b);
/* Compares two numbers exactly where both are integers: -1, 0 or 1. */
int schema_number_compare(struct json_object *a, struct json_object *b);
/* Whether number a is a multiple of b (b > 0), tolerant of binary floating point. */
bool schema_number_multiple_of(struct json_object *a, struct json_object *b);
/* Appends v for a message: strings in single quotes, others as compact JSON, cut at about 60
 * characters. */
void schema_value_describe(struct strbuf *sb, struct json_object *v);
/* Number of Unicode code points in a UTF-8 string. */
size_t schema_utf8_length(const char *s, size_t len);

/* schema_validate.c */
bool schema_snode_fits_type(const struct snode *n, struct json_object *inst, int depth);
unsigned schema_snode_accepted_types(const struct snode *n, int depth);

#endif
