/* Unit tests for expansion (src/plan/): counts, indices, phases, rounds, slots, argv and env,
 * selection, the plan JSON (determinism, schema, streamed = tree) and the table. Matrices are
 * built by hand, except where the committed ones are loaded from their files. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "plan/plan.h"
#include "plan/shard.h"
#include "plan/plan_table.h"
#include "util/strbuf.h"

#include "jsonschema/schema.h"

enum { ARM_BARE, ARM_EBPF, ARM_DUAL };

struct fixture {
	struct matrix m;
	struct matrix_arm arms[3];
	struct matrix_cell cells[3];
	size_t cmp_alpha[2], cmp_beta[3], cmp_gamma[2];
};

static struct matrix_param num(int64_t v, const char *label)
{
	return (struct matrix_param){.value = v, .label = (char *)label};
}

/* alpha: tier 0, 2 arms, 1 warm-up, 3 repetitions, counterbalanced;
 * beta: tier 1, 3 arms, no warm-up, 2 repetitions, williams;
 * gamma: tier 2, 2 arms, 2 warm-ups, 1 repetition, random. */
static struct fixture *fixture_new(void)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->arms[ARM_BARE] =
	    (struct matrix_arm){.name = "bare", .capture = ARM_CAPTURE_NONE, .spans = false};
	f->arms[ARM_EBPF] =
	    (struct matrix_arm){.name = "runner-only", .capture = ARM_CAPTURE_EBPF, .spans = false};
	f->arms[ARM_DUAL] =
	    (struct matrix_arm){.name = "dual-capture", .capture = ARM_CAPTURE_EBPF, .spans = true};
	f->cmp_alpha[0] = ARM_EBPF, f->cmp_alpha[1] = ARM_DUAL;
	f->cmp_beta[0] = ARM_BARE, f->cmp_beta[1] = ARM_EBPF, f->cmp_beta[2] = ARM_DUAL;
	f->cmp_gamma[0] = ARM_BARE, f->cmp_gamma[1] = ARM_DUAL;
	const char *names[] = {"alpha", "beta", "gamma"};
	size_t *cmp[] = {f->cmp_alpha, f->cmp_beta, f->cmp_gamma};
	size_t ncmp[] = {2, 3, 2};
	int warmups[] = {1, 0, 2}, reps[] = {3, 2, 1};
	enum plan_order orders[] = {ORDER_COUNTERBALANCED, ORDER_WILLIAMS, ORDER_RANDOM};
	for (int i = 0; i < 3; i++) {
		f->cells[i] = (struct matrix_cell){
		    .name = (char *)names[i],
		    .pointer = (char *)"/cells/0",
		    .tier = i,
		    .kernel_events = num(100 * (i + 1), i == 0 ? "high" : NULL),
		    .span_events = num(25, "medium"),
		    .concurrency = num(i + 1, NULL),
		    .payload_bytes = num(128, "small"),
		    .span_event_limit = 128,
		    .timeout_ms = 300000,
		    .repetitions = reps[i],
		    .warmups = warmups[i],
		    .compare = cmp[i],
		    .n_compare = ncmp[i],
		    .order = orders[i],
		    .seed = 1,
		};
	}
	f->m = (struct matrix){
	    .path = (char *)"matrices/test.yaml",
	    .name = (char *)"test",
	    .tier = 1,
	    .arms = f->arms,
	    .n_arms = 3,
	    .workload = {.builtin = true},
	    .gates = {.preflight = true},
	    .cells = f->cells,
	    .n_cells = 3,
	};
	memset(f->m.sha256, 'a', 64);
	return f;
}

static int setup(void **state)
{
	*state = fixture_new();
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static struct plan *expand_ok(const struct matrix *m, const struct plan_select *sel)
{
	struct diag_list d;
	diag_list_init(&d);
	struct plan *p = plan_expand(m, sel, &d);
	if (!p)
		fail_msg("expansion failed: %s", d.len ? d.items[0].message : "(no diagnostic)");
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
	return p;
}

/* Expects failure with exactly one error whose message is msg. */
static void expand_fails(const struct matrix *m, const struct plan_select *sel, const char *code,
                         const char *msg)
{
	struct diag_list d;
	diag_list_init(&d);
	assert_null(plan_expand(m, sel, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, code);
	assert_string_equal(d.items[0].message, msg);
	diag_list_release(&d);
}

struct want {
	const char *cell;
	enum plan_phase phase;
	int round, slot;
	const char *arm;
};

static void assert_dispatch(const struct plan *p, size_t i, const struct want *w)
{
	const struct plan_dispatch *pd = &p->dispatches[i];
	char work[32];
	snprintf(work, sizeof(work), "work/%06zu", i);
	assert_int_equal(pd->index, i);
	assert_string_equal(p->matrix->cells[pd->cell].name, w->cell);
	assert_int_equal(pd->phase, w->phase);
	assert_int_equal(pd->round, w->round);
	assert_int_equal(pd->slot, w->slot);
	assert_string_equal(p->matrix->arms[pd->arm].name, w->arm);
	assert_string_equal(pd->work_dir, work);
}

static void test_counts_and_order(void **state)
{
	struct fixture *f = *state;
	struct plan *p = expand_ok(&f->m, NULL);
	/* (calibrate 1 + warm-ups + repetitions) rounds × arms: 2×5 + 3×3 + 2×4 */
	assert_int_equal(p->n_cells, 3);
	assert_int_equal(p->n_dispatches, 27);
	const char *ro = "runner-only", *dc = "dual-capture", *bare = "bare";
	const struct want alpha[] = {
	    {"alpha", PHASE_CALIBRATE, 1, 0, ro}, {"alpha", PHASE_CALIBRATE, 1, 1, dc},
	    {"alpha", PHASE_WARMUP, 1, 0, ro},    {"alpha", PHASE_WARMUP, 1, 1, dc},
	    {"alpha", PHASE_MEASURE, 1, 0, ro},   {"alpha", PHASE_MEASURE, 1, 1, dc},
	    {"alpha", PHASE_MEASURE, 2, 0, dc},   {"alpha", PHASE_MEASURE, 2, 1, ro},
	    {"alpha", PHASE_MEASURE, 3, 0, ro},   {"alpha", PHASE_MEASURE, 3, 1, dc},
	};
	for (size_t i = 0; i < 10; i++)
		assert_dispatch(p, i, &alpha[i]);
	/* beta, williams with 3 arms: rows 0,1,2 then 1,2,0 (calibrate is in declared order) */
	const struct want beta[] = {
	    {"beta", PHASE_CALIBRATE, 1, 0, bare}, {"beta", PHASE_CALIBRATE, 1, 1, ro},
	    {"beta", PHASE_CALIBRATE, 1, 2, dc},   {"beta", PHASE_MEASURE, 1, 0, bare},
	    {"beta", PHASE_MEASURE, 1, 1, ro},     {"beta", PHASE_MEASURE, 1, 2, dc},
	    {"beta", PHASE_MEASURE, 2, 0, ro},     {"beta", PHASE_MEASURE, 2, 1, dc},
	    {"beta", PHASE_MEASURE, 2, 2, bare},
	};
	for (size_t i = 0; i < 9; i++)
		assert_dispatch(p, 10 + i, &beta[i]);
	/* gamma: every round holds both arms once; phases in order */
	const enum plan_phase phases[] = {PHASE_CALIBRATE, PHASE_WARMUP, PHASE_WARMUP,
	                                  PHASE_MEASURE};
	const int rounds[] = {1, 1, 2, 1};
	for (size_t r = 0; r < 4; r++) {
		const struct plan_dispatch *a = &p->dispatches[19 + 2 * r], *b = a + 1;
		assert_int_equal(a->phase, phases[r]);
		assert_int_equal(b->phase, phases[r]);
		assert_int_equal(a->round, rounds[r]);
		assert_int_equal(a->slot, 0);
		assert_int_equal(b->slot, 1);
		assert_true(a->arm != b->arm);
		assert_true(a->arm == ARM_BARE || a->arm == ARM_DUAL);
	}
	plan_free(p);
}

static void test_preflight_off(void **state)
{
	struct fixture *f = *state;
	f->m.gates.preflight = false;
	struct plan *p = expand_ok(&f->m, NULL);
	assert_int_equal(p->n_dispatches, 27 - 7);
	for (size_t i = 0; i < p->n_dispatches; i++) {
		assert_int_not_equal(p->dispatches[i].phase, PHASE_CALIBRATE);
		assert_int_equal(p->dispatches[i].index, i);
	}
	const struct want first = {"alpha", PHASE_WARMUP, 1, 0, "runner-only"};
	assert_dispatch(p, 0, &first);
	plan_free(p);
}

static void assert_argv(const struct plan_dispatch *pd, const char *const *want, size_t n)
{
	assert_int_equal(pd->argc, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(pd->argv[i], want[i]);
	assert_null(pd->argv[n]);
}

static void test_builtin_argv(void **state)
{
	struct fixture *f = *state;
	struct plan *p = expand_ok(&f->m, NULL);
	/* runner-only has no spans: the span flags are left out altogether */
	const char *plain[] = {"tare",          "workload",  "--kernel-events", "100",
	                       "--concurrency", "1",         "--payload",       "128",
	                       "--work-dir",    "{work_dir}"};
	assert_argv(&p->dispatches[0], plain, 10);
	const char *spans[] = {"tare",
	                       "workload",
	                       "--kernel-events",
	                       "100",
	                       "--concurrency",
	                       "1",
	                       "--payload",
	                       "128",
	                       "--work-dir",
	                       "{work_dir}",
	                       "--span-events",
	                       "25",
	                       "--span-event-limit",
	                       "128",
	                       "--trace-out",
	                       "{trace_out}"};
	assert_argv(&p->dispatches[1], spans, 16);
	assert_int_equal(p->dispatches[1].env_len, 0);
	plan_free(p);
}

static void test_command_placeholders(void **state)
{
	struct fixture *f = *state;
	char *cmd[] = {"./app",
	               "--k={kernel_events}",
	               "{span_events}",
	               "{{literal}}",
	               "{cell}/{arm}/{phase}/{round}/{index}",
	               "{work_dir}/{trace_out}",
	               "{payload_bytes}:{concurrency}:{span_event_limit}",
	               "{{work_dir}}"};
	struct matrix_env env[] = {{"APP_SPANS", "{span_events}"}, {"BRACES", "x{{y}}{arm}"}};
	f->m.workload = (struct matrix_workload){
	    .builtin = false, .command = cmd, .command_len = 8, .env = env, .env_len = 2};
	struct plan *p = expand_ok(&f->m, NULL);
	/* index 7: alpha, measure round 2, slot 1, runner-only (no spans ⇒ span_events 0) */
	const char *no_spans[] = {"./app",
	                          "--k=100",
	                          "0",
	                          "{{literal}}",
	                          "alpha/runner-only/measure/2/7",
	                          "{work_dir}/{trace_out}",
	                          "128:1:128",
	                          "{{work_dir}}"};
	assert_argv(&p->dispatches[7], no_spans, 8);
	assert_int_equal(p->dispatches[7].env_len, 2);
	assert_string_equal(p->dispatches[7].env[0].name, "APP_SPANS");
	assert_string_equal(p->dispatches[7].env[0].value, "0");
	assert_string_equal(p->dispatches[7].env[1].value, "x{{y}}runner-only");
	/* index 6: the dual-capture arm gets the cell's span events */
	assert_string_equal(p->dispatches[6].argv[2], "25");
	assert_string_equal(p->dispatches[6].argv[4], "alpha/dual-capture/measure/2/6");
	assert_string_equal(p->dispatches[6].env[0].value, "25");
	/* a calibrate dispatch of beta */
	assert_string_equal(p->dispatches[11].argv[4], "beta/runner-only/calibrate/1/11");
	assert_string_equal(p->dispatches[11].argv[1], "--k=200");
	plan_free(p);
}

static void test_unknown_placeholder(void **state)
{
	struct fixture *f = *state;
	char *cmd[] = {"./app", "{nope}"};
	f->m.workload =
	    (struct matrix_workload){.builtin = false, .command = cmd, .command_len = 2};
	expand_fails(&f->m, NULL, "plan.placeholder",
	             "unknown placeholder '{nope}' in workload.command '{nope}'");
	char *bad[] = {"./app", "{unclosed"};
	f->m.workload.command = bad;
	struct diag_list d;
	diag_list_init(&d);
	assert_null(plan_expand(&f->m, NULL, &d));
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "plan.template");
	diag_list_release(&d);
}

static void assert_cells(const struct plan *p, const char *const *names, size_t n)
{
	assert_int_equal(p->n_cells, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(p->matrix->cells[p->cells[i]].name, names[i]);
	/* the dispatches belong to exactly those cells, in that order */
	size_t c = 0;
	for (size_t i = 0; i < p->n_dispatches; i++) {
		while (c < n && p->dispatches[i].cell != p->cells[c])
			c++;
		assert_true(c < n);
	}
}

static void test_select_globs_and_tier(void **state)
{
	struct fixture *f = *state;
	const char *globs[] = {"gam*", "a?pha"};
	struct plan_select sel = {globs, 2, -1, 0, 0};
	struct plan *p = expand_ok(&f->m, &sel);
	const char *ag[] = {"alpha", "gamma"};
	assert_cells(p, ag, 2); /* matrix order, not glob order */
	assert_int_equal(p->n_dispatches, 18);
	plan_free(p);

	sel = (struct plan_select){NULL, 0, 1, 0, 0};
	p = expand_ok(&f->m, &sel);
	const char *ab[] = {"alpha", "beta"};
	assert_cells(p, ab, 2);
	plan_free(p);

	sel = (struct plan_select){NULL, 0, 0, 0, 0};
	p = expand_ok(&f->m, &sel);
	assert_cells(p, ab, 1);
	plan_free(p);

	const char *typo[] = {"alpha", "zeta*"};
	sel = (struct plan_select){typo, 2, -1, 0, 0};
	expand_fails(&f->m, &sel, "plan.no-cell", "no cell matches 'zeta*'");

	/* a glob that matches, filtered away by the tier: nothing left is an error too */
	const char *g[] = {"gamma"};
	sel = (struct plan_select){g, 1, 1, 0, 0};
	expand_fails(&f->m, &sel, "plan.no-cell", "no cell has tier <= 1 among the cells matched");
}

static void test_select_shard(void **state)
{
	struct fixture *f = *state;
	/* shards are balanced by estimated time, longest first (plan/shard.h): gamma (8 dispatches
	 * of 300 events) alone outweighs alpha and beta, which share the other shard */
	struct plan_select sel = {NULL, 0, -1, 1, 2};
	struct plan *p = expand_ok(&f->m, &sel);
	const char *first[] = {"gamma"};
	assert_cells(p, first, 1);
	assert_int_equal(p->dispatches[0].index, 0); /* indices restart in every shard's plan */
	plan_free(p);

	sel.shard_index = 2;
	p = expand_ok(&f->m, &sel);
	const char *second[] = {"alpha", "beta"}; /* matrix order within a shard */
	assert_cells(p, second, 2);
	plan_free(p);

	/* shards deal the selected cells, not the matrix's */
	const char *globs[] = {"beta", "gamma"};
	sel = (struct plan_select){globs, 2, -1, 2, 2};
	p = expand_ok(&f->m, &sel);
	const char *g[] = {"beta"};
	assert_cells(p, g, 1);
	plan_free(p);

	/* an empty shard is fine: CI fans out without knowing the cell count */
	sel = (struct plan_select){NULL, 0, 0, 2, 3};
	p = expand_ok(&f->m, &sel);
	assert_int_equal(p->n_cells, 0);
	assert_int_equal(p->n_dispatches, 0);
	plan_free(p);

	sel = (struct plan_select){NULL, 0, -1, 3, 2};
	expand_fails(&f->m, &sel, "plan.shard",
	             "shard 3/2 is out of range (want I/N with 1 <= I <= N)");
	sel = (struct plan_select){NULL, 0, -1, 0, 2};
	expand_fails(&f->m, &sel, "plan.shard",
	             "shard 0/2 is out of range (want I/N with 1 <= I <= N)");
}

/* The estimate is the documented model: 50 ms a dispatch, 2 ms a kernel event plus 1 µs per
 * 1000 payload bytes, 3 µs a span event. */
static void test_shard_estimate(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(plan_cell_dispatches(&f->m, &f->cells[0]), 10);
	assert_int_equal(plan_cell_dispatches(&f->m, &f->cells[1]), 9);
	assert_int_equal(plan_cell_estimate_us(&f->m, &f->cells[0]),
	                 10 * (50000 + 100 * (2000 + 0) + 25 * 3));
	f->cells[0].payload_bytes = num(65536, "large");
	assert_int_equal(plan_cell_estimate_us(&f->m, &f->cells[0]),
	                 10 * (50000 + 100 * (2000 + 65) + 25 * 3));
	f->m.gates.preflight = false; /* no calibration round */
	assert_int_equal(plan_cell_dispatches(&f->m, &f->cells[1]), 6);
}

/* Longest first onto the least-loaded shard; every cell lands once; more shards than cells leave
 * shards empty; equal estimates keep matrix order. */
static void test_shard_assign(void **state)
{
	struct fixture *f = *state;
	size_t cells[] = {0, 1, 2};
	int shard_of[3] = {-1, -1, -1};
	plan_shard_assign(&f->m, cells, 3, 3, shard_of);
	assert_int_equal(shard_of[2], 0); /* gamma, the longest */
	assert_int_equal(shard_of[1], 1);
	assert_int_equal(shard_of[0], 2);
	plan_shard_assign(&f->m, cells, 3, 5, shard_of);
	assert_true(shard_of[0] < 3 && shard_of[1] < 3 && shard_of[2] < 3);
	for (int i = 0; i < 3; i++)
		f->cells[i] = f->cells[0];
	plan_shard_assign(&f->m, cells, 3, 2, shard_of);
	assert_int_equal(shard_of[0], 0);
	assert_int_equal(shard_of[1], 1);
	assert_int_equal(shard_of[2], 0);
}

/* Every shard records the digest of the whole plan, which ignores where the matrix file was. */
static void test_shard_digest(void **state)
{
	struct fixture *f = *state;
	struct plan *full = expand_ok(&f->m, NULL);
	char hex[65];
	plan_digest(full, hex);
	assert_int_equal(strlen(hex), 64);
	assert_string_equal(full->full_sha256, "");
	for (int i = 1; i <= 3; i++) {
		struct plan_select sel = {NULL, 0, -1, i, 3};
		struct plan *p = expand_ok(&f->m, &sel);
		assert_string_equal(p->full_sha256, hex);
		plan_free(p);
	}
	f->m.path = (char *)"elsewhere/test.yaml";
	char moved[65];
	struct plan *again = expand_ok(&f->m, NULL);
	plan_digest(again, moved);
	assert_string_equal(moved, hex);
	plan_free(again);
	f->cells[1].repetitions = 3; /* another plan, another digest */
	again = expand_ok(&f->m, NULL);
	plan_digest(again, moved);
	assert_string_not_equal(moved, hex);
	plan_free(again);
	plan_free(full);
}

static char *plan_string(const struct matrix *m, const struct plan_select *sel)
{
	struct plan *p = expand_ok(m, sel);
	struct json_object *o = plan_to_json(p);
	char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	plan_free(p);
	return s;
}

static void test_json_deterministic(void **state)
{
	struct fixture *f = *state;
	const char *globs[] = {"*"};
	struct plan_select sel = {globs, 1, 2, 1, 1};
	char *a = plan_string(&f->m, &sel), *b = plan_string(&f->m, &sel);
	assert_string_equal(a, b);
	/* the fixed key order, visible at the start of the document */
	const char *head = "{\"schema\":\"tare.plan.v1\",\"matrix\":{\"name\":\"test\","
	                   "\"path\":\"matrices\\/test.yaml\",\"sha256\":\"aaaa";
	assert_memory_equal(a, head, strlen(head));
	assert_non_null(strstr(a, "\"selection\":{\"cells\":[\"*\"],\"max_tier\":2,"
	                          "\"shard\":{\"index\":1,\"count\":1,\"plan_sha256\":\""));
	assert_non_null(strstr(a, "\"counts\":{\"cells\":3,\"dispatches\":27,"
	                          "\"by_phase\":{\"calibrate\":7,\"warmup\":6,\"measure\":14}}}"));
	free(a);
	free(b);
}

/* plan_write_json streams what printing plan_to_json's tree gives, byte for byte, pretty or not,
 * with and without empty arrays. */
static void test_json_stream_matches_tree(void **state)
{
	struct fixture *f = *state;
	const char *globs[] = {"alpha", "g*"};
	struct plan_select sels[] = {{NULL, 0, -1, 0, 0}, {globs, 2, 2, 1, 2}, {NULL, 0, 0, 2, 3}};
	char *cmd[] = {"./app", "{cell}", "a/b"};
	struct matrix_env env[] = {{"A", "{arm}"}, {"B", "\"quoted\"\n"}};
	for (int builtin = 0; builtin < 2; builtin++) {
		f->m.workload = (struct matrix_workload){.builtin = builtin,
		                                         .command = builtin ? NULL : cmd,
		                                         .command_len = builtin ? 0 : 3,
		                                         .env = builtin ? NULL : env,
		                                         .env_len = builtin ? 0 : 2};
		for (size_t i = 0; i < 3; i++) {
			struct plan *p = expand_ok(&f->m, &sels[i]);
			for (int pretty = 0; pretty < 2; pretty++) {
				int flags =
				    JSON_C_TO_STRING_NOSLASHESCAPE |
				    (pretty ? JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_PRETTY
				            : JSON_C_TO_STRING_PLAIN);
				struct json_object *o = plan_to_json(p);
				struct strbuf want;
				strbuf_init(&want);
				strbuf_addstr(&want, json_object_to_json_string_ext(o, flags));
				strbuf_addch(&want, '\n');
				json_object_put(o);
				char *got = NULL;
				size_t len = 0;
				FILE *mem = open_memstream(&got, &len);
				assert_non_null(mem);
				assert_int_equal(plan_write_json(p, mem, pretty), 0);
				fclose(mem);
				assert_string_equal(got, want.buf);
				free(got);
				strbuf_release(&want);
			}
			plan_free(p);
		}
	}
}

/* The same for the committed matrices (and the end-to-end tests' ones, which run commands),
 * loaded from their files: sweeps, levels, labels, commands and env as people write them. */
static void test_json_stream_matches_tree_committed(void **state)
{
	(void)state;
	glob_t g;
	assert_int_equal(glob(TARE_SOURCE_DIR "/matrices/*.yaml", 0, NULL, &g), 0);
	assert_int_equal(glob(TARE_SOURCE_DIR "/tests/e2e/matrices/*.yaml", GLOB_APPEND, NULL, &g),
	                 0);
	assert_true(g.gl_pathc >= 6);
	for (size_t k = 0; k < g.gl_pathc; k++) {
		struct diag_list d;
		diag_list_init(&d);
		struct matrix *m = matrix_load(g.gl_pathv[k], &d);
		if (!m)
			fail_msg("%s: %s", g.gl_pathv[k], d.len ? d.items[0].message : "?");
		diag_list_release(&d);
		struct plan *p = expand_ok(m, NULL);
		for (int pretty = 0; pretty < 2; pretty++) {
			struct json_object *o = plan_to_json(p);
			struct strbuf want;
			strbuf_init(&want);
			strbuf_addstr(&want, json_object_to_json_string_ext(
			                         o, JSON_C_TO_STRING_NOSLASHESCAPE |
			                                (pretty ? JSON_C_TO_STRING_SPACED |
			                                              JSON_C_TO_STRING_PRETTY
			                                        : JSON_C_TO_STRING_PLAIN)));
			strbuf_addch(&want, '\n');
			json_object_put(o);
			char *got = NULL;
			size_t len = 0;
			FILE *mem = open_memstream(&got, &len);
			assert_non_null(mem);
			assert_int_equal(plan_write_json(p, mem, pretty), 0);
			fclose(mem);
			if (strcmp(got, want.buf) != 0)
				fail_msg("%s (%s): the streamed plan differs from the tree",
				         g.gl_pathv[k], pretty ? "pretty" : "plain");
			free(got);
			strbuf_release(&want);
		}
		plan_free(p);
		matrix_free(m);
	}
	globfree(&g);
}

static void test_dispatch_json(void **state)
{
	struct fixture *f = *state;
	struct matrix_env env[] = {{"ZED", "z"}, {"ALPHA", "{arm}"}}; /* deliberately unsorted */
	char *cmd[] = {"./app"};
	f->m.workload = (struct matrix_workload){
	    .builtin = false, .command = cmd, .command_len = 1, .env = env, .env_len = 2};
	struct plan *p = expand_ok(&f->m, NULL);
	struct json_object *o = plan_dispatch_to_json(p, &p->dispatches[1]);
	assert_string_equal(
	    json_object_to_json_string_ext(o,
	                                   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
	    "{\"index\":1,\"cell\":\"alpha\",\"phase\":\"calibrate\",\"round\":1,\"slot\":1,"
	    "\"arm\":\"dual-capture\",\"params\":{\"kernel_events\":{\"value\":100,\"label\":"
	    "\"high\"},\"span_events\":{\"value\":25,\"label\":\"medium\"},\"concurrency\":{"
	    "\"value\":1,\"label\":null},\"payload_bytes\":{\"value\":128,\"label\":\"small\"},"
	    "\"span_event_limit\":{\"value\":128},\"timeout_ms\":{\"value\":300000}},\"argv\":["
	    "\"./app\"],\"env\":{\"ALPHA\":\"dual-capture\",\"ZED\":\"z\"},\"work_dir\":"
	    "\"work/000001\"}");
	json_object_put(o);
	plan_free(p);
}

static void test_schema_valid(void **state)
{
	struct fixture *f = *state;
	struct diag_list d;
	diag_list_init(&d);
	struct schema *s = schema_load_file(TARE_SOURCE_DIR "/schemas/plan.v1.schema.json", &d);
	if (!s)
		fail_msg("plan schema does not compile: %s", d.len ? d.items[0].message : "?");
	const char *globs[] = {"alpha", "g*"};
	struct plan_select sels[] = {{NULL, 0, -1, 0, 0}, {globs, 2, 2, 1, 2}, {NULL, 0, 0, 2, 3}};
	for (size_t i = 0; i < 3; i++) {
		struct plan *p = expand_ok(&f->m, &sels[i]);
		struct json_object *o = plan_to_json(p);
		if (schema_validate(s, o, NULL, &d) < 0)
			fail_msg("plan does not validate: %s at %s", d.items[0].message,
			         d.items[0].pointer ? d.items[0].pointer : "/");
		/* and the schema is not vacuous: a dispatch with round 0 and a stray key fails */
		struct json_object *ds = json_object_object_get(o, "dispatches");
		if (json_object_array_length(ds) > 0) {
			struct json_object *d0 = json_object_array_get_idx(ds, 0);
			json_object_object_add(d0, "round", json_object_new_int(0));
			json_object_object_add(d0, "extra", json_object_new_int(1));
			assert_int_equal(schema_validate(s, o, NULL, &d), -1);
			assert_true(d.len >= 2);
			diag_list_release(&d);
			diag_list_init(&d);
		}
		json_object_put(o);
		plan_free(p);
	}
	schema_free(s);
	diag_list_release(&d);
}

static void test_duration_format(void **state)
{
	(void)state;
	const struct {
		uint64_t ms;
		const char *want;
	} cases[] = {
	    {0, "0s"},
	    {250, "250ms"},
	    {1000, "1s"},
	    {1001, "2s"}, /* an upper bound rounds up */
	    {45000, "45s"},
	    {125000, "2m 5s"},
	    {3600000, "1h 0m 0s"},
	    {8100000, "2h 15m 0s"},
	    {273600000, "3d 4h 0m 0s"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb;
		strbuf_init(&sb);
		plan_format_duration(cases[i].ms, &sb);
		assert_string_equal(sb.buf, cases[i].want);
		strbuf_release(&sb);
	}
}

static void test_table(void **state)
{
	struct fixture *f = *state;
	const char *globs[] = {"alpha"};
	struct plan_select sel = {globs, 1, -1, 0, 0};
	struct plan *p = expand_ok(&f->m, &sel);
	struct strbuf sb;
	strbuf_init(&sb);
	plan_table_write(p, &sb);
	assert_string_equal(
	    sb.buf,
	    "matrix test (sha256 aaaaaaaaaaaa)\n"
	    "\n"
	    "cell alpha: kernel_events=100 (high) span_events=25 (medium) concurrency=1 "
	    "payload_bytes=128 (small) span_event_limit=128\n"
	    "  order counterbalanced, tier 0, seed 1, timeout 5m 0s\n"
	    "  index  phase      round  slot  arm           capture  spans\n"
	    "      0  calibrate      1     0  runner-only   ebpf     no\n"
	    "      1  calibrate      1     1  dual-capture  ebpf     yes\n"
	    "      2  warmup         1     0  runner-only   ebpf     no\n"
	    "      3  warmup         1     1  dual-capture  ebpf     yes\n"
	    "      4  measure        1     0  runner-only   ebpf     no\n"
	    "      5  measure        1     1  dual-capture  ebpf     yes\n"
	    "      6  measure        2     0  dual-capture  ebpf     yes\n"
	    "      7  measure        2     1  runner-only   ebpf     no\n"
	    "      8  measure        3     0  runner-only   ebpf     no\n"
	    "      9  measure        3     1  dual-capture  ebpf     yes\n"
	    "\n"
	    "1 cell, 10 dispatches (2 calibrate, 2 warmup, 6 measure); at most 50m 0s if every "
	    "dispatch ran to its timeout\n");
	strbuf_release(&sb);
	plan_free(p);

	/* the whole plan: the total line sums every dispatch's timeout */
	p = expand_ok(&f->m, NULL);
	strbuf_init(&sb);
	plan_table_write(p, &sb);
	const char *tail = "3 cells, 27 dispatches (7 calibrate, 6 warmup, 14 measure); at most 2h "
	                   "15m 0s if every dispatch ran to its timeout\n";
	assert_true(sb.len > strlen(tail));
	assert_string_equal(sb.buf + sb.len - strlen(tail), tail);
	assert_non_null(strstr(sb.buf, "\ncell beta: kernel_events=200 span_events=25 (medium) "
	                               "concurrency=2 payload_bytes=128 (small)"));
	assert_non_null(strstr(sb.buf, "  order williams, tier 1,"));
	strbuf_release(&sb);
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_counts_and_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_preflight_off, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_builtin_argv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_command_placeholders, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_placeholder, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_select_globs_and_tier, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_select_shard, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shard_estimate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shard_assign, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shard_digest, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_json_deterministic, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_json_stream_matches_tree, setup, teardown),
	    cmocka_unit_test(test_json_stream_matches_tree_committed),
	    cmocka_unit_test_setup_teardown(test_dispatch_json, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_schema_valid, setup, teardown),
	    cmocka_unit_test(test_duration_format),
	    cmocka_unit_test_setup_teardown(test_table, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
