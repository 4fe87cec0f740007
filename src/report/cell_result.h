/* One finished cell as the terminal states it: its arms' medians and each compared arm's paired
 * delta with its interval, rounded to what the interval supports. */
#ifndef TARE_REPORT_CELL_RESULT_H
#define TARE_REPORT_CELL_RESULT_H

#include <stddef.h>

#include "gate/verdict.h"
#include "matrix/matrix.h"
#include "sample/sample.h"
#include "util/strbuf.h"

/* Appends one line per fact to out, each ending in '\n', in ASCII (a terminal in the C locale
 * shows it, and people copy the numbers):
 *   "medians: runner-only 4.52 ms, dual-capture 5.43 ms"
 *   "dual-capture +0.91 ms [+0.45, +1.76] (+20%) vs runner-only"
 *   "dual-capture -0.1 ms [-0.5, +0.3] (-2.0%) vs runner-only: no detectable difference,
 *    none larger than 0.8 ms (6.0%)"
 *   "dual-capture +1.2 ms [+0.4, +2.1] (+4.1%) vs runner-only: inconclusive, 5 pairs cannot
 *    reach 95%"
 *   "dual-capture vs runner-only: no pairs"
 * A cell whose timing was skipped gets the one line "not measured (skipped: calibration not
 * clean, on_fail: skip-cell)". Pairs are as summary.json has them: rounds where both arms gave a
 * valid measured sample, each candidate against the cell's first compared arm. v borrows the
 * cell; cs are the cell's samples (any order). */
void cell_result_format(const struct matrix *m, const struct cell_verdict_result *v,
                        const struct sample *const *cs, size_t n_cs, struct strbuf *out);

#endif
