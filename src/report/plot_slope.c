/* The slope plot: the paired delta of each cell against one varied axis, with the fitted line
 * and the band its slope interval allows. */
#include "report/plot.h"

#include "report/svg.h"
#include "stats/describe.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define LEFT   90.0
#define RIGHT  40.0
#define TOP    14.0
#define BOTTOM 50.0
#define HEIGHT 320.0

/* The median of the finite values of one coordinate of the points. */
static double median_of(const struct plot_slope_point *p, size_t n, int want_x)
{
	double *v = xcalloc(n + 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(p[i].x) && isfinite(p[i].y))
			v[k++] = want_x ? p[i].x : p[i].y;
	double m = NAN;
	stats_median(v, k, &m);
	free(v);
	return m;
}

static void draw_fit(struct strbuf *out, const char *id, const struct svg_frame *f,
                     const struct svg_scale *sx, const struct svg_scale *sy,
                     const struct plot_slope_fit *fit, double x0, double y0)
{
	double xa = sx->d0, xb = sx->d1;
	double px[4] = {svg_scale_map(sx, xa), svg_scale_map(sx, xb), svg_scale_map(sx, xb),
	                svg_scale_map(sx, xa)};
	strbuf_addstr(out, "<clipPath id=\"");
	svg_escape(out, id);
	strbuf_addf(out,
	            "-clip\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
	            "</clipPath>\n<g clip-path=\"url(#",
	            f->x, f->y, f->w, f->h);
	svg_escape(out, id);
	strbuf_addstr(out, "-clip)\">\n");
	if (isfinite(fit->lo) && isfinite(fit->hi)) {
		/* both interval slopes through the pivot: a bow tie, narrowest at the median cell
		 */
		double py[4] = {svg_scale_map(sy, y0 + fit->lo * (xa - x0)),
		                svg_scale_map(sy, y0 + fit->lo * (xb - x0)),
		                svg_scale_map(sy, y0 + fit->hi * (xb - x0)),
		                svg_scale_map(sy, y0 + fit->hi * (xa - x0))};
		svg_polygon(out, px, py, 4, "band");
	}
	svg_line(out, px[0], svg_scale_map(sy, y0 + fit->slope * (xa - x0)), px[1],
	         svg_scale_map(sy, y0 + fit->slope * (xb - x0)), "fit");
	strbuf_addstr(out, "</g>\n");
}

double plot_slope(struct strbuf *out, const char *id, const char *title, const char *x_label,
                  const char *y_label, const struct plot_slope_point *points, size_t n,
                  const struct plot_slope_fit *fit)
{
	struct svg_frame f = {LEFT, TOP, PLOT_WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM};
	double xlo = NAN, xhi = NAN, ylo = 0.0, yhi = 0.0;
	size_t nx = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(points[i].x) || !isfinite(points[i].y))
			continue;
		xlo = nx == 0 || points[i].x < xlo ? points[i].x : xlo;
		xhi = nx == 0 || points[i].x > xhi ? points[i].x : xhi;
		nx++;
		double v[] = {points[i].y, points[i].lo, points[i].hi};
		for (size_t k = 0; k < 3; k++) {
			if (!isfinite(v[k]))
				continue;
			ylo = v[k] < ylo ? v[k] : ylo;
			yhi = v[k] > yhi ? v[k] : yhi;
		}
	}
	struct svg_ticks tx, ty;
	svg_nice_ticks(nx ? xlo : 0.0, nx ? xhi : 1.0, 6, &tx);
	double x0 = median_of(points, n, 1), y0 = median_of(points, n, 0);
	bool has_fit = fit && isfinite(fit->slope) && isfinite(x0) && isfinite(y0);
	if (has_fit) {
		/* the fitted line shows in full; its band may leave the frame (it is clipped) */
		double ends[] = {y0 + fit->slope * (tx.lo - x0), y0 + fit->slope * (tx.hi - x0)};
		for (size_t k = 0; k < 2; k++) {
			ylo = ends[k] < ylo ? ends[k] : ylo;
			yhi = ends[k] > yhi ? ends[k] : yhi;
		}
	}
	svg_nice_ticks(ylo, yhi, 6, &ty);
	struct svg_scale sx = {tx.lo, tx.hi, f.x, f.x + f.w};
	struct svg_scale sy = {ty.lo, ty.hi, f.y + f.h, f.y};

	svg_begin(out, id, PLOT_WIDTH, HEIGHT, title);
	svg_axis_x(out, &f, &sx, &tx, x_label);
	svg_axis_y(out, &f, &sy, &ty, y_label);
	svg_line(out, f.x, svg_scale_map(&sy, 0.0), f.x + f.w, svg_scale_map(&sy, 0.0), "zero");
	if (has_fit)
		draw_fit(out, id, &f, &sx, &sy, fit, x0, y0);
	if (nx == 0)
		svg_text(out, f.x + f.w / 2.0, f.y + f.h / 2.0, "middle", "empty",
		         "no cell with a measured delta");
	for (size_t i = 0; i < n; i++) {
		const struct plot_slope_point *p = &points[i];
		if (!isfinite(p->x) || !isfinite(p->y))
			continue;
		double x = svg_scale_map(&sx, p->x), y = svg_scale_map(&sy, p->y);
		if (isfinite(p->lo) && isfinite(p->hi))
			svg_line(out, x, svg_scale_map(&sy, p->lo), x, svg_scale_map(&sy, p->hi),
			         "ci none");
		char tip[160], num[64];
		svg_format_number(num, sizeof(num), p->y, 3);
		snprintf(tip, sizeof(tip), "%s: %s ms", p->label ? p->label : "", num);
		svg_circle(out, x, y, 5.0, "est none", tip);
		/* labels alternate above and below so that neighbours do not collide, and turn left
		 * near the right edge */
		bool right = x > f.x + f.w * 0.75;
		svg_text(out, right ? x - 8.0 : x + 8.0, y + (i % 2 ? 16.0 : -8.0),
		         right ? "end" : "start", "point", p->label);
	}
	svg_end(out);
	return HEIGHT;
}
