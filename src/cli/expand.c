/* `tare expand`: print the plan a matrix expands to, as a table, a JSON document or JSON Lines. */
#include "cli/cli.h"

#include "cli/selection.h"
#include "plan/plan.h"
#include "plan/plan_table.h"
#include "matrix/matrix.h"
#include "matrix/power_check.h"
#include "stats/power.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum expand_format { FORMAT_TABLE, FORMAT_JSON, FORMAT_NDJSON };

struct expand_args {
	const char *matrix;
	struct selection sel;
	enum expand_format format;
	bool format_given;
};

/* Returns -1 after a usage error was printed (*rc set), 0 when args is complete. */
static int parse_args(int argc, char **argv, const struct cli_ctx *ctx, struct expand_args *a,
                      int *rc)
{
	static const struct option opts[] = {
	    SELECTION_LONG_OPTIONS,
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	opterr = 0;
	optind = 0; /* 0 re-initialises GNU getopt fully; options may follow MATRIX */
	while ((c = getopt_long(argc, argv, ":" SELECTION_SHORT_OPTIONS "f:", opts, NULL)) != -1) {
		int taken = selection_option(&a->sel, c, optarg, ctx, "expand", rc);
		if (taken < 0)
			return -1;
		if (taken)
			continue;
		switch (c) {
		case 'f':
			a->format_given = true;
			if (strcmp(optarg, "table") == 0)
				a->format = FORMAT_TABLE;
			else if (strcmp(optarg, "json") == 0)
				a->format = FORMAT_JSON;
			else if (strcmp(optarg, "ndjson") == 0)
				a->format = FORMAT_NDJSON;
			else {
				*rc = cli_usage_error(
				    ctx, "expand",
				    "bad value '%s' for --format (want table, json or ndjson)",
				    optarg);
				return -1;
			}
			break;
		case ':':
			*rc = cli_usage_error(ctx, "expand", "option '%s' needs a value",
			                      argv[optind - 1]);
			return -1;
		default:
			*rc =
			    cli_usage_error(ctx, "expand", "unknown option '%s'", argv[optind - 1]);
			return -1;
		}
	}
	if (optind >= argc) {
		*rc = cli_usage_error(ctx, "expand", "no matrix given");
		return -1;
	}
	if (argc - optind > 1) {
		*rc = cli_usage_error(ctx, "expand", "one matrix at a time (got '%s' too)",
		                      argv[optind + 1]);
		return -1;
	}
	a->matrix = argv[optind];
	/* --json asks for machine-readable stdout; ndjson already is, table is not */
	if (ctx->json && !(a->format_given && a->format == FORMAT_NDJSON))
		a->format = FORMAT_JSON;
	return 0;
}

static int print_plan(const struct plan *p, enum expand_format format)
{
	if (format == FORMAT_TABLE) {
		struct strbuf sb;
		strbuf_init(&sb);
		plan_table_write(p, &sb);
		fwrite(sb.buf, 1, sb.len, stdout);
		strbuf_release(&sb);
	} else if (format == FORMAT_JSON) {
		/* streamed: the same bytes as printing plan_to_json's tree, in far less memory */
		if (plan_write_json(p, stdout, true) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < p->n_dispatches; i++) {
			struct json_object *o = plan_dispatch_to_json(p, &p->dispatches[i]);
			puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
			                                           JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(o);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		return -1;
	return 0;
}

static int expand_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	struct expand_args a = {.format = FORMAT_TABLE};
	int rc = TARE_EXIT_OK;
	selection_init(&a.sel);
	if (parse_args(argc, argv, ctx, &a, &rc) < 0) {
		selection_release(&a.sel);
		return rc;
	}
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = NULL;
	struct plan *p = NULL;
	char *path = matrix_find(a.matrix);
	if (!path) {
		rc = cli_fail(
		    ctx, TARE_EXIT_INVALID, "io.not-found",
		    "no matrix '%s' (looked for ./%s, matrices/%s.yaml, $TARE_MATRIX_PATH)",
		    a.matrix, a.matrix, a.matrix);
		goto cleanup;
	}
	m = matrix_load(path, &d);
	if (!m) {
		cli_print_diags(ctx, &d);
		rc = cli_exit_for(&d, TARE_EXIT_INVALID);
		goto cleanup;
	}
	/* a warning, not an error: a quick smoke matrix may want few rounds; stderr, so that stdout
	 * stays the plan in every format */
	if (matrix_check_power(m, STATS_DEFAULT_CONF, &d) > 0) {
		diag_list_sort(&d);
		diag_print_text(stderr, &d);
		diag_list_release(&d);
		diag_list_init(&d);
	}
	struct plan_select sel = selection_plan_select(&a.sel);
	p = plan_expand(m, &sel, &d);
	if (!p) {
		cli_print_diags(ctx, &d);
		rc = selection_failure_code(&d);
		goto cleanup;
	}
	if (print_plan(p, a.format) < 0)
		rc = cli_fail(ctx, TARE_EXIT_INTERNAL, "io.write", "cannot write the plan: %s",
		              strerror(errno));
cleanup:
	plan_free(p);
	matrix_free(m);
	free(path);
	diag_list_release(&d);
	selection_release(&a.sel);
	return rc;
}

const struct command cmd_expand = {
    .name = "expand",
    .run = expand_main,
    .summary = "print the ordered plan of dispatches a matrix expands to",
    .usage = "tare expand MATRIX [--cell GLOB]... [--tier N] [--shard I/N] "
             "[--format table|json|ndjson]",
    .help =
        "MATRIX is a path, or a name looked up as matrices/NAME.yaml and in each directory\n"
        "of $TARE_MATRIX_PATH. Nothing runs: this is exactly the plan `tare run` executes.\n\n"
        "--cell GLOB     keep the cells whose name matches GLOB (fnmatch; repeatable, any may\n"
        "                match); a glob that matches no cell is an error\n"
        "--tier N        keep the cells with tier <= N (0 PR smoke, 1 extended, 2 certification)\n"
        "--shard I/N     of the selected cells keep the I-th of every N (1-based), for CI\n"
        "                fan-out; a shard may be empty\n"
        "--format F      table (default): grouped by cell, with counts and the worst-case\n"
        "                duration; json: the plan document (tare.plan.v1, pretty-printed,\n"
        "                2-space indent); ndjson: one dispatch per line\n"
        "--json          same as --format json (unless --format ndjson is given)\n\n"
        "The output is deterministic: the same matrix file and options give the same bytes.\n"
        "{work_dir} and {trace_out} stay in argv and env: `tare run` substitutes them.\n\n"
        "exit: 0 ok, 2 usage or a selection that matches nothing, 3 matrix invalid or not\n"
        "found\n",
    .needs_root = false,
};
