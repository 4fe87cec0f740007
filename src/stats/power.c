/* Minimum pairs and minimum detectable shift of the paired signed-rank design. */
#include "stats/power.h"

#include "stats/dist.h"
#include "stats/paired.h"

#include <math.h>

/* the achieved confidence is an exact binary fraction; allow its rounding */
#define CONF_SLACK 1e-12

size_t stats_signrank_min_pairs(double conf)
{
	if (!(conf > 0.0 && conf < 1.0))
		return 0;
	for (size_t n = 1; n <= STATS_EXACT_MAX_N; n++) {
		size_t k;
		double achieved;
		enum stats_ci_method method;
		if (stats_signrank_ci_rank(n, conf, &k, &achieved, &method) < 0)
			return 0;
		if (achieved >= conf - CONF_SLACK)
			return n;
	}
	return 0;
}

double stats_min_detectable(double sd, size_t n, double conf_achieved, double power)
{
	if (n < 2 || !isfinite(sd) || sd < 0.0 || !(conf_achieved > 0.0 && conf_achieved < 1.0) ||
	    !(power > 0.0 && power < 1.0))
		return NAN;
	double df = (double)(n - 1);
	double alpha = 1.0 - conf_achieved;
	double t_alpha = stats_t_quantile(1.0 - alpha / 2.0, df);
	double t_power = stats_t_quantile(power, df);
	return sqrt(M_PI / 3.0) * (t_alpha + t_power) * sd / sqrt((double)n);
}
