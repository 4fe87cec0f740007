/* summary.json (tare.summary.v1): per-arm statistics, paired deltas, slopes, boundary, provenance.
 */
#include "report/summary.h"

#include "report/summary_parts.h"

#include "stats/bootstrap.h"
#include "stats/describe.h"
#include "stats/factorial.h"
#include "stats/multiplicity.h"
#include "stats/paired.h"
#include "stats/power.h"
#include "stats/slope.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CONF                SUMMARY_CONF
#define BOOTSTRAP_RESAMPLES 2000
#define BOOTSTRAP_SEED      1

static double ns_to_ms(int64_t ns)
{
	return (double)ns / 1e6;
}

/* The measured samples of one arm among a cell's samples: the valid ones into out (in record
 * order, which is round order), the invalid ones only counted. Returns how many are valid. */
static size_t arm_samples(const struct sample *const *s, size_t n, const char *arm,
                          const struct sample **out, size_t *discarded)
{
	size_t k = 0;
	*discarded = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i]->phase != PHASE_MEASURE || strcmp(s[i]->arm, arm) != 0)
			continue;
		if (s[i]->valid)
			out[k++] = s[i];
		else
			(*discarded)++;
	}
	return k;
}

static const char *tail_band(const struct matrix_gates *g, double ratio)
{
	if (!isfinite(ratio))
		return "n/a";
	return ratio >= g->tail_fail ? "fail" : ratio >= g->tail_warn ? "warn" : "ok";
}

static struct json_object *describe_json(const double *v, size_t n, struct stats_describe *dp)
{
	struct stats_describe d;
	stats_describe(v, n, &d);
	*dp = d;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "min", json_number_or_null(d.min));
	json_object_object_add(o, "median", json_number_or_null(d.median));
	json_object_object_add(o, "mean", json_number_or_null(d.mean));
	json_object_object_add(o, "stdev", json_number_or_null(d.stdev));
	json_object_object_add(o, "mad", json_number_or_null(d.mad_scaled));
	json_object_object_add(o, "p90", json_number_or_null(d.p90));
	json_object_object_add(o, "p95", json_number_or_null(d.p95));
	json_object_object_add(o, "p99", json_number_or_null(d.p99));
	json_object_object_add(o, "max", json_number_or_null(d.max));
	json_object_object_add(o, "p99_is_max", json_object_new_boolean(d.p99_is_max));
	json_object_object_add(o, "tail_ratio", json_number_or_null(d.tail_ratio));
	return o;
}

static double median_of(const double *v, size_t n)
{
	double m = NAN;
	stats_median(v, n, &m);
	return m;
}

/* The resource figures of an arm's valid samples: the ones that have them, packed. */
struct resource_figures {
	size_t n_cpu, n_memory;
	double memory_max, capture_max; /* NaN when no sample has the figure */
	double floor_max;               /* the largest memory_floor_kib; NaN when none has one */
	const char *source, *reason;    /* of the first sample; the first reason for a gap */
};

static void resource_figures(const struct sample *const *ss, size_t n, double *user, double *sys,
                             double *memory, struct resource_figures *rf)
{
	*rf = (struct resource_figures){0, 0, NAN, NAN, NAN, NULL, NULL};
	for (size_t i = 0; i < n; i++) {
		const struct sample_resources *r = &ss[i]->resources;
		if (!rf->source)
			rf->source = r->source;
		if (!rf->reason && r->memory_peak_kib < 0)
			rf->reason = r->reason;
		if (r->cpu_user_us >= 0 && r->cpu_sys_us >= 0) {
			user[rf->n_cpu] = (double)r->cpu_user_us / 1000.0;
			sys[rf->n_cpu++] = (double)r->cpu_sys_us / 1000.0;
		}
		if (r->memory_peak_kib >= 0) {
			double m = (double)r->memory_peak_kib;
			memory[rf->n_memory++] = m;
			rf->memory_max =
			    isnan(rf->memory_max) || m > rf->memory_max ? m : rf->memory_max;
		}
		if (r->memory_floor_kib >= 0 &&
		    (isnan(rf->floor_max) || (double)r->memory_floor_kib > rf->floor_max))
			rf->floor_max = (double)r->memory_floor_kib;
		if (r->capture_memory_kib >= 0 &&
		    (isnan(rf->capture_max) || (double)r->capture_memory_kib > rf->capture_max))
			rf->capture_max = (double)r->capture_memory_kib;
	}
}

static struct json_object *memory_json(const double *memory, const struct resource_figures *rf)
{
	struct json_object *r = json_object_new_object();
	json_object_object_add(r, "median", json_number_or_null(median_of(memory, rf->n_memory)));
	json_object_object_add(r, "max", json_number_or_null(rf->memory_max));
	json_object_object_add(r, "floor", json_number_or_null(rf->floor_max));
	json_object_object_add(r, "source", rf->source ? json_object_new_string(rf->source) : NULL);
	json_object_object_add(r, "reason", rf->reason ? json_object_new_string(rf->reason) : NULL);
	return r;
}

static struct json_object *arm_json(const struct matrix *m, const struct sample *const *cs,
                                    size_t n_cs, const char *arm)
{
	const struct sample **ss = xcalloc(n_cs + 1, sizeof(*ss));
	double *wall = xcalloc(n_cs + 1, sizeof(*wall)), *user = xcalloc(n_cs + 1, sizeof(*user)),
	       *sys = xcalloc(n_cs + 1, sizeof(*sys)), *rss = xcalloc(n_cs + 1, sizeof(*rss));
	size_t discarded;
	size_t n = arm_samples(cs, n_cs, arm, ss, &discarded);
	for (size_t i = 0; i < n; i++)
		wall[i] = ns_to_ms(ss[i]->wall_ns);
	struct resource_figures rf;
	resource_figures(ss, n, user, sys, rss, &rf);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "arm", json_object_new_string(arm));
	json_object_object_add(o, "n", json_object_new_int64((int64_t)n));
	json_object_object_add(o, "discarded", json_object_new_int64((int64_t)discarded));
	struct stats_describe d;
	struct json_object *w = describe_json(wall, n, &d);
	json_object_object_add(w, "tail_band",
	                       json_object_new_string(tail_band(&m->gates, d.tail_ratio)));
	struct stats_bootstrap b;
	stats_bootstrap_median(wall, n, BOOTSTRAP_RESAMPLES, CONF, BOOTSTRAP_SEED, &b);
	json_object_object_add(w, "median_ci", json_interval(b.lo, b.hi));
	json_object_object_add(o, "wall_ms", w);
	json_object_object_add(o, "cpu_user_ms_median",
	                       json_number_or_null(median_of(user, rf.n_cpu)));
	json_object_object_add(o, "cpu_sys_ms_median",
	                       json_number_or_null(median_of(sys, rf.n_cpu)));
	json_object_object_add(o, "memory_peak_kib", memory_json(rss, &rf));
	json_object_object_add(o, "capture_memory_kib", json_number_or_null(rf.capture_max));
	free(ss);
	free(wall);
	free(user);
	free(sys);
	free(rss);
	return o;
}

/* The wall time of a valid measured sample of arm in a round, among a cell's samples, or NaN. */
static double round_wall(const struct sample *const *s, size_t n, const char *arm, int round)
{
	for (size_t i = 0; i < n; i++)
		if (s[i]->phase == PHASE_MEASURE && s[i]->valid && s[i]->round == round &&
		    strcmp(s[i]->arm, arm) == 0)
			return ns_to_ms(s[i]->wall_ns);
	return NAN;
}

void summary_round_walls(const struct sample *const *cs, size_t n_cs, const char *arm,
                         int repetitions, double *out)
{
	for (int r = 1; r <= repetitions; r++)
		out[r - 1] = round_wall(cs, n_cs, arm, r);
}

/* The fields that depend on the whole run's pairs (the q-value) and the sentence built on them;
 * written once per pair and again after the run's q-values are known. */
static void pair_finish_json(struct json_object *o, const struct stats_paired *p)
{
	json_object_object_add(o, "q_value", json_number_or_null(p->q_value));
	char sentence[512];
	stats_delta_format(p, "ms", 3, sentence, sizeof(sentence));
	json_object_object_add(o, "sentence", json_object_new_string(sentence));
}

/* Pairs are rounds in which both arms gave a valid sample: a round is the unit of pairing. */
static struct json_object *pair_json(const struct matrix_cell *c, const struct sample *const *cs,
                                     size_t n_cs, const char *base, const char *cand,
                                     struct stats_paired *out)
{
	double *a = xcalloc((size_t)c->repetitions + 1, sizeof(*a));
	double *b = xcalloc((size_t)c->repetitions + 1, sizeof(*b));
	size_t n = 0;
	for (int r = 1; r <= c->repetitions; r++) {
		double x = round_wall(cs, n_cs, base, r);
		double y = round_wall(cs, n_cs, cand, r);
		if (isfinite(x) && isfinite(y)) {
			a[n] = x;
			b[n] = y;
			n++;
		}
	}
	stats_paired(a, b, n, CONF, out);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "baseline", json_object_new_string(base));
	json_object_object_add(o, "candidate", json_object_new_string(cand));
	json_object_object_add(o, "n", json_object_new_int64((int64_t)n));
	json_object_object_add(o, "median_delta_ms", json_number_or_null(out->median_delta));
	json_object_object_add(o, "hl_ms", json_number_or_null(out->hl.estimate));
	json_object_object_add(o, "ci_ms", json_interval(out->hl.lo, out->hl.hi));
	json_object_object_add(o, "conf", json_number_or_null(out->hl.conf));
	json_object_object_add(o, "conf_achieved", json_number_or_null(out->hl.conf_achieved));
	json_object_object_add(o, "ci_method",
	                       json_object_new_string(stats_ci_method_name(out->hl.method)));
	json_object_object_add(o, "p_value", json_number_or_null(out->test.p_value));
	json_object_object_add(o, "rel_pct", json_number_or_null(out->rel_pct));
	json_object_object_add(o, "rel_ci_pct", json_interval(out->rel_lo, out->rel_hi));
	json_object_object_add(o, "min_detectable_ms", json_number_or_null(out->min_detectable));
	json_object_object_add(o, "min_detectable_pct",
	                       json_number_or_null(out->min_detectable_pct));
	json_object_object_add(
	    o, "verdict",
	    json_object_new_string(stats_delta_verdict_name(stats_paired_verdict(out))));
	pair_finish_json(o, out);
	free(a);
	free(b);
	return o;
}

/* The axes a slope can be taken against, with the unit the slope is stated per. */
static const struct {
	const char *name;
	double per;
	const char *unit;
} axes[] = {
    {"kernel_events", 1000, "1k kernel events"},
    {"span_events", 1000, "1k span events"},
    {"concurrency", 1, "worker"},
    {"payload_bytes", 1024, "KiB of payload"},
};

static int64_t axis_value(const struct matrix_cell *c, size_t axis)
{
	const struct matrix_param *p[] = {&c->kernel_events, &c->span_events, &c->concurrency,
	                                  &c->payload_bytes};
	return p[axis]->value;
}

/* Whether two cells agree on every axis but `axis`. */
static bool same_other_axes(const struct matrix_cell *x, const struct matrix_cell *y, size_t axis)
{
	for (size_t k = 0; k < sizeof(axes) / sizeof(axes[0]); k++)
		if (k != axis && axis_value(x, k) != axis_value(y, k))
			return false;
	return true;
}

/* The Theil–Sen slope for people. An interval whose achieved confidence is below the stated one
 * (Sen's normal approximation clamped to the extreme slopes of few cells) is not printed as a
 * 95% interval: the sentence says how many cells it would need. */
static void slope_sentence(char *buf, size_t size, const struct stats_theil_sen *ts,
                           const char *unit, size_t n_cells)
{
	char est[64], lo[64], hi[64];
	format_signed(est, sizeof(est), ts->slope, 4, true);
	format_signed(lo, sizeof(lo), ts->slope_lo, 4, false);
	format_signed(hi, sizeof(hi), ts->slope_hi, 4, false);
	if (!isnan(ts->conf_achieved) && ts->conf_achieved < ts->conf - 1e-12) {
		snprintf(buf, size,
		         "inconclusive: %zu cells cannot give a %g%% Theil\xe2\x80\x93Sen interval "
		         "(at most %.1f%%; %zu needed): %s ms per %s",
		         n_cells, ts->conf * 100.0, ts->conf_achieved * 100.0,
		         stats_theil_sen_min_points(ts->conf), est, unit);
		return;
	}
	char level[64];
	if (isnan(ts->conf_achieved))
		snprintf(level, sizeof(level), "%g%% nominal", ts->conf * 100.0);
	else
		snprintf(level, sizeof(level), "%.1f%%", ts->conf_achieved * 100.0);
	if (stats_delta_verdict(ts->slope_lo, ts->slope_hi) == DELTA_NO_DIFFERENCE)
		snprintf(buf, size,
		         "no detectable trend per %s: %s ms [%s, %s] (Theil\xe2\x80\x93Sen, %s)",
		         unit, est, lo, hi, level);
	else
		snprintf(buf, size, "%s ms per %s [%s, %s] (Theil\xe2\x80\x93Sen, %s)", est, unit,
		         lo, hi, level);
}

/* For each axis: among the cells whose paired delta is known, the largest group that varies only
 * that axis (at least 3 cells, at least 2 distinct values), and the slopes of the delta in it. A
 * slope over cells that also vary another axis would mix two effects. */
static struct json_object *slopes_json(const struct matrix *m, const size_t *cells, size_t n_cells,
                                       const double *delta, const char *pair)
{
	struct json_object *arr = json_object_new_array();
	double *x = xcalloc(n_cells + 1, sizeof(*x)), *y = xcalloc(n_cells + 1, sizeof(*y));
	size_t *best = xcalloc(n_cells + 1, sizeof(*best)),
	       *grp = xcalloc(n_cells + 1, sizeof(*grp));
	for (size_t axis = 0; axis < sizeof(axes) / sizeof(axes[0]); axis++) {
		size_t nbest = 0;
		for (size_t i = 0; i < n_cells; i++) {
			if (!isfinite(delta[i]))
				continue;
			size_t ng = 0;
			for (size_t j = 0; j < n_cells; j++)
				if (isfinite(delta[j]) &&
				    same_other_axes(&m->cells[cells[i]], &m->cells[cells[j]], axis))
					grp[ng++] = j;
			if (ng > nbest) {
				memcpy(best, grp, ng * sizeof(*grp));
				nbest = ng;
			}
		}
		size_t distinct = 0;
		for (size_t i = 0; i < nbest; i++) {
			bool seen = false;
			for (size_t j = 0; j < i; j++)
				seen |= axis_value(&m->cells[cells[best[j]]], axis) ==
				        axis_value(&m->cells[cells[best[i]]], axis);
			distinct += !seen;
		}
		if (nbest < 3 || distinct < 2)
			continue;
		struct json_object *names = json_object_new_array();
		for (size_t i = 0; i < nbest; i++) {
			x[i] = (double)axis_value(&m->cells[cells[best[i]]], axis) / axes[axis].per;
			y[i] = delta[best[i]];
			json_object_array_add(
			    names, json_object_new_string(m->cells[cells[best[i]]].name));
		}
		struct stats_ols ols;
		struct stats_theil_sen ts;
		stats_ols(x, y, nbest, CONF, &ols);
		stats_theil_sen(x, y, nbest, CONF, &ts);
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "axis", json_object_new_string(axes[axis].name));
		json_object_object_add(o, "per", json_object_new_string(axes[axis].unit));
		json_object_object_add(o, "pair", json_object_new_string(pair));
		json_object_object_add(o, "cells", names);
		struct json_object *lo = json_object_new_object();
		json_object_object_add(lo, "slope_ms", json_number_or_null(ols.slope));
		json_object_object_add(lo, "ci_ms", json_interval(ols.slope_lo, ols.slope_hi));
		json_object_object_add(lo, "r2", json_number_or_null(ols.r2));
		json_object_object_add(o, "least_squares", lo);
		json_object_object_add(lo, "conf", json_number_or_null(ols.conf));
		struct json_object *tso = json_object_new_object();
		json_object_object_add(tso, "slope_ms", json_number_or_null(ts.slope));
		json_object_object_add(tso, "ci_ms", json_interval(ts.slope_lo, ts.slope_hi));
		json_object_object_add(tso, "conf_achieved", json_number_or_null(ts.conf_achieved));
		json_object_object_add(
		    tso, "conf_method",
		    json_object_new_string(isnan(ts.conf_achieved) ? "nominal (tied x)"
		                           : ts.conf_exact         ? "exact (Kendall)"
		                                                   : "normal approximation"));
		json_object_object_add(o, "theil_sen", tso);
		char sentence[512];
		slope_sentence(sentence, sizeof(sentence), &ts, axes[axis].unit, nbest);
		json_object_object_add(o, "sentence", json_object_new_string(sentence));
		json_object_array_add(arr, o);
	}
	free(x);
	free(y);
	free(best);
	free(grp);
	return arr;
}

/* Benjamini–Hochberg over the run's pairs whose interval reached its confidence: the pairs that
 * could be called different. Inconclusive pairs are left out of the family (their p-values can
 * never reach 0.05 and would only dilute it); which pairs enter depends on n, not on the result.
 * Sets q_value in every member's JSON and rewrites its sentence. */
static struct json_object *multiplicity_json(struct stats_paired *p, struct json_object **pj,
                                             size_t n)
{
	double *pv = xcalloc(n + 1, sizeof(*pv));
	double *q = xcalloc(n + 1, sizeof(*q));
	for (size_t i = 0; i < n; i++)
		pv[i] = stats_paired_verdict(&p[i]) == DELTA_INCONCLUSIVE ? NAN : p[i].test.p_value;
	long family = stats_bh_qvalues(pv, n, q);
	size_t differ = 0;
	for (size_t i = 0; family >= 0 && i < n; i++) {
		if (isnan(q[i]))
			continue;
		p[i].q_value = q[i];
		p[i].q_family = (size_t)family;
		differ += q[i] < STATS_FDR_Q;
		pair_finish_json(pj[i], &p[i]);
	}
	if (family < 0)
		family = 0;
	struct json_object *o = json_object_new_object();
	json_object_object_add(
	    o, "method",
	    json_object_new_string("Benjamini-Hochberg false discovery rate over the run's "
	                           "conclusive pairs (exact signed-rank p-values)"));
	json_object_object_add(o, "family", json_object_new_int64(family));
	json_object_object_add(o, "inconclusive", json_object_new_int64((int64_t)n - family));
	json_object_object_add(o, "q_threshold", json_object_new_double(STATS_FDR_Q));
	json_object_object_add(o, "differ", json_object_new_int64((int64_t)differ));
	char sentence[256];
	if (n == 0)
		snprintf(sentence, sizeof(sentence), "no pairs compared");
	else
		snprintf(sentence, sizeof(sentence), "%zu of %ld pairs differ at q < %g%s", differ,
		         family, STATS_FDR_Q,
		         (size_t)family < n ? " (inconclusive pairs left out)" : "");
	json_object_object_add(o, "sentence", json_object_new_string(sentence));
	free(pv);
	free(q);
	return o;
}

static struct json_object *params_json(const struct matrix_cell *c)
{
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "kernel_events", json_object_new_int64(c->kernel_events.value));
	json_object_object_add(p, "span_events", json_object_new_int64(c->span_events.value));
	json_object_object_add(p, "concurrency", json_object_new_int64(c->concurrency.value));
	json_object_object_add(p, "payload_bytes", json_object_new_int64(c->payload_bytes.value));
	json_object_object_add(p, "repetitions", json_object_new_int(c->repetitions));
	return p;
}

struct json_object *summary_build(const struct matrix *m, const size_t *cells, size_t n_cells,
                                  const struct sample *samples, size_t n_samples,
                                  const struct verdict_set *v, struct json_object *provenance)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.summary.v1"));
	struct json_object *mj = json_object_new_object();
	json_object_object_add(mj, "name", json_object_new_string(m->name));
	json_object_object_add(mj, "sha256", json_object_new_string(m->sha256));
	json_object_object_add(o, "matrix", mj);
	struct json_object *methods = json_object_new_object();
	json_object_object_add(methods, "quantiles",
	                       json_object_new_string("Hyndman-Fan type 7 (linear interpolation); "
	                                              "with n < 20, p99 is effectively the max"));
	json_object_object_add(methods, "mad",
	                       json_object_new_string("median absolute deviation × 1.4826"));
	json_object_object_add(
	    methods, "paired_delta",
	    json_object_new_string("Hodges-Lehmann estimate of per-round "
	                           "differences (candidate − baseline) with a 95% "
	                           "Wilcoxon signed-rank interval: exact for n ≤ 50, "
	                           "normal approximation above; fewer than 6 pairs "
	                           "cannot reach 95% and are inconclusive"));
	json_object_object_add(
	    methods, "min_detectable",
	    json_object_new_string("smallest shift detected with 80% power: √(π/3) · "
	                           "(t(1−α/2, n−1) + t(0.8, n−1)) · sd(d) / √n, α = 1 − "
	                           "the interval's achieved confidence"));
	json_object_object_add(
	    methods, "multiplicity",
	    json_object_new_string("Benjamini-Hochberg q-values of the signed-rank "
	                           "p-values over the run's conclusive pairs; a pair "
	                           "differs at q < 0.05"));
	json_object_object_add(
	    methods, "factorial",
	    json_object_new_string("per round, capture = ((capture − bare) + (both − "
	                           "spans))/2, spans = ((spans − bare) + (both − "
	                           "capture))/2, interaction = (both − spans) − (capture "
	                           "− bare), each with the paired-delta method; additive "
	                           "when the interaction's interval includes 0"));
	json_object_object_add(
	    methods, "median_ci",
	    json_object_new_string("percentile bootstrap, 2000 resamples, seed 1"));
	json_object_object_add(
	    methods, "slopes",
	    json_object_new_string("least squares with a t interval, and "
	                           "Theil-Sen with Sen's interval, of the HL delta "
	                           "over cells that vary only that axis; Sen's "
	                           "interval with its exact achieved confidence "
	                           "(Kendall), inconclusive below 95%"));
	json_object_object_add(o, "methods", methods);

	struct json_object *cj = json_object_new_array();
	double *delta = xcalloc(n_cells + 1, sizeof(*delta));
	char pair_name[256] = "";
	size_t cap = 1;
	for (size_t i = 0; i < n_cells; i++)
		cap += m->cells[cells[i]].n_compare;
	struct stats_paired *all = xcalloc(cap, sizeof(*all));
	struct json_object **all_json = xcalloc(cap, sizeof(*all_json));
	size_t n_all = 0;
	struct sample_groups groups;
	sample_groups_init(&groups, samples, n_samples);
	for (size_t i = 0; i < n_cells; i++) {
		const struct matrix_cell *c = &m->cells[cells[i]];
		const struct sample *const *cs;
		size_t n_cs = sample_groups_find(&groups, c->name, &cs);
		struct json_object *co = json_object_new_object();
		json_object_object_add(co, "cell", json_object_new_string(c->name));
		json_object_object_add(
		    co, "verdict", json_object_new_string(cell_verdict_name(v->cells[i].verdict)));
		json_object_object_add(co, "sentence",
		                       json_object_new_string(v->cells[i].sentence));
		json_object_object_add(co, "params", params_json(c));
		struct json_object *arms = json_object_new_array();
		for (size_t k = 0; k < c->n_compare; k++)
			json_object_array_add(arms,
			                      arm_json(m, cs, n_cs, m->arms[c->compare[k]].name));
		json_object_object_add(co, "arms", arms);
		struct json_object *pairs = json_object_new_array();
		delta[i] = NAN;
		const char *base = m->arms[c->compare[0]].name;
		for (size_t k = 1; k < c->n_compare; k++) {
			const char *cand = m->arms[c->compare[k]].name;
			struct stats_paired sp;
			struct json_object *pj = pair_json(c, cs, n_cs, base, cand, &sp);
			json_object_array_add(pairs, pj);
			all[n_all] = sp;
			all_json[n_all++] = pj;
			/* slopes follow the first pair, and only across cells comparing the same */
			char name[256];
			snprintf(name, sizeof(name), "%s → %s", base, cand);
			if (k == 1 && (!*pair_name || strcmp(pair_name, name) == 0)) {
				snprintf(pair_name, sizeof(pair_name), "%s", name);
				delta[i] = sp.hl.estimate;
			}
		}
		json_object_object_add(co, "pairs", pairs);
		json_object_object_add(co, "factorial", summary_factorial_json(m, c, cs, n_cs));
		json_object_array_add(cj, co);
	}
	json_object_object_add(o, "cells", cj);
	json_object_object_add(o, "multiplicity", multiplicity_json(all, all_json, n_all));
	free(all);
	free(all_json);
	json_object_object_add(o, "slopes", slopes_json(m, cells, n_cells, delta, pair_name));
	sample_groups_release(&groups);
	free(delta);
	json_object_object_add(o, "boundary", json_object_new_string(v->boundary));
	json_object_object_add(o, "provenance", provenance ? json_object_get(provenance) : NULL);
	return o;
}
