/* Percentile bootstrap of the median with xoshiro256** seeded by splitmix64. */
#include "stats/bootstrap.h"

#include "stats/describe.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void stats_rng_seed(struct stats_rng *rng, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t stats_rng_next(struct stats_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t stats_rng_below(struct stats_rng *rng, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)stats_rng_next(rng) * n) >> 64);
}

int stats_bootstrap_median(const double *d, size_t n, size_t resamples, double conf, uint64_t seed,
                           struct stats_bootstrap *out)
{
	out->n = n;
	out->resamples = resamples;
	out->seed = seed;
	out->conf = conf;
	out->estimate = out->lo = out->hi = NAN;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(d[i]))
			return -1;
	if (!(conf > 0.0 && conf < 1.0))
		return -1;
	if (stats_median(d, n, &out->estimate) < 0)
		return -1;
	if (n == 0 || resamples == 0)
		return 0;
	double *draw = xmalloc(n * sizeof(*draw));
	double *medians = xmalloc(resamples * sizeof(*medians));
	struct stats_rng rng;
	stats_rng_seed(&rng, seed);
	for (size_t b = 0; b < resamples; b++) {
		for (size_t i = 0; i < n; i++)
			draw[i] = d[stats_rng_below(&rng, n)];
		stats_sort(draw, n);
		medians[b] = stats_quantile_sorted(draw, n, 0.5);
	}
	stats_sort(medians, resamples);
	out->lo = stats_quantile_sorted(medians, resamples, (1.0 - conf) / 2.0);
	out->hi = stats_quantile_sorted(medians, resamples, (1.0 + conf) / 2.0);
	free(draw);
	free(medians);
	return 0;
}
