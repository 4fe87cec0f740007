/* A run directory read back: its matrix copy, the cells its plan selected, and its samples. */
#ifndef TARE_REPORT_RUN_DIR_H
#define TARE_REPORT_RUN_DIR_H

#include <stddef.h>

#include "sample/sample.h"
#include "matrix/matrix.h"
#include "util/diag.h"

struct json_object;

/* The files of a run directory (ARCHITECTURE §8) and tare's own copy of the matrix it ran. */
#define RUN_MATRIX_FILE   "matrix.yaml"
#define RUN_PLAN_FILE     "plan.json"
#define RUN_SAMPLES_FILE  "samples.jsonl"
#define RUN_VERDICTS_FILE "verdicts.json"

struct run_data {
	char *dir;
	struct matrix *matrix;    /* loaded from the run's matrix.yaml */
	struct json_object *plan; /* plan.json */
	size_t *cells;            /* the plan's cells, as indices into matrix->cells */
	size_t n_cells;
	struct sample *samples; /* in file order */
	size_t n_samples;
	size_t complete_bytes; /* length of samples.jsonl up to its last complete line */
};

/* Loads dir. A last line cut short (an interrupted write) is left out and reported as a warning;
 * any other bad line is an error with its line number. Returns 0, or -1 with diags. */
int run_dir_load(const char *dir, struct run_data *out, struct diag_list *d);
void run_data_release(struct run_data *r);

/* Reads samples.jsonl alone (used by run_dir_load and --resume). */
int samples_load(const char *path, struct sample **out, size_t *n, size_t *complete_bytes,
                 struct diag_list *d);

/* The provenance object of dir/summary.json, or NULL when there is none (an interrupted run has no
 * summary.json). A summary.json that is there but is not strict JSON adds its located errors to d
 * and returns -1 (callers that only want provenance may turn them into warnings). */
int run_dir_provenance(const char *dir, struct json_object **out, struct diag_list *d);
/* The same for readers that recompute everything else (inspect, report): an unreadable
 * summary.json is a warning in d, and the result NULL. New reference. */
struct json_object *run_dir_provenance_or_warn(const char *dir, struct diag_list *d);

#endif
