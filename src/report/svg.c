/* SVG as text: scales, nice ticks, escaping and drawing primitives for report.html's plots. */
#include "report/svg.h"

#include "util/number_format.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double svg_scale_map(const struct svg_scale *s, double v)
{
	if (isnan(v))
		return NAN;
	if (s->d1 == s->d0)
		return (s->r0 + s->r1) / 2.0;
	return s->r0 + (v - s->d0) / (s->d1 - s->d0) * (s->r1 - s->r0);
}

/* Steps between ticks are one of these times a power of ten (Heckbert's "nice numbers", with
 * 2.5 so that a range of 0–10 can get five intervals). */
static const double nice_steps[] = {1.0, 2.0, 2.5, 5.0, 10.0};

static void ticks_fill(double lo, double hi, double step, int decimals, struct svg_ticks *out)
{
	double klo = floor(lo / step), khi = ceil(hi / step);
	/* a bound that is a multiple of the step already (up to rounding) stays where it is */
	if (fabs(lo / step - round(lo / step)) < 1e-9)
		klo = round(lo / step);
	if (fabs(hi / step - round(hi / step)) < 1e-9)
		khi = round(hi / step);
	out->step = step;
	out->decimals = decimals;
	out->n = (size_t)(khi - klo) + 1;
	for (size_t i = 0; i < out->n; i++) {
		double k = klo + (double)i;
		out->v[i] = k == 0.0 ? 0.0 : k * step;
	}
	out->lo = out->v[0];
	out->hi = out->v[out->n - 1];
}

int svg_nice_ticks(double lo, double hi, size_t target, struct svg_ticks *out)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		ticks_fill(0.0, 1.0, 0.5, 1, out);
		return -1;
	}
	if (target < 2)
		target = 2;
	if (target > 10)
		target = 10;
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	if (lo == hi) {
		double pad = lo == 0.0 ? 1.0 : fabs(lo) * 0.1;
		lo = lo == 0.0 ? 0.0 : lo - pad;
		hi += pad;
	}
	double raw = (hi - lo) / (double)(target - 1);
	double e = floor(log10(raw));
	double mag = pow(10.0, e);
	for (size_t i = 0;; i++) {
		double m = i < sizeof(nice_steps) / sizeof(nice_steps[0]) ? nice_steps[i] : 20.0;
		double step = m * mag;
		if (step < raw * (1.0 - 1e-12))
			continue;
		/* digits needed: those of the step's power of ten, one more for 2.5 below 25 */
		double de = m >= 10.0 ? e + 1.0 : e;
		int decimals = de >= 0.0 ? 0 : (int)-de;
		if (m == 2.5 && de <= 0.0)
			decimals++;
		double klo = floor(lo / step), khi = ceil(hi / step);
		if (khi - klo + 1.0 > (double)SVG_MAX_TICKS)
			continue;
		ticks_fill(lo, hi, step, decimals, out);
		return 0;
	}
}

size_t svg_extent(const double *a, const double *b, const double *c, size_t n, double *lo,
                  double *hi)
{
	const double *arrays[] = {a, b, c};
	size_t k = 0;
	*lo = NAN;
	*hi = NAN;
	for (size_t j = 0; j < 3; j++) {
		if (!arrays[j])
			continue;
		for (size_t i = 0; i < n; i++) {
			double v = arrays[j][i];
			if (!isfinite(v))
				continue;
			if (k == 0 || v < *lo)
				*lo = v;
			if (k == 0 || v > *hi)
				*hi = v;
			k++;
		}
	}
	return k;
}

void svg_format_number(char *buf, size_t size, double v, int decimals)
{
	format_signed(buf, size, v, decimals, false);
}

void svg_escape(struct strbuf *out, const char *s)
{
	strbuf_add_xml_escaped(out, s);
}

void svg_begin(struct strbuf *out, const char *id, double width, double height, const char *title)
{
	/* inline SVG in HTML needs no xmlns: the page then holds no URL at all */
	strbuf_addstr(out, "<svg id=\"");
	svg_escape(out, id);
	strbuf_addf(out,
	            "\" class=\"plot\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
	            "role=\"img\"><title>",
	            width, height, width, height);
	svg_escape(out, title);
	strbuf_addstr(out, "</title>\n");
}

void svg_end(struct strbuf *out)
{
	strbuf_addstr(out, "</svg>\n");
}

static void add_class(struct strbuf *out, const char *cls)
{
	if (!cls)
		return;
	strbuf_addstr(out, " class=\"");
	svg_escape(out, cls);
	strbuf_addch(out, '"');
}

void svg_line(struct strbuf *out, double x1, double y1, double x2, double y2, const char *cls)
{
	strbuf_addf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"", x1, y1, x2, y2);
	add_class(out, cls);
	strbuf_addstr(out, "/>\n");
}

void svg_rect(struct strbuf *out, double x, double y, double w, double h, const char *cls)
{
	if (w < 0.0) {
		x += w;
		w = -w;
	}
	if (h < 0.0) {
		y += h;
		h = -h;
	}
	strbuf_addf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"", x, y, w, h);
	add_class(out, cls);
	strbuf_addstr(out, "/>\n");
}

void svg_circle(struct strbuf *out, double cx, double cy, double r, const char *cls,
                const char *tip)
{
	strbuf_addf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"", cx, cy, r);
	add_class(out, cls);
	if (!tip) {
		strbuf_addstr(out, "/>\n");
		return;
	}
	strbuf_addstr(out, "><title>");
	svg_escape(out, tip);
	strbuf_addstr(out, "</title></circle>\n");
}

void svg_text(struct strbuf *out, double x, double y, const char *anchor, const char *cls,
              const char *text)
{
	strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
	add_class(out, cls);
	strbuf_addch(out, '>');
	svg_escape(out, text);
	strbuf_addstr(out, "</text>\n");
}

void svg_text_fit(struct strbuf *out, double x, double y, const char *anchor, const char *cls,
                  const char *text, size_t max_chars)
{
	size_t chars = 0, cut = 0;
	for (const char *p = text ? text : ""; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if (chars == max_chars - 1)
			cut = (size_t)(p - text);
		chars++;
	}
	if (chars <= max_chars || max_chars < 2) {
		svg_text(out, x, y, anchor, cls, text);
		return;
	}
	strbuf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"", x, y, anchor);
	add_class(out, cls);
	strbuf_addstr(out, "><title>");
	svg_escape(out, text);
	strbuf_addstr(out, "</title>");
	char *head = xstrndup(text, cut);
	svg_escape(out, head);
	free(head);
	strbuf_addstr(out, "\xe2\x80\xa6</text>\n"); /* U+2026 HORIZONTAL ELLIPSIS */
}

void svg_row_label(struct strbuf *out, double x, double y, const char *label, const char *detail)
{
	/* about 7.5 px per character of the label font, in a column of 200 px */
	svg_text_fit(out, x, detail ? y - 1.0 : y + 4.0, "end", "row", label, 26);
	if (detail)
		svg_text_fit(out, x, y + 13.0, "end", "detail", detail, 32);
}

static void add_points(struct strbuf *out, const double *xs, const double *ys, size_t n)
{
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (isnan(xs[i]) || isnan(ys[i]))
			continue;
		strbuf_addf(out, "%s%.1f,%.1f", first ? "" : " ", xs[i], ys[i]);
		first = false;
	}
}

void svg_polygon(struct strbuf *out, const double *xs, const double *ys, size_t n, const char *cls)
{
	strbuf_addstr(out, "<polygon points=\"");
	add_points(out, xs, ys, n);
	strbuf_addch(out, '"');
	add_class(out, cls);
	strbuf_addstr(out, "/>\n");
}

void svg_polyline(struct strbuf *out, const double *xs, const double *ys, size_t n, const char *cls)
{
	strbuf_addstr(out, "<polyline points=\"");
	add_points(out, xs, ys, n);
	strbuf_addch(out, '"');
	add_class(out, cls);
	strbuf_addstr(out, "/>\n");
}

void svg_axis_x(struct strbuf *out, const struct svg_frame *f, const struct svg_scale *s,
                const struct svg_ticks *t, const char *label)
{
	double bottom = f->y + f->h;
	for (size_t i = 0; i < t->n; i++) {
		double x = svg_scale_map(s, t->v[i]);
		char num[64];
		svg_format_number(num, sizeof(num), t->v[i], t->decimals);
		svg_line(out, x, f->y, x, bottom, "grid");
		svg_line(out, x, bottom, x, bottom + 4.0, "axis");
		svg_text(out, x, bottom + 16.0, "middle", "tick", num);
	}
	svg_line(out, f->x, bottom, f->x + f->w, bottom, "axis");
	if (label)
		svg_text(out, f->x + f->w / 2.0, bottom + 34.0, "middle", "label", label);
}

void svg_axis_y(struct strbuf *out, const struct svg_frame *f, const struct svg_scale *s,
                const struct svg_ticks *t, const char *label)
{
	size_t widest = 0;
	for (size_t i = 0; i < t->n; i++) {
		double y = svg_scale_map(s, t->v[i]);
		char num[64];
		svg_format_number(num, sizeof(num), t->v[i], t->decimals);
		size_t len = strlen(num);
		widest = len > widest ? len : widest;
		svg_line(out, f->x, y, f->x + f->w, y, "grid");
		svg_line(out, f->x - 4.0, y, f->x, y, "axis");
		svg_text(out, f->x - 7.0, y + 4.0, "end", "tick", num);
	}
	svg_line(out, f->x, f->y, f->x, f->y + f->h, "axis");
	if (!label)
		return;
	/* beside the widest tick label, at about 7 px per character of the tick font */
	double x = f->x - 14.0 - 7.0 * (double)widest;
	double y = f->y + f->h / 2.0;
	strbuf_addf(out,
	            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" class=\"label\" "
	            "transform=\"rotate(-90 %.1f %.1f)\">",
	            x, y, x, y);
	svg_escape(out, label);
	strbuf_addstr(out, "</text>\n");
}

double svg_jitter(size_t i)
{
	/* the fractional parts of i·φ fill [0, 1) evenly without repeating */
	double v = (double)i * 0.6180339887498949;
	return v - floor(v) - 0.5;
}
