/* Unit tests of cell verdicts (src/gate/verdict.c): the precedence uncalibrated › lossy ›
 * unhealthy › inconclusive › healthy, the reasons each gate gives, skip-cell, expect:, and the
 * boundary statement. Matrices and samples are built in code; each sample goes through the same
 * fidelity and dispatch gates the runner applies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "gate/dispatch_gate.h"
#include "gate/fidelity.h"
#include "gate/verdict.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Two capture arms: "runner" counts kernel events only, "dual" also traces spans. */
enum { RUNNER, DUAL, N_ARMS };

/* How one dispatch goes; the zero value is a clean, healthy dispatch of 10 ms. */
struct outcome {
	int64_t kernel_delta; /* observed = target + delta */
	bool no_kernel;       /* the capture produced nothing to count */
	bool clip;            /* the SDK kept its limit and dropped the rest */
	int64_t span_delta;   /* retained = target + delta (when not clipped) */
	int exit_code;
	int64_t wall_ms; /* 0: 10 */
};

/* A phase of one cell: how many rounds, and what happens to each arm in the first `affected`
 * rounds (0: all of them); the other rounds are clean. */
struct phase_spec {
	int rounds;
	int affected;
	struct outcome arm[N_ARMS];
};

struct world {
	struct matrix m;
	struct matrix_arm arms[N_ARMS];
	struct matrix_cell cells[4];
	size_t compare[N_ARMS];
	struct sample *samples;
	size_t n, cap;
};

static struct world *world_new(size_t n_cells, int64_t span_events)
{
	struct world *w = xcalloc(1, sizeof(*w));
	w->arms[RUNNER] =
	    (struct matrix_arm){.name = "runner", .capture = ARM_CAPTURE_EBPF, .spans = false};
	w->arms[DUAL] =
	    (struct matrix_arm){.name = "dual", .capture = ARM_CAPTURE_EBPF, .spans = true};
	w->compare[0] = RUNNER, w->compare[1] = DUAL;
	static const char *const names[] = {"c1", "c2", "c3", "c4"};
	for (size_t i = 0; i < n_cells; i++)
		w->cells[i] = (struct matrix_cell){
		    .name = (char *)names[i],
		    .kernel_events = {100, NULL},
		    .span_events = {span_events, NULL},
		    .concurrency = {1, NULL},
		    .payload_bytes = {128, NULL},
		    .span_event_limit = 128,
		    .timeout_ms = 1000,
		    .compare = w->compare,
		    .n_compare = N_ARMS,
		};
	w->m = (struct matrix){.name = (char *)"test",
	                       .arms = w->arms,
	                       .n_arms = N_ARMS,
	                       .gates = {.preflight = true, .tail_warn = 1.5, .tail_fail = 2.0},
	                       .cells = w->cells,
	                       .n_cells = n_cells};
	return w;
}

static void world_free(struct world *w)
{
	for (size_t i = 0; i < w->n; i++)
		sample_release(&w->samples[i]);
	free(w->samples);
	free(w);
}

/* One dispatch, gated the way the runner gates it. */
static void add(struct world *w, size_t cell, enum plan_phase phase, int round, size_t arm,
                const struct outcome *o)
{
	const struct matrix_cell *c = &w->cells[cell];
	const struct matrix_arm *a = &w->arms[arm];
	const struct matrix_gates *g = &w->m.gates;
	w->samples = xgrow(w->samples, &w->cap, w->n + 1, sizeof(*w->samples));
	struct sample *s = &w->samples[w->n++];
	sample_init(s);
	s->index = w->n - 1;
	s->cell = xstrdup(c->name);
	s->arm = xstrdup(a->name);
	s->phase = phase;
	s->round = round;
	s->capture = s->has_capture = true;
	s->spans = a->spans;
	s->kernel_target = c->kernel_events.value;
	s->span_target = c->span_events.value;
	s->span_event_limit = c->span_event_limit;
	s->timeout_ms = c->timeout_ms;
	s->exit_code = o->exit_code;
	s->wall_ns = (o->wall_ms ? o->wall_ms : 10) * 1000000;
	int64_t kernel = o->no_kernel ? 0 : s->kernel_target + o->kernel_delta;
	s->emitted = s->received = s->filtered_in = (uint64_t)kernel;
	s->capture_clean = true;
	s->kernel = fidelity_kernel(g, true, s->kernel_target, !o->no_kernel, kernel);
	if (a->spans) {
		s->has_span_counts = true;
		int64_t limit = s->span_event_limit, target = s->span_target;
		int64_t added = o->clip ? target : target + o->span_delta;
		s->spans_retained = added > limit ? limit : added;
		s->spans_dropped = added - s->spans_retained;
	}
	s->span = fidelity_spans(g, a->spans, s->span_target, s->span_event_limit,
	                         s->has_span_counts, s->spans_retained, s->spans_dropped);
	gate_dispatch(g, s);
}

static void add_phase(struct world *w, size_t cell, enum plan_phase phase,
                      const struct phase_spec *p)
{
	static const struct outcome clean = {0};
	for (int r = 1; r <= p->rounds; r++)
		for (size_t arm = 0; arm < N_ARMS; arm++)
			add(w, cell, phase, r, arm,
			    p->affected == 0 || r <= p->affected ? &p->arm[arm] : &clean);
}

/* A cell the way the runner records it: calibration (when pre-flight is on), then, unless the
 * calibration blocks timing, warm-ups and measured rounds. */
static void add_cell(struct world *w, size_t cell, const struct phase_spec *calib,
                     const struct phase_spec *warm, const struct phase_spec *meas)
{
	size_t first = w->n;
	if (w->m.gates.preflight)
		add_phase(w, cell, PHASE_CALIBRATE, calib);
	const struct sample *c[N_ARMS];
	size_t nc = 0;
	for (size_t i = first; i < w->n; i++)
		c[nc++] = &w->samples[i];
	if (calibration_blocks_timing(&w->m.gates, c, nc))
		return;
	add_phase(w, cell, PHASE_WARMUP, warm);
	add_phase(w, cell, PHASE_MEASURE, meas);
}

/* Reasons in a compact form a table can hold: "gate(arm) details; ...". */
static char *render_reasons(const struct cell_verdict_result *r)
{
	struct strbuf sb;
	strbuf_init(&sb);
	for (size_t i = 0; i < r->n_reasons; i++) {
		const struct verdict_reason *x = &r->reasons[i];
		strbuf_addf(&sb, "%s%s", i ? "; " : "", verdict_gate_name(x->gate));
		if (x->arm)
			strbuf_addf(&sb, "(%s)", x->arm);
		switch (x->gate) {
		case REASON_KERNEL_EVENTS:
		case REASON_SPAN_EVENTS:
			strbuf_addf(&sb, " %s %s %lld", plan_phase_name(x->phase),
			            agreement_name(x->layer.agreement), (long long)x->layer.target);
			if (x->layer.agreement != AGREE_FAILED)
				strbuf_addf(&sb, "/%lld", (long long)x->layer.observed);
			if (x->layer.limit >= 0)
				strbuf_addf(&sb, " limit %lld", (long long)x->layer.limit);
			break;
		case REASON_CALIBRATION_HEALTH:
			strbuf_addf(&sb, " '%s'", x->detail);
			break;
		case REASON_MAX_DISCARDED:
			strbuf_addf(&sb, " max %lld first '%s'", (long long)x->bound, x->detail);
			break;
		case REASON_TAIL_RATIO:
			strbuf_addf(&sb, " fail %g", x->tail_fail);
			break;
		case REASON_VALID_SAMPLES:
			strbuf_addf(&sb, " min %lld", (long long)x->bound);
			break;
		case REASON_WARMUPS:
			break;
		}
	}
	return strbuf_detach(&sb);
}

/* Gate settings a case changes; the zero value is the matrix defaults (skip-cell, any-pass,
 * max_discarded 0, timing out of the verdicts). */
struct gate_change {
	bool no_preflight;
	enum on_fail_mode on_fail;
	enum warmup_gate warmups;
	int64_t max_discarded;
	bool tail_in_verdicts;
	int64_t span_events; /* 0: 100, under the limit */
};

static const struct phase_spec CLEAN_CALIB = {1, 0, {{0}}};
static const struct phase_spec CLEAN_WARM = {1, 0, {{0}}};
static const struct phase_spec CLEAN_MEAS = {3, 0, {{0}}};

static void test_precedence_and_reasons(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		struct gate_change g;
		struct phase_spec calib, warm, meas; /* rounds 0 everywhere: the clean defaults */
		enum cell_verdict verdict;
		bool skipped;
		const char *sentence;
		const char *reasons;
	} cases[] = {
	    {"healthy",
	     {0},
	     {0},
	     {0},
	     {0},
	     VERDICT_HEALTHY,
	     false,
	     "healthy: calibrated, every gate passed",
	     ""},
	    {"healthy without pre-flight",
	     {.no_preflight = true},
	     {0},
	     {0},
	     {0},
	     VERDICT_HEALTHY,
	     false,
	     "healthy: every gate passed (no pre-flight calibration)",
	     ""},
	    {"uncalibrated: under-count, timing skipped",
	     {0},
	     {1, 0, {[DUAL] = {.kernel_delta = -1}}},
	     {0},
	     {0},
	     VERDICT_UNCALIBRATED,
	     true,
	     "uncalibrated: kernel_events drift: observed 99 of 100 in arm dual; timing skipped "
	     "(on_fail: skip-cell)",
	     "kernel_events(dual) calibrate drift 100/99"},
	    {"uncalibrated: nothing captured",
	     {0},
	     {1, 0, {[RUNNER] = {.no_kernel = true}}},
	     {0},
	     {0},
	     VERDICT_UNCALIBRATED,
	     true,
	     "uncalibrated: kernel_events failed: nothing observed (target 100) in arm runner; "
	     "timing skipped (on_fail: skip-cell)",
	     "kernel_events(runner) calibrate failed 100"},
	    {"uncalibrated: over-counts in both arms and the spans",
	     {0},
	     {1, 0, {{.kernel_delta = 2}, {.kernel_delta = 1, .span_delta = 1}}},
	     {0},
	     {0},
	     VERDICT_UNCALIBRATED,
	     true,
	     "uncalibrated: kernel_events drift: observed 102 of 100 (over-count) in arm runner; "
	     "timing skipped (on_fail: skip-cell)",
	     "kernel_events(runner) calibrate drift 100/102; kernel_events(dual) calibrate drift "
	     "100/101; span_events(dual) calibrate drift 100/101"},
	    {"lossy: clipped spans, timing skipped",
	     {.span_events = 500},
	     {1, 0, {[DUAL] = {.clip = true}}},
	     {0},
	     {0},
	     VERDICT_LOSSY,
	     true,
	     "lossy: span_events clipped at 128 of 500 (limit 128) in arm dual; timing skipped "
	     "(on_fail: skip-cell)",
	     "span_events(dual) calibrate clipped 500/128 limit 128"},
	    {"uncalibrated over lossy: only the broken layer is a reason",
	     {.span_events = 500},
	     {1, 0, {{.kernel_delta = -3}, {.clip = true}}},
	     {0},
	     {0},
	     VERDICT_UNCALIBRATED,
	     true,
	     "uncalibrated: kernel_events drift: observed 97 of 100 in arm runner; timing skipped "
	     "(on_fail: skip-cell)",
	     "kernel_events(runner) calibrate drift 100/97"},
	    {"lossy over unhealthy",
	     {.span_events = 500, .on_fail = ON_FAIL_RECORD},
	     {1, 0, {{.exit_code = 1}, {.clip = true}}},
	     {0},
	     {0},
	     VERDICT_LOSSY,
	     false,
	     "lossy: span_events clipped at 128 of 500 (limit 128) in arm dual",
	     "span_events(dual) calibrate clipped 500/128 limit 128"},
	    {"unhealthy: a calibration dispatch fails its exit code",
	     {0},
	     {1, 0, {[RUNNER] = {.exit_code = 3}}},
	     {0},
	     {0},
	     VERDICT_UNHEALTHY,
	     false,
	     "unhealthy: calibration dispatch of arm runner unhealthy: exit code 3, expected 0",
	     "calibration_health(runner) 'exit code 3, expected 0'"},
	    {"unhealthy over inconclusive: every measured dispatch fails",
	     {0},
	     {0},
	     {0},
	     {3, 0, {{.exit_code = 1}, {.exit_code = 2}}},
	     VERDICT_UNHEALTHY,
	     false,
	     "unhealthy: arm runner discarded more measured samples than max_discarded 0 (first: "
	     "unhealthy: exit code 1, expected 0)",
	     "max_discarded(runner) max 0 first 'unhealthy: exit code 1, expected 0'; "
	     "max_discarded(dual) max 0 first 'unhealthy: exit code 2, expected 0'"},
	    {"unhealthy: one discard past max_discarded 1",
	     {.max_discarded = 1},
	     {0},
	     {0},
	     {4, 2, {[DUAL] = {.exit_code = 1}}},
	     VERDICT_UNHEALTHY,
	     false,
	     "unhealthy: arm dual discarded more measured samples than max_discarded 1 (first: "
	     "unhealthy: exit code 1, expected 0)",
	     "max_discarded(dual) max 1 first 'unhealthy: exit code 1, expected 0'"},
	    {"healthy: discards at max_discarded 1",
	     {.max_discarded = 1},
	     {0},
	     {0},
	     {4, 1, {[DUAL] = {.exit_code = 1}}},
	     VERDICT_HEALTHY,
	     false,
	     "healthy: calibrated, every gate passed",
	     ""},
	    /* type-7 p99 of 10 10 10 10 100 is 96.4, the median 10 */
	    {"unhealthy: tail ratio in the fail band, when in the verdicts",
	     {.tail_in_verdicts = true},
	     {0},
	     {0},
	     {5, 1, {[RUNNER] = {.wall_ms = 100}}},
	     VERDICT_UNHEALTHY,
	     false,
	     "unhealthy: arm runner p99/median 9.64 in the fail band (>= 2)",
	     "tail_ratio(runner) fail 2"},
	    {"healthy: the same tail, timing out of the verdicts",
	     {0},
	     {0},
	     {0},
	     {5, 1, {[RUNNER] = {.wall_ms = 100}}},
	     VERDICT_HEALTHY,
	     false,
	     "healthy: calibrated, every gate passed",
	     ""},
	    {"inconclusive: all warm-ups failed (any-pass)",
	     {0},
	     {0},
	     {2, 0, {{.exit_code = 1}, {.exit_code = 1}}},
	     {0},
	     VERDICT_INCONCLUSIVE,
	     false,
	     "inconclusive: all warm-ups failed",
	     "warmups"},
	    {"healthy: one warm-up passed (any-pass)",
	     {0},
	     {0},
	     {1, 0, {[DUAL] = {.exit_code = 1}}},
	     {0},
	     VERDICT_HEALTHY,
	     false,
	     "healthy: calibrated, every gate passed",
	     ""},
	    {"inconclusive: one warm-up failed (all-pass)",
	     {.warmups = WARMUPS_ALL_PASS},
	     {0},
	     {1, 0, {[DUAL] = {.exit_code = 1}}},
	     {0},
	     VERDICT_INCONCLUSIVE,
	     false,
	     "inconclusive: some warm-ups failed",
	     "warmups"},
	    {"healthy: warm-ups ignored",
	     {.warmups = WARMUPS_IGNORE},
	     {0},
	     {2, 0, {{.exit_code = 1}, {.exit_code = 1}}},
	     {0},
	     VERDICT_HEALTHY,
	     false,
	     "healthy: calibrated, every gate passed",
	     ""},
	    {"inconclusive: one measured round",
	     {0},
	     {0},
	     {0},
	     {1, 0, {{0}}},
	     VERDICT_INCONCLUSIVE,
	     false,
	     "inconclusive: fewer than 2 valid measured samples in arm runner",
	     "valid_samples(runner) min 2; valid_samples(dual) min 2"},
	    {"healthy: two measured rounds",
	     {0},
	     {0},
	     {0},
	     {2, 0, {{0}}},
	     VERDICT_HEALTHY,
	     false,
	     "healthy: calibrated, every gate passed",
	     ""},
	    {"inconclusive: one arm short of valid samples, discards allowed",
	     {.max_discarded = 5},
	     {0},
	     {0},
	     {3, 2, {[DUAL] = {.exit_code = 1}}},
	     VERDICT_INCONCLUSIVE,
	     false,
	     "inconclusive: fewer than 2 valid measured samples in arm dual",
	     "valid_samples(dual) min 2"},
	    {"on_fail record: uncalibrated, timing kept",
	     {.on_fail = ON_FAIL_RECORD},
	     {1, 0, {[RUNNER] = {.kernel_delta = -1}}},
	     {0},
	     {0},
	     VERDICT_UNCALIBRATED,
	     false,
	     "uncalibrated: kernel_events drift: observed 99 of 100 in arm runner",
	     "kernel_events(runner) calibrate drift 100/99"},
	    /* without pre-flight, fidelity is judged on every timed dispatch: one reason per arm */
	    {"no pre-flight: drift in measured dispatches",
	     {.no_preflight = true},
	     {0},
	     {0},
	     {3, 2, {[RUNNER] = {.kernel_delta = 5}}},
	     VERDICT_UNCALIBRATED,
	     false,
	     "uncalibrated: kernel_events drift: observed 105 of 100 (over-count) in arm runner",
	     "kernel_events(runner) measure drift 100/105"},
	    {"no pre-flight: a clipped warm-up",
	     {.no_preflight = true, .span_events = 500},
	     {0},
	     {1, 0, {[DUAL] = {.clip = true}}},
	     {2, 0, {[DUAL] = {.clip = true}}},
	     VERDICT_LOSSY,
	     false,
	     "lossy: span_events clipped at 128 of 500 (limit 128) in arm dual",
	     "span_events(dual) warmup clipped 500/128 limit 128"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *what = cases[i].what;
		const struct gate_change *gc = &cases[i].g;
		struct world *w = world_new(1, gc->span_events ? gc->span_events : 100);
		w->m.gates.preflight = !gc->no_preflight;
		w->m.gates.on_fail = gc->on_fail;
		w->m.gates.warmups = gc->warmups;
		w->m.gates.max_discarded = gc->max_discarded;
		w->m.gates.tail_in_verdicts = gc->tail_in_verdicts;
		add_cell(w, 0, cases[i].calib.rounds ? &cases[i].calib : &CLEAN_CALIB,
		         cases[i].warm.rounds ? &cases[i].warm : &CLEAN_WARM,
		         cases[i].meas.rounds ? &cases[i].meas : &CLEAN_MEAS);
		struct verdict_set v;
		size_t cells[] = {0};
		assert_int_equal(verdicts_compute(&w->m, cells, 1, w->samples, w->n, &v), 0);
		assert_int_equal(v.n_cells, 1);
		const struct cell_verdict_result *r = &v.cells[0];
		char *reasons = render_reasons(r);
		if (r->verdict != cases[i].verdict || r->skipped != cases[i].skipped ||
		    strcmp(r->sentence, cases[i].sentence) != 0 ||
		    strcmp(reasons, cases[i].reasons) != 0)
			fail_msg(
			    "%s:\n  got  %s%s, '%s'\n       [%s]\n  want %s%s, '%s'\n       [%s]",
			    what, cell_verdict_name(r->verdict), r->skipped ? " (skipped)" : "",
			    r->sentence, reasons, cell_verdict_name(cases[i].verdict),
			    cases[i].skipped ? " (skipped)" : "", cases[i].sentence,
			    cases[i].reasons);
		assert_ptr_equal(r->cell, &w->cells[0]);
		assert_int_equal(r->expect_met, -1);
		free(reasons);
		verdict_set_release(&v);
		world_free(w);
	}
}

/* The layer reason carries what verdicts.json prints; a failed layer's observed is not data. */
static void test_layer_reason_fields(void **state)
{
	(void)state;
	struct world *w = world_new(1, 500);
	const struct phase_spec calib = {1, 0, {{.no_kernel = true}, {.clip = true}}};
	w->m.gates.on_fail = ON_FAIL_RECORD;
	add_cell(w, 0, &calib, &CLEAN_WARM, &CLEAN_MEAS);
	struct verdict_set v;
	size_t cells[] = {0};
	assert_int_equal(verdicts_compute(&w->m, cells, 1, w->samples, w->n, &v), 0);
	assert_int_equal(v.cells[0].n_reasons, 1); /* the clip is lossy, outranked */
	const struct verdict_reason *r = &v.cells[0].reasons[0];
	assert_int_equal(r->gate, REASON_KERNEL_EVENTS);
	assert_string_equal(r->arm, "runner");
	assert_int_equal(r->phase, PHASE_CALIBRATE);
	assert_int_equal(r->layer.agreement, AGREE_FAILED);
	assert_int_equal(r->layer.target, 100);
	assert_int_equal(r->layer.limit, -1);
	assert_null(r->detail);
	verdict_set_release(&v);
	world_free(w);
}

static void test_calibration_blocks_timing(void **state)
{
	(void)state;
	struct sample clean, lossy, broken;
	sample_init(&clean);
	sample_init(&lossy);
	sample_init(&broken);
	lossy.fidelity = FIDELITY_LOSSY;
	broken.fidelity = FIDELITY_BROKEN;
	const struct sample *all_clean[] = {&clean, &clean};
	const struct sample *one_lossy[] = {&clean, &lossy};
	const struct sample *one_broken[] = {&broken, &clean};
	struct matrix_gates skip = {.on_fail = ON_FAIL_SKIP_CELL},
	                    record = {.on_fail = ON_FAIL_RECORD};
	assert_false(calibration_blocks_timing(&skip, all_clean, 2));
	assert_false(calibration_blocks_timing(&skip, NULL, 0));
	assert_true(calibration_blocks_timing(&skip, one_lossy, 2));
	assert_true(calibration_blocks_timing(&skip, one_broken, 2));
	assert_false(calibration_blocks_timing(&record, one_broken, 2));
	assert_false(calibration_blocks_timing(&record, one_lossy, 2));
}

static void test_expect(void **state)
{
	(void)state;
	static const struct {
		const char *expect;
		int want;
	} cases[] = {{"lossy", 1}, {"healthy", 0}, {"uncalibrated", 0}, {NULL, -1}};
	for (size_t i = 0; i < N(cases); i++) {
		struct world *w = world_new(1, 500);
		w->cells[0].expect = (char *)cases[i].expect;
		const struct phase_spec calib = {1, 0, {[DUAL] = {.clip = true}}};
		add_cell(w, 0, &calib, &CLEAN_WARM, &CLEAN_MEAS);
		struct verdict_set v;
		size_t cells[] = {0};
		assert_int_equal(verdicts_compute(&w->m, cells, 1, w->samples, w->n, &v), 0);
		assert_int_equal(v.cells[0].verdict, VERDICT_LOSSY);
		assert_int_equal(v.cells[0].expect_met, cases[i].want);
		verdict_set_release(&v);
		world_free(w);
	}
}

/* Kinds of cell the boundary test strings together. */
enum kind { HEALTHY, LOSSY, UNCALIBRATED };

static void add_kind(struct world *w, size_t cell, enum kind k)
{
	struct phase_spec calib = CLEAN_CALIB;
	/* only a target past the span limit can be clipped; the SDK clips any such target */
	w->cells[cell].span_events.value = k == LOSSY ? 500 : 100;
	if (k == LOSSY)
		calib.arm[DUAL].clip = true;
	else if (k == UNCALIBRATED)
		calib.arm[RUNNER].kernel_delta = -1;
	add_cell(w, cell, &calib, &CLEAN_WARM, &CLEAN_MEAS);
}

static void test_boundary(void **state)
{
	(void)state;
	static const struct {
		size_t n;
		enum kind kinds[4];
		size_t order[4]; /* which cells, in which order */
		const char *want;
	} cases[] = {
	    {2, {HEALTHY, HEALTHY}, {0, 1}, "all 2 cells healthy"},
	    {4,
	     {HEALTHY, HEALTHY, LOSSY, HEALTHY},
	     {0, 1, 2, 3},
	     "healthy through c2; first non-healthy cell: c3 (lossy: span_events clipped at 128 "
	     "of 500 (limit 128) in arm dual; timing skipped (on_fail: skip-cell))"},
	    {3,
	     {UNCALIBRATED, HEALTHY, LOSSY},
	     {0, 1, 2},
	     "first non-healthy cell: c1 (uncalibrated: kernel_events drift: observed 99 of 100 in "
	     "arm runner; timing skipped (on_fail: skip-cell))"},
	    /* the walk follows the given cells, not the matrix: c3 alone is all there is */
	    {1, {LOSSY, HEALTHY, HEALTHY}, {2}, "all 1 cells healthy"},
	    {2,
	     {HEALTHY, UNCALIBRATED, HEALTHY},
	     {2, 1},
	     "healthy through c3; first non-healthy cell: c2 (uncalibrated: kernel_events drift: "
	     "observed 99 of 100 in arm runner; timing skipped (on_fail: skip-cell))"},
	};
	for (size_t i = 0; i < N(cases); i++) {
		struct world *w = world_new(4, 500);
		for (size_t c = 0; c < 4; c++)
			add_kind(w, c, cases[i].kinds[c]);
		struct verdict_set v;
		assert_int_equal(
		    verdicts_compute(&w->m, cases[i].order, cases[i].n, w->samples, w->n, &v), 0);
		assert_int_equal(v.n_cells, cases[i].n);
		for (size_t c = 0; c < cases[i].n; c++)
			assert_ptr_equal(v.cells[c].cell, &w->cells[cases[i].order[c]]);
		assert_string_equal(v.boundary, cases[i].want);
		verdict_set_release(&v);
		world_free(w);
	}
}

/* A cell without any sample (not run yet) has no valid samples: inconclusive, not healthy. */
static void test_cell_without_samples(void **state)
{
	(void)state;
	struct world *w = world_new(2, 100);
	add_kind(w, 0, HEALTHY);
	struct verdict_set v;
	size_t cells[] = {0, 1};
	assert_int_equal(verdicts_compute(&w->m, cells, 2, w->samples, w->n, &v), 0);
	assert_int_equal(v.cells[0].verdict, VERDICT_HEALTHY);
	assert_int_equal(v.cells[1].verdict, VERDICT_INCONCLUSIVE);
	assert_string_equal(v.boundary, "healthy through c1; first non-healthy cell: c2 "
	                                "(inconclusive: fewer than 2 valid measured samples in "
	                                "arm runner)");
	verdict_set_release(&v);
	world_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_precedence_and_reasons),
	    cmocka_unit_test(test_layer_reason_fields),
	    cmocka_unit_test(test_calibration_blocks_timing),
	    cmocka_unit_test(test_expect),
	    cmocka_unit_test(test_boundary),
	    cmocka_unit_test(test_cell_without_samples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
