/* Multiplicity: Benjamini–Hochberg q-values over a family of tests. */
#ifndef TARE_STATS_MULTIPLICITY_H
#define TARE_STATS_MULTIPLICITY_H

#include <stddef.h>

/* The false discovery rate reports hold a family to: a test "differs" when q < STATS_FDR_Q. */
#define STATS_FDR_Q 0.05

/* Benjamini–Hochberg (1995) adjusted p-values (q-values) of the m p-values p, into q (m values,
 * may alias p): with p sorted ascending p_(1) ≤ … ≤ p_(m), q_(i) = min over j ≥ i of
 * min(1, m·p_(j)/j), returned in the order of p. The hypotheses with q < α are exactly those the
 * BH step-up procedure rejects at false discovery rate α (for independent or positively dependent
 * tests). NaN p-values are left out of the family and get NaN. Returns the family size (the number
 * of finite p), or -1 for a p outside [0, 1]. */
long stats_bh_qvalues(const double *p, size_t m, double *q);

#endif
