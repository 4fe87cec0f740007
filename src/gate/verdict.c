/* Cell verdicts (uncalibrated › lossy › unhealthy › inconclusive › healthy) and the boundary. */
#include "gate/verdict.h"

#include "gate/dispatch_gate.h"
#include "stats/describe.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cell_verdict_name(enum cell_verdict v)
{
	static const char *const names[] = {"uncalibrated", "lossy", "unhealthy", "inconclusive",
	                                    "healthy"};
	return names[v];
}

const char *verdict_gate_name(enum verdict_gate g)
{
	static const char *const names[] = {"kernel_events", "span_events", "calibration_health",
	                                    "max_discarded", "tail_ratio",  "warmups",
	                                    "valid_samples"};
	return names[g];
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
	cs->calib = xcalloc(n + 1, sizeof(*cs->calib));
	cs->warm = xcalloc(n + 1, sizeof(*cs->warm));
	cs->meas = xcalloc(n + 1, sizeof(*cs->meas));
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

/* A cell's reasons as they are found: an array that grows. */
struct reason_list {
	struct verdict_reason *items;
	size_t n, cap;
};

/* A new zeroed reason at the end of the list, for the caller to fill. */
static struct verdict_reason *reason_add(struct reason_list *l, enum verdict_gate gate,
                                         const char *arm)
{
	l->items = xgrow(l->items, &l->cap, l->n + 1, sizeof(*l->items));
	struct verdict_reason *r = &l->items[l->n++];
	memset(r, 0, sizeof(*r));
	r->gate = gate;
	r->arm = arm ? xstrdup(arm) : NULL;
	return r;
}

/* One reason per (gate, arm): the first dispatch that shows a problem speaks for its arm. */
static bool reason_seen(const struct reason_list *l, enum verdict_gate gate, const char *arm)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].gate == gate && l->items[i].arm &&
		    strcmp(l->items[i].arm, arm) == 0)
			return true;
	return false;
}

/* The sentence's phrase for one layer. A kernel layer that failed because counting failed, or an
 * otlp arm's span layer the receiver can explain, says why (cause) rather than "nothing observed":
 * the workload may well have done its part. */
static char *reason_phrase(const char *gate, const struct layer_fidelity *f, const char *cause)
{
	if (!cause)
		return layer_phrase(gate, f);
	return xasprintf("%s %s: %s (target %lld)", gate, agreement_name(f->agreement), cause,
	                 (long long)f->target);
}

static void reason_release(struct verdict_reason *r)
{
	free(r->arm);
	free(r->detail);
}

/* Adds one reason per (layer, arm) whose agreement is in the wanted class; returns the first
 * phrase found (caller frees) for the sentence. */
static char *fidelity_reasons(const struct sample *const *ss, size_t n, bool want_broken,
                              struct reason_list *reasons)
{
	char *first = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct sample *s = ss[i];
		const struct layer_fidelity *layers[2] = {&s->kernel, &s->span};
		static const enum verdict_gate gates[2] = {REASON_KERNEL_EVENTS,
		                                           REASON_SPAN_EVENTS};
		for (int l = 0; l < 2; l++) {
			enum agreement a = layers[l]->agreement;
			bool broken = a == AGREE_DRIFT || a == AGREE_FAILED;
			if (!(want_broken ? broken : a == AGREE_CLIPPED))
				continue;
			if (reason_seen(reasons, gates[l], s->arm))
				continue;
			char *cause = l == 0 ? (a == AGREE_FAILED && s->count_failed
			                            ? xstrdup(s->count_failed)
			                            : NULL)
			                     : otlp_span_cause(s);
			struct verdict_reason *r = reason_add(reasons, gates[l], s->arm);
			r->phase = s->phase;
			r->layer = *layers[l];
			r->detail = cause;
			if (!first) {
				char *p =
				    reason_phrase(verdict_gate_name(gates[l]), layers[l], cause);
				first = xasprintf("%s in arm %s", p, s->arm);
				free(p);
			}
		}
	}
	return first;
}

/* p99/median of the valid measured wall times of one arm, for the opt-in tail gate: the same
 * statistic summary.json reports. 0 when it is undefined (fewer than 2 samples, median 0). */
static double tail_ratio(const struct cell_samples *cs, const char *arm)
{
	double *v = xcalloc(cs->n_meas + 1, sizeof(*v));
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
                                      const struct cell_samples *cs, struct reason_list *reasons,
                                      struct strbuf *why)
{
	const struct matrix_gates *g = &m->gates;
	enum cell_verdict v = VERDICT_HEALTHY;
	for (size_t i = 0; i < cs->n_calib; i++) {
		const struct sample *s = cs->calib[i];
		if (!s->health_ok && !reason_seen(reasons, REASON_CALIBRATION_HEALTH, s->arm)) {
			struct verdict_reason *r =
			    reason_add(reasons, REASON_CALIBRATION_HEALTH, s->arm);
			r->detail = s->health_reason ? xstrdup(s->health_reason) : NULL;
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
			struct verdict_reason *r = reason_add(reasons, REASON_MAX_DISCARDED, arm);
			r->bound = g->max_discarded;
			r->detail = first ? xstrdup(first) : NULL;
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
				reason_add(reasons, REASON_TAIL_RATIO, arm)->tail_fail =
				    g->tail_fail;
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
			reason_add(reasons, REASON_WARMUPS, NULL);
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
			reason_add(reasons, REASON_VALID_SAMPLES, arm)->bound = 2;
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
	struct reason_list reasons = {0};
	out->skipped = calibration_blocks_timing(&m->gates, cs.calib, cs.n_calib) && cs.n_meas == 0;
	struct strbuf why;
	strbuf_init(&why);

	/* fidelity is judged on calibration when it ran, else on every timed dispatch */
	const struct sample **src = cs.calib;
	size_t n_src = cs.n_calib;
	const struct sample **all = NULL;
	if (n_src == 0) {
		all = xcalloc(cs.n_warm + cs.n_meas + 1, sizeof(*all));
		memcpy(all, cs.warm, cs.n_warm * sizeof(*all));
		memcpy(all + cs.n_warm, cs.meas, cs.n_meas * sizeof(*all));
		src = all;
		n_src = cs.n_warm + cs.n_meas;
	}
	char *phrase = fidelity_reasons(src, n_src, true, &reasons);
	if (phrase) {
		out->verdict = VERDICT_UNCALIBRATED;
	} else if ((phrase = fidelity_reasons(src, n_src, false, &reasons))) {
		out->verdict = VERDICT_LOSSY;
	} else {
		out->verdict = timing_gates(m, c, &cs, &reasons, &why);
	}
	if (phrase)
		strbuf_addstr(&why, phrase);
	free(phrase);
	free(all);
	out->reasons = reasons.items;
	out->n_reasons = reasons.n;

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
	out->cells = xcalloc(n_cells ? n_cells : 1, sizeof(*out->cells));
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
		for (size_t k = 0; k < v->cells[i].n_reasons; k++)
			reason_release(&v->cells[i].reasons[k]);
		free(v->cells[i].reasons);
		free(v->cells[i].sentence);
	}
	free(v->cells);
	free(v->boundary);
	memset(v, 0, sizeof(*v));
}
