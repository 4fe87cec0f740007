/* Dispatch-time substitution of {work_dir}, {trace_out} and {otlp_endpoint} in a workload's argv
 * and env. */
#ifndef TARE_RUN_ARGV_SUBST_H
#define TARE_RUN_ARGV_SUBST_H

#include <stddef.h>

#include "matrix/matrix.h"
#include "util/diag.h"

/* The values known only when a dispatch runs (ARCHITECTURE §5 step 1). Borrowed strings; NULL
 * when the dispatch has no such path (an arm without spans has no {trace_out}). */
struct argv_subst_vars {
	const char *work_dir;
	const char *trace_out;
	const char *otlp_endpoint; /* http://127.0.0.1:PORT of the run's receiver (otlp arms) */
};

/* Expands one argument: "{work_dir}", "{trace_out}" and "{otlp_endpoint}" become their values, "{{"
 * and "}}" become literal braces. The planner has already replaced every other placeholder, so any
 * other name is an error ("dispatch.placeholder"), as is a placeholder whose value is NULL or
 * malformed text. Substitution is per argument and textual: values are never split or passed
 * through a shell. Returns 0 with a new string in *out (caller frees), or -1 with a diag (*out
 * NULL). */
int argv_subst_arg(const char *arg, const struct argv_subst_vars *v, char **out,
                   struct diag_list *d);

/* Expands argv[0..argc) into a new NULL-terminated vector (argv_subst_free). Every argument is
 * checked, so all errors are reported. Returns 0, or -1 with diags (*out NULL). */
int argv_subst_argv(char *const *argv, size_t argc, const struct argv_subst_vars *v, char ***out,
                    struct diag_list *d);

/* Builds a NULL-terminated vector of "NAME=value" strings (argv_subst_free) with each value
 * expanded like an argument; names are copied as they are. Returns 0, or -1 with diags. */
int argv_subst_env(const struct matrix_env *env, size_t n, const struct argv_subst_vars *v,
                   char ***out, struct diag_list *d);

/* Frees a NULL-terminated vector and its strings. Accepts NULL. */
void argv_subst_free(char **vec);

#endif
