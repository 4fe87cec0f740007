/* Checking verdicts against a golden file (shared by `tare verdict check` and `tare run --golden`)
 * and the exit code a run's verdicts give. */
#ifndef TARE_CLI_VERDICT_GOLDEN_H
#define TARE_CLI_VERDICT_GOLDEN_H

#include "cli/cli.h"
#include "gate/verdict.h"
#include "util/diag.h"

struct json_object;

/* Compares actual with the golden file and prints the per-cell diff on stdout. Under --json the
 * comparison {golden, equal, differences: [...]} is the command's JSON result, or goes to *result
 * (the caller's) when result is not NULL. Returns TARE_EXIT_OK when equal, TARE_EXIT_GATES when
 * different, TARE_EXIT_INVALID when the golden file cannot be read or is not strict JSON (located
 * errors in d). */
int golden_check(const struct cli_ctx *ctx, const char *golden_path, struct json_object *actual,
                 struct json_object **result, struct diag_list *d);

/* The exit code of a finished run's verdicts (printed by cli/run_end.h): with golden,
 * golden_check's (golden_json its result); without, TARE_EXIT_OK when every cell is healthy or
 * exactly what its expect: says, else TARE_EXIT_GATES. */
int verdicts_exit(const struct cli_ctx *ctx, const char *golden, const struct verdict_set *v,
                  struct json_object *verdicts_json, struct json_object **golden_json,
                  struct diag_list *d);

#endif
