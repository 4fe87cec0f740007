/* Descriptive statistics of one sample: location, spread, type-7 quantiles and the tail ratio. */
#ifndef TARE_STATS_DESCRIBE_H
#define TARE_STATS_DESCRIBE_H

#include <stdbool.h>
#include <stddef.h>

/* The scale factor that makes the MAD a consistent estimator of σ for normal data: 1/Φ⁻¹(¾). */
#define STATS_MAD_NORMAL_SCALE 1.4826

/* A summary of n values. Undefined quantities are NaN: everything but n when n = 0, stdev when
 * n = 1, tail_ratio when the median is 0. */
struct stats_describe {
	size_t n;
	double min, max;
	double mean;
	double stdev;         /* sample standard deviation, divisor n − 1 */
	double median;        /* type-7 quantile at ½ (the usual median) */
	double mad;           /* raw median absolute deviation: median |x − median| */
	double mad_scaled;    /* mad × STATS_MAD_NORMAL_SCALE; reporters print this one as "MAD" */
	double p90, p95, p99; /* type-7 quantiles */
	/* n < 20: type 7 puts p99 at least 82% of the way from the second-largest value to the
	 * largest, so p99 is effectively the maximum and reporters must say so */
	bool p99_is_max;
	double tail_ratio; /* p99 / median */
};

/* Quantile of an ascending sorted array by Hyndman & Fan (1996) type 7, the default of R's
 * quantile() and NumPy's percentile(method="linear"): h = (n − 1)·p, result
 * x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) with 0-based indices. NaN when n = 0 or p is outside
 * [0, 1]. */
double stats_quantile_sorted(const double *sorted, size_t n, double p);

/* Sorts x in place, ascending (total order for finite values). */
void stats_sort(double *x, size_t n);

/* Type-7 quantile of an unsorted sample; x is not modified (a sorted copy is made).
 * Returns 0, or -1 when a value is not finite (*out = NaN). */
int stats_quantile(const double *x, size_t n, double p, double *out);

/* Median of an unsorted sample (type 7 at ½); same contract as stats_quantile. */
int stats_median(const double *x, size_t n, double *out);

/* Fills *out for the n values at x (x is not modified). Returns 0, or -1 when a value is NaN or
 * infinite; *out then holds n and NaN fields. n = 0 is valid (all NaN). */
int stats_describe(const double *x, size_t n, struct stats_describe *out);

#endif
