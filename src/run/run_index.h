/* The run index: one line per finished run (tare.run-index.v1), for `tare inspect` and tooling. */
#ifndef TARE_RUN_RUN_INDEX_H
#define TARE_RUN_RUN_INDEX_H

#include <stddef.h>

#include "matrix/matrix.h"
#include "util/diag.h"

struct json_object;

/* Where the run index lives: $TARE_RUNS_DIR/index.jsonl, else runs/index.jsonl. New string. */
char *run_index_path(void);

/* Appends the line of a finished run: its directory, matrix, dispatch count, the verdict counts
 * and boundary of verdicts (tare.verdicts.v1, borrowed) and the exit code it ends with. Returns
 * 0, or -1 with diags. */
int run_index_append(const char *out, const struct matrix *m, size_t n_samples,
                     struct json_object *verdicts, int exit_code, struct diag_list *d);

#endif
