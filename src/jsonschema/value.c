/* JSON values as JSON Schema sees them: types, numeric-aware equality, numbers, message text. */
#include "jsonschema/internal.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

static bool is_integral(double x)
{
	return isfinite(x) && x == floor(x);
}

unsigned schema_value_types(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return T_NULL;
	case json_type_boolean:
		return T_BOOLEAN;
	case json_type_object:
		return T_OBJECT;
	case json_type_array:
		return T_ARRAY;
	case json_type_string:
		return T_STRING;
	case json_type_int:
		return T_NUMBER | T_INTEGER;
	case json_type_double:
		return T_NUMBER | (is_integral(json_object_get_double(v)) ? T_INTEGER : 0u);
	}
	return 0;
}

const char *schema_value_type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "a boolean";
	case json_type_object:
		return "an object";
	case json_type_array:
		return "an array";
	case json_type_string:
		return "a string";
	case json_type_int:
		return "an integer";
	case json_type_double:
		return "a number";
	}
	return "a value";
}

void schema_types_describe(struct strbuf *sb, unsigned mask)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	    {T_INTEGER, "an integer"}, {T_NUMBER, "a number"},  {T_STRING, "a string"},
	    {T_BOOLEAN, "a boolean"},  {T_OBJECT, "an object"}, {T_ARRAY, "an array"},
	    {T_NULL, "null"},
	};
	if (mask & T_NUMBER)
		mask &= ~(unsigned)T_INTEGER; /* "a number" already says it */
	size_t total = 0, done = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		total += (mask & names[i].bit) != 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(mask & names[i].bit))
			continue;
		if (done)
			strbuf_addstr(sb, done + 1 == total ? " or " : ", ");
		strbuf_addstr(sb, names[i].name);
		done++;
	}
}

/* json-c 0.16 keeps integers above INT64_MAX as uint64; get_int64 clamps them. */
static bool is_big_unsigned(struct json_object *v)
{
	return json_object_get_int64(v) == INT64_MAX &&
	       json_object_get_uint64(v) > (uint64_t)INT64_MAX;
}

int schema_number_compare(struct json_object *a, struct json_object *b)
{
	if (json_object_is_type(a, json_type_int) && json_object_is_type(b, json_type_int)) {
		bool ua = is_big_unsigned(a), ub = is_big_unsigned(b);
		if (ua || ub) {
			if (ua && ub) {
				uint64_t x = json_object_get_uint64(a),
				         y = json_object_get_uint64(b);
				return x < y ? -1 : x > y;
			}
			return ua ? 1 : -1;
		}
		int64_t x = json_object_get_int64(a), y = json_object_get_int64(b);
		return x < y ? -1 : x > y;
	}
	/* long double holds every int64 exactly on x86-64, so int-vs-double stays exact there */
	long double x = is_big_unsigned(a) ? (long double)json_object_get_uint64(a)
	                : json_object_is_type(a, json_type_int)
	                    ? (long double)json_object_get_int64(a)
	                    : (long double)json_object_get_double(a);
	long double y = is_big_unsigned(b) ? (long double)json_object_get_uint64(b)
	                : json_object_is_type(b, json_type_int)
	                    ? (long double)json_object_get_int64(b)
	                    : (long double)json_object_get_double(b);
	return x < y ? -1 : x > y;
}

bool schema_number_multiple_of(struct json_object *a, struct json_object *b)
{
	if (json_object_is_type(a, json_type_int) && json_object_is_type(b, json_type_int) &&
	    !is_big_unsigned(a) && !is_big_unsigned(b)) {
		int64_t x = json_object_get_int64(a), y = json_object_get_int64(b);
		if (y == 0)
			return false;
		if (y == -1)
			return true; /* INT64_MIN % -1 would trap */
		return x % y == 0;
	}
	double x = json_object_get_double(a), y = json_object_get_double(b);
	if (y == 0 || !isfinite(x))
		return false;
	/* fmod is exact: it settles large x, where x / y would overflow (1e308 / 0.5) */
	if (fmod(x, y) == 0)
		return true;
	double q = x / y;
	if (!isfinite(q))
		return false;
	/* 0.0075 / 0.0001 is 74.99999999999999 in binary; accept a relative error of 1e-9 */
	return fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
}

bool schema_value_equal(struct json_object *a, struct json_object *b)
{
	unsigned ta = schema_value_types(a), tb = schema_value_types(b);
	if ((ta & T_NUMBER) && (tb & T_NUMBER))
		return schema_number_compare(a, b) == 0;
	if (json_object_get_type(a) != json_object_get_type(b))
		return false;
	switch (json_object_get_type(a)) {
	case json_type_null:
		return true;
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string:
		return json_object_get_string_len(a) == json_object_get_string_len(b) &&
		       memcmp(json_object_get_string(a), json_object_get_string(b),
		              (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array: {
		size_t n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!schema_value_equal(json_object_array_get_idx(a, i),
			                        json_object_array_get_idx(b, i)))
				return false;
		return true;
	}
	case json_type_object: {
		if (json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach(a, key, va)
		{
			struct json_object *vb = NULL;
			if (!json_object_object_get_ex(b, key, &vb) || !schema_value_equal(va, vb))
				return false;
		}
		return true;
	}
	default:
		return false;
	}
}

enum { DESCRIBE_MAX = 60 };

/* Appends at most DESCRIBE_MAX bytes of s, not splitting a UTF-8 sequence, then "...". */
static void add_cut(struct strbuf *sb, const char *s, size_t len)
{
	if (len <= DESCRIBE_MAX) {
		strbuf_add(sb, s, len);
		return;
	}
	size_t n = DESCRIBE_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	strbuf_add(sb, s, n);
	strbuf_addstr(sb, "...");
}

void schema_value_describe(struct strbuf *sb, struct json_object *v)
{
	if (json_object_is_type(v, json_type_string)) {
		strbuf_addch(sb, '\'');
		add_cut(sb, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		strbuf_addch(sb, '\'');
		return;
	}
	if (json_object_is_type(v, json_type_double)) {
		/* the shortest text that reads back as the same double */
		double x = json_object_get_double(v);
		char buf[40];
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, x);
			if (strtod(buf, NULL) == x)
				break;
		}
		strbuf_addstr(sb, buf);
		return;
	}
	if (v == NULL) {
		strbuf_addstr(sb, "null");
		return;
	}
	const char *text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
	                                                         JSON_C_TO_STRING_NOSLASHESCAPE);
	add_cut(sb, text, strlen(text));
}

size_t schema_utf8_length(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}
