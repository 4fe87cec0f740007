/* Slopes of a response against one varied axis: least squares with a t interval, and Theil–Sen
 * with Sen's interval. */
#ifndef TARE_STATS_SLOPE_H
#define TARE_STATS_SLOPE_H

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
};

/* Computes *out. The interval takes sorted slopes S (N = n_slopes) and Kendall's-tau variance with
 * ties, σ² = (n(n−1)(2n+5) − Σ_x t(t−1)(2t+5) − Σ_y u(u−1)(2u+5)) / 18 over the tie groups of x
 * and y, z = Φ⁻¹((1 − conf)/2) < 0, and returns S[max(round((N + zσ)/2) − 1, 0)] and
 * S[min(round((N − zσ)/2), N − 1)] (0-based, round half to even as numpy.round). NaN when no
 * pair has distinct x. O(n²) memory. Returns 0, or -1 on a non-finite value or conf outside
 * (0, 1). */
int stats_theil_sen(const double *x, const double *y, size_t n, double conf,
                    struct stats_theil_sen *out);

#endif
