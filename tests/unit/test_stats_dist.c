/* Unit tests for the normal and Student t distribution functions: tables and scipy values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/dist.h"

#include "../stats/expected_json.h"

/* Two-sided 95% critical values t_{0.975, df} from printed tables (e.g. NIST/SEMATECH e-Handbook
 * §1.3.6.7.2), and t_{0.995, df}. */
static void test_t_table(void **state)
{
	(void)state;
	static const struct {
		double df, p, q;
	} table[] = {
	    {1, 0.975, 12.706},  {2, 0.975, 4.303},  {3, 0.975, 3.182},  {4, 0.975, 2.776},
	    {5, 0.975, 2.571},   {10, 0.975, 2.228}, {20, 0.975, 2.086}, {30, 0.975, 2.042},
	    {100, 0.975, 1.984}, {1, 0.995, 63.657}, {5, 0.995, 4.032},  {30, 0.995, 2.750},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		double q = stats_t_quantile(table[i].p, table[i].df);
		assert_true(fabs(q - table[i].q) <= 0.0005 + 1e-12);
		assert_true(fabs(stats_t_quantile(1.0 - table[i].p, table[i].df) + q) <= 1e-12 * q);
	}
	expect_close(stats_t_quantile(0.975, INFINITY), 1.959963984540054, "t(inf)", "table");
	assert_true(stats_t_quantile(0.5, 7.0) == 0.0);
}

static void test_domains(void **state)
{
	(void)state;
	assert_true(isnan(stats_norm_quantile(-0.1)) && isnan(stats_norm_quantile(1.1)));
	assert_true(isnan(stats_norm_quantile(NAN)));
	assert_true(isinf(stats_norm_quantile(0.0)) && stats_norm_quantile(0.0) < 0);
	assert_true(isinf(stats_norm_quantile(1.0)) && stats_norm_quantile(1.0) > 0);
	assert_true(stats_norm_quantile(0.5) == 0.0);
	assert_true(isnan(stats_t_quantile(0.5, 0.0)) && isnan(stats_t_quantile(0.5, -1.0)));
	assert_true(isnan(stats_t_quantile(2.0, 5.0)));
	assert_true(isinf(stats_t_quantile(1.0, 5.0)));
	assert_true(isnan(stats_t_cdf(1.0, 0.0)));
	assert_true(stats_t_cdf(INFINITY, 3.0) == 1.0 && stats_t_cdf(-INFINITY, 3.0) == 0.0);
	assert_true(isnan(stats_incbeta(0.0, 1.0, 0.5)) && isnan(stats_incbeta(1.0, 1.0, 1.5)));
	/* I_x(1, 1) = x; I_x(a, 1) = x^a */
	expect_close(stats_incbeta(1.0, 1.0, 0.3), 0.3, "incbeta(1,1)", "closed form");
	expect_close(stats_incbeta(2.5, 1.0, 0.7), pow(0.7, 2.5), "incbeta(2.5,1)", "closed form");
	expect_close(stats_norm_cdf(0.0), 0.5, "norm_cdf(0)", "closed form");
}

static void test_against_reference(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *tq = expected_get(root, "t_quantile");
	assert_true(json_object_array_length(tq) > 100);
	for (size_t i = 0; i < json_object_array_length(tq); i++) {
		json_object *e = json_object_array_get_idx(tq, i);
		double p = expected_num(e, "p"), df = expected_num(e, "df");
		char name[64];
		snprintf(name, sizeof(name), "p=%g df=%g", p, df);
		expect_close(stats_t_quantile(p, df), expected_num(e, "q"), "t quantile", name);
	}
	json_object *tc = expected_get(root, "t_cdf");
	for (size_t i = 0; i < json_object_array_length(tc); i++) {
		json_object *e = json_object_array_get_idx(tc, i);
		double t = expected_num(e, "t"), df = expected_num(e, "df");
		char name[64];
		snprintf(name, sizeof(name), "t=%g df=%g", t, df);
		expect_close(stats_t_cdf(t, df), expected_num(e, "p"), "t cdf", name);
	}
	json_object *nq = expected_get(root, "norm_quantile");
	for (size_t i = 0; i < json_object_array_length(nq); i++) {
		json_object *e = json_object_array_get_idx(nq, i);
		double p = expected_num(e, "p");
		char name[64];
		snprintf(name, sizeof(name), "p=%g", p);
		expect_close(stats_norm_quantile(p), expected_num(e, "q"), "norm quantile", name);
	}
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_t_table),
	    cmocka_unit_test(test_domains),
	    cmocka_unit_test(test_against_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
