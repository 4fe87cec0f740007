/* Pieces of summary.json built in their own files: shared by summary.c and summary_factorial.c. */
#ifndef TARE_REPORT_SUMMARY_PARTS_H
#define TARE_REPORT_SUMMARY_PARTS_H

#include <stddef.h>

#include "matrix/matrix.h"
#include "stats/power.h"
#include "sample/sample.h"

struct json_object;

/* The confidence of every interval summary.json states. */
#define SUMMARY_CONF STATS_DEFAULT_CONF

/* out[r − 1] = the wall time in ms of arm's valid measured sample of round r (1..repetitions)
 * among a cell's samples cs, or NaN when that round has none. out has room for repetitions. */
void summary_round_walls(const struct sample *const *cs, size_t n_cs, const char *arm,
                         int repetitions, double *out);

/* The 2×2 factorial of cell c (ARCHITECTURE §7) when its compared arms include capture none/ebpf
 * × spans off/on (the first arm of each combination, in compare order): a new object
 * {arms, n, capture, spans, interaction, additive, sentence}; NULL (JSON null) when the cell does
 * not compare all four. */
struct json_object *summary_factorial_json(const struct matrix *m, const struct matrix_cell *c,
                                           const struct sample *const *cs, size_t n_cs);

#endif
