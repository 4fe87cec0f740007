/* Unit tests for the independent span-event counter: our own exporter's output, hand-written OTLP
 * lines from other producers' shapes, and malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "workload/otlp_export.h"
#include "run/span_count.h"
#include "workload/span_tracer.h"
#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/tare-spancount-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Counts text as a file; returns span_count_file's result, leaves diagnostics in d. */
static int count_text(const char *text, struct span_counts *c, struct diag_list *d)
{
	char *path = write_temp(text);
	int rc = span_count_file(path, c, d);
	unlink(path);
	free(path);
	return rc;
}

static void test_own_output(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	char path[] = "/tmp/tare-spancount-own-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	for (int k = 0; k < 2; k++) {
		struct span_tracer *t = span_tracer_new("workload", 128, &d);
		for (int i = 0; i < 500; i++)
			span_tracer_add_event(t, i);
		span_tracer_end(t);
		assert_int_equal(otlp_export_fd(t, fd, path, &d), 0);
		span_tracer_free(t);
	}
	close(fd);
	struct span_counts c;
	assert_int_equal(span_count_file(path, &c, &d), 0);
	assert_int_equal(c.lines, 2);
	assert_int_equal(c.spans, 2);
	assert_int_equal(c.events_retained, 256);
	assert_int_equal(c.events_dropped, 744);
	assert_int_equal(d.len, 0);
	unlink(path);
	diag_list_release(&d);
}

static void test_hand_written(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct span_counts c;
	const char *text =
	    /* two resources, one with two scopes; a span without events; droppedEventsCount as a
	     * string the way a protobuf JSON printer of an older SDK wrote it */
	    "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"spans\":[{\"name\":\"a\","
	    "\"events\":[{\"name\":\"e\"},{\"name\":\"e\"}],\"droppedEventsCount\":3}]},"
	    "{\"scope\":{\"name\":\"x\"},\"spans\":[{\"name\":\"b\"}]}]},"
	    "{\"scopeSpans\":[{\"spans\":[{\"events\":[{}],\"droppedEventsCount\":\"7\"}]}]}]}\n"
	    "\n"
	    "   \n"
	    /* an empty TracesData is valid */
	    "{}\n"
	    /* pre-0.19 producers */
	    "{\"resourceSpans\":[{\"instrumentationLibrarySpans\":[{\"spans\":[{\"events\":[{},{},"
	    "{}]}]}]}]}\r\n"
	    /* null arrays count as empty; no trailing newline at the end of the file */
	    "{\"resourceSpans\":[{\"scopeSpans\":null}]}";
	assert_int_equal(count_text(text, &c, &d), 0);
	assert_int_equal(c.lines, 4);
	assert_int_equal(c.spans, 4);
	assert_int_equal(c.events_retained, 6);
	assert_int_equal(c.events_dropped, 10);
	assert_int_equal(d.len, 0);

	assert_int_equal(count_text("", &c, &d), 0);
	assert_int_equal(c.lines, 0);
	assert_int_equal(c.spans, 0);
	diag_list_release(&d);
}

/* Expects text to fail with exactly one error of code at line, whose pointer is pointer (or no
 * pointer check when NULL). */
static void expect_error(const char *text, const char *code, int line, const char *pointer)
{
	struct diag_list d;
	diag_list_init(&d);
	struct span_counts c;
	assert_int_equal(count_text(text, &c, &d), -1);
	assert_int_equal(diag_error_count(&d), 1);
	assert_string_equal(d.items[0].code, code);
	assert_int_equal(d.items[0].line, line);
	if (pointer)
		assert_string_equal(d.items[0].pointer, pointer);
	diag_list_release(&d);
}

static void test_malformed(void **state)
{
	(void)state;
	const char *good = "{\"resourceSpans\":[]}\n";
	char buf[512];
	snprintf(buf, sizeof(buf), "%s{\"resourceSpans\":[\n", good);
	expect_error(buf, "trace.unparsable", 2, NULL); /* truncated line */
	snprintf(buf, sizeof(buf), "%s%s{} {}\n", good, good);
	expect_error(buf, "trace.unparsable", 3, NULL); /* two documents on a line */
	expect_error("{\"resourceSpans\":[],}\n", "trace.unparsable", 1, NULL);
	/* what json-c's strict mode still lets through is rejected too */
	expect_error(
	    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"droppedEventsCount\":NaN}]}"
	    "]}]}\n",
	    "trace.unparsable", 1, NULL);
	expect_error("{'resourceSpans':[]}\n", "trace.unparsable", 1, NULL);
	expect_error("{\"resourceSpans\":[],\"x\":\"a\tb\"}\n", "trace.unparsable", 1, NULL);
	expect_error("[1,2]\n", "trace.shape", 1, "");
	expect_error("5", "trace.shape", 1, ""); /* a bare number at the end of the file */
	expect_error("null\n", "trace.shape", 1, "");
	expect_error("{\"resourceSpans\":{}}\n", "trace.shape", 1, "/resourceSpans");
	expect_error("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"events\":{}}]}]}]}\n",
	             "trace.shape", 1, "/resourceSpans/0/scopeSpans/0/spans/0/events");
	expect_error(
	    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{},{\"droppedEventsCount\":-1}]}"
	    "]}]}\n",
	    "trace.shape", 1, "/resourceSpans/0/scopeSpans/0/spans/1/droppedEventsCount");
	expect_error(
	    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"droppedEventsCount\":1.5}]}"
	    "]}]}\n",
	    "trace.shape", 1, NULL);
	expect_error("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"droppedEventsCount\":"
	             "\"4294967296\"}]}]}]}\n",
	             "trace.shape", 1, NULL);
	expect_error("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"droppedEventsCount\":"
	             "\"x\"}]}]}]}\n",
	             "trace.shape", 1, NULL);
	expect_error("{\"resourceSpans\":[7]}\n", "trace.shape", 1, "/resourceSpans/0");
	/* an event is an object, and its dropped attributes are counted like the span's */
	expect_error("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"events\":[{},1]}]}]}]}\n",
	             "trace.shape", 1, "/resourceSpans/0/scopeSpans/0/spans/0/events/1");
	expect_error("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"events\":[{"
	             "\"droppedAttributesCount\":-2}]}]}]}]}\n",
	             "trace.shape", 1,
	             "/resourceSpans/0/scopeSpans/0/spans/0/events/0/droppedAttributesCount");
	expect_error("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"droppedLinksCount\":"
	             "true}]}]}]}\n",
	             "trace.shape", 1, "/resourceSpans/0/scopeSpans/0/spans/0/droppedLinksCount");

	struct diag_list d;
	diag_list_init(&d);
	struct span_counts c;
	assert_int_equal(span_count_file("/nonexistent/tare/spans.jsonl", &c, &d), -1);
	assert_string_equal(d.items[0].code, "trace.missing");
	diag_list_release(&d);
}

/* Every bad line is reported (not just the first), and bad lines add nothing. */
static void test_all_bad_lines_reported(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct span_counts c;
	const char *text =
	    "x\n"
	    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"events\":[{}]}]}]}]}\n"
	    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"events\":[{}]},7]}]}]}\n"
	    "y\n";
	assert_int_equal(count_text(text, &c, &d), -1);
	assert_int_equal(diag_error_count(&d), 3);
	assert_int_equal(d.items[0].line, 1);
	assert_int_equal(d.items[1].line, 3);
	assert_int_equal(d.items[2].line, 4);
	assert_int_equal(c.lines, 1);
	assert_int_equal(c.events_retained, 1); /* line 3's first span is not counted */
	diag_list_release(&d);

	/* a flood of garbage stops after ten errors */
	char flood[4096] = "";
	for (int i = 0; i < 50; i++)
		strcat(flood, "garbage\n");
	diag_list_init(&d);
	assert_int_equal(count_text(flood, &c, &d), -1);
	assert_int_equal(diag_error_count(&d), 10);
	diag_list_release(&d);
}

/* A NUL byte ends json-c's input: the text after it must not slip through unread. */
static void test_nul_byte(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct span_counts c = {0};
	assert_int_equal(span_count_line("t", 1, "{}\0x", 4, &c, &d), -1);
	assert_int_equal(span_count_line("t", 2, "{}\0", 3, &c, &d), -1);
	assert_int_equal(diag_error_count(&d), 2);
	assert_string_equal(d.items[0].code, "trace.unparsable");
	assert_int_equal(d.items[0].column, 3);
	assert_int_equal(c.lines, 0);
	assert_int_equal(span_count_line("t", 3, "{}", 2, &c, &d), 0);
	assert_int_equal(c.lines, 1);
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_own_output), cmocka_unit_test(test_hand_written),
	    cmocka_unit_test(test_malformed),  cmocka_unit_test(test_all_bad_lines_reported),
	    cmocka_unit_test(test_nul_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
