/* `tare inspect`: a run directory summarised for a terminal, statistics recomputed from its
 * samples so that an interrupted run can be read as well as a finished one. */
#include "cli/cli.h"

#include "run/run_index.h"
#include "gate/verdict.h"
#include "report/run_dir.h"
#include "jsonin/jsonin.h"
#include "report/summary.h"
#include "util/diag.h"
#include "util/input_file.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The out_dir of the run index's last line, or NULL with an error. */
static char *latest_run(struct diag_list *d)
{
	char *path = run_index_path();
	struct input_lines r;
	if (access(path, F_OK) < 0) {
		diag_error(d, "inspect.no-runs", NULL,
		           "no run index at '%s': give a RUN_DIR or run a matrix first", path);
		free(path);
		return NULL;
	}
	if (input_lines_open(&r, path, INPUT_MAX_LINE_BYTES, d) < 0) {
		free(path);
		return NULL;
	}
	const char *line;
	size_t len;
	bool complete;
	char *last = NULL;
	int last_no = 0, more;
	while ((more = input_lines_next(&r, &line, &len, &complete, d)) > 0) {
		if (complete)
			len--;
		if (len == 0)
			continue;
		free(last);
		last = xstrndup(line, len);
		last_no = r.lineno;
	}
	input_lines_release(&r);
	char *dir = NULL;
	struct json_object *o = NULL, *out = NULL;
	if (more == 0 && last &&
	    jsonin_parse(path, last, strlen(last), last_no, &o, NULL, d) == 0) {
		if (json_object_object_get_ex(o, "out_dir", &out) &&
		    json_object_is_type(out, json_type_string))
			dir = xstrdup(json_object_get_string(out));
		else
			diag_error(d, "inspect.bad-index", NULL,
			           "run index '%s' has no run with an out_dir on its last line",
			           path);
	} else if (more == 0 && !last) {
		diag_error(d, "inspect.bad-index", NULL, "run index '%s' lists no run", path);
	}
	json_object_put(o);
	free(last);
	free(path);
	return dir;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *str_or(struct json_object *o, const char *key, const char *fallback)
{
	struct json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : fallback;
}

/* Discarded samples grouped by reason, in order of first appearance: [{reason, count, phase}]. */
static struct json_object *discards_json(const struct run_data *r)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < r->n_samples; i++) {
		const struct sample *s = &r->samples[i];
		if (s->valid)
			continue;
		const char *reason = s->discard_reason ? s->discard_reason : "no reason recorded";
		struct json_object *g = NULL;
		for (size_t k = 0; k < json_object_array_length(a) && !g; k++) {
			struct json_object *x = json_object_array_get_idx(a, k);
			if (strcmp(str_or(x, "reason", ""), reason) == 0)
				g = x;
		}
		if (!g) {
			g = json_object_new_object();
			json_object_object_add(g, "reason", json_object_new_string(reason));
			json_object_object_add(g, "count", json_object_new_int(0));
			json_object_object_add(g, "dispatches", json_object_new_array());
			json_object_array_add(a, g);
		}
		json_object_int_inc(get(g, "count"), 1);
		char where[256];
		snprintf(where, sizeof(where), "%s/%s/%s/round %d", s->cell, s->arm,
		         plan_phase_name(s->phase), s->round);
		json_object_array_add(get(g, "dispatches"), json_object_new_string(where));
	}
	return a;
}

static int64_t plan_dispatches(struct json_object *plan)
{
	struct json_object *d = get(plan, "dispatches");
	return d && json_object_is_type(d, json_type_array) ? (int64_t)json_object_array_length(d)
	                                                    : -1;
}

/* The whole report as one object: what --json prints and what the text is rendered from. */
static struct json_object *inspect_build(const struct run_data *r, struct json_object *prov)
{
	struct verdict_set v;
	if (verdicts_compute(r->matrix, r->cells, r->n_cells, r->samples, r->n_samples, &v) < 0)
		return NULL;
	struct json_object *summary =
	    summary_build(r->matrix, r->cells, r->n_cells, r->samples, r->n_samples, &v, prov);
	verdict_set_release(&v);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.inspect.v1"));
	json_object_object_add(o, "run_dir", json_object_new_string(r->dir));
	json_object_object_add(o, "matrix", json_object_get(get(summary, "matrix")));
	int64_t planned = plan_dispatches(r->plan);
	json_object_object_add(o, "dispatches_recorded",
	                       json_object_new_int64((int64_t)r->n_samples));
	json_object_object_add(o, "dispatches_planned",
	                       planned < 0 ? NULL : json_object_new_int64(planned));
	json_object_object_add(
	    o, "interrupted",
	    json_object_new_boolean(planned >= 0 && (int64_t)r->n_samples < planned));
	json_object_object_add(o, "provenance", json_object_get(prov));
	json_object_object_add(o, "boundary", json_object_get(get(summary, "boundary")));
	json_object_object_add(o, "cells", json_object_get(get(summary, "cells")));
	json_object_object_add(o, "multiplicity", json_object_get(get(summary, "multiplicity")));
	json_object_object_add(o, "discarded", discards_json(r));
	json_object_object_add(o, "methods", json_object_get(get(summary, "methods")));
	json_object_put(summary);
	return o;
}

static double dbl(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	return v && !json_object_is_type(v, json_type_null) ? json_object_get_double(v) : NAN;
}

/* A KiB figure as a whole number, "n/a" when there is none. */
static char *format_kib(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.0f", v);
	return buf;
}

static void print_text(FILE *out, struct json_object *o)
{
	struct json_object *m = get(o, "matrix"), *prov = get(o, "provenance");
	fprintf(out, "run: %s\n", str_or(o, "run_dir", "?"));
	fprintf(out, "matrix: %s (sha256 %.12s)\n", str_or(m, "name", "?"),
	        str_or(m, "sha256", "?"));
	if (prov)
		fprintf(out, "host: %s, kernel %s, tare %s (%s)\n", str_or(prov, "host_class", "?"),
		        str_or(prov, "kernel_release", "?"), str_or(prov, "tare_version", "?"),
		        str_or(prov, "tare_commit", "?"));
	else
		fputs("host: unknown (no summary.json provenance)\n", out);
	if (json_object_get_boolean(get(o, "interrupted")))
		fprintf(out, "interrupted run: %lld of %lld dispatches recorded\n",
		        (long long)json_object_get_int64(get(o, "dispatches_recorded")),
		        (long long)json_object_get_int64(get(o, "dispatches_planned")));
	else
		fprintf(out, "dispatches: %lld\n",
		        (long long)json_object_get_int64(get(o, "dispatches_recorded")));
	fprintf(out, "boundary: %s\n", str_or(o, "boundary", "?"));
	struct json_object *cells = get(o, "cells");
	for (size_t i = 0; i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		fprintf(out, "\n%s: %s\n", str_or(c, "cell", "?"), str_or(c, "sentence", ""));
		fprintf(out, "  %-16s %4s %10s %10s %10s %11s\n", "arm", "n", "median ms", "p95 ms",
		        "peak KiB", "capture KiB");
		struct json_object *arms = get(c, "arms");
		for (size_t k = 0; k < json_object_array_length(arms); k++) {
			struct json_object *a = json_object_array_get_idx(arms, k);
			struct json_object *w = get(a, "wall_ms");
			char median[64], p95[64], peak[64], capm[64];
			fprintf(out, "  %-16s %4lld %10s %10s %10s %11s\n", str_or(a, "arm", "?"),
			        (long long)json_object_get_int64(get(a, "n")),
			        format_ms(median, sizeof(median), dbl(w, "median")),
			        format_ms(p95, sizeof(p95), dbl(w, "p95")),
			        format_kib(peak, sizeof(peak),
			                   dbl(get(a, "memory_peak_kib"), "median")),
			        format_kib(capm, sizeof(capm), dbl(a, "capture_memory_kib")));
		}
		struct json_object *pairs = get(c, "pairs");
		for (size_t k = 0; k < json_object_array_length(pairs); k++) {
			struct json_object *p = json_object_array_get_idx(pairs, k);
			fprintf(out, "  %s vs %s: %s\n", str_or(p, "candidate", "?"),
			        str_or(p, "baseline", "?"), str_or(p, "sentence", ""));
		}
		struct json_object *f = get(c, "factorial");
		if (f && json_object_is_type(f, json_type_object))
			fprintf(out, "  factorial (%lld rounds): %s\n",
			        (long long)json_object_get_int64(get(f, "n")),
			        str_or(f, "sentence", ""));
	}
	fprintf(out, "\nmultiplicity: %s\n", str_or(get(o, "multiplicity"), "sentence", "?"));
	struct json_object *disc = get(o, "discarded");
	if (json_object_array_length(disc) == 0) {
		fputs("\ndiscarded samples: none\n", out);
		return;
	}
	fputs("\ndiscarded samples:\n", out);
	for (size_t i = 0; i < json_object_array_length(disc); i++) {
		struct json_object *g = json_object_array_get_idx(disc, i);
		struct json_object *where = get(g, "dispatches");
		fprintf(out, "  %d × %s (", json_object_get_int(get(g, "count")),
		        str_or(g, "reason", "?"));
		for (size_t k = 0; k < json_object_array_length(where); k++)
			fprintf(out, "%s%s", k ? ", " : "",
			        json_object_get_string(json_object_array_get_idx(where, k)));
		fputs(")\n", out);
	}
}

static int inspect_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0}};
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		return cli_usage_error(ctx, "inspect", "unknown option '%s'", argv[optind - 1]);
	if (argc - optind > 1)
		return cli_usage_error(ctx, "inspect", "takes at most one RUN_DIR");
	struct diag_list d;
	diag_list_init(&d);
	char *dir = optind < argc ? xstrdup(argv[optind]) : latest_run(&d);
	struct run_data run;
	int rc = TARE_EXIT_INVALID;
	if (dir && run_dir_load(dir, &run, &d) == 0) {
		struct json_object *prov = run_dir_provenance_or_warn(dir, &d);
		struct json_object *o = inspect_build(&run, prov);
		if (!o) {
			rc = cli_fail(ctx, TARE_EXIT_INTERNAL, "inspect.internal",
			              "cannot compute the verdicts of '%s'", dir);
		} else {
			if (ctx->json)
				cli_json_result(ctx, "tare.inspect.v1", json_object_get(o));
			else
				print_text(stdout, o);
			rc = TARE_EXIT_OK;
		}
		json_object_put(o);
		json_object_put(prov);
		run_data_release(&run);
	}
	if (diag_error_count(&d) == 0 && rc == TARE_EXIT_INVALID)
		rc = TARE_EXIT_INTERNAL;
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	free(dir);
	return rc;
}

const struct command cmd_inspect = {
    .name = "inspect",
    .run = inspect_main,
    .summary = "summarise a run directory in the terminal",
    .usage = "tare inspect [RUN_DIR]",
    .help =
        "Prints the matrix, the host, each cell's verdict sentence, the boundary, per cell and\n"
        "arm n / median / p95 wall ms, the workload's median peak memory and the capture's\n"
        "memory (KiB) with the paired delta, and the discarded samples grouped by reason.\n"
        "Statistics are recomputed from RUN_DIR/samples.jsonl, so an interrupted run is read\n"
        "too (it says how many of its dispatches were recorded).\n\n"
        "RUN_DIR defaults to the last run in the run index ($TARE_RUNS_DIR/index.jsonl,\n"
        "default runs/index.jsonl).\n\n"
        "exit: 0 printed, 2 usage, 3 unreadable run directory\n",
    .needs_root = false,
};
