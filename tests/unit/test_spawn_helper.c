/* Unit tests for the spawn helper: real processes spawned through it keep spawn_run's contract
 * (exit codes, output, exec failures, timeouts, a request longer than one message, the dispatch's
 * cgroup leaf passed by fd), and its figures are the workload's: with 256 MiB touched in this
 * process, /bin/true spawned in-process reports them, through the helper it does not, and a
 * program that touches 64 MiB reports 64 MiB above its base. An interruption of the caller stops
 * the workload at once; the death of the caller kills the workload; the death of the helper is
 * an error, not a hang. The leaf test needs root and cgroup2 and skips, saying why, without
 * them. /bin/sh appears here only as a test fixture; tare never uses it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/cgroup.h"
#include "run/spawn.h"
#include "spawn_fixture.h"
#include "run/spawn_helper.h"
#include "util/diag.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB 1048576

static struct spawn_helper *helper; /* started first thing in main, as tare's main does */
static char tmpdir[] = "/tmp/tare-spawn-helper-XXXXXX";
static char out_path[PATH_MAX], err_path[PATH_MAX], self_exe[PATH_MAX];

static void base_request(struct spawn_request *req, char *const *argv)
{
	spawn_fixture_request(req, argv, out_path, err_path, 20000); /* a safety net */
}

static int64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

static void run_ok(struct spawn_helper *h, const struct spawn_request *req,
                   struct spawn_result *res)
{
	struct diag_list d;
	diag_list_init(&d);
	int rc = spawn_helper_run(h, req, res, &d);
	diag_print_text(stderr, &d);
	assert_int_equal(rc, 0);
	assert_int_equal(d.len, 0);
	diag_list_release(&d);
}

static void test_exit_and_output(void **state)
{
	(void)state;
	assert_null(spawn_helper_unavailable(helper));
	char *argv[] = {"/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL};
	struct spawn_request req;
	base_request(&req, argv);
	struct spawn_result res;
	run_ok(helper, &req, &res);
	assert_int_equal(res.exit_code, 3);
	assert_false(res.exec_failed);
	assert_false(res.interrupted);
	assert_int_equal(res.stdout_bytes, 4);
	assert_int_equal(res.stderr_bytes, 4);
	char *out = slurp(out_path), *err = slurp(err_path);
	assert_string_equal(out, "out\n");
	assert_string_equal(err, "err\n");
	free(out);
	free(err);
	/* timed in the helper, as spawn_run times it */
	assert_true(res.spawn_ns > 0 && res.wall_ns > 0 && res.workload_ns > 0);
	assert_true(res.max_rss_floor_kb > 0);
	spawn_result_release(&res);
}

static void test_exec_failure_and_env(void **state)
{
	(void)state;
	char *argv[] = {"tare-no-such-program", NULL};
	struct spawn_request req;
	base_request(&req, argv);
	struct spawn_result res;
	run_ok(helper, &req, &res);
	assert_true(res.exec_failed);
	assert_int_equal(res.exit_code, SPAWN_EXIT_EXEC_FAILED);
	assert_string_equal(res.exec_error,
	                    "cannot execute 'tare-no-such-program': No such file or directory");
	spawn_result_release(&res);

	/* an env of 100,000 bytes does not fit one message: it travels in chunks */
	char *big = malloc(100005);
	memcpy(big, "BIG=", 4);
	memset(big + 4, 'x', 100000);
	big[100004] = '\0';
	char *env[] = {big, "SMALL=1", NULL};
	char *argv2[] = {"/bin/sh", "-c", "test ${#BIG} = 100000 && test \"$SMALL\" = 1", NULL};
	base_request(&req, argv2);
	req.env = env;
	req.cwd = tmpdir;
	run_ok(helper, &req, &res);
	assert_int_equal(res.exit_code, 0);
	spawn_result_release(&res);
	free(big);
}

static void test_timeout(void **state)
{
	(void)state;
	char *argv[] = {"/bin/sleep", "10", NULL};
	struct spawn_request req;
	base_request(&req, argv);
	req.timeout_ms = 100;
	req.grace_ms = 100;
	struct spawn_result res;
	int64_t t0 = mono_ms();
	run_ok(helper, &req, &res);
	assert_true(res.timed_out);
	assert_int_equal(res.exit_code, SPAWN_EXIT_TIMEOUT);
	assert_true(mono_ms() - t0 < 3000);
	spawn_result_release(&res);
}

/* The figures are the workload's: this process has 256 MiB touched, which an in-process spawn's
 * ru_maxrss inherits at execve and the helper's does not. */
static void test_memory_is_not_the_spawners(void **state)
{
	(void)state;
	size_t bytes = 256 * (size_t)MIB;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 0; i < bytes; i += 4096)
		p[i] = 1;
	char *argv[] = {"/bin/true", NULL};
	struct spawn_request req;
	base_request(&req, argv);
	struct spawn_result in, via;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(spawn_run(&req, &in, &d), 0);
	run_ok(helper, &req, &via);
	printf("/bin/true ru_maxrss: in-process %lld KiB (floor %lld), through the helper %lld KiB "
	       "(floor %lld)\n",
	       (long long)in.max_rss_kb, (long long)in.max_rss_floor_kb, (long long)via.max_rss_kb,
	       (long long)via.max_rss_floor_kb);
	/* the problem the helper exists for */
	assert_true(in.max_rss_kb >= 256 * 1024);
	assert_true(in.max_rss_floor_kb >= 256 * 1024);
	/* and its answer: /bin/true is smaller than the helper, so it reports the floor */
	assert_true(via.max_rss_kb < 64 * 1024);
	assert_true(via.max_rss_kb <= via.max_rss_floor_kb);
	munmap(p, bytes);
	spawn_result_release(&in);
	spawn_result_release(&via);

	/* this test binary touching 64 MiB: 64 MiB above its base (the same program touching 0) */
	char *zero[] = {self_exe, "touch-mib", "0", NULL},
	     *sixty4[] = {self_exe, "touch-mib", "64", NULL};
	struct spawn_result r0, r64;
	base_request(&req, zero);
	run_ok(helper, &req, &r0);
	base_request(&req, sixty4);
	run_ok(helper, &req, &r64);
	assert_int_equal(r0.exit_code, 0);
	assert_int_equal(r64.exit_code, 0);
	int64_t base = r0.max_rss_kb > r0.max_rss_floor_kb ? r0.max_rss_kb : r0.max_rss_floor_kb;
	printf("touch 0 MiB: %lld KiB, 64 MiB: %lld KiB (floor %lld)\n", (long long)r0.max_rss_kb,
	       (long long)r64.max_rss_kb, (long long)r64.max_rss_floor_kb);
	assert_true(r64.max_rss_kb >= 64 * 1024);
	assert_true(r64.max_rss_kb <= 64 * 1024 + base + 1024);
	spawn_result_release(&r0);
	spawn_result_release(&r64);
	diag_list_release(&d);
}

static volatile sig_atomic_t flag;

static void *set_flag_later(void *arg)
{
	(void)arg;
	nanosleep(&(struct timespec){0, 150 * 1000 * 1000}, NULL);
	flag = 1;
	return NULL;
}

/* The caller's interruption reaches the helper (as SIGTERM) and stops the workload at once, with
 * no grace, as in-process. */
static void test_interruption(void **state)
{
	(void)state;
	struct spawn_helper *h = spawn_helper_start();
	char *argv[] = {"/bin/sleep", "10", NULL};
	struct spawn_request req;
	base_request(&req, argv);
	req.interrupted = &flag;
	flag = 0;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, set_flag_later, NULL), 0);
	struct spawn_result res;
	int64_t t0 = mono_ms();
	run_ok(h, &req, &res);
	int64_t took = mono_ms() - t0;
	pthread_join(t, NULL);
	assert_true(res.interrupted);
	assert_int_equal(res.term_signal, SIGKILL);
	assert_true(took < 1500);
	spawn_result_release(&res);
	spawn_helper_free(h);
}

/* The caller dies mid-dispatch: the helper kills the workload (PR_SET_PDEATHSIG) and exits. */
static void test_caller_death(void **state)
{
	(void)state;
	char pidfile[PATH_MAX];
	snprintf(pidfile, sizeof(pidfile), "%s/workload.pid", tmpdir);
	unlink(pidfile);
	pid_t caller = fork();
	assert_true(caller >= 0);
	if (caller == 0) {
		struct spawn_helper *h = spawn_helper_start();
		char script[3 * PATH_MAX + 64];
		snprintf(script, sizeof(script), "echo $$ >%s.tmp && mv %s.tmp %s && exec sleep 30",
		         pidfile, pidfile, pidfile);
		char *argv[] = {"/bin/sh", "-c", script, NULL};
		struct spawn_request req;
		base_request(&req, argv);
		req.stdout_path = req.stderr_path = NULL;
		struct spawn_result res;
		struct diag_list d;
		diag_list_init(&d);
		spawn_helper_run(h, &req, &res, &d);
		_exit(1); /* not reached: the test kills this process first */
	}
	FILE *f = NULL;
	for (int i = 0; i < 500 && !(f = fopen(pidfile, "r")); i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	assert_non_null(f);
	long workload = 0;
	assert_int_equal(fscanf(f, "%ld", &workload), 1);
	fclose(f);
	assert_int_equal(kill((pid_t)workload, 0), 0);
	kill(caller, SIGKILL);
	waitpid(caller, NULL, 0);
	int i = 0;
	while (kill((pid_t)workload, 0) == 0 && i++ < 300)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	assert_int_equal(kill((pid_t)workload, 0), -1);
	assert_int_equal(errno, ESRCH);
	unlink(pidfile);
}

/* The helper dies: the request fails with a diagnostic, and the helper is unavailable after. */
static void test_helper_death(void **state)
{
	(void)state;
	struct spawn_helper *h = spawn_helper_start();
	char *argv[] = {"/bin/sh", "-c", "kill -9 $PPID; sleep 1", NULL};
	struct spawn_request req;
	base_request(&req, argv);
	struct spawn_result res;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(spawn_helper_run(h, &req, &res, &d), -1);
	assert_int_equal(d.len, 1);
	assert_string_equal(d.items[0].code, "spawn.helper");
	assert_non_null(strstr(d.items[0].message, "the spawn helper failed: it ended"));
	assert_non_null(spawn_helper_unavailable(h));
	diag_list_release(&d);
	diag_list_init(&d);
	assert_int_equal(spawn_helper_run(h, &req, &res, &d), -1);
	assert_non_null(strstr(d.items[0].message, "no spawn helper: it ended"));
	diag_list_release(&d);
	spawn_helper_free(h);
	assert_non_null(spawn_helper_unavailable(NULL));
}

/* The dispatch's leaf travels by fd: the workload starts in it, and what it leaves behind there
 * is counted and killed, as in-process. */
static void test_leaf(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	char *root = NULL, *parent = NULL;
	if (geteuid() != 0 || cgroup_hierarchy_find(&root, &d) < 0 ||
	    cgroup_parent_create(root, &parent, &d) < 0) {
		diag_list_release(&d);
		free(root);
		printf("skipped: needs root and a cgroup v2 hierarchy\n");
		skip();
	}
	struct cgroup_leaf leaf = {NULL, 0, -1};
	assert_int_equal(cgroup_leaf_create(parent, "h1", &leaf, &d), 0);
	char *argv[] = {"/bin/sh", "-c", "cat /proc/self/cgroup; sleep 5 & exit 0", NULL};
	struct spawn_request req;
	base_request(&req, argv);
	req.leaf = &leaf;
	struct spawn_result res;
	run_ok(helper, &req, &res);
	assert_int_equal(res.exit_code, 0);
	assert_int_equal(res.orphans, 1);
	char *out = slurp(out_path);
	char want[PATH_MAX];
	snprintf(want, sizeof(want), "%s/h1\n", parent + strlen(root));
	assert_non_null(strstr(out, want));
	free(out);
	assert_false(cgroup_leaf_populated(&leaf));
	spawn_result_release(&res);
	assert_int_equal(cgroup_leaf_remove(&leaf, &d), 0);
	assert_int_equal(cgroup_parent_remove(parent, &d), 0);
	diag_print_text(stderr, &d);
	diag_list_release(&d);
	free(parent);
	free(root);
}

/* The workload of the memory test: touches argv[2] MiB of anonymous memory. */
static int touch_mib(const char *mib)
{
	size_t bytes = (size_t)strtoul(mib, NULL, 10) * MIB;
	if (!bytes)
		return 0;
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < bytes; i += 4096)
		p[i] = 1;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(out_path, sizeof(out_path), "%s/stdout", tmpdir);
	snprintf(err_path, sizeof(err_path), "%s/stderr", tmpdir);
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n < 0)
		return -1;
	self_exe[n] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(out_path);
	unlink(err_path);
	rmdir(tmpdir);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "touch-mib") == 0)
		return touch_mib(argv[2]);
	helper = spawn_helper_start();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exit_and_output),
	    cmocka_unit_test(test_exec_failure_and_env),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_memory_is_not_the_spawners),
	    cmocka_unit_test(test_interruption),
	    cmocka_unit_test(test_caller_death),
	    cmocka_unit_test(test_helper_death),
	    cmocka_unit_test(test_leaf),
	};
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	spawn_helper_free(helper);
	return rc;
}
