/* Unit tests for the JSON Schema validator: keywords, messages, locations, regex semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonschema/schema.h"
#include "util/source_map.h"
#include "util/diag.h"

static struct json_object *parse(const char *text)
{
	struct json_tokener *tok = json_tokener_new_ex(2000);
	/* the terminating NUL is passed too, so that a bare number at the end is complete */
	struct json_object *v = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
	json_tokener_free(tok);
	return v;
}

static struct schema *compile(const char *text)
{
	struct diag_list d;
	diag_list_init(&d);
	struct json_object *root = parse(text);
	struct schema *s = schema_new(root, "test.schema.json", &d);
	json_object_put(root);
	if (!s && d.len)
		fprintf(stderr, "schema error: %s\n", d.items[0].message);
	assert_non_null(s);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
	return s;
}

/* Validates instance (JSON text) against schema (JSON text); returns the rc, diagnostics in d. */
static int run(const char *schema, const char *instance, struct diag_list *d)
{
	struct schema *s = compile(schema);
	struct json_object *inst = parse(instance);
	int rc = schema_validate(s, inst, NULL, d);
	json_object_put(inst);
	schema_free(s);
	return rc;
}

static void expect_valid(const char *schema, const char *instance)
{
	struct diag_list d;
	diag_list_init(&d);
	int rc = run(schema, instance, &d);
	if (rc != 0 || d.len != 0)
		fprintf(stderr, "expected %s valid against %s: %s\n", instance, schema,
		        d.len ? d.items[0].message : "(no message)");
	assert_int_equal(rc, 0);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
}

/* Exactly one error, with this code, pointer and message. */
static void expect_error(const char *schema, const char *instance, const char *code,
                         const char *pointer, const char *message)
{
	struct diag_list d;
	diag_list_init(&d);
	int rc = run(schema, instance, &d);
	assert_int_equal(rc, -1);
	if (diag_error_count(&d) != 1 || strcmp(d.items[0].message, message) != 0) {
		for (size_t i = 0; i < d.len; i++)
			fprintf(stderr, "got: %s [%s] (%s)\n", d.items[i].message,
			        d.items[i].pointer, d.items[i].code);
	}
	assert_int_equal(diag_error_count(&d), 1);
	assert_string_equal(d.items[0].code, code);
	assert_string_equal(d.items[0].pointer, pointer);
	assert_string_equal(d.items[0].message, message);
	diag_list_release(&d);
}

static void expect_invalid(const char *schema, const char *instance)
{
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(run(schema, instance, &d), -1);
	assert_true(diag_error_count(&d) > 0);
	diag_list_release(&d);
}

static void expect_schema_error(const char *schema, const char *fragment)
{
	struct diag_list d;
	diag_list_init(&d);
	struct json_object *root = parse(schema);
	struct schema *s = schema_new(root, "bad.schema.json", &d);
	json_object_put(root);
	assert_null(s);
	assert_true(diag_error_count(&d) > 0);
	if (!strstr(d.items[0].message, fragment))
		fprintf(stderr, "got: %s\n", d.items[0].message);
	assert_non_null(strstr(d.items[0].message, fragment));
	assert_string_equal(d.items[0].file, "bad.schema.json");
	diag_list_release(&d);
}

static void test_type(void **state)
{
	(void)state;
	expect_valid("{\"type\": \"integer\"}", "1");
	expect_valid("{\"type\": \"integer\"}", "1.0");
	expect_valid("{\"type\": \"number\"}", "1");
	expect_valid("{\"type\": [\"null\", \"string\"]}", "null");
	expect_error("{\"type\": \"integer\"}", "\"1\"", "schema.type", "",
	             "expected an integer, got a string");
	expect_error("{\"type\": \"integer\"}", "1.5", "schema.type", "",
	             "expected an integer, got a number");
	expect_error("{\"type\": [\"integer\", \"string\"]}", "true", "schema.type", "",
	             "expected an integer or a string, got a boolean");
	expect_error("{\"type\": [\"object\", \"array\", \"null\"]}", "0", "schema.type", "",
	             "expected an object, an array or null, got an integer");
	/* no "must be one of" after a type error: it would only repeat it */
	expect_error("{\"type\": \"string\", \"enum\": [\"a\"]}", "1", "schema.type", "",
	             "expected a string, got an integer");
}

static void test_enum_const(void **state)
{
	(void)state;
	const char *order =
	    "{\"enum\": [\"counterbalanced\", \"williams\", \"random\", \"fixed\"]}";
	expect_valid(order, "\"random\"");
	expect_error(
	    order, "\"wiliams\"", "schema.enum", "",
	    "must be one of 'counterbalanced', 'williams', 'random', 'fixed' (did you mean "
	    "'williams'?)");
	expect_error(order, "\"sequential\"", "schema.enum", "",
	             "must be one of 'counterbalanced', 'williams', 'random', 'fixed'");
	expect_error("{\"enum\": [1, null, [1]]}", "2", "schema.enum", "",
	             "must be one of 1, null, [1]");
	expect_error("{\"const\": 1}", "2", "schema.const", "", "must be 1, got 2");
	expect_error("{\"const\": \"x\"}", "\"y\"", "schema.const", "", "must be 'x', got 'y'");
}

static void test_numeric_equality(void **state)
{
	(void)state;
	expect_valid("{\"const\": 1}", "1.0");
	expect_valid("{\"enum\": [1.0]}", "1");
	expect_invalid("{\"const\": false}", "0");
	expect_invalid("{\"const\": 0}", "false");
	expect_invalid("{\"const\": true}", "1");
	expect_valid("{\"const\": {\"a\": [1, {\"b\": 2}], \"c\": null}}",
	             "{\"c\": null, \"a\": [1.0, {\"b\": 2.0}]}");
	expect_invalid("{\"const\": {\"a\": 1}}", "{\"a\": 1, \"b\": 2}");
	expect_invalid("{\"const\": [1, 2]}", "[2, 1]");
	expect_error("{\"uniqueItems\": true}", "[1, 2, 1.0]", "schema.uniqueItems", "/2",
	             "items must be unique: item 2 repeats item 0");
	expect_invalid("{\"uniqueItems\": true}", "[{\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1}]");
	expect_valid("{\"uniqueItems\": true}", "[false, 0, null, \"0\", [0], [false]]");
}

static void test_numbers(void **state)
{
	(void)state;
	expect_error("{\"minimum\": 1}", "0", "schema.minimum", "", "must be >= 1, got 0");
	expect_error("{\"maximum\": 255}", "256", "schema.maximum", "", "must be <= 255, got 256");
	expect_error("{\"exclusiveMinimum\": 0}", "0", "schema.exclusiveMinimum", "",
	             "must be > 0, got 0");
	expect_error("{\"exclusiveMaximum\": 1.5}", "1.5", "schema.exclusiveMaximum", "",
	             "must be < 1.5, got 1.5");
	expect_valid("{\"minimum\": 1, \"maximum\": 1}", "1.0");
	/* integers compare exactly where a double would round: 2^63-1 vs 2^63-2 */
	expect_invalid("{\"maximum\": 9223372036854775806}", "9223372036854775807");
	expect_error("{\"multipleOf\": 2}", "3", "schema.multipleOf", "",
	             "must be a multiple of 2, got 3");
	expect_valid("{\"multipleOf\": 0.0001}", "0.0075");
	expect_valid("{\"multipleOf\": 0.01}", "19.99");
	expect_invalid("{\"multipleOf\": 0.0001}", "0.00751");
	expect_valid("{\"multipleOf\": 0.5}", "1e308");
	/* numeric keywords ignore other types */
	expect_valid("{\"minimum\": 5, \"multipleOf\": 7}", "\"3\"");
}

static void test_strings(void **state)
{
	(void)state;
	/* lengths count code points, not bytes */
	expect_valid("{\"maxLength\": 1}", "\"\\u00e9\"");
	expect_valid("{\"maxLength\": 1}", "\"\\ud83d\\ude00\"");
	expect_error("{\"minLength\": 4}", "\"\\u65e5\\u672c\\u8a9e\"", "schema.minLength", "",
	             "at least 4 characters required, got 3");
	expect_error("{\"maxLength\": 1}", "\"ab\"", "schema.maxLength", "",
	             "at most 1 character allowed, got 2");
	expect_error("{\"pattern\": \"^[a-z0-9][a-z0-9-]*$\"}", "\"Foo\"", "schema.pattern", "",
	             "'Foo' does not match the pattern '^[a-z0-9][a-z0-9-]*$'");
}

static void test_ecma_regex(void **state)
{
	(void)state;
	/* unanchored search */
	expect_valid("{\"pattern\": \"b\"}", "\"abc\"");
	expect_invalid("{\"pattern\": \"^b\"}", "\"abc\"");
	/* $ only at the very end: no match before a final newline */
	expect_invalid("{\"pattern\": \"^abc$\"}", "\"abc\\n\"");
	expect_valid("{\"pattern\": \"^abc$\"}", "\"abc\"");
	/* \d and \w are ASCII, \s is Unicode white space */
	expect_invalid("{\"pattern\": \"^\\\\d$\"}", "\"\\u0663\"");
	expect_valid("{\"pattern\": \"^\\\\d$\"}", "\"7\"");
	expect_invalid("{\"pattern\": \"^\\\\w$\"}", "\"\\u00e9\"");
	expect_valid("{\"pattern\": \"^\\\\s$\"}", "\"\\u00a0\"");
	expect_valid("{\"pattern\": \"^\\\\s$\"}", "\"\\ufeff\"");
	expect_invalid("{\"pattern\": \"^\\\\S$\"}", "\"\\u2003\"");
	/* . matches anything but a line terminator, also outside the BMP */
	expect_invalid("{\"pattern\": \"^.$\"}", "\"\\u2028\"");
	expect_valid("{\"pattern\": \"^.$\"}", "\"\\ud83d\\ude00\"");
	/* long Unicode property names, which pcre2 10.42 does not know itself */
	expect_valid("{\"pattern\": \"^\\\\p{Letter}+$\"}", "\"\\u00e9t\\u00e9\"");
	expect_invalid("{\"pattern\": \"^\\\\p{Letter}+$\"}", "\"a1\"");
	expect_valid("{\"pattern\": \"^\\\\p{gc=Decimal_Number}$\"}", "\"\\u0663\"");
	expect_valid("{\"pattern\": \"^\\\\P{Lowercase_Letter}$\"}", "\"A\"");
	/* \u escapes, ECMA's \v and the empty classes */
	expect_valid("{\"pattern\": \"^\\\\u00e9\\\\u{1F600}$\"}", "\"\\u00e9\\ud83d\\ude00\"");
	expect_invalid("{\"pattern\": \"^\\\\v$\"}", "\"\\n\"");
	expect_invalid("{\"pattern\": \"[]\"}", "\"a\"");
	expect_valid("{\"pattern\": \"^[^]$\"}", "\"\\n\"");
	expect_schema_error("{\"pattern\": \"(\"}", "invalid regular expression '('");
	expect_schema_error("{\"pattern\": \"[a\"}", "a character class is not closed");
}

static void test_hostile_pattern_is_bounded(void **state)
{
	(void)state;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct diag_list d;
	diag_list_init(&d);
	/* exponential backtracking without limits: 2^40 steps */
	int rc = run(
	    "{\"pattern\": \"^(a|a)*(b|b)*(a|a)*$\"}",
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"", &d);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(rc, -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "schema.pattern");
	assert_non_null(strstr(d.items[0].message, "backtracking limit"));
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(secs < 5.0);
	diag_list_release(&d);
}

static void test_invalid_utf8_is_an_error(void **state)
{
	(void)state;
	struct schema *s = compile("{\"pattern\": \"a\"}");
	struct json_object *inst = json_object_new_string("a\xff");
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(schema_validate(s, inst, NULL, &d), -1);
	assert_int_equal(d.len, 1);
	assert_non_null(strstr(d.items[0].message, "the text is not valid UTF-8"));
	diag_list_release(&d);
	json_object_put(inst);
	schema_free(s);
}

static void test_objects(void **state)
{
	(void)state;
	const char *params =
	    "{\"type\": \"object\", \"required\": [\"name\"], \"properties\": "
	    "{\"name\": {\"type\": \"string\"}, \"warmups\": {\"type\": \"integer\", "
	    "\"minimum\": 0}, \"order\": true}, \"additionalProperties\": false}";
	expect_valid(params, "{\"name\": \"x\", \"warmups\": 0}");
	expect_error(params, "{\"name\": \"x\", \"warmup\": 1}", "schema.additionalProperties",
	             "/warmup", "unknown key 'warmup' (did you mean 'warmups'?)");
	expect_error(params, "{\"name\": \"x\", \"timeout\": 1}", "schema.additionalProperties",
	             "/timeout", "unknown key 'timeout'");
	expect_error(params, "{\"warmups\": 1}", "schema.required", "",
	             "missing required key 'name'");
	expect_error(params, "{\"name\": \"x\", \"warmups\": -1}", "schema.minimum", "/warmups",
	             "must be >= 0, got -1");
	expect_error("{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, "
	             "\"additionalProperties\": false}",
	             "{\"x-a\": \"ok\", \"x-b\": 1}", "schema.type", "/x-b",
	             "expected a string, got an integer");
	expect_error("{\"additionalProperties\": {\"type\": \"integer\"}}", "{\"a/b~c\": \"x\"}",
	             "schema.type", "/a~1b~0c", "expected an integer, got a string");
	expect_error("{\"propertyNames\": {\"pattern\": \"^[a-z]+$\"}}", "{\"ok\": 1, \"Bad\": 2}",
	             "schema.pattern", "/Bad",
	             "invalid key name: 'Bad' does not match the pattern '^[a-z]+$'");
	expect_error("{\"minProperties\": 2}", "{\"a\": 1}", "schema.minProperties", "",
	             "at least 2 keys required, got 1");
	expect_error("{\"maxProperties\": 1}", "{\"a\": 1, \"b\": 2}", "schema.maxProperties", "",
	             "at most 1 key allowed, got 2");
	expect_error("{\"dependentRequired\": {\"a\": [\"b\"]}}", "{\"a\": 1}",
	             "schema.dependentRequired", "",
	             "missing key 'b', required when 'a' is present");
	expect_error("{\"dependentSchemas\": {\"a\": {\"required\": [\"c\"]}}}", "{\"a\": 1}",
	             "schema.required", "", "missing required key 'c'");
}

static void test_arrays(void **state)
{
	(void)state;
	expect_error("{\"minItems\": 2}", "[1]", "schema.minItems", "",
	             "at least 2 items required, got 1");
	expect_error("{\"maxItems\": 1}", "[1, 2]", "schema.maxItems", "",
	             "at most 1 item allowed, got 2");
	expect_error("{\"items\": {\"type\": \"string\"}}", "[\"a\", 2]", "schema.type", "/1",
	             "expected a string, got an integer");
	const char *tuple = "{\"prefixItems\": [{\"type\": \"integer\"}], \"items\": false}";
	expect_valid(tuple, "[1]");
	expect_error(tuple, "[1, 2]", "schema.items", "", "at most 1 item allowed, got 2");
	expect_error(
	    "{\"prefixItems\": [{\"type\": \"integer\"}], \"items\": {\"type\": \"string\"}}",
	    "[\"a\", \"b\"]", "schema.type", "/0", "expected an integer, got a string");
	expect_error("{\"contains\": {\"type\": \"string\"}}", "[1, 2]", "schema.contains", "",
	             "at least 1 item must match the 'contains' schema at '#/contains', 0 do");
	expect_error("{\"contains\": {\"type\": \"string\"}, \"maxContains\": 1}", "[\"a\", \"b\"]",
	             "schema.maxContains", "",
	             "at most 1 item may match the 'contains' schema at '#/contains', 2 do");
	expect_valid("{\"contains\": {\"type\": \"string\"}, \"minContains\": 0}", "[1]");
}

static void test_combinators(void **state)
{
	(void)state;
	const char *size = "{\"oneOf\": [{\"type\": \"integer\", \"minimum\": 0}, "
	                   "{\"type\": \"string\", \"pattern\": \"^[0-9]+KiB$\"}]}";
	expect_valid(size, "4");
	expect_valid(size, "\"4KiB\"");
	/* only the string alternative fits a string: its own error is the one reported */
	expect_error(size, "\"4 kb\"", "schema.pattern", "",
	             "'4 kb' does not match the pattern '^[0-9]+KiB$'");
	expect_error(size, "-1", "schema.minimum", "", "must be >= 0, got -1");
	/* no alternative fits the type: one message naming what would */
	expect_error(size, "true", "schema.oneOf", "",
	             "expected an integer or a string, got a boolean");
	expect_error("{\"anyOf\": [{\"$ref\": \"#/$defs/i\"}, {\"enum\": [\"a\"]}], "
	             "\"$defs\": {\"i\": {\"type\": \"integer\"}}}",
	             "[]", "schema.anyOf", "", "expected an integer or a string, got an array");
	expect_error("{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}", "3",
	             "schema.oneOf", "",
	             "must match exactly one alternative of 'oneOf', matches 2 (1 and 2)");
	/* several alternatives fit: one error, and notes from the closest alternative */
	struct diag_list d;
	diag_list_init(&d);
	int rc = run("{\"anyOf\": [{\"type\": \"object\", \"required\": [\"a\", \"b\"]}, "
	             "{\"type\": \"object\", \"required\": [\"c\"]}]}",
	             "{}", &d);
	assert_int_equal(rc, -1);
	assert_int_equal(diag_error_count(&d), 1);
	assert_string_equal(d.items[0].message, "matches none of the 2 alternatives of 'anyOf'");
	assert_int_equal(d.len, 2);
	assert_int_equal(d.items[1].severity, DIAG_NOTE);
	assert_string_equal(d.items[1].message,
	                    "closest is alternative 2: missing required key 'c'");
	diag_list_release(&d);

	expect_error("{\"not\": {\"type\": \"string\"}}", "\"x\"", "schema.not", "",
	             "must not be a string");
	expect_error("{\"not\": {\"required\": [\"a\"]}}", "{\"a\": 1}", "schema.not", "",
	             "must not have the key 'a'");
	expect_error("{\"not\": {\"minimum\": 1, \"maximum\": 2}}", "1", "schema.not", "",
	             "must not match the schema at '#/not'");
	const char *cond = "{\"if\": {\"properties\": {\"kind\": {\"const\": \"n\"}}}, "
	                   "\"then\": {\"properties\": {\"v\": {\"type\": \"integer\"}}}, "
	                   "\"else\": {\"properties\": {\"v\": {\"type\": \"string\"}}}}";
	expect_valid(cond, "{\"kind\": \"n\", \"v\": 1}");
	expect_valid(cond, "{\"kind\": \"s\", \"v\": \"x\"}");
	expect_error(cond, "{\"kind\": \"n\", \"v\": \"x\"}", "schema.type", "/v",
	             "expected an integer, got a string");
	/* the same failure reached twice (allOf and the schema itself) is reported once */
	expect_error("{\"type\": \"object\", \"allOf\": [{\"type\": \"object\"}, {\"type\": "
	             "\"object\"}]}",
	             "\"x\"", "schema.type", "", "expected an object, got a string");
	expect_valid("true", "{\"anything\": [1]}");
	expect_error("false", "1", "schema.false", "", "no value is allowed here");
	expect_error("{\"properties\": {\"a\": false}}", "{\"a\": 1}", "schema.false", "/a",
	             "no value is allowed here");
}

static void test_refs(void **state)
{
	(void)state;
	const char *escaped = "{\"$defs\": {\"a/b\": {\"type\": \"integer\"}, \"c~d\": {\"type\": "
	                      "\"string\"}, \"e%f\": {\"type\": \"boolean\"}}, \"properties\": {"
	                      "\"x\": {\"$ref\": \"#/$defs/a~1b\"}, \"y\": {\"$ref\": "
	                      "\"#/$defs/c~0d\"}, \"z\": {\"$ref\": \"#/$defs/e%25f\"}}}";
	expect_valid(escaped, "{\"x\": 1, \"y\": \"s\", \"z\": true}");
	expect_error(escaped, "{\"x\": \"1\"}", "schema.type", "/x",
	             "expected an integer, got a string");
	expect_error(escaped, "{\"y\": 1}", "schema.type", "/y",
	             "expected a string, got an integer");
	expect_error(escaped, "{\"z\": 1}", "schema.type", "/z",
	             "expected a boolean, got an integer");
	/* anchors and a pointer into an unknown keyword */
	expect_error("{\"$ref\": \"#num\", \"$defs\": {\"n\": {\"$anchor\": \"num\", \"type\": "
	             "\"number\"}}}",
	             "\"x\"", "schema.type", "", "expected a number, got a string");
	expect_valid("{\"x-lib\": {\"i\": {\"type\": \"integer\"}}, \"$ref\": \"#/x-lib/i\"}", "3");
	/* recursion that consumes input is fine */
	const char *list = "{\"type\": \"object\", \"properties\": {\"next\": {\"$ref\": \"#\"}, "
	                   "\"v\": {\"type\": \"integer\"}}}";
	expect_valid(list, "{\"v\": 1, \"next\": {\"v\": 2, \"next\": {\"v\": 3}}}");
	expect_error(list, "{\"next\": {\"next\": {\"v\": \"3\"}}}", "schema.type", "/next/next/v",
	             "expected an integer, got a string");
	expect_schema_error("{\"$ref\": \"#/$defs/missing\"}", "cannot resolve '$ref'");
	expect_schema_error("{\"$ref\": \"https://example.com/other.json\"}",
	                    "references outside this document are not supported");
}

static void test_recursion_cap(void **state)
{
	(void)state;
	/* cycles that never consume input are rejected when the schema is compiled */
	expect_schema_error("{\"$ref\": \"#\"}", "never consumes input");
	expect_schema_error("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"anyOf\": "
	                    "[{\"type\": \"string\"}, {\"$ref\": \"#/$defs/a\"}]}}, \"$ref\": "
	                    "\"#/$defs/a\"}",
	                    "never consumes input");
	/* an instance deeper than the cap gets an error, not a stack overflow */
	struct strbuf_like {
		char *buf;
	} text;
	enum { DEPTH = 700 };
	text.buf = calloc(2 * DEPTH + 1, 1);
	assert_non_null(text.buf);
	memset(text.buf, '[', DEPTH);
	memset(text.buf + DEPTH, ']', DEPTH);
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(run("{\"items\": {\"$ref\": \"#\"}}", text.buf, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "schema.depth");
	diag_list_release(&d);
	free(text.buf);
}

static void test_locations(void **state)
{
	(void)state;
	struct schema *s = compile("{\"properties\": {\"defaults\": {\"properties\": {\"warmups\": "
	                           "{\"type\": \"integer\"}, \"order\": {\"enum\": [\"fixed\"]}}, "
	                           "\"additionalProperties\": false, \"required\": [\"order\"]}}}");
	/* defaults:            line 3
	 *   warmups: x         line 4, key col 3, value col 12
	 *   warmup: 1          line 5, key col 3, value col 11 */
	struct source_map *m = source_map_new("m.yaml");
	assert_int_equal(
	    source_map_add(m, "", (struct source_pos){1, 1}, (struct source_pos){0, 0}), 0);
	assert_int_equal(
	    source_map_add(m, "/defaults", (struct source_pos){4, 3}, (struct source_pos){3, 1}),
	    0);
	assert_int_equal(source_map_add(m, "/defaults/warmups", (struct source_pos){4, 12},
	                                (struct source_pos){4, 3}),
	                 0);
	assert_int_equal(source_map_add(m, "/defaults/warmup", (struct source_pos){5, 11},
	                                (struct source_pos){5, 3}),
	                 0);
	struct json_object *inst = parse("{\"defaults\": {\"warmups\": \"x\", \"warmup\": 1}}");
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(schema_validate(s, inst, m, &d), -1);
	assert_int_equal(d.len, 3);
	diag_list_sort(&d);
	/* required: at the object's key */
	assert_string_equal(d.items[0].code, "schema.required");
	assert_string_equal(d.items[0].file, "m.yaml");
	assert_int_equal(d.items[0].line, 3);
	assert_int_equal(d.items[0].column, 1);
	assert_string_equal(d.items[0].pointer, "/defaults");
	/* a wrong value: at the value */
	assert_string_equal(d.items[1].code, "schema.type");
	assert_int_equal(d.items[1].line, 4);
	assert_int_equal(d.items[1].column, 12);
	/* an unknown key: at the key */
	assert_string_equal(d.items[2].code, "schema.additionalProperties");
	assert_string_equal(d.items[2].message, "unknown key 'warmup' (did you mean 'warmups'?)");
	assert_int_equal(d.items[2].line, 5);
	assert_int_equal(d.items[2].column, 3);
	diag_list_release(&d);
	json_object_put(inst);

	/* an unmapped pointer falls back to its nearest mapped ancestor */
	inst = parse("{\"defaults\": {\"order\": \"random\"}}");
	diag_list_init(&d);
	assert_int_equal(schema_validate(s, inst, m, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].pointer, "/defaults/order");
	assert_int_equal(d.items[0].line, 4);
	assert_int_equal(d.items[0].column, 3);
	diag_list_release(&d);
	json_object_put(inst);
	source_map_free(m);
	schema_free(s);
}

static void test_schema_errors_and_unknown_keywords(void **state)
{
	(void)state;
	expect_schema_error("{\"minimum\": \"1\"}", "'minimum' must be a number");
	expect_schema_error("{\"type\": \"int\"}", "'type' must name JSON types");
	expect_schema_error("{\"minItems\": -1}", "'minItems' must be a non-negative integer");
	expect_schema_error("{\"properties\": {\"a\": 3}}",
	                    "a schema must be an object or a boolean");
	expect_schema_error("{\"multipleOf\": 0}", "'multipleOf' must be greater than 0");

	struct schema *s =
	    compile("{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", "
	            "\"$id\": \"https://tare.dev/x.json\", \"title\": \"t\", "
	            "\"description\": \"d\", \"default\": 1, \"examples\": [1], "
	            "\"$comment\": \"c\", \"unevaluatedProperties\": false, "
	            "\"properties\": {\"a\": {\"x-hint\": 1}}}");
	const char *const *names = NULL;
	size_t n = schema_unknown_keywords(s, &names);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "unevaluatedProperties");
	assert_string_equal(names[1], "x-hint");
	/* ignored, as the spec says: the extra key is allowed */
	struct json_object *inst = parse("{\"b\": 1}");
	assert_int_equal(schema_validate(s, inst, NULL, NULL), 0);
	json_object_put(inst);
	schema_free(s);
}

static void test_load_file(void **state)
{
	(void)state;
	char path[] = "/tmp/test_schema_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "{\"type\": \"object\", \"required\": [\"a\"]}\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct diag_list d;
	diag_list_init(&d);
	struct schema *s = schema_load_file(path, &d);
	assert_non_null(s);
	struct json_object *inst = parse("{}");
	assert_int_equal(schema_validate(s, inst, NULL, &d), -1);
	assert_string_equal(d.items[0].message, "missing required key 'a'");
	json_object_put(inst);
	schema_free(s);
	diag_list_release(&d);

	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"type\": \"object\"} {}", f);
	fclose(f);
	diag_list_init(&d);
	assert_null(schema_load_file(path, &d));
	assert_string_equal(d.items[0].code, "schema.json");
	diag_list_release(&d);
	unlink(path);

	diag_list_init(&d);
	assert_null(schema_load_file("/nonexistent/x.schema.json", &d));
	assert_string_equal(d.items[0].code, "io.read");
	diag_list_release(&d);
}

struct thread_arg {
	const struct schema *s;
	int failures;
};

static void *validate_many(void *p)
{
	struct thread_arg *a = p;
	struct json_object *good = parse("{\"n\": \"abc-1\"}");
	struct json_object *bad = parse("{\"n\": \"ABC\"}");
	for (int i = 0; i < 2000; i++) {
		struct diag_list d;
		diag_list_init(&d);
		if (schema_validate(a->s, good, NULL, &d) != 0 ||
		    schema_validate(a->s, bad, NULL, &d) != -1 || d.len != 1)
			a->failures++;
		diag_list_release(&d);
	}
	json_object_put(good);
	json_object_put(bad);
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	struct schema *s = compile(
	    "{\"properties\": {\"n\": {\"type\": \"string\", \"pattern\": \"^[a-z0-9-]+$\"}}}");
	pthread_t t[4];
	struct thread_arg args[4];
	for (int i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){s, 0};
		assert_int_equal(pthread_create(&t[i], NULL, validate_many, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_type),
	    cmocka_unit_test(test_enum_const),
	    cmocka_unit_test(test_numeric_equality),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_ecma_regex),
	    cmocka_unit_test(test_hostile_pattern_is_bounded),
	    cmocka_unit_test(test_invalid_utf8_is_an_error),
	    cmocka_unit_test(test_objects),
	    cmocka_unit_test(test_arrays),
	    cmocka_unit_test(test_combinators),
	    cmocka_unit_test(test_refs),
	    cmocka_unit_test(test_recursion_cap),
	    cmocka_unit_test(test_locations),
	    cmocka_unit_test(test_schema_errors_and_unknown_keywords),
	    cmocka_unit_test(test_load_file),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
