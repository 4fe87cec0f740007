/* Unit tests for least-squares and Theil–Sen slopes: hand-worked cases and scipy values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/slope.h"

#include "../stats/expected_json.h"

/* x = {1, 2, 4}, y = {2, 2.5, 5}. Means 7/3 and 19/6; Sxx = 42/9 = 14/3, Sxy = 87/18 = 29/6:
 * slope 29/28, intercept 19/6 − (29/28)(7/3) = 3/4.
 * Pairwise slopes: (1→2) 0.5, (1→4) 1, (2→4) 1.25: Theil–Sen slope 1, intercept
 * median(y) − 1·median(x) = 2.5 − 2 = 0.5. Sen's σ² = 3·2·11/18 = 11/3, z = −1.96:
 * Ru = min(round((3 + 1.96·1.915)/2), 2) = 2, Rl = max(round((3 − 3.753)/2) − 1, 0) = 0,
 * so the interval is [0.5, 1.25] (every pairwise slope). */
static void test_hand_n3(void **state)
{
	(void)state;
	double x[] = {1, 2, 4}, y[] = {2, 2.5, 5};
	struct stats_ols o;
	assert_int_equal(stats_ols(x, y, 3, 0.95, &o), 0);
	expect_close(o.slope, 29.0 / 28.0, "slope", "hand");
	expect_close(o.intercept, 0.75, "intercept", "hand");
	assert_true(o.slope_lo < o.slope && o.slope < o.slope_hi);
	struct stats_theil_sen t;
	assert_int_equal(stats_theil_sen(x, y, 3, 0.95, &t), 0);
	assert_true(t.slope == 1.0 && t.intercept == 0.5);
	assert_true(t.slope_lo == 0.5 && t.slope_hi == 1.25);
	assert_int_equal(t.n_slopes, 3);
}

static void test_edges(void **state)
{
	(void)state;
	struct stats_ols o;
	struct stats_theil_sen t;
	assert_int_equal(stats_ols(NULL, NULL, 0, 0.95, &o), 0);
	assert_true(isnan(o.slope) && isnan(o.r2));
	assert_int_equal(stats_theil_sen(NULL, NULL, 0, 0.95, &t), 0);
	assert_true(isnan(t.slope) && t.n_slopes == 0);

	double x1[] = {3}, y1[] = {7};
	assert_int_equal(stats_ols(x1, y1, 1, 0.95, &o), 0);
	assert_true(isnan(o.slope));

	/* all x equal: no slope, by either method */
	double xs[] = {2, 2, 2}, ys[] = {1, 5, 3};
	assert_int_equal(stats_ols(xs, ys, 3, 0.95, &o), 0);
	assert_true(isnan(o.slope) && isnan(o.slope_lo));
	assert_int_equal(stats_theil_sen(xs, ys, 3, 0.95, &t), 0);
	assert_true(isnan(t.slope) && isnan(t.slope_lo) && t.n_slopes == 0);

	/* two points: a slope but no interval (n − 2 = 0 residual df) */
	double x2[] = {1, 3}, y2[] = {1, 2};
	assert_int_equal(stats_ols(x2, y2, 2, 0.95, &o), 0);
	assert_true(o.slope == 0.5 && o.r2 == 1.0 && isnan(o.slope_lo) && isnan(o.slope_se));

	/* constant y: slope 0, r² 0 as scipy (r undefined, reported as 0), zero-width interval */
	double yc[] = {4, 4, 4, 4}, xc[] = {1, 2, 3, 4};
	assert_int_equal(stats_ols(xc, yc, 4, 0.95, &o), 0);
	assert_true(o.slope == 0.0 && o.r2 == 0.0 && o.slope_lo == 0.0 && o.slope_hi == 0.0);

	double bad[] = {1, INFINITY, 3};
	assert_int_equal(stats_ols(bad, ys, 3, 0.95, &o), -1);
	assert_int_equal(stats_theil_sen(xs, bad, 3, 0.95, &t), -1);
	assert_int_equal(stats_theil_sen(xs, ys, 3, 0.0, &t), -1);
}

static void test_against_reference(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "slope");
	assert_true(json_object_array_length(cases) >= 5);
	for (size_t c = 0; c < json_object_array_length(cases); c++) {
		json_object *e = json_object_array_get_idx(cases, c);
		const char *name = json_object_get_string(expected_get(e, "name"));
		size_t n, ny;
		double *x = expected_array(e, "x", &n);
		double *y = expected_array(e, "y", &ny);
		assert_int_equal(n, ny);
		struct stats_ols o;
		assert_int_equal(stats_ols(x, y, n, 0.95, &o), 0);
		json_object *eo = expected_get(e, "ols");
		expect_close(o.slope, expected_num(eo, "slope"), "ols slope", name);
		expect_close(o.intercept, expected_num(eo, "intercept"), "ols intercept", name);
		expect_close(o.r2, expected_num(eo, "r2"), "r2", name);
		expect_close(o.slope_se, expected_num(eo, "slope_se"), "slope_se", name);
		expect_close(o.slope_lo, expected_num(eo, "slope_lo"), "ols slope_lo", name);
		expect_close(o.slope_hi, expected_num(eo, "slope_hi"), "ols slope_hi", name);

		struct stats_theil_sen t;
		assert_int_equal(stats_theil_sen(x, y, n, 0.95, &t), 0);
		json_object *et = expected_get(e, "theil_sen");
		expect_close(t.slope, expected_num(et, "slope"), "theil-sen slope", name);
		expect_close(t.intercept, expected_num(et, "intercept"), "theil-sen intercept",
		             name);
		expect_close(t.slope_lo, expected_num(et, "slope_lo"), "theil-sen slope_lo", name);
		expect_close(t.slope_hi, expected_num(et, "slope_hi"), "theil-sen slope_hi", name);
		assert_int_equal(t.n_slopes, json_object_get_int64(expected_get(et, "n_slopes")));
		free(x);
		free(y);
	}
	json_object_put(root);
}

/* The achieved confidence of Sen's interval against reference.py's enumeration of every order
 * of the residuals (n ≤ 8): 3 points give 66.7%, 4 give 91.7%, 5 are the fewest that reach 95%.
 * Tied x have no exact level (NaN). */
static void test_sen_conf(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "sen_conf");
	for (size_t c = 0; c < json_object_array_length(cases); c++) {
		json_object *e = json_object_array_get_idx(cases, c);
		const char *name = json_object_get_string(expected_get(e, "name"));
		size_t n, ny;
		double *x = expected_array(e, "x", &n);
		double *y = expected_array(e, "y", &ny);
		struct stats_theil_sen t;
		assert_int_equal(stats_theil_sen(x, y, n, 0.95, &t), 0);
		expect_close(t.slope_lo, expected_num(e, "slope_lo"), "slope_lo", name);
		expect_close(t.slope_hi, expected_num(e, "slope_hi"), "slope_hi", name);
		expect_close(t.conf_achieved, expected_num(e, "conf_achieved"), "conf_achieved",
		             name);
		assert_true(t.conf_exact);
		free(x);
		free(y);
	}
	json_object_put(root);
	assert_int_equal(stats_theil_sen_min_points(0.95), 5);
	double x[] = {1, 1, 2, 2, 3, 3}, y[] = {1, 2, 2, 3, 3, 4};
	struct stats_theil_sen t;
	assert_int_equal(stats_theil_sen(x, y, 6, 0.95, &t), 0);
	assert_true(isnan(t.conf_achieved));
	/* large n: the normal approximation, close to the nominal level */
	double xl[300], yl[300];
	for (int i = 0; i < 300; i++) {
		xl[i] = i;
		yl[i] = 0.5 * i + (i % 7) - 3.0;
	}
	assert_int_equal(stats_theil_sen(xl, yl, 300, 0.95, &t), 0);
	assert_false(t.conf_exact);
	assert_true(fabs(t.conf_achieved - 0.95) < 0.002);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hand_n3),
	    cmocka_unit_test(test_edges),
	    cmocka_unit_test(test_against_reference),
	    cmocka_unit_test(test_sen_conf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
