/* report.html of one run: the summary's numbers and the samples turned into plots, in one file. */
#include "report/html.h"

#include "report/html_page.h"
#include "report/plot.h"
#include "report/svg.h"
#include "stats/describe.h"
#include "stats/paired.h"
#include "util/atomic_file.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static double num(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	return v && (json_object_is_type(v, json_type_double) ||
	             json_object_is_type(v, json_type_int))
	           ? json_object_get_double(v)
	           : NAN;
}

static double idx(struct json_object *a, size_t i)
{
	struct json_object *v =
	    a && json_object_is_type(a, json_type_array) ? json_object_array_get_idx(a, i) : NULL;
	return v && !json_object_is_type(v, json_type_null) ? json_object_get_double(v) : NAN;
}

static size_t len(struct json_object *a)
{
	return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* The arm's index in the matrix: its colour in every plot. */
static size_t arm_series(const struct matrix *m, const char *arm)
{
	for (size_t i = 0; i < m->n_arms; i++)
		if (strcmp(m->arms[i].name, arm) == 0)
			return i;
	return 0;
}

static const struct cell_verdict_result *verdict_of(const struct report_run *r, const char *cell)
{
	for (size_t i = 0; r->verdicts && i < r->verdicts->n_cells; i++)
		if (strcmp(r->verdicts->cells[i].cell->name, cell) == 0)
			return &r->verdicts->cells[i];
	return NULL;
}

static void arm_legend(struct strbuf *out, const struct matrix *m)
{
	const char **names = xcalloc(m->n_arms + 1, sizeof(*names));
	for (size_t i = 0; i < m->n_arms; i++)
		names[i] = m->arms[i].name;
	html_legend(out, names, m->n_arms);
	free(names);
}

static void header(struct strbuf *out, const struct report_run *r)
{
	char *title = xasprintf("tare report: %s", r->m->name);
	html_page_begin(out, title);
	free(title);
	size_t measured = 0, valid = 0;
	for (size_t i = 0; i < r->n_samples; i++) {
		measured += r->samples[i].phase == PHASE_MEASURE;
		valid += r->samples[i].phase == PHASE_MEASURE && r->samples[i].valid;
	}
	char *sub = xasprintf("%s%s%zu dispatches, %zu of %zu measured ones valid · matrix sha256 "
	                      "%.12s",
	                      r->dir ? r->dir : "", r->dir ? " · " : "", r->n_samples, valid,
	                      measured, r->m->sha256);
	html_paragraph(out, "sub", sub);
	free(sub);
	if (r->m->description)
		html_paragraph(out, NULL, r->m->description);
}

static void verdicts_section(struct strbuf *out, const struct report_run *r)
{
	html_section_begin(out, "verdicts", "Boundary and verdicts", NULL);
	html_paragraph(out, "boundary", str(r->summary, "boundary"));
	strbuf_addstr(out,
	              "<table>\n<tr><th>cell</th><th>verdict</th><th>why</th><th>kernel "
	              "events</th><th>span events</th><th>workers</th><th>payload</th></tr>\n");
	struct json_object *cells = get(r->summary, "cells");
	for (size_t i = 0; i < len(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *p = get(c, "params");
		const char *verdict = str(c, "verdict");
		strbuf_addstr(out, "<tr><td>");
		svg_escape(out, str(c, "cell"));
		strbuf_addstr(out, "</td><td><span class=\"badge ");
		svg_escape(out, verdict);
		strbuf_addstr(out, "\">");
		svg_escape(out, verdict);
		strbuf_addstr(out, "</span></td><td>");
		svg_escape(out, str(c, "sentence"));
		strbuf_addf(out,
		            "</td><td class=\"num\">%.0f</td><td class=\"num\">%.0f</td><td "
		            "class=\"num\">%.0f</td><td class=\"num\">%.0f B</td></tr>\n",
		            num(p, "kernel_events"), num(p, "span_events"), num(p, "concurrency"),
		            num(p, "payload_bytes"));
	}
	strbuf_addstr(out, "</table>\n");
	html_section_end(out);
}

/* Why a cell has no paired delta, for the note where its row would be. */
static const char *no_delta_reason(const struct report_run *r, const char *cell)
{
	const struct cell_verdict_result *v = verdict_of(r, cell);
	if (v && v->skipped)
		return "not measured (timing skipped)";
	return "no valid pair of samples";
}

static void deltas_section(struct strbuf *out, const struct report_run *r)
{
	html_section_begin(
	    out, "deltas", "Paired deltas",
	    "Per cell, what the candidate arm costs over the baseline: the Hodges–Lehmann estimate "
	    "of the per-round differences of wall time with its 95% Wilcoxon signed-rank interval. "
	    "Red: the whole interval is above zero; green: below; grey: no detectable difference. "
	    "Where the summary states the minimum detectable effect, it is shaded around zero: an "
	    "effect inside the shading could not have been told from noise.");
	struct json_object *cells = get(r->summary, "cells");
	size_t n = 0, cap = 0;
	struct plot_forest_row *rows = NULL;
	char **notes = NULL, **details = NULL;
	for (size_t i = 0; i < len(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		struct json_object *pairs = get(c, "pairs");
		for (size_t k = 0; k < len(pairs); k++) {
			struct json_object *p = json_object_array_get_idx(pairs, k);
			rows = xgrow(rows, &cap, n + 1, sizeof(*rows));
			notes = xrealloc(notes, cap * sizeof(*notes));
			details = xrealloc(details, cap * sizeof(*details));
			struct json_object *ci = get(p, "ci_ms");
			double est = num(p, "hl_ms"), lo = idx(ci, 0), hi = idx(ci, 1);
			double conf = num(p, "conf"), achieved = num(p, "conf_achieved");
			const char *verdict = str(p, "verdict");
			bool weak = isfinite(conf) && isfinite(achieved) && achieved < conf;
			details[n] =
			    weak ? xasprintf("%s − %s, %.1f%% interval", str(p, "candidate"),
			                     str(p, "baseline"), achieved * 100.0)
			         : xasprintf("%s − %s", str(p, "candidate"), str(p, "baseline"));
			if (isfinite(est)) {
				char iv[160], rel[64];
				html_format_interval(iv, sizeof(iv), est, lo, hi, "ms");
				format_signed(rel, sizeof(rel), num(p, "rel_pct"), 1, true);
				notes[n] = xasprintf("%s (%s%%)", iv, rel);
			} else {
				notes[n] = xstrdup(no_delta_reason(r, str(c, "cell")));
			}
			/* the pair's own field, or the cell's, whichever the summary carries */
			double mde = num(p, "min_detectable_ms");
			if (!isfinite(mde))
				mde = num(c, "min_detectable_ms");
			rows[n] = (struct plot_forest_row){
			    .label = str(c, "cell"),
			    .detail = details[n],
			    .est = est,
			    .lo = lo,
			    .hi = hi,
			    .mde = mde,
			    .status = verdict && strcmp(verdict, "higher") == 0  ? "higher"
			              : verdict && strcmp(verdict, "lower") == 0 ? "lower"
			                                                         : "none",
			    .note = notes[n],
			};
			n++;
		}
	}
	plot_forest(out, "forest", "paired deltas of wall time per cell",
	            "candidate − baseline, ms per dispatch", rows, n);
	for (size_t i = 0; i < n; i++) {
		free(notes[i]);
		free(details[i]);
	}
	free(notes);
	free(details);
	free(rows);
	html_section_end(out);
}

/* Per cell, the strip plot of one field of the valid measured samples of each compared arm. */
static void wall_section(struct strbuf *out, const struct report_run *r,
                         const struct sample_groups *g)
{
	html_section_begin(
	    out, "wall-time", "Wall time per cell and arm",
	    "Every valid measured dispatch is a dot (hover for its value); the line "
	    "is the median, the box the quartiles. The note gives the median and the "
	    "scaled MAD from summary.json.");
	arm_legend(out, r->m);
	struct json_object *cells = get(r->summary, "cells");
	for (size_t i = 0; i < len(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *arms = get(c, "arms");
		const char *cell = str(c, "cell");
		strbuf_addstr(out, "<h3>");
		svg_escape(out, cell);
		strbuf_addstr(out, "</h3>\n");
		const struct sample *const *cs;
		size_t n_cs = sample_groups_find(g, cell ? cell : "", &cs);
		const struct cell_verdict_result *v = verdict_of(r, cell);
		if (v && v->skipped) {
			html_paragraph(out, "intro",
			               "not measured: timing skipped (on_fail: skip-cell)");
			continue;
		}
		size_t n = len(arms);
		struct plot_strip_group *groups = xcalloc(n + 1, sizeof(*groups));
		double *values = xcalloc(n * (n_cs + 1) + 1, sizeof(*values));
		char **texts = xcalloc(2 * n + 1, sizeof(*texts));
		for (size_t k = 0; k < n; k++) {
			struct json_object *a = json_object_array_get_idx(arms, k);
			struct json_object *w = get(a, "wall_ms");
			const char *arm = str(a, "arm");
			size_t discarded;
			double *vals = values + k * (n_cs + 1);
			size_t nv = html_arm_values(cs, n_cs, arm, html_wall_ms, vals, &discarded);
			texts[2 * k] = discarded
			                   ? xasprintf("n = %zu, %zu discarded", nv, discarded)
			                   : xasprintf("n = %zu", nv);
			char med[64], mad[64];
			int dec = html_decimals_for(num(w, "mad"));
			format_signed(med, sizeof(med), num(w, "median"), dec, false);
			format_signed(mad, sizeof(mad), num(w, "mad"), dec, false);
			texts[2 * k + 1] = nv ? xasprintf("median %s ms, MAD %s", med, mad) : NULL;
			groups[k] = (struct plot_strip_group){
			    .label = arm,
			    .detail = texts[2 * k],
			    .values = vals,
			    .n = nv,
			    .series = arm_series(r->m, arm ? arm : ""),
			    .note = texts[2 * k + 1],
			};
		}
		char id[32], title[256];
		snprintf(id, sizeof(id), "wall-%zu", i);
		snprintf(title, sizeof(title), "wall time of %s per arm", cell ? cell : "");
		plot_strip(out, id, title, "wall time per dispatch, ms", "ms", 3, false, groups, n);
		for (size_t k = 0; k < 2 * n; k++)
			free(texts[k]);
		free(texts);
		free(values);
		free(groups);
	}
	html_section_end(out);
}

/* What summary.c states a slope per: the divisor of the cell parameter and the axis' label. */
static const struct {
	const char *axis;
	double per;
	const char *label;
} slope_axes[] = {
    {"kernel_events", 1000, "kernel events per dispatch, thousands"},
    {"span_events", 1000, "span events per dispatch, thousands"},
    {"concurrency", 1, "workers"},
    {"payload_bytes", 1024, "payload, KiB"},
};

static struct json_object *summary_cell(struct json_object *summary, const char *name)
{
	struct json_object *cells = get(summary, "cells");
	for (size_t i = 0; i < len(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		const char *n = str(c, "cell");
		if (n && name && strcmp(n, name) == 0)
			return c;
	}
	return NULL;
}

static void slope_plot(struct strbuf *out, const struct report_run *r, struct json_object *sl,
                       size_t index)
{
	const char *axis = str(sl, "axis");
	size_t a = 0;
	while (a < sizeof(slope_axes) / sizeof(slope_axes[0]) &&
	       !(axis && strcmp(slope_axes[a].axis, axis) == 0))
		a++;
	if (a == sizeof(slope_axes) / sizeof(slope_axes[0]))
		return;
	struct json_object *names = get(sl, "cells");
	size_t n = len(names);
	struct plot_slope_point *pts = xcalloc(n + 1, sizeof(*pts));
	for (size_t i = 0; i < n; i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(names, i));
		struct json_object *c = summary_cell(r->summary, name);
		struct json_object *pair = json_object_array_get_idx(get(c, "pairs"), 0);
		pts[i] = (struct plot_slope_point){
		    .label = name,
		    .x = num(get(c, "params"), axis) / slope_axes[a].per,
		    .y = num(pair, "hl_ms"),
		    .lo = idx(get(pair, "ci_ms"), 0),
		    .hi = idx(get(pair, "ci_ms"), 1),
		};
	}
	struct json_object *ts = get(sl, "theil_sen"), *ls = get(sl, "least_squares");
	struct plot_slope_fit fit = {
	    .slope = num(ts, "slope_ms"),
	    .lo = idx(get(ts, "ci_ms"), 0),
	    .hi = idx(get(ts, "ci_ms"), 1),
	    .name = "Theil–Sen",
	};
	strbuf_addstr(out, "<h3>");
	svg_escape(out, str(sl, "pair"));
	strbuf_addstr(out, " against ");
	svg_escape(out, axis);
	strbuf_addstr(out, "</h3>\n");
	char id[32], title[256];
	snprintf(id, sizeof(id), "slope-%zu", index);
	snprintf(title, sizeof(title), "paired delta against %s", axis);
	plot_slope(out, id, title, slope_axes[a].label, "paired delta, ms", pts, n, &fit);
	char ts_iv[128], ols[128];
	html_format_interval(ts_iv, sizeof(ts_iv), fit.slope, fit.lo, fit.hi, "ms");
	html_format_interval(ols, sizeof(ols), num(ls, "slope_ms"), idx(get(ls, "ci_ms"), 0),
	                     idx(get(ls, "ci_ms"), 1), "ms");
	char *caption = xasprintf("%sTheil–Sen %s per %s; least squares %s (r² %.2f)",
	                          stats_delta_verdict(fit.lo, fit.hi) == DELTA_NO_DIFFERENCE
	                              ? "no detectable trend: "
	                              : "",
	                          ts_iv, str(sl, "per"), ols, num(ls, "r2"));
	html_paragraph(out, "intro", caption);
	free(caption);
	free(pts);
}

static void slopes_section(struct strbuf *out, const struct report_run *r)
{
	html_section_begin(
	    out, "slopes", "Overhead against each varied axis",
	    "Each point is a cell's paired delta with its interval, placed at the cell's value of "
	    "the axis; only cells that differ in that axis alone enter a slope. The line is the "
	    "Theil–Sen slope through the median cell, the shaded bow tie the lines its 95% "
	    "interval allows.");
	struct json_object *slopes = get(r->summary, "slopes");
	if (len(slopes) == 0)
		html_paragraph(out, NULL,
		               "no slope in this run: a slope needs at least three cells with a "
		               "measured delta that differ in one axis only");
	for (size_t i = 0; i < len(slopes); i++)
		slope_plot(out, r, json_object_array_get_idx(slopes, i), i);
	html_section_end(out);
}

/* "5 match, 1 clipped; observed 128–300" for the note of a fidelity row. */
static char *fidelity_note(const struct layer_fidelity *obs, size_t n)
{
	size_t counts[AGREE_FAILED + 1] = {0};
	int64_t lo = 0, hi = 0;
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		counts[obs[i].agreement]++;
		if (obs[i].agreement == AGREE_FAILED)
			continue;
		lo = !any || obs[i].observed < lo ? obs[i].observed : lo;
		hi = !any || obs[i].observed > hi ? obs[i].observed : hi;
		any = true;
	}
	struct strbuf sb;
	strbuf_init(&sb);
	for (int a = AGREE_MATCH; a <= AGREE_FAILED; a++)
		if (counts[a])
			strbuf_addf(&sb, "%s%zu %s", sb.len ? ", " : "", counts[a],
			            agreement_name((enum agreement)a));
	if (any && lo == hi)
		strbuf_addf(&sb, "; observed %" PRId64, lo);
	else if (any)
		strbuf_addf(&sb, "; observed %" PRId64 "–%" PRId64, lo, hi);
	return strbuf_detach(&sb);
}

struct fidelity_rows {
	struct plot_fidelity_row *rows;
	struct layer_fidelity **obs;
	char **texts;
	size_t n, cap;
};

/* A row for one layer of one arm of a cell, when that arm carries the layer. */
static void fidelity_add(struct fidelity_rows *fr, const struct sample *const *cs, size_t n_cs,
                         const char *cell, const char *arm, bool span)
{
	struct layer_fidelity *obs = xcalloc(n_cs + 1, sizeof(*obs));
	size_t n = 0;
	int64_t limit = -1;
	for (size_t i = 0; i < n_cs; i++) {
		if (strcmp(cs[i]->arm, arm) != 0)
			continue;
		const struct layer_fidelity *l = span ? &cs[i]->span : &cs[i]->kernel;
		if (l->agreement == AGREE_NOT_APPLICABLE || l->target <= 0)
			continue;
		obs[n++] = *l;
		if (l->limit >= 0)
			limit = l->limit;
		else if (span && cs[i]->span_event_limit >= 0 &&
		         cs[i]->span_event_limit < l->target)
			limit = cs[i]->span_event_limit;
	}
	if (n == 0) {
		free(obs);
		return;
	}
	fr->rows = xgrow(fr->rows, &fr->cap, fr->n + 1, sizeof(*fr->rows));
	fr->obs = xrealloc(fr->obs, fr->cap * sizeof(*fr->obs));
	fr->texts = xrealloc(fr->texts, 2 * fr->cap * sizeof(*fr->texts));
	char *detail =
	    xasprintf("%s, %s, target %" PRId64, span ? "span" : "kernel", arm, obs[0].target);
	char *note = fidelity_note(obs, n);
	fr->obs[fr->n] = obs;
	fr->texts[2 * fr->n] = detail;
	fr->texts[2 * fr->n + 1] = note;
	fr->rows[fr->n] = (struct plot_fidelity_row){
	    .label = cell,
	    .detail = detail,
	    .target = obs[0].target,
	    .limit = limit,
	    .obs = obs,
	    .n = n,
	    .note = note,
	};
	fr->n++;
}

static void fidelity_section(struct strbuf *out, const struct report_run *r,
                             const struct sample_groups *g)
{
	html_section_begin(
	    out, "fidelity", "Fidelity: target against observed",
	    "Each dispatch (calibration, warm-up and measured) is a dot at what the layer "
	    "observed, "
	    "as a share of the cell's target: on the green line the capture was exact. A clip "
	    "that a declared limit explains (dashed) is amber, any other miss (drift) red.");
	strbuf_addstr(out, "<p class=\"legend\"><span class=\"key match\"></span>match<span "
	                   "class=\"key clipped\"></span>clipped<span class=\"key "
	                   "drift\"></span>drift<span class=\"key failed\"></span>failed</p>\n");
	struct fidelity_rows fr = {0};
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct matrix_cell *c = &r->m->cells[r->cells[i]];
		const struct sample *const *cs;
		size_t n_cs = sample_groups_find(g, c->name, &cs);
		for (int span = 0; span < 2; span++)
			for (size_t k = 0; k < c->n_compare; k++)
				fidelity_add(&fr, cs, n_cs, c->name, r->m->arms[c->compare[k]].name,
				             span);
	}
	plot_fidelity(out, "fidelity-plot", "observed events as a share of the target", fr.rows,
	              fr.n);
	for (size_t i = 0; i < fr.n; i++) {
		free(fr.obs[i]);
		free(fr.texts[2 * i]);
		free(fr.texts[2 * i + 1]);
	}
	free(fr.obs);
	free(fr.texts);
	free(fr.rows);
	html_section_end(out);
}

static void memory_section(struct strbuf *out, const struct report_run *r,
                           const struct sample_groups *g)
{
	html_section_begin(
	    out, "memory", "Memory per arm",
	    "The peak memory of the workload's whole process tree (from the "
	    "dispatch's cgroup: memory.peak, or the v1 memory leaf's "
	    "max_usage_in_bytes) of every valid measured dispatch, per cell and arm; "
	    "never tare's own memory.");
	size_t n = 0, cap = 0;
	struct plot_strip_group *groups = NULL;
	double **values = NULL;
	char **notes = NULL;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct matrix_cell *c = &r->m->cells[r->cells[i]];
		const struct sample *const *cs;
		size_t n_cs = sample_groups_find(g, c->name, &cs);
		for (size_t k = 0; k < c->n_compare; k++) {
			const char *arm = r->m->arms[c->compare[k]].name;
			double *vals = xcalloc(n_cs + 1, sizeof(*vals));
			size_t discarded;
			size_t nv =
			    html_arm_values(cs, n_cs, arm, html_memory_mib, vals, &discarded);
			if (nv == 0) {
				free(vals);
				continue;
			}
			groups = xgrow(groups, &cap, n + 1, sizeof(*groups));
			values = xrealloc(values, cap * sizeof(*values));
			notes = xrealloc(notes, cap * sizeof(*notes));
			double med = NAN;
			stats_median(vals, nv, &med);
			values[n] = vals;
			notes[n] = xasprintf("median %.1f MiB", med);
			groups[n] = (struct plot_strip_group){
			    .label = c->name,
			    .detail = arm,
			    .values = vals,
			    .n = nv,
			    .series = c->compare[k],
			    .note = notes[n],
			};
			n++;
		}
	}
	if (n == 0)
		html_paragraph(
		    out, NULL,
		    "no valid measured dispatch recorded its memory (the machine gave no "
		    "memory controller, or the run predates cgroup figures)");
	else
		plot_strip(out, "memory-plot", "peak memory per cell and arm",
		           "peak memory of the workload tree, MiB", "MiB", 1, true, groups, n);
	for (size_t i = 0; i < n; i++) {
		free(values[i]);
		free(notes[i]);
	}
	free(values);
	free(notes);
	free(groups);
	html_section_end(out);
}

/* The workload's latency percentiles of one dispatch, µs; false when it reported none. */
static bool sample_latency(const struct sample *s, double *us)
{
	static const char *const keys[PLOT_TAIL_POINTS] = {"p50",   "p90",    "p99",
	                                                   "p99_9", "p99_99", "max"};
	struct json_object *l = get(s->self_report, "latency_ns");
	if (!(num(l, "count") > 0.0))
		return false;
	for (size_t k = 0; k < PLOT_TAIL_POINTS; k++)
		us[k] = num(l, keys[k]) / 1000.0;
	return true;
}

/* One arm's series: median and range over its valid measured dispatches. Returns false when
 * none of them reported latencies. */
static bool tail_series(const struct sample *const *cs, size_t n_cs, const char *arm, size_t series,
                        struct plot_tail_series *out)
{
	double *v = xcalloc(PLOT_TAIL_POINTS * (n_cs + 1), sizeof(*v));
	size_t n = 0;
	for (size_t i = 0; i < n_cs; i++) {
		double us[PLOT_TAIL_POINTS];
		if (cs[i]->phase != PHASE_MEASURE || !cs[i]->valid ||
		    strcmp(cs[i]->arm, arm) != 0 || !sample_latency(cs[i], us))
			continue;
		for (size_t k = 0; k < PLOT_TAIL_POINTS; k++)
			v[k * (n_cs + 1) + n] = us[k];
		n++;
	}
	*out = (struct plot_tail_series){.label = arm, .series = series, .n = n};
	for (size_t k = 0; k < PLOT_TAIL_POINTS; k++) {
		double *col = v + k * (n_cs + 1);
		stats_sort(col, n);
		out->median[k] = stats_quantile_sorted(col, n, 0.5);
		out->lo[k] = n ? col[0] : NAN;
		out->hi[k] = n ? col[n - 1] : NAN;
	}
	free(v);
	return n > 0;
}

static void tail_section(struct strbuf *out, const struct report_run *r,
                         const struct sample_groups *g)
{
	html_section_begin(
	    out, "tail", "Tail latency",
	    "The built-in workload's own latency histogram per dispatch (an operation is one of "
	    "its events): per arm the median over valid measured dispatches of each percentile, "
	    "the whisker its range. A cost that only shows at p99.9 is seen here and not in the "
	    "wall time.");
	size_t plotted = 0;
	for (size_t i = 0; i < r->n_cells; i++) {
		const struct matrix_cell *c = &r->m->cells[r->cells[i]];
		const struct sample *const *cs;
		size_t n_cs = sample_groups_find(g, c->name, &cs);
		struct plot_tail_series *series = xcalloc(c->n_compare + 1, sizeof(*series));
		size_t n = 0;
		for (size_t k = 0; k < c->n_compare; k++)
			n += tail_series(cs, n_cs, r->m->arms[c->compare[k]].name, c->compare[k],
			                 &series[n]);
		if (n) {
			if (plotted++ == 0)
				arm_legend(out, r->m);
			strbuf_addstr(out, "<h3>");
			svg_escape(out, c->name);
			strbuf_addstr(out, "</h3>\n");
			char id[32], title[256];
			snprintf(id, sizeof(id), "tail-%zu", i);
			snprintf(title, sizeof(title), "latency percentiles of %s", c->name);
			plot_tail(out, id, title, series, n);
		}
		free(series);
	}
	if (plotted == 0)
		html_paragraph(out, NULL,
		               "no latency histograms in this run (the built-in workload reports "
		               "them; a custom command does not)");
	html_section_end(out);
}

static void provenance_section(struct strbuf *out, const struct report_run *r)
{
	html_section_begin(out, "provenance", "Provenance and methods", NULL);
	struct json_object *prov = get(r->summary, "provenance");
	const char *head = "this run";
	html_provenance(out, &prov, &head, 1);
	struct json_object *methods = get(r->summary, "methods");
	const char *mhead = "method";
	if (methods)
		html_provenance(out, &methods, &mhead, 1);
	html_section_end(out);
}

void report_html_build(const struct report_run *r, struct strbuf *out)
{
	struct sample_groups g;
	sample_groups_init(&g, r->samples, r->n_samples);
	header(out, r);
	verdicts_section(out, r);
	deltas_section(out, r);
	wall_section(out, r, &g);
	slopes_section(out, r);
	fidelity_section(out, r, &g);
	memory_section(out, r, &g);
	tail_section(out, r, &g);
	provenance_section(out, r);
	html_page_end(out);
	sample_groups_release(&g);
}

int report_html_write(const char *run_dir, const struct matrix *m, const size_t *cells,
                      size_t n_cells, const struct sample *samples, size_t n_samples,
                      const struct verdict_set *v, struct json_object *summary, struct diag_list *d)
{
	struct report_run r = {
	    .dir = run_dir,
	    .m = m,
	    .cells = cells,
	    .n_cells = n_cells,
	    .samples = samples,
	    .n_samples = n_samples,
	    .verdicts = v,
	    .summary = summary,
	};
	struct strbuf sb;
	strbuf_init(&sb);
	report_html_build(&r, &sb);
	char *path = path_join(run_dir, RUN_REPORT_FILE);
	int rc = atomic_write(path, sb.buf, sb.len, d);
	free(path);
	strbuf_release(&sb);
	return rc;
}
