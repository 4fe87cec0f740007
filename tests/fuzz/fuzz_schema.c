/* libFuzzer target: the JSON Schema validator (jsonschema/schema.h), compiling a schema and
 * validating an instance, both from the input. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonschema/schema.h"
#include "util/diag.h"

/* Strict, as tare parses every JSON document it validates. NULL when data is not one value. */
static struct json_object *parse(const uint8_t *data, size_t size)
{
	if (size > INT32_MAX)
		return NULL;
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* The input is [schema, instance]; any other JSON value is a schema that validates itself (a
 * schema is an instance too, and this pairs every mutated keyword with a value of its own). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object *doc = parse(data, size);
	if (!doc)
		return 0;
	struct json_object *schema_doc = doc, *instance = doc;
	if (json_object_is_type(doc, json_type_array) && json_object_array_length(doc) == 2) {
		schema_doc = json_object_array_get_idx(doc, 0);
		instance = json_object_array_get_idx(doc, 1);
	}
	struct diag_list d;
	diag_list_init(&d);
	struct schema *s = schema_new(schema_doc, "fuzz.schema.json", &d);
	if (s) {
		const char *const *names;
		schema_unknown_keywords(s, &names);
		size_t before = diag_error_count(&d);
		int rc = schema_validate(s, instance, NULL, &d);
		/* the header's contract: -1 exactly when it reported an error */
		if ((rc < 0) != (diag_error_count(&d) > before))
			__builtin_trap();
		schema_free(s);
	}
	json_object_put(diag_list_to_json(&d));
	diag_list_release(&d);
	json_object_put(doc);
	return 0;
}
