/* Unit tests for the seeded bootstrap: PRNG vectors, determinism, and a Python re-implementation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/bootstrap.h"

#include "../stats/expected_json.h"

#include <string.h>

/* splitmix64 from state 0 first returns 0xe220a8397b1dcdaf (Vigna's reference splitmix64.c), and
 * that is the first xoshiro256** state word. */
static void test_seed_vector(void **state)
{
	(void)state;
	struct stats_rng rng;
	stats_rng_seed(&rng, 0);
	assert_true(rng.s[0] == 0xe220a8397b1dcdafULL);
	assert_true(rng.s[1] == 0x6e789e6aa1b965f4ULL);
	for (int i = 0; i < 1000; i++)
		assert_true(stats_rng_below(&rng, 7) < 7);
	assert_true(stats_rng_below(&rng, 0) == 0);
}

static void test_deterministic(void **state)
{
	(void)state;
	double d[] = {1.0, -0.5, 2.0, 0.25, 1.5, 3.0, -1.0, 0.75, 0.5, 1.25};
	struct stats_bootstrap a, b, c;
	assert_int_equal(stats_bootstrap_median(d, 10, 500, 0.95, 99, &a), 0);
	assert_int_equal(stats_bootstrap_median(d, 10, 500, 0.95, 99, &b), 0);
	assert_true(a.lo == b.lo && a.hi == b.hi && a.estimate == b.estimate);
	assert_true(a.lo <= a.estimate && a.estimate <= a.hi);
	assert_int_equal(stats_bootstrap_median(d, 10, 500, 0.95, 100, &c), 0);
	assert_true(c.estimate == a.estimate);

	assert_int_equal(stats_bootstrap_median(NULL, 0, 500, 0.95, 1, &a), 0);
	assert_true(isnan(a.estimate) && isnan(a.lo));
	assert_int_equal(stats_bootstrap_median(d, 10, 0, 0.95, 1, &a), 0);
	assert_true(isnan(a.lo) && a.estimate == 0.875);
	assert_int_equal(stats_bootstrap_median(d, 10, 10, 1.0, 1, &a), -1);
}

static void test_against_reference(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "bootstrap");
	assert_true(json_object_array_length(cases) >= 2);
	for (size_t c = 0; c < json_object_array_length(cases); c++) {
		json_object *e = json_object_array_get_idx(cases, c);
		const char *name = json_object_get_string(expected_get(e, "name"));
		size_t n;
		double *d = expected_array(e, "d", &n);
		uint64_t seed = (uint64_t)json_object_get_int64(expected_get(e, "seed"));
		size_t b = (size_t)json_object_get_int64(expected_get(e, "resamples"));

		struct stats_rng rng;
		stats_rng_seed(&rng, seed);
		json_object *first = expected_get(e, "first_outputs");
		for (size_t i = 0; i < json_object_array_length(first); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(first, i));
			assert_true(stats_rng_next(&rng) == strtoull(s, NULL, 10));
		}

		struct stats_bootstrap out;
		assert_int_equal(stats_bootstrap_median(d, n, b, 0.95, seed, &out), 0);
		expect_close(out.estimate, expected_num(e, "estimate"), "estimate", name);
		expect_close(out.lo, expected_num(e, "lo"), "lo", name);
		expect_close(out.hi, expected_num(e, "hi"), "hi", name);
		free(d);
	}
	json_object_put(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seed_vector),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_against_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
