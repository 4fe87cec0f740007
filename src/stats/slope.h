/* Slopes of a response against one varied axis: least squares with a t interval, and Theil–Sen
 * with Sen's interval. */
#ifndef TARE_STATS_SLOPE_H
#define TARE_STATS_SLOPE_H

#include <stdbool.h>
#include <stddef.h>

/* Ordinary least squares y = intercept + slope·x. */
struct stats_ols {
	size_t n;
	double slope, intercept;
	double slope_se;           /* standard error of the slope, residual df n − 2 */
	double slope_lo, slope_hi; /* slope ∓ t_{(1+conf)/2, n−2}·slope_se */
	double r2; /* squared Pearson r; 0 when y (or x) has no variance, as scipy */
	double conf;
};

/* Fits x (predictor) and y (response), n points. slope and intercept are NaN when n < 2 or all x
 * are equal; the interval and slope_se are NaN when n < 3. Returns 0, or -1 on a non-finite
 * value or conf outside (0, 1) (fields NaN). */
int stats_ols(const double *x, const double *y, size_t n, double conf, struct stats_ols *out);

/* Theil–Sen estimator, as scipy.stats.theilslopes(y, x, conf, method="separate"). */
struct stats_theil_sen {
	size_t n;
	size_t n_slopes;           /* pairs with x_i ≠ x_j (pairs with equal x are skipped) */
	double slope;              /* median of the pairwise slopes */
	double intercept;          /* median(y) − slope·median(x) */
	double slope_lo, slope_hi; /* Sen (1968) interval, see stats_theil_sen */
	double conf;
	/* The confidence the interval actually has. Sen's interval picks its ends by a normal
	 * approximation; with few points that approximation is poor and the ends are clamped to the
	 * extreme slopes (3 points: 66.7%, 4: 91.7%). Under y = α + βx + iid continuous errors and
	 * distinct x, the number of pairwise slopes below β is the number of inversions of a
	 * uniform random permutation of n (Kendall's null), so the interval [S_(l+1), S_(u+1)]
	 * (0-based l, u) covers β with probability P(l + 1 ≤ I_n ≤ u): exact (Mahonian
	 * distribution) for n ≤ STATS_THEIL_SEN_EXACT_MAX_N, normal with continuity correction
	 * above. NaN when x has ties (the inversion count no longer applies) or there is no
	 * interval. */
	double conf_achieved;
	bool conf_exact;
};

/* Up to this many points the achieved confidence of Sen's interval is computed exactly. */
#define STATS_THEIL_SEN_EXACT_MAX_N 200

/* The fewest points (distinct x) for which Sen's interval reaches conf, by the rule above; 0 when
 * none up to STATS_THEIL_SEN_EXACT_MAX_N does. 5 at 95%. */
size_t stats_theil_sen_min_points(double conf);

/* Computes *out. The interval takes sorted slopes S (N = n_slopes) and Kendall's-tau variance with
 * ties, σ² = (n(n−1)(2n+5) − Σ_x t(t−1)(2t+5) − Σ_y u(u−1)(2u+5)) / 18 over the tie groups of x
 * and y, z = Φ⁻¹((1 − conf)/2) < 0, and returns S[max(round((N + zσ)/2) − 1, 0)] and
 * S[min(round((N − zσ)/2), N − 1)] (0-based, round half to even as numpy.round). NaN when no
 * pair has distinct x. O(n²) memory. Returns 0, or -1 on a non-finite value or conf outside
 * (0, 1). */
int stats_theil_sen(const double *x, const double *y, size_t n, double conf,
                    struct stats_theil_sen *out);

#endif
