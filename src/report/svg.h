/* SVG as text for report.html: linear scales, nice ticks, escaping and the few primitives the plots
 * draw with (perf timechart's way: the picture is written, not rendered). */
#ifndef TARE_REPORT_SVG_H
#define TARE_REPORT_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/* A linear map from a data interval [d0, d1] to a pixel interval [r0, r1] (r1 < r0 for a y axis
 * that grows upwards). */
struct svg_scale {
	double d0, d1;
	double r0, r1;
};

/* The pixel of v; a degenerate domain (d0 == d1) maps everything to the middle of the range, and
 * a NaN stays NaN (callers skip it). */
double svg_scale_map(const struct svg_scale *s, double v);

#define SVG_MAX_TICKS 16

/* Tick marks at round numbers (1, 2, 2.5 or 5 × 10^k apart) covering a data interval. */
struct svg_ticks {
	double lo, hi; /* the nice domain: lo ≤ the data's low end, hi ≥ its high end */
	double step;
	size_t n;                /* ticks lo, lo + step, …, hi */
	double v[SVG_MAX_TICKS]; /* exact zero where a tick is zero (no −0, no 1e-17) */
	int decimals;            /* digits after the point that tell the ticks apart */
};

/* Ticks for [lo, hi] (given in either order), about `target` of them (2 ≤ target ≤ 10). An
 * empty interval (lo == hi) is widened around its value (to [0, 1] when it is 0) so that a single
 * point has an axis. Returns 0, or -1 when lo or hi is not finite (*out is then [0, 1]). */
int svg_nice_ticks(double lo, double hi, size_t target, struct svg_ticks *out);

/* The finite minimum and maximum of up to three arrays of n values each (any may be NULL), NaN
 * and infinities skipped. Returns how many finite values there were; with none, *lo and *hi are
 * NaN. */
size_t svg_extent(const double *a, const double *b, const double *c, size_t n, double *lo,
                  double *hi);

/* One tick label: decimals digits, a real minus sign (U+2212), no sign on zero. */
void svg_format_number(char *buf, size_t size, double v, int decimals);

/* Appends s with &, <, >, " and ' escaped and control characters other than tab and newline left
 * out (XML 1.0 does not allow them); good for HTML text and attribute values alike. A NULL s
 * appends nothing. */
void svg_escape(struct strbuf *out, const char *s);

/* A plot area in pixels, inside the SVG's own margins. */
struct svg_frame {
	double x, y, w, h;
};

/* Opens an inline <svg> with an id, a viewBox of width × height, and a <title> (escaped) that
 * screen readers and hover show. svg_end closes it. */
void svg_begin(struct strbuf *out, const char *id, double width, double height, const char *title);
void svg_end(struct strbuf *out);

/* Primitives; cls is a CSS class from the page's style sheet (NULL for none). Coordinates are
 * printed with one decimal. */
void svg_line(struct strbuf *out, double x1, double y1, double x2, double y2, const char *cls);
void svg_rect(struct strbuf *out, double x, double y, double w, double h, const char *cls);
/* A dot; tip (escaped, may be NULL) becomes its <title>, the hover text. */
void svg_circle(struct strbuf *out, double cx, double cy, double r, const char *cls,
                const char *tip);
/* anchor: "start", "middle" or "end". */
void svg_text(struct strbuf *out, double x, double y, const char *anchor, const char *cls,
              const char *text);
/* svg_text of at most max_chars characters (UTF-8 code points): a longer text is cut with "…" and
 * keeps its full form as the hover title. */
void svg_text_fit(struct strbuf *out, double x, double y, const char *anchor, const char *cls,
                  const char *text, size_t max_chars);
/* The label column of a row-based plot: label (bold) at y, detail (small, may be NULL) under it,
 * right-aligned at x. */
void svg_row_label(struct strbuf *out, double x, double y, const char *label, const char *detail);
/* A closed polygon through n points (xs[i], ys[i]). */
void svg_polygon(struct strbuf *out, const double *xs, const double *ys, size_t n, const char *cls);
/* An open polyline; points with a NaN coordinate are left out. */
void svg_polyline(struct strbuf *out, const double *xs, const double *ys, size_t n,
                  const char *cls);

/* A horizontal axis under the frame: grid lines, tick labels and the axis label centred below. */
void svg_axis_x(struct strbuf *out, const struct svg_frame *f, const struct svg_scale *s,
                const struct svg_ticks *t, const char *label);
/* A vertical axis left of the frame: grid lines, tick labels and the label rotated beside them. */
void svg_axis_y(struct strbuf *out, const struct svg_frame *f, const struct svg_scale *s,
                const struct svg_ticks *t, const char *label);

/* A deterministic spread in [−0.5, 0.5) for the i-th dot of a strip (the golden-ratio sequence),
 * so that equal values do not hide each other and the picture is the same every time. */
double svg_jitter(size_t i);

#endif
