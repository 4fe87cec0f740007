/* Unit tests of a finished cell's terminal lines (report/cell_result.h) on synthetic samples of
 * matrices/decompose.yaml: medians, deltas with intervals rounded to what they support, ASCII
 * minus, too few pairs, a skipped cell; and of wrapping text to a terminal's width
 * (cli/terminal.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/terminal.h"
#include "gate/verdict.h"
#include "matrix/matrix.h"
#include "report/cell_result.h"
#include "sample/sample.h"
#include "util/number_format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct matrix *load(void)
{
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load("matrices/decompose.yaml", &d);
	if (!m)
		m = matrix_load(TARE_SOURCE_DIR "/matrices/decompose.yaml", &d);
	assert_non_null(m);
	diag_list_release(&d);
	return m;
}

static void add(struct sample *s, size_t *n, const char *cell, const char *arm, int round,
                double wall_ms)
{
	struct sample *x = &s[(*n)++];
	sample_init(x);
	x->cell = strdup(cell);
	x->arm = strdup(arm);
	x->phase = PHASE_MEASURE;
	x->round = round;
	x->valid = true;
	x->wall_ns = (int64_t)llround(wall_ms * 1e6);
}

/* The lines of cell 0 where capture costs `capture_ms` more than bare and the other arms as
 * much as bare, over `rounds` rounds with per-round noise. */
static char *lines_for(struct matrix *m, int rounds, double capture_ms, bool skipped)
{
	static const double noise[16] = {0.11,  -0.07, 0.03, 0.09,  -0.12, 0.05,  -0.02, 0.08,
	                                 -0.04, 0.01,  0.06, -0.09, 0.02,  -0.05, 0.1,   -0.01};
	const struct matrix_cell *c = &m->cells[0];
	struct sample *s = calloc(4 * 16 + 1, sizeof(*s));
	const struct sample **cs = calloc(4 * 16 + 1, sizeof(*cs));
	size_t n = 0;
	for (int r = 0; r < rounds; r++) {
		double base = 20.0 + 0.5 * (double)(r % 3);
		add(s, &n, c->name, "bare", r + 1, base + noise[r]);
		add(s, &n, c->name, "capture", r + 1, base + capture_ms + noise[(r + 3) % 16]);
		add(s, &n, c->name, "spans", r + 1, base + noise[(r + 7) % 16]);
		add(s, &n, c->name, "both", r + 1, base + noise[(r + 11) % 16]);
	}
	for (size_t i = 0; i < n; i++)
		cs[i] = &s[i];
	struct cell_verdict_result v = {.cell = c, .skipped = skipped};
	struct strbuf out;
	strbuf_init(&out);
	cell_result_format(m, &v, cs, n, &out);
	for (size_t i = 0; i < n; i++)
		sample_release(&s[i]);
	free(s);
	free(cs);
	return strbuf_detach(&out);
}

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static void test_higher_delta_with_its_interval(void **state)
{
	(void)state;
	struct matrix *m = load();
	char *t = lines_for(m, 16, 1.0, false);
	assert_true(ascii(t));
	/* medians of every compared arm in compare order, then one line per candidate */
	assert_true(strncmp(t, "medians: bare ", 14) == 0);
	char *capture = strstr(t, "\ncapture +");
	assert_non_null(capture);
	assert_non_null(strstr(t, "\nspans "));
	assert_non_null(strstr(t, "\nboth "));
	double est, lo, hi, pct;
	char tail[64];
	assert_int_equal(sscanf(capture + 1, "capture %lf ms [%lf, %lf] (%lf%%) vs %63[^\n]", &est,
	                        &lo, &hi, &pct, tail),
	                 5);
	assert_string_equal(tail, "bare"); /* higher: no qualifier */
	assert_true(lo > 0.0 && lo <= est && est <= hi && fabs(est - 1.0) < 0.2);
	assert_true(pct > 3.0 && pct < 7.0);
	/* the estimate carries as many decimals as its interval supports */
	const char *dot = strchr(capture, '.');
	size_t decimals = strcspn(dot + 1, " ");
	assert_int_equal(decimals, (size_t)decimals_for_interval(lo, hi));
	/* the arms that cost nothing extra, with the smallest shift the design could have seen */
	const char *none = strstr(t, "vs bare: no detectable difference, none larger than ");
	assert_non_null(none);
	assert_non_null(strstr(none, " ms ("));
	free(t);
	matrix_free(m);
}

static void test_lower_delta_has_ascii_minus(void **state)
{
	(void)state;
	struct matrix *m = load();
	char *t = lines_for(m, 16, -2.0, false);
	assert_true(ascii(t));
	assert_non_null(strstr(t, "\ncapture -2."));
	assert_non_null(strstr(t, "] (-"));
	free(t);
	matrix_free(m);
}

static void test_too_few_pairs_inconclusive(void **state)
{
	(void)state;
	struct matrix *m = load();
	char *t = lines_for(m, 3, 1.0, false);
	assert_non_null(strstr(t, "vs bare: inconclusive, 3 pairs cannot reach 95%\n"));
	free(t);
	t = lines_for(m, 0, 1.0, false);
	assert_non_null(strstr(t, "medians: bare n/a, capture n/a"));
	assert_non_null(strstr(t, "\ncapture vs bare: no pairs\n"));
	free(t);
	matrix_free(m);
}

static void test_skipped_cell_not_measured(void **state)
{
	(void)state;
	struct matrix *m = load();
	char *t = lines_for(m, 0, 0.0, true);
	assert_string_equal(t, "not measured (skipped: calibration not clean, on_fail: "
	                       "skip-cell)\n");
	free(t);
	matrix_free(m);
}

static void test_decimals_for_interval(void **state)
{
	(void)state;
	assert_int_equal(decimals_for_interval(0.45, 1.76), 2);
	assert_int_equal(decimals_for_interval(1.00, 1.05), 4);
	assert_int_equal(decimals_for_interval(100, 330), 0);
	assert_int_equal(decimals_for_interval(1, 1), 2);
	assert_int_equal(decimals_for_interval(NAN, 1), 2);
	char buf[32];
	format_signed_ascii(buf, sizeof(buf), -0.914, 2, true);
	assert_string_equal(buf, "-0.91");
	format_signed_ascii(buf, sizeof(buf), -0.001, 2, true);
	assert_string_equal(buf, "0.00");
}

/* Every line of s is at most width bytes. */
static void assert_fits(const char *s, size_t width)
{
	for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1)
		assert_true((size_t)(nl - s) <= width);
}

static void test_wrap_fits_width(void **state)
{
	(void)state;
	const char *text = "dual-capture +0.91 ms [+0.45, +1.76] (+20%) vs runner-only: "
	                   "healthy through k500; first non-healthy cell: s500";
	struct strbuf sb;
	strbuf_init(&sb);
	terminal_wrap(&sb, text, 30, "    ", 6);
	assert_fits(sb.buf, 30);
	assert_true(strncmp(sb.buf, "    dual-capture +0.91 ms", 25) == 0);
	assert_non_null(strstr(sb.buf, "\n      ")); /* continuation indented */
	/* nothing lost: the words come back in order */
	char *joined = calloc(1, sb.len + 1), *o = joined;
	for (const char *p = sb.buf; *p; p++)
		if (*p != '\n' && !(*p == ' ' && o > joined && o[-1] == ' '))
			*o++ = *p;
	assert_non_null(strstr(joined, "+0.91 ms [+0.45, +1.76] (+20%) vs runner-only:"));
	free(joined);
	strbuf_reset(&sb);
	/* a word longer than a line is cut, never overflowing */
	terminal_wrap(&sb, "x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa y", 12, "", 2);
	assert_fits(sb.buf, 12);
	assert_true(sb.len > 54);
	strbuf_reset(&sb);
	/* no width: one line, whole */
	terminal_wrap(&sb, text, 0, "> ", 2);
	assert_int_equal(strchr(sb.buf, '\n') - sb.buf, (long)strlen(text) + 2);
	strbuf_release(&sb);
}

static void test_no_colour_off_a_terminal(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	struct terminal t;
	terminal_init(&t, f);
	assert_false(t.tty);
	assert_false(t.colour);
	assert_int_equal(terminal_width(&t), 0);
	assert_string_equal(terminal_verdict_colour(&t, VERDICT_LOSSY), "");
	assert_string_equal(terminal_reset(&t), "");
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_higher_delta_with_its_interval),
	    cmocka_unit_test(test_lower_delta_has_ascii_minus),
	    cmocka_unit_test(test_too_few_pairs_inconclusive),
	    cmocka_unit_test(test_skipped_cell_not_measured),
	    cmocka_unit_test(test_decimals_for_interval),
	    cmocka_unit_test(test_wrap_fits_width),
	    cmocka_unit_test(test_no_colour_off_a_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
