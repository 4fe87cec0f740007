/* Normal and Student t distribution functions (CDFs and quantiles) in double precision. */
#include "stats/dist.h"

#include <float.h>
#include <math.h>

double stats_norm_cdf(double x)
{
	if (isnan(x))
		return NAN;
	/* erfc keeps relative precision in the lower tail, where 1 + erf(x) would cancel */
	return 0.5 * erfc(-x / M_SQRT2);
}

static double poly8(const double c[8], double r)
{
	return ((((((c[7] * r + c[6]) * r + c[5]) * r + c[4]) * r + c[3]) * r + c[2]) * r + c[1]) *
	           r +
	       c[0];
}

double stats_norm_quantile(double p)
{
	/* Wichura, M. J. (1988). Algorithm AS 241. Applied Statistics 37(3), 477–484. */
	static const double a[8] = {3.3871328727963666080e0,  1.3314166789178437745e+2,
	                            1.9715909503065514427e+3, 1.3731693765509461125e+4,
	                            4.5921953931549871457e+4, 6.7265770927008700853e+4,
	                            3.3430575583588128105e+4, 2.5090809287301226727e+3};
	static const double b[8] = {1.0,
	                            4.2313330701600911252e+1,
	                            6.8718700749205790830e+2,
	                            5.3941960214247511077e+3,
	                            2.1213794301586595867e+4,
	                            3.9307895800092710610e+4,
	                            2.8729085735721942674e+4,
	                            5.2264952788528545610e+3};
	static const double c[8] = {1.42343711074968357734e0,  4.63033784615654529590e0,
	                            5.76949722146069140550e0,  3.64784832476320460504e0,
	                            1.27045825245236838258e0,  2.41780725177450611770e-1,
	                            2.27238449892691845833e-2, 7.74545014278341407640e-4};
	static const double d[8] = {1.0,
	                            2.05319162663775882187e0,
	                            1.67638483018380384940e0,
	                            6.89767334985100004550e-1,
	                            1.48103976427480074590e-1,
	                            1.51986665636164571966e-2,
	                            5.47593808499534494600e-4,
	                            1.05075007164441684324e-9};
	static const double e[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,
	                            1.78482653991729133580e0,  2.96560571828504891230e-1,
	                            2.65321895265761230930e-2, 1.24266094738807843860e-3,
	                            2.71155556874348757815e-5, 2.01033439929228813265e-7};
	static const double f[8] = {1.0,
	                            5.99832206555887937690e-1,
	                            1.36929880922735805310e-1,
	                            1.48753612908506148525e-2,
	                            7.86869131145613259100e-4,
	                            1.84631831751005468180e-5,
	                            1.42151175831644588870e-7,
	                            2.04426310338993978564e-15};
	if (isnan(p) || p < 0.0 || p > 1.0)
		return NAN;
	if (p == 0.0)
		return -INFINITY;
	if (p == 1.0)
		return INFINITY;
	double q = p - 0.5;
	if (fabs(q) <= 0.425) {
		double r = 0.180625 - q * q;
		return q * poly8(a, r) / poly8(b, r);
	}
	double r = sqrt(-log(q < 0.0 ? p : 1.0 - p));
	double z;
	if (r <= 5.0) {
		r -= 1.6;
		z = poly8(c, r) / poly8(d, r);
	} else {
		r -= 5.0;
		z = poly8(e, r) / poly8(f, r);
	}
	return q < 0.0 ? -z : z;
}

/* Continued fraction for I_x(a, b) (Numerical Recipes §6.4, modified Lentz); converges fast for
 * x < (a + 1) / (a + b + 2). */
static double incbeta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1.0, qam = a - 1.0;
	double c = 1.0, d = 1.0 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= 10000; m++) {
		double m2 = 2.0 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 4.0 * DBL_EPSILON)
			break;
	}
	return h;
}

/* I_x(a, b) given both x and 1 − x, so callers that know 1 − x exactly avoid cancelling. */
static double incbeta2(double a, double b, double x, double y)
{
	if (x <= 0.0)
		return 0.0;
	if (y <= 0.0)
		return 1.0;
	double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(y);
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(lfront) * incbeta_cf(a, b, x) / a;
	return 1.0 - exp(lfront) * incbeta_cf(b, a, y) / b;
}

double stats_incbeta(double a, double b, double x)
{
	if (isnan(a) || isnan(b) || isnan(x) || a <= 0.0 || b <= 0.0 || x < 0.0 || x > 1.0)
		return NAN;
	return incbeta2(a, b, x, 1.0 - x);
}

/* P(T > t) for t ≥ 0: ½·I_{df/(df+t²)}(df/2, ½), with 1 − x = t²/(df+t²) formed directly. */
static double t_upper_tail(double t, double df)
{
	double t2 = t * t;
	double x = df / (df + t2), y = t2 / (df + t2);
	if (isinf(t2)) {
		x = 0.0;
		y = 1.0;
	}
	return 0.5 * incbeta2(df / 2.0, 0.5, x, y);
}

double stats_t_cdf(double t, double df)
{
	if (isnan(t) || isnan(df) || df <= 0.0)
		return NAN;
	if (isinf(df))
		return stats_norm_cdf(t);
	double upper = t_upper_tail(fabs(t), df);
	return t < 0.0 ? upper : 1.0 - upper;
}

static double t_pdf(double t, double df)
{
	double lc = lgamma((df + 1.0) / 2.0) - lgamma(df / 2.0) - 0.5 * log(df * M_PI);
	return exp(lc - (df + 1.0) / 2.0 * log1p(t * t / df));
}

/* Solves P(T > t) = tail for t ≥ 0, tail in (0, ½]. */
static double t_upper_quantile(double tail, double df)
{
	double lo = 0.0, hi = 1.0;
	while (t_upper_tail(hi, df) > tail && hi < 1e300)
		hi *= 2.0;
	/* start from the normal quantile, clipped into the bracket */
	double t = -stats_norm_quantile(tail);
	if (!(t > lo && t < hi))
		t = 0.5 * (lo + hi);
	for (int it = 0; it < 500; it++) {
		double f = t_upper_tail(t, df) - tail;
		if (f > 0.0)
			lo = t;
		else if (f < 0.0)
			hi = t;
		else
			return t;
		double step = f / t_pdf(t, df); /* d tail / dt = −pdf, so Newton adds f/pdf */
		double next = t + step;
		if (!(next > lo && next < hi))
			next = 0.5 * (lo + hi);
		if (fabs(next - t) <= 2.0 * DBL_EPSILON * fabs(next) || hi - lo <= DBL_EPSILON * hi)
			return next;
		t = next;
	}
	return t;
}

double stats_t_quantile(double p, double df)
{
	if (isnan(p) || isnan(df) || df <= 0.0 || p < 0.0 || p > 1.0)
		return NAN;
	if (p == 0.0)
		return -INFINITY;
	if (p == 1.0)
		return INFINITY;
	if (isinf(df))
		return stats_norm_quantile(p);
	if (p == 0.5)
		return 0.0;
	if (df == 1.0)
		return -1.0 / tan(M_PI * p); /* Cauchy: tan(π(p − ½)) without the cancellation */
	if (df == 2.0) {
		double a = 4.0 * p * (1.0 - p);
		return (2.0 * p - 1.0) * sqrt(2.0 / a);
	}
	double tail = p < 0.5 ? p : 1.0 - p;
	double t = t_upper_quantile(tail, df);
	return p < 0.5 ? -t : t;
}
