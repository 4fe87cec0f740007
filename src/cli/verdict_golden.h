/* Checking verdicts against a golden file: shared by `tare verdict check` and `tare run --golden`.
 */
#ifndef TARE_CLI_VERDICT_GOLDEN_H
#define TARE_CLI_VERDICT_GOLDEN_H

#include "cli/cli.h"
#include "util/diag.h"

struct json_object;

/* Compares actual with the golden file and prints the per-cell diff (stdout; JSON under --json).
 * Returns TARE_EXIT_OK when equal, TARE_EXIT_GATES when different, TARE_EXIT_INVALID when the
 * golden file cannot be read or is not strict JSON (located errors in d). */
int golden_check(const struct cli_ctx *ctx, const char *golden_path, struct json_object *actual,
                 struct diag_list *d);

#endif
