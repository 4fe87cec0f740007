/* Unit tests for the strict JSON reader: what it refuses beyond json-c, where it says the error
 * is, and the source map it builds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "jsonin/jsonin.h"
#include "util/diag.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parsed {
	int rc;
	struct json_object *tree;
	struct source_map *map;
	struct diag_list d;
};

static struct parsed parse_at(const char *text, size_t len, int first_line)
{
	struct parsed p;
	diag_list_init(&p.d);
	p.rc = jsonin_parse("in.json", text, len, first_line, &p.tree, &p.map, &p.d);
	return p;
}

static struct parsed parse(const char *text)
{
	return parse_at(text, strlen(text), 1);
}

static void parsed_release(struct parsed *p)
{
	json_object_put(p->tree);
	source_map_free(p->map);
	diag_list_release(&p->d);
}

/* text must fail with one error of code at line:column whose message contains needle. */
static void expect_error(const char *text, const char *code, int line, int column,
                         const char *needle)
{
	struct parsed p = parse(text);
	if (p.rc != -1 || p.d.len != 1 || strcmp(p.d.items[0].code, code) != 0 ||
	    p.d.items[0].line != line || p.d.items[0].column != column ||
	    !strstr(p.d.items[0].message, needle)) {
		fprintf(stderr, "input %s: rc %d, %zu diags", text, p.rc, p.d.len);
		if (p.d.len)
			fprintf(stderr, ", first %s %d:%d %s", p.d.items[0].code, p.d.items[0].line,
			        p.d.items[0].column, p.d.items[0].message);
		fputc('\n', stderr);
		fail();
	}
	assert_null(p.tree);
	assert_null(p.map);
	parsed_release(&p);
}

static void test_accepts_json(void **state)
{
	(void)state;
	const char *ok[] = {
	    "{\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"]}",
	    "  [ ]\n",
	    "{}",
	    "42",
	    "\"s\"",
	    "-0",
	    "1E+2",
	    "18446744073709551615",
	    "-9223372036854775808",
	    "{\"a\":{\"a\":1}}",
	    "\r\n\t{\"k\" :\n1}\n",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct parsed p = parse(ok[i]);
		if (p.rc != 0)
			fprintf(stderr, "refused %s: %s\n", ok[i], p.d.items[0].message);
		assert_int_equal(p.rc, 0);
		assert_int_equal(p.d.len, 0);
		assert_non_null(p.map);
		parsed_release(&p);
	}
	struct parsed p = parse("null");
	assert_int_equal(p.rc, 0);
	assert_null(p.tree);
	parsed_release(&p);
}

static void test_refuses_lax_json(void **state)
{
	(void)state;
	expect_error("{\n  # note\n  \"a\": 1\n}", "json.syntax", 2, 3, "comments");
	expect_error("{\"a\": 1} // note", "json.syntax", 1, 10, "comments");
	expect_error("{\"a\": /* x */ 1}", "json.syntax", 1, 7, "comments");
	expect_error("{'a': 1}", "json.syntax", 1, 2, "single-quoted");
	expect_error("{\"a\": 'b'}", "json.syntax", 1, 7, "single-quoted");
	expect_error("{a: 1}", "json.syntax", 1, 2, "double-quoted");
	expect_error("{\"a\": 1,\n}", "json.syntax", 2, 1, "trailing comma");
	expect_error("[1, 2, ]", "json.syntax", 1, 8, "trailing comma");
	expect_error("{\"a\": 1} x", "json.syntax", 1, 10, "");
	expect_error("{\"a\": 1}{}", "json.syntax", 1, 9, "");
	expect_error("{\"a\": NaN}", "json.syntax", 1, 7, "NaN");
	expect_error("[Infinity]", "json.syntax", 1, 2, "Infinity");
	expect_error("[-Infinity]", "json.syntax", 1, 2, "Infinity");
	expect_error("[1.]", "json.syntax", 1, 4, "decimal point");
	expect_error("[01]", "json.syntax", 1, 4, "number");
	expect_error("[\"a\tb\"]", "json.syntax", 1, 4, "control character");
	expect_error("[1e999]", "json.range", 1, 2, "out of range");
	expect_error("[18446744073709551616]", "json.range", 1, 2, "64-bit");
	expect_error("[-9223372036854775809]", "json.range", 1, 2, "64-bit");
	expect_error("[\"\\ud800\"]", "json.syntax", 1, 3, "surrogate");
	expect_error("", "json.syntax", 1, 1, "empty");
	expect_error(" \n ", "json.syntax", 2, 2, "empty");
	expect_error("{\"a\": [1, 2}", "json.syntax", 1, 12, "");
	expect_error("{\"a\": \"\xff\"}", "json.syntax", 1, 8, "");
	/* columns count characters, not bytes */
	expect_error("{\"\xc3\xa9\xc3\xa9\": 1,}", "json.syntax", 1, 10, "trailing comma");
}

static void test_nul_byte(void **state)
{
	(void)state;
	struct parsed p = parse_at("{\"a\": 1}\0{", 10, 1);
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.d.len, 1);
	assert_int_equal(p.d.items[0].column, 9);
	assert_non_null(strstr(p.d.items[0].message, "NUL"));
	parsed_release(&p);
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	struct parsed p = parse("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2},\n \"a\": 3, \"a\": 4}");
	assert_int_equal(p.rc, -1);
	assert_null(p.tree);
	assert_int_equal(p.d.len, 3);
	diag_list_sort(&p.d);
	assert_string_equal(p.d.items[0].code, "json.duplicate-key");
	assert_string_equal(p.d.items[0].pointer, "/b/c");
	assert_int_equal(p.d.items[0].line, 2);
	assert_int_equal(p.d.items[0].column, 16);
	assert_string_equal(p.d.items[0].message, "duplicate key 'c' (first defined at 2:8)");
	assert_string_equal(p.d.items[1].pointer, "/a");
	assert_int_equal(p.d.items[1].line, 3);
	assert_int_equal(p.d.items[1].column, 2);
	assert_string_equal(p.d.items[1].message, "duplicate key 'a' (first defined at 1:2)");
	assert_int_equal(p.d.items[2].column, 10);
	parsed_release(&p);
	/* the same key in two objects is no duplicate; escapes decode before comparing */
	p = parse("[{\"a\": 1}, {\"a\": 2}, {\"a\": 1, \"\\u0061\": 2}]");
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.d.len, 1);
	assert_string_equal(p.d.items[0].pointer, "/2/a");
	parsed_release(&p);
}

static void test_source_map(void **state)
{
	(void)state;
	struct parsed p =
	    parse("{\n  \"a/b\": [10,\n    {\"k~\": \"v\"}],\n  \"\xc3\xa9t\xc3\xa9\": true\n}");
	assert_int_equal(p.rc, 0);
	struct source_pos v, k;
	assert_true(source_map_get(p.map, "", &v, &k));
	assert_int_equal(v.line, 1);
	assert_int_equal(v.column, 1);
	assert_true(source_map_get(p.map, "/a~1b", &v, &k));
	assert_int_equal(k.line, 2);
	assert_int_equal(k.column, 3);
	assert_int_equal(v.column, 10);
	assert_true(source_map_get(p.map, "/a~1b/1/k~0", &v, &k));
	assert_int_equal(v.line, 3);
	assert_int_equal(k.column, 6);
	assert_int_equal(v.column, 12);
	assert_true(source_map_get(p.map, "/\xc3\xa9t\xc3\xa9", &v, &k));
	assert_int_equal(v.line, 4);
	assert_int_equal(v.column, 10);
	parsed_release(&p);
}

/* One JSON Lines line parsed where it sits in its file: positions are the file's. */
static void test_first_line(void **state)
{
	(void)state;
	struct parsed p = parse_at("{\"a\": 1, \"a\": 2}", 16, 7);
	assert_int_equal(p.d.len, 1);
	assert_int_equal(p.d.items[0].line, 7);
	assert_int_equal(p.d.items[0].column, 10);
	assert_string_equal(p.d.items[0].message, "duplicate key 'a' (first defined at 7:2)");
	parsed_release(&p);
	p = parse_at("{\"a\": [1, 2]}", 13, 12);
	assert_int_equal(p.rc, 0);
	struct source_pos v;
	assert_true(source_map_get(p.map, "/a/1", &v, NULL));
	assert_int_equal(v.line, 12);
	assert_int_equal(v.column, 11);
	parsed_release(&p);
}

static void test_depth(void **state)
{
	(void)state;
	char deep[200];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	struct parsed p = parse_at(deep, 200, 1);
	assert_int_equal(p.rc, -1);
	assert_int_equal(p.d.len, 1);
	assert_string_equal(p.d.items[0].code, "json.depth");
	parsed_release(&p);
	/* as deep as the limit is fine */
	memset(deep, '[', JSONIN_MAX_DEPTH);
	memset(deep + JSONIN_MAX_DEPTH, ']', JSONIN_MAX_DEPTH);
	p = parse_at(deep, 2 * JSONIN_MAX_DEPTH, 1);
	assert_int_equal(p.rc, 0);
	parsed_release(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts_json), cmocka_unit_test(test_refuses_lax_json),
	    cmocka_unit_test(test_nul_byte),     cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_source_map),   cmocka_unit_test(test_first_line),
	    cmocka_unit_test(test_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
