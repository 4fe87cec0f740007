/* The command-line layer: the command table's shape, exit codes, and the one place usage errors
 * are produced. Only cli/ chooses exit codes. */
#ifndef TARE_CLI_CLI_H
#define TARE_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct diag_list;
struct json_object;

/* ARCHITECTURE §9. */
enum tare_exit {
	TARE_EXIT_OK = 0,
	TARE_EXIT_GATES = 1,    /* gates failed, golden differs, compare found a regression */
	TARE_EXIT_USAGE = 2,    /* usage error */
	TARE_EXIT_INVALID = 3,  /* the matrix or another input file is invalid */
	TARE_EXIT_ENV = 4,      /* the environment cannot do what was asked */
	TARE_EXIT_INTERNAL = 5, /* internal error */
	TARE_EXIT_INTERRUPTED = 130,
};

/* What every command gets besides its arguments. */
struct spawn_helper; /* run/spawn_helper.h */

struct cli_ctx {
	bool json; /* --json: machine-readable stdout, errors included */
	const char *argv0;
	/* forked by main before anything else for a command that may dispatch (run); NULL for
	 * the others. Borrowed. */
	struct spawn_helper *spawn_helper;
};

struct command {
	const char *name;
	/* argv[0] is the command name; getopt-ready. Returns an exit code. */
	int (*run)(int argc, char **argv, const struct cli_ctx *ctx);
	const char *summary; /* one line, for `tare --help` */
	const char *usage;   /* the synopsis line(s) */
	const char *help;    /* the rest of `tare help NAME` */
	/* needs root (or the capabilities) for what the command does with the capture: `run` only
	 * when its plan has an arm that captures */
	bool needs_root;
};

/* Prints "tare NAME: MESSAGE" and the command's usage on stderr (or under --json adds a
 * "usage" error to the JSON document); returns TARE_EXIT_USAGE. */
int cli_usage_error(const struct cli_ctx *ctx, const char *command, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Under --json stdout holds exactly one JSON document, written at the end by cli_json_finish:
 *   {"schema": "tare.<command>.v1", "ok": exit == 0, "exit": N, "diagnostics": [...], ...}
 * with the command's result's own keys after these (schemas/cli.v1.schema.json). Commands
 * without a result (or that failed before one) give schema CLI_SCHEMA_DIAGNOSTICS. */
#define CLI_SCHEMA_DIAGNOSTICS "tare.diagnostics.v1"

/* The command's result under --json: its keys go into the document (o is taken; freed at once
 * without --json). A second call replaces the first. */
void cli_json_result(const struct cli_ctx *ctx, const char *schema, struct json_object *o);
/* The command printed its one document itself (a streamed plan, NDJSON or a CI matrix it was
 * asked for): cli_json_finish prints nothing on stdout, and diagnostics as text on stderr. */
void cli_json_streamed(void);
/* Prints the --json document (see above) and returns rc; without --json just returns rc. */
int cli_json_finish(const struct cli_ctx *ctx, int rc);

/* Prints diagnostics: the compiler format on stderr, or under --json adds them to the one JSON
 * document's "diagnostics". Sorts them first. */
void cli_print_diags(const struct cli_ctx *ctx, struct diag_list *d);

/* Prints a one-line error that has no source location ("tare: error: ..." on stderr, or under
 * --json a diagnostic of the JSON document) and returns code. */
int cli_fail(const struct cli_ctx *ctx, int code, const char *diag_code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* otherwise, unless d holds an internal error ("internal.*": out of memory, a bug), which is
 * TARE_EXIT_INTERNAL whatever step it came from. */
int cli_exit_for(const struct diag_list *d, int otherwise);

/* The one privilege check: a command whose table entry says needs_root calls it at the point it
 * needs them (after its arguments and inputs are checked, before it writes anything); captures
 * says whether this invocation loads the capture (a run whose plan has no capture arm runs
 * without privileges, and without cgroup leaves: docs/run-session.md). Returns 0 when cmd does not
 * need root, nothing captures, or this process has the privileges, else prints why and what to
 * do and returns TARE_EXIT_ENV. */
int cli_require_privileges(const struct cli_ctx *ctx, const struct command *cmd, bool captures);

/* The command table (main.c). */
const struct command *cli_find_command(const char *name);
const struct command *const *cli_commands(void);

/* Every command, defined in its own file under src/cli/. */
extern const struct command cmd_validate;
extern const struct command cmd_expand;
extern const struct command cmd_run;
extern const struct command cmd_merge;
extern const struct command cmd_baseline;
extern const struct command cmd_verdict;
extern const struct command cmd_workload;
extern const struct command cmd_doctor;
extern const struct command cmd_inspect;
extern const struct command cmd_compare;
extern const struct command cmd_report;

#endif
