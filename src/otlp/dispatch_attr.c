/* The tare.dispatch resource attribute, read from a resourceSpans entry. */
#include "otlp/dispatch_attr.h"

#include "otlp/receiver.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* A dispatch index written in decimal: digits only, no sign, no spaces, within 64 bits. */
static int parse_index(const char *s, uint64_t *out)
{
	if (s[0] < '0' || s[0] > '9')
		return -1;
	char *end = NULL;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = n;
	return 0;
}

/* The value of an AnyValue object as a dispatch index. */
static enum otlp_dispatch_attr read_value(struct json_object *value, uint64_t *dispatch,
                                          const char **why)
{
	struct json_object *v = NULL;
	if (json_object_is_type(value, json_type_object) &&
	    json_object_object_get_ex(value, "intValue", &v)) {
		if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0) {
			*dispatch = (uint64_t)json_object_get_int64(v);
			return OTLP_DISPATCH_FOUND;
		}
		if (json_object_is_type(v, json_type_string) &&
		    parse_index(json_object_get_string(v), dispatch) == 0)
			return OTLP_DISPATCH_FOUND;
		*why = "'tare.dispatch' has an intValue that is not a dispatch index";
		return OTLP_DISPATCH_INVALID;
	}
	if (json_object_is_type(value, json_type_object) &&
	    json_object_object_get_ex(value, "stringValue", &v) &&
	    json_object_is_type(v, json_type_string)) {
		if (parse_index(json_object_get_string(v), dispatch) == 0)
			return OTLP_DISPATCH_FOUND;
		*why = "'tare.dispatch' has a stringValue that is not a decimal dispatch index";
		return OTLP_DISPATCH_INVALID;
	}
	*why = "'tare.dispatch' is neither a stringValue nor an intValue";
	return OTLP_DISPATCH_INVALID;
}

enum otlp_dispatch_attr otlp_dispatch_attr_read(struct json_object *entry, uint64_t *dispatch,
                                                const char **why)
{
	struct json_object *resource = NULL, *attrs = NULL;
	if (!json_object_object_get_ex(entry, "resource", &resource) ||
	    !json_object_is_type(resource, json_type_object) ||
	    !json_object_object_get_ex(resource, "attributes", &attrs) ||
	    !json_object_is_type(attrs, json_type_array))
		return OTLP_DISPATCH_ABSENT;
	size_t n = json_object_array_length(attrs);
	for (size_t i = 0; i < n; i++) {
		struct json_object *kv = json_object_array_get_idx(attrs, i), *key = NULL,
		                   *value = NULL;
		if (!json_object_is_type(kv, json_type_object) ||
		    !json_object_object_get_ex(kv, "key", &key) ||
		    !json_object_is_type(key, json_type_string) ||
		    strcmp(json_object_get_string(key), OTLP_DISPATCH_ATTRIBUTE) != 0)
			continue;
		json_object_object_get_ex(kv, "value", &value);
		return read_value(value, dispatch, why);
	}
	return OTLP_DISPATCH_ABSENT;
}
