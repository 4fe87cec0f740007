/* Unit tests for the sorted-array set of 64-bit values: the count against a sort of every value
 * added, merges across many batches, and the memory per distinct value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/u64_set.h"

#include <stdlib.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

/* splitmix64: reproducible values without libc's rand */
static uint64_t next_value(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return (a > b) - (a < b);
}

/* The independent count: sort everything and count the runs. */
static size_t distinct(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	size_t k = n ? 1 : 0;
	for (size_t i = 1; i < n; i++)
		k += v[i] != v[i - 1];
	return k;
}

static void test_empty(void **state)
{
	(void)state;
	struct u64_set s;
	u64_set_init(&s);
	assert_int_equal(u64_set_count(&s), 0);
	u64_set_release(&s);
	u64_set_release(&s); /* released twice: the second is a no-op */
}

/* Values drawn from a small pool repeat across batches and inside one; 0 and UINT64_MAX are
 * ordinary values (no sentinel). */
static void test_count_matches_sort(void **state)
{
	(void)state;
	const size_t n = 300000;
	uint64_t *all = malloc(n * sizeof(*all));
	assert_non_null(all);
	struct u64_set s;
	u64_set_init(&s);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = i % 3 == 0 ? next_value() % 50000 : next_value();
		if (i == 7)
			v = 0;
		if (i == 8 || i == n - 1)
			v = UINT64_MAX;
		all[i] = v;
		u64_set_add(&s, v);
		/* counting in the middle merges early; the result must not depend on it */
		if (i == 12345)
			assert_int_equal(u64_set_count(&s), distinct(all, i + 1));
	}
	assert_int_equal(u64_set_count(&s), distinct(all, n));
	/* adding what is there changes nothing */
	for (size_t i = 0; i < 20000; i++)
		u64_set_add(&s, all[i * 15]);
	assert_int_equal(u64_set_count(&s), distinct(all, n));
	u64_set_release(&s);
	free(all);
}

/* A million distinct values: 8 bytes each in the array, an eighth more at most in headroom and
 * the batch. */
static void test_memory_per_value(void **state)
{
	(void)state;
	struct u64_set s;
	u64_set_init(&s);
	const size_t n = 1000000;
	for (size_t i = 0; i < n; i++)
		u64_set_add(&s, next_value());
	assert_int_equal(u64_set_count(&s), n);
	assert_true(u64_set_bytes(&s) <= n * 8 + n * 8 / 4);
	u64_set_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_count_matches_sort),
	    cmocka_unit_test(test_memory_per_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
