/* What a finished run writes after its dispatches: verdicts and the reports built from them. */
#ifndef TARE_RUN_OUTPUTS_H
#define TARE_RUN_OUTPUTS_H

#include <stddef.h>

#include "gate/verdict.h"
#include "plan/plan.h"
#include "report/chrome_trace.h"
#include "sample/sample.h"
#include "util/diag.h"

struct json_object;

/* What a merged run (tare merge) adds to the outputs of a run. */
struct run_outputs_merge {
	struct chrome_trace_shards shards; /* trace.json: one process per shard */
	const char *const *missing_cells;  /* --partial: the cells in no shard, listed in */
	size_t n_missing;                  /* verdicts.json as "missing_cells" */
};

/* Writes verdicts.json (verdicts_json, tare.verdicts.v1 of v), summary.json, summary.md,
 * report.html, bmf.json, trace.json and junit.xml into out, each atomically. merge is NULL for a
 * run; for a merged run it adds its shards and missing cells (to verdicts_json too). Everything
 * is borrowed. Returns 0, or -1 with diags when a file cannot be written. */
int run_outputs_write(const char *out, const struct matrix *m, const struct plan *p,
                      const struct sample *samples, size_t n_samples, const struct verdict_set *v,
                      struct json_object *verdicts_json, struct json_object *provenance,
                      const struct run_outputs_merge *merge, struct diag_list *d);

#endif
