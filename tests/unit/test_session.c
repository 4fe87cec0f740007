/* Unit tests for the run session (src/run/session.h) driven by a fake dispatcher that replays
 * what a healthy machine records, so the loop, the skip-cell policy, interruption, resume and the
 * directory rule run without root. Matrices are written to a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "report/run_dir.h"
#include "run/run_dir_create.h"
#include "run/session.h"

/* Three cells of 8 dispatches each (1 calibration round, 1 warm-up, 2 repetitions, 2 arms). */
#define N_DISPATCHES 24
static const char matrix_yaml[] = "tare: 1\n"
                                  "name: session\n"
                                  "arms:\n"
                                  "  cap: {capture: ebpf, spans: false}\n"
                                  "  bare: {capture: none, spans: false}\n"
                                  "workload:\n"
                                  "  command: [/bin/true, \"{kernel_events}\"]\n"
                                  "  kernel_match: '^x$'\n"
                                  "defaults: {repetitions: 2, warmups: 1, timeout: 10s, "
                                  "kernel_events: 4}\n"
                                  "gates:\n"
                                  "  calibration: {on_fail: %s}\n"
                                  "cells:\n"
                                  "  - {name: steady}\n"
                                  "  - {name: drifting}\n"
                                  "  - {name: third}\n";

/* The fake: per dispatch, the sample a clean run records (every kernel event counted, capture
 * counters balanced, exit 0), except that the cell named drift counts one event short. */
struct fake {
	const char *drift;
	size_t interrupt_at; /* sets *flag once this index is dispatched; SIZE_MAX: never */
	volatile sig_atomic_t *flag;
	size_t calls[N_DISPATCHES * 2];
	size_t n_calls;
	size_t settled, kept;
};

static int fake_dispatch(void *ctx, const struct plan *p, const struct plan_dispatch *pd,
                         struct sample *s, struct dispatch_observation *obs, struct diag_list *d)
{
	(void)d;
	struct fake *f = ctx;
	const struct matrix_cell *c = &p->matrix->cells[pd->cell];
	const struct matrix_arm *arm = &p->matrix->arms[pd->arm];
	assert_true(f->n_calls < sizeof(f->calls) / sizeof(f->calls[0]));
	f->calls[f->n_calls++] = pd->index;
	sample_init(s);
	s->index = pd->index;
	s->cell = strdup(c->name);
	s->phase = pd->phase;
	s->round = pd->round;
	s->slot = pd->slot;
	s->arm = strdup(arm->name);
	s->capture = arm->capture == ARM_CAPTURE_EBPF;
	s->kernel_target = c->kernel_events.value;
	s->span_target = c->span_events.value;
	s->concurrency = c->concurrency.value;
	s->payload_bytes = c->payload_bytes.value;
	s->span_event_limit = c->span_event_limit;
	s->timeout_ms = c->timeout_ms;
	s->argv = calloc(2, sizeof(*s->argv));
	s->argv[0] = strdup("/bin/true");
	s->argc = 1;
	s->start_unix_ns = 1700000000000000000 + (int64_t)pd->index * 1000000;
	s->spawn_ns = 200000;
	s->workload_ns = 1000000 + (int64_t)pd->index * 1000;
	s->wall_ns = s->spawn_ns + s->workload_ns;
	if (s->capture) {
		int64_t n = s->kernel_target - (f->drift && strcmp(f->drift, c->name) == 0);
		s->has_capture = true;
		s->emitted = s->received = s->filtered_in = (uint64_t)n;
		s->capture_clean = true;
		s->kernel_events_matched = s->kernel_unique_paths = n;
		obs->kernel_counted = true;
	}
	if (pd->index == f->interrupt_at)
		*f->flag = 1;
	return 0;
}

static void fake_settle(void *ctx, const struct plan_dispatch *pd, bool keep_output,
                        struct diag_list *d)
{
	(void)pd;
	(void)d;
	struct fake *f = ctx;
	f->settled++;
	f->kept += keep_output;
}

static struct fake *fake_new(struct dispatcher *disp)
{
	struct fake *f = calloc(1, sizeof(*f));
	f->interrupt_at = SIZE_MAX;
	*disp = (struct dispatcher){fake_dispatch, fake_settle, f};
	return f;
}

struct env {
	char root[64];
	char matrix[96];
	char run[96];
};

static int remove_all(const char *dir)
{
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	int rc = system(cmd);
	free(cmd);
	return rc;
}

static struct env *env_new(const char *on_fail)
{
	struct env *e = calloc(1, sizeof(*e));
	strcpy(e->root, "/tmp/tare-session-XXXXXX");
	assert_non_null(mkdtemp(e->root));
	snprintf(e->matrix, sizeof(e->matrix), "%s/session.yaml", e->root);
	snprintf(e->run, sizeof(e->run), "%s/run", e->root);
	FILE *f = fopen(e->matrix, "w");
	assert_non_null(f);
	fprintf(f, matrix_yaml, on_fail);
	fclose(f);
	return e;
}

static void env_free(struct env *e)
{
	remove_all(e->root);
	free(e);
}

/* A fresh session in e->run for the whole plan, or the shard I/N of it. */
static void start(struct env *e, struct run_session *s, int shard_index, int shard_count)
{
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load(e->matrix, &d);
	assert_non_null(m);
	struct plan_select sel = {NULL, 0, -1, shard_index, shard_count};
	struct plan *p = plan_expand(m, &sel, &d);
	assert_non_null(p);
	assert_int_equal(run_session_start(s, e->run, e->matrix, m, p, &d), 0);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
}

static void resume(struct env *e, struct run_session *s)
{
	struct diag_list d;
	diag_list_init(&d);
	int rc = run_session_resume(s, e->run, &d);
	if (rc < 0 || diag_error_count(&d) > 0)
		diag_print_text(stderr, &d);
	assert_int_equal(rc, 0);
	diag_list_release(&d);
}

static int dispatch(struct run_session *s, const struct dispatcher *disp,
                    volatile sig_atomic_t *flag)
{
	struct diag_list d;
	diag_list_init(&d);
	int rc = run_session_dispatch(s, disp, NULL, flag, &d);
	assert_int_equal(diag_error_count(&d), 0);
	diag_list_release(&d);
	return rc;
}

/* The plan indices of samples.jsonl, in file order; returns how many. Every line must be a
 * complete JSON object. */
static size_t recorded_indices(const struct env *e, size_t *out, size_t cap)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", e->run, RUN_SAMPLES_FILE);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *line = NULL;
	size_t lcap = 0, n = 0;
	ssize_t len;
	while ((len = getline(&line, &lcap, f)) > 0) {
		assert_int_equal(line[len - 1], '\n');
		struct json_object *o = json_tokener_parse(line), *idx = NULL;
		assert_non_null(o);
		assert_true(json_object_object_get_ex(o, "index", &idx));
		assert_true(n < cap);
		out[n++] = (size_t)json_object_get_int64(idx);
		json_object_put(o);
	}
	free(line);
	fclose(f);
	return n;
}

static void assert_each_index_once(const struct env *e, const struct plan *p)
{
	size_t idx[N_DISPATCHES * 2];
	size_t n = recorded_indices(e, idx, N_DISPATCHES * 2);
	assert_int_equal(n, p->n_dispatches);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(idx[i], p->dispatches[i].index);
}

static void finish_outputs(struct run_session *s)
{
	struct diag_list d;
	diag_list_init(&d);
	struct verdict_set v;
	struct json_object *vj = NULL;
	assert_int_equal(run_session_finish(s, NULL, &v, &vj, &d), 0);
	assert_non_null(vj);
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", s->dir, RUN_VERDICTS_FILE);
	assert_int_equal(access(path, F_OK), 0);
	json_object_put(vj);
	verdict_set_release(&v);
	diag_list_release(&d);
}

static size_t count_cell(const struct run_session *s, const char *cell, enum plan_phase phase,
                         bool timed)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_samples; i++)
		if (strcmp(s->samples[i].cell, cell) == 0 &&
		    (timed ? s->samples[i].phase != PHASE_CALIBRATE : s->samples[i].phase == phase))
			n++;
	return n;
}

static size_t events, cell_ends;
static void count_cell_skips(void *ctx, enum session_event ev, const struct plan_dispatch *pd)
{
	const struct run_session *s = ctx;
	events += ev == SESSION_CELL_SKIP;
	if (ev == SESSION_CELL_END) {
		/* the cell is over: no later dispatch of the plan belongs to it */
		cell_ends++;
		assert_true(s->next == s->plan->n_dispatches ||
		            s->plan->dispatches[s->next].cell != pd->cell);
	}
}

static void test_drifting_calibration_skips_the_cell(void **state)
{
	(void)state;
	struct env *e = env_new("skip-cell");
	struct dispatcher disp;
	struct fake *f = fake_new(&disp);
	f->drift = "drifting";
	struct run_session s;
	start(e, &s, 0, 0);
	struct diag_list d;
	diag_list_init(&d);
	events = cell_ends = 0;
	struct session_observer obs = {count_cell_skips, &s};
	assert_int_equal(run_session_dispatch(&s, &disp, &obs, NULL, &d), 0);
	diag_list_release(&d);
	assert_int_equal(events, 1);
	assert_int_equal(cell_ends, 3); /* the skipped cell ends too */
	/* its calibration ran and was judged broken; nothing timed ran or was recorded */
	assert_int_equal(count_cell(&s, "drifting", PHASE_CALIBRATE, false), 2);
	assert_int_equal(count_cell(&s, "drifting", 0, true), 0);
	for (size_t i = 0; i < f->n_calls; i++)
		assert_false(f->calls[i] >= 10 && f->calls[i] < 16);
	for (size_t i = 0; i < s.n_samples; i++)
		if (strcmp(s.samples[i].cell, "drifting") == 0 && s.samples[i].capture)
			assert_int_equal(s.samples[i].kernel.agreement, AGREE_DRIFT);
	/* the other cells ran whole and clean */
	assert_int_equal(count_cell(&s, "steady", 0, true), 6);
	assert_int_equal(count_cell(&s, "third", 0, true), 6);
	assert_int_equal(s.n_samples, N_DISPATCHES - 6);
	assert_int_equal(f->n_calls, N_DISPATCHES - 6);
	/* a broken calibration sample is invalid: the dispatcher keeps its output */
	assert_int_equal(f->settled, s.n_samples);
	assert_int_equal(f->kept, 1);
	finish_outputs(&s);
	run_session_release(&s);
	free(f);
	env_free(e);
}

static void test_drifting_calibration_recorded_with_record(void **state)
{
	(void)state;
	struct env *e = env_new("record");
	struct dispatcher disp;
	struct fake *f = fake_new(&disp);
	f->drift = "drifting";
	struct run_session s;
	start(e, &s, 0, 0);
	assert_int_equal(dispatch(&s, &disp, NULL), 0);
	assert_int_equal(count_cell(&s, "drifting", 0, true), 6);
	assert_int_equal(s.n_samples, N_DISPATCHES);
	for (size_t i = 0; i < s.n_samples; i++) {
		bool drifts = strcmp(s.samples[i].cell, "drifting") == 0 && s.samples[i].capture;
		assert_int_equal(s.samples[i].valid, !drifts);
	}
	assert_each_index_once(e, s.plan);
	run_session_release(&s);
	free(f);
	env_free(e);
}

static void test_interrupt_then_resume(void **state)
{
	(void)state;
	struct env *e = env_new("skip-cell");
	struct dispatcher disp;
	struct fake *f = fake_new(&disp);
	volatile sig_atomic_t flag = 0;
	f->flag = &flag;
	f->interrupt_at = 9; /* inside the second cell's calibration */
	struct run_session s;
	start(e, &s, 0, 0);
	assert_int_equal(dispatch(&s, &disp, &flag), 1);
	assert_int_equal(s.n_samples, 10);
	assert_int_equal(f->n_calls, 10);
	run_session_release(&s);
	char verdicts[128];
	snprintf(verdicts, sizeof(verdicts), "%s/%s", e->run, RUN_VERDICTS_FILE);
	assert_int_not_equal(access(verdicts, F_OK), 0);

	flag = 0;
	f->n_calls = 0;
	resume(e, &s);
	assert_int_equal(s.next, 10);
	assert_int_equal(s.n_samples, 10);
	assert_int_equal(dispatch(&s, &disp, &flag), 0);
	assert_int_equal(f->calls[0], 10);
	assert_int_equal(f->n_calls, N_DISPATCHES - 10);
	assert_each_index_once(e, s.plan);
	finish_outputs(&s);
	run_session_release(&s);

	/* resuming a finished run dispatches nothing and records nothing twice */
	f->n_calls = 0;
	resume(e, &s);
	assert_int_equal(dispatch(&s, &disp, &flag), 0);
	assert_int_equal(f->n_calls, 0);
	assert_each_index_once(e, s.plan);
	run_session_release(&s);
	free(f);
	env_free(e);
}

static void test_partial_last_line_is_redone(void **state)
{
	(void)state;
	struct env *e = env_new("skip-cell");
	struct dispatcher disp;
	struct fake *f = fake_new(&disp);
	volatile sig_atomic_t flag = 0;
	f->flag = &flag;
	f->interrupt_at = 4;
	struct run_session s;
	start(e, &s, 0, 0);
	assert_int_equal(dispatch(&s, &disp, &flag), 1);
	run_session_release(&s);
	/* an interruption in the middle of writing dispatch 5's line */
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", e->run, RUN_SAMPLES_FILE);
	FILE *log = fopen(path, "a");
	assert_non_null(log);
	fputs("{\"schema\":\"tare.sample.v1\",\"index\":5,\"cell\":\"ste", log);
	fclose(log);

	flag = 0;
	f->n_calls = 0;
	resume(e, &s);
	assert_int_equal(s.next, 5);
	assert_int_equal(dispatch(&s, &disp, &flag), 0);
	assert_int_equal(f->calls[0], 5);
	assert_each_index_once(e, s.plan);
	run_session_release(&s);
	free(f);
	env_free(e);
}

static void test_sharded_run_resumes(void **state)
{
	(void)state;
	struct env *e = env_new("skip-cell");
	struct dispatcher disp;
	struct fake *f = fake_new(&disp);
	volatile sig_atomic_t flag = 0;
	f->flag = &flag;
	f->interrupt_at = 2;
	struct run_session s;
	start(e, &s, 2, 3); /* the cell 'drifting' alone */
	assert_int_equal(s.plan->n_dispatches, 8);
	assert_string_equal(s.matrix->cells[s.plan->dispatches[0].cell].name, "drifting");
	assert_int_equal(dispatch(&s, &disp, &flag), 1);
	run_session_release(&s);
	flag = 0;
	resume(e, &s);
	assert_int_equal(s.plan->n_dispatches, 8);
	assert_int_equal(s.next, 3);
	assert_int_equal(dispatch(&s, &disp, &flag), 0);
	assert_each_index_once(e, s.plan);
	run_session_release(&s);
	free(f);
	env_free(e);
}

/* The directory rule: a user's folder is refused and left as it was; one run per directory. */
static void test_directory_rule_and_lock(void **state)
{
	(void)state;
	struct env *e = env_new("skip-cell");
	struct diag_list d;
	diag_list_init(&d);
	char p[160];
	assert_int_equal(mkdir(e->run, 0755), 0);
	snprintf(p, sizeof(p), "%s/summary.md", e->run);
	FILE *f = fopen(p, "w");
	fputs("the user's notes\n", f);
	fclose(f);
	assert_int_equal(run_dir_check_fresh(e->run, &d), -1);
	assert_string_equal(d.items[0].code, "run.out-not-empty");
	assert_int_equal(run_dir_create(e->run, &d), -1);
	snprintf(p, sizeof(p), "%s/%s", e->run, RUN_LOCK_FILE);
	assert_int_not_equal(access(p, F_OK), 0); /* the refusal wrote nothing */
	assert_int_equal(run_dir_check_fresh("/", &d), -1);
	assert_int_equal(run_dir_check_fresh("", &d), -1);
	assert_string_equal(d.items[d.len - 1].code, "run.out-invalid");
	assert_int_equal(run_dir_check_resume(e->run, &d), -1);
	assert_string_equal(d.items[d.len - 1].code, "run.not-a-run");
	diag_list_release(&d);
	remove_all(e->run);

	/* an empty directory is fine; while a session holds it, nobody else gets it */
	assert_int_equal(mkdir(e->run, 0755), 0);
	struct run_session s, t;
	start(e, &s, 0, 0);
	diag_list_init(&d);
	assert_int_equal(run_session_resume(&t, e->run, &d), -1);
	assert_string_equal(d.items[0].code, "run.locked");
	char pid[32];
	snprintf(pid, sizeof(pid), "(pid %ld)", (long)getpid());
	assert_non_null(strstr(d.items[0].message, pid));
	diag_list_release(&d);
	diag_list_init(&d);
	assert_int_equal(run_dir_check_fresh(e->run, &d), -1);
	assert_string_equal(d.items[0].code, "run.out-exists");
	diag_list_release(&d);
	run_session_release(&s);
	resume(e, &t); /* released: resumable */
	run_session_release(&t);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_drifting_calibration_skips_the_cell),
	    cmocka_unit_test(test_drifting_calibration_recorded_with_record),
	    cmocka_unit_test(test_interrupt_then_resume),
	    cmocka_unit_test(test_partial_last_line_is_redone),
	    cmocka_unit_test(test_sharded_run_resumes),
	    cmocka_unit_test(test_directory_rule_and_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
