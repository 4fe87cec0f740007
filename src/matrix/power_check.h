/* Whether a matrix's designs can reach the confidence tare states: cells whose repetitions give
 * too few pairs for a paired interval at that level. */
#ifndef TARE_MATRIX_POWER_CHECK_H
#define TARE_MATRIX_POWER_CHECK_H

#include <stddef.h>

#include "matrix/matrix.h"
#include "util/diag.h"

/* Appends one warning (code "matrix.too-few-repetitions", located at the cell, or at the sweep
 * that generated it, with line and column when the matrix file can be read again) for every group
 * of cells sharing a definition whose repetitions are below stats_signrank_min_pairs(conf): their
 * paired deltas can only be inconclusive. Returns the number of cells concerned (0: every design
 * can reach conf). Never fails: without a source map the warning has no line. */
size_t matrix_check_power(const struct matrix *m, double conf, struct diag_list *d);

#endif
