/* Unit tests of the fidelity gates (src/gate/fidelity.c): every agreement rule of the kernel and
 * span layers, tolerances in counts and in percent at and just past their edge, the span count
 * modes, and how layers combine into a dispatch's fidelity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gate/fidelity.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct matrix_gates gates(struct tolerance kernel, enum span_count_mode span_count,
                                 struct tolerance span)
{
	return (struct matrix_gates){.preflight = true,
	                             .kernel_tolerance = kernel,
	                             .span_count = span_count,
	                             .span_tolerance = span};
}

static const struct tolerance EXACT = {0, false};

static void test_kernel(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		bool captures;
		int64_t target;
		bool have;
		int64_t observed;
		struct tolerance tol;
		enum agreement want;
	} cases[] = {
	    {"arm without capture", false, 100, true, 0, {0, false}, AGREE_NOT_APPLICABLE},
	    {"target 0", true, 0, true, 7, {0, false}, AGREE_NOT_APPLICABLE},
	    {"nothing observed", true, 100, false, 0, {0, false}, AGREE_FAILED},
	    {"nothing observed, generous tolerance", true, 100, false, 0, {50, true}, AGREE_FAILED},
	    {"exact", true, 100, true, 100, {0, false}, AGREE_MATCH},
	    {"one under", true, 100, true, 99, {0, false}, AGREE_DRIFT},
	    {"one over", true, 100, true, 101, {0, false}, AGREE_DRIFT},
	    {"observed 0 of 100", true, 100, true, 0, {0, false}, AGREE_DRIFT},
	    {"2 under, tolerance 2", true, 100, true, 98, {2, false}, AGREE_MATCH},
	    {"3 under, tolerance 2", true, 100, true, 97, {2, false}, AGREE_DRIFT},
	    {"2 over, tolerance 2", true, 100, true, 102, {2, false}, AGREE_MATCH},
	    {"3 over, tolerance 2", true, 100, true, 103, {2, false}, AGREE_DRIFT},
	    {"2% under of 500", true, 500, true, 490, {2, true}, AGREE_MATCH},
	    {"past 2% under of 500", true, 500, true, 489, {2, true}, AGREE_DRIFT},
	    {"2% over of 500", true, 500, true, 510, {2, true}, AGREE_MATCH},
	    {"past 2% over of 500", true, 500, true, 511, {2, true}, AGREE_DRIFT},
	    /* 2% of 25 is 0.5: a percentage is of the target, not rounded up to a count */
	    {"one off, 2% of 25", true, 25, true, 24, {2, true}, AGREE_DRIFT},
	    {"exact, 2% of 25", true, 25, true, 25, {2, true}, AGREE_MATCH},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct matrix_gates g = gates(cases[i].tol, SPAN_COUNT_RETAINED, EXACT);
		struct layer_fidelity f = fidelity_kernel(&g, cases[i].captures, cases[i].target,
		                                          cases[i].have, cases[i].observed);
		if (f.agreement != cases[i].want)
			fail_msg("%s: agreement %s, want %s", cases[i].what,
			         agreement_name(f.agreement), agreement_name(cases[i].want));
		assert_int_equal(f.target, cases[i].target);
		assert_int_equal(f.observed, cases[i].observed);
		assert_int_equal(f.limit, -1); /* the kernel layer has no declared limit */
	}
}

static void test_spans(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		bool spans;
		enum span_count_mode mode;
		struct tolerance tol;
		int64_t target, limit;
		bool have;
		int64_t retained, dropped;
		enum agreement want;
		int64_t want_observed, want_limit;
	} cases[] = {
	    {"arm without spans",
	     false,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     100,
	     128,
	     true,
	     0,
	     0,
	     AGREE_NOT_APPLICABLE,
	     0,
	     -1},
	    {"target 0",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     0,
	     128,
	     true,
	     3,
	     0,
	     AGREE_NOT_APPLICABLE,
	     3,
	     -1},
	    {"no trace",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     100,
	     128,
	     false,
	     0,
	     0,
	     AGREE_FAILED,
	     0,
	     -1},
	    {"all retained",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     100,
	     128,
	     true,
	     100,
	     0,
	     AGREE_MATCH,
	     100,
	     -1},
	    {"target at the limit",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     128,
	     128,
	     true,
	     128,
	     0,
	     AGREE_MATCH,
	     128,
	     -1},
	    {"one past the limit, clipped",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     129,
	     128,
	     true,
	     128,
	     1,
	     AGREE_CLIPPED,
	     128,
	     128},
	    {"clipped at the limit",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     500,
	     128,
	     true,
	     128,
	     372,
	     AGREE_CLIPPED,
	     128,
	     128},
	    /* the loss must be exactly what the SDK says it dropped */
	    {"at the limit, drops unexplained",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     500,
	     128,
	     true,
	     128,
	     0,
	     AGREE_DRIFT,
	     128,
	     -1},
	    {"at the limit, one drop too many",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     500,
	     128,
	     true,
	     128,
	     373,
	     AGREE_DRIFT,
	     128,
	     -1},
	    {"one under the limit",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     500,
	     128,
	     true,
	     127,
	     373,
	     AGREE_DRIFT,
	     127,
	     -1},
	    {"under a target below the limit",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     100,
	     128,
	     true,
	     99,
	     1,
	     AGREE_DRIFT,
	     99,
	     -1},
	    {"over-count",
	     true,
	     SPAN_COUNT_RETAINED,
	     {0, false},
	     100,
	     128,
	     true,
	     101,
	     0,
	     AGREE_DRIFT,
	     101,
	     -1},
	    {"counted as added: retained + dropped",
	     true,
	     SPAN_COUNT_ADDED,
	     {0, false},
	     500,
	     128,
	     true,
	     128,
	     372,
	     AGREE_MATCH,
	     500,
	     -1},
	    {"counted as added, one short",
	     true,
	     SPAN_COUNT_ADDED,
	     {0, false},
	     500,
	     128,
	     true,
	     128,
	     371,
	     AGREE_DRIFT,
	     499,
	     -1},
	    /* added counts nothing as a clip: the limit explains nothing when all events count */
	    {"counted as added, retained only",
	     true,
	     SPAN_COUNT_ADDED,
	     {0, false},
	     500,
	     128,
	     true,
	     128,
	     0,
	     AGREE_DRIFT,
	     128,
	     -1},
	    {"tolerance 1, one short",
	     true,
	     SPAN_COUNT_RETAINED,
	     {1, false},
	     100,
	     128,
	     true,
	     99,
	     0,
	     AGREE_MATCH,
	     99,
	     -1},
	    {"tolerance 1, two short",
	     true,
	     SPAN_COUNT_RETAINED,
	     {1, false},
	     100,
	     128,
	     true,
	     98,
	     0,
	     AGREE_DRIFT,
	     98,
	     -1},
	    {"10% of 500, at the edge",
	     true,
	     SPAN_COUNT_RETAINED,
	     {10, true},
	     500,
	     1000,
	     true,
	     450,
	     0,
	     AGREE_MATCH,
	     450,
	     -1},
	    {"10% of 500, past the edge",
	     true,
	     SPAN_COUNT_RETAINED,
	     {10, true},
	     500,
	     1000,
	     true,
	     449,
	     0,
	     AGREE_DRIFT,
	     449,
	     -1},
	    {"10% of 500, over at the edge",
	     true,
	     SPAN_COUNT_RETAINED,
	     {10, true},
	     500,
	     1000,
	     true,
	     550,
	     0,
	     AGREE_MATCH,
	     550,
	     -1},
	    /* within tolerance wins over the clip explanation */
	    {"clipped but within tolerance",
	     true,
	     SPAN_COUNT_RETAINED,
	     {1, false},
	     129,
	     128,
	     true,
	     128,
	     1,
	     AGREE_MATCH,
	     128,
	     -1},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct matrix_gates g = gates(EXACT, cases[i].mode, cases[i].tol);
		struct layer_fidelity f =
		    fidelity_spans(&g, cases[i].spans, cases[i].target, cases[i].limit,
		                   cases[i].have, cases[i].retained, cases[i].dropped);
		if (f.agreement != cases[i].want)
			fail_msg("%s: agreement %s, want %s", cases[i].what,
			         agreement_name(f.agreement), agreement_name(cases[i].want));
		if (f.observed != cases[i].want_observed || f.limit != cases[i].want_limit)
			fail_msg("%s: observed %lld limit %lld, want %lld and %lld", cases[i].what,
			         (long long)f.observed, (long long)f.limit,
			         (long long)cases[i].want_observed, (long long)cases[i].want_limit);
		assert_int_equal(f.target, cases[i].target);
	}
}

static void test_combine(void **state)
{
	(void)state;
	enum {
		NA = AGREE_NOT_APPLICABLE,
		M = AGREE_MATCH,
		C = AGREE_CLIPPED,
		D = AGREE_DRIFT,
		F = AGREE_FAILED
	};
	static const struct {
		int a, b;
		enum fidelity want;
	} cases[] = {
	    {NA, NA, FIDELITY_CLEAN}, {M, NA, FIDELITY_CLEAN}, {M, M, FIDELITY_CLEAN},
	    {M, C, FIDELITY_LOSSY},   {C, NA, FIDELITY_LOSSY}, {C, C, FIDELITY_LOSSY},
	    {D, M, FIDELITY_BROKEN},  {M, D, FIDELITY_BROKEN}, {F, NA, FIDELITY_BROKEN},
	    {NA, F, FIDELITY_BROKEN}, {C, D, FIDELITY_BROKEN}, {D, C, FIDELITY_BROKEN},
	    {C, F, FIDELITY_BROKEN},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct layer_fidelity l[2] = {{.agreement = (enum agreement)cases[i].a},
		                              {.agreement = (enum agreement)cases[i].b}};
		enum fidelity got = fidelity_combine(l, 2);
		if (got != cases[i].want)
			fail_msg("%s + %s: %s, want %s", agreement_name(l[0].agreement),
			         agreement_name(l[1].agreement), fidelity_name(got),
			         fidelity_name(cases[i].want));
	}
	assert_int_equal(fidelity_combine(NULL, 0), FIDELITY_CLEAN);
	struct layer_fidelity one = {.agreement = AGREE_CLIPPED};
	assert_int_equal(fidelity_combine(&one, 1), FIDELITY_LOSSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kernel),
	    cmocka_unit_test(test_spans),
	    cmocka_unit_test(test_combine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
