/* Arm orders inside a round: counterbalanced, Williams, seeded random, fixed (ARCHITECTURE §4). */
#ifndef TARE_PLAN_ORDER_H
#define TARE_PLAN_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "matrix/matrix.h"

/* The largest number of compared arms a matrix may declare (the schema allows 2..8). */
#define PLAN_MAX_ARMS 8

/* Writes into out[0..k) the positions (0..k-1 in the cell's declared compare list) of the arms in
 * the order round `round` (1-based) dispatches them. Pure and platform-independent: the same
 * arguments give the same order everywhere.
 * - counterbalanced: the declared list rotated left by (round-1) mod k ((A,B) then (B,A) for two);
 * - williams: row (round-1) mod R of a Williams design (R = k for even k, 2k for odd k);
 * - random: a Fisher–Yates shuffle driven by splitmix64, seeded from seed, a hash of cell_name and
 *   round (seed and cell_name are used by this order only; cell_name may be NULL: "");
 * - fixed: the declared order.
 * k must be 1..PLAN_MAX_ARMS; round must be >= 1. */
void plan_round_order(enum plan_order order, size_t k, int round, uint64_t seed,
                      const char *cell_name, size_t *out);

/* Row `row` (0-based, taken mod the design's row count) of the Williams design for k arms. */
void plan_williams_row(size_t k, size_t row, size_t *out);
/* How many rows the Williams design for k arms has before it repeats: k when k is even, 2k when
 * odd. */
size_t plan_williams_rows(size_t k);

/* The random order's seed for one round: splitmix64's finaliser applied to seed, then to the
 * result xor the FNV-1a 64-bit hash of cell_name, then to that xor round. Exposed for docs and
 * tests. */
uint64_t plan_random_seed(uint64_t seed, const char *cell_name, int round);

#endif
