/* Unit tests of the run comparison: rank-sum critical ranks, the shift and its interval on hand-
 * computed cases, the regression rule, and the refusal to compare incompatible runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/compare.h"

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
	for (int r = 0; r < 5; r++) {
		add_sample(&bs[nb++], "a", "plain", r + 1, base5[r], true);
		add_sample(&bs[nb++], "a", "traced", r + 1, base5[r], true);
		add_sample(&bs[nb++], "b", "plain", r + 1, base5[r], true);
		add_sample(&bs[nb++], "b", "traced", r + 1, base5[r], true);
		add_sample(&cs[nc++], "a", "plain", r + 1, base5[r] + 0.5, true);
		add_sample(&cs[nc++], "a", "traced", r + 1, base5[r] + 5, true);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
