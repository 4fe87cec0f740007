/* JSON Schema 2020-12 validator on json-c and pcre2 (the keyword subset of
 * docs/schema-validator.md). */
#ifndef TARE_JSONSCHEMA_SCHEMA_H
#define TARE_JSONSCHEMA_SCHEMA_H

#include <stddef.h>

#include "util/source_map.h"
#include "util/diag.h"

struct json_object;
struct schema;

/* Compiles a schema document. Takes its own reference on root (json_object_get), so the caller
 * may put its own. name is used in diagnostics about the schema itself. Returns NULL with errors
 * in d when the schema is malformed (bad regex, unresolvable $ref, wrong keyword types). */
struct schema *schema_new(struct json_object *root, const char *name, struct diag_list *d);

/* Reads a JSON schema file and compiles it. */
struct schema *schema_load_file(const char *path, struct diag_list *d);

void schema_free(struct schema *s);

/* Validates instance. Appends one error per failure, each with the instance pointer, the code
 * "schema.<keyword>" and, when map is not NULL, the file:line:column of the offending value (the
 * key's position for unknown keys). Messages are for people: "unknown key 'warmup' (did you mean
 * 'warmups'?)", "expected an integer, got a string", "must be >= 1, got 0".
 * Returns 0 when valid, -1 when not. No global state: one schema may validate from many threads. */
int schema_validate(const struct schema *s, struct json_object *instance,
                    const struct source_map *map, struct diag_list *d);

/* The keywords schema_new ignored because this validator does not know them (the spec says to
 * ignore unknown keywords; "unevaluatedProperties" or "$dynamicRef" would be ignored the same
 * way). *names borrows the schema's array, each name listed once. Returns the count. */
size_t schema_unknown_keywords(const struct schema *s, const char *const **names);

#endif
