/* Unit tests for the built-in workload, run in-process on a temporary directory: exact file counts
 * and sizes, worker assignment, span counts seen by the independent counter, the self-report
 * against its schema, failures, and the pacing schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/span_count.h"
#include "workload/workload.h"
#include "jsonschema/schema.h"
#include "util/diag.h"

#include <dirent.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int rm_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		DIR *dir = opendir(path);
		struct dirent *e;
		while (dir && (e = readdir(dir))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			char child[4096];
			snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
			rm_tree(child);
		}
		if (dir)
			closedir(dir);
		return rmdir(path);
	}
	return unlink(path);
}

static int setup_dir(void **state)
{
	char *dir = strdup("/tmp/tare-workload-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	*state = dir;
	return 0;
}

static int teardown_dir(void **state)
{
	rm_tree(*state);
	free(*state);
	return 0;
}

/* Checks that D/sweep holds exactly n files event-<i>, each in worker-<i % c>, each of size bytes,
 * and nothing else. */
static void assert_files(const char *work_dir, uint64_t n, uint32_t c, uint64_t bytes)
{
	char path[4096];
	uint64_t found = 0;
	for (uint32_t w = 0; w < c; w++) {
		snprintf(path, sizeof(path), "%s/sweep/worker-%" PRIu32, work_dir, w);
		DIR *dir = opendir(path);
		assert_non_null(dir);
		struct dirent *e;
		while ((e = readdir(dir))) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			uint64_t i;
			char tail;
			assert_int_equal(sscanf(e->d_name, "event-%" SCNu64 "%c", &i, &tail), 1);
			assert_true(i < n);
			assert_int_equal(i % c, w);
			char file[4096 + 256 + 2];
			snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
			struct stat st;
			assert_int_equal(stat(file, &st), 0);
			assert_true(S_ISREG(st.st_mode));
			assert_int_equal(st.st_size, bytes);
			found++;
		}
		closedir(dir);
	}
	assert_int_equal(found, n);
	snprintf(path, sizeof(path), "%s/sweep/worker-%" PRIu32, work_dir, c);
	assert_int_equal(access(path, F_OK), -1); /* no extra worker */
}

static void test_kernel_events_exact(void **state)
{
	const char *dir = *state;
	struct workload_config cfg = {
	    .kernel_events = 103, .concurrency = 4, .payload_bytes = 100, .work_dir = dir};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), 0);
	assert_int_equal(d.len, 0);
	assert_true(r.ran);
	assert_int_equal(r.kernel_done, 103);
	assert_int_equal(r.kernel_failed, 0);
	assert_false(r.spans_on);
	assert_int_equal(r.latency.count, 103);
	assert_true(r.latency.p50 <= r.latency.p99 && r.latency.p99 <= r.latency.max);
	assert_true(r.latency.max <= r.elapsed_ns);
	assert_files(dir, 103, 4, 100);
	char path[4096];
	snprintf(path, sizeof(path), "%s/trace.jsonl", dir);
	assert_int_equal(access(path, F_OK), -1); /* spans off: no trace file */
	diag_list_release(&d);
}

static void test_zero_payload_and_more_workers_than_events(void **state)
{
	const char *dir = *state;
	struct workload_config cfg = {
	    .kernel_events = 3, .concurrency = 8, .payload_bytes = 0, .work_dir = dir};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), 0);
	assert_int_equal(r.kernel_done, 3);
	assert_files(dir, 3, 8, 0);
	diag_list_release(&d);
}

static struct schema *load_schema(const char *name, struct diag_list *d)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/schemas/%s", TARE_SOURCE_DIR, name);
	struct schema *s = schema_load_file(path, d);
	assert_non_null(s);
	return s;
}

static void validate_report(const struct workload_config *cfg, const struct workload_result *r)
{
	struct diag_list d;
	diag_list_init(&d);
	struct json_object *report = workload_report(cfg, r);
	/* through text, as the runner reads it */
	const char *text = json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN);
	assert_null(strchr(text, '\n'));
	struct json_object *parsed = json_tokener_parse(text);
	assert_non_null(parsed);
	struct schema *s = load_schema("workload-report.schema.json", &d);
	int rc = schema_validate(s, parsed, NULL, &d);
	if (rc != 0)
		diag_print_text(stderr, &d);
	assert_int_equal(rc, 0);
	schema_free(s);
	json_object_put(parsed);
	json_object_put(report);
	diag_list_release(&d);
}

static void test_spans_counted_independently(void **state)
{
	const char *dir = *state;
	char trace[4096];
	snprintf(trace, sizeof(trace), "%s/trace.jsonl", dir);
	struct workload_config cfg = {.kernel_events = 50,
	                              .concurrency = 1,
	                              .payload_bytes = 16,
	                              .work_dir = dir,
	                              .trace_out = trace,
	                              .span_events = 200,
	                              .span_event_limit = 64};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), 0);
	assert_true(r.spans_on);
	assert_true(r.trace_written);
	assert_int_equal(r.kernel_done, 50);
	assert_int_equal(r.latency.count, 200); /* max(N, S) operations */
	assert_int_equal(r.spans.added, 200);
	assert_int_equal(r.spans.retained, 64);
	assert_int_equal(r.spans.dropped, 136);
	assert_files(dir, 50, 1, 16);

	struct span_counts c;
	assert_int_equal(span_count_file(trace, &c, &d), 0);
	assert_int_equal(c.lines, 1);
	assert_int_equal(c.spans, 1);
	assert_int_equal(c.events_retained, 64);
	assert_int_equal(c.events_dropped, 136);

	/* one worker adds in index order, so the retained ones are the last 64: 136..199 */
	struct json_object *line = json_object_from_file(trace);
	assert_non_null(line);
	struct json_object *o = line;
	json_object_object_get_ex(o, "resourceSpans", &o);
	o = json_object_array_get_idx(o, 0);
	json_object_object_get_ex(o, "scopeSpans", &o);
	o = json_object_array_get_idx(o, 0);
	json_object_object_get_ex(o, "spans", &o);
	o = json_object_array_get_idx(o, 0);
	json_object_object_get_ex(o, "events", &o);
	for (size_t i = 0; i < 64; i++) {
		struct json_object *ev = json_object_array_get_idx(o, i), *v;
		json_object_object_get_ex(ev, "attributes", &v);
		v = json_object_array_get_idx(v, 0);
		json_object_object_get_ex(v, "value", &v);
		json_object_object_get_ex(v, "intValue", &v);
		char want[16];
		snprintf(want, sizeof(want), "%zu", 136 + i);
		assert_string_equal(json_object_get_string(v), want);
	}
	struct schema *s = load_schema("otlp-trace.schema.json", &d);
	assert_int_equal(schema_validate(s, line, NULL, &d), 0);
	schema_free(s);
	json_object_put(line);

	validate_report(&cfg, &r);
	diag_list_release(&d);
}

static void test_spans_concurrent(void **state)
{
	const char *dir = *state;
	char trace[4096];
	snprintf(trace, sizeof(trace), "%s/trace.jsonl", dir);
	struct workload_config cfg = {.kernel_events = 300,
	                              .concurrency = 3,
	                              .payload_bytes = 1,
	                              .work_dir = dir,
	                              .trace_out = trace,
	                              .span_events = 100,
	                              .span_event_limit = 128};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), 0);
	assert_int_equal(r.spans.added, 100);
	assert_int_equal(r.spans.retained, 100);
	struct span_counts c;
	assert_int_equal(span_count_file(trace, &c, &d), 0);
	assert_int_equal(c.events_retained, 100);
	assert_int_equal(c.events_dropped, 0);
	assert_files(dir, 300, 3, 1);
	validate_report(&cfg, &r);
	diag_list_release(&d);
}

static void test_report_without_spans(void **state)
{
	const char *dir = *state;
	struct workload_config cfg = {
	    .kernel_events = 5, .concurrency = 2, .payload_bytes = 4, .work_dir = dir, .rate = 1e6};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), 0);
	struct json_object *report = workload_report(&cfg, &r), *v;
	assert_true(json_object_object_get_ex(report, "span_events", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(report, "rate", &v));
	assert_true(json_object_get_double(v) == 1e6);
	json_object_put(report);
	validate_report(&cfg, &r);
	diag_list_release(&d);
}

/* An event whose path is already a directory fails its openat (EISDIR); the rest still run. */
static void test_event_failure(void **state)
{
	const char *dir = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/sweep", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sweep/worker-1", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sweep/worker-1/event-3", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	struct workload_config cfg = {
	    .kernel_events = 10, .concurrency = 2, .payload_bytes = 8, .work_dir = dir};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), -1);
	assert_true(r.ran);
	assert_int_equal(r.kernel_done, 9);
	assert_int_equal(r.kernel_failed, 1);
	assert_int_equal(diag_error_count(&d), 1);
	assert_non_null(strstr(d.items[0].message, "worker-1/event-3': openat:"));
	validate_report(&cfg, &r);
	diag_list_release(&d);
}

static void test_setup_failure(void **state)
{
	const char *dir = *state;
	char path[4096];
	snprintf(path, sizeof(path), "%s/not-a-dir", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	struct workload_config cfg = {
	    .kernel_events = 10, .concurrency = 2, .payload_bytes = 8, .work_dir = path};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), -1);
	assert_false(r.ran);
	assert_int_equal(r.kernel_done, 0);
	assert_string_equal(d.items[0].code, "workload.mkdir");
	diag_list_release(&d);

	/* an unwritable trace path fails before any event runs */
	char trace[4200];
	snprintf(trace, sizeof(trace), "%s/no/such/dir/trace.jsonl", dir);
	cfg.work_dir = dir;
	cfg.trace_out = trace;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), -1);
	assert_false(r.ran);
	assert_string_equal(d.items[0].code, "workload.trace-open");
	snprintf(path, sizeof(path), "%s/sweep/worker-0/event-0", dir);
	assert_int_equal(access(path, F_OK), -1);
	diag_list_release(&d);
}

static void test_schedule(void **state)
{
	(void)state;
	assert_int_equal(workload_schedule_offset_ns(0, 1000), 0);
	assert_int_equal(workload_schedule_offset_ns(1, 1000), 1000000);
	assert_int_equal(workload_schedule_offset_ns(1000, 1000), 1000000000);
	assert_int_equal(workload_schedule_offset_ns(3, 3), 1000000000);
	static const double rates[] = {0.5, 1, 3, 7.77, 1000, 123456.789, 1e9, 3e9};
	for (size_t k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
		uint64_t prev = 0;
		for (uint64_t i = 0; i < 100000; i++) {
			uint64_t t = workload_schedule_offset_ns(i, rates[k]);
			assert_true(t >= prev);
			prev = t;
		}
	}
	/* far past any real run the offset saturates instead of wrapping */
	assert_true(workload_schedule_offset_ns(UINT64_MAX, 0.001) >=
	            workload_schedule_offset_ns(UINT64_C(1) << 40, 0.001));
	for (uint64_t i = 0; i < 100; i++)
		assert_int_equal(workload_worker_of(i, 7), i % 7);
	struct workload_config cfg = {.kernel_events = 10, .span_events = 30};
	assert_int_equal(workload_operations(&cfg), 10); /* spans off: S does not count */
	cfg.trace_out = "x";
	assert_int_equal(workload_operations(&cfg), 30);
}

/* Lower bounds only, which no scheduler hiccup can break: a paced run cannot finish before its
 * last operation is due, and injected spin cannot take less than asked. */
static void test_pacing_and_spin_lower_bounds(void **state)
{
	const char *dir = *state;
	struct workload_config cfg = {.kernel_events = 20,
	                              .concurrency = 2,
	                              .payload_bytes = 1,
	                              .work_dir = dir,
	                              .rate = 10000};
	struct workload_result r;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(workload_run(&cfg, &r, &d), 0);
	assert_true(r.elapsed_ns >= workload_schedule_offset_ns(19, 10000));
	rm_tree(dir);
	mkdir(dir, 0700);
	cfg.rate = 0;
	cfg.extra_ns_per_event = 200000;
	assert_int_equal(workload_run(&cfg, &r, &d), 0);
	assert_true(r.elapsed_ns >= 10 * 200000); /* 10 operations per worker */
	assert_true(r.latency.p50 >= 200000);
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_kernel_events_exact, setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_zero_payload_and_more_workers_than_events,
	                                    setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_spans_counted_independently, setup_dir,
	                                    teardown_dir),
	    cmocka_unit_test_setup_teardown(test_spans_concurrent, setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_report_without_spans, setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_event_failure, setup_dir, teardown_dir),
	    cmocka_unit_test_setup_teardown(test_setup_failure, setup_dir, teardown_dir),
	    cmocka_unit_test(test_schedule),
	    cmocka_unit_test_setup_teardown(test_pacing_and_spin_lower_bounds, setup_dir,
	                                    teardown_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
