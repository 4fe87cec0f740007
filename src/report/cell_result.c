/* A finished cell's medians and paired deltas as lines for the terminal. */
#include "report/cell_result.h"

#include "report/summary_parts.h"
#include "stats/describe.h"
#include "stats/paired.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double arm_median(const struct sample *const *cs, size_t n_cs, const char *arm)
{
	double *wall = xcalloc(n_cs + 1, sizeof(*wall));
	size_t n = 0;
	for (size_t i = 0; i < n_cs; i++)
		if (cs[i]->phase == PHASE_MEASURE && cs[i]->valid && strcmp(cs[i]->arm, arm) == 0)
			wall[n++] = (double)cs[i]->wall_ns / 1e6;
	double med = NAN;
	if (n)
		stats_median(wall, n, &med);
	free(wall);
	return med;
}

/* Rounds where both arms have a valid measured sample, as summary.json pairs them. */
static void pair_of(const struct matrix_cell *c, const struct sample *const *cs, size_t n_cs,
                    const char *base, const char *cand, struct stats_paired *out)
{
	size_t reps = (size_t)c->repetitions;
	double *a = xcalloc(reps + 1, sizeof(*a)), *b = xcalloc(reps + 1, sizeof(*b));
	summary_round_walls(cs, n_cs, base, c->repetitions, a);
	summary_round_walls(cs, n_cs, cand, c->repetitions, b);
	size_t n = 0;
	for (size_t r = 0; r < reps; r++)
		if (isfinite(a[r]) && isfinite(b[r])) {
			a[n] = a[r];
			b[n] = b[r];
			n++;
		}
	stats_paired(a, b, n, SUMMARY_CONF, out);
	free(a);
	free(b);
}

/* "(+20%)", "(-2.0%)": a whole percent is enough once the overhead is ten percent or more. */
static void add_percent(struct strbuf *out, double pct)
{
	if (!isfinite(pct))
		return;
	char num[64];
	format_signed_ascii(num, sizeof(num), pct, fabs(pct) >= 10.0 ? 0 : 1, true);
	strbuf_addf(out, " (%s%%)", num);
}

static void add_pair(struct strbuf *out, const struct stats_paired *p, const char *base,
                     const char *cand, int decimals)
{
	if (p->n == 0 || isnan(p->hl.estimate)) {
		strbuf_addf(out, "%s vs %s: no pairs\n", cand, base);
		return;
	}
	char est[64], lo[64], hi[64];
	format_signed_ascii(est, sizeof(est), p->hl.estimate, decimals, true);
	format_signed_ascii(lo, sizeof(lo), p->hl.lo, decimals, true);
	format_signed_ascii(hi, sizeof(hi), p->hl.hi, decimals, true);
	strbuf_addf(out, "%s %s ms [%s, %s]", cand, est, lo, hi);
	add_percent(out, p->rel_pct);
	strbuf_addf(out, " vs %s", base);
	switch (stats_paired_verdict(p)) {
	case DELTA_NO_DIFFERENCE:
		strbuf_addstr(out, ": no detectable difference");
		/* never alone: how large a difference the design could have seen (issue 10) */
		if (isfinite(p->min_detectable)) {
			char mde[64];
			format_signed_ascii(mde, sizeof(mde), p->min_detectable, decimals, false);
			strbuf_addf(out, ", none larger than %s ms", mde);
			if (isfinite(p->min_detectable_pct)) {
				format_signed_ascii(mde, sizeof(mde), p->min_detectable_pct,
				                    p->min_detectable_pct >= 10.0 ? 0 : 1, false);
				strbuf_addf(out, " (%s%%)", mde);
			}
		}
		break;
	case DELTA_INCONCLUSIVE:
		strbuf_addf(out, ": inconclusive, %zu pairs cannot reach %g%%", p->n,
		            p->hl.conf * 100.0);
		break;
	case DELTA_HIGHER:
	case DELTA_LOWER:
		break;
	}
	strbuf_addch(out, '\n');
}

void cell_result_format(const struct matrix *m, const struct cell_verdict_result *v,
                        const struct sample *const *cs, size_t n_cs, struct strbuf *out)
{
	const struct matrix_cell *c = v->cell;
	if (v->skipped) {
		strbuf_addstr(out, "not measured (skipped: calibration not clean, on_fail: "
		                   "skip-cell)\n");
		return;
	}
	size_t n_pairs = c->n_compare > 1 ? c->n_compare - 1 : 0;
	struct stats_paired *pairs = xcalloc(n_pairs + 1, sizeof(*pairs));
	const char *base = m->arms[c->compare[0]].name;
	/* the medians take the first pair's rounding, so that they read against its delta */
	int decimals = 2;
	for (size_t k = 0; k < n_pairs; k++) {
		pair_of(c, cs, n_cs, base, m->arms[c->compare[k + 1]].name, &pairs[k]);
		if (k == 0 && pairs[k].n)
			decimals = decimals_for_interval(pairs[k].hl.lo, pairs[k].hl.hi);
	}
	strbuf_addstr(out, "medians:");
	for (size_t k = 0; k < c->n_compare; k++) {
		const char *arm = m->arms[c->compare[k]].name;
		double med = arm_median(cs, n_cs, arm);
		char num[64];
		if (isnan(med))
			snprintf(num, sizeof(num), "n/a");
		else
			snprintf(num, sizeof(num), "%.*f ms", decimals, med);
		strbuf_addf(out, "%s %s %s", k ? "," : "", arm, num);
	}
	strbuf_addch(out, '\n');
	for (size_t k = 0; k < n_pairs; k++) {
		const char *cand = m->arms[c->compare[k + 1]].name;
		int dec = pairs[k].n ? decimals_for_interval(pairs[k].hl.lo, pairs[k].hl.hi) : 2;
		add_pair(out, &pairs[k], base, cand, dec);
	}
	free(pairs);
}
