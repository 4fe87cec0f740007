/* The 2×2 factorial of two instrumentation factors measured in the same rounds: both main effects
 * and their interaction, each a paired contrast with its own signed-rank interval. */
#ifndef TARE_STATS_FACTORIAL_H
#define TARE_STATS_FACTORIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "stats/paired.h"

/* One contrast: per round c_i, its Hodges–Lehmann estimate and exact (n ≤ 50) signed-rank
 * interval, the test, and the minimum detectable size (as stats_paired). */
struct stats_contrast {
	size_t n;
	struct stats_hl hl;
	struct stats_wilcoxon test;
	double sd;             /* sample standard deviation of the c_i */
	double min_detectable; /* NaN when the interval cannot reach its confidence */
	enum stats_delta_verdict verdict;
};

/* Effects of factors A and B from the four cells of the square, per round i:
 *   main A      = ((y10 − y00) + (y11 − y01)) / 2   (A's cost, averaged over B off and on)
 *   main B      = ((y01 − y00) + (y11 − y10)) / 2
 *   interaction = (y11 − y01) − (y10 − y00)         (what A costs more when B is on; also
 *                  what B costs more when A is on; 0 when the costs add up)
 * y00 has neither factor, y10 only A, y01 only B, y11 both. */
struct stats_factorial {
	size_t n; /* rounds with all four values */
	struct stats_contrast main_a, main_b, interaction;
	/* true: the interaction's interval includes 0 (the costs add up as far as this design can
	 * tell, to within interaction.min_detectable); false: it excludes 0; undefined
	 * (additive_known false) when the interaction's interval cannot reach its confidence */
	bool additive;
	bool additive_known;
};

/* Computes *out from n rounds. Returns 0, or -1 on a non-finite value, conf outside (0, 1) or
 * n > STATS_HL_MAX_N. n = 0 gives NaN estimates and verdicts
 * DELTA_INCONCLUSIVE. */
int stats_factorial_2x2(const double *y00, const double *y10, const double *y01, const double *y11,
                        size_t n, double conf, struct stats_factorial *out);

/* The interaction-contrast of one round, so that a reference implementation and a reader can
 * check the sign convention: (y11 − y01) − (y10 − y00). */
double stats_interaction(double y00, double y10, double y01, double y11);

#endif
