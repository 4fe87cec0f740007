/* Unit tests for the in-process span tracer (OpenTelemetry span-event limit semantics) and its
 * OTLP/JSON export, validated against schemas/otlp-trace.schema.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "workload/otlp_export.h"
#include "workload/span_tracer.h"
#include "jsonschema/schema.h"
#include "util/diag.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct span_tracer *tracer_with(uint32_t limit, uint64_t n_events)
{
	struct diag_list d;
	diag_list_init(&d);
	struct span_tracer *t = span_tracer_new("workload", limit, &d);
	assert_non_null(t);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
	for (uint64_t i = 0; i < n_events; i++)
		span_tracer_add_event(t, (int64_t)i);
	span_tracer_end(t);
	return t;
}

/* Retained events are the indices first..first+count-1, oldest first. */
static void assert_retained(const struct span_tracer *t, int64_t first, uint64_t count)
{
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	assert_int_equal(c.retained, count);
	for (uint64_t i = 0; i < count; i++)
		assert_int_equal(span_tracer_event_at(t, i)->index, first + (int64_t)i);
	assert_null(span_tracer_event_at(t, count));
}

static void test_below_limit(void **state)
{
	(void)state;
	struct span_tracer *t = tracer_with(128, 25);
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	assert_int_equal(c.added, 25);
	assert_int_equal(c.dropped, 0);
	assert_int_equal(c.limit, 128);
	assert_retained(t, 0, 25);
	span_tracer_free(t);
}

static void test_at_limit(void **state)
{
	(void)state;
	struct span_tracer *t = tracer_with(128, 128);
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	assert_int_equal(c.added, 128);
	assert_int_equal(c.dropped, 0);
	assert_retained(t, 0, 128);
	span_tracer_free(t);
}

static void test_above_limit_drops_oldest(void **state)
{
	(void)state;
	struct span_tracer *t = tracer_with(128, 500);
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	assert_int_equal(c.added, 500);
	assert_int_equal(c.dropped, 372);
	assert_retained(t, 372, 128); /* the last 128: indices 372..499 */
	span_tracer_free(t);

	t = tracer_with(1, 3);
	assert_retained(t, 2, 1);
	span_tracer_free(t);
}

static void test_zero_limit(void **state)
{
	(void)state;
	struct span_tracer *t = tracer_with(0, 10);
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	assert_int_equal(c.added, 10);
	assert_int_equal(c.retained, 0);
	assert_int_equal(c.dropped, 10);
	span_tracer_free(t);
}

static void test_ended_span_ignores_events(void **state)
{
	(void)state;
	struct span_tracer *t = tracer_with(8, 3);
	uint64_t end = span_tracer_end_unix_ns(t);
	span_tracer_add_event(t, 99);
	span_tracer_end(t);
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	assert_int_equal(c.added, 3);
	assert_int_equal(span_tracer_end_unix_ns(t), end);
	assert_true(end >= span_tracer_start_unix_ns(t));
	span_tracer_free(t);
}

static void test_limit_resolution(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(span_event_limit_resolve(true, 5, "7", &d), 5); /* the flag wins */
	assert_int_equal(span_event_limit_resolve(false, 0, "7", &d), 7);
	assert_int_equal(span_event_limit_resolve(false, 0, "0", &d), 0);
	assert_int_equal(span_event_limit_resolve(false, 0, NULL, &d), 128);
	assert_int_equal(span_event_limit_resolve(false, 0, "", &d), 128);
	assert_int_equal(d.len, 0);
	assert_int_equal(span_event_limit_resolve(false, 0, "abc", &d), 128);
	assert_int_equal(span_event_limit_resolve(false, 0, "-1", &d), 128);
	assert_int_equal(span_event_limit_resolve(false, 0, "4294967296", &d), 128);
	assert_int_equal(span_event_limit_resolve(false, 0, "12x", &d), 128);
	assert_int_equal(d.len, 4);
	assert_int_equal(diag_error_count(&d), 0); /* warnings, as the OTel config spec asks */
	assert_non_null(strstr(d.items[0].message, "OTEL_SPAN_EVENT_COUNT_LIMIT"));
	diag_list_release(&d);
}

static void *add_many(void *arg)
{
	for (int i = 0; i < 5000; i++)
		span_tracer_add_event(arg, i);
	return NULL;
}

static void test_concurrent_adds(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct span_tracer *t = span_tracer_new("workload", 100, &d);
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, add_many, t), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	span_tracer_end(t);
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	assert_int_equal(c.added, 20000);
	assert_int_equal(c.retained, 100);
	assert_int_equal(c.dropped, 19900);
	span_tracer_free(t);
	diag_list_release(&d);
}

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static struct json_object *get_path(struct json_object *o, const char *const *keys)
{
	for (; *keys; keys++) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(*keys));
		else if (!json_object_object_get_ex(o, *keys, &o))
			return NULL;
	}
	return o;
}

static void test_export_encoding(void **state)
{
	(void)state;
	struct span_tracer *t = tracer_with(4, 10);
	struct json_object *root = otlp_traces_data(t);
	static const char *const span_path[] = {"resourceSpans", "0", "scopeSpans", "0",
	                                        "spans",         "0", NULL};
	struct json_object *span = get_path(root, span_path);
	assert_non_null(span);
	struct json_object *v;
	assert_true(json_object_object_get_ex(span, "traceId", &v));
	assert_true(is_hex(json_object_get_string(v), 32));
	assert_true(json_object_object_get_ex(span, "spanId", &v));
	assert_true(is_hex(json_object_get_string(v), 16));
	assert_true(json_object_object_get_ex(span, "kind", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(span, "startTimeUnixNano", &v));
	assert_true(json_object_is_type(v, json_type_string)); /* 64-bit ints are strings */
	assert_true(json_object_object_get_ex(span, "droppedEventsCount", &v));
	assert_true(json_object_is_type(v, json_type_int)); /* uint32 is a number */
	assert_int_equal(json_object_get_int(v), 6);
	assert_true(json_object_object_get_ex(span, "events", &v));
	assert_int_equal(json_object_array_length(v), 4);
	static const char *const idx_path[] = {"3", "attributes", "0", "value", "intValue", NULL};
	struct json_object *idx = get_path(v, idx_path);
	assert_non_null(idx);
	assert_string_equal(json_object_get_string(idx), "9"); /* the newest is last */
	static const char *const svc_path[] = {
	    "resourceSpans", "0", "resource", "attributes", "0", "value", "stringValue", NULL};
	assert_string_equal(json_object_get_string(get_path(root, svc_path)), "tare-workload");
	json_object_put(root);
	span_tracer_free(t);
}

/* The exported line, written through a real file, validates against the committed schema. */
static void test_export_validates(void **state)
{
	(void)state;
	struct span_tracer *t = tracer_with(128, 300);
	span_tracer_set_attr(t, "tare.kernel_events", 5);
	char path[] = "/tmp/tare-otlp-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(otlp_export_fd(t, fd, path, &d), 0);
	close(fd);
	struct json_object *line = json_object_from_file(path);
	assert_non_null(line);
	struct schema *s = schema_load_file(TARE_SOURCE_DIR "/schemas/otlp-trace.schema.json", &d);
	assert_non_null(s);
	int rc = schema_validate(s, line, NULL, &d);
	if (rc != 0)
		diag_print_text(stderr, &d);
	assert_int_equal(rc, 0);

	/* and the schema is not vacuous: a hand-broken document fails */
	struct json_object *span = NULL;
	static const char *const span_path[] = {"resourceSpans", "0", "scopeSpans", "0",
	                                        "spans",         "0", NULL};
	span = get_path(line, span_path);
	json_object_object_add(span, "traceId", json_object_new_string("XYZ"));
	json_object_object_add(span, "startTimeUnixNano", json_object_new_int64(5));
	assert_int_equal(schema_validate(s, line, NULL, &d), -1);
	assert_true(diag_error_count(&d) >= 2);

	schema_free(s);
	json_object_put(line);
	diag_list_release(&d);
	unlink(path);
	span_tracer_free(t);
}

static void test_random_ids_differ(void **state)
{
	(void)state;
	struct span_tracer *a = tracer_with(1, 0), *b = tracer_with(1, 0);
	assert_memory_not_equal(span_tracer_trace_id(a), span_tracer_trace_id(b), 16);
	assert_memory_not_equal(span_tracer_span_id(a), span_tracer_span_id(b), 8);
	span_tracer_free(a);
	span_tracer_free(b);
	span_tracer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_below_limit),
	    cmocka_unit_test(test_at_limit),
	    cmocka_unit_test(test_above_limit_drops_oldest),
	    cmocka_unit_test(test_zero_limit),
	    cmocka_unit_test(test_ended_span_ignores_events),
	    cmocka_unit_test(test_limit_resolution),
	    cmocka_unit_test(test_concurrent_adds),
	    cmocka_unit_test(test_export_encoding),
	    cmocka_unit_test(test_export_validates),
	    cmocka_unit_test(test_random_ids_differ),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
