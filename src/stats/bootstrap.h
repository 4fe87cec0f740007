/* Seeded percentile bootstrap of the median paired difference, with its own small PRNG. */
#ifndef TARE_STATS_BOOTSTRAP_H
#define TARE_STATS_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256** (Blackman & Vigna 2018), seeded by four outputs of splitmix64. Caller-owned state:
 * no globals, so equal seeds give equal streams on every platform. */
struct stats_rng {
	uint64_t s[4];
};

void stats_rng_seed(struct stats_rng *rng, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *rng);

/* A draw in [0, n) as ⌊next · n / 2^64⌋ (Lemire's multiply-shift without the rejection step: its
 * bias is below n / 2^64, negligible for sample sizes). n = 0 gives 0. */
uint64_t stats_rng_below(struct stats_rng *rng, uint64_t n);

struct stats_bootstrap {
	size_t n;         /* differences */
	size_t resamples; /* B */
	uint64_t seed;
	double estimate; /* median of d (type 7) */
	double lo, hi;   /* type-7 quantiles (1 − conf)/2 and (1 + conf)/2 of the B medians */
	double conf;
};

/* Percentile bootstrap CI of the median of d: B times, draw n indices with replacement
 * (stats_rng_below, index by index, one stream from `seed`), take the median of the resample;
 * the interval is the type-7 quantiles of the B medians. Deterministic for a given seed. n = 0
 * or resamples = 0 gives NaN fields. Returns 0, or -1 on a non-finite value or conf outside
 * (0, 1). */
int stats_bootstrap_median(const double *d, size_t n, size_t resamples, double conf, uint64_t seed,
                           struct stats_bootstrap *out);

#endif
