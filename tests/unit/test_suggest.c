/* Unit tests for did-you-mean suggestions (util/suggest). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "util/suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("", ""), 0);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(suggest_distance("warmup", "warmups"), 1);
	assert_int_equal(suggest_distance("odrer", "order"), 1); /* one transposition */
	assert_int_equal(suggest_distance("ca", "abc"), 3);      /* OSA, not full Damerau: 3 */
	assert_int_equal(suggest_distance("Williams", "williams"), 0);
	assert_int_equal(suggest_distance("wiliams", "williams"), 1);
}

static void test_closest(void **state)
{
	(void)state;
	const char *keys[] = {"repetitions", "warmups", "order", "seed"};
	assert_string_equal(suggest_closest("warmup", keys, 4), "warmups");
	assert_string_equal(suggest_closest("odrer", keys, 4), "order");
	assert_string_equal(suggest_closest("repetition", keys, 4), "repetitions");
	assert_null(suggest_closest("timeout", keys, 4));
	assert_null(suggest_closest("x", keys, 4));
	assert_null(suggest_closest("warmup", keys, 0));
}

static void test_closest_limits(void **state)
{
	(void)state;
	/* a short word gets one edit, and a candidate is never wholly replaced */
	const char *short_names[] = {"ab", "xyz"};
	assert_null(suggest_closest("cd", short_names, 2));
	assert_string_equal(suggest_closest("ac", short_names, 2), "ab");
	/* ties go to the earliest; NULL entries are skipped */
	const char *ties[] = {NULL, "cat", "car"};
	assert_string_equal(suggest_closest("cax", ties, 3), "cat");
	/* eight characters allow two edits, nine allow three */
	const char *order[] = {"counterbalanced", "williams", "random", "fixed"};
	assert_string_equal(suggest_closest("wiliam", order, 4), "williams");
	assert_string_equal(suggest_closest("counterbalnce", order, 4), "counterbalanced");
	assert_null(suggest_closest("sequential", order, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distance),
	    cmocka_unit_test(test_closest),
	    cmocka_unit_test(test_closest_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
