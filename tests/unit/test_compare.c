/* Unit tests of the run comparison: rank-sum critical ranks, the shift and its interval on hand-
 * computed cases, the regression rule, and the refusal to compare incompatible runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/compare.h"
#include "report/compare_machine.h"
#include "report/html.h"
#include "util/strbuf.h"

#include "../stats/expected_json.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Critical ranks and achieved confidences, from the exact U distribution enumerated by hand
 * (m = n = 3: counts 1 1 2 3 3 3 3 2 1 1 of 20) and by the recursion f(u; m, n) = f(u − n; m − 1,
 * n) + f(u; m, n − 1) in Python (R's qwilcox(0.025, m, n) gives the same k). */
static void test_ci_rank_exact(void **state)
{
	(void)state;
	static const struct {
		size_t m, n, k;
		double achieved;
	} cases[] = {
	    {3, 3, 1, 0.9},
	    {5, 5, 3, 0.9682539682539683},
	    {4, 6, 3, 0.9619047619047619},
	    {10, 10, 24, 0.9567429474550218},
	    {2, 2, 1, 0.6666666666666667},
	    {1, 7, 1, 0.75},
	    {8, 12, 23, 0.9526553941414623},
	    {50, 50, 966, 0.9504522764011537},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t k = 0;
		double achieved = 0.0;
		enum compare_ci_method method = COMPARE_CI_NONE;
		assert_int_equal(
		    compare_ranksum_ci_rank(cases[i].m, cases[i].n, 0.95, &k, &achieved, &method),
		    0);
		assert_int_equal(k, cases[i].k);
		assert_true(fabs(achieved - cases[i].achieved) < 1e-12);
		assert_int_equal(method, COMPARE_CI_EXACT);
	}
}

/* m = n = 60: σ = √(3600·121/12), k = ⌈1800 + σ·Φ⁻¹(0.025) − ½⌉ = 1427. */
static void test_ci_rank_normal(void **state)
{
	(void)state;
	size_t k = 0;
	double achieved = 0.0;
	enum compare_ci_method method = COMPARE_CI_NONE;
	assert_int_equal(compare_ranksum_ci_rank(60, 60, 0.95, &k, &achieved, &method), 0);
	assert_int_equal(method, COMPARE_CI_NORMAL);
	assert_int_equal(k, 1427);
	assert_true(fabs(achieved - 0.9500470427264741) < 1e-9);
	assert_int_equal(compare_ranksum_ci_rank(0, 5, 0.95, &k, &achieved, &method), -1);
	assert_int_equal(compare_ranksum_ci_rank(5, 5, 1.0, &k, &achieved, &method), -1);
}

static const double base5[] = {10, 11, 12, 13, 14};

/* cur = base + 3: the 25 differences are 3 + t, t = −4..4 with multiplicity 5 − |t|, so sorted
 * they are −1, 0, 0, 1, 1, 1, 2 ×4, 3 ×5, 4 ×4, 5 ×3, 6, 6, 7. k = 3: [D_3, D_23] = [0, 6]. */
static void test_shift_interval_touching_zero(void **state)
{
	(void)state;
	const double cur[] = {13, 14, 15, 16, 17};
	struct compare_shift s;
	assert_int_equal(compare_shift(base5, 5, cur, 5, 0.95, &s), 0);
	assert_true(s.estimate == 3.0);
	assert_true(s.lo == 0.0);
	assert_true(s.hi == 6.0);
	assert_true(s.median_base == 12.0 && s.median_cur == 15.0);
	assert_true(fabs(s.rel_pct - 25.0) < 1e-12);
	assert_int_equal(s.method, COMPARE_CI_EXACT);
	/* +25% but the interval reaches zero: never a regression, whatever the threshold */
	assert_int_equal(compare_classify(&s, 5.0), COMPARE_NO_CHANGE);
	assert_int_equal(compare_classify(&s, 0.0), COMPARE_NO_CHANGE);
}

/* cur = base + 5: differences 5 + t, [D_3, D_23] = [2, 8], +41.7% of 12. */
static void test_shift_regression(void **state)
{
	(void)state;
	const double cur[] = {17, 15, 19, 16, 18}; /* order does not matter */
	struct compare_shift s;
	assert_int_equal(compare_shift(base5, 5, cur, 5, 0.95, &s), 0);
	assert_true(s.estimate == 5.0 && s.lo == 2.0 && s.hi == 8.0);
	assert_true(fabs(s.rel_pct - 500.0 / 12.0) < 1e-12);
	assert_true(fabs(s.rel_lo - 200.0 / 12.0) < 1e-12);
	assert_int_equal(compare_classify(&s, 5.0), COMPARE_REGRESSION);
	/* above the threshold only: a 50% threshold turns it into a detectable change within it */
	assert_int_equal(compare_classify(&s, 50.0), COMPARE_WITHIN);
	assert_string_equal(compare_status_name(COMPARE_REGRESSION), "regression");

	/* the other way round it is an improvement */
	assert_int_equal(compare_shift(cur, 5, base5, 5, 0.95, &s), 0);
	assert_true(s.estimate == -5.0 && s.lo == -8.0 && s.hi == -2.0);
	assert_int_equal(compare_classify(&s, 5.0), COMPARE_IMPROVEMENT);
}

/* A detectable change smaller than the threshold: base 100..104, +5 → 4.9% of 102. */
static void test_shift_within_threshold(void **state)
{
	(void)state;
	const double b[] = {100, 101, 102, 103, 104}, c[] = {105, 106, 107, 108, 109};
	struct compare_shift s;
	assert_int_equal(compare_shift(b, 5, c, 5, 0.95, &s), 0);
	assert_true(s.lo == 2.0);
	assert_true(s.rel_pct < 5.0);
	assert_int_equal(compare_classify(&s, 5.0), COMPARE_WITHIN);
	assert_string_equal(compare_status_name(COMPARE_WITHIN), "within threshold");
}

/* Two samples per run cannot reach 95%: even a huge shift is no detectable change. */
static void test_shift_too_small(void **state)
{
	(void)state;
	const double b[] = {10, 11}, c[] = {100, 101};
	struct compare_shift s;
	assert_int_equal(compare_shift(b, 2, c, 2, 0.95, &s), 0);
	assert_true(s.lo == 89.0 && s.hi == 91.0 && s.estimate == 90.0);
	assert_true(fabs(s.conf_achieved - 2.0 / 3.0) < 1e-12);
	assert_int_equal(compare_classify(&s, 5.0), COMPARE_NO_CHANGE);
	char buf[256];
	compare_change_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "+90.000 ms [89.000, 91.000] (+857.1% [847.6, 866.7]) (66.7% "
	                         "interval: 2 and 2 samples cannot reach 95%)");

	/* an empty side: no interval, no change, and no failure */
	assert_int_equal(compare_shift(b, 2, c, 0, 0.95, &s), 0);
	assert_int_equal(s.method, COMPARE_CI_NONE);
	assert_true(isnan(s.estimate));
	assert_int_equal(compare_classify(&s, 5.0), COMPARE_NO_CHANGE);

	const double bad[] = {1, NAN};
	assert_int_equal(compare_shift(b, 2, bad, 2, 0.95, &s), -1);
}

static void test_format_negative(void **state)
{
	(void)state;
	const double cur[] = {5, 6, 7, 8, 9};
	struct compare_shift s;
	assert_int_equal(compare_shift(base5, 5, cur, 5, 0.95, &s), 0);
	char buf[256];
	compare_change_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x88\x92"
	                         "5.000 ms [\xe2\x88\x92"
	                         "8.000, \xe2\x88\x92"
	                         "2.000] (\xe2\x88\x92"
	                         "41.7% [\xe2\x88\x92"
	                         "66.7, \xe2\x88\x92"
	                         "16.7])");
}

static void test_compatible(void **state)
{
	(void)state;
	const char *sha1 = "43001512b9c81d68f2860eb2a9351447b48497f4336e3072d7f9b9733f07be7d";
	const char *sha2 = "53001512b9c81d68f2860eb2a9351447b48497f4336e3072d7f9b9733f07be7d";
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(compare_check_compatible(sha1, "linux-x86_64", sha1, "linux-x86_64", &d),
	                 0);
	assert_int_equal(d.len, 0);
	assert_int_equal(compare_check_compatible(sha1, "linux-x86_64", sha2, "linux-x86_64", &d),
	                 -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "compare.matrix-differs");
	assert_int_equal(compare_check_compatible(sha1, "host-a", sha1, "host-b", &d), -1);
	assert_int_equal(d.len, 2);
	assert_string_equal(d.items[1].code, "compare.host-differs");
	assert_non_null(strstr(d.items[1].message, "'host-a'"));
	assert_int_equal(compare_check_compatible(sha1, NULL, sha1, "host-b", &d), -1);
	assert_string_equal(d.items[2].code, "compare.host-unknown");
	assert_int_equal(compare_check_compatible(sha1, "a", sha2, "b", &d), -1);
	assert_int_equal(d.len, 5);
	diag_list_release(&d);
}

static void add_sample(struct sample *s, const char *cell, const char *arm, int round,
                       double wall_ms, bool valid)
{
	sample_init(s);
	s->cell = strdup(cell);
	s->arm = strdup(arm);
	s->phase = PHASE_MEASURE;
	s->round = round;
	s->valid = valid;
	s->wall_ns = (int64_t)llround(wall_ms * 1e6);
}

/* Two cells; cell "b" has no samples in the current run and is left out; invalid samples never
 * count (an invalid 1000 ms sample in the current run would otherwise move the shift). */
static void test_compare_runs(void **state)
{
	(void)state;
	struct matrix_arm arms[2] = {{.name = "plain"}, {.name = "traced"}};
	size_t both[2] = {0, 1};
	struct matrix_cell cells[2] = {{.name = "a", .compare = both, .n_compare = 2},
	                               {.name = "b", .compare = both, .n_compare = 2}};
	struct matrix m = {.cells = cells, .n_cells = 2, .arms = arms, .n_arms = 2};
	size_t sel[2] = {0, 1};
	struct sample bs[22], cs[11];
	size_t nb = 0, nc = 0;
	/* base5's values in an order without drift between the halves ({10, 14} then {11, 13}):
	 * the statistics of a shift do not depend on the order, the run-to-run rule does */
	static const double unordered[] = {10, 14, 12, 11, 13};
	for (int r = 0; r < 5; r++) {
		add_sample(&bs[nb++], "a", "plain", r + 1, unordered[r], true);
		add_sample(&bs[nb++], "a", "traced", r + 1, unordered[r], true);
		add_sample(&bs[nb++], "b", "plain", r + 1, unordered[r], true);
		add_sample(&bs[nb++], "b", "traced", r + 1, unordered[r], true);
		add_sample(&cs[nc++], "a", "plain", r + 1, unordered[r] + 0.5, true);
		add_sample(&cs[nc++], "a", "traced", r + 1, unordered[r] + 5, true);
	}
	add_sample(&cs[nc++], "a", "traced", 6, 1000.0, false);
	struct compare_result res;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(compare_runs(&m, sel, 2, bs, nb, cs, nc, 5.0, NULL, &res, &d), 0);
	assert_int_equal(res.n_rows, 2);
	assert_string_equal(res.rows[0].arm, "plain");
	assert_int_equal(res.rows[0].status, COMPARE_NO_CHANGE);
	assert_string_equal(res.rows[1].arm, "traced");
	assert_int_equal(res.rows[1].shift.n_cur, 5);
	assert_true(res.rows[1].shift.estimate == 5.0);
	assert_int_equal(res.rows[1].status, COMPARE_REGRESSION);
	assert_int_equal(res.n_regressions, 1);
	struct json_object *j = compare_result_to_json(&res);
	struct json_object *rows = NULL, *st = NULL;
	assert_true(json_object_object_get_ex(j, "rows", &rows));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(rows, 1), "status", &st));
	assert_string_equal(json_object_get_string(st), "regression");
	json_object_put(j);
	compare_result_release(&res);
	diag_list_release(&d);
	for (size_t i = 0; i < nb; i++)
		sample_release(&bs[i]);
	for (size_t i = 0; i < nc; i++)
		sample_release(&cs[i]);
}

/* Mann–Whitney p-values against scipy.stats.mannwhitneyu (tests/stats/reference.py): exact
 * without ties, asymptotic with the tie correction otherwise. */
static void test_p_values(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "mann_whitney");
	for (size_t c = 0; c < json_object_array_length(cases); c++) {
		json_object *e = json_object_array_get_idx(cases, c);
		const char *name = json_object_get_string(expected_get(e, "name"));
		size_t m, n;
		double *b = expected_array(e, "base", &m), *k = expected_array(e, "cur", &n);
		struct compare_shift s;
		assert_int_equal(compare_shift(b, m, k, n, 0.95, &s), 0);
		expect_close(s.p_value, expected_num(e, "p_value"), "p_value", name);
		assert_int_equal(s.p_exact, json_object_get_boolean(expected_get(e, "exact")));
		free(b);
		free(k);
	}
	json_object_put(root);
}

static void add_sample(struct sample *s, const char *cell, const char *arm, int round,
                       double wall_ms, bool valid);

/* A stable pair of runs (stdev well under 10% of the mean) with a real +5% shift in one arm:
 * a reliable regression that fails the gate; the same runs on machines in different states are
 * unreliable and do not, unless --fail-on-unreliable. */
static void test_reliability(void **state)
{
	(void)state;
	struct matrix_arm arms[2] = {{.name = "plain"}, {.name = "traced"}};
	size_t both[2] = {0, 1};
	struct matrix_cell cells[1] = {{.name = "a", .compare = both, .n_compare = 2}};
	struct matrix m = {.cells = cells, .n_cells = 1, .arms = arms, .n_arms = 2};
	size_t sel[1] = {0};
	struct sample bs[20], cs[20];
	size_t nb = 0, nc = 0;
	for (int r = 0; r < 10; r++) {
		double jitter = (r % 5) * 0.05;
		add_sample(&bs[nb++], "a", "plain", r + 1, 10.0 + jitter, true);
		add_sample(&bs[nb++], "a", "traced", r + 1, 10.0 + jitter, true);
		add_sample(&cs[nc++], "a", "plain", r + 1, 10.01 + jitter, true);
		add_sample(&cs[nc++], "a", "traced", r + 1, 10.6 + jitter, true);
	}
	struct compare_result res;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(compare_runs(&m, sel, 1, bs, nb, cs, nc, 5.0, NULL, &res, &d), 0);
	assert_int_equal(res.n_rows, 2);
	assert_int_equal(res.rows[1].status, COMPARE_REGRESSION);
	assert_int_equal(res.rows[1].unreliable, 0);
	assert_true(res.rows[1].q_value < 0.05);
	assert_int_equal(res.n_regressions, 1);
	assert_true(compare_fails(&res, false));
	char buf[1024];
	compare_summary_sentence(&res, buf, sizeof(buf));
	assert_string_equal(buf, "regression: 1 of 2 rows slower by more than 5% with an interval "
	                         "above zero, q < 0.05 and both runs reliable (1 regression, 1 no "
	                         "detectable change)");
	compare_result_release(&res);

	assert_int_equal(compare_runs(&m, sel, 1, bs, nb, cs, nc, 5.0, "load differs", &res, &d),
	                 0);
	assert_int_equal(res.rows[1].status, COMPARE_REGRESSION);
	assert_int_equal(res.rows[1].unreliable, COMPARE_MACHINE_DIFFERS);
	assert_false(compare_fails(&res, false));
	assert_true(compare_fails(&res, true));
	compare_summary_sentence(&res, buf, sizeof(buf));
	assert_string_equal(buf,
	                    "no reliable regression: 2 rows compared (1 regression, 1 no "
	                    "detectable change); 2 of 2 rows unreliable, their regressions not "
	                    "counted (--fail-on-unreliable counts them)");
	compare_unreliable_format(&res.rows[0], res.machine_reasons, buf, sizeof(buf));
	assert_string_equal(buf, "machine state differs: load differs");
	compare_result_release(&res);

	/* two rounds a run: too few for 95%, so inconclusive, whatever the shift */
	assert_int_equal(compare_runs(&m, sel, 1, bs, 4, cs, 4, 5.0, NULL, &res, &d), 0);
	assert_int_equal(res.rows[1].status, COMPARE_INCONCLUSIVE);
	assert_false(compare_fails(&res, false));
	compare_summary_sentence(&res, buf, sizeof(buf));
	assert_string_equal(buf, "no regression: 2 rows compared (2 inconclusive (too few samples "
	                         "for a 95% interval))");
	compare_result_release(&res);
	diag_list_release(&d);
	for (size_t i = 0; i < nb; i++)
		sample_release(&bs[i]);
	for (size_t i = 0; i < nc; i++)
		sample_release(&cs[i]);
}

/* A run's drift: the HL shift from its first half to its second, the middle value of an odd
 * count left out. */
static void test_drift(void **state)
{
	(void)state;
	const double flat[] = {10, 11, 10, 11, 10, 11, 10, 11};
	assert_true(compare_drift(flat, 8) == 0.0);
	/* second half 2 ms slower: every cross difference is 2 */
	const double step[] = {10, 10, 10, 12, 12, 12};
	assert_true(compare_drift(step, 6) == 2.0);
	/* odd: 7 values, 3 + 3, the 4th (100) ignored; differences {2,3,4,1,2,3,0,1,2}: median 2 */
	const double odd[] = {10, 11, 12, 100, 13, 13, 13};
	assert_true(compare_drift(odd, 7) == 2.0);
	/* a slowdown that went away: negative drift */
	const double down[] = {15, 15, 10, 10};
	assert_true(compare_drift(down, 4) == -5.0);
	assert_true(isnan(compare_drift(step, 3)));
	assert_true(isnan(compare_drift(NULL, 0)));
}

/* The run-to-run rule, table-driven: which statuses the drift turns into "within drift". */
static void test_drift_status(void **state)
{
	(void)state;
	static const struct {
		enum compare_status in;
		double lo, hi, drift_base, drift_cur;
		enum compare_status out;
	} cases[] = {
	    {COMPARE_REGRESSION, 1.0, 3.0, 0.2, 0.3, COMPARE_REGRESSION},    /* 1 > 0.5 */
	    {COMPARE_REGRESSION, 1.0, 3.0, 0.6, -0.5, COMPARE_WITHIN_DRIFT}, /* 1 ≤ 1.1 */
	    {COMPARE_REGRESSION, 1.0, 3.0, 0.5, 0.5, COMPARE_WITHIN_DRIFT},  /* equal: not above */
	    {COMPARE_REGRESSION, 1.0, 3.0, NAN, NAN, COMPARE_REGRESSION},    /* unknown drift: 0 */
	    {COMPARE_REGRESSION, 1.0, 3.0, NAN, -1.5, COMPARE_WITHIN_DRIFT},
	    {COMPARE_IMPROVEMENT, -3.0, -1.0, 0.2, 0.3, COMPARE_IMPROVEMENT},
	    {COMPARE_IMPROVEMENT, -3.0, -1.0, -0.7, 0.3, COMPARE_WITHIN_DRIFT},
	    {COMPARE_WITHIN, 0.1, 0.2, 5.0, 5.0, COMPARE_WITHIN}, /* others unchanged */
	    {COMPARE_NO_CHANGE, -1.0, 1.0, 5.0, 5.0, COMPARE_NO_CHANGE},
	    {COMPARE_NOT_SIGNIFICANT, 1.0, 3.0, 5.0, 5.0, COMPARE_NOT_SIGNIFICANT},
	    {COMPARE_INCONCLUSIVE, 1.0, 3.0, 5.0, 5.0, COMPARE_INCONCLUSIVE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct compare_shift sh = {.lo = cases[i].lo, .hi = cases[i].hi};
		assert_int_equal(
		    compare_drift_status(cases[i].in, &sh, cases[i].drift_base, cases[i].drift_cur),
		    cases[i].out);
	}
	assert_string_equal(compare_status_name(COMPARE_WITHIN_DRIFT), "within drift");
}

/* Two runs of 8 samples each, the current 30% slower: a regression when each run is steady, and
 * "within drift" when the runs drift within themselves by as much; the sentence agrees. */
static void test_runs_drift(void **state)
{
	(void)state;
	static const double steady[] = {10.0, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0, 10.05};
	static const double drifting[] = {9.0, 9.1, 8.9, 9.0, 11.0, 11.1, 10.9, 11.05};
	struct matrix_arm arms[1] = {{.name = "a"}};
	size_t one[1] = {0};
	struct matrix_cell cells[1] = {{.name = "c", .compare = one, .n_compare = 1}};
	struct matrix m = {.cells = cells, .n_cells = 1, .arms = arms, .n_arms = 1};
	size_t sel[1] = {0};
	for (int variant = 0; variant < 2; variant++) {
		const double *b = variant ? drifting : steady;
		struct sample bs[8], cs[8];
		for (int r = 0; r < 8; r++) {
			add_sample(&bs[r], "c", "a", r + 1, b[r], true);
			add_sample(&cs[r], "c", "a", r + 1, b[r] * 1.3, true);
		}
		struct compare_result res;
		struct diag_list d;
		diag_list_init(&d);
		assert_int_equal(compare_runs(&m, sel, 1, bs, 8, cs, 8, 5.0, NULL, &res, &d), 0);
		assert_int_equal(res.n_rows, 1);
		char buf[512];
		compare_summary_sentence(&res, buf, sizeof(buf));
		if (variant == 0) {
			assert_int_equal(res.rows[0].status, COMPARE_REGRESSION);
			assert_true(compare_fails(&res, false));
			assert_non_null(strstr(buf, "regression: 1 of 1 rows"));
		} else {
			/* the base run moved 2 ms between its halves, the current 2.6: the shift's
			 * interval is above zero, but its lower bound is under 4.6 ms */
			assert_true(res.rows[0].drift_base == 2.0);
			assert_true(fabs(res.rows[0].drift_cur - 2.6) < 1e-9);
			assert_true(res.rows[0].shift.lo > 0.0 && res.rows[0].shift.lo < 4.6);
			assert_int_equal(res.rows[0].status, COMPARE_WITHIN_DRIFT);
			assert_int_equal(res.n_within_drift, 1);
			assert_false(compare_fails(&res, false));
			assert_string_equal(
			    buf, "no regression: 1 rows compared (1 within the runs' "
			         "own drift); 1 of 1 rows unreliable"); /* and pyperf's rule:
			                                                   stdev 10.8% */
			struct json_object *j = compare_result_to_json(&res);
			struct json_object *v = NULL;
			assert_true(json_object_object_get_ex(j, "within_drift", &v));
			assert_int_equal(json_object_get_int(v), 1);
			json_object_put(j);
		}
		compare_result_release(&res);
		diag_list_release(&d);
		for (int r = 0; r < 8; r++) {
			sample_release(&bs[r]);
			sample_release(&cs[r]);
		}
	}
}

/* The replicate rule, table-driven: the range of a side's run medians, and a regression or
 * improvement kept only when its bound nearer zero clears the larger side's range. */
static void test_runs_status(void **state)
{
	(void)state;
	static const double two[] = {1.4, 1.85}, three[] = {2.0, 1.9, 2.2}, one[] = {1.4};
	assert_true(fabs(compare_run_range(two, 2) - 0.45) < 1e-12);
	assert_true(fabs(compare_run_range(three, 3) - 0.3) < 1e-12);
	assert_true(isnan(compare_run_range(one, 1))); /* one run shows no run-level shift */
	assert_true(isnan(compare_run_range(one, 0)));
	static const struct {
		enum compare_status in;
		double lo, hi, spread;
		enum compare_status out;
	} cases[] = {
	    {COMPARE_REGRESSION, 0.5, 0.9, 0.45, COMPARE_REGRESSION},   /* 0.5 > 0.45 */
	    {COMPARE_REGRESSION, 0.4, 0.9, 0.45, COMPARE_WITHIN_RUNS},  /* 0.4 ≤ 0.45 */
	    {COMPARE_REGRESSION, 0.45, 0.9, 0.45, COMPARE_WITHIN_RUNS}, /* equal: not above */
	    {COMPARE_REGRESSION, 0.1, 0.9, NAN, COMPARE_REGRESSION},    /* not estimated: no rule */
	    {COMPARE_IMPROVEMENT, -0.9, -0.5, 0.45, COMPARE_IMPROVEMENT},
	    {COMPARE_IMPROVEMENT, -0.9, -0.3, 0.45, COMPARE_WITHIN_RUNS},
	    {COMPARE_WITHIN_DRIFT, 0.1, 0.9, 0.0, COMPARE_WITHIN_DRIFT}, /* others unchanged */
	    {COMPARE_WITHIN, 0.1, 0.2, 5.0, COMPARE_WITHIN},
	    {COMPARE_NO_CHANGE, -1.0, 1.0, 5.0, COMPARE_NO_CHANGE},
	    {COMPARE_NOT_SIGNIFICANT, 1.0, 3.0, 5.0, COMPARE_NOT_SIGNIFICANT},
	    {COMPARE_INCONCLUSIVE, 1.0, 3.0, 5.0, COMPARE_INCONCLUSIVE},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct compare_shift sh = {.lo = cases[i].lo, .hi = cases[i].hi};
		assert_int_equal(compare_runs_status(cases[i].in, &sh, cases[i].spread),
		                 cases[i].out);
	}
	assert_string_equal(compare_status_name(COMPARE_WITHIN_RUNS),
	                    "within run-to-run variation");
}

/* Replicates of one steady run (stdev about 0.6% of the mean): runs[k] is the base run with
 * every value times scale[k]. */
static void replicate(struct sample *s, const double *base, double scale)
{
	for (int r = 0; r < 8; r++)
		add_sample(&s[r], "c", "a", r + 1, base[r] * scale, true);
}

/* The A/A case the rule is for: two runs per side of the same code, one of the base runs 34%
 * slower as a whole (a run-level shift nothing inside a run shows). One run against one run calls
 * it a regression; with replicates it is within run-to-run variation; a real +40% change on top
 * of the same runs clears the spread and is still found. The sentence and the note agree. */
static void test_replicates(void **state)
{
	(void)state;
	static const double steady[] = {10.0, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0, 10.05};
	struct matrix_arm arms[1] = {{.name = "a"}};
	size_t one[1] = {0};
	struct matrix_cell cells[1] = {{.name = "c", .compare = one, .n_compare = 1}};
	struct matrix m = {.cells = cells, .n_cells = 1, .arms = arms, .n_arms = 1};
	size_t sel[1] = {0};
	/* scales of the steady run: base 1.00 and 1.01; current 1.34 and 1.12 in the A/A case, both
	 * above the base (so that the pooled interval excludes zero) but 22% apart */
	static const struct {
		double base[2], cur[2];
		size_t n_base, n_cur;
		enum compare_status status;
		bool fails;
		const char *sentence, *note;
	} cases[] = {
	    {{1.0},
	     {1.34},
	     1,
	     1,
	     COMPARE_REGRESSION,
	     true,
	     "regression: 1 of 1 rows",
	     "one run per side: run-level shifts"},
	    {{1.0, 1.01},
	     {1.34, 1.12},
	     2,
	     2,
	     COMPARE_WITHIN_RUNS,
	     false,
	     "no regression: 1 rows compared (1 within run-to-run variation)",
	     ""},
	    {{1.0, 1.01},
	     {1.34},
	     2,
	     1,
	     COMPARE_REGRESSION,
	     true,
	     "regression: 1 of 1 rows",
	     "one current run: its own run-level shift"},
	    {{1.0, 1.01},
	     {1.34 * 1.4, 1.12 * 1.4},
	     2,
	     2,
	     COMPARE_REGRESSION,
	     true,
	     "regression: 1 of 1 rows",
	     ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sample s[4][8];
		struct compare_run b[2], c[2];
		for (size_t k = 0; k < cases[i].n_base; k++) {
			replicate(s[k], steady, cases[i].base[k]);
			b[k] = (struct compare_run){s[k], 8};
		}
		for (size_t k = 0; k < cases[i].n_cur; k++) {
			replicate(s[2 + k], steady, cases[i].cur[k]);
			c[k] = (struct compare_run){s[2 + k], 8};
		}
		struct compare_result res;
		struct diag_list d;
		diag_list_init(&d);
		assert_int_equal(compare_replicates(&m, sel, 1, b, cases[i].n_base, c,
		                                    cases[i].n_cur, 5.0, NULL, &res, &d),
		                 0);
		assert_int_equal(res.n_rows, 1);
		const struct compare_row *row = &res.rows[0];
		assert_int_equal(row->status, cases[i].status);
		assert_int_equal(compare_fails(&res, false), cases[i].fails);
		assert_int_equal(row->n_runs_base, cases[i].n_base);
		assert_int_equal(row->n_runs_cur, cases[i].n_cur);
		assert_int_equal(row->unreliable, 0); /* each run is steady: pyperf per run */
		if (cases[i].n_base > 1 || cases[i].n_cur > 1) {
			/* the medians of the runs, 10.0 × scale, and their largest range */
			double want = 0.0;
			for (size_t k = 0; k < cases[i].n_base; k++)
				assert_true(fabs(row->run_medians_base[k] -
				                 10.0 * cases[i].base[k]) < 1e-9);
			if (cases[i].n_base > 1)
				want = 10.0 * fabs(cases[i].base[1] - cases[i].base[0]);
			if (cases[i].n_cur > 1)
				want = fmax(want, 10.0 * fabs(cases[i].cur[1] - cases[i].cur[0]));
			assert_true(fabs(row->run_spread - want) < 1e-9);
		} else {
			assert_true(isnan(row->run_spread));
		}
		char buf[512], note[512];
		compare_summary_sentence(&res, buf, sizeof(buf));
		compare_replicate_note(&res, note, sizeof(note));
		assert_non_null(strstr(buf, cases[i].sentence));
		if (cases[i].note[0])
			assert_non_null(strstr(note, cases[i].note));
		else
			assert_string_equal(note, "");
		struct json_object *j = compare_result_to_json(&res);
		struct json_object *rows = NULL, *x = NULL;
		assert_true(json_object_object_get_ex(j, "rows", &rows));
		assert_true(json_object_object_get_ex(json_object_array_get_idx(rows, 0),
		                                      "run_to_run_estimated", &x));
		assert_int_equal(json_object_get_boolean(x), !isnan(row->run_spread));
		assert_true(json_object_object_get_ex(j, "within_run_to_run", &x));
		assert_int_equal(json_object_get_int(x), res.n_within_runs);
		json_object_put(j);
		compare_result_release(&res);
		diag_list_release(&d);
		for (size_t k = 0; k < 4; k++)
			for (int r = 0; r < 8; r++)
				if ((k < 2 && k < cases[i].n_base) ||
				    (k >= 2 && k - 2 < cases[i].n_cur))
					sample_release(&s[k][r]);
	}
}

/* pyperf's rule with replicates takes the median of a side's runs: one noisy run of three leaves
 * the side stable (its shift shows in the run-to-run range instead), two make it unstable. */
static void test_replicates_stability(void **state)
{
	(void)state;
	static const double steady[] = {10.0, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0, 10.05};
	static const double noisy[] = {8.0, 12.0, 9.0, 11.5, 8.5, 12.5, 10.0, 9.0}; /* cv 17.1% */
	struct matrix_arm arms[1] = {{.name = "a"}};
	size_t one[1] = {0};
	struct matrix_cell cells[1] = {{.name = "c", .compare = one, .n_compare = 1}};
	struct matrix m = {.cells = cells, .n_cells = 1, .arms = arms, .n_arms = 1};
	size_t sel[1] = {0};
	for (size_t n_noisy = 1; n_noisy <= 2; n_noisy++) {
		struct sample s[4][8];
		struct compare_run b[3], c[1];
		for (size_t k = 0; k < 3; k++) {
			replicate(s[k], k < n_noisy ? noisy : steady, 1.0);
			b[k] = (struct compare_run){s[k], 8};
		}
		replicate(s[3], steady, 1.0);
		c[0] = (struct compare_run){s[3], 8};
		struct compare_result res;
		struct diag_list d;
		diag_list_init(&d);
		assert_int_equal(compare_replicates(&m, sel, 1, b, 3, c, 1, 5.0, NULL, &res, &d),
		                 0);
		assert_int_equal(res.rows[0].unreliable,
		                 n_noisy == 1 ? 0u : (unsigned)COMPARE_UNSTABLE_BASE);
		char why[256];
		compare_unreliable_format(&res.rows[0], NULL, why, sizeof(why));
		if (n_noisy == 2)
			assert_non_null(strstr(
			    why,
			    "base runs unstable: stdev 17.1% of the mean (the median of 3 runs)"));
		assert_true(res.rows[0].run_spread >= 0.0); /* three base runs: estimated */
		compare_result_release(&res);
		diag_list_release(&d);
		for (size_t k = 0; k < 4; k++)
			for (int r = 0; r < 8; r++)
				sample_release(&s[k][r]);
	}
}

/* The comparison page's verdict is the closing sentence of `tare compare`: a regression on a
 * machine whose state differs (unreliable) is not called a regression on the page either (the
 * page used to say "regression: 1 of 1 cell arms slower"). */
static void test_html_verdict(void **state)
{
	(void)state;
	static const double steady[] = {10.0, 10.1, 9.9, 10.0, 10.1, 9.9, 10.0, 10.05};
	struct matrix_arm arms[1] = {{.name = "a"}};
	size_t one[1] = {0};
	struct matrix_cell cells[1] = {{.name = "c", .compare = one, .n_compare = 1}};
	struct matrix m = {.name = "m", .cells = cells, .n_cells = 1, .arms = arms, .n_arms = 1};
	size_t sel[1] = {0};
	struct sample bs[8], cs[8];
	replicate(bs, steady, 1.0);
	replicate(cs, steady, 1.3);
	for (int machine = 0; machine < 2; machine++) {
		struct compare_result res;
		struct diag_list d;
		diag_list_init(&d);
		assert_int_equal(compare_runs(&m, sel, 1, bs, 8, cs, 8, 5.0,
		                              machine ? "other CPU 0.02 and 0.48" : NULL, &res, &d),
		                 0);
		assert_int_equal(res.rows[0].status, COMPARE_REGRESSION);
		struct report_compare_side sb = {"b", &m, sel, 1, bs, 8, NULL};
		struct report_compare_side sc = {"c", &m, sel, 1, cs, 8, NULL};
		struct strbuf page;
		strbuf_init(&page);
		report_html_compare_build(&sb, &sc, &res, &d, &page);
		assert_non_null(strstr(page.buf, machine ? "no reliable regression: 1 rows compared"
		                                         : "regression: 1 of 1 rows slower"));
		assert_non_null(strstr(page.buf, "one run per side: run-level shifts"));
		assert_null(strstr(page.buf, "cell arms")); /* the old wording */
		strbuf_release(&page);
		compare_result_release(&res);
		diag_list_release(&d);
	}
	for (int r = 0; r < 8; r++) {
		sample_release(&bs[r]);
		sample_release(&cs[r]);
	}
}

/* The other-CPU rule, table-driven, and the load-average rule when a run lacks the field. */
static void test_machine_other_cpu(void **state)
{
	(void)state;
	static const struct {
		const char *base, *cur; /* other_cpu_fraction, or "" for a run without it */
		const char *why;        /* NULL: the states agree */
	} cases[] = {
	    {"0.01", "0.03", NULL}, /* an idle machine with a terminal, twice */
	    {"0.02", "0.12", NULL}, /* 0.10 apart: not more */
	    {"0.02", "0.13",
	     "other CPU 0.02 of the machine in the base run, 0.13 in the current one "
	     "(differs by more than 0.10)"},
	    {"0.01", "0.48",
	     "other CPU 0.01 of the machine in the base run, 0.48 in the current one "
	     "(differs by more than 0.10); the current run's machine was busy (other "
	     "CPU 0.48 > 0.25)"},
	    {"0.30", "0.32",
	     "the base run's machine was busy (other CPU 0.30 > 0.25); the current "
	     "run's machine was busy (other CPU 0.32 > 0.25)"},
	    /* the load averages below differ (0.05 and 0.85 per core): ignored when both runs have
	     * the fraction, used when one lacks it */
	    {"0.01", "",
	     "load 0.05 per core in the base run, 0.85 in the current one (differs by "
	     "more than 0.25)"},
	    {"", "null",
	     "load 0.05 per core in the base run, 0.85 in the current one (differs by "
	     "more than 0.25)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char jb[512], jc[512];
		snprintf(
		    jb, sizeof(jb),
		    "{\"host_class\": \"linux-x86_64-6.18-cpu-2\", \"load_start\": [0.1, 0, 0], "
		    "\"load_end\": [0.1, 0, 0]%s%s}",
		    *cases[i].base ? ", \"other_cpu_fraction\": " : "", cases[i].base);
		snprintf(
		    jc, sizeof(jc),
		    "{\"host_class\": \"linux-x86_64-6.18-cpu-2\", \"load_start\": [1.7, 0, 0], "
		    "\"load_end\": [0.3, 0, 0]%s%s}",
		    *cases[i].cur ? ", \"other_cpu_fraction\": " : "", cases[i].cur);
		/* the current run's load is 0.85 per core: only a lacking fraction lets it count */
		struct json_object *ob = json_tokener_parse(jb), *oc = json_tokener_parse(jc);
		assert_non_null(ob);
		assert_non_null(oc);
		struct compare_machine b, c;
		compare_machine_read(ob, &b);
		compare_machine_read(oc, &c);
		char *why = compare_machine_differences(&b, &c);
		if (cases[i].why)
			assert_string_equal(why, cases[i].why);
		else
			assert_null(why);
		free(why);
		compare_machine_release(&b);
		compare_machine_release(&c);
		json_object_put(ob);
		json_object_put(oc);
	}
}

/* The machine-state rule on provenance objects. */
static void test_machine(void **state)
{
	(void)state;
	const char *quiet =
	    "{\"host_class\": \"linux-x86_64-6.18-cpu-2\", \"cpu_governor\": "
	    "\"none (no cpufreq)\", \"smt_active\": false, \"load_start\": [0.2, 0.1, "
	    "0.1], \"load_end\": [0.6, 0.2, 0.1]}";
	const char *hog =
	    "{\"host_class\": \"linux-x86_64-6.18-cpu-2\", \"cpu_governor\": "
	    "\"none (no cpufreq)\", \"smt_active\": false, \"load_start\": [1.1, 0.5, "
	    "0.2], \"load_end\": [1.7, 0.9, 0.4]}";
	const char *gov = "{\"host_class\": \"linux-x86_64-6.18-cpu-2\", \"cpu_governor\": "
	                  "\"powersave\", \"smt_active\": true, \"load_start\": [0.3, 0.1, 0.1], "
	                  "\"load_end\": [0.5, 0.2, 0.1]}";
	struct json_object *jq = json_tokener_parse(quiet), *jh = json_tokener_parse(hog),
	                   *jg = json_tokener_parse(gov);
	struct compare_machine q, h, g, none;
	compare_machine_read(jq, &q);
	compare_machine_read(jh, &h);
	compare_machine_read(jg, &g);
	compare_machine_read(NULL, &none);
	assert_int_equal(q.cores, 2);
	assert_true(q.load == 0.6 && h.load == 1.7);
	assert_null(compare_machine_differences(&q, &q));
	char *why = compare_machine_differences(&q, &h);
	assert_non_null(why);
	assert_string_equal(why, "load 0.30 per core in the base run, 0.85 in the current one "
	                         "(differs by more than 0.25)");
	free(why);
	why = compare_machine_differences(&q, &g);
	assert_string_equal(why, "cpu governor 'none (no cpufreq)' in the base run, 'powersave' in "
	                         "the current one; SMT off in the base run, on in the current one");
	free(why);
	why = compare_machine_differences(&none, &none);
	assert_null(why);
	why = compare_machine_differences(&q, &none);
	assert_non_null(strstr(why, "load average unknown for the current run"));
	free(why);
	compare_machine_release(&q);
	compare_machine_release(&h);
	compare_machine_release(&g);
	compare_machine_release(&none);
	json_object_put(jq);
	json_object_put(jh);
	json_object_put(jg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ci_rank_exact),
	    cmocka_unit_test(test_ci_rank_normal),
	    cmocka_unit_test(test_shift_interval_touching_zero),
	    cmocka_unit_test(test_shift_regression),
	    cmocka_unit_test(test_shift_within_threshold),
	    cmocka_unit_test(test_shift_too_small),
	    cmocka_unit_test(test_format_negative),
	    cmocka_unit_test(test_compatible),
	    cmocka_unit_test(test_compare_runs),
	    cmocka_unit_test(test_p_values),
	    cmocka_unit_test(test_reliability),
	    cmocka_unit_test(test_machine),
	    cmocka_unit_test(test_machine_other_cpu),
	    cmocka_unit_test(test_drift),
	    cmocka_unit_test(test_drift_status),
	    cmocka_unit_test(test_runs_drift),
	    cmocka_unit_test(test_runs_status),
	    cmocka_unit_test(test_replicates),
	    cmocka_unit_test(test_replicates_stability),
	    cmocka_unit_test(test_html_verdict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
