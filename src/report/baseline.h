/* Committed baselines (tare.baseline.v1): a run reduced to what a later run is compared with —
 * per cell and arm the valid measured samples' wall times and resources, the verdicts, the
 * provenance, and the matrix it ran — small enough to live in the repository. */
#ifndef TARE_REPORT_BASELINE_H
#define TARE_REPORT_BASELINE_H

#include "report/run_dir.h"
#include "util/diag.h"

struct json_object;

#define BASELINE_SCHEMA_FILE "baseline.v1.schema.json"

/* The baseline of the run directory dir (its matrix copy, plan cells, samples, and the
 * provenance of its summary.json, null without one). A new object in *out. Returns 0, or -1 with
 * diags. */
int baseline_build(const char *dir, struct json_object **out, struct diag_list *d);

/* Reads a baseline file back as a run: the matrix from its copy, its cells, and one valid
 * measured sample per recorded wall time (with its resources; rounds numbered from 1 in the
 * order saved). The file must be strict JSON and valid against schemas/baseline.v1.schema.json.
 * Returns 0, or -1 with located diags. */
int baseline_load(const char *path, struct run_data *out, struct diag_list *d);

/* What `tare compare` takes on either side: a run directory (run_dir_load) or a baseline file
 * (baseline_load), whichever path is. Returns 0, or -1 with diags. */
int run_source_load(const char *path, struct run_data *out, struct diag_list *d);

/* The provenance object of a run directory (its summary.json's) or of a baseline file; NULL when
 * none is recorded. A file that is there but unreadable adds its errors to d. New reference
 * (json_object_put it). */
struct json_object *run_source_provenance(const char *path, struct diag_list *d);

#endif
