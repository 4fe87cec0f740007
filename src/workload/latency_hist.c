/* A log-linear latency histogram: index = (octave, top LATENCY_HIST_SUB_BITS mantissa bits). */
#include "workload/latency_hist.h"

#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>

#define SUB_COUNT (1u << LATENCY_HIST_SUB_BITS)
/* Octave 0 holds the exact values 0..SUB_COUNT-1; octave k >= 1 holds values with floor(log2) =
 * LATENCY_HIST_SUB_BITS + k - 1. */
#define N_OCTAVES (LATENCY_HIST_MAX_LOG2 - LATENCY_HIST_SUB_BITS + 1)
/* plus one overflow bucket for values of 2^LATENCY_HIST_MAX_LOG2 and above */
#define N_BUCKETS (N_OCTAVES * SUB_COUNT + 1)

struct latency_hist {
	uint64_t count;
	uint64_t min;
	uint64_t max;
	uint64_t buckets[N_BUCKETS];
};

struct latency_hist *latency_hist_new(void)
{
	return xcalloc(1, sizeof(struct latency_hist));
}

void latency_hist_free(struct latency_hist *h)
{
	free(h);
}

uint32_t latency_hist_bucket_of(uint64_t ns)
{
	if (ns < SUB_COUNT)
		return (uint32_t)ns;
	unsigned log2 = 63u - (unsigned)__builtin_clzll(ns);
	if (log2 >= LATENCY_HIST_MAX_LOG2)
		return N_BUCKETS - 1;
	unsigned shift = log2 - LATENCY_HIST_SUB_BITS;
	uint64_t mantissa = ns >> shift; /* in [SUB_COUNT, 2 * SUB_COUNT) */
	return (uint32_t)((shift + 1) * SUB_COUNT + (mantissa - SUB_COUNT));
}

uint64_t latency_hist_bucket_low(uint32_t bucket)
{
	uint32_t octave = bucket / SUB_COUNT, sub = bucket % SUB_COUNT;
	if (octave == 0)
		return sub;
	return (uint64_t)(SUB_COUNT + sub) << (octave - 1);
}

uint64_t latency_hist_bucket_high(uint32_t bucket)
{
	if (bucket >= N_BUCKETS - 1)
		return UINT64_MAX;
	return latency_hist_bucket_low(bucket + 1) - 1;
}

void latency_hist_record(struct latency_hist *h, uint64_t ns)
{
	h->buckets[latency_hist_bucket_of(ns)]++;
	if (h->count == 0 || ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
	h->count++;
}

void latency_hist_merge(struct latency_hist *dst, const struct latency_hist *src)
{
	if (src->count == 0)
		return;
	for (uint32_t i = 0; i < N_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	if (dst->count == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
}

uint64_t latency_hist_count(const struct latency_hist *h)
{
	return h->count;
}

uint64_t latency_hist_min(const struct latency_hist *h)
{
	return h->min;
}

uint64_t latency_hist_max(const struct latency_hist *h)
{
	return h->max;
}

uint64_t latency_hist_quantile(const struct latency_hist *h, double q)
{
	if (h->count == 0)
		return 0;
	if (!(q > 0))
		return h->min;
	if (q >= 1)
		return h->max;
	/* ceil of a product that should be exact (q = 0.99, count = 100) must not round up to
	 * 100.0000001 */
	double r = ceil(q * (double)h->count - 1e-9);
	uint64_t rank = r < 1 ? 1 : (uint64_t)r;
	if (rank > h->count)
		rank = h->count;
	uint64_t seen = 0;
	for (uint32_t i = 0; i < N_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t v = latency_hist_bucket_high(i);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}
