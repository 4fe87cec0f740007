/* What a paired design can detect: the pairs a confidence level needs and the minimum detectable
 * shift at a stated power. */
#ifndef TARE_STATS_POWER_H
#define TARE_STATS_POWER_H

#include <stddef.h>

/* The confidence tare's reports state their intervals at. */
#define STATS_DEFAULT_CONF 0.95

/* The power the minimum detectable effect is stated at. */
#define STATS_POWER 0.80

/* The smallest number of pairs whose exact signed-rank interval reaches conf (6 at 95%, 7 at 97%,
 * 8 at 99%), found with stats_signrank_ci_rank. 0 for conf outside (0, 1), or when even
 * STATS_EXACT_MAX_N pairs cannot (conf above 1 − 2^−49). */
size_t stats_signrank_min_pairs(double conf);

/* The minimum detectable shift of the median paired difference: the smallest true shift the
 * signed-rank interval of n pairs with achieved confidence conf_achieved excludes zero with
 * probability `power`, for differences of standard deviation sd:
 *
 *     MDE = √(π/3) · (t_{1−α/2, n−1} + t_{power, n−1}) · sd / √n,   α = 1 − conf_achieved
 *
 * the paired t-test's detectable shift, widened by the signed-rank test's asymptotic relative
 * efficiency against it on normal data (3/π: the rank test needs π/3 times as many pairs). On
 * heavier tails the rank test is relatively better and this overstates the MDE, never understates
 * it. NaN when n < 2, sd is not finite or negative, or an argument is outside its domain. */
double stats_min_detectable(double sd, size_t n, double conf_achieved, double power);

#endif
