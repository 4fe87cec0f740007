/* Unit tests for the log-linear latency histogram: bucket bounds, quantiles against exact order
 * statistics, merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "workload/latency_hist.h"

#include <math.h>
#include <stdlib.h>

/* A fixed xorshift generator, so the data are the same on every run. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void test_bucket_bounds(void **state)
{
	(void)state;
	/* below 2^SUB_BITS every value has its own bucket */
	for (uint64_t v = 0; v < 128; v++) {
		uint32_t b = latency_hist_bucket_of(v);
		assert_int_equal(latency_hist_bucket_low(b), v);
		assert_int_equal(latency_hist_bucket_high(b), v);
	}
	uint64_t seed = 42;
	uint32_t last = 0;
	for (int k = 0; k < 200000; k++) {
		uint64_t v = next_rand(&seed) >> (next_rand(&seed) % 64);
		if (v >= (UINT64_C(1) << LATENCY_HIST_MAX_LOG2))
			continue;
		uint32_t b = latency_hist_bucket_of(v);
		uint64_t lo = latency_hist_bucket_low(b), hi = latency_hist_bucket_high(b);
		assert_true(lo <= v && v <= hi);
		/* the relative width is the precision promise */
		assert_true((double)(hi - lo) <= (double)lo / 128.0);
		if (b > last)
			last = b;
	}
	/* buckets tile the range: each starts where the previous ends */
	for (uint32_t b = 1; b < last; b++)
		assert_int_equal(latency_hist_bucket_low(b), latency_hist_bucket_high(b - 1) + 1);
	/* monotonic in the value */
	for (uint64_t v = 1; v < 1000000; v = v * 3 / 2 + 1)
		assert_true(latency_hist_bucket_of(v) <= latency_hist_bucket_of(v + 1));
}

/* The histogram's nearest-rank quantile is the exact one or at most 1/128 above it. */
static void check_quantiles(const struct latency_hist *h, uint64_t *sorted, size_t n)
{
	static const double qs[] = {0, 0.001, 0.1, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 1};
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		double q = qs[k];
		size_t rank = (size_t)ceil(q * (double)n - 1e-9);
		if (rank < 1)
			rank = 1;
		uint64_t exact = sorted[rank - 1];
		uint64_t got = latency_hist_quantile(h, q);
		assert_true(got >= exact);
		assert_true((double)(got - exact) <= (double)exact / 128.0);
	}
	assert_int_equal(latency_hist_min(h), sorted[0]);
	assert_int_equal(latency_hist_max(h), sorted[n - 1]);
	assert_int_equal(latency_hist_count(h), n);
}

static void test_quantiles_vs_sorted(void **state)
{
	(void)state;
	enum { N = 100003 };
	uint64_t *v = malloc(N * sizeof(*v));
	assert_non_null(v);
	struct latency_hist *h = latency_hist_new();
	assert_non_null(h);
	uint64_t seed = 7;
	for (size_t i = 0; i < N; i++) {
		/* heavy-tailed: mostly microseconds, some milliseconds, a few seconds */
		uint64_t r = next_rand(&seed);
		v[i] = 200 + (r % 5000);
		if (r % 100 == 0)
			v[i] = 1000000 + r % 50000000;
		if (r % 10007 == 0)
			v[i] = 3000000000u + r % 1000;
		latency_hist_record(h, v[i]);
	}
	qsort(v, N, sizeof(*v), cmp_u64);
	check_quantiles(h, v, N);
	latency_hist_free(h);
	free(v);
}

static void test_small_counts(void **state)
{
	(void)state;
	struct latency_hist *h = latency_hist_new();
	assert_int_equal(latency_hist_quantile(h, 0.5), 0);
	assert_int_equal(latency_hist_count(h), 0);
	latency_hist_record(h, 1000);
	assert_int_equal(latency_hist_quantile(h, 0.5), 1000);  /* clamped to the exact max */
	assert_int_equal(latency_hist_quantile(h, 0.99), 1000); /* n = 1: p99 is the max */
	latency_hist_record(h, 10);
	uint64_t sorted[] = {10, 1000};
	check_quantiles(h, sorted, 2);
	/* 100 values 1..100: p99 is the 99th, not the max */
	struct latency_hist *g = latency_hist_new();
	uint64_t hundred[100];
	for (uint64_t i = 0; i < 100; i++) {
		hundred[i] = i + 1;
		latency_hist_record(g, i + 1);
	}
	assert_int_equal(latency_hist_quantile(g, 0.99), 99);
	assert_int_equal(latency_hist_quantile(g, 0.5), 50);
	check_quantiles(g, hundred, 100);
	latency_hist_free(g);
	latency_hist_free(h);
}

static void test_merge(void **state)
{
	(void)state;
	struct latency_hist *a = latency_hist_new(), *b = latency_hist_new();
	struct latency_hist *all = latency_hist_new(), *merged = latency_hist_new();
	uint64_t seed = 99;
	for (size_t i = 0; i < 20000; i++) {
		uint64_t v = next_rand(&seed) % 10000000;
		latency_hist_record(i % 3 ? a : b, v);
		latency_hist_record(all, v);
	}
	latency_hist_merge(merged, a); /* into an empty one: min comes from a */
	latency_hist_merge(merged, b);
	assert_int_equal(latency_hist_count(merged), 20000);
	assert_int_equal(latency_hist_min(merged), latency_hist_min(all));
	assert_int_equal(latency_hist_max(merged), latency_hist_max(all));
	for (double q = 0; q <= 1.0; q += 0.0125)
		assert_int_equal(latency_hist_quantile(merged, q), latency_hist_quantile(all, q));
	latency_hist_free(a);
	latency_hist_free(b);
	latency_hist_free(all);
	latency_hist_free(merged);
}

static void test_huge_values(void **state)
{
	(void)state;
	struct latency_hist *h = latency_hist_new();
	latency_hist_record(h, UINT64_MAX);
	latency_hist_record(h, UINT64_C(1) << 50);
	latency_hist_record(h, 5);
	assert_int_equal(latency_hist_max(h), UINT64_MAX);
	assert_int_equal(latency_hist_quantile(h, 1), UINT64_MAX);
	assert_int_equal(latency_hist_quantile(h, 0.1), 5);
	/* values past the top octave share the overflow bucket, clamped to the exact max */
	assert_int_equal(latency_hist_bucket_of(UINT64_C(1) << 50),
	                 latency_hist_bucket_of(UINT64_MAX));
	uint64_t top = (UINT64_C(1) << LATENCY_HIST_MAX_LOG2) - 1;
	assert_true(latency_hist_bucket_of(top) < latency_hist_bucket_of(top + 1));
	assert_int_equal(latency_hist_bucket_high(latency_hist_bucket_of(top)), top);
	assert_int_equal(latency_hist_quantile(h, 0.6), UINT64_MAX);
	latency_hist_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bucket_bounds), cmocka_unit_test(test_quantiles_vs_sorted),
	    cmocka_unit_test(test_small_counts),  cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_huge_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
