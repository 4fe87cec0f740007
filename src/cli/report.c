/* `tare report`: report.html of a run directory, or a page comparing two runs. */
#include "cli/cli.h"

#include "gate/verdict.h"
#include "report/compare.h"
#include "report/compare_machine.h"
#include "report/html.h"
#include "report/run_dir.h"
#include "report/summary.h"
#include "util/atomic_file.h"
#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COMPARE_REPORT_FILE "compare.html"

/* The host class of a provenance object, or NULL when unknown. */
static const char *host_class(struct json_object *prov)
{
	struct json_object *h = NULL;
	return json_object_object_get_ex(prov, "host_class", &h) &&
	               json_object_is_type(h, json_type_string)
	           ? json_object_get_string(h)
	           : NULL;
}

/* The page of one run, its statistics and verdicts recomputed from its samples as `tare inspect`
 * does, so that an interrupted run gets a page too. Returns an exit code. */
static int build_run(const char *dir, struct strbuf *out, struct diag_list *d)
{
	struct run_data run;
	if (run_dir_load(dir, &run, d) < 0)
		return TARE_EXIT_INVALID;
	struct verdict_set v;
	if (verdicts_compute(run.matrix, run.cells, run.n_cells, run.samples, run.n_samples, &v) <
	    0) {
		run_data_release(&run);
		diag_error(d, "report.internal", NULL, "cannot compute the verdicts of '%s'", dir);
		return TARE_EXIT_INTERNAL;
	}
	struct json_object *prov = run_dir_provenance_or_warn(dir, d);
	struct json_object *summary =
	    summary_build(run.matrix, run.cells, run.n_cells, run.samples, run.n_samples, &v, prov);
	struct report_run r = {
	    .dir = dir,
	    .m = run.matrix,
	    .cells = run.cells,
	    .n_cells = run.n_cells,
	    .samples = run.samples,
	    .n_samples = run.n_samples,
	    .verdicts = &v,
	    .summary = summary,
	};
	report_html_build(&r, out);
	json_object_put(summary);
	json_object_put(prov);
	verdict_set_release(&v);
	run_data_release(&run);
	return TARE_EXIT_OK;
}

/* The comparison page. Runs of another matrix or host class are still drawn — a picture is for
 * reading, `tare compare` is the gate — with the mismatch stated at the top and as a warning. */
static int build_compare(const char *base_dir, const char *cur_dir, struct strbuf *out,
                         struct diag_list *d)
{
	struct run_data base, cur;
	if (run_dir_load(base_dir, &base, d) < 0)
		return TARE_EXIT_INVALID;
	if (run_dir_load(cur_dir, &cur, d) < 0) {
		run_data_release(&base);
		return TARE_EXIT_INVALID;
	}
	struct json_object *pb = run_dir_provenance_or_warn(base_dir, d),
	                   *pc = run_dir_provenance_or_warn(cur_dir, d);
	struct diag_list mismatch;
	diag_list_init(&mismatch);
	if (compare_check_compatible(base.matrix->sha256, host_class(pb), cur.matrix->sha256,
	                             host_class(pc), &mismatch) < 0)
		diag_list_demote_errors(&mismatch);
	int rc = TARE_EXIT_OK;
	struct compare_machine mb, mc;
	compare_machine_read(pb, &mb);
	compare_machine_read(pc, &mc);
	char *machine = compare_machine_differences(&mb, &mc);
	compare_machine_release(&mb);
	compare_machine_release(&mc);
	struct compare_result res;
	int crc = compare_runs(base.matrix, base.cells, base.n_cells, base.samples, base.n_samples,
	                       cur.samples, cur.n_samples, COMPARE_DEFAULT_MAX_REGRESSION_PCT,
	                       machine, &res, d);
	free(machine);
	if (crc < 0) {
		rc = TARE_EXIT_INTERNAL;
	} else {
		struct report_compare_side sb = {
		    base_dir,     base.matrix,    base.cells, base.n_cells,
		    base.samples, base.n_samples, pb};
		struct report_compare_side sc = {cur_dir,     cur.matrix,    cur.cells, cur.n_cells,
		                                 cur.samples, cur.n_samples, pc};
		report_html_compare_build(&sb, &sc, &res, &mismatch, out);
		compare_result_release(&res);
	}
	diag_list_move(d, &mismatch);
	diag_list_release(&mismatch);
	json_object_put(pb);
	json_object_put(pc);
	run_data_release(&base);
	run_data_release(&cur);
	return rc;
}

static int report_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {0},
	};
	const char *out_path = NULL;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			out_path = optarg;
		else
			return cli_usage_error(ctx, "report", "unknown option '%s'",
			                       argv[optind - 1]);
	}
	int n_dirs = argc - optind;
	if (n_dirs < 1 || n_dirs > 2)
		return cli_usage_error(ctx, "report", "takes RUN_DIR, or BASE_DIR and CURRENT_DIR");
	bool to_stdout = out_path && strcmp(out_path, "-") == 0;
	if (to_stdout && ctx->json)
		return cli_usage_error(ctx, "report",
		                       "--out - and --json both want stdout; give --out FILE");
	struct diag_list d;
	diag_list_init(&d);
	struct strbuf page;
	strbuf_init(&page);
	int rc = n_dirs == 1 ? build_run(argv[optind], &page, &d)
	                     : build_compare(argv[optind], argv[optind + 1], &page, &d);
	char *path = NULL;
	if (rc == TARE_EXIT_OK) {
		path = out_path ? xstrdup(out_path)
		                : path_join(argv[argc - 1],
		                            n_dirs == 1 ? RUN_REPORT_FILE : COMPARE_REPORT_FILE);
		if (to_stdout)
			fwrite(page.buf, 1, page.len, stdout);
		else if (atomic_write(path, page.buf, page.len, &d) < 0)
			rc = TARE_EXIT_ENV;
	}
	if (rc == TARE_EXIT_OK && ctx->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "report", json_object_new_string(path));
		cli_json_result(ctx, "tare.report.v1", o);
	}
	if (d.len)
		cli_print_diags(ctx, &d);
	if (rc == TARE_EXIT_OK && !to_stdout && !ctx->json)
		fprintf(stderr, "wrote %s\n", path);
	free(path);
	strbuf_release(&page);
	diag_list_release(&d);
	return rc;
}

const struct command cmd_report = {
    .name = "report",
    .run = report_main,
    .summary = "write a run's self-contained report.html, or one comparing two runs",
    .usage = "tare report RUN_DIR [--out FILE]\n"
             "       tare report BASE_DIR CURRENT_DIR [--out FILE]",
    .help =
        "With RUN_DIR: one HTML file with inline SVG and CSS (no script, nothing fetched from\n"
        "the network) showing the boundary and verdicts, a forest plot of the paired deltas,\n"
        "the wall-time distribution of every cell and arm, overhead against each varied axis,\n"
        "fidelity (target against observed per layer), memory, tail latency when the workload\n"
        "reported it, and provenance. Statistics are recomputed from RUN_DIR/samples.jsonl, so\n"
        "an interrupted run gets a report too. Default output: RUN_DIR/report.html (tare run\n"
        "writes the same file at the end of a run).\n\n"
        "With BASE_DIR and CURRENT_DIR: per cell and arm the shift of wall time with its 95%\n"
        "Mann-Whitney interval (as tare compare computes it) and the two distributions side by\n"
        "side. Runs of another matrix or host class are drawn with a warning. Default output:\n"
        "CURRENT_DIR/compare.html.\n\n"
        "--out FILE writes elsewhere; --out - writes the page to stdout.\n\n"
        "exit: 0 written, 2 usage, 3 unreadable run directory, 4 cannot write\n",
    .needs_root = false,
};
