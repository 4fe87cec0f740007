/* Unit tests for counting captured paths: pattern errors with offsets, counts by event and by
 * unique path, only opens counted, and the kernel.ndjson lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/kernel_count.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define WORKLOAD_PATTERN "sweep/worker-\\d+/event-\\d+"

static struct capture_event open_event(const char *path)
{
	return (struct capture_event){.ts_ns = 1000,
	                              .type = CAPTURE_EVENT_OPEN,
	                              .pid = 11,
	                              .tgid = 10,
	                              .flags = 0101,
	                              .path = path,
	                              .path_len = strlen(path)};
}

static void test_invalid_pattern_has_offset(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	assert_null(kernel_count_new("(ab", NULL, &d));
	assert_int_equal(diag_error_count(&d), 1);
	assert_string_equal(d.items[0].message,
	                    "invalid pattern at offset 3: missing closing parenthesis");
	assert_string_equal(d.items[0].code, "count.pattern");
	diag_list_release(&d);
}

static void test_counts_events_and_unique_paths(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct kernel_count *kc = kernel_count_new(WORKLOAD_PATTERN, NULL, &d);
	assert_non_null(kc);
	char path[128];
	/* 3000 distinct matching paths, each opened twice */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 3000; i++) {
			snprintf(path, sizeof(path), "/tmp/w/sweep/worker-%d/event-%d", i % 4, i);
			struct capture_event ev = open_event(path);
			kernel_count_add(kc, &ev);
		}
	/* the dynamic loader's own opens do not match */
	struct capture_event ld = open_event("/etc/ld.so.cache");
	kernel_count_add(kc, &ld);
	/* unanchored: a match anywhere in the path counts */
	struct capture_event mid = open_event("x/sweep/worker-1/event-7/y");
	kernel_count_add(kc, &mid);
	/* a process event never counts, whatever its path */
	struct capture_event exec = open_event("/bin/sweep/worker-1/event-1");
	exec.type = CAPTURE_EVENT_EXEC;
	kernel_count_add(kc, &exec);
	struct kernel_count_totals t;
	assert_int_equal(kernel_count_finish(kc, &t, &d), 0);
	assert_int_equal(t.events, 6003);
	assert_int_equal(t.opens, 6002);
	assert_int_equal(t.matched_events, 6001);
	assert_int_equal(t.matched_unique, 3001);
	assert_int_equal(t.truncated, 0);
	kernel_count_free(kc);
	diag_list_release(&d);
}

static void test_invalid_utf8_path_still_searched(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct kernel_count *kc = kernel_count_new("event-\\d+$", NULL, &d);
	assert_non_null(kc);
	struct capture_event ev = open_event("/tmp/\xff\xfe/event-42");
	kernel_count_add(kc, &ev);
	struct kernel_count_totals t;
	assert_int_equal(kernel_count_finish(kc, &t, &d), 0);
	assert_int_equal(t.matched_events, 1);
	kernel_count_free(kc);
	diag_list_release(&d);
}

static void test_ndjson_lines(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct kernel_count *kc = kernel_count_new(WORKLOAD_PATTERN, f, &d);
	assert_non_null(kc);
	struct capture_event a = open_event("/w/sweep/worker-0/event-0");
	kernel_count_add(kc, &a);
	struct capture_event b = open_event("/w/\"q\\\x01\xc3\xa9\xff");
	b.truncated = true;
	kernel_count_add(kc, &b);
	struct capture_event fork = {.ts_ns = 5,
	                             .type = CAPTURE_EVENT_FORK,
	                             .pid = 3,
	                             .tgid = 3,
	                             .aux = 4,
	                             .path = "",
	                             .path_len = 0};
	kernel_count_add(kc, &fork);
	assert_int_equal(kernel_count_finish(kc, NULL, &d), 0);
	fclose(f);
	const char *want =
	    "{\"ts_ns\":1000,\"type\":\"open\",\"pid\":11,\"tgid\":10,\"flags\":65,"
	    "\"path\":\"/w/sweep/worker-0/event-0\",\"matched\":true}\n"
	    "{\"ts_ns\":1000,\"type\":\"open\",\"pid\":11,\"tgid\":10,\"flags\":65,"
	    "\"path\":\"/w/"
	    "\\\"q\\\\\\u0001\xc3\xa9\\ufffd\",\"matched\":false,\"truncated\":true}\n"
	    "{\"ts_ns\":5,\"type\":\"fork\",\"pid\":3,\"tgid\":3,\"flags\":0,\"path\":\"\","
	    "\"matched\":false,\"aux\":4}\n";
	assert_string_equal(buf, want);
	/* every line is JSON a strict parser accepts */
	char *save = NULL;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_tokener *tok = json_tokener_new();
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
		struct json_object *o = json_tokener_parse_ex(tok, line, (int)strlen(line));
		assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
		assert_non_null(o);
		json_object_put(o);
		json_tokener_free(tok);
	}
	free(buf);
	kernel_count_free(kc);
	diag_list_release(&d);
}

static void test_write_failure_reported(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	struct kernel_count *kc = kernel_count_new("x", f, &d);
	assert_non_null(kc);
	char path[64];
	for (int i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/p/x-%d", i);
		struct capture_event ev = open_event(path);
		kernel_count_add(kc, &ev);
	}
	assert_int_equal(kernel_count_finish(kc, NULL, &d), -1);
	assert_int_equal(diag_error_count(&d), 1);
	assert_non_null(strstr(d.items[0].message, "cannot write the captured events"));
	kernel_count_free(kc);
	fclose(f);
	diag_list_release(&d);
}

static void test_match_limit_reported(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	/* catastrophic backtracking: the match limit must stop it and say so */
	struct kernel_count *kc = kernel_count_new("^(a+)+$", NULL, &d);
	assert_non_null(kc);
	char path[64];
	memset(path, 'a', 40);
	path[40] = 'b';
	path[41] = '\0';
	struct capture_event ev = open_event(path);
	kernel_count_add(kc, &ev);
	struct kernel_count_totals t;
	assert_int_equal(kernel_count_finish(kc, &t, &d), -1);
	assert_int_equal(t.matched_events, 0);
	assert_non_null(strstr(d.items[0].message, "matching a captured path failed"));
	kernel_count_free(kc);
	diag_list_release(&d);
}

static long max_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A million distinct matching paths and a tenth of them again, every event also written as an
 * NDJSON line: the counts are exact and memory grows by the 8-byte hashes only (the paths
 * themselves, ~100 MB as copies, are not kept; the lines are streamed, not buffered). */
static void test_million_paths_bounded(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	FILE *f = fopen("/dev/null", "w");
	assert_non_null(f);
	struct kernel_count *kc = kernel_count_new(WORKLOAD_PATTERN, f, &d);
	assert_non_null(kc);
	long rss0 = max_rss_kib();
	char path[128];
	const int n = 1000000;
	for (int i = 0; i < n + n / 10; i++) {
		int k = i < n ? i : (i - n) * 7;
		snprintf(path, sizeof(path), "/run/tare/work/000123/sweep/worker-%d/event-%d",
		         k % 4, k);
		struct capture_event ev = open_event(path);
		kernel_count_add(kc, &ev);
	}
	struct kernel_count_totals t;
	assert_int_equal(kernel_count_finish(kc, &t, &d), 0);
	long grown = max_rss_kib() - rss0;
	printf("1,100,000 events, 1,000,000 distinct paths: set %zu KiB, peak RSS grew %ld KiB\n",
	       kernel_count_bytes(kc) / 1024, grown);
	assert_int_equal(t.matched_events, n + n / 10);
	/* no two of a million workload paths share a 64-bit hash */
	assert_int_equal(t.matched_unique, n);
	assert_true(kernel_count_bytes(kc) <= (size_t)n * 10);
	/* the old copies of every path grew it by ~100 MiB; a sanitizer build adds its own shadow
	 * and allocator overhead on top of the 9.5 MiB of hashes */
#ifdef __SANITIZE_ADDRESS__
	assert_true(grown < 40 * 1024);
#else
	assert_true(grown < 16 * 1024);
#endif
	kernel_count_free(kc);
	fclose(f);
	diag_list_release(&d);
}

/* A custom command whose cells count no kernel events has no pattern: nothing matches, every
 * event is still counted and written. */
static void test_no_pattern_matches_nothing(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct kernel_count *kc = kernel_count_new(NULL, f, &d);
	assert_non_null(kc);
	struct capture_event ev = open_event("/tmp/w/sweep/worker-0/event-0");
	kernel_count_add(kc, &ev);
	kernel_count_add(kc, &ev);
	struct kernel_count_totals t;
	assert_int_equal(kernel_count_finish(kc, &t, &d), 0);
	assert_int_equal(t.events, 2);
	assert_int_equal(t.opens, 2);
	assert_int_equal(t.matched_events, 0);
	assert_int_equal(t.matched_unique, 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"matched\":false"));
	assert_null(strstr(buf, "\"matched\":true"));
	free(buf);
	kernel_count_free(kc);
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_invalid_pattern_has_offset),
	    cmocka_unit_test(test_counts_events_and_unique_paths),
	    cmocka_unit_test(test_invalid_utf8_path_still_searched),
	    cmocka_unit_test(test_ndjson_lines),
	    cmocka_unit_test(test_write_failure_reported),
	    cmocka_unit_test(test_match_limit_reported),
	    cmocka_unit_test(test_million_paths_bounded),
	    cmocka_unit_test(test_no_pattern_matches_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
