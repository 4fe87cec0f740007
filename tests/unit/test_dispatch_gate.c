/* Unit tests of the per-dispatch gate (src/gate/dispatch_gate.c): every health rule, which one
 * speaks when several fail, and how health and fidelity decide valid and discard_reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gate/dispatch_gate.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What a case changes in an otherwise healthy, clean capture dispatch (kernel 100 of 100, spans
 * not carried, 100 events emitted and received). Zero means "as in the healthy dispatch". */
struct change {
	int exit_code, term_signal;
	bool timed_out;
	const char *exec_error;
	int64_t orphans;
	bool no_capture;                     /* the arm does not capture: no counters at all */
	uint64_t emitted, received, dropped; /* 0: 100, 100, 0 */
	bool unclean;                        /* capture_clean false */
	enum agreement kernel, span; /* 0 is not_applicable; kernel defaults to match below */
	bool kernel_set;             /* use .kernel as given */
	int64_t kernel_observed;     /* 0: 100 */
	int gate_exit_code;
	int64_t max_drops;
};

static void build(const struct change *c, struct matrix_gates *g, struct sample *s)
{
	*g = (struct matrix_gates){.exit_code = c->gate_exit_code,
	                           .max_ringbuf_drops = c->max_drops};
	sample_init(s);
	s->cell = xstrdup("cell");
	s->arm = xstrdup("arm");
	s->exit_code = c->exit_code;
	s->term_signal = c->term_signal;
	s->timed_out = c->timed_out;
	s->timeout_ms = 1000;
	s->exec_error = c->exec_error ? xstrdup(c->exec_error) : NULL;
	s->orphans = c->orphans;
	s->has_capture = !c->no_capture;
	if (s->has_capture) {
		s->emitted = c->emitted ? c->emitted : 100;
		s->received = c->received ? c->received : 100;
		s->dropped = c->dropped;
		s->capture_clean = !c->unclean && s->dropped == 0 && s->emitted == s->received;
	}
	s->kernel = (struct layer_fidelity){c->kernel_set ? c->kernel : AGREE_MATCH, 100,
	                                    c->kernel_observed ? c->kernel_observed : 100, -1};
	s->span = (struct layer_fidelity){c->span, 500, 128, -1};
	if (c->span == AGREE_CLIPPED)
		s->span.limit = 128;
}

static void test_health_and_validity(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		struct change c;
		const char *health; /* NULL: healthy */
		enum fidelity fidelity;
		const char *discard; /* NULL: valid */
	} cases[] = {
	    {"healthy and clean", {0}, NULL, FIDELITY_CLEAN, NULL},
	    {"no capture arm", {.no_capture = true, .unclean = true}, NULL, FIDELITY_CLEAN, NULL},
	    {"exit code",
	     {.exit_code = 1},
	     "exit code 1, expected 0",
	     FIDELITY_CLEAN,
	     "unhealthy: exit code 1, expected 0"},
	    {"the exit code the gate expects",
	     {.exit_code = 3, .gate_exit_code = 3},
	     NULL,
	     FIDELITY_CLEAN,
	     NULL},
	    {"0 when the gate expects 3",
	     {.gate_exit_code = 3},
	     "exit code 0, expected 3",
	     FIDELITY_CLEAN,
	     "unhealthy: exit code 0, expected 3"},
	    {"killed",
	     {.exit_code = 137, .term_signal = 9},
	     "killed by signal 9",
	     FIDELITY_CLEAN,
	     "unhealthy: killed by signal 9"},
	    {"timed out",
	     {.exit_code = 124, .timed_out = true},
	     "timed out after 1000 ms",
	     FIDELITY_CLEAN,
	     "unhealthy: timed out after 1000 ms"},
	    {"timed out and killed",
	     {.exit_code = 137, .term_signal = 9, .timed_out = true},
	     "timed out after 1000 ms",
	     FIDELITY_CLEAN,
	     "unhealthy: timed out after 1000 ms"},
	    {"exec error",
	     {.exit_code = 127, .exec_error = "No such file or directory"},
	     "cannot execute the workload: No such file or directory",
	     FIDELITY_CLEAN,
	     "unhealthy: cannot execute the workload: No such file or directory"},
	    {"orphans",
	     {.orphans = 2},
	     "2 process(es) outlived the workload and were killed",
	     FIDELITY_CLEAN,
	     "unhealthy: 2 process(es) outlived the workload and were killed"},
	    {"exit code before orphans",
	     {.exit_code = 1, .orphans = 2},
	     "exit code 1, expected 0",
	     FIDELITY_CLEAN,
	     "unhealthy: exit code 1, expected 0"},
	    {"drops over the maximum",
	     {.dropped = 3, .received = 97},
	     "ring buffer dropped 3 event(s)",
	     FIDELITY_CLEAN,
	     "unhealthy: ring buffer dropped 3 event(s)"},
	    {"drops at the maximum", {.dropped = 3, .max_drops = 3}, NULL, FIDELITY_CLEAN, NULL},
	    {"drops one past the maximum",
	     {.dropped = 4, .max_drops = 3},
	     "ring buffer dropped 4 event(s)",
	     FIDELITY_CLEAN,
	     "unhealthy: ring buffer dropped 4 event(s)"},
	    {"emitted != received",
	     {.received = 99},
	     "capture incomplete: received 99 of 100 emitted",
	     FIDELITY_CLEAN,
	     "unhealthy: capture incomplete: received 99 of 100 emitted"},
	    {"emitted != received with drops allowed",
	     {.received = 99, .max_drops = 5},
	     "capture incomplete: received 99 of 100 emitted",
	     FIDELITY_CLEAN,
	     "unhealthy: capture incomplete: received 99 of 100 emitted"},
	    {"capture not clean",
	     {.unclean = true},
	     "capture not clean (filter did not match the dispatch's cgroup)",
	     FIDELITY_CLEAN,
	     "unhealthy: capture not clean (filter did not match the dispatch's cgroup)"},
	    {"kernel drift",
	     {.kernel_set = true, .kernel = AGREE_DRIFT, .kernel_observed = 99},
	     NULL,
	     FIDELITY_BROKEN,
	     "kernel_events drift: observed 99 of 100"},
	    {"kernel over-count",
	     {.kernel_set = true, .kernel = AGREE_DRIFT, .kernel_observed = 101},
	     NULL,
	     FIDELITY_BROKEN,
	     "kernel_events drift: observed 101 of 100 (over-count)"},
	    {"kernel failed",
	     {.kernel_set = true, .kernel = AGREE_FAILED},
	     NULL,
	     FIDELITY_BROKEN,
	     "kernel_events failed: nothing observed (target 100)"},
	    {"span clipped",
	     {.span = AGREE_CLIPPED},
	     NULL,
	     FIDELITY_LOSSY,
	     "span_events clipped at 128 of 500 (limit 128)"},
	    {"span drift",
	     {.span = AGREE_DRIFT},
	     NULL,
	     FIDELITY_BROKEN,
	     "span_events drift: observed 128 of 500"},
	    {"kernel not applicable, span failed",
	     {.kernel_set = true, .kernel = AGREE_NOT_APPLICABLE, .span = AGREE_FAILED},
	     NULL,
	     FIDELITY_BROKEN,
	     "span_events failed: nothing observed (target 500)"},
	    {"both layers bad: the kernel is named",
	     {.kernel_set = true,
	      .kernel = AGREE_DRIFT,
	      .kernel_observed = 99,
	      .span = AGREE_FAILED},
	     NULL,
	     FIDELITY_BROKEN,
	     "kernel_events drift: observed 99 of 100"},
	    {"unhealthy and drifting: health is named",
	     {.exit_code = 1, .kernel_set = true, .kernel = AGREE_DRIFT, .kernel_observed = 99},
	     "exit code 1, expected 0",
	     FIDELITY_BROKEN,
	     "unhealthy: exit code 1, expected 0"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct matrix_gates g;
		struct sample s;
		build(&cases[i].c, &g, &s);
		/* a stale conclusion from an earlier gating is replaced, not kept */
		s.health_reason = xstrdup("stale");
		s.discard_reason = xstrdup("stale");
		s.valid = true;
		gate_dispatch(&g, &s);
		const char *what = cases[i].what;
		if (cases[i].health ? !s.health_reason || strcmp(s.health_reason, cases[i].health)
		                    : s.health_reason != NULL)
			fail_msg("%s: health reason '%s', want '%s'", what,
			         s.health_reason ? s.health_reason : "(none)",
			         cases[i].health ? cases[i].health : "(none)");
		if (cases[i].discard
		        ? !s.discard_reason || strcmp(s.discard_reason, cases[i].discard)
		        : s.discard_reason != NULL)
			fail_msg("%s: discard reason '%s', want '%s'", what,
			         s.discard_reason ? s.discard_reason : "(none)",
			         cases[i].discard ? cases[i].discard : "(none)");
		if (s.fidelity != cases[i].fidelity)
			fail_msg("%s: fidelity %s, want %s", what, fidelity_name(s.fidelity),
			         fidelity_name(cases[i].fidelity));
		assert_int_equal(s.health_ok, cases[i].health == NULL);
		assert_int_equal(s.valid, cases[i].discard == NULL);
		sample_release(&s);
	}
}

static void test_layer_phrase(void **state)
{
	(void)state;
	static const struct {
		struct layer_fidelity f;
		const char *want;
	} cases[] = {
	    {{AGREE_MATCH, 25, 25, -1}, "span_events match: 25 of 25"},
	    {{AGREE_NOT_APPLICABLE, 0, 0, -1}, "span_events not applicable"},
	    {{AGREE_CLIPPED, 1000, 128, 128}, "span_events clipped at 128 of 1000 (limit 128)"},
	    {{AGREE_DRIFT, 25, 24, -1}, "span_events drift: observed 24 of 25"},
	    {{AGREE_DRIFT, 25, 26, -1}, "span_events drift: observed 26 of 25 (over-count)"},
	    {{AGREE_FAILED, 25, 0, -1}, "span_events failed: nothing observed (target 25)"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *p = layer_phrase("span_events", &cases[i].f);
		assert_string_equal(p, cases[i].want);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_health_and_validity),
	    cmocka_unit_test(test_layer_phrase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
