/* The matrix model: a validated matrix file (format v1, ARCHITECTURE §3) resolved into plain
 * structs. */
#ifndef TARE_MATRIX_MATRIX_H
#define TARE_MATRIX_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

enum arm_capture { ARM_CAPTURE_NONE, ARM_CAPTURE_EBPF };

/* One environment variable of the workload; value may hold {placeholders}. */
struct matrix_env {
	char *name;
	char *value;
};

/* What an arm does to the workload besides capture and spans: templates with {placeholders},
 * resolved per dispatch by the planner (plan/workload_argv.h). */
struct matrix_arm {
	char *name;
	enum arm_capture capture;
	bool spans;
	char **command; /* replaces workload.command for this arm; NULL: the workload's */
	size_t command_len;
	char **wrap; /* an argv prefix the workload runs under; NULL: none */
	size_t wrap_len;
	struct matrix_env
	    *env; /* merged over workload.env (the arm's value wins), sorted by name */
	size_t env_len;
	/* tare's OTLP receiver gets the arm's traces, and its span layer is counted from them
	 * rather than from {trace_out}: implies spans and a command (docs/otlp.md) */
	bool otlp;
};

enum plan_order { ORDER_COUNTERBALANCED, ORDER_WILLIAMS, ORDER_RANDOM, ORDER_FIXED };

/* A resolved numeric parameter and the level label it came from (NULL when given as a number). */
struct matrix_param {
	int64_t value;
	char *label;
};

struct matrix_cell {
	char *name;
	char *pointer; /* JSON pointer of the cell, or of the sweep that generated it */
	int tier;
	struct matrix_param kernel_events;
	struct matrix_param span_events;
	struct matrix_param concurrency;
	struct matrix_param payload_bytes;
	int64_t span_event_limit;
	int64_t timeout_ms;
	int repetitions;
	int warmups;
	size_t *compare; /* indices into matrix.arms, in declared order */
	size_t n_compare;
	enum plan_order order;
	uint64_t seed;
	char *expect; /* the verdict the author expects, or NULL */
};

struct matrix_workload {
	/* tare's built-in workload: no workload.command and no arm gives its own */
	bool builtin;
	/* argv templates; NULL for builtin, and when every arm gives its own command */
	char **command;
	size_t command_len;
	struct matrix_env *env; /* sorted by name */
	size_t env_len;
	/* pcre2 pattern selecting the captured paths that count; NULL for a custom command whose
	 * cells count no kernel events (then no path counts) */
	char *kernel_match;
};

enum kernel_count_mode { KERNEL_COUNT_EVENTS, KERNEL_COUNT_UNIQUE_PATHS };
enum span_count_mode { SPAN_COUNT_RETAINED, SPAN_COUNT_ADDED };
enum on_fail_mode { ON_FAIL_SKIP_CELL, ON_FAIL_RECORD };
enum warmup_gate { WARMUPS_ANY_PASS, WARMUPS_ALL_PASS, WARMUPS_IGNORE };

/* An absolute tolerance, or a percentage of the target when percent is set. */
struct tolerance {
	double value;
	bool percent;
};

struct matrix_gates {
	bool preflight;
	enum kernel_count_mode kernel_count;
	struct tolerance kernel_tolerance;
	enum span_count_mode span_count;
	struct tolerance span_tolerance;
	enum on_fail_mode on_fail;
	int exit_code;
	int64_t max_ringbuf_drops;
	int64_t max_discarded;
	double tail_warn;
	double tail_fail;
	bool tail_in_verdicts; /* timing gates enter verdicts.json only when the matrix opts in */
	enum warmup_gate warmups;
};

/* output.keep: the bound makes a flood's logs small; the floor leaves room for the marker line
 * that replaces what was not kept. */
#define MATRIX_DEFAULT_OUTPUT_KEEP (64ULL * 1024)
#define MATRIX_MIN_OUTPUT_KEEP     1024ULL
#define MATRIX_MAX_OUTPUT_KEEP     (16ULL * 1024 * 1024)

struct matrix {
	char *path;      /* the file it was loaded from */
	char sha256[65]; /* of the file's bytes, lowercase hex */
	char *name;
	char *description; /* NULL when absent */
	int tier;
	uint64_t ringbuf_bytes; /* capture.ringbuf_size, default 16 MiB */
	/* output.keep: bytes of the head and of the tail of each output stream kept in the logs,
	 * MATRIX_DEFAULT_OUTPUT_KEEP unless the matrix says otherwise */
	uint64_t output_keep_bytes;
	struct matrix_arm *arms; /* in declared order */
	size_t n_arms;
	struct matrix_workload workload;
	struct matrix_gates gates;
	struct matrix_cell *cells; /* explicit cells in order, then sweeps expanded */
	size_t n_cells;
};

/* Loads (a regular file of at most 1 MiB), schema-validates (schemas/matrix.v1.schema.json) and
 * semantically checks a matrix file; when the schema fails, the semantic checks still run on the
 * parts of the tree it passed. Returns a new matrix (matrix_free), or NULL with every error found
 * in d. */
struct matrix *matrix_load(const char *path, struct diag_list *d);
/* The same for a matrix already in memory (a baseline file carries its matrix): name is what
 * diagnostics and m->path say. */
struct matrix *matrix_load_buffer(const char *name, const char *buf, size_t len,
                                  struct diag_list *d);
void matrix_free(struct matrix *m);

/* Finds MATRIX given on the command line: an existing regular file, else NAME as
 * matrices/NAME.yaml in the current directory, then in each directory of $TARE_MATRIX_PATH
 * (colon-separated), else the argument itself when it exists as something other than a regular
 * file (matrix_load then reports "not a regular file"). Returns a new string (caller frees) or
 * NULL when nothing was found. */
char *matrix_find(const char *name_or_path);

/* Enum names as the matrix format spells them, one table per enum. _name returns the name of a
 * valid value; _from_name sets *out and returns 0, or returns -1 (out untouched) for an unknown
 * or NULL name. */
const char *plan_order_name(enum plan_order o);
int plan_order_from_name(const char *name, enum plan_order *out);
const char *arm_capture_name(enum arm_capture c);
int arm_capture_from_name(const char *name, enum arm_capture *out);
int kernel_count_mode_from_name(const char *name, enum kernel_count_mode *out);
int span_count_mode_from_name(const char *name, enum span_count_mode *out);
int on_fail_mode_from_name(const char *name, enum on_fail_mode *out);
int warmup_gate_from_name(const char *name, enum warmup_gate *out);

#endif
