/* Unit tests of two run outputs built from a small in-code run: junit.xml (src/report/junit.c),
 * one test case per cell gate, checked as text and against schemas/junit.xsd with xmllint; and
 * trace.json (src/report/chrome_trace.c), valid JSON whose slices nest as the header says,
 * checked against schemas/chrome-trace.schema.json with tare's own validator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "jsonschema/schema.h"
#include "report/chrome_trace.h"
#include "report/junit.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A matrix of two arms and five cells; only names matter to these outputs. */
struct run {
	struct matrix m;
	struct matrix_arm arms[2];
	struct matrix_cell cells[5];
	struct cell_verdict_result results[5];
	struct verdict_set v;
};

static void run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	r->arms[0] =
	    (struct matrix_arm){.name = "runner-only", .capture = ARM_CAPTURE_EBPF, .spans = false};
	r->arms[1] =
	    (struct matrix_arm){.name = "dual-capture", .capture = ARM_CAPTURE_EBPF, .spans = true};
	static const char *const names[] = {"control", "s500", "hang", "short", "expected"};
	for (size_t i = 0; i < N(names); i++)
		r->cells[i].name = (char *)names[i];
	r->cells[4].expect = (char *)"lossy";
	r->m = (struct matrix){
	    .name = (char *)"m&m", .arms = r->arms, .n_arms = 2, .cells = r->cells, .n_cells = 5};
	memset(r->m.sha256, 'b', 64);
	static const struct {
		enum cell_verdict verdict;
		const char *sentence;
		int expect_met;
	} v[] = {
	    {VERDICT_HEALTHY, "healthy: calibrated, every gate passed", -1},
	    {VERDICT_LOSSY, "lossy: span_events clipped at 128 of 500 (limit 128) in arm <dual>",
	     -1},
	    {VERDICT_UNHEALTHY, "unhealthy: exit code 3, expected 0 & \"more\"", -1},
	    {VERDICT_INCONCLUSIVE, "inconclusive: fewer than 2 valid measured samples", -1},
	    {VERDICT_LOSSY, "lossy: as the cell expects", 1},
	};
	for (size_t i = 0; i < N(v); i++)
		r->results[i] = (struct cell_verdict_result){.cell = &r->cells[i],
		                                             .verdict = v[i].verdict,
		                                             .sentence = (char *)v[i].sentence,
		                                             .expect_met = v[i].expect_met};
	r->v = (struct verdict_set){r->results, 5, (char *)"first non-healthy cell: s500"};
}

/* Dispatches of the in-code run as the runner records them, cell by cell. */
static const struct {
	const char *cell, *arm;
	enum plan_phase phase;
	int round;
	int64_t start_ms, attach_us, wall_us, drain_us, detach_us, kernel, spans;
} DISPATCHES[] = {
    {"control", "runner-only", PHASE_CALIBRATE, 1, 0, 1500, 10000, 2000, 500, 100, 0},
    {"control", "dual-capture", PHASE_CALIBRATE, 1, 20, 1200, 12000, 2500, 0, 100, 25},
    {"control", "dual-capture", PHASE_MEASURE, 1, 40, 1000, 11000, 1500, 400, 100, 25},
    {"control", "runner-only", PHASE_MEASURE, 1, 60, 900, 9000, 1000, 300, 99, 0},
    {"s500", "dual-capture", PHASE_CALIBRATE, 1, 100, 1100, 30000, 4000, 600, 100, 128},
    {"s500", "runner-only", PHASE_CALIBRATE, 1, 140, 0, 20000, 0, 0, 0, 0},
};

static struct sample *trace_samples(void)
{
	struct sample *s = xcalloc(N(DISPATCHES), sizeof(*s));
	const int64_t t0 = 1700000000000000000;
	for (size_t i = 0; i < N(DISPATCHES); i++) {
		sample_init(&s[i]);
		s[i].index = i;
		s[i].cell = xstrdup(DISPATCHES[i].cell);
		s[i].arm = xstrdup(DISPATCHES[i].arm);
		s[i].phase = DISPATCHES[i].phase;
		s[i].round = DISPATCHES[i].round;
		s[i].start_unix_ns = t0 + DISPATCHES[i].start_ms * 1000000;
		s[i].attach_ns = DISPATCHES[i].attach_us * 1000;
		s[i].wall_ns = DISPATCHES[i].wall_us * 1000;
		s[i].drain_ns = DISPATCHES[i].drain_us * 1000;
		s[i].detach_ns = DISPATCHES[i].detach_us * 1000;
		s[i].kernel.observed = DISPATCHES[i].kernel;
		s[i].span.observed = DISPATCHES[i].spans;
		s[i].valid = i != 3;
		s[i].discard_reason =
		    i == 3 ? xstrdup("kernel_events drift: observed 99 of 100") : NULL;
	}
	return s;
}

static void samples_free(struct sample *s)
{
	for (size_t i = 0; i < N(DISPATCHES); i++)
		sample_release(&s[i]);
	free(s);
}

static const char JUNIT_WANT[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuites name=\"tare\">\n"
    "  <testsuite name=\"m&amp;m\" tests=\"15\" failures=\"3\" errors=\"0\" skipped=\"5\" "
    "time=\"0.092\" timestamp=\"2023-11-14T22:13:20Z\" hostname=\"test-host\">\n"
    "    <testcase classname=\"tare.m&amp;m.control\" name=\"control/calibration\" "
    "time=\"0.022\"/>\n"
    "    <testcase classname=\"tare.m&amp;m.control\" name=\"control/health\" "
    "time=\"0.020\"/>\n"
    "    <testcase classname=\"tare.m&amp;m.control\" name=\"control/samples\" "
    "time=\"0.000\"/>\n"
    "    <testcase classname=\"tare.m&amp;m.s500\" name=\"s500/calibration\" "
    "time=\"0.050\">\n"
    "      <failure type=\"lossy\" message=\"lossy: span_events clipped at 128 of 500 (limit "
    "128) in arm &lt;dual&gt;\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"tare.m&amp;m.s500\" name=\"s500/health\" time=\"0.000\">\n"
    "      <skipped message=\"an earlier gate decided the verdict\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"tare.m&amp;m.s500\" name=\"s500/samples\" time=\"0.000\">\n"
    "      <skipped message=\"an earlier gate decided the verdict\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"tare.m&amp;m.hang\" name=\"hang/calibration\" "
    "time=\"0.000\"/>\n"
    "    <testcase classname=\"tare.m&amp;m.hang\" name=\"hang/health\" time=\"0.000\">\n"
    "      <failure type=\"unhealthy\" message=\"unhealthy: exit code 3, expected 0 &amp; "
    "&quot;more&quot;\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"tare.m&amp;m.hang\" name=\"hang/samples\" time=\"0.000\">\n"
    "      <skipped message=\"an earlier gate decided the verdict\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"tare.m&amp;m.short\" name=\"short/calibration\" "
    "time=\"0.000\"/>\n"
    "    <testcase classname=\"tare.m&amp;m.short\" name=\"short/health\" time=\"0.000\"/>\n"
    "    <testcase classname=\"tare.m&amp;m.short\" name=\"short/samples\" time=\"0.000\">\n"
    "      <failure type=\"inconclusive\" message=\"inconclusive: fewer than 2 valid measured "
    "samples\"/>\n"
    "    </testcase>\n"
    /* the verdict the cell expects is a pass; the later gates still say they were not reached */
    "    <testcase classname=\"tare.m&amp;m.expected\" name=\"expected/calibration\" "
    "time=\"0.000\"/>\n"
    "    <testcase classname=\"tare.m&amp;m.expected\" name=\"expected/health\" "
    "time=\"0.000\">\n"
    "      <skipped message=\"an earlier gate decided the verdict\"/>\n"
    "    </testcase>\n"
    "    <testcase classname=\"tare.m&amp;m.expected\" name=\"expected/samples\" "
    "time=\"0.000\">\n"
    "      <skipped message=\"an earlier gate decided the verdict\"/>\n"
    "    </testcase>\n"
    "  </testsuite>\n"
    "</testsuites>\n";

/* The log tail of a dispatch as the run directory would give it: markup to escape. */
static char *fake_tail(void *ctx, const struct sample *s)
{
	(void)ctx;
	return xasprintf("--- stderr ---\nboom <%zu> & done\n", s->index);
}

/* junit.xml of the in-code run over the dispatches of DISPATCHES (control and s500). */
static void build_junit(struct run *r, struct strbuf *out)
{
	struct sample *s = trace_samples();
	struct junit_run jr = {s, N(DISPATCHES), "test-host", fake_tail, NULL};
	junit_build(&r->m, &r->v, &jr, out);
	samples_free(s);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_junit(void **state)
{
	(void)state;
	struct run r;
	run_init(&r);
	struct strbuf out;
	strbuf_init(&out);
	build_junit(&r, &out);
	assert_string_equal(out.buf, JUNIT_WANT);
	/* one test case per cell gate, a failure per failing verdict not expected */
	assert_int_equal(count(out.buf, "<testcase "), 3 * r.v.n_cells);
	assert_int_equal(count(out.buf, "<failure "), 3);
	/* the suite's counts agree with its test cases */
	assert_int_equal(count(out.buf, "<skipped "), 5);
	strbuf_release(&out);
}

/* A control character in a sentence (from a workload's error text) cannot enter XML 1.0. */
static void test_junit_control_characters(void **state)
{
	(void)state;
	struct run r;
	run_init(&r);
	r.v.n_cells = 2;
	r.results[1].sentence = (char *)"lossy: bell\a and escape\x1b gone, tab\tkept";
	struct strbuf out;
	strbuf_init(&out);
	build_junit(&r, &out);
	assert_non_null(strstr(out.buf, "message=\"lossy: bell and escape gone, tab\tkept\""));
	strbuf_release(&out);
}

/* A failing test case carries the log tails of its cell's invalid dispatches, escaped. */
static void test_junit_logs(void **state)
{
	(void)state;
	struct run r;
	run_init(&r);
	r.results[0].verdict = VERDICT_UNHEALTHY;
	r.results[0].sentence = (char *)"unhealthy: kernel_events drift";
	struct strbuf out;
	strbuf_init(&out);
	build_junit(&r, &out);
	assert_non_null(strstr(out.buf, "name=\"control/health\" time=\"0.020\">\n"
	                                "      <failure type=\"unhealthy\" message=\"unhealthy: "
	                                "kernel_events drift\"/>\n"
	                                "      <system-out>dispatch 3 (runner-only, measure round "
	                                "1): kernel_events drift: observed 99 of 100\n"
	                                "--- stderr ---\nboom &lt;3&gt; &amp; done\n"
	                                "</system-out>\n    </testcase>\n"));
	/* only failing test cases carry logs, and only invalid dispatches' */
	assert_int_equal(count(out.buf, "<system-out>"), 1);
	assert_null(strstr(out.buf, "boom &lt;0&gt;"));
	strbuf_release(&out);
}

static void test_junit_schema(void **state)
{
	(void)state;
	if (system("command -v xmllint >/dev/null 2>&1") != 0)
		skip(); /* libxml2-utils, installed by ci/setup */
	struct run r;
	run_init(&r);
	struct strbuf out;
	strbuf_init(&out);
	build_junit(&r, &out);
	char path[] = "/tmp/tare-junit-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out.buf, out.len), (ssize_t)out.len);
	close(fd);
	char *cmd = xasprintf("xmllint --noout --schema '%s/schemas/junit.xsd' '%s' 2>/dev/null",
	                      TARE_SOURCE_DIR, path);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	/* and the schema is not vacuous: a test case without its name fails */
	fd = open(path, O_WRONLY | O_TRUNC);
	const char *bad = "<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"x\" tests=\"1\" "
	                  "failures=\"0\" errors=\"0\" skipped=\"0\"><testcase "
	                  "classname=\"c\"/></testsuite></testsuites>\n";
	assert_int_equal(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
	close(fd);
	cmd = xasprintf("xmllint --noout --schema '%s/schemas/junit.xsd' '%s' 2>/dev/null",
	                TARE_SOURCE_DIR, path);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
	unlink(path);
	strbuf_release(&out);
}

struct slice {
	const char *name, *cat;
	int tid;
	double ts, dur;
};

static bool near(double a, double b)
{
	return a - b < 1e-6 && b - a < 1e-6;
}

static const char *str_of(struct json_object *e, const char *key)
{
	return json_object_get_string(json_object_object_get(e, key));
}

/* The complete events and the metadata of a parsed trace. */
static size_t slices_of(struct json_object *events, struct slice *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < json_object_array_length(events); i++) {
		struct json_object *e = json_object_array_get_idx(events, i);
		if (strcmp(str_of(e, "ph"), "X") != 0)
			continue;
		assert_true(n < cap);
		out[n++] = (struct slice){str_of(e, "name"), str_of(e, "cat"),
		                          json_object_get_int(json_object_object_get(e, "tid")),
		                          json_object_get_double(json_object_object_get(e, "ts")),
		                          json_object_get_double(json_object_object_get(e, "dur"))};
	}
	return n;
}

/* The lane of each arm (thread_name metadata), and the process's title. */
static void check_metadata(struct json_object *events)
{
	static const struct {
		int tid;
		const char *name;
	} lanes[] = {{0, "cells"}, {1, "runner-only"}, {2, "dual-capture"}};
	size_t found = 0;
	bool title = false;
	for (size_t i = 0; i < json_object_array_length(events); i++) {
		struct json_object *e = json_object_array_get_idx(events, i);
		if (strcmp(str_of(e, "ph"), "M") != 0)
			continue;
		struct json_object *args = json_object_object_get(e, "args");
		int tid = json_object_get_int(json_object_object_get(e, "tid"));
		if (strcmp(str_of(e, "name"), "process_name") == 0) {
			assert_string_equal(str_of(args, "name"), "tare run m&m");
			title = true;
		} else if (strcmp(str_of(e, "name"), "thread_name") == 0) {
			for (size_t k = 0; k < N(lanes); k++)
				if (lanes[k].tid == tid) {
					assert_string_equal(str_of(args, "name"), lanes[k].name);
					found++;
				}
		}
	}
	assert_true(title);
	assert_int_equal(found, N(lanes));
}

/* The first dispatch's start in the trace: absolute, microseconds since the Unix epoch. */
#define T0_US 1700000000000000.0

/* Each dispatch a slice on its arm's lane, its phases laid end to end inside it (zero-length
 * phases left out), inside its cell's slice on lane 0; times absolute. */
static void check_nesting(const struct slice *sl, size_t n)
{
	size_t dispatches = 0, cells = 0;
	double first = 1e300;
	for (size_t i = 0; i < n; i++)
		first = sl[i].ts < first ? sl[i].ts : first;
	assert_true(near(first, T0_US));
	for (size_t k = 0; k < N(DISPATCHES); k++) {
		char name[128];
		snprintf(name, sizeof(name), "%s %s r%d", DISPATCHES[k].cell,
		         plan_phase_name(DISPATCHES[k].phase), DISPATCHES[k].round);
		int tid = strcmp(DISPATCHES[k].arm, "runner-only") == 0 ? 1 : 2;
		double ts = T0_US + (double)DISPATCHES[k].start_ms * 1000;
		const struct slice *d = NULL;
		for (size_t i = 0; i < n; i++)
			if (sl[i].tid == tid && near(sl[i].ts, ts) && strcmp(sl[i].name, name) == 0)
				d = &sl[i];
		if (!d)
			fail_msg("no slice '%s' on lane %d at %g us", name, tid, ts);
		dispatches++;
		assert_string_equal(d->cat, plan_phase_name(DISPATCHES[k].phase));
		const struct {
			const char *name;
			int64_t us;
		} phases[] = {{"attach", DISPATCHES[k].attach_us},
		              {"workload", DISPATCHES[k].wall_us},
		              {"drain", DISPATCHES[k].drain_us},
		              {"detach", DISPATCHES[k].detach_us}};
		double t = d->ts, total = 0;
		size_t want_children = 0;
		for (size_t p = 0; p < N(phases); p++) {
			total += (double)phases[p].us;
			if (phases[p].us == 0)
				continue;
			want_children++;
			const struct slice *c = NULL;
			for (size_t i = 0; i < n; i++)
				if (sl[i].tid == tid && strcmp(sl[i].cat, "phase") == 0 &&
				    strcmp(sl[i].name, phases[p].name) == 0 && near(sl[i].ts, t))
					c = &sl[i];
			if (!c)
				fail_msg("'%s' has no '%s' phase at %g us", name, phases[p].name,
				         t);
			assert_true(near(c->dur, (double)phases[p].us));
			t += c->dur;
		}
		assert_true(near(d->dur, total));
		/* nothing else on the lane starts inside the dispatch */
		size_t inside = 0;
		for (size_t i = 0; i < n; i++)
			inside += sl[i].tid == tid && strcmp(sl[i].cat, "phase") == 0 &&
			          sl[i].ts >= d->ts && sl[i].ts < d->ts + d->dur;
		assert_int_equal(inside, want_children);
		/* the cell's slice holds it */
		const struct slice *cell = NULL;
		for (size_t i = 0; i < n; i++)
			if (sl[i].tid == 0 && strcmp(sl[i].name, DISPATCHES[k].cell) == 0)
				cell = &sl[i];
		assert_non_null(cell);
		assert_string_equal(cell->cat, "cell");
		assert_true(cell->ts <= d->ts + 1e-6);
		assert_true(d->ts + d->dur <= cell->ts + cell->dur + 1e-6);
	}
	for (size_t i = 0; i < n; i++)
		cells += sl[i].tid == 0;
	assert_int_equal(cells, 2);
	/* the s500 slice ends where its last dispatch ends: 140 ms + 20 ms */
	for (size_t i = 0; i < n; i++)
		if (sl[i].tid == 0 && strcmp(sl[i].name, "s500") == 0)
			assert_true(near(sl[i].ts + sl[i].dur, T0_US + 160000));
	assert_int_equal(dispatches, N(DISPATCHES));
}

/* One counter track per arm: each dispatch's counts from its start, back to 0 at its end; and
 * the clock-sync marker at the first dispatch. */
static void check_counters(struct json_object *events)
{
	size_t n = 0, sync = 0;
	for (size_t i = 0; i < json_object_array_length(events); i++) {
		struct json_object *e = json_object_array_get_idx(events, i);
		double ts = json_object_get_double(json_object_object_get(e, "ts"));
		if (strcmp(str_of(e, "ph"), "c") == 0) {
			assert_string_equal(str_of(e, "name"), "clock_sync");
			assert_true(near(ts, T0_US));
			sync++;
			continue;
		}
		if (strcmp(str_of(e, "ph"), "C") != 0)
			continue;
		size_t k = n / 2;
		bool end = n % 2 == 1;
		assert_true(k < N(DISPATCHES));
		char track[96];
		snprintf(track, sizeof(track), "captured events (%s)", DISPATCHES[k].arm);
		assert_string_equal(str_of(e, "name"), track);
		struct json_object *args = json_object_object_get(e, "args");
		assert_int_equal(json_object_get_int64(json_object_object_get(args, "kernel")),
		                 end ? 0 : DISPATCHES[k].kernel);
		assert_int_equal(json_object_get_int64(json_object_object_get(args, "spans")),
		                 end ? 0 : DISPATCHES[k].spans);
		double start = T0_US + (double)(DISPATCHES[k].start_ms * 1000);
		double stop = start + (double)(DISPATCHES[k].attach_us + DISPATCHES[k].wall_us +
		                               DISPATCHES[k].drain_us + DISPATCHES[k].detach_us);
		assert_true(near(ts, end ? stop : start));
		n++;
	}
	assert_int_equal(n, 2 * N(DISPATCHES));
	assert_int_equal(sync, 1);
}

static void test_chrome_trace(void **state)
{
	(void)state;
	struct run r;
	run_init(&r);
	struct sample *s = trace_samples();
	struct json_object *built = chrome_trace_build(&r.m, s, N(DISPATCHES));
	/* valid JSON as written: the text parses back with a strict tokener */
	const char *text = json_object_to_json_string_ext(built, JSON_C_TO_STRING_PLAIN);
	/* absolute times in whole microseconds, not 17 significant digits */
	assert_non_null(strstr(text, "\"ts\":1700000000000000,"));
	assert_null(strstr(text, "e+"));
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	json_tokener_free(tok);
	assert_non_null(o);
	json_object_put(built);

	struct diag_list d;
	diag_list_init(&d);
	struct schema *schema =
	    schema_load_file(TARE_SOURCE_DIR "/schemas/chrome-trace.schema.json", &d);
	assert_non_null(schema);
	if (schema_validate(schema, o, NULL, &d) < 0)
		fail_msg("trace does not validate: %s at %s", d.items[0].message,
		         d.items[0].pointer ? d.items[0].pointer : "/");
	assert_string_equal(str_of(json_object_object_get(o, "otherData"), "matrix"), "m&m");

	struct json_object *events = json_object_object_get(o, "traceEvents");
	struct slice sl[64];
	size_t n = slices_of(events, sl, N(sl));
	check_metadata(events);
	check_nesting(sl, n);
	check_counters(events);

	/* and the schema is not vacuous: a complete event without dur fails */
	for (size_t i = 0; i < json_object_array_length(events); i++) {
		struct json_object *e = json_object_array_get_idx(events, i);
		if (strcmp(str_of(e, "ph"), "X") == 0) {
			json_object_object_del(e, "dur");
			break;
		}
	}
	assert_int_equal(schema_validate(schema, o, NULL, &d), -1);

	schema_free(schema);
	diag_list_release(&d);
	json_object_put(o);
	for (size_t i = 0; i < N(DISPATCHES); i++)
		sample_release(&s[i]);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_junit),        cmocka_unit_test(test_junit_control_characters),
	    cmocka_unit_test(test_junit_logs),   cmocka_unit_test(test_junit_schema),
	    cmocka_unit_test(test_chrome_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
