/* Distribution functions the statistics need: normal and Student t quantiles and CDFs. */
#ifndef TARE_STATS_DIST_H
#define TARE_STATS_DIST_H

/* All functions are pure and total: arguments outside the domain give NaN, never abort. */

/* Standard normal CDF, Φ(x), computed through erfc so that both tails keep full relative
 * precision. */
double stats_norm_cdf(double x);

/* Standard normal quantile Φ⁻¹(p): Wichura's AS 241 (PPND16, about 1e-16 relative).
 * p = 0 gives -INFINITY, p = 1 gives +INFINITY, p outside [0, 1] or NaN gives NaN. */
double stats_norm_quantile(double p);

/* Regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1, by the continued
 * fraction (modified Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) where it converges
 * faster. */
double stats_incbeta(double a, double b, double x);

/* Student t CDF with df > 0 degrees of freedom (df need not be an integer; df = INFINITY is the
 * normal distribution). */
double stats_t_cdf(double t, double df);

/* Student t quantile: the t with stats_t_cdf(t, df) = p. Closed forms for df = 1 and 2; otherwise
 * a safeguarded Newton iteration on the CDF (bracketed by bisection), converged to the precision
 * of the incomplete beta function. p = 0 or 1 gives ∓INFINITY; df ≤ 0 or p outside [0, 1] gives
 * NaN. Accurate to about 1e-13 relative while |t| < 1e154 (where t² still fits a double):
 * beyond it (p below about 10^(−154·df), so only df < 2 and absurdly small p) the result is
 * clamped near ∓1.3e154. */
double stats_t_quantile(double p, double df);

#endif
