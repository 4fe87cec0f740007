/* Unit tests for the arm orders inside a round (src/plan/order.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "plan/order.h"

static void assert_permutation(const size_t *o, size_t k)
{
	int seen[PLAN_MAX_ARMS] = {0};
	for (size_t i = 0; i < k; i++) {
		assert_true(o[i] < k);
		seen[o[i]]++;
	}
	for (size_t i = 0; i < k; i++)
		assert_int_equal(seen[i], 1);
}

static void assert_order(const size_t *got, const size_t *want, size_t k)
{
	for (size_t i = 0; i < k; i++)
		assert_int_equal(got[i], want[i]);
}

static void test_counterbalanced_two(void **state)
{
	(void)state;
	size_t o[2];
	const size_t ab[] = {0, 1}, ba[] = {1, 0};
	for (int r = 1; r <= 6; r++) {
		plan_round_order(ORDER_COUNTERBALANCED, 2, r, 1, "c", o);
		assert_order(o, r % 2 ? ab : ba, 2);
	}
}

static void test_counterbalanced_three(void **state)
{
	(void)state;
	size_t o[3];
	const size_t want[3][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}};
	for (int r = 1; r <= 7; r++) {
		plan_round_order(ORDER_COUNTERBALANCED, 3, r, 1, "c", o);
		assert_order(o, want[(r - 1) % 3], 3);
	}
}

static void test_fixed(void **state)
{
	(void)state;
	size_t o[5];
	const size_t want[] = {0, 1, 2, 3, 4};
	for (int r = 1; r <= 4; r++) {
		plan_round_order(ORDER_FIXED, 5, r, 99, "c", o);
		assert_order(o, want, 5);
	}
}

/* The Williams properties over one full cycle of rows: each arm in each position equally often,
 * and each ordered pair of distinct arms adjacent equally often (first-order carry-over). */
static void check_williams(size_t k)
{
	size_t rows = plan_williams_rows(k);
	assert_int_equal(rows, k % 2 ? 2 * k : k);
	int position[PLAN_MAX_ARMS][PLAN_MAX_ARMS] = {{0}};
	int pair[PLAN_MAX_ARMS][PLAN_MAX_ARMS] = {{0}};
	for (size_t r = 0; r < rows; r++) {
		size_t o[PLAN_MAX_ARMS];
		plan_round_order(ORDER_WILLIAMS, k, (int)r + 1, 1, "c", o);
		assert_permutation(o, k);
		for (size_t j = 0; j < k; j++) {
			position[o[j]][j]++;
			if (j + 1 < k)
				pair[o[j]][o[j + 1]]++;
		}
	}
	int per_position = (int)(rows / k), per_pair = (int)(rows * (k - 1) / (k * (k - 1)));
	for (size_t a = 0; a < k; a++)
		for (size_t b = 0; b < k; b++) {
			assert_int_equal(position[a][b], per_position);
			assert_int_equal(pair[a][b], a == b ? 0 : per_pair);
		}
}

static void test_williams_properties(void **state)
{
	(void)state;
	for (size_t k = 2; k <= PLAN_MAX_ARMS; k++)
		check_williams(k);
}

static void test_williams_rows(void **state)
{
	(void)state;
	size_t o[5];
	/* even k: the first row is 0, 1, k-1, 2, k-2, ... */
	const size_t k4_r1[] = {0, 1, 3, 2}, k4_r2[] = {1, 2, 0, 3};
	plan_round_order(ORDER_WILLIAMS, 4, 1, 1, "c", o);
	assert_order(o, k4_r1, 4);
	plan_round_order(ORDER_WILLIAMS, 4, 2, 1, "c", o);
	assert_order(o, k4_r2, 4);
	plan_round_order(ORDER_WILLIAMS, 4, 5, 1, "c", o); /* rows cycle */
	assert_order(o, k4_r1, 4);
	/* odd k: rows k+1..2k are the reversals of rows 1..k */
	const size_t k3_r1[] = {0, 1, 2}, k3_r4[] = {2, 1, 0}, k3_r5[] = {0, 2, 1};
	plan_round_order(ORDER_WILLIAMS, 3, 1, 1, "c", o);
	assert_order(o, k3_r1, 3);
	plan_round_order(ORDER_WILLIAMS, 3, 4, 1, "c", o);
	assert_order(o, k3_r4, 3);
	plan_round_order(ORDER_WILLIAMS, 3, 5, 1, "c", o);
	assert_order(o, k3_r5, 3);
	plan_round_order(ORDER_WILLIAMS, 3, 7, 1, "c", o);
	assert_order(o, k3_r1, 3);
	/* two arms: the same alternation as counterbalanced */
	const size_t ab[] = {0, 1}, ba[] = {1, 0};
	plan_round_order(ORDER_WILLIAMS, 2, 1, 1, "c", o);
	assert_order(o, ab, 2);
	plan_round_order(ORDER_WILLIAMS, 2, 2, 1, "c", o);
	assert_order(o, ba, 2);
}

static void test_random_reproducible(void **state)
{
	(void)state;
	for (size_t k = 2; k <= PLAN_MAX_ARMS; k++)
		for (int r = 1; r <= 20; r++) {
			size_t a[PLAN_MAX_ARMS], b[PLAN_MAX_ARMS];
			plan_round_order(ORDER_RANDOM, k, r, 42, "kernel-high", a);
			plan_round_order(ORDER_RANDOM, k, r, 42, "kernel-high", b);
			assert_permutation(a, k);
			assert_order(a, b, k);
		}
}

/* Pinned values: the algorithm is part of the format (a plan must reproduce on every platform
 * and in every later version), so a change to it must show up here. The expected orders come
 * from the independent Python transcription of the algorithm in docs/plan.md. */
static void test_random_pinned(void **state)
{
	(void)state;
	assert_true(plan_random_seed(1, "control", 1) == plan_random_seed(1, "control", 1));
	assert_true(plan_random_seed(1, "control", 1) != plan_random_seed(1, "control", 2));
	assert_true(plan_random_seed(1, "control", 1) != plan_random_seed(2, "control", 1));
	assert_true(plan_random_seed(1, "control", 1) != plan_random_seed(1, "corner", 1));
	assert_true(plan_random_seed(1, "control", 1) == UINT64_C(0x760f12bcdf1e5ff8));
	size_t o[8];
	const size_t want4[] = {0, 3, 1, 2};
	plan_round_order(ORDER_RANDOM, 4, 1, 1, "control", o);
	assert_order(o, want4, 4);
	const size_t want8[] = {4, 3, 5, 1, 7, 0, 6, 2};
	plan_round_order(ORDER_RANDOM, 8, 1, 7, "cell-a", o);
	assert_order(o, want8, 8);
	const size_t want5[] = {3, 2, 0, 4, 1};
	plan_round_order(ORDER_RANDOM, 5, 17, 123456789, "k1-c4", o);
	assert_order(o, want5, 5);
	const size_t want3[] = {2, 0, 1};
	plan_round_order(ORDER_RANDOM, 3, 2, 0, "", o);
	assert_order(o, want3, 3);
}

static int order_key(const size_t *o, size_t k)
{
	int key = 0;
	for (size_t i = 0; i < k; i++)
		key = key * 10 + (int)o[i];
	return key;
}

static void test_random_differs(void **state)
{
	(void)state;
	/* across rounds: 24 rounds of 4 arms should not all share an order, and should visit many
	 */
	int keys[24], distinct = 0;
	for (int r = 1; r <= 24; r++) {
		size_t o[4];
		plan_round_order(ORDER_RANDOM, 4, r, 7, "cell", o);
		keys[r - 1] = order_key(o, 4);
		int dup = 0;
		for (int j = 0; j < r - 1; j++)
			dup |= keys[j] == keys[r - 1];
		distinct += !dup;
	}
	assert_true(distinct >= 8);
	/* across cells and seeds: the first rounds of 8 arms differ */
	size_t a[8], b[8], c[8];
	plan_round_order(ORDER_RANDOM, 8, 1, 7, "cell-a", a);
	plan_round_order(ORDER_RANDOM, 8, 1, 7, "cell-b", b);
	plan_round_order(ORDER_RANDOM, 8, 1, 8, "cell-a", c);
	assert_true(memcmp(a, b, sizeof(a)) != 0);
	assert_true(memcmp(a, c, sizeof(a)) != 0);
}

/* Every arm first equally often, roughly: a shuffle that favours a position would bias the
 * carry-over the random order is meant to spread. 4000 rounds, 4 arms: expect 1000 each. */
static void test_random_uniform_first(void **state)
{
	(void)state;
	int first[4] = {0};
	for (int r = 1; r <= 4000; r++) {
		size_t o[4];
		plan_round_order(ORDER_RANDOM, 4, r, 3, "u", o);
		first[o[0]]++;
	}
	for (int i = 0; i < 4; i++)
		assert_in_range(first[i], 880, 1120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_counterbalanced_two),
	    cmocka_unit_test(test_counterbalanced_three),
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_williams_properties),
	    cmocka_unit_test(test_williams_rows),
	    cmocka_unit_test(test_random_reproducible),
	    cmocka_unit_test(test_random_pinned),
	    cmocka_unit_test(test_random_differs),
	    cmocka_unit_test(test_random_uniform_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
