/* Unit tests for finding the run parents of tares that are gone (src/run/stale_leaves.h): which
 * names count, a dead pid, a reused pid, a live maker under any name, and removal. A temp
 * directory stands in for the cgroup root, so this runs without root; killing real processes in
 * real leaves is tests/e2e/stale_cgroups.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "run/stale_leaves.h"

static char root[64];

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/tare-stale-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

/* root/name as a directory; returns its path (static buffer). */
static const char *make_dir(const char *fmt, long pid)
{
	static char path[160];
	char name[64];
	snprintf(name, sizeof(name), fmt, pid);
	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_int_equal(mkdir(path, 0755), 0);
	return path;
}

/* Sets a directory's access and modification times an hour back, as if it had been made then
 * (its change time becomes now, which only makes it look younger). */
static void age(const char *path)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct timespec t[2] = {{now.tv_sec - 3600, 0}, {now.tv_sec - 3600, 0}};
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/* A pid that no process has: a child that exited and was reaped. */
static long dead_pid(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return (long)pid;
}

/* A live child that waits to be killed (its name is this test's, not "tare"); it dies with the
 * test should an assertion end the test first. */
static pid_t live_child(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	return pid;
}

static void end_child(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_orphaned_or_not(void **state)
{
	(void)state;
	/* the maker is alive, whatever its name: it started before its directory */
	pid_t before = live_child();
	const char *p = make_dir("tare.%ld", (long)before);
	assert_int_equal(stale_parent_is_orphaned(p, (long)before), 0);
	assert_int_equal(
	    stale_parent_is_orphaned(make_dir("tare.%ld", (long)getpid()), (long)getpid()), 0);
	/* no process has the pid */
	long dead = dead_pid();
	assert_int_equal(stale_parent_is_orphaned(make_dir("tare.%ld", dead), dead), 1);
	/* the pid is taken by a process younger than the directory: reused, the maker is gone */
	pid_t after = live_child();
	p = make_dir("tare.%ld", (long)after);
	assert_int_equal(stale_parent_is_orphaned(p, (long)after), 0);
	age(p);
	assert_int_equal(stale_parent_is_orphaned(p, (long)after), 1);
	/* this very process, when the directory is older than it */
	char self[160];
	snprintf(self, sizeof(self), "%s/tare.%ld", root, (long)getpid());
	age(self);
	assert_int_equal(stale_parent_is_orphaned(self, (long)getpid()), 1);
	/* a directory that is not there */
	assert_int_equal(stale_parent_is_orphaned("/nonexistent/tare.1", 1), -1);
	end_child(before);
	end_child(after);
}

static void test_find_names_and_counts(void **state)
{
	(void)state;
	long dead1 = dead_pid(), dead2 = dead_pid();
	pid_t live = live_child();
	make_dir("tare.%ld", (long)live);
	char path[160];
	snprintf(path, sizeof(path), "%s", make_dir("tare.%ld", dead1));
	char leaf[200];
	for (int i = 0; i < 3; i++) {
		snprintf(leaf, sizeof(leaf), "%s/d%d", path, i);
		assert_int_equal(mkdir(leaf, 0755), 0);
	}
	make_dir("tare.%ld", dead2);
	/* none of these is a run parent, whatever their pid */
	make_dir("tare-doctor-%ld", dead1);
	make_dir("tare.%ldx", dead1);
	make_dir("tare.0%ld", dead1);
	make_dir("tare.", 0);
	make_dir("tare.-%ld", dead1);
	make_dir("xtare.%ld", dead1);
	snprintf(leaf, sizeof(leaf), "%s/tare.99999999", root);
	FILE *f = fopen(leaf, "w"); /* a file, not a directory */
	assert_non_null(f);
	fclose(f);

	struct diag_list d;
	diag_list_init(&d);
	struct stale_list l;
	assert_int_equal(stale_parents_find(root, &l, &d), 0);
	assert_int_equal(d.len, 0);
	assert_int_equal(l.len, 2);
	long lo = dead1 < dead2 ? dead1 : dead2;
	assert_int_equal(l.items[0].pid, lo);
	struct stale_parent *with_leaves = l.items[0].pid == dead1 ? &l.items[0] : &l.items[1];
	assert_string_equal(with_leaves->path, path);
	assert_int_equal(with_leaves->leaves, 3);
	assert_int_equal(with_leaves->procs, 0); /* a plain directory has no cgroup.procs */

	char *s = stale_parent_describe(with_leaves);
	char want[300];
	snprintf(want, sizeof(want),
	         "run cgroup '%s' left by tare pid %ld, which is gone (3 leaves, 0 processes)",
	         path, dead1);
	assert_string_equal(s, want);
	free(s);
	struct stale_parent one = {.path = path, .pid = 7, .leaves = 1, .procs = 1};
	s = stale_parent_describe(&one);
	snprintf(want, sizeof(want),
	         "run cgroup '%s' left by tare pid 7, which is gone (1 leaf, 1 "
	         "process)",
	         path);
	assert_string_equal(s, want);
	free(s);

	/* removal takes the leaves and the parent, and nothing else */
	for (size_t i = 0; i < l.len; i++)
		assert_int_equal(stale_parent_remove(&l.items[i], &d), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), -1);
	stale_list_release(&l);
	assert_int_equal(stale_parents_find(root, &l, &d), 0);
	assert_int_equal(l.len, 0);
	snprintf(leaf, sizeof(leaf), "%s/tare.%ld", root, (long)live);
	assert_int_equal(stat(leaf, &st), 0);
	snprintf(leaf, sizeof(leaf), "%s/tare-doctor-%ld", root, dead1);
	assert_int_equal(stat(leaf, &st), 0);
	stale_list_release(&l);
	end_child(live);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
}

static void test_unreadable_root(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct stale_list l;
	assert_int_equal(stale_parents_find("/nonexistent/cgroup", &l, &d), -1);
	assert_int_equal(l.len, 0);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "cgroup.stale");
	assert_string_equal(d.items[0].message,
	                    "cannot read cgroup '/nonexistent/cgroup': No such file or directory");
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_orphaned_or_not, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_find_names_and_counts, setup, teardown),
	    cmocka_unit_test(test_unreadable_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
