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
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* "a" or "a, b, c": a side's run directories or baseline files. */
static void print_side(const char *label, char *const *paths, size_t n)
{
	printf("%s: ", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : "", paths[i]);
	putchar('\n');
}

/* A side's drift as the drift rule used it: a side with replicates is judged by the range of its
 * runs' medians instead. */
static void drift_text(char *buf, size_t size, double drift, size_t n_runs)
{
	if (n_runs > 1)
		snprintf(buf, size, "not counted (%zu runs: their range is)", n_runs);
	else
		snprintf(buf, size, "%.3f ms", drift);
}

static void print_replicate_runs(const struct compare_result *r)
{
	bool any = false;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		if (row->status != COMPARE_WITHIN_RUNS)
			continue;
		if (!any)
			printf("\nwithin run-to-run variation (the bound nearer zero does not "
			       "clear the "
			       "range of a side's per-run medians):\n");
		any = true;
		printf("  %s/%s: bound %.3f ms, run-to-run %.3f ms (run medians: base", row->cell,
		       row->arm, row->shift.lo > 0.0 ? row->shift.lo : row->shift.hi,
		       row->run_spread);
		for (size_t k = 0; k < row->n_runs_base; k++)
			printf(" %.3f", row->run_medians_base[k]);
		printf("; current");
		for (size_t k = 0; k < row->n_runs_cur; k++)
			printf(" %.3f", row->run_medians_cur[k]);
		printf(")\n");
	}
}

static void print_table(char *const *base, size_t n_base, char *const *cur, size_t n_cur,
                        const struct compare_result *r)
{
	print_side("base", base, n_base);
	print_side("current", cur, n_cur);
	printf("method: %s\n", compare_method_sentence());
	if (r->machine_reasons)
		printf("machine state differs, every row is unreliable: %s\n", r->machine_reasons);
	putchar('\n');
	char header[64];
	ci_header(r, header, sizeof(header));
	printf("%-20s %-16s %11s %11s  %-27s %6s  %-8s  %s\n", "cell", "arm", "base ms",
	       "current ms", "status", "q", "reliable", header);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		char change[256], base_ms[64], cur_ms[64];
		compare_change_format(&row->shift, change, sizeof(change));
		printf("%-20s %-16s %11s %11s  %-27s", row->cell, row->arm,
		       format_ms(base_ms, sizeof(base_ms), row->shift.median_base),
		       format_ms(cur_ms, sizeof(cur_ms), row->shift.median_cur),
		       compare_status_name(row->status));
		if (isnan(row->q_value))
			printf(" %6s", "n/a");
		else
			printf(" %6.3f", row->q_value);
		printf("  %-8s  %s\n", row->unreliable ? "no" : "yes", change);
	}
	char note[512];
	if (compare_replicate_note(r, note, sizeof(note)) > 0)
		printf("%s\n", note);
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
		char db[64], dc[64];
		drift_text(db, sizeof(db), row->drift_base, row->n_runs_base);
		drift_text(dc, sizeof(dc), row->drift_cur, row->n_runs_cur);
		if (row->n_runs_base > 1 || row->n_runs_cur > 1)
			printf("  %s/%s: bound %.3f ms, drift: base %s, current %s\n", row->cell,
			       row->arm, row->shift.lo > 0.0 ? row->shift.lo : row->shift.hi, db,
			       dc);
		else
			printf(
			    "  %s/%s: bound %.3f ms, drift %s in the base run, %s in the current "
			    "one\n",
			    row->cell, row->arm,
			    row->shift.lo > 0.0 ? row->shift.lo : row->shift.hi, db, dc);
	}
	print_replicate_runs(r);
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

/* The first path of a side that names the same file as an earlier one (by device and inode, so
 * that two spellings of one run are caught), or NULL. A run given twice would count as its own
 * replicate and make the side's run-to-run range look smaller than it is. */
static const char *side_repeat(char *const *paths, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct stat a;
		if (stat(paths[i], &a) < 0)
			continue; /* the loader says why it cannot be read */
		for (size_t j = 0; j < i; j++) {
			struct stat b;
			if (stat(paths[j], &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
				return paths[i];
		}
	}
	return NULL;
}

/* The runs of both sides, loaded: base first, then current. */
struct sides {
	char **paths; /* borrowed from argv */
	size_t n_base, n;
	struct run_data *runs;
	struct compare_machine *machines;
};

static void sides_release(struct sides *s)
{
	for (size_t i = 0; i < s->n; i++) {
		run_data_release(&s->runs[i]);
		compare_machine_release(&s->machines[i]);
	}
	free(s->runs);
	free(s->machines);
}

/* Loads every side's run; -1 (with diags) when one cannot be read. */
static int sides_load(struct sides *s, struct diag_list *d, struct diag_list *mismatch)
{
	s->runs = xcalloc(s->n + 1, sizeof(*s->runs));
	s->machines = xcalloc(s->n + 1, sizeof(*s->machines));
	for (size_t i = 0; i < s->n; i++) {
		/* either side may be a run directory or a committed baseline file */
		if (run_source_load(s->paths[i], &s->runs[i], d) < 0) {
			s->n = i;
			return -1;
		}
		read_machine(s->paths[i], &s->machines[i], mismatch);
	}
	return 0;
}

/* Every run against the first base run: the same matrix and host class. */
static int sides_compatible(const struct sides *s, struct diag_list *mismatch)
{
	int rc = 0;
	for (size_t i = 1; i < s->n; i++) {
		/* with one run per side this is the one check, worded as before */
		if (compare_check_compatible(s->runs[0].matrix->sha256, s->machines[0].host_class,
		                             s->runs[i].matrix->sha256, s->machines[i].host_class,
		                             mismatch) < 0) {
			if (s->n > 2)
				diag_note(mismatch, NULL, "in '%s' against '%s'", s->paths[i],
				          s->paths[0]);
			rc = -1;
		}
	}
	return rc;
}

/* Why the machine states of a base and a current run differ, over every such pair: the reasons
 * alone with one run per side, else each prefixed by the two runs. NULL when all agree. */
static char *sides_machine(const struct sides *s)
{
	struct strbuf sb;
	strbuf_init(&sb);
	for (size_t i = 0; i < s->n_base; i++)
		for (size_t j = s->n_base; j < s->n; j++) {
			char *why = compare_machine_differences(&s->machines[i], &s->machines[j]);
			if (!why)
				continue;
			if (s->n == 2)
				strbuf_addstr(&sb, why);
			else
				strbuf_addf(&sb, "%s%s against %s: %s", sb.len ? "; " : "",
				            s->paths[i], s->paths[j], why);
			free(why);
		}
	char *out = sb.len ? xstrdup(sb.buf) : NULL;
	strbuf_release(&sb);
	return out;
}

static struct json_object *json_paths(char *const *paths, size_t n)
{
	if (n == 1)
		return json_object_new_string(paths[0]);
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(paths[i]));
	return a;
}

static int compare_loaded(const struct cli_ctx *ctx, const struct sides *s, double max_pct,
                          bool forced, bool fail_on_unreliable, struct diag_list *d)
{
	struct compare_run *runs = xcalloc(s->n + 1, sizeof(*runs));
	for (size_t i = 0; i < s->n; i++)
		runs[i] = (struct compare_run){s->runs[i].samples, s->runs[i].n_samples};
	char *machine = sides_machine(s);
	struct compare_result res;
	const struct run_data *b0 = &s->runs[0];
	int crc = compare_replicates(b0->matrix, b0->cells, b0->n_cells, runs, s->n_base,
	                             runs + s->n_base, s->n - s->n_base, max_pct, machine, &res, d);
	free(machine);
	free(runs);
	if (crc < 0)
		return TARE_EXIT_INTERNAL;
	char *const *cur = s->paths + s->n_base;
	size_t n_cur = s->n - s->n_base;
	if (ctx->json) {
		struct json_object *o = compare_result_to_json(&res);
		/* a string with one run per side, as before replicates; an array with more */
		json_object_object_add(o, "base", json_paths(s->paths, s->n_base));
		json_object_object_add(o, "current", json_paths(cur, n_cur));
		json_object_object_add(o, "forced", json_object_new_boolean(forced));
		json_object_object_add(o, "fail_on_unreliable",
		                       json_object_new_boolean(fail_on_unreliable));
		cli_json_result(ctx, "tare.compare.v1", o);
	} else {
		print_table(s->paths, s->n_base, cur, n_cur, &res);
	}
	int rc = compare_fails(&res, fail_on_unreliable) ? TARE_EXIT_GATES : TARE_EXIT_OK;
	compare_result_release(&res);
	return rc;
}

static int run_compare(const struct cli_ctx *ctx, struct sides *s, double max_pct, bool force,
                       bool fail_on_unreliable, struct diag_list *d)
{
	struct diag_list mismatch;
	diag_list_init(&mismatch);
	if (sides_load(s, d, &mismatch) < 0) {
		diag_list_release(&mismatch);
		sides_release(s);
		return TARE_EXIT_INVALID;
	}
	int rc = TARE_EXIT_OK;
	bool forced = false;
	if (sides_compatible(s, &mismatch) < 0) {
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
	if (rc == TARE_EXIT_OK) {
		if (d->len && !ctx->json) {
			cli_print_diags(ctx, d);
			diag_list_release(d);
			diag_list_init(d);
		}
		rc = compare_loaded(ctx, s, max_pct, forced, fail_on_unreliable, d);
	}
	sides_release(s);
	return rc;
}

static int compare_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	static const struct option opts[] = {
	    {"max-regression", required_argument, NULL, 'm'},
	    {"force", no_argument, NULL, 'f'},
	    {"fail-on-unreliable", no_argument, NULL, 'u'},
	    {"base", required_argument, NULL, 'b'},
	    {"current", required_argument, NULL, 'c'},
	    {0},
	};
	bool fail_on_unreliable = false;
	double max_pct = COMPARE_DEFAULT_MAX_REGRESSION_PCT;
	bool force = false;
	/* --base and --current in the order given, each side's in its own list */
	char **base = xcalloc((size_t)argc + 1, sizeof(*base));
	char **cur = xcalloc((size_t)argc + 1, sizeof(*cur));
	size_t n_base = 0, n_cur = 0;
	int rc = -1; /* -1 until a usage error or the comparison sets an exit code */
	optind = 1;
	int c;
	while (rc < 0 && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'm') {
			if (parse_pct(optarg, &max_pct) < 0)
				rc = cli_usage_error(ctx, "compare",
				                     "--max-regression takes a percentage >= 0, "
				                     "not '%s'",
				                     optarg);
		} else if (c == 'f') {
			force = true;
		} else if (c == 'u') {
			fail_on_unreliable = true;
		} else if (c == 'b') {
			base[n_base++] = optarg;
		} else if (c == 'c') {
			cur[n_cur++] = optarg;
		} else {
			rc = cli_usage_error(ctx, "compare", "unknown option '%s'",
			                     argv[optind - 1]);
		}
	}
	if (rc < 0 && n_base == 0 && n_cur == 0 && argc - optind == 2) {
		base[n_base++] = argv[optind];
		cur[n_cur++] = argv[optind + 1];
	} else if (rc < 0 && (n_base || n_cur) && (argc > optind || !n_base || !n_cur)) {
		rc =
		    cli_usage_error(ctx, "compare",
		                    "takes --base DIR and --current DIR (each once or more) and no "
		                    "other operand, or BASE_DIR CURRENT_DIR");
	} else if (rc < 0 && !n_base) {
		rc = cli_usage_error(ctx, "compare", "takes BASE_DIR and CURRENT_DIR");
	}
	const char *again = NULL;
	if (rc < 0 && ((again = side_repeat(base, n_base)) || (again = side_repeat(cur, n_cur))))
		rc = cli_usage_error(
		    ctx, "compare",
		    "'%s' is given twice on one side: replicates are different runs", again);
	if (rc < 0) {
		struct diag_list d;
		diag_list_init(&d);
		struct sides s = {.n_base = n_base, .n = n_base + n_cur};
		s.paths = xcalloc(s.n + 1, sizeof(*s.paths));
		memcpy(s.paths, base, n_base * sizeof(*base));
		memcpy(s.paths + n_base, cur, n_cur * sizeof(*cur));
		rc = run_compare(ctx, &s, max_pct, force, fail_on_unreliable, &d);
		free(s.paths);
		if (d.len)
			cli_print_diags(ctx, &d);
		diag_list_release(&d);
	}
	free(base);
	free(cur);
	return rc;
}

const struct command cmd_compare = {
    .name = "compare",
    .run = compare_main,
    .summary = "compare a run with a baseline run and fail on a regression",
    .usage = "tare compare (BASE_DIR CURRENT_DIR | --base DIR... --current DIR...) "
             "[--max-regression PCT] [--force] [--fail-on-unreliable]",
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
        "Replicates: --base DIR and --current DIR, each given once or more (back-to-back runs\n"
        "of one matrix), pool each side's samples for the shift and its interval; a regression\n"
        "must then clear the run-to-run variation, the range of a side's per-run medians\n"
        "(the larger of the two sides; otherwise 'within run-to-run variation'), which replaces\n"
        "the drift rule for a side with replicates. One run alone cannot show its own\n"
        "run-level shift (up to 34% measured on an idle machine): give at least 2 runs per\n"
        "side, or use a paired run. Pyperf's rule then takes the median of a side's runs.\n\n"
        "Comparing two runs mixes the change with the machine's run-to-run drift: for CI, run\n"
        "both builds as arms of one paired run instead (docs/compare.md).\n\n"
        "exit: 0 no reliable regression, 1 reliable regression (or, with --fail-on-unreliable,\n"
        "any unreliable row), 2 usage, 3 unreadable or incompatible runs\n",
    .needs_root = false,
};
