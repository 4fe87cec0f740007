/* What a finished run writes after its dispatches: verdicts and reports, the golden check, and
 * the exit code that follows from them. */
#ifndef TARE_CLI_RUN_OUTPUTS_H
#define TARE_CLI_RUN_OUTPUTS_H

#include "cli/cli.h"
#include "plan/plan.h"
#include "report/sample.h"
#include "util/diag.h"

/* Writes the run's output files into out and prints the verdict summary. With golden, the exit
 * code is the golden comparison's; without, 0 when every cell is healthy, else 1. */
int run_outputs_write(const struct cli_ctx *ctx, const char *out, const struct matrix *m,
		      const struct plan *p, const struct sample *samples, size_t n_samples,
		      const char *golden, struct diag_list *d);

#endif
