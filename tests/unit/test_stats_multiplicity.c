/* Unit tests of Benjamini–Hochberg q-values: a hand-worked case and tests/stats/reference.py's,
 * which writes BH from its definition (Debian's scipy 1.10 has no false_discovery_control). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "stats/multiplicity.h"

#include "../stats/expected_json.h"

/* p = {0.01, 0.04, 0.03}: sorted 0.01, 0.03, 0.04 → 3·0.01/1 = 0.03, 3·0.03/2 = 0.045,
 * 3·0.04/3 = 0.04; running minimum from the top: 0.04, min(0.045, 0.04) = 0.04, 0.03. */
static void test_hand(void **state)
{
	(void)state;
	double p[] = {0.01, 0.04, 0.03}, q[3];
	assert_int_equal(stats_bh_qvalues(p, 3, q), 3);
	expect_close(q[0], 0.03, "q0", "hand");
	expect_close(q[1], 0.04, "q1", "hand");
	expect_close(q[2], 0.04, "q2", "hand");
	/* in place, and a p outside [0, 1] is refused */
	assert_int_equal(stats_bh_qvalues(p, 3, p), 3);
	expect_close(p[0], 0.03, "in place", "hand");
	double bad[] = {0.5, 1.5};
	assert_int_equal(stats_bh_qvalues(bad, 2, q), -1);
	assert_int_equal(stats_bh_qvalues(NULL, 0, NULL), 0);
}

static void test_against_reference(void **state)
{
	(void)state;
	json_object *root = expected_load();
	json_object *cases = expected_get(root, "bh");
	for (size_t c = 0; c < json_object_array_length(cases); c++) {
		json_object *e = json_object_array_get_idx(cases, c);
		const char *name = json_object_get_string(expected_get(e, "name"));
		json_object *pj = expected_get(e, "p"), *qj = expected_get(e, "q");
		size_t m = json_object_array_length(pj);
		double p[64], q[64];
		assert_true(m <= 64);
		for (size_t i = 0; i < m; i++) {
			json_object *v = json_object_array_get_idx(pj, i);
			p[i] = v ? json_object_get_double(v) : NAN;
		}
		assert_int_equal(stats_bh_qvalues(p, m, q),
		                 json_object_get_int64(expected_get(e, "family")));
		for (size_t i = 0; i < m; i++) {
			json_object *v = json_object_array_get_idx(qj, i);
			expect_close(q[i], v ? json_object_get_double(v) : NAN, "q", name);
		}
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
