/* Paired differences: Hodges–Lehmann with the Wilcoxon interval, the signed-rank test, verdicts. */
#include "stats/paired.h"

#include "stats/describe.h"
#include "stats/dist.h"
#include "stats/multiplicity.h"
#include "stats/power.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counts of each value of the sum Σ s_i·w_i over all 2^n sign vectors s ∈ {0,1}^n, for integer
 * weights w (ranks, or doubled midranks): the permutation null distribution of W+. counts has
 * total + 1 entries, total = Σ w_i. Counts stay below 2^STATS_EXACT_MAX_N < 2^53, exact. */
static double *signrank_counts(const size_t *w, size_t n, size_t total)
{
	double *counts = xcalloc(total + 1, sizeof(*counts));
	counts[0] = 1.0;
	size_t reach = 0;
	for (size_t i = 0; i < n; i++) {
		reach += w[i];
		for (size_t s = reach; s >= w[i] && s > 0; s--)
			counts[s] += counts[s - w[i]];
	}
	return counts;
}

int stats_signrank_ci_rank(size_t n, double conf, size_t *k, double *achieved,
                           enum stats_ci_method *method)
{
	*k = 0;
	*achieved = NAN;
	*method = STATS_CI_NONE;
	if (n == 0 || !(conf > 0.0 && conf < 1.0))
		return -1;
	double half_alpha = (1.0 - conf) / 2.0;
	double nn = (double)n;
	if (n > STATS_EXACT_MAX_N) {
		double mu = nn * (nn + 1.0) / 4.0;
		double sigma = sqrt(nn * (nn + 1.0) * (2.0 * nn + 1.0) / 24.0);
		double z = stats_norm_quantile(1.0 - half_alpha);
		/* smallest q with Φ((q + ½ − μ)/σ) ≥ α/2 */
		double q = ceil(mu - 0.5 - z * sigma);
		if (q < 1.0)
			q = 1.0;
		*k = (size_t)q;
		*achieved = 1.0 - 2.0 * stats_norm_cdf((q - 1.0 + 0.5 - mu) / sigma);
		*method = STATS_CI_NORMAL_WILCOXON;
		return 0;
	}
	size_t m = n * (n + 1) / 2;
	size_t w[STATS_EXACT_MAX_N];
	for (size_t i = 0; i < n; i++)
		w[i] = i + 1;
	double *counts = signrank_counts(w, n, m);
	double total = ldexp(1.0, (int)n);
	double cum = 0.0;
	size_t q = 0;
	for (q = 0; q <= m; q++) {
		if ((cum + counts[q]) / total >= half_alpha)
			break;
		cum += counts[q];
	}
	/* cum is now P(W+ ≤ q − 1)·2^n; with q = 0 raised to 1, that is P(W+ ≤ 0) */
	if (q == 0) {
		q = 1;
		cum = counts[0];
	}
	free(counts);
	*k = q;
	*achieved = 1.0 - 2.0 * cum / total;
	*method = STATS_CI_EXACT_WILCOXON;
	return 0;
}

static int all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return 0;
	return 1;
}

int stats_hodges_lehmann(const double *d, size_t n, double conf, struct stats_hl *out)
{
	out->n = n;
	out->estimate = out->lo = out->hi = out->conf_achieved = NAN;
	out->conf = conf;
	out->k = 0;
	out->method = STATS_CI_NONE;
	if (!all_finite(d, n) || !(conf > 0.0 && conf < 1.0) || n > STATS_HL_MAX_N)
		return -1;
	if (n == 0)
		return 0;
	size_t m = n * (n + 1) / 2;
	double *walsh = xmalloc(m * sizeof(*walsh));
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i; j < n; j++)
			walsh[at++] = (d[i] + d[j]) / 2.0;
	stats_sort(walsh, m);
	size_t k;
	double achieved;
	enum stats_ci_method method;
	if (stats_signrank_ci_rank(n, conf, &k, &achieved, &method) < 0) {
		free(walsh);
		return -1;
	}
	out->estimate = stats_quantile_sorted(walsh, m, 0.5);
	out->lo = walsh[k - 1];
	out->hi = walsh[m - k];
	out->k = k;
	out->conf_achieved = achieved;
	out->method = method;
	free(walsh);
	return 0;
}

struct abs_index {
	double abs;
	size_t i;
};

static int cmp_abs(const void *pa, const void *pb)
{
	const struct abs_index *a = pa, *b = pb;
	return (a->abs > b->abs) - (a->abs < b->abs);
}

/* Doubled midranks of |d| for the nonzero d (so ties stay integers), in *w2 (n_used entries, in
 * the order of the nonzero values), and whether any tie occurred. */
static void doubled_midranks(const double *nz, size_t n, size_t *w2, bool *ties)
{
	struct abs_index *ai = xmalloc(n * sizeof(*ai));
	for (size_t i = 0; i < n; i++) {
		ai[i].abs = fabs(nz[i]);
		ai[i].i = i;
	}
	qsort(ai, n, sizeof(*ai), cmp_abs);
	*ties = false;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && ai[j + 1].abs == ai[i].abs)
			j++;
		if (j > i)
			*ties = true;
		/* positions i+1 … j+1 share the rank (i+1 + j+1)/2; doubled: i + j + 2 */
		for (size_t t = i; t <= j; t++)
			w2[ai[t].i] = i + j + 2;
		i = j + 1;
	}
	free(ai);
}

/* Exact two-sided p-value for the doubled statistic t2 under doubled weights w2. */
static double exact_p(const size_t *w2, size_t n, size_t t2)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += w2[i];
	double *counts = signrank_counts(w2, n, total);
	double le = 0.0, ge = 0.0;
	for (size_t s = 0; s <= total; s++) {
		if (s <= t2)
			le += counts[s];
		if (s >= t2)
			ge += counts[s];
	}
	free(counts);
	double all = ldexp(1.0, (int)n);
	double two = 2.0 * (le < ge ? le : ge) / all;
	return two < 1.0 ? two : 1.0;
}

static int cmp_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return (a > b) - (a < b);
}

/* Two-sided normal-approximation p-value. */
static double normal_p(const size_t *w2, size_t n, double w_plus)
{
	double nn = (double)n;
	double mu = nn * (nn + 1.0) / 4.0;
	double var = nn * (nn + 1.0) * (2.0 * nn + 1.0) / 24.0;
	/* tie correction: a group of t tied |d| (equal midranks) lowers the variance by
	 * (t³ − t)/48 */
	size_t *sorted = xmalloc(n * sizeof(*sorted));
	memcpy(sorted, w2, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_size);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && sorted[j + 1] == sorted[i])
			j++;
		double t = (double)(j - i + 1);
		var -= (t * t * t - t) / 48.0;
		i = j + 1;
	}
	free(sorted);
	if (!(var > 0.0))
		return 1.0;
	double diff = w_plus - mu;
	double cc = diff > 0.0 ? 0.5 : (diff < 0.0 ? -0.5 : 0.0);
	double z = (diff - cc) / sqrt(var);
	return erfc(fabs(z) / M_SQRT2);
}

int stats_wilcoxon(const double *d, size_t n, struct stats_wilcoxon *out)
{
	memset(out, 0, sizeof(*out));
	out->p_value = NAN;
	out->w_plus = NAN;
	if (!all_finite(d, n))
		return -1;
	size_t used = 0;
	for (size_t i = 0; i < n; i++)
		used += d[i] != 0.0;
	out->n_used = used;
	out->n_zeros = n - used;
	out->exact = used <= STATS_EXACT_MAX_N;
	if (used == 0) {
		out->w_plus = 0.0;
		out->p_value = 1.0;
		return 0;
	}
	double *nz = xmalloc(used * sizeof(*nz));
	size_t *w2 = xmalloc(used * sizeof(*w2));
	for (size_t i = 0, at = 0; i < n; i++)
		if (d[i] != 0.0)
			nz[at++] = d[i];
	doubled_midranks(nz, used, w2, &out->ties);
	size_t t2 = 0;
	for (size_t i = 0; i < used; i++)
		if (nz[i] > 0.0)
			t2 += w2[i];
	out->w_plus = (double)t2 / 2.0;
	out->p_value = out->exact ? exact_p(w2, used, t2) : normal_p(w2, used, out->w_plus);
	free(nz);
	free(w2);
	return 0;
}

void stats_paired_diffs(const double *a, const double *b, size_t n, double *d)
{
	for (size_t i = 0; i < n; i++)
		d[i] = b[i] - a[i];
}

int stats_paired(const double *a, const double *b, size_t n, double conf, struct stats_paired *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->median_a = out->median_b = out->median_delta = NAN;
	out->rel_pct = out->rel_lo = out->rel_hi = NAN;
	out->sd_delta = out->min_detectable = out->min_detectable_pct = NAN;
	out->q_value = NAN;
	out->q_family = 0;
	double *d = xmalloc((n ? n : 1) * sizeof(*d));
	stats_paired_diffs(a, b, n, d);
	int rc = -1;
	int hl_rc = stats_hodges_lehmann(d, n, conf, &out->hl);
	int w_rc = stats_wilcoxon(d, n, &out->test);
	if (hl_rc < 0 || w_rc < 0)
		goto cleanup;
	if (stats_median(a, n, &out->median_a) < 0 || stats_median(b, n, &out->median_b) < 0 ||
	    stats_median(d, n, &out->median_delta) < 0)
		goto cleanup;
	if (out->median_a != 0.0 && !isnan(out->median_a)) {
		out->rel_pct = out->hl.estimate / out->median_a * 100.0;
		out->rel_lo = out->hl.lo / out->median_a * 100.0;
		out->rel_hi = out->hl.hi / out->median_a * 100.0;
		if (out->median_a < 0.0) { /* dividing by a negative baseline swaps the ends */
			double t = out->rel_lo;
			out->rel_lo = out->rel_hi;
			out->rel_hi = t;
		}
	}
	struct stats_describe desc;
	if (stats_describe(d, n, &desc) < 0)
		goto cleanup;
	out->sd_delta = desc.stdev;
	if (stats_paired_verdict(out) != DELTA_INCONCLUSIVE) {
		out->min_detectable =
		    stats_min_detectable(out->sd_delta, n, out->hl.conf_achieved, STATS_POWER);
		if (out->median_a != 0.0 && !isnan(out->median_a))
			out->min_detectable_pct = out->min_detectable / fabs(out->median_a) * 100.0;
	}
	rc = 0;
cleanup:
	free(d);
	return rc;
}

static const char *const delta_verdict_names[] = {"no_difference", "higher", "lower",
                                                  "inconclusive"};
static const char *const ci_method_names[] = {"none", "exact Wilcoxon signed-rank",
                                              "normal approximation of Wilcoxon signed-rank"};

const char *stats_delta_verdict_name(enum stats_delta_verdict v)
{
	return delta_verdict_names[v];
}

const char *stats_ci_method_name(enum stats_ci_method m)
{
	return ci_method_names[m];
}

enum stats_delta_verdict stats_delta_verdict(double lo, double hi)
{
	if (lo > 0.0 && hi > 0.0)
		return DELTA_HIGHER;
	if (hi < 0.0 && lo < 0.0)
		return DELTA_LOWER;
	return DELTA_NO_DIFFERENCE;
}

/* the achieved confidence is an exact binary fraction or a normal probability; allow rounding */
static bool reaches_conf(const struct stats_hl *hl)
{
	return hl->conf_achieved >= hl->conf - 1e-12;
}

enum stats_delta_verdict stats_paired_verdict(const struct stats_paired *p)
{
	if (p->hl.method == STATS_CI_NONE || !reaches_conf(&p->hl))
		return DELTA_INCONCLUSIVE;
	return stats_delta_verdict(p->hl.lo, p->hl.hi);
}

/* " (+4.1%)" or "" when pct is NaN */
static void pct_suffix(char *buf, size_t size, double pct, bool plus)
{
	buf[0] = '\0';
	if (isnan(pct))
		return;
	char r[64];
	format_signed(r, sizeof(r), pct, 1, plus);
	snprintf(buf, size, " (%s%%)", r);
}

int stats_delta_format(const struct stats_paired *p, const char *unit, int decimals, char *buf,
                       size_t size)
{
	char est[80], lo[80], hi[80], pct[80];
	if (decimals < 0)
		decimals = 0;
	if (decimals > 12)
		decimals = 12;
	format_signed(est, sizeof(est), p->hl.estimate, decimals, true);
	format_signed(lo, sizeof(lo), p->hl.lo, decimals, false);
	format_signed(hi, sizeof(hi), p->hl.hi, decimals, false);
	pct_suffix(pct, sizeof(pct), p->rel_pct, true);
	const char *u = unit && *unit ? unit : "";
	const char *sp = *u ? " " : "";
	enum stats_delta_verdict v = stats_paired_verdict(p);
	if (v == DELTA_HIGHER || v == DELTA_LOWER) {
		char q[160] = "";
		if (!isnan(p->q_value) && p->q_value >= STATS_FDR_Q)
			snprintf(q, sizeof(q),
			         ", but q = %.2f over %zu pairs: not significant after "
			         "Benjamini\xe2\x80\x93Hochberg",
			         p->q_value, p->q_family);
		return snprintf(buf, size, "%s%s%s [%s, %s]%s \xe2\x80\x94 %s%s", est, sp, u, lo,
		                hi, pct, stats_delta_verdict_name(v), q);
	}
	if (v == DELTA_INCONCLUSIVE) {
		if (p->hl.method == STATS_CI_NONE)
			return snprintf(buf, size, "inconclusive: no pairs");
		return snprintf(
		    buf, size,
		    "inconclusive: too few pairs: %s%s%s [%s, %s] (%.1f%% interval: %zu "
		    "pairs cannot reach %g%%)",
		    est, sp, u, lo, hi, p->hl.conf_achieved * 100.0, p->hl.n, p->hl.conf * 100.0);
	}
	char mde[200] = "";
	if (!isnan(p->min_detectable)) {
		char m[80], mp[80];
		format_signed(m, sizeof(m), p->min_detectable, decimals, false);
		pct_suffix(mp, sizeof(mp), p->min_detectable_pct, false);
		snprintf(mde, sizeof(mde), "; no difference larger than %s%s%s%s detectable", m, sp,
		         u, mp);
	}
	return snprintf(buf, size, "no detectable difference: %s%s%s [%s, %s]%s", est, sp, u, lo,
	                hi, mde);
}
