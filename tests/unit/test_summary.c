/* Unit tests of summary.json's statistics blocks on synthetic samples of matrices/decompose.yaml:
 * the factorial with a known interaction, the q-values and multiplicity statement, inconclusive
 * pairs with too few rounds, the Markdown header's achieved confidence, BMF, and the schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gate/verdict.h"
#include "jsonschema/schema.h"
#include "matrix/embedded_schema.h"
#include "matrix/matrix.h"
#include "report/summary.h"
#include "sample/sample.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

/* A valid, clean measured sample: what the gates need to call the cell healthy. */
static void add(struct sample *s, size_t *n, const struct matrix_cell *c, const char *arm,
                bool capture, bool spans, int round, double wall_ms)
{
	struct sample *x = &s[(*n)++];
	sample_init(x);
	x->cell = strdup(c->name);
	x->arm = strdup(arm);
	x->phase = PHASE_MEASURE;
	x->round = round;
	x->valid = true;
	x->capture = capture;
	x->spans = spans;
	x->has_capture = capture;
	x->capture_clean = true;
	x->kernel_target = c->kernel_events.value;
	x->span_target = c->span_events.value;
	x->wall_ns = (int64_t)llround(wall_ms * 1e6);
	x->resources.memory_peak_kib = 1000;
}

/* Cell "medium": costs add up (capture 1 ms, spans 2 ms, both 3 ms) with per-round noise; cell
 * "high": both together cost 2 ms more than the sum. Only 5 rounds for "high" would be
 * inconclusive; all 16 are given. */
static struct json_object *build(struct matrix *m, size_t rounds_high)
{
	size_t cells[2] = {0, 1};
	struct sample *s = calloc(200, sizeof(*s));
	size_t n = 0;
	static const double noise[16] = {0.11,  -0.07, 0.03, 0.09,  -0.12, 0.05,  -0.02, 0.08,
	                                 -0.04, 0.01,  0.06, -0.09, 0.02,  -0.05, 0.1,   -0.01};
	for (size_t c = 0; c < 2; c++) {
		const struct matrix_cell *cell = &m->cells[c];
		size_t rounds = c == 0 ? 16 : rounds_high;
		double extra = c == 0 ? 0.0 : 2.0;
		for (size_t r = 0; r < rounds; r++) {
			double base = 20.0 + 0.5 * (double)(r % 3); /* drift shared by the round */
			int round = (int)r + 1;
			add(s, &n, cell, "bare", false, false, round, base + noise[r]);
			add(s, &n, cell, "capture", true, false, round,
			    base + 1.0 + noise[(r + 3) % 16]);
			add(s, &n, cell, "spans", false, true, round,
			    base + 2.0 + noise[(r + 7) % 16]);
			add(s, &n, cell, "both", true, true, round,
			    base + 3.0 + extra + noise[(r + 11) % 16]);
		}
	}
	struct verdict_set v;
	assert_int_equal(verdicts_compute(m, cells, 2, s, n, &v), 0);
	struct json_object *o = summary_build(m, cells, 2, s, n, &v, NULL);
	verdict_set_release(&v);
	for (size_t i = 0; i < n; i++)
		sample_release(&s[i]);
	free(s);
	return o;
}

static void validate(struct json_object *o, const char *schema_name)
{
	struct diag_list d;
	diag_list_init(&d);
	struct json_object *root = json_tokener_parse(embedded_schema(schema_name));
	assert_non_null(root);
	struct schema *sc = schema_new(root, schema_name, &d);
	assert_non_null(sc);
	int rc = schema_validate(sc, o, NULL, &d);
	if (rc < 0)
		diag_print_text(stderr, &d);
	assert_int_equal(rc, 0);
	schema_free(sc);
	json_object_put(root);
	diag_list_release(&d);
}

static void test_factorial(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load("matrices/decompose.yaml", &d);
	if (!m)
		m = matrix_load(TARE_SOURCE_DIR "/matrices/decompose.yaml", &d);
	assert_non_null(m);
	struct json_object *o = build(m, 16);
	validate(o, "summary.v1.schema.json");
	struct json_object *cells = get(o, "cells");
	struct json_object *f0 = get(json_object_array_get_idx(cells, 0), "factorial");
	struct json_object *f1 = get(json_object_array_get_idx(cells, 1), "factorial");
	assert_int_equal(json_object_get_int(get(f0, "n")), 16);
	assert_true(json_object_get_boolean(get(f0, "additive")));
	assert_false(json_object_get_boolean(get(f1, "additive")));
	double inter = json_object_get_double(get(get(f1, "interaction"), "hl_ms"));
	assert_true(fabs(inter - 2.0) < 0.2);
	double cap = json_object_get_double(get(get(f0, "capture"), "hl_ms"));
	assert_true(fabs(cap - 1.0) < 0.1);
	assert_non_null(strstr(json_object_get_string(get(f1, "sentence")), "do not add up"));
	/* every pair differs clearly: 6 of 6 at q < 0.05 */
	struct json_object *mult = get(o, "multiplicity");
	assert_int_equal(json_object_get_int(get(mult, "family")), 6);
	assert_int_equal(json_object_get_int(get(mult, "differ")), 6);
	assert_string_equal(json_object_get_string(get(mult, "sentence")),
	                    "6 of 6 pairs differ at q < 0.05");
	struct json_object *pair =
	    json_object_array_get_idx(get(json_object_array_get_idx(cells, 0), "pairs"), 0);
	assert_true(json_object_get_double(get(pair, "q_value")) < 0.05);
	assert_true(json_object_get_double(get(pair, "min_detectable_ms")) > 0.0);
	struct strbuf md;
	strbuf_init(&md);
	summary_markdown(o, &md);
	assert_non_null(strstr(md.buf, "paired delta vs baseline [95.5% CI]"));
	assert_non_null(strstr(md.buf, "## Factorial"));
	assert_non_null(strstr(md.buf, "6 of 6 pairs differ at q < 0.05"));
	assert_null(strstr(md.buf, "¹")); /* every pair conclusive: no footnote */
	strbuf_release(&md);
	struct json_object *bmf = summary_bmf(o);
	validate(bmf, "bmf.schema.json");
	struct json_object *fb = get(bmf, "tare.decompose.high.factorial");
	assert_true(json_object_get_double(get(get(fb, "interaction"), "value")) > 1.5e6); /* ns */
	/* slugs in whole units: latency in ns within its interval, memory in bytes */
	struct json_object *arm = get(bmf, "tare.decompose.high.capture");
	struct json_object *lat = get(arm, "latency");
	assert_true(json_object_is_type(get(lat, "value"), json_type_int));
	assert_true(json_object_get_int64(get(lat, "lower_value")) <=
	                json_object_get_int64(get(lat, "value")) &&
	            json_object_get_int64(get(lat, "value")) <=
	                json_object_get_int64(get(lat, "upper_value")));
	assert_true(json_object_get_int64(get(lat, "value")) > 20000000); /* > 20 ms */
	assert_int_equal(json_object_get_int64(get(get(arm, "memory-peak"), "value")), 1000 * 1024);
	assert_true(json_object_get_int64(get(get(arm, "overhead"), "value")) > 500000);
	json_object_put(bmf);
	json_object_put(o);

	/* five rounds in "high": its pairs and its interaction are inconclusive, left out of the
	 * family, and the header shows both achieved levels */
	o = build(m, 5);
	validate(o, "summary.v1.schema.json");
	cells = get(o, "cells");
	f1 = get(json_object_array_get_idx(cells, 1), "factorial");
	assert_true(json_object_is_type(get(f1, "additive"), json_type_null));
	pair = json_object_array_get_idx(get(json_object_array_get_idx(cells, 1), "pairs"), 0);
	assert_string_equal(json_object_get_string(get(pair, "verdict")), "inconclusive");
	assert_true(json_object_is_type(get(pair, "q_value"), json_type_null));
	mult = get(o, "multiplicity");
	assert_int_equal(json_object_get_int(get(mult, "family")), 3);
	assert_int_equal(json_object_get_int(get(mult, "inconclusive")), 3);
	strbuf_init(&md);
	summary_markdown(o, &md);
	assert_non_null(strstr(md.buf, "[CI, achieved 93.7–95.5%]"));
	assert_non_null(strstr(md.buf, "| high | capture | "));
	assert_non_null(strstr(md.buf, "inconclusive¹ |"));
	assert_non_null(strstr(md.buf, "\n¹ too few pairs"));
	strbuf_release(&md);
	json_object_put(o);
	matrix_free(m);
	diag_list_release(&d);
}

/* The table rows of md (lines starting with '|'): at most `max` columns each. */
static void assert_columns(const char *md, size_t max)
{
	for (const char *l = md; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (*l != '|')
			continue;
		size_t bars = 0;
		for (const char *p = l; *p && *p != '\n'; p++)
			bars += *p == '|' && !(p > l && p[-1] == '\\'); /* "\|" is text */
		assert_true(bars - 1 <= max);
	}
}

/* summary.md of a recorded run (tests/fixtures/run-dirs/report) as a PR comment shows it. */
static void test_markdown_for_pr_comments(void **state)
{
	(void)state;
	struct json_object *o = json_object_from_file("tests/fixtures/run-dirs/report/summary.json");
	if (!o)
		o = json_object_from_file(TARE_SOURCE_DIR
		                          "/tests/fixtures/run-dirs/report/summary.json");
	assert_non_null(o);
	struct strbuf md;
	strbuf_init(&md);
	summary_markdown(o, &md);
	assert_columns(md.buf, 7);
	/* one row per cell and compared arm, the delta with its interval and the verdict first;
	 * numbers rounded to what the interval supports, ASCII minus */
	assert_non_null(strstr(md.buf, "| k0 | dual-capture | +1.432 ms [+1.264, +1.746] (+34%) | "
	                               "healthy, higher | 4.181 → 5.613 |"));
	assert_non_null(strstr(md.buf, "| k800-c4 | dual-capture | -1 ms [-68, +59] (-0.4%) | "
	                               "healthy, no difference | 327 → 362 |"));
	assert_null(strstr(md.buf, "\xe2\x88\x92")); /* no U+2212 anywhere */
	/* a skipped cell is not measured, with the reason; never "n/a ms [n/a, n/a]" */
	assert_non_null(strstr(md.buf, "| s300 | – | not measured (skipped: span_events clipped at "
	                               "128 of 300 (limit 128) in arm dual-capture) | lossy |"));
	assert_null(strstr(md.buf, "n/a"));
	/* verdicts are not repeated as a list: only the cells that are not healthy say why */
	assert_null(strstr(md.buf, "- **k0**"));
	assert_non_null(strstr(md.buf, "- **s300**: lossy: "));
	/* footnotes only where used: no pair here is inconclusive, no p99 column */
	assert_null(strstr(md.buf, "¹"));
	/* provenance as plain text, numbers rounded */
	assert_non_null(strstr(md.buf, "- tare_version: 0.1.0\n"));
	assert_non_null(strstr(md.buf, "- smt_active: no\n"));
	assert_non_null(strstr(md.buf, "- load_start: 2.45, 3.09, 4.73\n"));
	assert_null(strstr(md.buf, "\"0.1.0\""));
	assert_null(strstr(md.buf, "\n\n\n"));
	strbuf_release(&md);
	json_object_put(o);
}

/* Figures from the spawn helper: each arm states the largest floor of its samples (null for a
 * cgroup source), and summary.md says what such a figure is, with the run's largest floor. */
static void test_helper_floor(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load("matrices/decompose.yaml", &d);
	if (!m)
		m = matrix_load(TARE_SOURCE_DIR "/matrices/decompose.yaml", &d);
	assert_non_null(m);
	size_t cells[1] = {0};
	struct sample s[12];
	size_t n = 0;
	static const char *const arms[] = {"bare", "capture", "spans", "both"};
	for (int r = 1; r <= 3; r++)
		for (size_t a = 0; a < 4; a++) {
			struct sample *x = &s[n];
			add(s, &n, &m->cells[0], arms[a], a % 2 == 1, a >= 2, r, 20.0 + (double)a);
			x->resources.source = strdup(a == 1 ? "cgroup2" : "rusage-helper");
			x->resources.memory_peak_kib = 2000 + r;
			x->resources.memory_floor_kib = a == 1 ? -1 : 1400 + 100 * r + (int64_t)a;
		}
	struct verdict_set v;
	assert_int_equal(verdicts_compute(m, cells, 1, s, n, &v), 0);
	struct json_object *o = summary_build(m, cells, 1, s, n, &v, NULL);
	validate(o, "summary.v1.schema.json");
	struct json_object *arm_list = get(json_object_array_get_idx(get(o, "cells"), 0), "arms");
	for (size_t a = 0; a < json_object_array_length(arm_list); a++) {
		struct json_object *arm = json_object_array_get_idx(arm_list, a);
		const char *name = json_object_get_string(get(arm, "arm"));
		struct json_object *floor = get(get(arm, "memory_peak_kib"), "floor");
		if (strcmp(name, "capture") == 0)
			assert_null(floor);
		else
			assert_int_equal(json_object_get_int(floor),
			                 1700 + (strcmp(name, "both") == 0    ? 3
			                         : strcmp(name, "spans") == 0 ? 2
			                                                      : 0));
	}
	struct strbuf md;
	strbuf_init(&md);
	summary_markdown(o, &md);
	assert_non_null(strstr(md.buf,
	                       "from the wait4 of tare's spawn helper (rusage-helper): never "
	                       "below the helper's own high-water mark (up to 1703 KiB in "
	                       "this run)"));
	strbuf_release(&md);
	json_object_put(o);
	verdict_set_release(&v);
	for (size_t i = 0; i < n; i++)
		sample_release(&s[i]);
	matrix_free(m);
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_factorial),
	    cmocka_unit_test(test_helper_floor),
	    cmocka_unit_test(test_markdown_for_pr_comments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
