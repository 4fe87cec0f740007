/* summary.json (tare.summary.v1) and the views of it people read: summary.md and Bencher's BMF. */
#ifndef TARE_REPORT_SUMMARY_H
#define TARE_REPORT_SUMMARY_H

#include <stddef.h>

#include "gate/verdict.h"
#include "sample/sample.h"
#include "matrix/matrix.h"
#include "util/strbuf.h"

struct json_object;

/* Statistics of the valid measured samples of the given cells (ARCHITECTURE §7), with the
 * verdicts v (computed for the same cells, in the same order) and provenance (borrowed; a
 * reference is taken). Returns a new object. */
struct json_object *summary_build(const struct matrix *m, const size_t *cells, size_t n_cells,
                                  const struct sample *samples, size_t n_samples,
                                  const struct verdict_set *v, struct json_object *provenance);

/* summary.md: per cell and arm n, median, p95, p99, tail band, RSS, paired delta with its
 * interval and the verdict; the slopes; the boundary; provenance. Appended to out. */
void summary_markdown(struct json_object *summary, struct strbuf *out);

/* bmf.json (Bencher Metric Format): "tare.<matrix>.<cell>.<arm>" → {"wall_ms": {value,
 * lower_value, upper_value}, ...}; candidates also get "overhead_ms" from the paired interval.
 * Returns a new object. */
struct json_object *summary_bmf(struct json_object *summary);

#endif
