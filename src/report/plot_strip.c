/* The strip plot: every sample of a group as a dot, with its median and quartiles, so that a
 * reader sees the spread and the outliers a mean and a bar would hide. */
#include "report/plot.h"

#include "report/svg.h"
#include "stats/describe.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define LABEL_RIGHT 200.0
#define FRAME_LEFT  212.0
#define NOTE_WIDTH  190.0
#define ROW_H       46.0
#define TOP         8.0
#define BOTTOM      46.0

/* The finite values of a group, sorted; returns how many. */
static size_t sorted_finite(const struct plot_strip_group *g, double *buf)
{
	size_t k = 0;
	for (size_t i = 0; i < g->n; i++)
		if (isfinite(g->values[i]))
			buf[k++] = g->values[i];
	stats_sort(buf, k);
	return k;
}

static void strip_row(struct strbuf *out, const struct plot_strip_group *g, double yc,
                      const struct svg_frame *f, const struct svg_scale *s, const char *unit,
                      int decimals, double *buf)
{
	svg_row_label(out, LABEL_RIGHT, yc, g->label, g->detail);
	if (g->note)
		svg_text_fit(out, f->x + f->w + 12.0, yc + 4.0, "start", "note", g->note, 28);
	size_t k = sorted_finite(g, buf);
	if (k == 0) {
		svg_text(out, f->x + 8.0, yc + 4.0, "start", "empty", "no valid samples");
		return;
	}
	double q1 = stats_quantile_sorted(buf, k, 0.25), q3 = stats_quantile_sorted(buf, k, 0.75);
	double med = stats_quantile_sorted(buf, k, 0.5);
	double x1 = svg_scale_map(s, q1), x3 = svg_scale_map(s, q3), xm = svg_scale_map(s, med);
	svg_rect(out, x1, yc - 12.0, x3 - x1, 24.0, "box");
	svg_line(out, xm, yc - 15.0, xm, yc + 15.0, "median");
	char cls[16], tip[96], num[64];
	snprintf(cls, sizeof(cls), "dot s%zu", g->series % 8);
	/* dots in record order, each spread vertically by its own index */
	size_t j = 0;
	for (size_t i = 0; i < g->n; i++) {
		if (!isfinite(g->values[i]))
			continue;
		svg_format_number(num, sizeof(num), g->values[i], decimals);
		snprintf(tip, sizeof(tip), "%s %s", num, unit ? unit : "");
		svg_circle(out, svg_scale_map(s, g->values[i]), yc + 18.0 * svg_jitter(j++), 3.5,
		           cls, tip);
	}
}

double plot_strip(struct strbuf *out, const char *id, const char *title, const char *axis_label,
                  const char *unit, int decimals, bool from_zero,
                  const struct plot_strip_group *groups, size_t n)
{
	size_t n_rows = n ? n : 1, most = 1;
	double height = TOP + ROW_H * (double)n_rows + BOTTOM;
	struct svg_frame f = {FRAME_LEFT, TOP, PLOT_WIDTH - NOTE_WIDTH - FRAME_LEFT,
	                      ROW_H * (double)n_rows};
	double lo = NAN, hi = NAN;
	size_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		double glo, ghi;
		if (svg_extent(groups[i].values, NULL, NULL, groups[i].n, &glo, &ghi) == 0)
			continue;
		lo = seen == 0 || glo < lo ? glo : lo;
		hi = seen == 0 || ghi > hi ? ghi : hi;
		seen++;
		most = groups[i].n > most ? groups[i].n : most;
	}
	if (from_zero && seen)
		lo = lo > 0.0 ? 0.0 : lo;
	struct svg_ticks t;
	svg_nice_ticks(seen ? lo : 0.0, seen ? hi : 1.0, 6, &t);
	struct svg_scale s = {t.lo, t.hi, f.x, f.x + f.w};
	double *buf = xcalloc(most, sizeof(*buf));

	svg_begin(out, id, PLOT_WIDTH, height, title);
	svg_axis_x(out, &f, &s, &t, axis_label);
	if (n == 0)
		svg_text(out, f.x + f.w / 2.0, f.y + ROW_H / 2.0 + 4.0, "middle", "empty",
		         "no samples");
	for (size_t i = 0; i < n; i++)
		strip_row(out, &groups[i], f.y + ROW_H * ((double)i + 0.5), &f, &s, unit, decimals,
		          buf);
	svg_end(out);
	free(buf);
	return height;
}
