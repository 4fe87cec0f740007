/* The forest plot: per row an estimate and its interval on one axis through zero, with the
 * minimum detectable effect shaded around zero where it is known. */
#include "report/plot.h"

#include "report/svg.h"

#include <math.h>
#include <stdio.h>

#define LABEL_RIGHT 200.0
#define FRAME_LEFT  212.0
#define NOTE_WIDTH  262.0
#define ROW_H       38.0
#define TOP         8.0
#define BOTTOM      46.0

/* The data interval the axis must show: every finite estimate, interval end and ±mde, and zero,
 * the reference every row is read against. */
static void forest_extent(const struct plot_forest_row *rows, size_t n, double *lo, double *hi)
{
	*lo = 0.0;
	*hi = 0.0;
	for (size_t i = 0; i < n; i++) {
		const struct plot_forest_row *r = &rows[i];
		double v[] = {r->est, r->lo, r->hi, r->mde, -r->mde};
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
			if (!isfinite(v[k]))
				continue;
			*lo = v[k] < *lo ? v[k] : *lo;
			*hi = v[k] > *hi ? v[k] : *hi;
		}
	}
}

static void forest_row(struct strbuf *out, const struct plot_forest_row *r, double yc,
                       const struct svg_frame *f, const struct svg_scale *s)
{
	svg_row_label(out, LABEL_RIGHT, yc, r->label, r->detail);
	if (r->note)
		svg_text_fit(out, f->x + f->w + 12.0, yc + 4.0, "start", "note", r->note, 40);
	if (isfinite(r->mde) && r->mde > 0.0) {
		double x0 = svg_scale_map(s, -r->mde), x1 = svg_scale_map(s, r->mde);
		svg_rect(out, x0, yc - ROW_H / 2.0 + 3.0, x1 - x0, ROW_H - 6.0, "mde");
	}
	if (!isfinite(r->est))
		return;
	const char *status = r->status ? r->status : "none";
	char cls[64];
	if (isfinite(r->lo) && isfinite(r->hi)) {
		double x0 = svg_scale_map(s, r->lo), x1 = svg_scale_map(s, r->hi);
		snprintf(cls, sizeof(cls), "ci %s", status);
		svg_line(out, x0, yc, x1, yc, cls);
		svg_line(out, x0, yc - 5.0, x0, yc + 5.0, cls);
		svg_line(out, x1, yc - 5.0, x1, yc + 5.0, cls);
	}
	snprintf(cls, sizeof(cls), "est %s", status);
	svg_circle(out, svg_scale_map(s, r->est), yc, 5.0, cls, r->note);
}

double plot_forest(struct strbuf *out, const char *id, const char *title, const char *axis_label,
                   const struct plot_forest_row *rows, size_t n)
{
	size_t n_rows = n ? n : 1;
	double height = TOP + ROW_H * (double)n_rows + BOTTOM;
	struct svg_frame f = {FRAME_LEFT, TOP, PLOT_WIDTH - NOTE_WIDTH - FRAME_LEFT,
	                      ROW_H * (double)n_rows};
	double lo, hi;
	forest_extent(rows, n, &lo, &hi);
	struct svg_ticks t;
	svg_nice_ticks(lo, hi, 6, &t);
	struct svg_scale s = {t.lo, t.hi, f.x, f.x + f.w};

	svg_begin(out, id, PLOT_WIDTH, height, title);
	svg_axis_x(out, &f, &s, &t, axis_label);
	svg_line(out, svg_scale_map(&s, 0.0), f.y, svg_scale_map(&s, 0.0), f.y + f.h, "zero");
	if (n == 0)
		svg_text(out, f.x + f.w / 2.0, f.y + ROW_H / 2.0 + 4.0, "middle", "empty",
		         "no compared pairs");
	for (size_t i = 0; i < n; i++)
		forest_row(out, &rows[i], f.y + ROW_H * ((double)i + 0.5), &f, &s);
	svg_end(out);
	return height;
}
