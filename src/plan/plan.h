/* The plan: a matrix expanded into its ordered list of dispatches (ARCHITECTURE §4). */
#ifndef TARE_PLAN_PLAN_H
#define TARE_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "matrix/matrix.h"
#include "util/diag.h"

struct json_object;
struct arena;

enum plan_phase { PHASE_CALIBRATE, PHASE_WARMUP, PHASE_MEASURE };

/* One dispatch: one arm of one cell run once. */
struct plan_dispatch {
	size_t index; /* 0-based over the whole plan */
	size_t cell;  /* index into matrix.cells */
	enum plan_phase phase;
	int round;  /* 1-based within its phase */
	int slot;   /* 0-based position within its round */
	size_t arm; /* index into matrix.arms */
	/* Resolved argv and env. Every placeholder is substituted except {work_dir} and
	 * {trace_out}, which name paths inside the run directory, and {otlp_endpoint}, the port of
	 * the run's receiver: they are substituted when the dispatch runs. An otlp arm's env also
	 * holds the OTEL_* variables tare injects (docs/otlp.md). For the built-in workload
	 * argv[wrap_len] is "tare" and the runner execs its own binary there. env is the workload's
	 * merged with the arm's, sorted by name. */
	char **argv;
	size_t argc;
	/* argv runs tare's built-in workload: argv[wrap_len] is "tare" (the arm's wrap comes first)
	 */
	bool builtin;
	size_t wrap_len; /* the arm's wrap: argv[0..wrap_len) */
	struct matrix_env *env;
	size_t env_len;
	char *work_dir; /* relative to the run directory: "work/000042" */
	/* argv, its strings, env and work_dir belong to the plan (its arena): borrow them */
};

/* Which cells to expand (plan_expand takes NULL for every cell). max_tier -1 disables the tier
 * filter (0 means tier 0 only); shard_index 0 disables sharding. */
struct plan_select {
	const char *const *cell_globs; /* fnmatch patterns; a cell is kept if any matches */
	size_t n_cell_globs;
	int max_tier;    /* -1: no tier filter; else cells with tier <= max_tier */
	int shard_index; /* 1-based; 0: no sharding */
	int shard_count; /* with shard_index: the shard_index-th of shard_count shards balanced by
	                    estimated time (plan/shard.h) */
};

struct plan {
	const struct matrix *matrix; /* borrowed; must outlive the plan */
	size_t *cells;               /* selected cell indices, in matrix order */
	size_t n_cells;
	struct plan_dispatch *dispatches;
	size_t n_dispatches;
	struct arena *arena; /* owns every dispatch's argv, env and work_dir strings */
	/* The selection it was expanded with (owned copies), recorded in the plan document. */
	char **cell_globs;
	size_t n_cell_globs;
	int max_tier;
	int shard_index;
	int shard_count;
	/* A shard's plan: plan_digest of the plan the same selection gives without the shard, which
	 * every shard of one fan-out shares ("" when not sharded). */
	char full_sha256[65];
};

/* Expands the selected cells (sel may be NULL: every cell). Deterministic: the same matrix and
 * selection give the same plan. Returns a new plan (plan_free) or NULL with errors in d (a glob
 * that matches no cell is an error; so is a tier that leaves no cell and a shard outside 1..N; an
 * empty shard is not). */
struct plan *plan_expand(const struct matrix *m, const struct plan_select *sel,
                         struct diag_list *d);
void plan_free(struct plan *p);

/* Whether any dispatch of p runs an arm with capture: ebpf (what needs privileges). */
bool plan_has_capture(const struct plan *p);

const char *plan_phase_name(enum plan_phase p);
/* 0 and *out set, or -1 for a name that is not a phase. */
int plan_phase_from_name(const char *name, enum plan_phase *out);

/* The plan document ("schema": "tare.plan.v1", matrix name/path/sha256, cells, dispatches);
 * a new object, caller puts it. Key order is fixed, so the serialisation is byte-identical. */
struct json_object *plan_to_json(const struct plan *p);
/* Writes the same document as plan_to_json to out, followed by a newline, without building the
 * whole tree: byte for byte what json-c prints for plan_to_json's object with
 * JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_PRETTY (pretty) or JSON_C_TO_STRING_PLAIN (not),
 * NOSLASHESCAPE in both, but in memory proportional to one dispatch (a json-c object costs some
 * hundred bytes, and a 10,000-cell plan has hundreds of thousands of them). Returns 0, or -1 when
 * out reports a write error. */
int plan_write_json(const struct plan *p, FILE *out, bool pretty);
/* The digest of a plan: sha256 of its document (plan_to_json, one line) with the matrix path and
 * the shard left out, so the shards of one plan and a merge of them agree wherever the matrix
 * file lives. Writes 64 hex digits and a NUL. */
void plan_digest(const struct plan *p, char hex[65]);
/* One dispatch as the object that plan_to_json lists (and `--format ndjson` prints a line of). */
struct json_object *plan_dispatch_to_json(const struct plan *p, const struct plan_dispatch *d);

#endif
