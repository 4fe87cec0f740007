/* Cell verdicts (uncalibrated › lossy › unhealthy › inconclusive › healthy) and the boundary. */
#include "gate/verdict.h"

#include "gate/dispatch_gate.h"
#include "stats/describe.h"
#include "util/strbuf.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cell_verdict_name(enum cell_verdict v)
{
	static const char *const names[] = {"uncalibrated", "lossy", "unhealthy", "inconclusive",
	                                    "healthy"};
	return names[v];
}

bool calibration_blocks_timing(const struct matrix_gates *g, const struct sample *const *calib,
                               size_t n)
{
	if (g->on_fail != ON_FAIL_SKIP_CELL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (calib[i]->fidelity != FIDELITY_CLEAN)
			return true;
	return false;
}

/* The samples of one cell, by phase. Borrowed pointers into the caller's array. */
struct cell_samples {
	const struct sample **calib, **warm, **meas;
	size_t n_calib, n_warm, n_meas;
};

static void collect(const struct sample *const *s, size_t n, struct cell_samples *cs)
{
	cs->calib = calloc(n + 1, sizeof(*cs->calib));
	cs->warm = calloc(n + 1, sizeof(*cs->warm));
	cs->meas = calloc(n + 1, sizeof(*cs->meas));
	if (!cs->calib || !cs->warm || !cs->meas)
		abort();
	for (size_t i = 0; i < n; i++) {
		if (s[i]->phase == PHASE_CALIBRATE)
			cs->calib[cs->n_calib++] = s[i];
		else if (s[i]->phase == PHASE_WARMUP)
			cs->warm[cs->n_warm++] = s[i];
		else
			cs->meas[cs->n_meas++] = s[i];
	}
}

static void cell_samples_release(struct cell_samples *cs)
{
	free(cs->calib);
	free(cs->warm);
	free(cs->meas);
}

static struct json_object *layer_reason(const char *gate, const struct sample *s,
                                        const struct layer_fidelity *f)
{
	struct json_object *r = json_object_new_object();
	json_object_object_add(r, "gate", json_object_new_string(gate));
	json_object_object_add(r, "arm", json_object_new_string(s->arm));
	json_object_object_add(r, "phase", json_object_new_string(plan_phase_name(s->phase)));
	json_object_object_add(r, "agreement",
	                       json_object_new_string(agreement_name(f->agreement)));
	json_object_object_add(r, "target", json_object_new_int64(f->target));
	json_object_object_add(r, "observed",
	                       f->agreement == AGREE_FAILED ? NULL
	                                                    : json_object_new_int64(f->observed));
	if (f->limit >= 0)
		json_object_object_add(r, "limit", json_object_new_int64(f->limit));
	return r;
}

static bool reason_seen(struct json_object *reasons, const char *gate, const char *arm)
{
	for (size_t i = 0; i < json_object_array_length(reasons); i++) {
		struct json_object *r = json_object_array_get_idx(reasons, i), *g, *a;
		if (json_object_object_get_ex(r, "gate", &g) &&
		    json_object_object_get_ex(r, "arm", &a) &&
		    strcmp(json_object_get_string(g), gate) == 0 &&
		    strcmp(json_object_get_string(a), arm) == 0)
			return true;
	}
	return false;
}

/* The sentence's phrase for one layer. A kernel layer that failed because counting failed says
 * why (cause) rather than "nothing observed": the workload may well have done its part. */
static char *reason_phrase(const char *gate, const struct layer_fidelity *f, const char *cause)
{
	char *p = NULL;
	if (!cause)
		return layer_phrase(gate, f);
	if (asprintf(&p, "%s failed: %s (target %lld)", gate, cause, (long long)f->target) < 0)
		return NULL;
	return p;
}

/* Adds one reason per (layer, arm) whose agreement is in the wanted class; returns the first
 * phrase found (caller frees) for the sentence. */
static char *fidelity_reasons(const struct sample *const *ss, size_t n, bool want_broken,
                              struct json_object *reasons)
{
	char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct sample *s = ss[i];
		const struct layer_fidelity *layers[2] = {&s->kernel, &s->span};
		static const char *const gates[2] = {"kernel_events", "span_events"};
		for (int l = 0; l < 2; l++) {
			enum agreement a = layers[l]->agreement;
			bool broken = a == AGREE_DRIFT || a == AGREE_FAILED;
			if (!(want_broken ? broken : a == AGREE_CLIPPED))
				continue;
			if (reason_seen(reasons, gates[l], s->arm))
				continue;
			const char *cause = l == 0 && a == AGREE_FAILED ? s->count_failed : NULL;
			struct json_object *r = layer_reason(gates[l], s, layers[l]);
			if (cause)
				json_object_object_add(r, "detail", json_object_new_string(cause));
			json_object_array_add(reasons, r);
			if (!first) {
				char *p = reason_phrase(gates[l], layers[l], cause);
				if (asprintf(&first, "%s in arm %s", p, s->arm) < 0)
					first = NULL;
				free(p);
			}
		}
	}
	return first;
}

static struct json_object *arm_reason(const char *gate, const char *arm)
{
	struct json_object *r = json_object_new_object();
	json_object_object_add(r, "gate", json_object_new_string(gate));
	json_object_object_add(r, "arm", json_object_new_string(arm));
	return r;
}

/* p99/median of the valid measured wall times of one arm, for the opt-in tail gate: the same
 * statistic summary.json reports. 0 when it is undefined (fewer than 2 samples, median 0). */
static double tail_ratio(const struct cell_samples *cs, const char *arm)
{
	double *v = calloc(cs->n_meas + 1, sizeof(*v));
	if (!v)
		abort();
	size_t n = 0;
	for (size_t i = 0; i < cs->n_meas; i++)
		if (cs->meas[i]->valid && strcmp(cs->meas[i]->arm, arm) == 0)
			v[n++] = (double)cs->meas[i]->wall_ns;
	struct stats_describe d;
	double ratio =
	    n >= 2 && stats_describe(v, n, &d) == 0 && isfinite(d.tail_ratio) ? d.tail_ratio : 0;
	free(v);
	return ratio;
}

/* The health and sample-count gates for one cell; returns the verdict they give (or healthy). */
static enum cell_verdict timing_gates(const struct matrix *m, const struct matrix_cell *c,
                                      const struct cell_samples *cs, struct json_object *reasons,
                                      struct strbuf *why)
{
	const struct matrix_gates *g = &m->gates;
	enum cell_verdict v = VERDICT_HEALTHY;
	for (size_t i = 0; i < cs->n_calib; i++) {
		const struct sample *s = cs->calib[i];
		if (!s->health_ok && !reason_seen(reasons, "calibration_health", s->arm)) {
			struct json_object *r = arm_reason("calibration_health", s->arm);
			json_object_object_add(r, "detail",
			                       json_object_new_string(s->health_reason));
			json_object_array_add(reasons, r);
			if (v == VERDICT_HEALTHY)
				strbuf_addf(why, "calibration dispatch of arm %s unhealthy: %s",
				            s->arm, s->health_reason);
			v = VERDICT_UNHEALTHY;
		}
	}
	for (size_t k = 0; k < c->n_compare; k++) {
		const char *arm = m->arms[c->compare[k]].name;
		int64_t discarded = 0;
		const char *first = NULL;
		for (size_t i = 0; i < cs->n_meas; i++) {
			if (strcmp(cs->meas[i]->arm, arm) != 0 || cs->meas[i]->valid)
				continue;
			if (!first)
				first = cs->meas[i]->discard_reason;
			discarded++;
		}
		if (discarded > g->max_discarded) {
			/* counts are left out: they may differ between healthy machines, and the
			 * verdict file must not */
			struct json_object *r = arm_reason("max_discarded", arm);
			json_object_object_add(r, "max", json_object_new_int64(g->max_discarded));
			json_object_object_add(r, "first_discard", json_object_new_string(first));
			json_object_array_add(reasons, r);
			if (v == VERDICT_HEALTHY)
				strbuf_addf(
				    why,
				    "arm %s discarded more measured samples than max_discarded "
				    "%lld (first: %s)",
				    arm, (long long)g->max_discarded, first);
			v = VERDICT_UNHEALTHY;
		}
		if (g->tail_in_verdicts) {
			double ratio = tail_ratio(cs, arm);
			if (ratio >= g->tail_fail) {
				struct json_object *r = arm_reason("tail_ratio", arm);
				json_object_object_add(r, "fail",
				                       json_object_new_double(g->tail_fail));
				json_object_array_add(reasons, r);
				if (v == VERDICT_HEALTHY)
					strbuf_addf(
					    why, "arm %s p99/median %.2f in the fail band (>= %g)",
					    arm, ratio, g->tail_fail);
				v = VERDICT_UNHEALTHY;
			}
		}
	}
	if (v != VERDICT_HEALTHY)
		return v;
	if (cs->n_warm > 0 && g->warmups != WARMUPS_IGNORE) {
		size_t failed = 0;
		for (size_t i = 0; i < cs->n_warm; i++)
			failed += !cs->warm[i]->valid;
		bool bad = g->warmups == WARMUPS_ANY_PASS ? failed == cs->n_warm : failed > 0;
		if (bad) {
			struct json_object *r = json_object_new_object();
			json_object_object_add(r, "gate", json_object_new_string("warmups"));
			json_object_array_add(reasons, r);
			strbuf_addf(why, "%s warm-ups failed",
			            g->warmups == WARMUPS_ANY_PASS ? "all" : "some");
			return VERDICT_INCONCLUSIVE;
		}
	}
	for (size_t k = 0; k < c->n_compare; k++) {
		const char *arm = m->arms[c->compare[k]].name;
		size_t valid = 0;
		for (size_t i = 0; i < cs->n_meas; i++)
			valid += cs->meas[i]->valid && strcmp(cs->meas[i]->arm, arm) == 0;
		if (valid < 2) {
			struct json_object *r = arm_reason("valid_samples", arm);
			json_object_object_add(r, "min", json_object_new_int(2));
			json_object_array_add(reasons, r);
			if (v == VERDICT_HEALTHY)
				strbuf_addf(why, "fewer than 2 valid measured samples in arm %s",
				            arm);
			v = VERDICT_INCONCLUSIVE;
		}
	}
	return v;
}

static void judge_cell(const struct matrix *m, const struct matrix_cell *c,
                       const struct sample_groups *groups, struct cell_verdict_result *out)
{
	struct cell_samples cs = {0};
	const struct sample *const *mine;
	size_t n = sample_groups_find(groups, c->name, &mine);
	collect(mine, n, &cs);
	out->cell = c;
	out->reasons = json_object_new_array();
	out->skipped = calibration_blocks_timing(&m->gates, cs.calib, cs.n_calib) && cs.n_meas == 0;
	struct strbuf why;
	strbuf_init(&why);

	/* fidelity is judged on calibration when it ran, else on every timed dispatch */
	const struct sample **src = cs.calib;
	size_t n_src = cs.n_calib;
	const struct sample **all = NULL;
	if (n_src == 0) {
		all = calloc(cs.n_warm + cs.n_meas + 1, sizeof(*all));
		if (!all)
			abort();
		memcpy(all, cs.warm, cs.n_warm * sizeof(*all));
		memcpy(all + cs.n_warm, cs.meas, cs.n_meas * sizeof(*all));
		src = all;
		n_src = cs.n_warm + cs.n_meas;
	}
	char *phrase = fidelity_reasons(src, n_src, true, out->reasons);
	if (phrase) {
		out->verdict = VERDICT_UNCALIBRATED;
	} else if ((phrase = fidelity_reasons(src, n_src, false, out->reasons))) {
		out->verdict = VERDICT_LOSSY;
	} else {
		out->verdict = timing_gates(m, c, &cs, out->reasons, &why);
	}
	if (phrase)
		strbuf_addstr(&why, phrase);
	free(phrase);
	free(all);

	struct strbuf s;
	strbuf_init(&s);
	strbuf_addf(&s, "%s: ", cell_verdict_name(out->verdict));
	if (out->verdict == VERDICT_HEALTHY)
		strbuf_addstr(&s, cs.n_calib ? "calibrated, every gate passed"
		                             : "every gate passed (no pre-flight calibration)");
	else
		strbuf_addstr(&s, why.buf);
	if (out->skipped)
		strbuf_addstr(&s, "; timing skipped (on_fail: skip-cell)");
	out->sentence = strbuf_detach(&s);
	strbuf_release(&why);
	out->expect_met = c->expect ? strcmp(c->expect, cell_verdict_name(out->verdict)) == 0 : -1;
	cell_samples_release(&cs);
}

static char *boundary_statement(const struct verdict_set *v)
{
	struct strbuf sb;
	strbuf_init(&sb);
	size_t i = 0;
	while (i < v->n_cells && v->cells[i].verdict == VERDICT_HEALTHY)
		i++;
	if (i == v->n_cells) {
		strbuf_addf(&sb, "all %zu cells healthy", v->n_cells);
		return strbuf_detach(&sb);
	}
	if (i > 0)
		strbuf_addf(&sb, "healthy through %s; ", v->cells[i - 1].cell->name);
	const char *sentence = v->cells[i].sentence;
	const char *colon = strchr(sentence, ':');
	strbuf_addf(&sb, "first non-healthy cell: %s (%s:%s)", v->cells[i].cell->name,
	            cell_verdict_name(v->cells[i].verdict), colon ? colon + 1 : "");
	return strbuf_detach(&sb);
}

int verdicts_compute(const struct matrix *m, const size_t *cells, size_t n_cells,
                     const struct sample *samples, size_t n_samples, struct verdict_set *out)
{
	out->cells = calloc(n_cells ? n_cells : 1, sizeof(*out->cells));
	if (!out->cells)
		return -1;
	out->n_cells = n_cells;
	struct sample_groups groups;
	sample_groups_init(&groups, samples, n_samples);
	for (size_t i = 0; i < n_cells; i++)
		judge_cell(m, &m->cells[cells[i]], &groups, &out->cells[i]);
	sample_groups_release(&groups);
	out->boundary = boundary_statement(out);
	return 0;
}

void verdict_set_release(struct verdict_set *v)
{
	for (size_t i = 0; i < v->n_cells; i++) {
		json_object_put(v->cells[i].reasons);
		free(v->cells[i].sentence);
	}
	free(v->cells);
	free(v->boundary);
	memset(v, 0, sizeof(*v));
}

static struct json_object *targets_json(const struct matrix_cell *c)
{
	struct json_object *t = json_object_new_object();
	json_object_object_add(t, "kernel_events", json_object_new_int64(c->kernel_events.value));
	json_object_object_add(t, "span_events", json_object_new_int64(c->span_events.value));
	json_object_object_add(t, "span_event_limit", json_object_new_int64(c->span_event_limit));
	json_object_object_add(t, "concurrency", json_object_new_int64(c->concurrency.value));
	json_object_object_add(t, "payload_bytes", json_object_new_int64(c->payload_bytes.value));
	return t;
}

struct json_object *verdicts_to_json(const struct matrix *m, const struct verdict_set *v)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.verdicts.v1"));
	json_object_object_add(o, "matrix", json_object_new_string(m->name));
	struct json_object *cells = json_object_new_array();
	int counts[VERDICT_HEALTHY + 1] = {0};
	for (size_t i = 0; i < v->n_cells; i++) {
		const struct cell_verdict_result *r = &v->cells[i];
		counts[r->verdict]++;
		struct json_object *c = json_object_new_object();
		json_object_object_add(c, "cell", json_object_new_string(r->cell->name));
		json_object_object_add(c, "verdict",
		                       json_object_new_string(cell_verdict_name(r->verdict)));
		json_object_object_add(c, "skipped", json_object_new_boolean(r->skipped));
		json_object_object_add(c, "targets", targets_json(r->cell));
		json_object_object_add(c, "reasons", json_object_get(r->reasons));
		json_object_object_add(c, "sentence", json_object_new_string(r->sentence));
		json_object_object_add(
		    c, "expect", r->cell->expect ? json_object_new_string(r->cell->expect) : NULL);
		json_object_object_add(c, "expect_met",
		                       r->expect_met < 0 ? NULL
		                                         : json_object_new_boolean(r->expect_met));
		json_object_array_add(cells, c);
	}
	json_object_object_add(o, "cells", cells);
	struct json_object *cnt = json_object_new_object();
	for (int k = 0; k <= VERDICT_HEALTHY; k++)
		json_object_object_add(cnt, cell_verdict_name((enum cell_verdict)k),
		                       json_object_new_int(counts[k]));
	json_object_object_add(o, "counts", cnt);
	json_object_object_add(o, "boundary", json_object_new_string(v->boundary));
	return o;
}
