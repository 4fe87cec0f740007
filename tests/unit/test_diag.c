/* Unit tests of diagnostic printing: the cap on how many are shown, the window on long source
 * lines, control characters in echoed lines, and files that cannot be echoed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/diag.h"

/* A scratch directory per test binary run, removed at the end. */
static char scratch[64];

static int make_scratch(void **state)
{
	(void)state;
	snprintf(scratch, sizeof(scratch), "/tmp/tare-test-diag-XXXXXX");
	return mkdtemp(scratch) ? 0 : -1;
}

static int remove_scratch(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to a new file in the scratch directory; returns its path (static buffer). */
static const char *write_file(const char *name, const char *text)
{
	static char path[128];
	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* diag_print_text into a new string (caller frees). */
static char *print(const struct diag_list *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	diag_print_text(out, d);
	fclose(out);
	return buf;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Line k (0-based) of text, copied into a new string (caller frees). */
static char *nth_line(const char *text, size_t k)
{
	for (; k > 0; k--) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	const char *end = strchr(text, '\n');
	return strndup(text, end ? (size_t)(end - text) : strlen(text));
}

/* The character (as a string of its bytes) at 0-based character index i of a UTF-8 line. */
static char *char_at(const char *line, size_t i)
{
	const char *p = line;
	for (;;) {
		size_t n = 1;
		while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		if (i-- == 0)
			return strndup(p, n);
		assert_true(*p);
		p += n;
	}
}

/* Index in characters of the caret on a caret line (its padding is one byte per column). */
static size_t caret_index(const char *caret_line)
{
	const char *c = strchr(caret_line, '^');
	assert_non_null(c);
	return (size_t)(c - caret_line);
}

static size_t count_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void add_errors(struct diag_list *d, size_t n, const char *file)
{
	for (size_t i = 0; i < n; i++)
		diag_error(d, "test.flood", &(struct diag_loc){file, 0, 0, NULL}, "error %zu", i);
}

static void test_text_cap(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	add_errors(&d, DIAG_MAX_SHOWN - 1, NULL);
	diag_error(&d, "test.last", NULL, "the last one shown");
	diag_note(&d, NULL, "its note is shown with it");
	diag_error(&d, "test.first-hidden", NULL, "not shown");
	diag_note(&d, NULL, "nor its note");
	add_errors(&d, 499, NULL);
	char *out = print(&d);
	/* 1000 errors, one note, then the count of the other 500 */
	assert_int_equal(count_lines(out), DIAG_MAX_SHOWN + 2);
	assert_non_null(strstr(out, "its note is shown with it"));
	assert_null(strstr(out, "not shown (test"));
	assert_null(strstr(out, "nor its note"));
	char *last = nth_line(out, DIAG_MAX_SHOWN + 1);
	assert_string_equal(last, "tare: note: 500 more errors not shown (diag.not-shown)");
	free(last);
	free(out);

	/* at the cap exactly, nothing is announced */
	diag_list_release(&d);
	add_errors(&d, DIAG_MAX_SHOWN, NULL);
	out = print(&d);
	assert_int_equal(count_lines(out), DIAG_MAX_SHOWN);
	assert_null(strstr(out, "not shown"));
	free(out);
	diag_list_release(&d);
}

static void test_json_cap(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	add_errors(&d, DIAG_MAX_SHOWN + 1, "f.yaml");
	diag_warning(&d, "test.warn", NULL, "a warning");
	diag_warning(&d, "test.warn", NULL, "another");
	struct json_object *arr = diag_list_to_json(&d);
	assert_int_equal(json_object_array_length(arr), DIAG_MAX_SHOWN + 1);
	struct json_object *last = json_object_array_get_idx(arr, DIAG_MAX_SHOWN), *v;
	assert_true(json_object_object_get_ex(last, "code", &v));
	assert_string_equal(json_object_get_string(v), "diag.not-shown");
	assert_true(json_object_object_get_ex(last, "severity", &v));
	assert_string_equal(json_object_get_string(v), "note");
	assert_true(json_object_object_get_ex(last, "message", &v));
	assert_string_equal(json_object_get_string(v),
	                    "3 more errors and warnings not shown (1 errors, 2 warnings)");
	json_object_put(arr);
	diag_list_release(&d);
}

/* Echoes the diagnostic at line:column of file and checks the excerpt: its markers, its width and
 * that the caret is under the character `expect`. */
static void check_excerpt(const char *file, int line, int column, bool lead, bool trail,
                          const char *expect)
{
	struct diag_list d;
	diag_list_init(&d);
	diag_error(&d, "test.here", &(struct diag_loc){file, line, column, NULL}, "here");
	char *out = print(&d);
	assert_int_equal(count_lines(out), 3);
	char *src = nth_line(out, 1), *caret = nth_line(out, 2);
	assert_int_equal(strncmp(src + 2, "…", strlen("…")) == 0, lead);
	size_t n = strlen(src);
	assert_int_equal(n >= strlen("…") && strcmp(src + n - strlen("…"), "…") == 0, trail);
	assert_true(count_chars(src) <= 2 + DIAG_CONTEXT_COLUMNS + 2);
	char *under = char_at(src, caret_index(caret));
	assert_string_equal(under, expect);
	free(under);
	free(src);
	free(caret);
	free(out);
	diag_list_release(&d);
}

static void test_long_line_window(void **state)
{
	(void)state;
	/* 2000 characters, two bytes each after the first 10, with markers at known columns */
	char *text = malloc(8192);
	assert_non_null(text);
	size_t k = 0;
	for (int col = 1; col <= 2000; col++) {
		const char *ch = col <= 10 ? "a" : "é";
		if (col == 5)
			ch = "S";
		else if (col == 74)
			ch = "T";
		else if (col == 900)
			ch = "M";
		else if (col == 1999)
			ch = "E";
		k += (size_t)sprintf(text + k, "%s", ch);
	}
	strcpy(text + k, "\nshort: line\n");
	const char *path = write_file("long.yaml", text);
	free(text);

	check_excerpt(path, 1, 5, false, true, "S");
	check_excerpt(path, 1, 74, false, true, "T");
	check_excerpt(path, 1, 900, true, true, "M");
	check_excerpt(path, 1, 1999, true, false, "E");
	/* a short line is shown whole */
	check_excerpt(path, 2, 8, false, false, "l");

	/* several diagnostics on the line, in and out of column order */
	struct diag_list d;
	diag_list_init(&d);
	const int cols[] = {5, 900, 1999, 900, 74, 5};
	const char *under[] = {"S", "M", "E", "M", "T", "S"};
	for (size_t i = 0; i < 6; i++)
		diag_error(&d, "test.here", &(struct diag_loc){path, 1, cols[i], NULL}, "here");
	char *out = print(&d);
	assert_int_equal(count_lines(out), 18);
	for (size_t i = 0; i < 6; i++) {
		char *src = nth_line(out, 3 * i + 1), *caret = nth_line(out, 3 * i + 2);
		char *ch = char_at(src, caret_index(caret));
		assert_string_equal(ch, under[i]);
		free(ch);
		free(src);
		free(caret);
	}
	free(out);
	diag_list_release(&d);
}

static void test_control_characters_not_echoed(void **state)
{
	(void)state;
	const char *path = write_file("ctl.yaml", "a: \x1b[2Jx\x07y\tz\n");
	check_excerpt(path, 1, 12, false, false, "z");
	struct diag_list d;
	diag_list_init(&d);
	diag_error(&d, "test.here", &(struct diag_loc){path, 1, 4, NULL}, "here");
	char *out = print(&d);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\x07'));
	char *src = nth_line(out, 1);
	assert_string_equal(src, "  a: ?[2Jx?y\tz");
	free(src);
	free(out);
	diag_list_release(&d);

	/* nor through a message or a pointer quoting an escaped key; a note's log keeps its lines
	 */
	diag_error(&d, "test.key", &(struct diag_loc){NULL, 0, 0, "/\x1b[2J"}, "key '\x1b[2J'");
	diag_note(&d, NULL, "log:\nline");
	out = print(&d);
	assert_string_equal(out, "tare: error: key '?[2J' [/?[2J] (test.key)\n"
	                         "tare: note: log:\nline\n");
	free(out);
	diag_list_release(&d);
}

/* Sorted diagnostics read each file once front to back; out of order ones still find their lines,
 * and a file that is not a regular file (a FIFO would block) is not echoed. */
static void test_source_lines(void **state)
{
	(void)state;
	char a[128], b[128], fifo[128];
	snprintf(a, sizeof(a), "%s", write_file("a.yaml", "one\ntwo\nthree\n"));
	snprintf(b, sizeof(b), "%s", write_file("b.yaml", "uno\r\ndos\r\n"));
	snprintf(fifo, sizeof(fifo), "%s/fifo.yaml", scratch);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	struct diag_list d;
	diag_list_init(&d);
	const struct {
		const char *file;
		int line;
	} at[] = {{a, 1}, {a, 3}, {b, 2}, {a, 2}, {a, 9}, {fifo, 1}, {b, 1}};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		diag_error(&d, "test.here", &(struct diag_loc){at[i].file, at[i].line, 1, NULL},
		           "here");
	char *out = print(&d);
	const char *want[] = {"  one", "  three", "  dos", "  two", "  uno"};
	size_t w = 0;
	for (size_t i = 0; i < count_lines(out); i++) {
		char *line = nth_line(out, i);
		if (line[0] == ' ' && line[2] != '^') {
			assert_true(w < sizeof(want) / sizeof(want[0]));
			assert_string_equal(line, want[w++]);
		}
		free(line);
	}
	assert_int_equal(w, sizeof(want) / sizeof(want[0]));
	free(out);
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_cap),
	    cmocka_unit_test(test_json_cap),
	    cmocka_unit_test(test_long_line_window),
	    cmocka_unit_test(test_control_characters_not_echoed),
	    cmocka_unit_test(test_source_lines),
	};
	return cmocka_run_group_tests(tests, make_scratch, remove_scratch);
}
