/* The one parser of a plan selection (--cell GLOB repeatable, --tier N, --shard I/N), shared by
 * `tare expand` and `tare run` so that both take the same values with the same messages. */
#ifndef TARE_CLI_SELECTION_H
#define TARE_CLI_SELECTION_H

#include <stddef.h>

#include "cli/cli.h"
#include "plan/plan.h"
#include "util/diag.h"

/* getopt_long entries and short-option letters of the selection, for a command's own tables. */
#define SELECTION_LONG_OPTIONS                                                                     \
	{"cell", required_argument, NULL, 'c'}, {"tier", required_argument, NULL, 't'},            \
	{                                                                                          \
		"shard", required_argument, NULL, 's'                                              \
	}
#define SELECTION_SHORT_OPTIONS "c:t:s:"

/* Caller-provided; the globs borrow argv's strings. */
struct selection {
	const char **globs;
	size_t n_globs, cap_globs;
	int tier;                     /* -1: every tier */
	int shard_index, shard_count; /* 0/0: no sharding */
};

void selection_init(struct selection *s);
void selection_release(struct selection *s);

/* Takes one getopt result of command. Returns 1 when opt was a selection option and arg was
 * taken, 0 when opt is not a selection option, or -1 after a usage error was printed (*rc is the
 * exit code). */
int selection_option(struct selection *s, int opt, const char *arg, const struct cli_ctx *ctx,
                     const char *command, int *rc);

/* The plan_select of s; borrows s. */
struct plan_select selection_plan_select(const struct selection *s);

/* The exit code of a failed plan_expand from its diagnostics: a selection that keeps nothing is
 * the caller's mistake (2), a template the loader let through is the matrix's (3), anything
 * internal is ours (5). */
int selection_failure_code(const struct diag_list *d);

#endif
