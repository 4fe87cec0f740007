/* What a finished run writes after its dispatches: verdicts and reports, the run index, the
 * golden check, and the exit code that follows from them. */
#ifndef TARE_CLI_RUN_OUTPUTS_H
#define TARE_CLI_RUN_OUTPUTS_H

#include "cli/cli.h"
#include "plan/plan.h"
#include "sample/sample.h"
#include "util/diag.h"

struct json_object;

/* Writes verdicts.json, summary.json, summary.md, bmf.json, trace.json and junit.xml into out,
 * appends a line to the run index and prints the verdict summary. provenance is borrowed. With
 * golden, the exit code is the golden comparison's; without, 0 when every cell is healthy (or is
 * what its expect: says), else 1. */
int run_outputs_write(const struct cli_ctx *ctx, const char *out, const struct matrix *m,
                      const struct plan *p, const struct sample *samples, size_t n_samples,
                      struct json_object *provenance, const char *golden, struct diag_list *d);

/* Where the run index lives: $TARE_RUNS_DIR/index.jsonl, else runs/index.jsonl. New string. */
char *run_index_path(void);

#endif
