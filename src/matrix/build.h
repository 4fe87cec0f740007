/* Building the matrix model from a schema-valid tree, with the checks a schema cannot express. */
#ifndef TARE_MATRIX_BUILD_H
#define TARE_MATRIX_BUILD_H

#include "matrix/matrix.h"
#include "util/source_map.h"

struct json_object;

/* Limits past which a value is absurd rather than ambitious (docs/matrix-format.md). */
#define MATRIX_MAX_EVENTS      10000000LL
#define MATRIX_MAX_CONCURRENCY 4096LL
#define MATRIX_MAX_PAYLOAD     (1024LL * 1024 * 1024)
#define MATRIX_MAX_TIMEOUT_MS  (24LL * 3600 * 1000)
#define MATRIX_MAX_CELLS       100000
/* Dispatches of the whole plan: cells × compared arms × (calibrate + warmups + repetitions). An
 * expanded dispatch costs about 320 bytes, so the limit is about 3.2 GB for `tare expand` and
 * `tare run`, and days of running at a few milliseconds per dispatch. */
#define MATRIX_MAX_DISPATCHES 10000000ULL
#define MATRIX_MIN_RINGBUF    4096ULL
#define MATRIX_MAX_RINGBUF    (1024ULL * 1024 * 1024)

/* Rounds a cell measures when the matrix does not say: 10 pairs give the exact signed-rank
 * interval 95.1% (5, the upstream's choice, can only reach 93.8%), and a detectable shift about
 * 1.0 standard deviation of the paired differences at 80% power. */
#define MATRIX_DEFAULT_REPETITIONS 10

/* The pattern the built-in workload's events match (its files are sweep/worker-W/event-I). */
#define MATRIX_BUILTIN_KERNEL_MATCH "sweep/worker-\\d+/event-\\d+"

/* tree must already satisfy schemas/matrix.v1.schema.json. Returns a new matrix with path and
 * sha256 unset, or NULL with every semantic error in d (locations from map). */
struct matrix *matrix_build(struct json_object *tree, const struct source_map *map,
                            struct diag_list *d);

/* For a tree that failed the schema: runs the same semantic checks on the parts that passed it,
 * appending their errors to d, so that one pass reports every error it can. bad holds the
 * pointers of the schema errors (borrowed); a part at, under or above one of them (but the root)
 * is left alone. */
void matrix_check_partial(struct json_object *tree, const struct source_map *map,
                          const char *const *bad, size_t n_bad, struct diag_list *d);

#endif
