/* Unit tests of the plot kinds of report.html: where the marks land (negative deltas left of zero,
 * the minimum detectable effect centred on zero, a clip at its share of the target), and what an
 * empty cell, a single sample, NaN values and hostile names produce. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The nth (0-based) element <tag …> whose class attribute is exactly cls; NULL when fewer. */
static const char *elem(const char *svg, const char *tag, const char *cls, size_t nth)
{
	char open[32], want[64];
	snprintf(open, sizeof(open), "<%s ", tag);
	snprintf(want, sizeof(want), "class=\"%s\"", cls);
	for (const char *p = strstr(svg, open); p; p = strstr(p + 1, open)) {
		const char *end = strchr(p, '>');
		const char *c = strstr(p, want);
		if (c && end && c < end && nth-- == 0)
			return p;
	}
	return NULL;
}

static size_t count(const char *svg, const char *tag, const char *cls)
{
	size_t n = 0;
	while (elem(svg, tag, cls, n))
		n++;
	return n;
}

/* A numeric attribute of the element at e; NaN when it has none. */
static double attr(const char *e, const char *name)
{
	char want[32];
	snprintf(want, sizeof(want), " %s=\"", name);
	const char *end = strchr(e, '>'), *a = strstr(e, want);
	return a && a < end ? strtod(a + strlen(want), NULL) : NAN;
}

static const char *must(const char *e)
{
	assert_non_null(e);
	return e;
}

/* One delta below zero, one interval across it: the first mark and its whole interval lie left
 * of the zero line, the second's estimate right of it with its low end left. */
static void test_forest_negative(void **state)
{
	(void)state;
	struct plot_forest_row rows[] = {
	    {"k0", "b − a", -2.0, -3.0, -1.0, NAN, "lower", "−2 ms"},
	    {"k1", "b − a", 1.0, -0.5, 2.5, NAN, "none", "+1 ms"},
	};
	struct strbuf sb;
	strbuf_init(&sb);
	double h = plot_forest(&sb, "f", "t", "ms", rows, 2);
	assert_true(h > 0.0);
	double zero = attr(must(elem(sb.buf, "line", "zero", 0)), "x1");
	const char *e0 = must(elem(sb.buf, "circle", "est lower", 0));
	const char *e1 = must(elem(sb.buf, "circle", "est none", 0));
	assert_true(attr(e0, "cx") < zero);
	assert_true(attr(e1, "cx") > zero);
	assert_true(attr(e0, "cy") < attr(e1, "cy")); /* rows top to bottom in order */
	const char *ci0 = must(elem(sb.buf, "line", "ci lower", 0));
	assert_true(attr(ci0, "x1") < zero && attr(ci0, "x2") < zero);
	const char *ci1 = must(elem(sb.buf, "line", "ci none", 0));
	assert_true(attr(ci1, "x1") < zero && attr(ci1, "x2") > zero);
	/* zero is on the axis even when every value is negative */
	strbuf_reset(&sb);
	plot_forest(&sb, "f", "t", "ms", rows, 1);
	zero = attr(must(elem(sb.buf, "line", "zero", 0)), "x1");
	assert_true(attr(must(elem(sb.buf, "circle", "est lower", 0)), "cx") < zero);
	strbuf_release(&sb);
}

/* The minimum detectable effect is shaded symmetrically around zero, and only when known. */
static void test_forest_mde(void **state)
{
	(void)state;
	struct plot_forest_row rows[] = {
	    {"k0", NULL, 0.2, -0.1, 0.6, 0.5, "none", NULL},
	    {"k1", NULL, 0.3, 0.1, 0.4, NAN, "higher", NULL},
	};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_forest(&sb, "f", "t", "ms", rows, 2);
	assert_int_equal(count(sb.buf, "rect", "mde"), 1);
	const char *m = must(elem(sb.buf, "rect", "mde", 0));
	double zero = attr(must(elem(sb.buf, "line", "zero", 0)), "x1");
	assert_true(fabs(attr(m, "x") + attr(m, "width") / 2.0 - zero) < 0.2);
	/* the shading reaches 0.5, beyond the interval's end at 0.6 minus 0.1: compare widths */
	const char *ci = must(elem(sb.buf, "line", "ci none", 0));
	double ci_w = attr(ci, "x2") - attr(ci, "x1"); /* 0.7 ms */
	assert_true(fabs(attr(m, "width") / ci_w - 1.0 / 0.7) < 0.01);
	strbuf_release(&sb);
}

/* A cell without a delta (skipped, NaN) keeps its row with the note and draws no mark; no rows at
 * all is still a plot that says so. */
static void test_forest_missing_and_empty(void **state)
{
	(void)state;
	struct plot_forest_row rows[] = {
	    {"s300", "b − a", NAN, NAN, NAN, NAN, "none", "not measured (timing skipped)"},
	};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_forest(&sb, "f", "t", "ms", rows, 1);
	assert_int_equal(count(sb.buf, "circle", "est none"), 0);
	assert_non_null(strstr(sb.buf, ">not measured (timing skipped)</text>"));
	assert_non_null(strstr(sb.buf, ">s300</text>"));
	assert_null(strstr(sb.buf, "nan"));
	strbuf_reset(&sb);
	double h = plot_forest(&sb, "f", "t", "ms", NULL, 0);
	assert_true(h > 0.0);
	assert_non_null(strstr(sb.buf, "no compared pairs"));
	assert_non_null(strstr(sb.buf, "</svg>"));
	strbuf_release(&sb);
}

/* A single sample: one dot, the median on it, an axis around it. */
static void test_strip_single_sample(void **state)
{
	(void)state;
	const double v[] = {12.0};
	struct plot_strip_group g = {"runner-only", "n = 1", v, 1, 0, NULL};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_strip(&sb, "s", "t", "ms", "ms", 3, false, &g, 1);
	assert_int_equal(count(sb.buf, "circle", "dot s0"), 1);
	const char *dot = must(elem(sb.buf, "circle", "dot s0", 0));
	const char *med = must(elem(sb.buf, "line", "median", 0));
	assert_true(fabs(attr(dot, "cx") - attr(med, "x1")) < 0.05);
	assert_true(fabs(attr(must(elem(sb.buf, "rect", "box", 0)), "width")) < 0.05);
	/* the dot is inside the axis: between the first and last grid line */
	double first = attr(must(elem(sb.buf, "line", "grid", 0)), "x1");
	size_t n_grid = count(sb.buf, "line", "grid");
	double last = attr(must(elem(sb.buf, "line", "grid", n_grid - 1)), "x1");
	assert_true(first < attr(dot, "cx") && attr(dot, "cx") < last);
	assert_non_null(strstr(sb.buf, "<title>12.000 ms</title>"));
	strbuf_release(&sb);
}

/* NaN values are left out; an arm without samples says so; the quartile box spans q1..q3. */
static void test_strip_nan_and_empty(void **state)
{
	(void)state;
	const double v[] = {NAN, 1.0, 2.0, NAN, 3.0, 4.0, 5.0};
	struct plot_strip_group g[] = {
	    {"a", NULL, v, 7, 1, "median 3"},
	    {"b", NULL, NULL, 0, 2, NULL},
	};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_strip(&sb, "s", "t", "ms", "ms", 1, false, g, 2);
	assert_int_equal(count(sb.buf, "circle", "dot s1"), 5);
	assert_int_equal(count(sb.buf, "circle", "dot s2"), 0);
	assert_non_null(strstr(sb.buf, "no valid samples"));
	/* type-7 quartiles of 1..5 are 2 and 4: the box is half the span of the dots */
	const char *box = must(elem(sb.buf, "rect", "box", 0));
	double lo = attr(must(elem(sb.buf, "circle", "dot s1", 0)), "cx"); /* 1.0 */
	double hi = attr(must(elem(sb.buf, "circle", "dot s1", 4)), "cx"); /* 5.0 */
	assert_true(fabs(attr(box, "width") / (hi - lo) - 0.5) < 0.01);
	assert_null(strstr(sb.buf, "nan"));
	strbuf_release(&sb);
}

/* Names are escaped wherever they appear. */
static void test_strip_escapes_names(void **state)
{
	(void)state;
	const double v[] = {1.0, 2.0};
	struct plot_strip_group g = {"a<b>&\"c\"", "<script>", v, 2, 0, "x & y"};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_strip(&sb, "id<1>", "t&t", "ms", "ms", 1, false, &g, 1);
	assert_non_null(strstr(sb.buf, "a&lt;b&gt;&amp;&quot;c&quot;"));
	assert_non_null(strstr(sb.buf, "&lt;script&gt;"));
	assert_non_null(strstr(sb.buf, "x &amp; y"));
	assert_non_null(strstr(sb.buf, "id=\"id&lt;1&gt;\""));
	assert_null(strstr(sb.buf, "<script"));
	assert_null(strstr(sb.buf, "<b>"));
	strbuf_release(&sb);
}

/* from_zero puts 0 on the axis even far from the data (memory is read as a ratio). */
static void test_strip_from_zero(void **state)
{
	(void)state;
	const double v[] = {33.86, 33.87};
	struct plot_strip_group g = {"k0", NULL, v, 2, 0, NULL};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_strip(&sb, "m", "t", "MiB", "MiB", 1, true, &g, 1);
	assert_non_null(strstr(sb.buf, "class=\"tick\">0</text>"));
	strbuf_reset(&sb);
	plot_strip(&sb, "m", "t", "MiB", "MiB", 1, false, &g, 1);
	assert_null(strstr(sb.buf, "class=\"tick\">0</text>"));
	strbuf_release(&sb);
}

/* Points on an exact line: the fitted line runs through them, the band is drawn and clipped to
 * the frame; without an interval there is no band. */
static void test_slope(void **state)
{
	(void)state;
	struct plot_slope_point p[] = {
	    {"c0", 0.0, 1.0, 0.5, 1.5},
	    {"c1", 1.0, 3.0, 2.0, 4.0},
	    {"c2", 2.0, 5.0, NAN, NAN},
	    {"cx", NAN, 9.0, 8.0, 10.0}, /* no axis value: left out */
	};
	struct plot_slope_fit fit = {2.0, 1.0, 3.0, "Theil–Sen"};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_slope(&sb, "sl", "t", "x", "ms", p, 4, &fit);
	assert_int_equal(count(sb.buf, "circle", "est none"), 3);
	assert_int_equal(count(sb.buf, "line", "ci none"), 2);
	assert_null(strstr(sb.buf, ">cx</text>"));
	const char *line = must(elem(sb.buf, "line", "fit", 0));
	double x1 = attr(line, "x1"), y1 = attr(line, "y1"), x2 = attr(line, "x2"),
	       y2 = attr(line, "y2");
	for (size_t i = 0; i < 3; i++) {
		const char *c = must(elem(sb.buf, "circle", "est none", i));
		double cx = attr(c, "cx"), cy = attr(c, "cy");
		double on_line = y1 + (y2 - y1) * (cx - x1) / (x2 - x1);
		assert_true(fabs(on_line - cy) < 0.3);
	}
	assert_int_equal(count(sb.buf, "polygon", "band"), 1);
	assert_non_null(strstr(sb.buf, "<clipPath id=\"sl-clip\">"));
	assert_non_null(strstr(sb.buf, "clip-path=\"url(#sl-clip)\""));
	strbuf_reset(&sb);
	fit.lo = NAN;
	plot_slope(&sb, "sl", "t", "x", "ms", p, 4, &fit);
	assert_int_equal(count(sb.buf, "polygon", "band"), 0);
	assert_int_equal(count(sb.buf, "line", "fit"), 1);
	strbuf_reset(&sb);
	plot_slope(&sb, "sl", "t", "x", "ms", NULL, 0, NULL);
	assert_non_null(strstr(sb.buf, "no cell with a measured delta"));
	strbuf_release(&sb);
}

/* A clip sits at observed/target of the way to the target line, the limit line on it; a failed
 * layer sits at 0; a drift beyond the target widens the axis. */
static void test_fidelity(void **state)
{
	(void)state;
	struct layer_fidelity clipped[] = {{AGREE_CLIPPED, 300, 128, 128}};
	struct layer_fidelity mixed[] = {
	    {AGREE_MATCH, 10, 10, -1}, {AGREE_FAILED, 10, 0, -1}, {AGREE_DRIFT, 10, 15, -1}};
	struct plot_fidelity_row rows[] = {
	    {"s300", "span, dual", 300, 128, clipped, 1, "1 clipped"},
	    {"k10", "kernel, a", 10, -1, mixed, 3, NULL},
	};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_fidelity(&sb, "fid", "t", rows, 2);
	double x100 = attr(must(elem(sb.buf, "line", "target", 0)), "x1");
	double x0 = attr(must(elem(sb.buf, "circle", "fid failed", 0)), "cx");
	double xc = attr(must(elem(sb.buf, "circle", "fid clipped", 0)), "cx");
	double xm = attr(must(elem(sb.buf, "circle", "fid match", 0)), "cx");
	double xd = attr(must(elem(sb.buf, "circle", "fid drift", 0)), "cx");
	assert_true(fabs((xc - x0) / (x100 - x0) - 128.0 / 300.0) < 0.005);
	assert_true(fabs(xm - x100) < 0.1);
	assert_true(fabs((xd - x0) / (x100 - x0) - 1.5) < 0.005);
	assert_true(fabs(attr(must(elem(sb.buf, "line", "limit", 0)), "x1") - xc) < 0.1);
	assert_non_null(strstr(sb.buf, ">limit 128</text>"));
	assert_non_null(strstr(sb.buf, "observed 128 of 300 (clipped)"));
	strbuf_reset(&sb);
	plot_fidelity(&sb, "fid", "t", NULL, 0);
	assert_non_null(strstr(sb.buf, "no layer with a target"));
	strbuf_release(&sb);
}

/* Missing percentiles leave gaps, not zeros; ten milliseconds and more are drawn in ms. */
static void test_tail(void **state)
{
	(void)state;
	struct plot_tail_series s = {"a",
	                             1,
	                             {100, 200, NAN, 400, 500, 600},
	                             {90, 150, NAN, 300, 400, 500},
	                             {110, 250, NAN, 500, 600, 700},
	                             5};
	struct strbuf sb;
	strbuf_init(&sb);
	plot_tail(&sb, "tail", "t", &s, 1);
	assert_int_equal(count(sb.buf, "circle", "dot s1"), 5);
	assert_int_equal(count(sb.buf, "line", "whisker s1"), 5);
	assert_non_null(strstr(sb.buf, "latency per operation, µs"));
	assert_null(strstr(sb.buf, "nan"));
	strbuf_reset(&sb);
	for (size_t k = 0; k < PLOT_TAIL_POINTS; k++) {
		s.median[k] = 20000.0;
		s.lo[k] = s.hi[k] = NAN;
	}
	plot_tail(&sb, "tail", "t", &s, 1);
	assert_non_null(strstr(sb.buf, "latency per operation, ms"));
	assert_non_null(strstr(sb.buf, "p99.9: 20.00 ms"));
	assert_int_equal(count(sb.buf, "line", "whisker s1"), 0);
	strbuf_reset(&sb);
	plot_tail(&sb, "tail", "t", NULL, 0);
	assert_non_null(strstr(sb.buf, "no latency histogram"));
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forest_negative),
	    cmocka_unit_test(test_forest_mde),
	    cmocka_unit_test(test_forest_missing_and_empty),
	    cmocka_unit_test(test_strip_single_sample),
	    cmocka_unit_test(test_strip_nan_and_empty),
	    cmocka_unit_test(test_strip_escapes_names),
	    cmocka_unit_test(test_strip_from_zero),
	    cmocka_unit_test(test_slope),
	    cmocka_unit_test(test_fidelity),
	    cmocka_unit_test(test_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
