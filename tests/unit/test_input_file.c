/* Unit tests for reading input files: regular files only, the caps, and the line reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/input_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tare-input-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *write_file(const char *name, const char *text, size_t len)
{
	char *path = NULL;
	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	return path;
}

static void expect_not_regular(const char *path, const char *kind)
{
	struct diag_list d;
	diag_list_init(&d);
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(input_read(path, 1024, "test.too-large", &buf, &len, &d), -1);
	assert_null(buf);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "io.not-regular");
	assert_string_equal(d.items[0].file, path);
	assert_non_null(strstr(d.items[0].message, "not a regular file"));
	assert_non_null(strstr(d.items[0].message, kind));
	struct input_lines r;
	assert_int_equal(input_lines_open(&r, path, 64, &d), -1);
	assert_int_equal(d.len, 2);
	assert_string_equal(d.items[1].code, "io.not-regular");
	diag_list_release(&d);
}

static void test_not_regular(void **state)
{
	(void)state;
	expect_not_regular(dir, "a directory");
	expect_not_regular("/dev/zero", "a character device");
	/* a FIFO with no writer: opening it for reading would block forever */
	char *fifo = NULL;
	assert_true(asprintf(&fifo, "%s/fifo.json", dir) > 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	expect_not_regular(fifo, "a FIFO");
	free(fifo);
}

static void test_read_and_cap(void **state)
{
	(void)state;
	char *path = write_file("doc.json", "{\"a\": 1}\n", 9);
	struct diag_list d;
	diag_list_init(&d);
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(input_read(path, 9, "test.too-large", &buf, &len, &d), 0);
	assert_int_equal(len, 9);
	assert_string_equal(buf, "{\"a\": 1}\n");
	free(buf);
	assert_int_equal(input_read(path, 8, "test.too-large", &buf, &len, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "test.too-large");
	assert_int_equal(input_read("/nonexistent/x.json", 8, "t", &buf, &len, &d), -1);
	assert_string_equal(d.items[1].code, "io.read");
	diag_list_release(&d);
	free(path);
}

static void test_lines(void **state)
{
	(void)state;
	char *path = write_file("lines.jsonl", "one\n\nthree\nfour-without-newline", 31);
	struct diag_list d;
	diag_list_init(&d);
	struct input_lines r;
	assert_int_equal(input_lines_open(&r, path, 32, &d), 0);
	const char *line;
	size_t len;
	bool complete;
	const char *want[] = {"one\n", "\n", "three\n", "four-without-newline"};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(input_lines_next(&r, &line, &len, &complete, &d), 1);
		assert_int_equal(len, strlen(want[i]));
		assert_memory_equal(line, want[i], len);
		assert_int_equal(complete, i < 3);
		assert_int_equal(r.lineno, (int)i + 1);
	}
	assert_int_equal(input_lines_next(&r, &line, &len, &complete, &d), 0);
	input_lines_release(&r);
	assert_int_equal(d.len, 0);
	free(path);
}

/* A line over the cap is an error at its line number, however the reads fall. */
static void test_line_cap(void **state)
{
	(void)state;
	size_t n = 200000;
	char *text = malloc(n);
	memset(text, 'x', n);
	memcpy(text, "ok\n", 3);
	char *path = write_file("long.jsonl", text, n);
	struct diag_list d;
	diag_list_init(&d);
	struct input_lines r;
	assert_int_equal(input_lines_open(&r, path, 100000, &d), 0);
	const char *line;
	size_t len;
	bool complete;
	assert_int_equal(input_lines_next(&r, &line, &len, &complete, &d), 1);
	assert_int_equal(input_lines_next(&r, &line, &len, &complete, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "io.line-too-long");
	assert_int_equal(d.items[0].line, 2);
	input_lines_release(&r);
	/* exactly at the cap is fine, with or without its newline */
	assert_int_equal(input_lines_open(&r, path, n - 3, &d), 0);
	assert_int_equal(input_lines_next(&r, &line, &len, &complete, &d), 1);
	assert_int_equal(input_lines_next(&r, &line, &len, &complete, &d), 1);
	assert_int_equal(len, n - 3);
	assert_false(complete);
	input_lines_release(&r);
	assert_int_equal(d.len, 1);
	diag_list_release(&d);
	free(text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_not_regular),
	    cmocka_unit_test(test_read_and_cap),
	    cmocka_unit_test(test_lines),
	    cmocka_unit_test(test_line_cap),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
