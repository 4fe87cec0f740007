/* Unit tests of report/svg: nice ticks over positive, negative and zero-crossing ranges, the
 * widening of a single value, NaN refusal, the linear scale, extents that skip NaN, tick labels
 * with a real minus sign, XML escaping and the label cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/svg.h"

#include <math.h>
#include <string.h>

static void assert_ticks(const struct svg_ticks *t, const double *want, size_t n, double step)
{
	assert_int_equal(t->n, n);
	assert_true(fabs(t->step - step) < 1e-12);
	for (size_t i = 0; i < n; i++)
		assert_true(fabs(t->v[i] - want[i]) < 1e-9 * (fabs(want[i]) + 1.0));
	assert_true(t->lo == t->v[0] && t->hi == t->v[n - 1]);
}

/* 0.3–9.7 in about 6 ticks: raw step 1.88 → 2, covering [0, 10]. */
static void test_ticks_positive(void **state)
{
	(void)state;
	struct svg_ticks t;
	assert_int_equal(svg_nice_ticks(0.3, 9.7, 6, &t), 0);
	const double want[] = {0, 2, 4, 6, 8, 10};
	assert_ticks(&t, want, 6, 2.0);
	assert_int_equal(t.decimals, 0);
	/* bounds already on a step stay where they are: 0–100 by 25 (2.5 × 10, no decimals) */
	assert_int_equal(svg_nice_ticks(0.0, 100.0, 5, &t), 0);
	const double want100[] = {0, 25, 50, 75, 100};
	assert_ticks(&t, want100, 5, 25.0);
	assert_int_equal(t.decimals, 0);
}

/* Entirely negative, given high end first: −580.7 … −3.2, raw step 115.5 → 200, [−600, 0]. */
static void test_ticks_negative(void **state)
{
	(void)state;
	struct svg_ticks t;
	assert_int_equal(svg_nice_ticks(-3.2, -580.7, 6, &t), 0);
	const double want[] = {-600, -400, -200, 0};
	assert_ticks(&t, want, 4, 200.0);
	/* and small ones get their decimals: −0.034 … −0.011 by 0.005 */
	assert_int_equal(svg_nice_ticks(-0.034, -0.011, 6, &t), 0);
	assert_true(fabs(t.step - 0.005) < 1e-15);
	assert_true(t.lo <= -0.034 && t.hi >= -0.011);
	assert_int_equal(t.decimals, 3);
}

/* Crossing zero, the tick at zero is exactly zero (no 1e-17, no −0). */
static void test_ticks_cross_zero(void **state)
{
	(void)state;
	struct svg_ticks t;
	/* raw step 0.32 → 0.5: [−1, 1] */
	assert_int_equal(svg_nice_ticks(-0.7, 0.9, 6, &t), 0);
	const double want[] = {-1.0, -0.5, 0.0, 0.5, 1.0};
	assert_ticks(&t, want, 5, 0.5);
	size_t zeros = 0;
	for (size_t i = 0; i < t.n; i++) {
		if (t.v[i] == 0.0) {
			zeros++;
			assert_false(signbit(t.v[i]));
		}
	}
	assert_int_equal(zeros, 1);
	assert_int_equal(t.decimals, 1);
	/* 2.5 steps below ten keep one decimal: −5 … 5 by 2.5 */
	assert_int_equal(svg_nice_ticks(-5.0, 5.0, 5, &t), 0);
	const double w25[] = {-5, -2.5, 0, 2.5, 5};
	assert_ticks(&t, w25, 5, 2.5);
	assert_int_equal(t.decimals, 1);
}

/* One value (a single sample) still gets an axis around it; zero gets [0, 1]. */
static void test_ticks_single_value(void **state)
{
	(void)state;
	struct svg_ticks t;
	assert_int_equal(svg_nice_ticks(12.0, 12.0, 6, &t), 0);
	assert_true(t.lo < 12.0 && t.hi > 12.0);
	assert_true(t.n >= 2);
	assert_int_equal(svg_nice_ticks(0.0, 0.0, 6, &t), 0);
	assert_true(t.lo == 0.0 && t.hi >= 1.0);
	assert_int_equal(svg_nice_ticks(-4.0, -4.0, 6, &t), 0);
	assert_true(t.lo < -4.0 && t.hi > -4.0);
}

static void test_ticks_not_finite(void **state)
{
	(void)state;
	struct svg_ticks t;
	assert_int_equal(svg_nice_ticks(NAN, 1.0, 6, &t), -1);
	assert_true(t.lo == 0.0 && t.hi == 1.0 && t.n >= 2);
	assert_int_equal(svg_nice_ticks(0.0, INFINITY, 6, &t), -1);
	assert_true(t.lo == 0.0 && t.hi == 1.0);
}

/* Never more than SVG_MAX_TICKS, whatever the range and target. */
static void test_ticks_bounded(void **state)
{
	(void)state;
	const double ranges[][2] = {{0, 1e-9},        {1e9, 1e9 + 1}, {-1e300, 1e300},
	                            {0.1, 0.1000001}, {-7, 13},       {33.8633, 33.875}};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		for (size_t target = 0; target <= 12; target++) {
			struct svg_ticks t;
			assert_int_equal(svg_nice_ticks(ranges[i][0], ranges[i][1], target, &t), 0);
			assert_true(t.n >= 2 && t.n <= SVG_MAX_TICKS);
			assert_true(t.lo <= ranges[i][0] && t.hi >= ranges[i][1]);
		}
	}
}

static void test_scale(void **state)
{
	(void)state;
	struct svg_scale x = {-10.0, 30.0, 100.0, 500.0};
	assert_true(fabs(svg_scale_map(&x, 0.0) - 200.0) < 1e-9);
	assert_true(fabs(svg_scale_map(&x, -10.0) - 100.0) < 1e-9);
	assert_true(fabs(svg_scale_map(&x, 40.0) - 600.0) < 1e-9); /* outside: extrapolated */
	/* a y axis grows upwards: larger values map to smaller pixels */
	struct svg_scale y = {0.0, 100.0, 300.0, 20.0};
	assert_true(svg_scale_map(&y, 75.0) < svg_scale_map(&y, 25.0));
	assert_true(isnan(svg_scale_map(&y, NAN)));
	struct svg_scale flat = {5.0, 5.0, 0.0, 200.0};
	assert_true(fabs(svg_scale_map(&flat, 5.0) - 100.0) < 1e-9);
}

static void test_extent(void **state)
{
	(void)state;
	const double a[] = {3.0, NAN, -2.0, INFINITY};
	const double b[] = {NAN, 7.5, NAN, 0.0};
	double lo, hi;
	assert_int_equal(svg_extent(a, b, NULL, 4, &lo, &hi), 4);
	assert_true(lo == -2.0 && hi == 7.5);
	const double none[] = {NAN, NAN};
	assert_int_equal(svg_extent(none, NULL, NULL, 2, &lo, &hi), 0);
	assert_true(isnan(lo) && isnan(hi));
	assert_int_equal(svg_extent(NULL, NULL, NULL, 0, &lo, &hi), 0);
}

static void test_format_number(void **state)
{
	(void)state;
	char buf[64];
	svg_format_number(buf, sizeof(buf), -2.5, 1);
	assert_string_equal(buf, "\xe2\x88\x92"
	                         "2.5");
	svg_format_number(buf, sizeof(buf), -0.0001, 2);
	assert_string_equal(buf, "0.00");
	svg_format_number(buf, sizeof(buf), 1200.0, 0);
	assert_string_equal(buf, "1200");
	svg_format_number(buf, sizeof(buf), NAN, 2);
	assert_string_equal(buf, "n/a");
}

static void test_escape(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	svg_escape(&sb, "a<b>&\"c'\x01\td");
	assert_string_equal(sb.buf, "a&lt;b&gt;&amp;&quot;c&#39;\td");
	strbuf_reset(&sb);
	svg_escape(&sb, NULL);
	assert_string_equal(sb.buf, "");
	/* a title and a text element escape what they are given */
	svg_begin(&sb, "id\"x", 100, 50, "<script>");
	svg_text(&sb, 1, 2, "start", "row", "k&<1>");
	svg_end(&sb);
	assert_non_null(strstr(sb.buf, "id=\"id&quot;x\""));
	assert_non_null(strstr(sb.buf, "<title>&lt;script&gt;</title>"));
	assert_non_null(strstr(sb.buf, ">k&amp;&lt;1&gt;</text>"));
	assert_null(strstr(sb.buf, "<script"));
	strbuf_release(&sb);
}

/* A label longer than its column is cut at a character, not inside one, and keeps its full text
 * as the hover title. */
static void test_text_fit(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb);
	svg_text_fit(&sb, 0, 0, "end", "row", "short", 10);
	assert_null(strstr(sb.buf, "<title>"));
	strbuf_reset(&sb);
	svg_text_fit(&sb, 0, 0, "end", "row", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4);
	assert_non_null(strstr(sb.buf, "<title>\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9</title>"));
	assert_non_null(strstr(sb.buf, "</title>\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6</text>"));
	strbuf_release(&sb);
}

static void test_jitter(void **state)
{
	(void)state;
	for (size_t i = 0; i < 1000; i++) {
		double j = svg_jitter(i);
		assert_true(j >= -0.5 && j < 0.5);
	}
	assert_true(svg_jitter(1) != svg_jitter(2));
	assert_true(svg_jitter(7) == svg_jitter(7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ticks_positive),
	    cmocka_unit_test(test_ticks_negative),
	    cmocka_unit_test(test_ticks_cross_zero),
	    cmocka_unit_test(test_ticks_single_value),
	    cmocka_unit_test(test_ticks_not_finite),
	    cmocka_unit_test(test_ticks_bounded),
	    cmocka_unit_test(test_scale),
	    cmocka_unit_test(test_extent),
	    cmocka_unit_test(test_format_number),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_text_fit),
	    cmocka_unit_test(test_jitter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
