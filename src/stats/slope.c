/* Least-squares and Theil–Sen slopes with their confidence intervals. */
#include "stats/slope.h"

#include "stats/describe.h"
#include "stats/dist.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

static double mean_of(const double *x, size_t n)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	double m = s / (double)n;
	double corr = 0.0;
	for (size_t i = 0; i < n; i++)
		corr += x[i] - m;
	return m + corr / (double)n;
}

int stats_ols(const double *x, const double *y, size_t n, double conf, struct stats_ols *out)
{
	out->n = n;
	out->conf = conf;
	out->slope = out->intercept = out->slope_se = out->slope_lo = out->slope_hi = NAN;
	out->r2 = NAN;
	if (!all_finite(x, n) || !all_finite(y, n) || !(conf > 0.0 && conf < 1.0))
		return -1;
	if (n < 2)
		return 0;
	double mx = mean_of(x, n), my = mean_of(y, n);
	double sxx = 0.0, sxy = 0.0, syy = 0.0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (sxx == 0.0)
		return 0;
	out->slope = sxy / sxx;
	out->intercept = my - out->slope * mx;
	double den = sqrt(sxx * syy);
	double r = den == 0.0 ? 0.0 : sxy / den;
	if (r > 1.0)
		r = 1.0;
	if (r < -1.0)
		r = -1.0;
	out->r2 = r * r;
	if (n < 3)
		return 0;
	/* residuals summed directly rather than as syy(1 − r²), which cancels for good fits */
	double sse = 0.0;
	for (size_t i = 0; i < n; i++) {
		double e = y[i] - (out->intercept + out->slope * x[i]);
		sse += e * e;
	}
	double df = (double)(n - 2);
	out->slope_se = sqrt(sse / df / sxx);
	double t = stats_t_quantile(0.5 + conf / 2.0, df);
	out->slope_lo = out->slope - t * out->slope_se;
	out->slope_hi = out->slope + t * out->slope_se;
	return 0;
}

/* Σ t(t−1)(2t+5) over the groups of equal values of x (sorted copy in scratch). */
static double tie_term(const double *x, size_t n, double *scratch)
{
	memcpy(scratch, x, n * sizeof(*scratch));
	stats_sort(scratch, n);
	double sum = 0.0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && scratch[j + 1] == scratch[i])
			j++;
		double t = (double)(j - i + 1);
		sum += t * (t - 1.0) * (2.0 * t + 5.0);
		i = j + 1;
	}
	return sum;
}

/* numpy.round: half to even, independent of the floating-point rounding mode */
static double round_half_even(double v)
{
	double f = floor(v);
	double diff = v - f;
	if (diff > 0.5)
		return f + 1.0;
	if (diff < 0.5)
		return f;
	return fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

/* P(lo ≤ I_n ≤ hi) for the number of inversions I_n of a uniform random permutation of n: the
 * Mahonian distribution, built as I_k = I_{k−1} + U{0..k−1} with a sliding-window sum. */
static double inversions_prob(size_t n, size_t lo, size_t hi)
{
	size_t total = n * (n - 1) / 2;
	double *p = xcalloc(total + 1, sizeof(*p)), *q = xcalloc(total + 1, sizeof(*q));
	p[0] = 1.0;
	size_t reach = 0;
	for (size_t k = 2; k <= n; k++) {
		reach += k - 1;
		double window = 0.0;
		for (size_t s = 0; s <= reach; s++) {
			window += p[s];
			if (s >= k)
				window -= p[s - k];
			q[s] = window / (double)k;
		}
		double *t = p;
		p = q;
		q = t;
	}
	double sum = 0.0;
	for (size_t s = lo; s <= hi && s <= total; s++)
		sum += p[s];
	free(p);
	free(q);
	return sum;
}

static double sen_coverage(size_t n, size_t rl, size_t ru, bool *exact)
{
	*exact = n <= STATS_THEIL_SEN_EXACT_MAX_N;
	if (ru < rl + 1)
		return 0.0;
	if (*exact)
		return inversions_prob(n, rl + 1, ru);
	double nn = (double)n;
	double mu = nn * (nn - 1.0) / 4.0;
	double sd = sqrt(nn * (nn - 1.0) * (2.0 * nn + 5.0) / 72.0);
	return stats_norm_cdf(((double)ru + 0.5 - mu) / sd) -
	       stats_norm_cdf(((double)rl + 1.0 - 0.5 - mu) / sd);
}

/* Sen's interval ends (0-based) over N slopes of n points, as scipy.stats.theilslopes. */
static void sen_ranks(size_t n, size_t ns, double sigsq_ties, double conf, size_t *rl_out,
                      size_t *ru_out)
{
	double nn = (double)n;
	double sigsq = (nn * (nn - 1.0) * (2.0 * nn + 5.0) - sigsq_ties) / 18.0;
	double sigma = sqrt(sigsq > 0.0 ? sigsq : 0.0);
	double z = stats_norm_quantile((1.0 - conf) / 2.0);
	double big = (double)ns;
	double ru = round_half_even((big - z * sigma) / 2.0);
	double rl = round_half_even((big + z * sigma) / 2.0) - 1.0;
	if (ru > big - 1.0)
		ru = big - 1.0;
	if (rl < 0.0)
		rl = 0.0;
	*rl_out = (size_t)rl;
	*ru_out = (size_t)ru;
}

size_t stats_theil_sen_min_points(double conf)
{
	if (!(conf > 0.0 && conf < 1.0))
		return 0;
	for (size_t n = 2; n <= STATS_THEIL_SEN_EXACT_MAX_N; n++) {
		size_t rl, ru;
		bool exact;
		sen_ranks(n, n * (n - 1) / 2, 0.0, conf, &rl, &ru);
		if (sen_coverage(n, rl, ru, &exact) >= conf - 1e-12)
			return n;
	}
	return 0;
}

int stats_theil_sen(const double *x, const double *y, size_t n, double conf,
                    struct stats_theil_sen *out)
{
	out->n = n;
	out->n_slopes = 0;
	out->conf = conf;
	out->slope = out->intercept = out->slope_lo = out->slope_hi = NAN;
	out->conf_achieved = NAN;
	out->conf_exact = false;
	if (!all_finite(x, n) || !all_finite(y, n) || !(conf > 0.0 && conf < 1.0))
		return -1;
	if (n < 2)
		return 0;
	size_t pairs = n * (n - 1) / 2;
	double *slopes = xmalloc(pairs * sizeof(*slopes));
	double *scratch = xmalloc(n * sizeof(*scratch));
	int rc = 0;
	size_t ns = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (x[j] > x[i])
				slopes[ns++] = (y[j] - y[i]) / (x[j] - x[i]);
	out->n_slopes = ns;
	if (ns == 0)
		goto cleanup;
	stats_sort(slopes, ns);
	out->slope = stats_quantile_sorted(slopes, ns, 0.5);
	memcpy(scratch, x, n * sizeof(*scratch));
	stats_sort(scratch, n);
	double mx = stats_quantile_sorted(scratch, n, 0.5);
	memcpy(scratch, y, n * sizeof(*scratch));
	stats_sort(scratch, n);
	double my = stats_quantile_sorted(scratch, n, 0.5);
	out->intercept = my - out->slope * mx;

	double nn = (double)n;
	double x_ties = tie_term(x, n, scratch);
	double ties = x_ties + tie_term(y, n, scratch);
	if (!(nn * (nn - 1.0) * (2.0 * nn + 5.0) - ties >= 0.0))
		goto cleanup;
	size_t rl, ru;
	sen_ranks(n, ns, ties, conf, &rl, &ru);
	if (x_ties == 0.0) {
		out->conf_achieved = sen_coverage(n, rl, ru, &out->conf_exact);
		if (isnan(out->conf_achieved))
			rc = -1;
	}
	out->slope_lo = slopes[rl];
	out->slope_hi = slopes[ru];
cleanup:
	free(slopes);
	free(scratch);
	return rc;
}
