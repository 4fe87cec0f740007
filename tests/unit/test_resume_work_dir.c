/* Unit tests for work directories (src/run/work_dir.h) and what a resume does with the one a
 * killed run left: emptied only when tare marked it for the dispatch about to be redone, left
 * alone otherwise. A fake dispatcher records the first dispatches, so this runs without root. */
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

#include "run/session.h"
#include "run/work_dir.h"

static const char matrix_yaml[] = "tare: 1\n"
                                  "name: resume-work\n"
                                  "arms:\n"
                                  "  a: {capture: none, spans: false}\n"
                                  "  b: {capture: none, spans: false}\n"
                                  "workload:\n"
                                  "  command: [/bin/true]\n"
                                  "  kernel_match: '^x$'\n"
                                  "defaults: {repetitions: 2, warmups: 1, timeout: 10s}\n"
                                  "cells:\n"
                                  "  - {name: only}\n";

/* Records what a clean dispatch of an arm without capture records; sets *flag after index 2. */
static int fake_dispatch(void *ctx, const struct plan *p, const struct plan_dispatch *pd,
                         struct sample *s, struct dispatch_observation *obs, struct diag_list *d)
{
	(void)obs;
	(void)d;
	volatile sig_atomic_t *flag = ctx;
	const struct matrix_cell *c = &p->matrix->cells[pd->cell];
	sample_init(s);
	s->index = pd->index;
	s->cell = strdup(c->name);
	s->phase = pd->phase;
	s->round = pd->round;
	s->slot = pd->slot;
	s->arm = strdup(p->matrix->arms[pd->arm].name);
	s->concurrency = c->concurrency.value;
	s->payload_bytes = c->payload_bytes.value;
	s->span_event_limit = c->span_event_limit;
	s->timeout_ms = c->timeout_ms;
	s->argv = calloc(2, sizeof(*s->argv));
	s->argv[0] = strdup("/bin/true");
	s->argc = 1;
	s->wall_ns = s->workload_ns = 1000000;
	if (pd->index == 2)
		*flag = 1;
	return 0;
}

static char root[64], run_dir[96];

/* A run in run_dir whose first three dispatches (0..2) are recorded: the next one is 3. */
static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/tare-resume-work-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	char matrix[96];
	snprintf(matrix, sizeof(matrix), "%s/m.yaml", root);
	snprintf(run_dir, sizeof(run_dir), "%s/run", root);
	FILE *f = fopen(matrix, "w");
	fputs(matrix_yaml, f);
	fclose(f);
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load(matrix, &d);
	struct plan_select sel = {NULL, 0, -1, 0, 0};
	struct plan *p = m ? plan_expand(m, &sel, &d) : NULL;
	struct run_session s;
	volatile sig_atomic_t flag = 0;
	struct dispatcher disp = {fake_dispatch, NULL, (void *)&flag};
	int rc = p && run_session_start(&s, run_dir, matrix, m, p, &d) == 0 &&
	                 run_session_dispatch(&s, &disp, NULL, &flag, &d) == 1 && s.next == 3
	             ? 0
	             : -1;
	if (rc < 0)
		diag_print_text(stderr, &d);
	if (p)
		run_session_release(&s);
	diag_list_release(&d);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *work(size_t index)
{
	static char path[2][160];
	static int k;
	k ^= 1;
	snprintf(path[k], sizeof(path[k]), "%s/work/%06zu", run_dir, index);
	return path[k];
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* A work directory as a killed dispatch leaves it: tare's marker (when marked) and a workload
 * file. */
static void leave(size_t index, bool marked)
{
	struct diag_list d;
	diag_list_init(&d);
	if (marked) {
		assert_int_equal(work_dir_create(work(index), index, &d), 0);
	} else {
		char parent[128];
		snprintf(parent, sizeof(parent), "%s/work", run_dir);
		mkdir(parent, 0755);
		assert_int_equal(mkdir(work(index), 0755), 0);
	}
	char file[200];
	snprintf(file, sizeof(file), "%s/ev-1", work(index));
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
}

static void resume(void)
{
	struct diag_list d;
	diag_list_init(&d);
	struct run_session s;
	assert_int_equal(run_session_resume(&s, run_dir, &d), 0);
	assert_int_equal(s.next, 3);
	assert_int_equal(d.len, 0);
	run_session_release(&s);
	diag_list_release(&d);
}

static void test_create_marks_and_refuses_existing(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(work_dir_create(work(7), 7, &d), 0);
	assert_true(work_dir_is_tares(work(7), 7));
	assert_false(work_dir_is_tares(work(7), 8));
	assert_false(work_dir_is_tares(work(9), 9));
	assert_int_equal(work_dir_create(work(7), 7, &d), -1);
	assert_string_equal(d.items[0].code, "run.work-exists");
	work_dir_remove(work(7));
	assert_false(exists(work(7)));
	diag_list_release(&d);
}

static void test_resume_empties_the_half_done_dispatch(void **state)
{
	(void)state;
	leave(3, true);
	resume();
	assert_false(exists(work(3)));
}

static void test_resume_leaves_what_tare_did_not_mark(void **state)
{
	(void)state;
	/* no marker: a directory tare did not make (or died before marking) */
	leave(3, false);
	resume();
	assert_true(exists(work(3)));
}

static void test_resume_leaves_other_dispatches(void **state)
{
	(void)state;
	/* a marker written for another dispatch than the one whose name the directory has */
	leave(3, false);
	char marker[200];
	snprintf(marker, sizeof(marker), "%s/" WORK_DIR_MARKER, work(3));
	FILE *f = fopen(marker, "w");
	fputs("tare work directory of dispatch 4\n", f);
	fclose(f);
	/* a recorded dispatch's directory is not the one about to be redone */
	leave(1, true);
	/* only the first one at or after the next dispatch is */
	leave(5, true);
	resume();
	assert_true(exists(work(3)));
	assert_true(exists(work(1)));
	assert_true(exists(work(5)));
}

static void test_resume_skips_to_the_first_left(void **state)
{
	(void)state;
	/* dispatch 3 never made one (its cell's timing skipped): 4 is the half-done one */
	leave(4, true);
	leave(6, true);
	resume();
	assert_false(exists(work(4)));
	assert_true(exists(work(6)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_marks_and_refuses_existing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_resume_empties_the_half_done_dispatch, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_resume_leaves_what_tare_did_not_mark, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_resume_leaves_other_dispatches, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_resume_skips_to_the_first_left, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
