/* Unit tests for descriptive statistics: hand-worked cases and numpy/scipy reference values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/describe.h"

#include "../stats/expected_json.h"

static void test_empty_and_single(void **state)
{
	(void)state;
	struct stats_describe s;
	assert_int_equal(stats_describe(NULL, 0, &s), 0);
	assert_int_equal(s.n, 0);
	assert_true(isnan(s.min) && isnan(s.mean) && isnan(s.median) && isnan(s.p99));
	assert_true(isnan(s.stdev) && isnan(s.mad) && isnan(s.tail_ratio));
	assert_false(s.p99_is_max);

	double one = 4.0;
	assert_int_equal(stats_describe(&one, 1, &s), 0);
	assert_true(s.min == 4.0 && s.max == 4.0 && s.mean == 4.0 && s.median == 4.0);
	assert_true(s.p90 == 4.0 && s.p99 == 4.0 && s.mad == 0.0 && s.tail_ratio == 1.0);
	assert_true(isnan(s.stdev)); /* n − 1 = 0: undefined, not 0 */
	assert_true(s.p99_is_max);

	double q;
	assert_int_equal(stats_quantile(NULL, 0, 0.5, &q), 0);
	assert_true(isnan(q));
}

/* Type 7 by hand for x = {1, 2, 4, 8}: h = 3p.
 *   p = .5  → h = 1.5  → 2 + .5·(4 − 2) = 3
 *   p = .9  → h = 2.7  → 4 + .7·(8 − 4) = 6.8
 *   p = .99 → h = 2.97 → 4 + .97·4 = 7.88
 *   p = 0 → 1, p = 1 → 8.
 * Mean 3.75; deviations −2.75 −1.75 .25 4.25, Σ² = 7.5625 + 3.0625 + .0625 + 18.0625 = 28.75,
 * stdev = √(28.75/3). MAD: |x − 3| = 2 1 1 5 → median of {1,1,2,5} = 1.5. */
static void test_hand_quantiles(void **state)
{
	(void)state;
	double x[] = {8, 1, 4, 2};
	struct stats_describe s;
	assert_int_equal(stats_describe(x, 4, &s), 0);
	assert_true(x[0] == 8 && x[3] == 2); /* input untouched */
	assert_true(s.median == 3.0);
	expect_close(s.p90, 6.8, "p90", "hand");
	expect_close(s.p99, 7.88, "p99", "hand");
	expect_close(s.mean, 3.75, "mean", "hand");
	expect_close(s.stdev, sqrt(28.75 / 3.0), "stdev", "hand");
	assert_true(s.mad == 1.5);
	expect_close(s.mad_scaled, 1.5 * 1.4826, "mad_scaled", "hand");
	expect_close(s.tail_ratio, 7.88 / 3.0, "tail_ratio", "hand");
	assert_true(s.p99_is_max);

	double sorted[] = {1, 2, 4, 8};
	assert_true(stats_quantile_sorted(sorted, 4, 0.0) == 1.0);
	assert_true(stats_quantile_sorted(sorted, 4, 1.0) == 8.0);
	assert_true(isnan(stats_quantile_sorted(sorted, 4, 1.5)));
	assert_true(isnan(stats_quantile_sorted(sorted, 4, -0.1)));
	assert_true(isnan(stats_quantile_sorted(sorted, 4, NAN)));
}

static void test_rejects_non_finite(void **state)
{
	(void)state;
	double x[] = {1.0, NAN, 3.0};
	struct stats_describe s;
	assert_int_equal(stats_describe(x, 3, &s), -1);
	assert_true(isnan(s.mean));
	x[1] = INFINITY;
	double q = 0.0;
	assert_int_equal(stats_median(x, 3, &q), -1);
	assert_true(isnan(q));
}

/* p99_is_max flips exactly at n = 20 */
static void test_p99_flag_threshold(void **state)
{
	(void)state;
	double x[20];
	for (int i = 0; i < 20; i++)
		x[i] = i;
	struct stats_describe s;
	assert_int_equal(stats_describe(x, 19, &s), 0);
	assert_true(s.p99_is_max);
	assert_int_equal(stats_describe(x, 20, &s), 0);
	assert_false(s.p99_is_max);
}

static void test_against_reference(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "describe");
	size_t ncases = json_object_array_length(cases);
	assert_true(ncases >= 8);
	for (size_t c = 0; c < ncases; c++) {
		json_object *e = json_object_array_get_idx(cases, c);
		const char *name = json_object_get_string(expected_get(e, "name"));
		size_t n;
		double *x = expected_array(e, "x", &n);
		struct stats_describe s;
		assert_int_equal(stats_describe(x, n, &s), 0);
		assert_int_equal(s.n, json_object_get_int64(expected_get(e, "n")));
		expect_close(s.min, expected_num(e, "min"), "min", name);
		expect_close(s.max, expected_num(e, "max"), "max", name);
		expect_close(s.mean, expected_num(e, "mean"), "mean", name);
		expect_close(s.stdev, expected_num(e, "stdev"), "stdev", name);
		expect_close(s.median, expected_num(e, "median"), "median", name);
		expect_close(s.mad, expected_num(e, "mad"), "mad", name);
		expect_close(s.mad_scaled, expected_num(e, "mad_scaled"), "mad_scaled", name);
		expect_close(s.p90, expected_num(e, "p90"), "p90", name);
		expect_close(s.p95, expected_num(e, "p95"), "p95", name);
		expect_close(s.p99, expected_num(e, "p99"), "p99", name);
		expect_close(s.tail_ratio, expected_num(e, "tail_ratio"), "tail_ratio", name);
		assert_int_equal(s.p99_is_max,
		                 json_object_get_boolean(expected_get(e, "p99_is_max")));
		free(x);
	}
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_and_single),   cmocka_unit_test(test_hand_quantiles),
	    cmocka_unit_test(test_rejects_non_finite), cmocka_unit_test(test_p99_flag_threshold),
	    cmocka_unit_test(test_against_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
