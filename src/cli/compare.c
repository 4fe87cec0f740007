/* `tare compare`: a run against a baseline run, per cell and arm; exit 1 on a regression. */
#include "cli/cli.h"

#include "report/compare.h"
#include "jsonin/jsonin.h"
#include "report/baseline.h"
#include "report/compare_machine.h"
#include "report/run_dir.h"
#include "util/diag.h"
#include "util/input_file.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The machine state a run directory's or a baseline file's provenance records; everything unknown
 * when there is none (an interrupted run has no summary.json). */
static void read_machine(const char *path, struct compare_machine *out, struct diag_list *d)
{
	struct json_object *prov = run_source_provenance(path, d);
	compare_machine_read(prov, out);
	json_object_put(prov);
}

/* "[95.2% CI]", or the range of achieved confidences when the rows differ. */
static void ci_header(const struct compare_result *r, char *buf, size_t size)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < r->n_rows; i++) {
		double a = r->rows[i].shift.conf_achieved * 100.0;
		if (isnan(a))
			continue;
		lo = fmin(lo, floor(a * 10.0) / 10.0);
		hi = fmax(hi, floor(a * 10.0) / 10.0);
	}
	if (!isfinite(lo))
		snprintf(buf, size, "change [CI]");
	else if (lo == hi)
		snprintf(buf, size, "change [%.1f%% CI]", lo);
	else
		snprintf(buf, size, "change [CI, achieved %.1f-%.1f%%]", lo, hi);
}

static void print_table(const char *base, const char *cur, const struct compare_result *r)
{
	printf("base: %s\ncurrent: %s\nmethod: %s\n", base, cur, compare_method_sentence());
	if (r->machine_reasons)
		printf("machine state differs, every row is unreliable: %s\n", r->machine_reasons);
	putchar('\n');
	char header[64];
	ci_header(r, header, sizeof(header));
	printf("%-20s %-16s %11s %11s  %-20s %6s  %-8s  %s\n", "cell", "arm", "base ms",
	       "current ms", "status", "q", "reliable", header);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		char change[256], base_ms[64], cur_ms[64];
		compare_change_format(&row->shift, change, sizeof(change));
		printf("%-20s %-16s %11s %11s  %-20s", row->cell, row->arm,
		       format_ms(base_ms, sizeof(base_ms), row->shift.median_base),
		       format_ms(cur_ms, sizeof(cur_ms), row->shift.median_cur),
		       compare_status_name(row->status));
		if (isnan(row->q_value))
			printf(" %6s", "n/a");
		else
			printf(" %6.3f", row->q_value);
		printf("  %-8s  %s\n", row->unreliable ? "no" : "yes", change);
	}
	bool any = false;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		if (!(row->unreliable & (COMPARE_UNSTABLE_BASE | COMPARE_UNSTABLE_CURRENT)))
			continue;
		if (!any)
			printf("\nunreliable rows (pyperf's rule: stdev above %g%% of the mean):\n",
			       COMPARE_UNSTABLE_CV * 100.0);
		any = true;
		char why[1024];
		struct compare_row only = *row;
		only.unreliable &= ~(unsigned)COMPARE_MACHINE_DIFFERS;
		compare_unreliable_format(&only, NULL, why, sizeof(why));
		printf("  %s/%s: %s\n", row->cell, row->arm, why);
	}
	any = false;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		if (row->status != COMPARE_WITHIN_DRIFT)
			continue;
		if (!any)
			printf("\nwithin drift (the bound nearer zero does not clear the runs' own "
			       "first-half to second-half shifts added up):\n");
		any = true;
		printf("  %s/%s: bound %.3f ms, drift %.3f ms in the base run, %.3f ms in the "
		       "current one\n",
		       row->cell, row->arm, row->shift.lo > 0.0 ? row->shift.lo : row->shift.hi,
		       row->drift_base, row->drift_cur);
	}
	char sentence[1024];
	compare_summary_sentence(r, sentence, sizeof(sentence));
	printf("\n%s\n", sentence);
}

static int parse_pct(const char *s, double *out)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || (*end && strcmp(end, "%") != 0) || !isfinite(v) || v < 0.0)
		return -1;
	*out = v;
	return 0;
}

static int run_compare(const struct cli_ctx *ctx, const char *base_dir, const char *cur_dir,
                       double max_pct, bool force, bool fail_on_unreliable, struct diag_list *d)
{
	struct run_data base, cur;
	/* either side may be a run directory or a committed baseline file */
	if (run_source_load(base_dir, &base, d) < 0)
		return TARE_EXIT_INVALID;
	if (run_source_load(cur_dir, &cur, d) < 0) {
		run_data_release(&base);
		return TARE_EXIT_INVALID;
	}
	struct diag_list mismatch;
	diag_list_init(&mismatch);
	struct compare_machine mb, mc;
	read_machine(base_dir, &mb, &mismatch);
	read_machine(cur_dir, &mc, &mismatch);
	const char *hb = mb.host_class, *hc = mc.host_class;
	int rc = TARE_EXIT_OK;
	bool forced = false;
	if (compare_check_compatible(base.matrix->sha256, hb, cur.matrix->sha256, hc, &mismatch) <
	    0) {
		if (force) {
			forced = true;
			/* --force keeps the findings, as warnings, so that nobody misses them */
			diag_list_demote_errors(&mismatch);
			diag_warning(
			    &mismatch, "compare.forced", NULL,
			    "comparing anyway (--force): the changes below may be the machine's "
			    "or the matrix's, not the code's");
		} else {
			diag_note(&mismatch, NULL, "refusing to compare; --force compares anyway");
			rc = TARE_EXIT_INVALID;
		}
	}
	diag_list_move(d, &mismatch);
	diag_list_release(&mismatch);
	struct compare_result res;
	if (rc == TARE_EXIT_OK) {
		if (d->len && !ctx->json) {
			cli_print_diags(ctx, d);
			diag_list_release(d);
			diag_list_init(d);
		}
		char *machine = compare_machine_differences(&mb, &mc);
		int crc = compare_runs(base.matrix, base.cells, base.n_cells, base.samples,
		                       base.n_samples, cur.samples, cur.n_samples, max_pct, machine,
		                       &res, d);
		free(machine);
		if (crc < 0) {
			rc = TARE_EXIT_INTERNAL;
		} else {
			if (ctx->json) {
				struct json_object *o = compare_result_to_json(&res);
				json_object_object_add(o, "base", json_object_new_string(base_dir));
				json_object_object_add(o, "current",
				                       json_object_new_string(cur_dir));
				json_object_object_add(o, "forced",
				                       json_object_new_boolean(forced));
				json_object_object_add(o, "fail_on_unreliable",
				                       json_object_new_boolean(fail_on_unreliable));
				cli_json_result(ctx, "tare.compare.v1", o);
			} else {
				print_table(base_dir, cur_dir, &res);
			}
			rc = compare_fails(&res, fail_on_unreliable) ? TARE_EXIT_GATES
			                                             : TARE_EXIT_OK;
			compare_result_release(&res);
		}
	}
	compare_machine_release(&mb);
	compare_machine_release(&mc);
	run_data_release(&base);
	run_data_release(&cur);
	return rc;
}

static int compare_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	static const struct option opts[] = {
	    {"max-regression", required_argument, NULL, 'm'},
	    {"force", no_argument, NULL, 'f'},
	    {"fail-on-unreliable", no_argument, NULL, 'u'},
	    {0},
	};
	bool fail_on_unreliable = false;
	double max_pct = COMPARE_DEFAULT_MAX_REGRESSION_PCT;
	bool force = false;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'm') {
			if (parse_pct(optarg, &max_pct) < 0)
				return cli_usage_error(ctx, "compare",
				                       "--max-regression takes a percentage >= 0, "
				                       "not '%s'",
				                       optarg);
		} else if (c == 'f') {
			force = true;
		} else if (c == 'u') {
			fail_on_unreliable = true;
		} else {
			return cli_usage_error(ctx, "compare", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(ctx, "compare", "takes BASE_DIR and CURRENT_DIR");
	struct diag_list d;
	diag_list_init(&d);
	int rc = run_compare(ctx, argv[optind], argv[optind + 1], max_pct, force,
	                     fail_on_unreliable, &d);
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	return rc;
}

const struct command cmd_compare = {
    .name = "compare",
    .run = compare_main,
    .summary = "compare a run with a baseline run and fail on a regression",
    .usage = "tare compare BASE_DIR CURRENT_DIR [--max-regression PCT] [--force] "
             "[--fail-on-unreliable]",
    .help =
        "Per cell and arm present in both runs, the change in wall time from BASE_DIR to\n"
        "CURRENT_DIR: the Hodges-Lehmann shift (median of all current - base differences of\n"
        "valid measured samples) with a 95% Mann-Whitney interval, exact for up to 50 samples\n"
        "per run. A regression is reported only where the whole interval is above zero, its\n"
        "Benjamini-Hochberg q-value over the rows is below 0.05 and the shift exceeds\n"
        "--max-regression percent of the base median (default 5), and the interval's lower\n"
        "bound exceeds the two runs' own drift added up (each run's shift from the first half\n"
        "of its samples to the second; otherwise 'within drift'). Rows with too few samples\n"
        "for a 95% interval are inconclusive.\n\n"
        "A row is unreliable when either run's wall times have a stdev above 10% of their mean\n"
        "(pyperf's rule) or the two runs' machine state differs (the CPU the machine spent\n"
        "outside each run, other_cpu_fraction: above 0.25, or 0.10 apart; the load average for\n"
        "runs without it; cpu governor, SMT, host class: summary.json provenance). Unreliable\n"
        "regressions are reported but do not fail; --fail-on-unreliable fails on any\n"
        "unreliable row (strict gates).\n\n"
        "The runs must share the matrix (sha256 of matrix.yaml) and the host class (summary.json\n"
        "provenance); otherwise tare refuses, unless --force (then it warns).\n\n"
        "Either side may be a baseline file ('tare baseline save RUN_DIR FILE') instead of a\n"
        "run directory.\n\n"
        "Comparing two runs mixes the change with the machine's run-to-run drift: for CI, run\n"
        "both builds as arms of one paired run instead (docs/compare.md).\n\n"
        "exit: 0 no reliable regression, 1 reliable regression (or, with --fail-on-unreliable,\n"
        "any unreliable row), 2 usage, 3 unreadable or incompatible runs\n",
    .needs_root = false,
};
