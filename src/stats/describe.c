/* Descriptive statistics: mean and stdev by two passes, type-7 quantiles, MAD, tail ratio. */
#include "stats/describe.h"

#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

void stats_sort(double *x, size_t n)
{
	if (n > 1)
		qsort(x, n, sizeof(*x), cmp_double);
}

double stats_quantile_sorted(const double *sorted, size_t n, double p)
{
	if (n == 0 || isnan(p) || p < 0.0 || p > 1.0)
		return NAN;
	double h = (double)(n - 1) * p;
	double fl = floor(h);
	size_t lo = (size_t)fl;
	if (lo >= n - 1)
		return sorted[n - 1];
	double frac = h - fl;
	if (frac == 0.0)
		return sorted[lo];
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

/* A sorted heap copy of x; NULL when n = 0. */
static double *sorted_copy(const double *x, size_t n)
{
	if (n == 0)
		return NULL;
	double *s = xmalloc(n * sizeof(*s));
	memcpy(s, x, n * sizeof(*s));
	stats_sort(s, n);
	return s;
}

int stats_quantile(const double *x, size_t n, double p, double *out)
{
	*out = NAN;
	if (!all_finite(x, n))
		return -1;
	double *s = sorted_copy(x, n);
	*out = stats_quantile_sorted(s, n, p);
	free(s);
	return 0;
}

int stats_median(const double *x, size_t n, double *out)
{
	return stats_quantile(x, n, 0.5, out);
}

static void describe_empty(struct stats_describe *out, size_t n)
{
	out->n = n;
	out->min = out->max = out->mean = out->stdev = out->median = NAN;
	out->mad = out->mad_scaled = out->p90 = out->p95 = out->p99 = out->tail_ratio = NAN;
	out->p99_is_max = false;
}

int stats_describe(const double *x, size_t n, struct stats_describe *out)
{
	describe_empty(out, n);
	if (!all_finite(x, n))
		return -1;
	if (n == 0)
		return 0;
	double *s = sorted_copy(x, n);

	/* two passes: the mean, then a correction term and squared deviations, so values with a
	 * large common offset (timestamps, big medians) keep their precision */
	double sum = 0.0;
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	double mean = sum / (double)n;
	double corr = 0.0, ss = 0.0;
	for (size_t i = 0; i < n; i++) {
		double dv = s[i] - mean;
		corr += dv;
		ss += dv * dv;
	}
	out->mean = mean + corr / (double)n;
	if (n > 1) {
		double var = (ss - corr * corr / (double)n) / (double)(n - 1);
		out->stdev = sqrt(var > 0.0 ? var : 0.0);
	}

	out->min = s[0];
	out->max = s[n - 1];
	out->median = stats_quantile_sorted(s, n, 0.5);
	out->p90 = stats_quantile_sorted(s, n, 0.90);
	out->p95 = stats_quantile_sorted(s, n, 0.95);
	out->p99 = stats_quantile_sorted(s, n, 0.99);
	out->p99_is_max = n < 20;
	out->tail_ratio = out->median != 0.0 ? out->p99 / out->median : NAN;

	/* the deviations overwrite the sorted copy: it is no longer needed */
	for (size_t i = 0; i < n; i++)
		s[i] = fabs(s[i] - out->median);
	stats_sort(s, n);
	out->mad = stats_quantile_sorted(s, n, 0.5);
	out->mad_scaled = out->mad * STATS_MAD_NORMAL_SCALE;
	free(s);
	return 0;
}
