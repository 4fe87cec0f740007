/* Unit tests for paired statistics: hand-worked Wilcoxon/Hodges–Lehmann cases, printed critical
 * values, verdict wording, and values from tests/stats/reference.py (scipy + brute force). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/paired.h"

#include "../stats/expected_json.h"

#include <string.h>

/* n = 3, a = {10, 10, 10}, b = {11, 13, 12}: d = {1, 3, 2}.
 * Walsh averages (d_i + d_j)/2, i ≤ j: 1, 2, 1.5, 3, 2.5, 2 → sorted 1 1.5 2 2 2.5 3, median 2.
 * W+ over sign vectors of ranks {1,2,3}: 0 1 2 3 3 4 5 6, so P(W+ ≤ 0) = 1/8 ≥ 0.025: q = 0,
 * raised to k = 1, interval [W_(1), W_(6)] = [1, 3] with confidence 1 − 2/8 = 0.75.
 * All d > 0 with ranks 1, 3, 2: W+ = 6, p = 2·P(W+ ≥ 6) = 2/8 = 0.25.
 * The interval excludes 0, but only at 75%: the verdict must be "inconclusive", neither a
 * difference nor "no difference". */
static void test_hand_n3(void **state)
{
	(void)state;
	double a[] = {10, 10, 10}, b[] = {11, 13, 12};
	struct stats_paired p;
	assert_int_equal(stats_paired(a, b, 3, 0.95, &p), 0);
	assert_true(p.median_delta == 2.0);
	assert_true(p.hl.estimate == 2.0);
	assert_true(p.hl.lo == 1.0 && p.hl.hi == 3.0);
	assert_int_equal(p.hl.k, 1);
	assert_true(p.hl.conf_achieved == 0.75);
	assert_int_equal(p.hl.method, STATS_CI_EXACT_WILCOXON);
	assert_true(p.test.w_plus == 6.0);
	assert_true(p.test.p_value == 0.25);
	assert_true(p.test.exact && !p.test.ties);
	expect_close(p.rel_pct, 20.0, "rel_pct", "n3");
	expect_close(p.rel_lo, 10.0, "rel_lo", "n3");
	expect_close(p.rel_hi, 30.0, "rel_hi", "n3");
	assert_int_equal(stats_delta_verdict(p.hl.lo, p.hl.hi), DELTA_HIGHER);
	assert_int_equal(stats_paired_verdict(&p), DELTA_INCONCLUSIVE);
	assert_true(isnan(p.min_detectable) && isnan(p.min_detectable_pct));
	char buf[256];
	stats_delta_format(&p, "ms", 2, buf, sizeof(buf));
	assert_string_equal(buf, "inconclusive: too few pairs: +2.00 ms [1.00, 3.00] (75.0% "
	                         "interval: 3 pairs cannot reach 95%)");
}

/* n = 6, d = 1..6 (all up, untied): P(W+ ≤ 0) = 1/64 < 0.025 ≤ P(W+ ≤ 1) = 2/64, so k = 1,
 * interval [min, max of Walsh] = [1, 6] at 1 − 2/64 = 0.96875; W+ = 21, p = 2/64. */
static void test_hand_n6(void **state)
{
	(void)state;
	double a[] = {100, 100, 100, 100, 100, 100}, b[] = {101, 102, 103, 104, 105, 106};
	struct stats_paired p;
	assert_int_equal(stats_paired(a, b, 6, 0.95, &p), 0);
	assert_true(p.hl.estimate == 3.5 && p.hl.lo == 1.0 && p.hl.hi == 6.0);
	assert_true(p.hl.conf_achieved == 0.96875);
	assert_true(p.test.p_value == 2.0 / 64.0);
	assert_int_equal(stats_paired_verdict(&p), DELTA_HIGHER);
	char buf[256];
	stats_delta_format(&p, "ms", 2, buf, sizeof(buf));
	assert_string_equal(buf, "+3.50 ms [1.00, 6.00] (+3.5%) \xe2\x80\x94 higher");

	struct stats_paired q;
	assert_int_equal(stats_paired(b, a, 6, 0.95, &q), 0); /* swapped: everything mirrors */
	assert_true(q.hl.estimate == -3.5 && q.hl.lo == -6.0 && q.hl.hi == -1.0);
	assert_true(q.test.w_plus == 0.0 && q.test.p_value == 2.0 / 64.0);
	assert_int_equal(stats_paired_verdict(&q), DELTA_LOWER);
	stats_delta_format(&q, "ms", 1, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x88\x92"
	                         "3.5 ms [\xe2\x88\x92"
	                         "6.0, \xe2\x88\x92"
	                         "1.0] (\xe2\x88\x92"
	                         "3.4%) \xe2\x80\x94 lower");
}

/* Two-sided α = 0.05 critical values T (reject when W ≤ T) from printed signed-rank tables; the
 * interval rank is k = T + 1. */
static void test_critical_values(void **state)
{
	(void)state;
	static const size_t table[][2] = {{6, 0},   {7, 2},    {8, 3},    {9, 5},   {10, 8},
	                                  {11, 10}, {12, 13},  {13, 17},  {14, 21}, {15, 25},
	                                  {16, 29}, {17, 34},  {18, 40},  {19, 46}, {20, 52},
	                                  {25, 89}, {30, 137}, {40, 264}, {50, 434}};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		size_t k;
		double achieved;
		enum stats_ci_method m;
		assert_int_equal(stats_signrank_ci_rank(table[i][0], 0.95, &k, &achieved, &m), 0);
		assert_int_equal(k, table[i][1] + 1);
		assert_int_equal(m, STATS_CI_EXACT_WILCOXON);
		assert_true(achieved >= 0.95 && achieved < 0.99);
	}
	/* the normal approximation takes over above 50 and lands next to the exact value */
	size_t k50, k51;
	double a50, a51;
	enum stats_ci_method m;
	assert_int_equal(stats_signrank_ci_rank(50, 0.95, &k50, &a50, &m), 0);
	assert_int_equal(stats_signrank_ci_rank(51, 0.95, &k51, &a51, &m), 0);
	assert_int_equal(m, STATS_CI_NORMAL_WILCOXON);
	assert_true(k51 > k50 && k51 - k50 <= 20);
	assert_true(fabs(a51 - 0.95) < 0.002);
	/* below n = 6 no interval reaches 95%: k = 1 and the achieved level is 1 − 2/2^n */
	assert_int_equal(stats_signrank_ci_rank(5, 0.95, &k50, &a50, &m), 0);
	assert_int_equal(k50, 1);
	assert_true(a50 == 1.0 - 2.0 / 32.0);
	assert_int_equal(stats_signrank_ci_rank(0, 0.95, &k50, &a50, &m), -1);
	assert_int_equal(stats_signrank_ci_rank(5, 1.0, &k50, &a50, &m), -1);
}

static void test_edges(void **state)
{
	(void)state;
	struct stats_paired p;
	assert_int_equal(stats_paired(NULL, NULL, 0, 0.95, &p), 0);
	assert_true(isnan(p.hl.estimate) && isnan(p.hl.lo) && isnan(p.median_delta));
	assert_int_equal(p.hl.method, STATS_CI_NONE);
	assert_true(p.test.p_value == 1.0 && p.test.n_used == 0);
	assert_int_equal(stats_paired_verdict(&p), DELTA_INCONCLUSIVE);
	char buf[128];
	stats_delta_format(&p, "ms", 2, buf, sizeof(buf));
	assert_string_equal(buf, "inconclusive: no pairs");

	/* equal arms: all differences zero, dropped for the test (p = 1), HL = 0 */
	double a[] = {3, 4, 5};
	assert_int_equal(stats_paired(a, a, 3, 0.95, &p), 0);
	assert_true(p.hl.estimate == 0.0 && p.hl.lo == 0.0 && p.hl.hi == 0.0);
	assert_true(p.test.n_zeros == 3 && p.test.p_value == 1.0);
	stats_delta_format(&p, "", 2, buf, sizeof(buf));
	assert_string_equal(buf, "inconclusive: too few pairs: 0.00 [0.00, 0.00] (75.0% interval: "
	                         "3 pairs cannot reach 95%)");

	/* a zero baseline has no relative overhead */
	double z[] = {0, 0, 0, 0, 0, 0, 0}, b[] = {1, 2, 3, 4, 5, 6, 7};
	assert_int_equal(stats_paired(z, b, 7, 0.95, &p), 0);
	assert_true(isnan(p.rel_pct) && isnan(p.rel_lo) && isnan(p.rel_hi));
	stats_delta_format(&p, "ms", 0, buf, sizeof(buf));
	assert_string_equal(buf, "+4 ms [2, 6] \xe2\x80\x94 higher");

	double bad[] = {1, NAN, 3};
	assert_int_equal(stats_paired(a, bad, 3, 0.95, &p), -1);
	assert_int_equal(stats_paired(a, a, 3, 1.5, &p), -1);
}

/* The verdict never calls an interval touching or spanning zero a difference. */
static void test_verdict(void **state)
{
	(void)state;
	assert_int_equal(stats_delta_verdict(0.1, 2.0), DELTA_HIGHER);
	assert_int_equal(stats_delta_verdict(-2.0, -0.1), DELTA_LOWER);
	assert_int_equal(stats_delta_verdict(-0.1, 2.0), DELTA_NO_DIFFERENCE);
	assert_int_equal(stats_delta_verdict(0.0, 2.0), DELTA_NO_DIFFERENCE);
	assert_int_equal(stats_delta_verdict(-2.0, 0.0), DELTA_NO_DIFFERENCE);
	assert_int_equal(stats_delta_verdict(NAN, 2.0), DELTA_NO_DIFFERENCE);
	assert_int_equal(stats_delta_verdict(0.1, NAN), DELTA_NO_DIFFERENCE);

	struct stats_paired p;
	memset(&p, 0, sizeof(p));
	p.hl.estimate = -0.1;
	p.hl.lo = -0.5;
	p.hl.hi = 0.3;
	p.hl.conf = 0.95;
	p.hl.conf_achieved = 0.951;
	p.hl.n = 12;
	p.hl.method = STATS_CI_EXACT_WILCOXON;
	p.rel_pct = -0.4;
	p.min_detectable = 0.8;
	p.min_detectable_pct = 3.2;
	p.q_value = NAN;
	char buf[160];
	int len = stats_delta_format(&p, "ms", 1, buf, sizeof(buf));
	assert_string_equal(buf, "no detectable difference: \xe2\x88\x92"
	                         "0.1 ms [\xe2\x88\x92"
	                         "0.5, 0.3]; no difference larger than 0.8 ms (3.2%) detectable");
	assert_int_equal(len, (int)strlen(buf));
	assert_null(strstr(buf, "higher"));
	assert_null(strstr(buf, "faster"));
	/* a value that rounds to zero carries no sign */
	p.hl.estimate = -0.001;
	stats_delta_format(&p, "ms", 2, buf, sizeof(buf));
	assert_string_equal(buf,
	                    "no detectable difference: 0.00 ms [\xe2\x88\x92"
	                    "0.50, 0.30]; no difference larger than 0.80 ms (3.2%) detectable");
	/* without a baseline median there is no percentage */
	p.min_detectable_pct = NAN;
	stats_delta_format(&p, "ms", 2, buf, sizeof(buf));
	assert_non_null(strstr(buf, "; no difference larger than 0.80 ms detectable"));
	/* a difference the run's multiplicity does not support says so */
	p.hl.lo = 0.1;
	p.hl.estimate = 0.2;
	p.q_value = 0.31;
	p.q_family = 21;
	stats_delta_format(&p, "ms", 2, buf, sizeof(buf));
	assert_string_equal(buf, "+0.20 ms [0.10, 0.30] (\xe2\x88\x92"
	                         "0.4%) \xe2\x80\x94 higher, but q = 0.31 over 21 pairs: not "
	                         "significant after Benjamini\xe2\x80\x93Hochberg");
	p.q_value = 0.01;
	stats_delta_format(&p, "ms", 2, buf, sizeof(buf));
	assert_null(strstr(buf, "q ="));
	p.hl.lo = -0.5;
	p.hl.estimate = -0.001;
	/* truncation reports the needed length, like snprintf */
	char small[8];
	assert_true(stats_delta_format(&p, "ms", 2, small, sizeof(small)) > 8);
	assert_int_equal(strlen(small), 7);
}

static void check_case(json_object *e)
{
	const char *name = json_object_get_string(expected_get(e, "name"));
	size_t n, nb;
	double *a = expected_array(e, "a", &n);
	double *b = expected_array(e, "b", &nb);
	assert_int_equal(n, nb);
	struct stats_paired p;
	assert_int_equal(stats_paired(a, b, n, 0.95, &p), 0);
	expect_close(p.median_a, expected_num(e, "median_a"), "median_a", name);
	expect_close(p.median_delta, expected_num(e, "median_delta"), "median_delta", name);
	expect_close(p.hl.estimate, expected_num(e, "hl"), "hl", name);
	expect_close(p.hl.lo, expected_num(e, "ci_lo"), "ci_lo", name);
	expect_close(p.hl.hi, expected_num(e, "ci_hi"), "ci_hi", name);
	expect_close(p.hl.conf_achieved, expected_num(e, "conf_achieved"), "conf_achieved", name);
	assert_int_equal(p.hl.k, json_object_get_int64(expected_get(e, "k")));
	const char *method = json_object_get_string(expected_get(e, "ci_method"));
	assert_int_equal(p.hl.method, strcmp(method, "exact") == 0 ? STATS_CI_EXACT_WILCOXON
	                                                           : STATS_CI_NORMAL_WILCOXON);
	expect_close(p.rel_pct, expected_num(e, "rel_pct"), "rel_pct", name);
	expect_close(p.rel_lo, expected_num(e, "rel_lo"), "rel_lo", name);
	expect_close(p.rel_hi, expected_num(e, "rel_hi"), "rel_hi", name);

	json_object *t = expected_get(e, "test");
	assert_int_equal(p.test.n_used, json_object_get_int64(expected_get(t, "n_used")));
	assert_int_equal(p.test.n_zeros, json_object_get_int64(expected_get(t, "n_zeros")));
	assert_true(p.test.w_plus == expected_num(t, "w_plus"));
	assert_int_equal(p.test.ties, json_object_get_boolean(expected_get(t, "ties")));
	assert_int_equal(p.test.exact, json_object_get_boolean(expected_get(t, "exact")));
	expect_close(p.test.p_value, expected_num(t, "p_value"), "p_value", name);
	free(a);
	free(b);
}

static void test_against_reference(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "paired");
	assert_true(json_object_array_length(cases) >= 10);
	for (size_t c = 0; c < json_object_array_length(cases); c++)
		check_case(json_object_array_get_idx(cases, c));
	json_object_put(root);
}

static void test_names(void **state)
{
	(void)state;
	/* the names summary.json carries (schemas/summary.v1.schema.json) */
	assert_string_equal(stats_delta_verdict_name(DELTA_NO_DIFFERENCE), "no_difference");
	assert_string_equal(stats_delta_verdict_name(DELTA_HIGHER), "higher");
	assert_string_equal(stats_delta_verdict_name(DELTA_LOWER), "lower");
	assert_string_equal(stats_ci_method_name(STATS_CI_NONE), "none");
	assert_string_equal(stats_ci_method_name(STATS_CI_EXACT_WILCOXON),
	                    "exact Wilcoxon signed-rank");
	assert_string_equal(stats_ci_method_name(STATS_CI_NORMAL_WILCOXON),
	                    "normal approximation of Wilcoxon signed-rank");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hand_n3),         cmocka_unit_test(test_hand_n6),
	    cmocka_unit_test(test_critical_values), cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_verdict),         cmocka_unit_test(test_against_reference),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
