/* 2×2 factorial contrasts per round, each with a Hodges–Lehmann estimate and signed-rank interval.
 */
#include "stats/factorial.h"

#include "stats/describe.h"
#include "stats/power.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double stats_interaction(double y00, double y10, double y01, double y11)
{
	return (y11 - y01) - (y10 - y00);
}

static int contrast(const double *c, size_t n, double conf, struct stats_contrast *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->sd = out->min_detectable = NAN;
	if (stats_hodges_lehmann(c, n, conf, &out->hl) < 0 || stats_wilcoxon(c, n, &out->test) < 0)
		return -1;
	struct stats_describe d;
	if (stats_describe(c, n, &d) < 0)
		return -1;
	out->sd = d.stdev;
	bool reached =
	    out->hl.method != STATS_CI_NONE && out->hl.conf_achieved >= out->hl.conf - 1e-12;
	if (!reached) {
		out->verdict = DELTA_INCONCLUSIVE;
		return 0;
	}
	out->verdict = stats_delta_verdict(out->hl.lo, out->hl.hi);
	out->min_detectable = stats_min_detectable(out->sd, n, out->hl.conf_achieved, STATS_POWER);
	return 0;
}

int stats_factorial_2x2(const double *y00, const double *y10, const double *y01, const double *y11,
                        size_t n, double conf, struct stats_factorial *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	double *a = xmalloc((n ? n : 1) * sizeof(*a));
	double *b = xmalloc((n ? n : 1) * sizeof(*b));
	double *ab = xmalloc((n ? n : 1) * sizeof(*ab));
	int rc = -1;
	for (size_t i = 0; i < n; i++) {
		a[i] = ((y10[i] - y00[i]) + (y11[i] - y01[i])) / 2.0;
		b[i] = ((y01[i] - y00[i]) + (y11[i] - y10[i])) / 2.0;
		ab[i] = stats_interaction(y00[i], y10[i], y01[i], y11[i]);
	}
	if (contrast(a, n, conf, &out->main_a) < 0 || contrast(b, n, conf, &out->main_b) < 0 ||
	    contrast(ab, n, conf, &out->interaction) < 0)
		goto cleanup;
	out->additive_known = out->interaction.verdict != DELTA_INCONCLUSIVE;
	out->additive = out->additive_known && out->interaction.verdict == DELTA_NO_DIFFERENCE;
	rc = 0;
cleanup:
	free(a);
	free(b);
	free(ab);
	return rc;
}
