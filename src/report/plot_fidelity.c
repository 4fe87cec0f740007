/* The fidelity plot: what each layer observed in every dispatch, as a share of the cell's target,
 * so that an exact capture is a column of dots on the 100% line and a clip or a drift stands out.
 */
#include "report/plot.h"

#include "report/svg.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#define LABEL_RIGHT 200.0
#define FRAME_LEFT  212.0
#define NOTE_WIDTH  230.0
#define ROW_H       40.0
#define TOP         8.0
#define BOTTOM      46.0

/* Where a dispatch's observation sits, in % of the target; a failed layer observed nothing. */
static double obs_pct(const struct plot_fidelity_row *r, const struct layer_fidelity *o)
{
	if (o->agreement == AGREE_FAILED || r->target <= 0)
		return 0.0;
	return (double)o->observed / (double)r->target * 100.0;
}

static void fidelity_row(struct strbuf *out, const struct plot_fidelity_row *r, double yc,
                         const struct svg_frame *f, const struct svg_scale *s)
{
	svg_row_label(out, LABEL_RIGHT, yc, r->label, r->detail);
	if (r->note)
		svg_text_fit(out, f->x + f->w + 12.0, yc + 4.0, "start", "note", r->note, 34);
	if (r->limit >= 0 && r->target > 0) {
		double x = svg_scale_map(s, (double)r->limit / (double)r->target * 100.0);
		char lim[64];
		snprintf(lim, sizeof(lim), "limit %" PRId64, r->limit);
		svg_line(out, x, yc - ROW_H / 2.0 + 2.0, x, yc + ROW_H / 2.0 - 2.0, "limit");
		svg_text(out, x + 4.0, yc - ROW_H / 2.0 + 11.0, "start", "limit-label", lim);
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct layer_fidelity *o = &r->obs[i];
		char cls[32], tip[128];
		snprintf(cls, sizeof(cls), "fid %s", agreement_name(o->agreement));
		if (o->agreement == AGREE_FAILED)
			snprintf(tip, sizeof(tip), "nothing observed (failed)");
		else
			snprintf(tip, sizeof(tip), "observed %" PRId64 " of %" PRId64 " (%s)",
			         o->observed, r->target, agreement_name(o->agreement));
		svg_circle(out, svg_scale_map(s, obs_pct(r, o)), yc + 16.0 * svg_jitter(i), 4.0,
		           cls, tip);
	}
}

double plot_fidelity(struct strbuf *out, const char *id, const char *title,
                     const struct plot_fidelity_row *rows, size_t n)
{
	size_t n_rows = n ? n : 1;
	double height = TOP + ROW_H * (double)n_rows + BOTTOM;
	struct svg_frame f = {FRAME_LEFT, TOP, PLOT_WIDTH - NOTE_WIDTH - FRAME_LEFT,
	                      ROW_H * (double)n_rows};
	/* 0–110% at least, so that the target line never sits on the frame's edge */
	double hi = 110.0;
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < rows[i].n; k++) {
			double p = obs_pct(&rows[i], &rows[i].obs[k]);
			hi = isfinite(p) && p > hi ? p : hi;
		}
	}
	struct svg_ticks t;
	svg_nice_ticks(0.0, hi, 6, &t);
	struct svg_scale s = {t.lo, t.hi, f.x, f.x + f.w};

	svg_begin(out, id, PLOT_WIDTH, height, title);
	svg_axis_x(out, &f, &s, &t, "observed, % of the cell's target");
	svg_line(out, svg_scale_map(&s, 100.0), f.y, svg_scale_map(&s, 100.0), f.y + f.h, "target");
	if (n == 0)
		svg_text(out, f.x + f.w / 2.0, f.y + ROW_H / 2.0 + 4.0, "middle", "empty",
		         "no layer with a target in this run");
	for (size_t i = 0; i < n; i++)
		fidelity_row(out, &rows[i], f.y + ROW_H * ((double)i + 0.5), &f, &s);
	svg_end(out);
	return height;
}
