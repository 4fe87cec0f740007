/* The tail plot: the workload's latency percentiles per arm, the median over dispatches joined by
 * a line and their range as whiskers, so that a cost that only shows in the tail is seen. */
#include "report/plot.h"

#include "report/svg.h"

#include <math.h>
#include <stdio.h>

#define LEFT   90.0
#define RIGHT  40.0
#define TOP    14.0
#define BOTTOM 50.0
#define HEIGHT 300.0

const char *const plot_tail_names[PLOT_TAIL_POINTS] = {"p50",   "p90",    "p99",
                                                       "p99.9", "p99.99", "max"};

double plot_tail(struct strbuf *out, const char *id, const char *title,
                 const struct plot_tail_series *series, size_t n)
{
	struct svg_frame f = {LEFT, TOP, PLOT_WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM};
	double lo = 0.0, hi = NAN;
	size_t seen = 0;
	for (size_t i = 0; i < n; i++) {
		double a, b;
		if (svg_extent(series[i].median, series[i].lo, series[i].hi, PLOT_TAIL_POINTS, &a,
		               &b) == 0)
			continue;
		hi = seen == 0 || b > hi ? b : hi;
		seen++;
	}
	/* five-digit microseconds read badly: from 10 ms on, the axis is in ms */
	double div = seen && hi >= 10000.0 ? 1000.0 : 1.0;
	const char *unit = div > 1.0 ? "ms" : "µs";
	/* latency from zero: the height of a line is then the latency itself */
	struct svg_ticks ty;
	svg_nice_ticks(lo, seen ? hi / div : 1.0, 6, &ty);
	struct svg_scale sy = {ty.lo, ty.hi, f.y + f.h, f.y};
	double slot = f.w / PLOT_TAIL_POINTS;

	svg_begin(out, id, PLOT_WIDTH, HEIGHT, title);
	char ylabel[64];
	snprintf(ylabel, sizeof(ylabel), "latency per operation, %s", unit);
	svg_axis_y(out, &f, &sy, &ty, ylabel);
	svg_line(out, f.x, f.y + f.h, f.x + f.w, f.y + f.h, "axis");
	for (size_t k = 0; k < PLOT_TAIL_POINTS; k++)
		svg_text(out, f.x + slot * ((double)k + 0.5), f.y + f.h + 16.0, "middle", "tick",
		         plot_tail_names[k]);
	svg_text(out, f.x + f.w / 2.0, f.y + f.h + 34.0, "middle", "label",
	         "percentile of the operations of a dispatch");
	if (seen == 0)
		svg_text(out, f.x + f.w / 2.0, f.y + f.h / 2.0, "middle", "empty",
		         "no latency histogram");
	for (size_t i = 0; i < n; i++) {
		const struct plot_tail_series *ser = &series[i];
		/* arms side by side within a percentile's slot so that whiskers do not overlap */
		double off = n > 1 ? ((double)i / (double)(n - 1) - 0.5) * slot * 0.3 : 0.0;
		double xs[PLOT_TAIL_POINTS], ys[PLOT_TAIL_POINTS];
		char cls[32];
		for (size_t k = 0; k < PLOT_TAIL_POINTS; k++) {
			xs[k] = f.x + slot * ((double)k + 0.5) + off;
			ys[k] = svg_scale_map(&sy, ser->median[k] / div);
		}
		snprintf(cls, sizeof(cls), "series s%zu", ser->series % 8);
		svg_polyline(out, xs, ys, PLOT_TAIL_POINTS, cls);
		for (size_t k = 0; k < PLOT_TAIL_POINTS; k++) {
			if (isnan(ys[k]))
				continue;
			if (isfinite(ser->lo[k]) && isfinite(ser->hi[k])) {
				snprintf(cls, sizeof(cls), "whisker s%zu", ser->series % 8);
				svg_line(out, xs[k], svg_scale_map(&sy, ser->lo[k] / div), xs[k],
				         svg_scale_map(&sy, ser->hi[k] / div), cls);
			}
			char tip[160], num[64];
			svg_format_number(num, sizeof(num), ser->median[k] / div,
			                  div > 1.0 ? 2 : 1);
			snprintf(tip, sizeof(tip), "%s %s: %s %s (median of %zu dispatches)",
			         ser->label ? ser->label : "", plot_tail_names[k], num, unit,
			         ser->n);
			snprintf(cls, sizeof(cls), "dot s%zu", ser->series % 8);
			svg_circle(out, xs[k], ys[k], 4.0, cls, tip);
		}
	}
	svg_end(out);
	return HEIGHT;
}
