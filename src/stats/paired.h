/* Paired comparison of two arms: per-round differences, Hodges–Lehmann estimate with a Wilcoxon
 * confidence interval, the signed-rank test, relative overhead and a verdict that never claims a
 * difference the interval does not support. */
#ifndef TARE_STATS_PAIRED_H
#define TARE_STATS_PAIRED_H

#include <stdbool.h>
#include <stddef.h>

/* Up to this many pairs (after dropping zero differences, for the test) the signed-rank null
 * distribution is computed exactly; above it the normal approximation is used. 2^50 < 2^53, so
 * the dynamic-programming counts stay exact integers in doubles. */
#define STATS_EXACT_MAX_N 50

/* Hodges–Lehmann needs all n(n+1)/2 Walsh averages in memory; larger inputs return -1. */
#define STATS_HL_MAX_N 10000

enum stats_ci_method {
	STATS_CI_NONE,            /* n = 0: no interval */
	STATS_CI_EXACT_WILCOXON,  /* exact null distribution of W+ (n ≤ STATS_EXACT_MAX_N) */
	STATS_CI_NORMAL_WILCOXON, /* normal approximation of W+ with continuity correction */
};

/* Critical rank k of the Wilcoxon signed-rank confidence interval, as R's wilcox.test: with W+
 * the signed-rank statistic of n untied observations and α = 1 − conf, k is the smallest q with
 * P(W+ ≤ q) ≥ α/2, raised to 1 if it is 0; the interval [W_(k), W_(M−k+1)] over the sorted Walsh
 * averages (M = n(n+1)/2) then has confidence 1 − 2·P(W+ ≤ k − 1), returned in *achieved (it
 * can be below conf for n ≤ 5 at 95%: no interval reaches it). Exact for n ≤ STATS_EXACT_MAX_N;
 * above, P is Φ((q + ½ − n(n+1)/4) / √(n(n+1)(2n+1)/24)). Returns 0, or -1 for n = 0 or conf
 * outside (0, 1). */
int stats_signrank_ci_rank(size_t n, double conf, size_t *k, double *achieved,
                           enum stats_ci_method *method);

/* Hodges–Lehmann one-sample location estimate with its confidence interval. */
struct stats_hl {
	size_t n;             /* differences used (all of them, zeros included) */
	double estimate;      /* median of the Walsh averages (d_i + d_j)/2, i ≤ j */
	double lo, hi;        /* W_(k), W_(M−k+1) */
	double conf;          /* requested confidence, e.g. 0.95 */
	double conf_achieved; /* what the interval actually has (see stats_signrank_ci_rank) */
	size_t k;             /* critical rank, 1-based; 0 when n = 0 */
	enum stats_ci_method method;
};

/* Computes *out from the n differences d. Zero differences are kept: the interval inverts the
 * test at every θ and d_i − θ is only zero at θ = d_i. Returns 0, or -1 on a non-finite value,
 * conf outside (0, 1) or n > STATS_HL_MAX_N (fields NaN). n = 0 gives NaN
 * fields and method STATS_CI_NONE. */
int stats_hodges_lehmann(const double *d, size_t n, double conf, struct stats_hl *out);

/* Wilcoxon signed-rank test of H0: location = 0, two-sided. */
struct stats_wilcoxon {
	size_t n_used;  /* nonzero differences: zeros are dropped first (Wilcoxon's convention,
	                 * scipy's zero_method="wilcox") */
	size_t n_zeros; /* differences exactly zero */
	bool ties;      /* some |d| tie: midranks are used */
	double w_plus;  /* sum of the (mid)ranks of |d| over positive d */
	double p_value; /* 2·min(P(W+ ≤ w), P(W+ ≥ w)), at most 1; 1 when n_used = 0 */
	/* true: the exact permutation distribution of W+ given the observed (mid)ranks, by dynamic
	 * programming over doubled ranks (n_used ≤ STATS_EXACT_MAX_N; with ties this is the exact
	 * conditional distribution, no approximation). false: normal approximation with the tie
	 * correction Σ(t³ − t)/48 of the variance and a continuity correction of ½ (scipy's
	 * wilcoxon(correction=True, mode="approx")). */
	bool exact;
};

/* Returns 0, or -1 on a non-finite value (p_value NaN). */
int stats_wilcoxon(const double *d, size_t n, struct stats_wilcoxon *out);

/* Everything a report says about one compared pair of arms (baseline a, candidate b). */
struct stats_paired {
	size_t n; /* rounds (pairs) */
	double median_a, median_b;
	double median_delta; /* median of d_i = b_i − a_i */
	struct stats_hl hl;  /* Hodges–Lehmann of d and its interval */
	struct stats_wilcoxon test;
	/* overhead relative to the baseline: hl.estimate / median_a × 100, the interval scaled the
	 * same way (not a ratio interval); NaN when median_a is 0 */
	double rel_pct, rel_lo, rel_hi;
	double sd_delta; /* sample standard deviation of the d_i (n − 1); NaN when n < 2 */
	/* stats_min_detectable(sd_delta, n, hl.conf_achieved, STATS_POWER) and the same as % of
	 * median_a; NaN when the interval cannot reach its confidence (the pair is inconclusive) */
	double min_detectable, min_detectable_pct;
	/* Benjamini–Hochberg q-value of test.p_value among the pairs of a run, and how many pairs
	 * that family has: NaN and 0 until the caller sets them (stats_paired leaves them so) */
	double q_value;
	size_t q_family;
};

/* d[i] = b[i] − a[i] for i < n; d has room for n values. */
void stats_paired_diffs(const double *a, const double *b, size_t n, double *d);

/* Fills *out for n rounds where a[i] and b[i] were measured in the same round. Returns 0, or -1
 * as stats_hodges_lehmann and stats_wilcoxon do. */
int stats_paired(const double *a, const double *b, size_t n, double conf, struct stats_paired *out);

enum stats_delta_verdict {
	DELTA_NO_DIFFERENCE, /* the interval includes zero (or is undefined) */
	DELTA_HIGHER,        /* the whole interval is above zero: b is higher than a */
	DELTA_LOWER,         /* the whole interval is below zero */
	DELTA_INCONCLUSIVE,  /* no pairs, or too few for the interval to reach its confidence */
};

/* The verdict for an interval: HIGHER only when lo > 0, LOWER only when hi < 0; an interval that
 * touches or includes zero, or has a NaN end, is NO_DIFFERENCE. */
enum stats_delta_verdict stats_delta_verdict(double lo, double hi);

/* "none", "exact Wilcoxon signed-rank", "normal approximation of Wilcoxon signed-rank". */
const char *stats_ci_method_name(enum stats_ci_method m);

/* The verdict for a pair: INCONCLUSIVE when there is no interval or its achieved confidence is
 * below the requested one (n ≤ 5 at 95%: too few pairs, never "no difference"); otherwise as
 * stats_delta_verdict on the HL interval. */
enum stats_delta_verdict stats_paired_verdict(const struct stats_paired *p);

/* "higher", "lower", "no_difference", "inconclusive": the names summary.json uses. */
const char *stats_delta_verdict_name(enum stats_delta_verdict v);

/* Writes one sentence for people, with `decimals` digits after the point for the delta, its
 * interval and the minimum detectable shift (percentages get one), minus signs as U+2212 and the
 * dash as U+2014:
 *   "+1.23 ms [0.40, 2.10] (+4.1%) — higher"
 *   "−0.80 ms [−1.20, −0.30] (−2.6%) — lower"
 *   "no detectable difference: −0.10 ms [−0.50, 0.30]; no difference larger than 0.80 ms (6.0%)
 *    detectable"
 *   "inconclusive: too few pairs: +1.20 ms [0.40, 2.10] (93.8% interval: 5 pairs cannot reach
 *    95%)"
 *   "inconclusive: no pairs"
 * A higher or lower pair whose q_value is known and not below STATS_FDR_Q gets
 * ", but q = 0.31 over 21 pairs: not significant after Benjamini–Hochberg". It never says higher
 * or lower unless stats_paired_verdict does. The percentages are left out when NaN. Returns what
 * snprintf returns (the length it needed). */
int stats_delta_format(const struct stats_paired *p, const char *unit, int decimals, char *buf,
                       size_t size);

#endif
