/* `tare compare`: a run against a baseline run, per cell and arm; exit 1 on a regression. */
#include "cli/cli.h"

#include "report/compare.h"
#include "jsonin/jsonin.h"
#include "report/baseline.h"
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

static void print_table(const char *base, const char *cur, const struct compare_result *r)
{
	printf("base: %s\ncurrent: %s\nmethod: %s\n\n", base, cur, compare_method_sentence());
	printf("%-20s %-16s %11s %11s  %-20s  %s\n", "cell", "arm", "base ms", "current ms",
	       "status", "change [95% CI]");
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		char change[256], base_ms[64], cur_ms[64];
		compare_change_format(&row->shift, change, sizeof(change));
		printf("%-20s %-16s %11s %11s  %-20s  %s\n", row->cell, row->arm,
		       format_ms(base_ms, sizeof(base_ms), row->shift.median_base),
		       format_ms(cur_ms, sizeof(cur_ms), row->shift.median_cur),
		       compare_status_name(row->status), change);
	}
	putchar('\n');
	if (r->n_regressions)
		printf("regression: %zu of %zu cell arms slower by more than %g%% with an interval "
		       "above "
		       "zero\n",
		       r->n_regressions, r->n_rows, r->max_pct);
	else
		printf(
		    "no regression: %zu cell arms compared, none slower by more than %g%% with an "
		    "interval above zero\n",
		    r->n_rows, r->max_pct);
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
                       double max_pct, bool force, struct diag_list *d)
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
	char *hb = run_source_host_class(base_dir, &mismatch),
	     *hc = run_source_host_class(cur_dir, &mismatch);
	int rc = TARE_EXIT_OK;
	bool forced = false;
	if (compare_check_compatible(base.matrix->sha256, hb, cur.matrix->sha256, hc, &mismatch) <
	    0) {
		if (force) {
			forced = true;
			/* --force keeps the findings, as warnings, so that nobody misses them */
			for (size_t i = 0; i < mismatch.len; i++)
				mismatch.items[i].severity = DIAG_WARNING;
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
		if (compare_runs(base.matrix, base.cells, base.n_cells, base.samples,
		                 base.n_samples, cur.samples, cur.n_samples, max_pct, &res,
		                 d) < 0) {
			rc = TARE_EXIT_INTERNAL;
		} else {
			if (ctx->json) {
				struct json_object *o = compare_result_to_json(&res);
				json_object_object_add(o, "base", json_object_new_string(base_dir));
				json_object_object_add(o, "current",
				                       json_object_new_string(cur_dir));
				json_object_object_add(o, "forced",
				                       json_object_new_boolean(forced));
				json_object_object_add(o, "warnings", diag_list_to_json(d));
				puts(json_object_to_json_string_ext(
				    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				           JSON_C_TO_STRING_NOSLASHESCAPE));
				json_object_put(o);
				diag_list_release(d);
				diag_list_init(d);
			} else {
				print_table(base_dir, cur_dir, &res);
			}
			rc = res.n_regressions ? TARE_EXIT_GATES : TARE_EXIT_OK;
			compare_result_release(&res);
		}
	}
	free(hb);
	free(hc);
	run_data_release(&base);
	run_data_release(&cur);
	return rc;
}

static int compare_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	static const struct option opts[] = {
	    {"max-regression", required_argument, NULL, 'm'},
	    {"force", no_argument, NULL, 'f'},
	    {0},
	};
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
		} else {
			return cli_usage_error(ctx, "compare", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(ctx, "compare", "takes BASE_DIR and CURRENT_DIR");
	struct diag_list d;
	diag_list_init(&d);
	int rc = run_compare(ctx, argv[optind], argv[optind + 1], max_pct, force, &d);
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	return rc;
}

const struct command cmd_compare = {
    .name = "compare",
    .run = compare_main,
    .summary = "compare a run with a baseline run and fail on a regression",
    .usage = "tare compare BASE_DIR CURRENT_DIR [--max-regression PCT] [--force]",
    .help =
        "Per cell and arm present in both runs, the change in wall time from BASE_DIR to\n"
        "CURRENT_DIR: the Hodges-Lehmann shift (median of all current - base differences of\n"
        "valid measured samples) with a 95% Mann-Whitney interval, exact for up to 50 samples\n"
        "per run. A regression is reported only where the whole interval is above zero and the\n"
        "shift exceeds --max-regression percent of the base median (default 5).\n\n"
        "The runs must share the matrix (sha256 of matrix.yaml) and the host class (summary.json\n"
        "provenance); otherwise tare refuses, unless --force (then it warns).\n\n"
        "Either side may be a baseline file ('tare baseline save RUN_DIR FILE') instead of a\n"
        "run directory.\n\n"
        "exit: 0 no regression, 1 regression, 2 usage, 3 unreadable or incompatible runs\n",
    .needs_root = false,
};
