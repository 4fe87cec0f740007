/* Unit tests of the YAML loader: typing, YAML 1.1 rejections, anchors and merge keys, caps,
 * diagnostics and the source map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "yaml/load.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* Loads text with opt (defaults when NULL); returns the tree (or NULL on failure) and rc. */
struct loaded {
	int rc;
	struct json_object *tree;
	struct source_map *map;
	struct diag_list d;
};

static void load_opt(struct loaded *l, const char *text, const struct yaml_load_options *opt)
{
	struct yaml_load_options def = yaml_load_defaults();
	diag_list_init(&l->d);
	l->rc = yaml_load_buffer("t.yaml", text, strlen(text), opt ? opt : &def, &l->tree, &l->map,
	                         &l->d);
	if (l->rc < 0) {
		assert_null(l->tree);
		assert_null(l->map);
		assert_true(diag_error_count(&l->d) > 0);
	}
}

static void load(struct loaded *l, const char *text)
{
	load_opt(l, text, NULL);
}

static void unload(struct loaded *l)
{
	json_object_put(l->tree);
	source_map_free(l->map);
	diag_list_release(&l->d);
}

static struct json_object *get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;
	assert_true(json_object_object_get_ex(obj, key, &v));
	return v;
}

static const struct diag *only_error(struct loaded *l, const char *code)
{
	assert_int_equal(l->rc, -1);
	assert_int_equal(l->d.len, 1);
	assert_string_equal(l->d.items[0].code, code);
	return &l->d.items[0];
}

static void assert_pos(struct loaded *l, const char *pointer, int vline, int vcol, int kline,
                       int kcol)
{
	struct source_pos v, k;
	assert_true(source_map_get(l->map, pointer, &v, &k));
	assert_int_equal(v.line, vline);
	assert_int_equal(v.column, vcol);
	assert_int_equal(k.line, kline);
	assert_int_equal(k.column, kcol);
}

static void test_core_typing(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "n1: ~\nn2: null\nn3: NULL\nn4:\nt: true\nf: FALSE\ni: -12\np: +7\no: 0o17\n"
	         "x: 0xFf\nfl: 1.5\ne: 1e3\ndot: .5\ninf: .inf\nninf: -.Inf\nnan: .NaN\n"
	         "s: hello\nq: \"true\"\nsq: '12'\nblock: |\n  1\n");
	assert_int_equal(l.rc, 0);
	const char *nulls[] = {"n1", "n2", "n3", "n4"};
	for (size_t i = 0; i < 4; i++)
		assert_null(get(l.tree, nulls[i]));
	assert_true(json_object_get_boolean(get(l.tree, "t")));
	assert_true(json_object_is_type(get(l.tree, "f"), json_type_boolean));
	assert_false(json_object_get_boolean(get(l.tree, "f")));
	assert_true(json_object_is_type(get(l.tree, "i"), json_type_int));
	assert_int_equal(json_object_get_int64(get(l.tree, "i")), -12);
	assert_int_equal(json_object_get_int64(get(l.tree, "p")), 7);
	assert_int_equal(json_object_get_int64(get(l.tree, "o")), 15);
	assert_int_equal(json_object_get_int64(get(l.tree, "x")), 255);
	assert_true(json_object_is_type(get(l.tree, "fl"), json_type_double));
	assert_true(json_object_get_double(get(l.tree, "fl")) == 1.5);
	assert_true(json_object_is_type(get(l.tree, "e"), json_type_double));
	assert_true(json_object_get_double(get(l.tree, "e")) == 1000.0);
	assert_true(json_object_get_double(get(l.tree, "dot")) == 0.5);
	assert_true(isinf(json_object_get_double(get(l.tree, "inf"))));
	assert_true(json_object_get_double(get(l.tree, "ninf")) < 0);
	assert_true(isnan(json_object_get_double(get(l.tree, "nan"))));
	assert_string_equal(json_object_get_string(get(l.tree, "s")), "hello");
	assert_true(json_object_is_type(get(l.tree, "q"), json_type_string));
	assert_true(json_object_is_type(get(l.tree, "sq"), json_type_string));
	assert_string_equal(json_object_get_string(get(l.tree, "block")), "1\n");
	unload(&l);
}

static void test_tags(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "a: !!str 12\nb: !!int \"0x10\"\nc: !!float 3\nd: !!bool 'true'\ne: !!null ''\n"
	         "f: !local 12\ng: ! true\n");
	assert_int_equal(l.rc, 0);
	assert_string_equal(json_object_get_string(get(l.tree, "a")), "12");
	assert_int_equal(json_object_get_int64(get(l.tree, "b")), 16);
	assert_true(json_object_is_type(get(l.tree, "c"), json_type_double));
	assert_true(json_object_get_boolean(get(l.tree, "d")));
	assert_null(get(l.tree, "e"));
	assert_string_equal(json_object_get_string(get(l.tree, "f")), "12");
	assert_string_equal(json_object_get_string(get(l.tree, "g")), "true");
	unload(&l);

	load(&l, "a: !!int twelve\nb: !!bool maybe\n");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.len, 2);
	assert_string_equal(l.d.items[0].code, "yaml.bad-scalar");
	assert_int_equal(l.d.items[1].line, 2);
	unload(&l);
}

static void test_integer_range(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "big: 99999999999999999999\nmax: 9223372036854775807\n");
	assert_int_equal(l.rc, 0);
	assert_true(json_object_is_type(get(l.tree, "big"), json_type_double));
	assert_true(json_object_get_double(get(l.tree, "big")) == 1e20);
	assert_int_equal(json_object_get_int64(get(l.tree, "max")), INT64_MAX);
	unload(&l);

	load(&l, "h: 0x10000000000000000\n");
	const struct diag *e = only_error(&l, "yaml.bad-scalar");
	assert_non_null(strstr(e->message, "out of the 64-bit range"));
	unload(&l);
}

static void test_yaml11_rejections(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "a: yes\n");
	const struct diag *e = only_error(&l, "yaml.ambiguous-scalar");
	assert_string_equal(e->message, "'yes' is a boolean in YAML 1.1 and a string in YAML 1.2; "
	                                "quote it (\"yes\") or write true/false");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 4);
	assert_string_equal(e->pointer, "/a");
	assert_string_equal(e->file, "t.yaml");
	unload(&l);

	/* every look-alike is reported, not only the first */
	load(&l, "a: [No, ON, off, Y, n, yEs]\nmode: 0755\nt: 1:30:00\nm: 12:30\non: 1\n");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.len, 10);
	for (size_t i = 0; i < l.d.len; i++)
		assert_string_equal(l.d.items[i].code, "yaml.ambiguous-scalar");
	assert_string_equal(l.d.items[6].message,
	                    "'0755' is an octal number in YAML 1.1 and the decimal 755 in YAML "
	                    "1.2; write 0o755 or 755, or quote it");
	assert_string_equal(l.d.items[6].pointer, "/mode");
	assert_string_equal(l.d.items[7].message, "'1:30:00' is a base-60 number in YAML 1.1 and a "
	                                          "string in YAML 1.2; quote it (\"1:30:00\")");
	assert_non_null(strstr(l.d.items[8].message, "'12:30' is a base-60 number"));
	assert_non_null(strstr(l.d.items[9].message, "'on' is a boolean"));
	assert_string_equal(l.d.items[9].pointer, "/on"); /* keys too: 1.1 reads 'on:' as true */
	unload(&l);

	/* quoted, tagged, or YAML 1.2 spellings are fine; so are look-alikes that are not whole */
	load(&l, "a: \"yes\"\nb: !!str no\nc: 0o755\nd: 755\ne: '1:30:00'\nf: yesterday\n"
	         "g: 0\nh: 0.5\ni: 1:60\nj: true\n");
	assert_int_equal(l.rc, 0);
	assert_string_equal(json_object_get_string(get(l.tree, "b")), "no");
	assert_int_equal(json_object_get_int64(get(l.tree, "c")), 493);
	assert_int_equal(json_object_get_int64(get(l.tree, "g")), 0);
	assert_string_equal(json_object_get_string(get(l.tree, "i")), "1:60");
	unload(&l);

	/* with the check off, they load the YAML 1.2 way */
	struct yaml_load_options opt = yaml_load_defaults();
	opt.reject_yaml11 = false;
	load_opt(&l, "a: yes\nb: 0755\nc: 1:30:00\n", &opt);
	assert_int_equal(l.rc, 0);
	assert_string_equal(json_object_get_string(get(l.tree, "a")), "yes");
	assert_int_equal(json_object_get_int64(get(l.tree, "b")), 755);
	assert_string_equal(json_object_get_string(get(l.tree, "c")), "1:30:00");
	unload(&l);
}

static void test_merge_keys(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "x-a: &a {p: 1, q: 1, r: 1}\n"
	         "x-b: &b {q: 2, s: 2}\n"
	         "one: {<<: *a, q: 9}\n"
	         "list:\n  r: 7\n  <<: [*b, *a]\n"
	         "nested: {<<: {<<: *b, s: 3}, t: 4}\n");
	assert_int_equal(l.rc, 0);
	struct json_object *one = get(l.tree, "one");
	assert_int_equal(json_object_object_length(one), 3);
	assert_int_equal(json_object_get_int(get(one, "p")), 1);
	assert_int_equal(json_object_get_int(get(one, "q")), 9); /* explicit beats merged */
	struct json_object *list = get(l.tree, "list");
	assert_int_equal(json_object_object_length(list), 4);
	assert_int_equal(json_object_get_int(get(list, "r")), 7); /* explicit, even written first */
	assert_int_equal(json_object_get_int(get(list, "q")), 2); /* earlier in the list wins */
	assert_int_equal(json_object_get_int(get(list, "s")), 2);
	assert_int_equal(json_object_get_int(get(list, "p")), 1);
	struct json_object *nested = get(l.tree, "nested");
	assert_int_equal(json_object_get_int(get(nested, "s")), 3);
	assert_int_equal(json_object_get_int(get(nested, "q")), 2);
	assert_int_equal(json_object_get_int(get(nested, "t")), 4);
	assert_false(json_object_object_get_ex(nested, "<<", NULL));
	/* a merged value maps to where it is defined, under its new pointer */
	assert_pos(&l, "/one/p", 1, 13, 1, 10);
	unload(&l);

	load(&l, "a: &s 3\nb: {<<: *s}\n");
	const struct diag *e = only_error(&l, "yaml.bad-merge");
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 9);
	unload(&l);

	load(&l, "a: {'<<': 1}\n"); /* a quoted '<<' is an ordinary key */
	assert_int_equal(l.rc, 0);
	assert_int_equal(json_object_get_int(get(get(l.tree, "a"), "<<")), 1);
	unload(&l);
}

/* Merge keys are kept out of the duplicate-key index, which let a repeated one through. */
static void test_repeated_merge_key(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "x-a: &a {p: 1}\nx-b: &b {q: 2}\none: {<<: *a, r: 3, <<: *b}\n");
	const struct diag *e = only_error(&l, "yaml.duplicate-key");
	assert_string_equal(e->message, "duplicate key '<<' (first defined at 3:7); merge several "
	                                "mappings with one '<<: [*a, *b]'");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->column, 21);
	assert_string_equal(e->pointer, "/one/<<");
	unload(&l);

	/* a tagged merge key is the same key; a quoted '<<' is another one */
	load(&l, "x-a: &a {p: 1}\none:\n  <<: *a\n  !!merge <<: {q: 2}\n  '<<': 3\n");
	e = only_error(&l, "yaml.duplicate-key");
	assert_int_equal(e->line, 4);
	assert_int_equal(e->column, 3);
	unload(&l);
	load(&l, "x-a: &a {p: 1}\none: {<<: *a, '<<': 3}\n");
	assert_int_equal(l.rc, 0);
	assert_int_equal(json_object_get_int(get(get(l.tree, "one"), "<<")), 3);
	unload(&l);
}

static void test_aliases(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "base: &b\n  k: [1, 2]\ncopy: *b\n");
	assert_int_equal(l.rc, 0);
	struct json_object *copy = get(l.tree, "copy");
	assert_int_equal(json_object_array_length(get(copy, "k")), 2);
	/* a deep copy: the two subtrees are distinct objects */
	assert_ptr_not_equal(copy, get(l.tree, "base"));
	assert_pos(&l, "/copy", 3, 7, 3, 1);   /* the alias use site */
	assert_pos(&l, "/copy/k", 2, 6, 2, 3); /* descendants: the anchor's definition */
	assert_pos(&l, "/copy/k/1", 2, 10, 0, 0);
	unload(&l);

	load(&l, "a: 1\nb: *missing\nc: [*gone]\n");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.len, 2);
	assert_string_equal(l.d.items[0].code, "yaml.undefined-alias");
	assert_string_equal(l.d.items[0].message, "undefined alias 'missing'");
	assert_int_equal(l.d.items[0].line, 2);
	assert_int_equal(l.d.items[0].column, 4);
	assert_string_equal(l.d.items[0].pointer, "/b");
	assert_string_equal(l.d.items[1].pointer, "/c/0");
	unload(&l);

	load(&l, "a: &r [1, *r]\n");
	only_error(&l, "yaml.recursive-alias");
	unload(&l);
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "name: a\ncells: []\nx:\n  k: 1\n  k: 2\ncells: [1]\n");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.len, 2);
	diag_list_sort(&l.d);
	assert_string_equal(l.d.items[0].code, "yaml.duplicate-key");
	assert_string_equal(l.d.items[0].message, "duplicate key 'k' (first defined at 4:3)");
	assert_int_equal(l.d.items[0].line, 5);
	assert_int_equal(l.d.items[0].column, 3);
	assert_string_equal(l.d.items[0].pointer, "/x/k");
	assert_string_equal(l.d.items[1].message, "duplicate key 'cells' (first defined at 2:1)");
	assert_int_equal(l.d.items[1].line, 6);
	assert_int_equal(l.d.items[1].column, 1);
	unload(&l);

	/* a key repeated three times names the first definition twice; 1 and "1" are one key */
	load(&l, "{a: 1, a: 2, a: 3, 1: x, '1': z}");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.len, 3);
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(l.d.items[i].message,
		                    "duplicate key 'a' (first defined at 1:2)");
	assert_string_equal(l.d.items[2].message, "duplicate key '1' (first defined at 1:20)");
	unload(&l);
}

static void test_keys(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "1: one\ntrue: yes-ish\nnull: nil\n~: tilde\nx-anchors: {a: 1}\n");
	assert_int_equal(l.rc, 0);
	assert_string_equal(json_object_get_string(get(l.tree, "1")), "one");
	assert_string_equal(json_object_get_string(get(l.tree, "true")), "yes-ish");
	assert_string_equal(json_object_get_string(get(l.tree, "null")), "nil");
	assert_string_equal(json_object_get_string(get(l.tree, "~")), "tilde");
	/* x- keys are ordinary here; the matrix layer decides what they mean */
	assert_int_equal(json_object_get_int(get(get(l.tree, "x-anchors"), "a")), 1);
	unload(&l);

	load(&l, "? [a, b]\n: c\n");
	const struct diag *e = only_error(&l, "yaml.complex-key");
	assert_string_equal(e->message, "mapping keys must be scalars, not sequences");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 3);
	unload(&l);
}

static void test_documents(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "a: 1\n---\nb: 2\n");
	const struct diag *e = only_error(&l, "yaml.multi-document");
	assert_string_equal(e->message, "multiple documents in one file; tare reads one");
	assert_int_equal(e->line, 2);
	unload(&l);

	const char *empties[] = {"", "# only a comment\n", "\n\n"};
	for (size_t i = 0; i < 3; i++) {
		load(&l, empties[i]);
		assert_string_equal(only_error(&l, "yaml.empty")->message, "empty document");
		unload(&l);
	}

	/* one explicit document, and a document that is only null, are fine */
	load(&l, "---\na: 1\n...\n");
	assert_int_equal(l.rc, 0);
	unload(&l);
	load(&l, "~\n");
	assert_int_equal(l.rc, 0);
	assert_null(l.tree);
	assert_non_null(l.map);
	unload(&l);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "a: 1\nb: \"caf\xc3\xa9 \xc3\x28\"\n");
	const struct diag *e = only_error(&l, "yaml.invalid-utf8");
	assert_string_equal(e->message, "invalid UTF-8 at byte offset 15");
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 10);
	unload(&l);

	/* a UTF-8 byte order mark is allowed and takes no column; a UTF-16 one is not UTF-8 */
	load(&l, "\xef\xbb\xbf"
	         "a: 1\nb: x\n");
	assert_int_equal(l.rc, 0);
	assert_pos(&l, "/a", 1, 4, 1, 1);
	unload(&l);
	load(&l, "\xff\xfe"
	         "a\0:\0 \0"
	         "1\0");
	assert_string_equal(only_error(&l, "yaml.invalid-utf8")->message,
	                    "invalid UTF-8 at byte offset 0");
	unload(&l);

	/* overlong forms and surrogates are not UTF-8 either */
	load(&l, "a: \xc0\xaf\n");
	assert_string_equal(only_error(&l, "yaml.invalid-utf8")->message,
	                    "invalid UTF-8 at byte offset 3");
	unload(&l);
	load(&l, "a: \xed\xa0\x80\n");
	only_error(&l, "yaml.invalid-utf8");
	unload(&l);
}

/* A NUL would end the C string that carries the text on (json-c keys, argv, patterns). */
static void test_nul(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "cell:\n  \"kernel_events\\0zz\": 5\n");
	const struct diag *e = only_error(&l, "yaml.nul");
	assert_string_equal(
	    e->message, "scalar has a NUL character (\\0) at offset 13, which would cut it short");
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 3);
	assert_string_equal(e->pointer, "/cell/kernel_events");
	unload(&l);

	/* in a value, written as JSON writes it */
	load(&l, "{\"command\": [\"sh\", \"-c\\u0000junk\"], \"match\": \"a\\x00b\"}");
	assert_int_equal(l.rc, -1);
	assert_int_equal(l.d.len, 2);
	assert_string_equal(l.d.items[0].code, "yaml.nul");
	assert_string_equal(l.d.items[0].pointer, "/command/1");
	assert_int_equal(l.d.items[0].column, 20);
	assert_string_equal(l.d.items[1].code, "yaml.nul");
	assert_string_equal(l.d.items[1].pointer, "/match");
	unload(&l);

	/* single quotes have no escapes: '\0' is a backslash and a zero */
	load(&l, "a: '\\0'\n");
	assert_int_equal(l.rc, 0);
	assert_string_equal(json_object_get_string(get(l.tree, "a")), "\\0");
	unload(&l);
}

/* Loads len bytes of text, which may hold NUL bytes, and returns its only error. */
static const struct diag *only_error_of(struct loaded *l, const char *text, size_t len,
                                        const char *code)
{
	diag_list_init(&l->d);
	l->tree = NULL;
	l->map = NULL;
	l->rc = yaml_load_buffer("t.yaml", text, len, NULL, &l->tree, &l->map, &l->d);
	return only_error(l, code);
}

/* libyaml's reader reports raw control characters by byte offset only. */
static void test_control_characters(void **state)
{
	(void)state;
	struct loaded l;
	static const char ctl[] = "name: a\x01"
	                          "b\n";
	const struct diag *e = only_error_of(&l, ctl, sizeof(ctl) - 1, "yaml.control-character");
	assert_string_equal(e->message, "control character U+0001 is not allowed; in a "
	                                "double-quoted scalar, write it as an escape");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 8);
	unload(&l);

	/* a raw NUL, after a byte order mark (no column) and on a later line */
	static const char nul[] = "\xef\xbb\xbf"
	                          "a: 1\nb: [x, \"y\0z\"]\n";
	e = only_error_of(&l, nul, sizeof(nul) - 1, "yaml.control-character");
	assert_non_null(strstr(e->message, "U+0000"));
	assert_int_equal(e->line, 2);
	assert_int_equal(e->column, 10);
	unload(&l);

	/* a C1 control after a two-byte character: columns count characters */
	static const char c1[] = "\xc3\xa9: \xc2\x80\n";
	e = only_error_of(&l, c1, sizeof(c1) - 1, "yaml.control-character");
	assert_non_null(strstr(e->message, "U+0080"));
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 4);
	unload(&l);

	/* invalid UTF-8 after a byte order mark is placed the same way */
	static const char bad[] = "\xef\xbb\xbf"
	                          "a: \xc3\x28\n";
	e = only_error_of(&l, bad, sizeof(bad) - 1, "yaml.invalid-utf8");
	assert_int_equal(e->line, 1);
	assert_int_equal(e->column, 4);
	unload(&l);
}

static void test_syntax_error(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "a: 1\nb: {c: 2\n");
	const struct diag *e = only_error(&l, "yaml.syntax");
	assert_int_equal(e->line, 3);
	assert_non_null(strstr(e->message, "while parsing a flow mapping that starts at 2:4"));
	unload(&l);

	load(&l, "a: 1\nb: 2\n  c: 3\n");
	e = only_error(&l, "yaml.syntax");
	assert_int_equal(e->line, 3);
	assert_int_equal(e->column, 4);
	unload(&l);
}

static void test_depth_cap(void **state)
{
	(void)state;
	struct loaded l;
	size_t n = 100000;
	char *deep = malloc(2 * n + 1);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	load(&l, deep);
	const struct diag *e = only_error(&l, "yaml.too-deep");
	assert_string_equal(e->message, "nesting exceeds 64 levels");
	assert_int_equal(e->column, 65);
	unload(&l);
	free(deep);

	/* 64 levels are allowed, 65 are not */
	struct strbuf sb;
	strbuf_init(&sb);
	for (int i = 0; i < 64; i++)
		strbuf_addch(&sb, '[');
	for (int i = 0; i < 64; i++)
		strbuf_addch(&sb, ']');
	load(&l, sb.buf);
	assert_int_equal(l.rc, 0);
	unload(&l);
	strbuf_release(&sb);

	/* an alias counts with the depth of what it refers to */
	struct yaml_load_options opt = yaml_load_defaults();
	opt.max_depth = 3;
	load_opt(&l, "a: &a [[1]]\nb: [[*a]]\n", &opt);
	e = only_error(&l, "yaml.too-deep");
	assert_string_equal(e->message, "nesting exceeds 3 levels through alias 'a'");
	unload(&l);
}

static void test_billion_laughs(void **state)
{
	(void)state;
	struct loaded l;
	load(&l, "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	         "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	         "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	         "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	         "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	         "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	         "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	         "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
	         "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]\n");
	const struct diag *e = only_error(&l, "yaml.too-many-nodes");
	assert_string_equal(e->message, "alias expansion exceeds 1000000 nodes");
	assert_int_equal(e->line, 6);
	unload(&l);

	/* the same shape under the cap loads, and expands */
	struct yaml_load_options opt = yaml_load_defaults();
	load_opt(&l, "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b]\n", &opt);
	assert_int_equal(l.rc, 0);
	assert_int_equal(json_object_array_length(get(l.tree, "c")), 2);
	unload(&l);
	opt.max_nodes = 10;
	load_opt(&l, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", &opt);
	assert_string_equal(only_error(&l, "yaml.too-many-nodes")->message,
	                    "document exceeds 10 nodes");
	unload(&l);
}

static void test_scalar_and_file_caps(void **state)
{
	(void)state;
	struct loaded l;
	struct yaml_load_options opt = yaml_load_defaults();
	opt.max_scalar_bytes = 8;
	load_opt(&l, "a: 12345678\nb: \"123456789\"\n", &opt);
	const struct diag *e = only_error(&l, "yaml.scalar-too-large");
	assert_string_equal(e->message, "scalar of 9 bytes exceeds 8 bytes");
	assert_int_equal(e->line, 2);
	unload(&l);

	opt = yaml_load_defaults();
	opt.max_file_bytes = 16;
	load_opt(&l, "a: 1\nb: 2\nc: 3\nd: 4\n", &opt);
	only_error(&l, "yaml.file-too-large");
	unload(&l);

	char path[] = "/tmp/tare-yaml-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "a: [1, 2, 3]\nb: {c: d}\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);

	diag_list_init(&l.d);
	l.rc = yaml_load_file(path, &opt, &l.tree, &l.map, &l.d);
	e = only_error(&l, "yaml.file-too-large");
	assert_string_equal(e->message, "file of 23 bytes exceeds 16 bytes");
	unload(&l);

	diag_list_init(&l.d);
	l.rc = yaml_load_file(path, NULL, &l.tree, &l.map, &l.d);
	assert_int_equal(l.rc, 0);
	assert_string_equal(json_object_get_string(get(get(l.tree, "b"), "c")), "d");
	assert_string_equal(source_map_file(l.map), path);
	unload(&l);
	unlink(path);

	diag_list_init(&l.d);
	l.rc = yaml_load_file("/nonexistent/tare.yaml", NULL, &l.tree, &l.map, &l.d);
	only_error(&l, "io.read");
	unload(&l);
}

static void test_source_map(void **state)
{
	(void)state;
	struct loaded l;
	/* columns count characters: 'é' and '日本' are 2 and 6 bytes but 1 and 2 columns */
	load(&l, "name: tare\n"
	         "é: {日本: [x, \"y\"], z: 1}\n"
	         "list:\n"
	         "  - a\n"
	         "  - k: v\n"
	         "    m:\n"
	         "      - 1\n"
	         "\"quoted/key~\": 2\n");
	assert_int_equal(l.rc, 0);
	assert_pos(&l, "", 1, 1, 0, 0);
	assert_pos(&l, "/name", 1, 7, 1, 1);
	assert_pos(&l, "/é", 2, 4, 2, 1);
	assert_pos(&l, "/é/日本", 2, 9, 2, 5);
	assert_pos(&l, "/é/日本/0", 2, 10, 0, 0);
	assert_pos(&l, "/é/日本/1", 2, 13, 0, 0);
	assert_pos(&l, "/é/z", 2, 22, 2, 19);
	assert_pos(&l, "/list", 4, 3, 3, 1);
	assert_pos(&l, "/list/0", 4, 5, 0, 0);
	assert_pos(&l, "/list/1", 5, 5, 0, 0);
	assert_pos(&l, "/list/1/k", 5, 8, 5, 5);
	assert_pos(&l, "/list/1/m/0", 7, 9, 0, 0);
	assert_pos(&l, "/quoted~1key~0", 8, 16, 8, 1);
	unload(&l);

	/* map may be NULL when the caller does not want positions */
	struct yaml_load_options opt = yaml_load_defaults();
	struct json_object *tree = NULL;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(yaml_load_buffer("t", "a: 1", 4, &opt, &tree, NULL, &d), 0);
	assert_int_equal(json_object_get_int(get(tree, "a")), 1);
	json_object_put(tree);
	diag_list_release(&d);
}

static void test_defaults(void **state)
{
	(void)state;
	struct yaml_load_options o = yaml_load_defaults();
	assert_int_equal(o.max_file_bytes, 1024 * 1024);
	assert_int_equal(o.max_depth, 64);
	assert_int_equal(o.max_nodes, 1000000);
	assert_int_equal(o.max_scalar_bytes, 64 * 1024);
	assert_true(o.reject_yaml11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_core_typing),
	    cmocka_unit_test(test_tags),
	    cmocka_unit_test(test_integer_range),
	    cmocka_unit_test(test_yaml11_rejections),
	    cmocka_unit_test(test_merge_keys),
	    cmocka_unit_test(test_aliases),
	    cmocka_unit_test(test_repeated_merge_key),
	    cmocka_unit_test(test_duplicate_keys),
	    cmocka_unit_test(test_keys),
	    cmocka_unit_test(test_documents),
	    cmocka_unit_test(test_invalid_utf8),
	    cmocka_unit_test(test_nul),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_syntax_error),
	    cmocka_unit_test(test_depth_cap),
	    cmocka_unit_test(test_billion_laughs),
	    cmocka_unit_test(test_scalar_and_file_caps),
	    cmocka_unit_test(test_source_map),
	    cmocka_unit_test(test_defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
