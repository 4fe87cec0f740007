/* summary.json's `factorial` block: capture and span export as two factors of one paired round,
 * their main effects, their interaction, and whether the costs add up. */
#include "report/summary_parts.h"

#include "stats/factorial.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The compared arm with this capture and spans setting, or -1. */
static long find_arm(const struct matrix *m, const struct matrix_cell *c, enum arm_capture cap,
                     bool spans)
{
	for (size_t k = 0; k < c->n_compare; k++) {
		const struct matrix_arm *a = &m->arms[c->compare[k]];
		if (a->capture == cap && a->spans == spans)
			return (long)c->compare[k];
	}
	return -1;
}

static struct json_object *contrast_json(const struct stats_contrast *x)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "hl_ms", json_number_or_null(x->hl.estimate));
	json_object_object_add(o, "ci_ms", json_interval(x->hl.lo, x->hl.hi));
	json_object_object_add(o, "conf_achieved", json_number_or_null(x->hl.conf_achieved));
	json_object_object_add(o, "p_value", json_number_or_null(x->test.p_value));
	json_object_object_add(o, "min_detectable_ms", json_number_or_null(x->min_detectable));
	json_object_object_add(o, "verdict",
	                       json_object_new_string(stats_delta_verdict_name(x->verdict)));
	return o;
}

/* "+0.512 ms [0.401, 0.633]" */
static void estimate_text(char *buf, size_t size, const struct stats_contrast *x)
{
	char est[64], lo[64], hi[64];
	format_signed(est, sizeof(est), x->hl.estimate, 3, true);
	format_signed(lo, sizeof(lo), x->hl.lo, 3, false);
	format_signed(hi, sizeof(hi), x->hl.hi, 3, false);
	snprintf(buf, size, "%s ms [%s, %s]", est, lo, hi);
}

static void factorial_sentence(char *buf, size_t size, const struct stats_factorial *f)
{
	char ca[256], sp[256], ia[256];
	estimate_text(ca, sizeof(ca), &f->main_a);
	estimate_text(sp, sizeof(sp), &f->main_b);
	estimate_text(ia, sizeof(ia), &f->interaction);
	if (f->n == 0) {
		snprintf(buf, size, "inconclusive: no round has all four arms valid");
		return;
	}
	const struct stats_contrast *x = &f->interaction;
	char tail[320];
	if (!f->additive_known) {
		snprintf(tail, sizeof(tail),
		         "inconclusive: too few rounds (%.1f%% interval: %zu rounds cannot reach "
		         "%g%%)",
		         x->hl.conf_achieved * 100.0, f->n, x->hl.conf * 100.0);
	} else if (f->additive) {
		char mde[64];
		format_signed(mde, sizeof(mde), x->min_detectable, 3, false);
		snprintf(
		    tail, sizeof(tail),
		    "no detectable interaction: the costs add up to within %s ms (the smallest "
		    "interaction %zu rounds detect with 80%% power)",
		    mde, f->n);
	} else {
		snprintf(tail, sizeof(tail),
		         "the costs do not add up: together they cost %s than "
		         "the sum of their separate costs",
		         x->verdict == DELTA_HIGHER ? "more" : "less");
	}
	snprintf(buf, size, "capture %s; spans %s; interaction %s: %s", ca, sp, ia, tail);
}

struct json_object *summary_factorial_json(const struct matrix *m, const struct matrix_cell *c,
                                           const struct sample *const *cs, size_t n_cs)
{
	long arm[4] = {
	    find_arm(m, c, ARM_CAPTURE_NONE, false),
	    find_arm(m, c, ARM_CAPTURE_EBPF, false),
	    find_arm(m, c, ARM_CAPTURE_NONE, true),
	    find_arm(m, c, ARM_CAPTURE_EBPF, true),
	};
	for (int i = 0; i < 4; i++)
		if (arm[i] < 0)
			return NULL;
	size_t reps = c->repetitions > 0 ? (size_t)c->repetitions : 0;
	double *w[4], *y[4];
	for (int i = 0; i < 4; i++) {
		w[i] = xcalloc(reps + 1, sizeof(double));
		y[i] = xcalloc(reps + 1, sizeof(double));
		summary_round_walls(cs, n_cs, m->arms[arm[i]].name, c->repetitions, w[i]);
	}
	/* a round counts only when all four arms gave a valid sample in it: the contrasts are
	 * per-round, so the round's shared drift cancels in each */
	size_t n = 0;
	for (size_t r = 0; r < reps; r++) {
		if (!isfinite(w[0][r]) || !isfinite(w[1][r]) || !isfinite(w[2][r]) ||
		    !isfinite(w[3][r]))
			continue;
		for (int i = 0; i < 4; i++)
			y[i][n] = w[i][r];
		n++;
	}
	struct stats_factorial f;
	struct json_object *o = NULL;
	if (stats_factorial_2x2(y[0], y[1], y[2], y[3], n, SUMMARY_CONF, &f) == 0) {
		o = json_object_new_object();
		struct json_object *names = json_object_new_object();
		static const char *const roles[] = {"bare", "capture", "spans", "both"};
		for (int i = 0; i < 4; i++)
			json_object_object_add(names, roles[i],
			                       json_object_new_string(m->arms[arm[i]].name));
		json_object_object_add(o, "arms", names);
		json_object_object_add(o, "n", json_object_new_int64((int64_t)n));
		json_object_object_add(o, "capture", contrast_json(&f.main_a));
		json_object_object_add(o, "spans", contrast_json(&f.main_b));
		json_object_object_add(o, "interaction", contrast_json(&f.interaction));
		json_object_object_add(
		    o, "additive", f.additive_known ? json_object_new_boolean(f.additive) : NULL);
		char sentence[1280];
		factorial_sentence(sentence, sizeof(sentence), &f);
		json_object_object_add(o, "sentence", json_object_new_string(sentence));
	}
	for (int i = 0; i < 4; i++) {
		free(w[i]);
		free(y[i]);
	}
	return o;
}
