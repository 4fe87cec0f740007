/* Unit tests for cgroup v2 leaves: mountinfo layouts, creating leaves, the cgroup id, and killing
 * a leaf whose processes ignore SIGTERM and double-forked away. Needs root and cgroup2; skips
 * (saying why) otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cgroup_fixture.h"
#include "run/cgroup.h"
#include "util/diag.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *root;   /* the cgroup2 mount, NULL when absent */
static char *parent; /* this test's run parent */
static const char *skip_reason;

/* Finds the hierarchy given a made-up mountinfo; returns the root (caller frees) or NULL. */
static char *find_in(const char *text, struct diag_list *d)
{
	char path[] = "/tmp/tare-mountinfo-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	char *out = NULL;
	int rc = cgroup_hierarchy_find_in(path, &out, d);
	unlink(path);
	assert_int_equal(rc, out ? 0 : -1);
	return out;
}

#define V1        "25 24 0:22 / /sys/fs/cgroup/memory rw shared:9 - cgroup cgroup rw,memory\n"
#define PURE      "30 24 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw\n"
#define HYBRID    "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
#define ELSEWHERE "50 24 0:40 / /mnt/my\\040cg rw - cgroup2 none rw\n"

static void test_mountinfo_layouts(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	char *r = find_in(V1 PURE, &d);
	assert_string_equal(r, "/sys/fs/cgroup");
	free(r);
	r = find_in(V1 HYBRID, &d);
	assert_string_equal(r, "/sys/fs/cgroup/unified");
	free(r);
	/* the pure layout wins wherever it appears in the file */
	r = find_in(ELSEWHERE HYBRID PURE, &d);
	assert_string_equal(r, "/sys/fs/cgroup");
	free(r);
	r = find_in(V1 ELSEWHERE, &d);
	assert_string_equal(r, "/mnt/my cg"); /* \040 unescaped */
	free(r);
	assert_int_equal(d.len, 0);

	r = find_in(V1 "60 24 0:50 / /sys/fs/cgroup2x rw - tmpfs cgroup2 rw\n", &d);
	assert_null(r);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "cgroup.none");
	assert_string_equal(d.items[0].message,
	                    "no cgroup v2 hierarchy mounted; tare needs cgroup v2 to scope capture "
	                    "(mount -t cgroup2 none /sys/fs/cgroup/unified)");
	diag_list_release(&d);
}

static int need_cgroup(void)
{
	if (skip_reason) {
		printf("skipped: %s\n", skip_reason);
		skip();
	}
	return 0;
}

/* Forks a process that moves itself into the leaf, ignores SIGTERM, starts a grandchild in its
 * own session (a daemon that left the process group) and waits. Returns the direct child. */
static pid_t start_resident(const struct cgroup_leaf *l)
{
	int ready[2];
	assert_int_equal(pipe(ready), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = openat(l->dir_fd, "cgroup.procs", O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(1);
		close(fd);
		signal(SIGTERM, SIG_IGN);
		if (fork() == 0) {
			setsid();
			if (fork() == 0) { /* the double fork: reparented away from us */
				close(ready[0]);
				ssize_t n = write(ready[1], "x", 1);
				(void)n;
				for (;;)
					pause();
			}
			_exit(0);
		}
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void check_leaf_kill(int (*kill_fn)(const struct cgroup_leaf *, int64_t), const char *name)
{
	need_cgroup();
	struct diag_list d;
	struct cgroup_leaf l;
	diag_list_init(&d);
	assert_int_equal(cgroup_leaf_create(parent, name, &l, &d), 0);
	pid_t pid = start_resident(&l);
	/* the resident, its first child (may have exited already) and the daemon */
	assert_true(cgroup_leaf_count_procs(&l) >= 2);
	assert_true(cgroup_leaf_populated(&l));
	assert_int_equal(kill(pid, SIGTERM), 0); /* ignored */
	usleep(20000);
	assert_true(cgroup_leaf_count_procs(&l) >= 2);

	assert_int_equal(kill_fn(&l, 2000), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	assert_false(cgroup_leaf_populated(&l));
	assert_int_equal(cgroup_leaf_count_procs(&l), 0);
	char *path = strdup(l.path);
	assert_int_equal(cgroup_leaf_remove(&l, &d), 0);
	assert_null(l.path);
	assert_int_equal(l.dir_fd, -1);
	struct stat st;
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	free(path);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
}

static void test_kill_cgroup_kill(void **state)
{
	(void)state;
	check_leaf_kill(cgroup_leaf_kill, "kill");
}

static void test_kill_by_procs(void **state)
{
	(void)state;
	check_leaf_kill(cgroup_leaf_kill_by_procs, "procs");
}

/* The id is the one BPF sees: the kernfs id from the file handle equals the directory's inode,
 * and a process placed in the leaf reports the leaf's path in /proc/<pid>/cgroup. */
static void test_leaf_id_and_membership(void **state)
{
	(void)state;
	need_cgroup();
	struct diag_list d;
	struct cgroup_leaf l;
	diag_list_init(&d);
	assert_int_equal(cgroup_leaf_create(parent, "d7", &l, &d), 0);
	char want[4096];
	snprintf(want, sizeof(want), "%s/d7", parent);
	assert_string_equal(l.path, want);
	assert_true(l.dir_fd >= 0);
	struct stat st;
	assert_int_equal(stat(l.path, &st), 0);
	assert_true(l.id > 1);
	assert_int_equal(l.id, (uint64_t)st.st_ino);
	/* and the id really came from the file handle, not from the st_ino fallback */
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 16];
	} h;
	int mount_id;
	uint64_t handle_id;
	h.fh.handle_bytes = 16;
	assert_int_equal(name_to_handle_at(AT_FDCWD, l.path, &h.fh, &mount_id, 0), 0);
	assert_int_equal(h.fh.handle_bytes, 8);
	memcpy(&handle_id, h.fh.f_handle, sizeof(handle_id));
	assert_int_equal(handle_id, l.id);

	pid_t pid = start_resident(&l);
	char proc[64], line[4096] = "";
	snprintf(proc, sizeof(proc), "/proc/%d/cgroup", (int)pid);
	FILE *f = fopen(proc, "r");
	assert_non_null(f);
	char expect[4096];
	snprintf(expect, sizeof(expect), "0::%s\n", l.path + strlen(root));
	int found = 0;
	while (fgets(line, sizeof(line), f))
		found |= strcmp(line, expect) == 0;
	fclose(f);
	assert_true(found);
	assert_int_equal(cgroup_leaf_kill(&l, 2000), 0);
	waitpid(pid, NULL, 0);
	assert_int_equal(cgroup_leaf_remove(&l, &d), 0);
	diag_list_release(&d);
}

/* A leaf that already exists (an interrupted run) is emptied and taken over. */
static void test_leaf_reuse_and_parent_remove(void **state)
{
	(void)state;
	need_cgroup();
	struct diag_list d;
	struct cgroup_leaf l, again;
	diag_list_init(&d);
	char *p = NULL;
	assert_int_equal(cgroup_parent_create(parent, &p, &d), 0); /* a nested parent */
	assert_int_equal(cgroup_leaf_create(p, "d1", &l, &d), 0);
	pid_t pid = start_resident(&l);
	assert_int_equal(cgroup_leaf_create(p, "d1", &again, &d), 0);
	assert_int_equal(again.id, l.id);
	assert_false(cgroup_leaf_populated(&again));
	waitpid(pid, NULL, 0);
	cgroup_leaf_release(&l);
	cgroup_leaf_release(&again);

	/* the parent goes with a populated leaf still below it */
	assert_int_equal(cgroup_leaf_create(p, "d2", &l, &d), 0);
	pid = start_resident(&l);
	cgroup_leaf_release(&l);
	assert_int_equal(cgroup_parent_remove(p, &d), 0);
	waitpid(pid, NULL, 0);
	struct stat st;
	assert_int_equal(stat(p, &st), -1);
	assert_int_equal(cgroup_parent_remove(p, &d), 0); /* already gone: nothing to do */
	free(p);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
}

static void test_create_errors(void **state)
{
	(void)state;
	need_cgroup();
	struct diag_list d;
	struct cgroup_leaf l;
	diag_list_init(&d);
	assert_int_equal(cgroup_leaf_create("/nonexistent/tare", "d0", &l, &d), -1);
	assert_null(l.path);
	assert_int_equal(l.dir_fd, -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "cgroup.create");
	assert_string_equal(
	    d.items[0].message,
	    "cannot create cgroup '/nonexistent/tare/d0': No such file or directory");
	cgroup_leaf_release(&l);
	diag_list_release(&d);
}

static int setup(void **state)
{
	(void)state;
	cgroup_fixture_create(&root, &parent, &skip_reason);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return cgroup_fixture_remove(&root, &parent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mountinfo_layouts),
	    cmocka_unit_test(test_kill_cgroup_kill),
	    cmocka_unit_test(test_kill_by_procs),
	    cmocka_unit_test(test_leaf_id_and_membership),
	    cmocka_unit_test(test_leaf_reuse_and_parent_remove),
	    cmocka_unit_test(test_create_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
