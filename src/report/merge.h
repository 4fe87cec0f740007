/* Shards of one plan read back and put together: the checks that make them one run, and the run
 * they make (samples under the full plan's indices, merged provenance). Writing it is the run
 * session's (run/session.h, run_session_adopt). */
#ifndef TARE_REPORT_MERGE_H
#define TARE_REPORT_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "matrix/matrix.h"
#include "plan/plan.h"
#include "sample/sample.h"
#include "util/diag.h"

struct json_object;

struct merge_options {
	bool partial; /* cells of the plan in no shard are left out (and said so), not refused */
	bool force;   /* shards of different host classes are merged (and recorded), not refused */
};

/* The merged run. Everything is owned; release with merge_result_release. */
struct merge_result {
	struct matrix *matrix;  /* the shards' matrix (the first shard's copy) */
	char *matrix_path;      /* that copy's path, for the merged run's own copy */
	struct plan *plan;      /* the full plan (borrows matrix) */
	struct sample *samples; /* every shard's samples under the full plan's indices, in order */
	size_t n_samples;
	size_t *sample_shard; /* per sample: the input it came from (0-based, argument order) */
	char **shard_names;   /* per input: "1/3", or "whole" for a run that was not sharded */
	size_t n_shards;
	char **missing; /* cells of the plan in no shard (only with partial) */
	size_t n_missing;
	struct json_object *provenance; /* the first shard's, with "merge" added */
};

/* Loads the run directories dirs[0..n) and merges them. Refuses, with one error per finding
 * ("merge.*"), a shard that did not finish (no summary.json), shards of different matrices,
 * matrix digests or plans (selection.shard.plan_sha256), different tare builds or BPF objects,
 * cells in two shards, cells in no shard (unless partial) and different host classes (unless
 * force: then a warning, and the finding is recorded in provenance.merge.forced). Returns 0, or
 * -1 with diags. */
int merge_runs(const char *const *dirs, size_t n, const struct merge_options *opt,
               struct merge_result *out, struct diag_list *d);
void merge_result_release(struct merge_result *r);

#endif
