/* The plot kinds of report.html: plain structs in, one inline <svg> out. Each kind lives in its
 * own report/plot_<kind>.c; the page (report/html.c) fills the structs from a run. */
#ifndef TARE_REPORT_PLOT_H
#define TARE_REPORT_PLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sample/sample.h"
#include "util/strbuf.h"

/* Width of every plot in pixels (the page scales them down on narrow screens). */
#define PLOT_WIDTH 880.0

/* Every plot function borrows its inputs, appends one <svg id="id"> to out and returns the
 * height it drew, in pixels. Strings are escaped on the way out; NaN marks a missing number. */

/* One row of a forest plot: an estimate with its interval, beside its label. */
struct plot_forest_row {
	const char *label;  /* bold, left: the cell */
	const char *detail; /* under it: "dual-capture − runner-only" (may be NULL) */
	double est, lo, hi; /* NaN est: nothing measured, only the note is shown */
	double mde;         /* minimum detectable effect (±mde shaded around 0); NaN: unknown */
	const char *status; /* CSS class of the mark: "higher", "lower", "none", "regression" … */
	const char *note;   /* right of the plot: the numbers, or why there are none */
};

/* A forest plot: one row per estimate, a shared axis through zero. */
double plot_forest(struct strbuf *out, const char *id, const char *title, const char *axis_label,
                   const struct plot_forest_row *rows, size_t n);

/* One row of a strip plot: every value a dot, with the median and the quartiles as a box. */
struct plot_strip_group {
	const char *label;    /* left: "runner-only" */
	const char *detail;   /* under it (may be NULL): "n = 6, 1 discarded" */
	const double *values; /* NaN values are left out */
	size_t n;
	size_t series;    /* colour: CSS class s<series % 8> */
	const char *note; /* right of the plot (may be NULL): "median 12.1 ms" */
};

/* A strip plot of groups on one shared axis; unit is appended to each dot's hover text and the
 * values are shown with decimals digits there. from_zero starts the axis at 0 (for a quantity
 * whose ratio matters more than its spread, such as memory). */
double plot_strip(struct strbuf *out, const char *id, const char *title, const char *axis_label,
                  const char *unit, int decimals, bool from_zero,
                  const struct plot_strip_group *groups, size_t n);

/* Overhead against one axis: a point per cell with its interval, and the fitted slope. */
struct plot_slope_point {
	const char *label; /* the cell, written beside its point */
	double x;          /* in the axis' unit */
	double y, lo, hi;  /* the paired delta and its interval, ms */
};
struct plot_slope_fit {
	double slope, lo, hi; /* ms per axis unit; lo/hi NaN: no band */
	const char *name;     /* "Theil–Sen" */
};

/* The fit is drawn through the median point of the cells (Theil–Sen's own intercept,
 * median(y) − slope·median(x)); its band is the lines of slope lo and hi through that point,
 * clipped to the frame. fit may be NULL. */
double plot_slope(struct strbuf *out, const char *id, const char *title, const char *x_label,
                  const char *y_label, const struct plot_slope_point *points, size_t n,
                  const struct plot_slope_fit *fit);

/* One layer of one arm of a cell: every dispatch's observation against the target. */
struct plot_fidelity_row {
	const char *label;                /* "s300" */
	const char *detail;               /* "span events · dual-capture" (may be NULL) */
	int64_t target;                   /* > 0 */
	int64_t limit;                    /* a declared limit that explains a clip, or −1 */
	const struct layer_fidelity *obs; /* one per dispatch */
	size_t n;
	const char *note; /* right of the plot */
};

/* Observed as % of target on a shared axis, a line at 100% (the target), the limit dashed, each
 * dispatch a dot coloured by its agreement (match, clipped, drift, failed at 0). */
double plot_fidelity(struct strbuf *out, const char *id, const char *title,
                     const struct plot_fidelity_row *rows, size_t n);

/* The latency percentiles the built-in workload reports. */
#define PLOT_TAIL_POINTS 6
extern const char *const plot_tail_names[PLOT_TAIL_POINTS]; /* "p50" … "max" */

/* One arm's percentiles across its dispatches: the median at each point, and the range. */
struct plot_tail_series {
	const char *label;
	size_t series;
	double median[PLOT_TAIL_POINTS], lo[PLOT_TAIL_POINTS], hi[PLOT_TAIL_POINTS]; /* µs */
	size_t n; /* dispatches the series summarises */
};

/* Percentile (x, categorical) against latency (y, from 0; in ms once the largest value reaches
 * 10 ms): a line per arm through the medians, the range over dispatches as whiskers. */
double plot_tail(struct strbuf *out, const char *id, const char *title,
                 const struct plot_tail_series *series, size_t n);

#endif
