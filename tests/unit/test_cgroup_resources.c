/* Unit tests for resources from cgroups: where memory comes from on made-up layouts (pure
 * cgroup v2 with and without the memory controller, hybrid, bind-mounted v1 subtree, none), the
 * cpu.stat and byte-count parsers, the reasons of a missing figure, the child joining its v1
 * memory leaf before exec, and (as root, on this host's real layout) a known allocation's peak. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/cgroup.h"
#include "run/cgroup_resources.h"
#include "run/spawn.h"
#include "util/diag.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[64];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/tare-cgres-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Writes text to tmp/name (directories created); returns the path (caller frees). */
static char *put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmp, name);
	for (char *p = path + strlen(tmp) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static char *dir(const char *name)
{
	char *path = xasprintf("%s/%s", tmp, name);
	char *marker = xasprintf("%s/.keep", name);
	free(put(marker, ""));
	free(marker);
	return path;
}

#define V1_MEMORY "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
#define V1_CPU    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
#define HYBRID    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
#define PURE      "30 24 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw\n"
#define SELF_V1   "4:memory:/process_api/abc\n3:cpu,cpuacct:/\n0::/\n"

static void find(const char *mountinfo, const char *self, const char *v2_root,
                 struct cgroup_resources *out)
{
	char *mi = put("mountinfo", mountinfo), *pc = put("self-cgroup", self);
	cgroup_resources_find_in(mi, pc, v2_root, out);
	free(mi);
	free(pc);
}

static void test_layouts(void **state)
{
	(void)state;
	struct cgroup_resources r;
	/* pure cgroup v2 with memory passed down from the root: memory.peak */
	free(put("pure/cgroup.controllers", "cpuset cpu io memory pids\n"));
	free(put("pure/cgroup.subtree_control", "cpu memory pids\n"));
	char *pure = xasprintf("%s/pure", tmp);
	find(PURE, "0::/user.slice\n", pure, &r);
	assert_int_equal(r.memory, RESOURCE_MEMORY_CGROUP2);
	assert_string_equal(cgroup_resources_source(&r), "cgroup2");
	assert_null(r.reason);
	cgroup_resources_release(&r);

	/* the controller exists but the root does not pass it down: say where to enable it */
	free(put("pure/cgroup.subtree_control", "cpu pids\n"));
	find(PURE, "0::/user.slice\n", pure, &r);
	assert_int_equal(r.memory, RESOURCE_MEMORY_NONE);
	assert_string_equal(cgroup_resources_source(&r), "cgroup2-cpu");
	char *want =
	    xasprintf("the memory controller is not enabled in '%s/cgroup.subtree_control'", pure);
	assert_string_equal(r.reason, want);
	free(want);
	cgroup_resources_release(&r);

	/* a "memory_x" controller name is not "memory" */
	free(put("pure/cgroup.controllers", "cpu memory_x\n"));
	free(put("pure/cgroup.subtree_control", "memory_x\n"));
	find(PURE, "0::/\n", pure, &r);
	assert_int_equal(r.memory, RESOURCE_MEMORY_NONE);
	assert_string_equal(r.reason, "no memory controller: neither cgroup v2 nor a cgroup v1 "
	                              "memory hierarchy offers one");
	cgroup_resources_release(&r);

	/* hybrid: the v1 memory hierarchy, below the memory cgroup this process is in */
	char *unified = dir("unified");
	find(V1_CPU V1_MEMORY HYBRID, SELF_V1, unified, &r);
	assert_int_equal(r.memory, RESOURCE_MEMORY_CGROUP1);
	assert_string_equal(cgroup_resources_source(&r), "cgroup1-memory+cgroup2-cpu");
	assert_string_equal(r.v1_base, "/sys/fs/cgroup/memory/process_api/abc");
	cgroup_resources_release(&r);
	find(V1_MEMORY HYBRID, "4:memory:/\n0::/\n", unified, &r);
	assert_string_equal(r.v1_base, "/sys/fs/cgroup/memory");
	cgroup_resources_release(&r);

	/* a container that mounts only its own subtree: the mount's root is cut off the path */
	find("35 31 0:32 /process_api /cg/mem\\040ory rw - cgroup cgroup rw,memory\n" HYBRID,
	     SELF_V1, unified, &r);
	assert_int_equal(r.memory, RESOURCE_MEMORY_CGROUP1);
	assert_string_equal(r.v1_base, "/cg/mem ory/abc");
	cgroup_resources_release(&r);
	find("35 31 0:32 /other /cg/memory rw - cgroup cgroup rw,memory\n" HYBRID, SELF_V1, unified,
	     &r);
	assert_int_equal(r.memory, RESOURCE_MEMORY_NONE);
	assert_string_equal(r.reason, "this process's memory cgroup ('/process_api/abc') is not "
	                              "below the cgroup v1 memory mount '/cg/memory'");
	cgroup_resources_release(&r);

	/* neither: CPU only */
	find(V1_CPU HYBRID, SELF_V1, unified, &r);
	assert_int_equal(r.memory, RESOURCE_MEMORY_NONE);
	assert_non_null(r.reason);
	cgroup_resources_release(&r);
	free(unified);
	free(pure);
}

static void test_parsers(void **state)
{
	(void)state;
	char *d = dir("parse");
	int fd = open(d, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	int64_t user = 0, sys = 0, kib = 0;
	free(put("parse/cpu.stat", "usage_usec 3500\nuser_usec 2000\nsystem_usec 1500\n"
	                           "nr_periods 0\ncore_sched.force_idle_usec 0\n"));
	assert_int_equal(cgroup_read_cpu_stat(fd, &user, &sys), 0);
	assert_int_equal(user, 2000);
	assert_int_equal(sys, 1500);
	/* a key that only starts like the one wanted does not count */
	free(put("parse/cpu.stat", "user_usec_x 5\nsystem_usec 1\n"));
	assert_int_equal(cgroup_read_cpu_stat(fd, &user, &sys), -1);
	assert_int_equal(errno, ENODATA);

	free(put("parse/memory.peak", "1048576\n"));
	assert_int_equal(cgroup_read_bytes_kib(fd, "memory.peak", &kib), 0);
	assert_int_equal(kib, 1024);
	free(put("parse/memory.peak", "1025\n")); /* rounded up: a byte used is counted */
	assert_int_equal(cgroup_read_bytes_kib(fd, "memory.peak", &kib), 0);
	assert_int_equal(kib, 2);
	free(put("parse/memory.peak", "max\n"));
	assert_int_equal(cgroup_read_bytes_kib(fd, "memory.peak", &kib), -1);
	assert_int_equal(errno, ENODATA);
	assert_int_equal(cgroup_read_bytes_kib(fd, "memory.absent", &kib), -1);
	assert_int_equal(errno, ENOENT);
	close(fd);
	free(d);
}

/* A leaf over a plain directory, as the reader sees a cgroup. */
static struct cgroup_leaf fake_leaf(const char *name)
{
	struct cgroup_leaf l = {dir(name), 0, -1};
	l.dir_fd = open(l.path, O_RDONLY | O_DIRECTORY);
	assert_true(l.dir_fd >= 0);
	return l;
}

static void test_read_and_reasons(void **state)
{
	(void)state;
	struct cgroup_leaf v2 = fake_leaf("v2leaf"), v1 = fake_leaf("v1leaf");
	free(put("v2leaf/cpu.stat", "usage_usec 10\nuser_usec 7\nsystem_usec 3\n"));
	struct cgroup_resources r = {.memory = RESOURCE_MEMORY_CGROUP2};
	struct cgroup_resource_figures f;

	/* memory.peak present */
	free(put("v2leaf/memory.peak", "8388608\n"));
	cgroup_resources_read(&r, &v2, NULL, NULL, &f);
	assert_int_equal(f.memory_peak_kib, 8192);
	assert_int_equal(f.cpu_user_us, 7);
	assert_int_equal(f.cpu_sys_us, 3);
	assert_null(f.reason);
	cgroup_resource_figures_release(&f);

	/* a kernel before 5.19 has no memory.peak */
	char *peak = xasprintf("%s/memory.peak", v2.path);
	unlink(peak);
	free(peak);
	cgroup_resources_read(&r, &v2, NULL, NULL, &f);
	assert_int_equal(f.memory_peak_kib, -1);
	assert_int_equal(f.cpu_user_us, 7);
	char *want = xasprintf("no '%s/memory.peak' (it needs Linux 5.19 or later)", v2.path);
	assert_string_equal(f.reason, want);
	free(want);
	cgroup_resource_figures_release(&f);

	/* hybrid: the v1 leaf's high-water mark */
	r.memory = RESOURCE_MEMORY_CGROUP1;
	free(put("v1leaf/memory.max_usage_in_bytes", "2097152\n"));
	cgroup_resources_read(&r, &v2, &v1, NULL, &f);
	assert_int_equal(f.memory_peak_kib, 2048);
	assert_null(f.reason);
	cgroup_resource_figures_release(&f);
	/* its leaf could not be created: that reason, and CPU still there */
	struct cgroup_leaf none = {NULL, 0, -1};
	cgroup_resources_read(&r, &v2, &none, "cannot create cgroup 'x': Permission denied", &f);
	assert_int_equal(f.memory_peak_kib, -1);
	assert_int_equal(f.cpu_sys_us, 3);
	assert_string_equal(f.reason, "cannot create cgroup 'x': Permission denied");
	cgroup_resource_figures_release(&f);

	/* no memory controller, and cpu.stat unreadable: both reasons */
	r.memory = RESOURCE_MEMORY_NONE;
	r.reason = xstrdup("no memory controller: neither cgroup v2 nor a cgroup v1 memory "
	                   "hierarchy offers one");
	char *stat = xasprintf("%s/cpu.stat", v2.path);
	unlink(stat);
	free(stat);
	cgroup_resources_read(&r, &v2, NULL, NULL, &f);
	assert_int_equal(f.cpu_user_us, -1);
	assert_int_equal(f.cpu_sys_us, -1);
	want =
	    xasprintf("cannot read '%s/cpu.stat': No such file or directory; no memory "
	              "controller: neither cgroup v2 nor a cgroup v1 memory hierarchy offers one",
	              v2.path);
	assert_string_equal(f.reason, want);
	free(want);
	cgroup_resource_figures_release(&f);
	free(r.reason);
	cgroup_leaf_release(&v1);
	cgroup_leaf_release(&v2);
}

/* The child writes "0" to the memory leaf's tasks before exec; a write that fails is the child's
 * failure, reported like a failed exec (here tasks is /dev/full: ENOSPC). */
static void test_join_failure_is_reported(void **state)
{
	(void)state;
	struct cgroup_leaf l = fake_leaf("joinfail");
	char *tasks = xasprintf("%s/tasks", l.path);
	assert_int_equal(symlink("/dev/full", tasks), 0);
	char *argv[] = {"/bin/true", NULL};
	struct spawn_request req = {.argv = argv, .timeout_ms = 5000, .memory_leaf = &l};
	struct spawn_result res;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(spawn_run(&req, &res, &d), 0);
	assert_true(res.exec_failed);
	assert_int_equal(res.exit_code, SPAWN_EXIT_EXEC_FAILED);
	char *want = xasprintf("cannot join cgroup '%s': No space left on device", l.path);
	assert_string_equal(res.exec_error, want);
	free(want);
	spawn_result_release(&res);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
	free(tasks);
	cgroup_leaf_release(&l);
}

/* Runs argv in a fresh v2 leaf and memory leaf under this host's real layout; returns the figures
 * and the child's stdout (caller frees). Skips when the host cannot. */
static char *run_real(char *const *argv, struct cgroup_resource_figures *f)
{
	if (geteuid() != 0) {
		printf("skipped: needs root to create cgroups\n");
		skip();
	}
	struct diag_list d;
	diag_list_init(&d);
	char *root = NULL, *parent = NULL;
	if (cgroup_hierarchy_find(&root, &d) < 0 || cgroup_parent_create(root, &parent, &d) < 0) {
		diag_list_release(&d);
		free(root);
		printf("skipped: no writable cgroup v2 hierarchy\n");
		skip();
	}
	struct cgroup_resources r;
	cgroup_resources_find(root, &r);
	cgroup_resources_open(&r, parent, &d);
	if (r.memory == RESOURCE_MEMORY_NONE) {
		printf("skipped: this host gives no memory figure: %s\n", r.reason);
		cgroup_resources_release(&r);
		cgroup_parent_remove(parent, &d);
		free(parent);
		free(root);
		diag_list_release(&d);
		skip();
	}
	struct cgroup_leaf leaf, mem;
	char *why = NULL;
	assert_int_equal(cgroup_leaf_create(parent, "d0", &leaf, &d), 0);
	assert_int_equal(cgroup_resources_leaf_create(&r, "d0", &mem, &why), 0);
	char *out_path = xasprintf("%s/stdout", tmp);
	struct spawn_request req = {.argv = argv,
	                            .stdout_path = out_path,
	                            .timeout_ms = 30000,
	                            .leaf = &leaf,
	                            .memory_leaf = &mem};
	struct spawn_result res;
	assert_int_equal(spawn_run(&req, &res, &d), 0);
	assert_int_equal(res.exit_code, 0);
	cgroup_resources_read(&r, &leaf, &mem, why, f);
	spawn_result_release(&res);
	if (mem.path)
		assert_int_equal(cgroup_leaf_remove(&mem, &d), 0);
	assert_int_equal(cgroup_leaf_remove(&leaf, &d), 0);
	char *v1_parent = r.v1_parent ? xstrdup(r.v1_parent) : NULL;
	cgroup_resources_release(&r);
	struct stat st;
	if (v1_parent) /* the run's v1 parent goes with the resources */
		assert_int_equal(stat(v1_parent, &st), -1);
	free(v1_parent);
	assert_int_equal(cgroup_parent_remove(parent, &d), 0);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
	FILE *fo = fopen(out_path, "r");
	char *text = xcalloc(1, 4096);
	size_t n = fread(text, 1, 4095, fo);
	text[n] = '\0';
	fclose(fo);
	free(out_path);
	free(parent);
	free(root);
	return text;
}

/* The child is in both leaves before exec: /proc/self/cgroup of the program names them. */
static void test_real_join(void **state)
{
	(void)state;
	char *argv[] = {"/bin/cat", "/proc/self/cgroup", NULL};
	struct cgroup_resource_figures f;
	char *text = run_real(argv, &f);
	char *tail = xasprintf("/tare.%ld/d0\n", (long)getpid());
	assert_non_null(strstr(text, tail)); /* the v2 leaf */
	char *memory_line = strstr(text, ":memory:");
	if (memory_line) { /* hybrid: the v1 memory leaf too */
		char *eol = strchr(memory_line, '\n');
		assert_true(eol && (size_t)(eol - memory_line) > strlen(tail) - 1);
		assert_memory_equal(eol - (strlen(tail) - 1), tail, strlen(tail) - 1);
	}
	assert_true(f.memory_peak_kib > 0);
	assert_true(f.cpu_user_us >= 0 && f.cpu_sys_us >= 0);
	cgroup_resource_figures_release(&f);
	free(tail);
	free(text);
}

/* 64 MiB written by the program: the peak is at least that and not tare's 30-odd MiB on top. */
static void test_real_peak(void **state)
{
	(void)state;
	char *argv[] = {"/usr/bin/python3", "-c", "b = b'x' * (64 << 20); print(len(b))", NULL};
	struct cgroup_resource_figures f;
	char *text = run_real(argv, &f);
	assert_string_equal(text, "67108864\n");
	assert_true(f.memory_peak_kib >= 64 * 1024);
	assert_true(f.memory_peak_kib < 64 * 1024 + 24 * 1024);
	assert_true(f.cpu_user_us + f.cpu_sys_us > 0);
	cgroup_resource_figures_release(&f);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layouts),
	    cmocka_unit_test(test_parsers),
	    cmocka_unit_test(test_read_and_reasons),
	    cmocka_unit_test(test_join_failure_is_reported),
	    cmocka_unit_test(test_real_join),
	    cmocka_unit_test(test_real_peak),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
