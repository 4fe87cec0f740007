/* Unit tests of the 2×2 factorial contrasts: a hand-worked round, and the main effects and
 * interaction of tests/stats/reference.py's additive and interacting datasets (brute-force HL and
 * signed-rank reference). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/factorial.h"

#include "../stats/expected_json.h"

#include <string.h>

/* bare 10, capture 11, spans 12.5, both 14.5: capture costs 1 alone and 2 with spans on, so
 * main capture = (1 + 2)/2 = 1.5, main spans = (2.5 + 3.5)/2 = 3, interaction = 2 − 1 = 1. */
static void test_hand(void **state)
{
	(void)state;
	assert_true(stats_interaction(10, 11, 12.5, 14.5) == 1.0);
	double y00[6], y10[6], y01[6], y11[6];
	for (int i = 0; i < 6; i++) {
		double drift = i * 0.25; /* shared by the round: cancels in every contrast */
		y00[i] = 10 + drift;
		y10[i] = 11 + drift;
		y01[i] = 12.5 + drift;
		y11[i] = 14.5 + drift;
	}
	struct stats_factorial f;
	assert_int_equal(stats_factorial_2x2(y00, y10, y01, y11, 6, 0.95, &f), 0);
	assert_true(f.main_a.hl.estimate == 1.5 && f.main_b.hl.estimate == 3.0);
	assert_true(f.interaction.hl.estimate == 1.0);
	/* every round the same: the interval is the point, which excludes zero at 96.9% */
	assert_int_equal(f.interaction.verdict, DELTA_HIGHER);
	assert_true(f.additive_known && !f.additive);
	assert_true(f.interaction.min_detectable == 0.0);
	/* five rounds cannot reach 95%: additivity unknown, not "additive" */
	assert_int_equal(stats_factorial_2x2(y00, y10, y01, y11, 5, 0.95, &f), 0);
	assert_int_equal(f.interaction.verdict, DELTA_INCONCLUSIVE);
	assert_false(f.additive_known);
	assert_false(f.additive);
	assert_int_equal(stats_factorial_2x2(y00, y10, y01, y11, 0, 0.95, &f), 0);
	assert_int_equal(f.main_a.verdict, DELTA_INCONCLUSIVE);
}

static void check_contrast(const struct stats_contrast *c, json_object *e, const char *name)
{
	expect_close(c->hl.estimate, expected_num(e, "hl"), "hl", name);
	expect_close(c->hl.lo, expected_num(e, "ci_lo"), "ci_lo", name);
	expect_close(c->hl.hi, expected_num(e, "ci_hi"), "ci_hi", name);
	expect_close(c->hl.conf_achieved, expected_num(e, "conf_achieved"), "conf_achieved", name);
	expect_close(c->test.p_value, expected_num(expected_get(e, "test"), "p_value"), "p", name);
}

static void test_against_reference(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "factorial");
	for (size_t k = 0; k < json_object_array_length(cases); k++) {
		json_object *e = json_object_array_get_idx(cases, k);
		const char *name = json_object_get_string(expected_get(e, "name"));
		size_t n, n2, n3, n4;
		double *y00 = expected_array(e, "y00", &n), *y10 = expected_array(e, "y10", &n2);
		double *y01 = expected_array(e, "y01", &n3), *y11 = expected_array(e, "y11", &n4);
		assert_true(n == n2 && n == n3 && n == n4);
		struct stats_factorial f;
		assert_int_equal(stats_factorial_2x2(y00, y10, y01, y11, n, 0.95, &f), 0);
		check_contrast(&f.main_a, expected_get(e, "capture"), name);
		check_contrast(&f.main_b, expected_get(e, "spans"), name);
		check_contrast(&f.interaction, expected_get(e, "interaction"), name);
		json_object *ie = expected_get(e, "interaction");
		bool covers = expected_num(ie, "ci_lo") <= 0.0 && expected_num(ie, "ci_hi") >= 0.0;
		if (strcmp(name, "additive16") == 0)
			assert_true(covers && f.additive_known && f.additive);
		if (strcmp(name, "interacting16") == 0)
			assert_true(!covers && f.additive_known && !f.additive);
		if (strcmp(name, "n5") == 0)
			assert_false(f.additive_known);
		free(y00);
		free(y10);
		free(y01);
		free(y11);
	}
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hand),
	    cmocka_unit_test(test_against_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
