/* The end of a run on stderr: the cells' verdicts where no progress showed them, the boundary,
 * and one final line with the count of each verdict and where the report is; and the same as the
 * --json result of `tare run` and `tare merge`. */
#ifndef TARE_CLI_RUN_END_H
#define TARE_CLI_RUN_END_H

#include <stdbool.h>

#include "gate/verdict.h"

struct json_object;

/* Prints on stderr, wrapped to the terminal and coloured where it takes colour: with
 * cell_sentences each cell's verdict sentence (a merge, which shows no progress), then the
 * boundary statement, then the final line "tare: 3 cells: 2 healthy, 1 lossy; report
 * DIR/report.html". quiet prints only the final line. */
void run_end_print(const struct verdict_set *v, const char *dir, bool quiet, bool cell_sentences);

/* A new object for --json: {run_dir, report, files: {name: path}, cells: [{cell, verdict,
 * sentence, expect_met}], boundary, golden}; golden (taken; may be NULL, then JSON null) is
 * golden_check's comparison. */
struct json_object *run_end_json(const struct verdict_set *v, const char *dir,
                                 struct json_object *golden);

#endif
