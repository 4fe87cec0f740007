/* `tare merge`: shards of one plan, run on several machines, written as one run directory. */
#include "cli/cli.h"
#include "cli/run_end.h"

#include "cli/verdict_golden.h"
#include "report/merge.h"
#include "run/run_dir_create.h"
#include "run/run_index.h"
#include "run/session.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct merge_args {
	const char *out, *golden;
	struct merge_options opt;
	const char *const *dirs;
	size_t n_dirs;
};

/* Returns 0, or an exit code after printing a usage error. */
static int parse_args(int argc, char **argv, const struct cli_ctx *ctx, struct merge_args *a)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"golden", required_argument, NULL, 'g'},
	    {"partial", no_argument, NULL, 'p'},
	    {"force", no_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	int c;
	opterr = 0;
	optind = 0; /* 0 re-initialises GNU getopt fully; options may follow the directories */
	while ((c = getopt_long(argc, argv, ":o:g:pf", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (!*optarg)
				return cli_usage_error(ctx, "merge",
				                       "--out needs a directory, not ''");
			a->out = optarg;
			break;
		case 'g':
			a->golden = optarg;
			break;
		case 'p':
			a->opt.partial = true;
			break;
		case 'f':
			a->opt.force = true;
			break;
		case ':':
			return cli_usage_error(ctx, "merge", "option '%s' needs a value",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(ctx, "merge", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (!a->out)
		return cli_usage_error(ctx, "merge", "--out DIR is required");
	if (optind >= argc)
		return cli_usage_error(ctx, "merge", "no run directory given");
	a->dirs = (const char *const *)argv + optind;
	a->n_dirs = (size_t)(argc - optind);
	return 0;
}

/* A refusal is the inputs' (3), the output directory's rule or lock the caller's (2), a write
 * the machine's (4), anything internal ours (5). */
static int failure_code(const struct diag_list *d, int otherwise)
{
	for (size_t i = 0; i < d->len; i++) {
		const char *code = d->items[i].code ? d->items[i].code : "";
		if (strncmp(code, "run.out-", 8) == 0 || strcmp(code, "run.locked") == 0)
			return cli_exit_for(d, TARE_EXIT_USAGE);
	}
	return cli_exit_for(d, otherwise);
}

/* Writes the merged run into a->out and ends as `tare run` would on it. */
static int write_merged(const struct cli_ctx *ctx, const struct merge_args *a,
                        struct merge_result *r, struct diag_list *d)
{
	struct run_outputs_merge extra = {
	    .shards = {(const char *const *)r->shard_names, r->n_shards, r->sample_shard},
	    .missing_cells = (const char *const *)r->missing,
	    .n_missing = r->n_missing,
	};
	struct run_session s = {.lock_fd = -1};
	int rc = run_session_adopt(&s, a->out, r->matrix_path, r->matrix, r->plan, r->samples,
	                           r->n_samples, &extra, d);
	r->matrix = NULL, r->plan = NULL, r->samples = NULL, r->n_samples = 0; /* taken */
	if (rc < 0)
		return failure_code(d, TARE_EXIT_ENV);
	struct verdict_set v;
	struct json_object *vj = NULL;
	if (run_session_finish(&s, r->provenance, &v, &vj, d) < 0) {
		rc = failure_code(d, TARE_EXIT_ENV);
	} else {
		if (!ctx->json)
			fprintf(stderr, "tare: merged %zu shards (%zu dispatches) into %s\n",
			        r->n_shards, s.n_samples, s.dir);
		if (!ctx->json)
			run_end_print(&v, s.dir, false, true);
		struct json_object *golden = NULL;
		rc = verdicts_exit(ctx, a->golden, &v, vj, &golden, d);
		cli_json_result(ctx, "tare.merge.v1", run_end_json(&v, s.dir, golden));
		run_index_append(s.dir, s.matrix, s.n_samples, vj, rc, d);
		json_object_put(vj);
		verdict_set_release(&v);
	}
	run_session_release(&s);
	return rc;
}

static int merge_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	struct merge_args a = {0};
	int rc = parse_args(argc, argv, ctx, &a);
	if (rc)
		return rc;
	struct diag_list d;
	diag_list_init(&d);
	struct merge_result r;
	if (run_dir_check_fresh(a.out, &d) < 0)
		rc = failure_code(&d, TARE_EXIT_ENV);
	else if (merge_runs(a.dirs, a.n_dirs, &a.opt, &r, &d) < 0)
		rc = failure_code(&d, TARE_EXIT_INVALID);
	else {
		if (r.n_missing && !ctx->json)
			for (size_t i = 0; i < r.n_missing; i++)
				diag_warning(&d, "merge.partial", NULL,
				             "cell '%s' is in no shard: merged without its samples "
				             "(--partial)",
				             r.missing[i]);
		rc = write_merged(ctx, &a, &r, &d);
		merge_result_release(&r);
	}
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	return rc;
}

const struct command cmd_merge = {
    .name = "merge",
    .run = merge_main,
    .summary = "merge the shards of one plan, run on several machines, into one run",
    .usage = "tare merge --out DIR [--golden FILE] [--partial] [--force] RUN_DIR...",
    .help = "Each RUN_DIR is a finished shard of a 'tare run' (or a whole run). The merged\n"
            "run directory holds the full plan, every shard's samples under the index the\n"
            "dispatch has in the full plan, and the verdicts, summary, report.html, bmf.json,\n"
            "trace.json (one process per shard) and junit.xml an unsharded run would have\n"
            "written from the same samples; a run index line is appended.\n\n"
            "Refused (exit 3, with the reason): shards of different matrices, matrix digests or\n"
            "plans, of different tare builds or BPF objects, a shard that did not finish, a cell\n"
            "in two shards, a cell in no shard, shards of different host classes.\n\n"
            "--out DIR      the merged run directory; it must not exist or be empty\n"
            "--golden FILE  compare the verdicts with FILE (exit 1 on difference)\n"
            "--partial      merge although cells are in no shard; verdicts.json lists them as\n"
            "               missing_cells, summary.json, summary.md and report.html in the\n"
            "               provenance (merge.missing_cells)\n"
            "--force        merge shards of different host classes; recorded in the provenance\n"
            "               (merge.forced)\n\n"
            "exit: 0 every cell healthy (or verdicts equal the golden file), 1 gates failed or\n"
            "golden differs, 2 usage or an output directory that is not new or empty, 3 the\n"
            "shards do not make one run, 4 cannot write, 5 internal error\n",
    .needs_root = false,
};
