/* Tests of the eBPF capture against the running kernel: exact counts for one cgroup, nothing from
 * outside it, nothing after detach, drops counted on a tiny ring. Needs root and BPF; skipped
 * (with the reason printed) where the machine cannot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/capture.h"
#include "run/cgroup.h"
#include "run/kernel_count.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PATTERN  "sweep/worker-\\d+/event-\\d+"
#define N_EVENTS 10000

struct env {
	const char *skip_reason; /* set when the machine cannot run these tests */
	char reason[512];
	char cgroup[4096]; /* the test's cgroup v2 leaf */
	char procs[4200];  /* its cgroup.procs */
	uint64_t cgroup_id;
	char dir[64]; /* temp dir the files are created in */
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int make_dirs(const char *base, const char *sub)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", base, sub);
	for (char *s = p + strlen(base) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(p, 0755) && errno != EEXIST ? -1 : 0;
}

static int setup(void **state)
{
	static struct env e;
	memset(&e, 0, sizeof(e));
	*state = &e;
	if (geteuid() != 0) {
		e.skip_reason = "not running as root";
		return 0;
	}
	struct diag_list d;
	diag_list_init(&d);
	struct capture *c = capture_open(NULL, &d);
	char *mount = NULL;
	if (c && cgroup_hierarchy_find(&mount, &d) == 0)
		snprintf(e.cgroup, sizeof(e.cgroup), "%s", mount);
	free(mount);
	if (!c || !*e.cgroup) {
		snprintf(e.reason, sizeof(e.reason), "%s",
		         d.len ? d.items[0].message : "capture unavailable");
		e.skip_reason = e.reason;
	}
	capture_free(c);
	diag_list_release(&d);
	if (e.skip_reason)
		return 0;
	size_t n = strlen(e.cgroup);
	snprintf(e.cgroup + n, sizeof(e.cgroup) - n, "/tare-test-capture-%ld", (long)getpid());
	snprintf(e.procs, sizeof(e.procs), "%s/cgroup.procs", e.cgroup);
	struct stat st;
	if (mkdir(e.cgroup, 0755) != 0 || stat(e.cgroup, &st) != 0) {
		snprintf(e.reason, sizeof(e.reason), "cannot create cgroup '%.400s': %s", e.cgroup,
		         strerror(errno));
		e.skip_reason = e.reason;
		return 0;
	}
	e.cgroup_id = (uint64_t)st.st_ino;
	snprintf(e.dir, sizeof(e.dir), "/tmp/tare-test-capture-XXXXXX");
	assert_non_null(mkdtemp(e.dir));
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	if (e->cgroup_id)
		rmdir(e->cgroup);
	if (e->dir[0]) {
		char *argv[] = {"rm", "-rf", e->dir, NULL};
		pid_t pid = fork();
		if (pid == 0) {
			execvp("rm", argv);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
	return 0;
}

static struct env *env_or_skip(void **state)
{
	struct env *e = *state;
	if (e->skip_reason) {
		printf("skipped: %s\n", e->skip_reason);
		skip();
	}
	return e;
}

/* Opens n new files dir/sub/event-<i> (one openat each). */
static void open_files(const char *dir, const char *sub, int first, int n)
{
	char path[256];
	for (int i = first; i < first + n; i++) {
		snprintf(path, sizeof(path), "%s/%s/event-%d", dir, sub, i);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0)
			_exit(3);
		close(fd);
	}
}

/* Forks a child that joins the cgroup (when procs is not NULL) and opens n files; returns the
 * child's pid and the nanoseconds its opens took. */
static pid_t run_child(const char *procs, const char *dir, const char *sub, int n,
                       uint64_t *open_ns)
{
	int go[2], done[2];
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	assert_int_equal(make_dirs(dir, sub), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char b;
		if (read(go[0], &b, 1) != 1)
			_exit(2);
		uint64_t t0 = now_ns();
		open_files(dir, sub, 0, n);
		uint64_t dt = now_ns() - t0;
		if (write(done[1], &dt, sizeof(dt)) != (ssize_t)sizeof(dt))
			_exit(4);
		_exit(0);
	}
	if (procs) {
		FILE *f = fopen(procs, "w");
		assert_non_null(f);
		fprintf(f, "%ld\n", (long)pid);
		assert_int_equal(fclose(f), 0);
	}
	assert_int_equal(write(go[1], "x", 1), 1);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(read(done[0], open_ns, sizeof(*open_ns)), (ssize_t)sizeof(*open_ns));
	close(go[0]);
	close(go[1]);
	close(done[0]);
	close(done[1]);
	return pid;
}

struct seen {
	struct kernel_count *kc;
	uint32_t self_tgid;
	uint64_t from_self; /* events of this (uncaptured) process */
	uint64_t exits;     /* exit records: only the child is in the cgroup */
	uint32_t exit_tgid; /* the process of the last one */
	/* when set, the consumer holds its first event until *hold is cleared: the ring then fills
	 * whatever the relative speed of producer and consumer (a sanitizer build is slow enough
	 * for a free-running consumer to keep up with a tiny ring) */
	atomic_bool *hold;
};

static void on_event(void *ctx, const struct capture_event *ev)
{
	struct seen *s = ctx;
	while (s->hold && atomic_load(s->hold))
		usleep(1000);
	kernel_count_add(s->kc, ev);
	if (ev->tgid == s->self_tgid)
		s->from_self++;
	if (ev->type == CAPTURE_EVENT_EXIT) {
		s->exits++;
		s->exit_tgid = ev->tgid;
	}
}

static void test_exact_count_in_cgroup_only(void **state)
{
	struct env *e = env_or_skip(state);
	struct diag_list d;
	diag_list_init(&d);
	struct capture *c = capture_open(NULL, &d);
	assert_non_null(c);
	struct seen s = {.self_tgid = (uint32_t)getpid()};
	s.kc = kernel_count_new(PATTERN, NULL, &d);
	assert_non_null(s.kc);
	/* the same opens with nothing attached, for the cost per event printed below */
	uint64_t bare_ns = 0;
	run_child(e->procs, e->dir, "bare/sweep/worker-0", N_EVENTS, &bare_ns);

	assert_int_equal(capture_attach(c, e->cgroup_id, on_event, &s, &d), 0);

	/* outside the cgroup and matching the pattern: must not be seen */
	assert_int_equal(make_dirs(e->dir, "outside/sweep/worker-9"), 0);
	open_files(e->dir, "outside/sweep/worker-9", 0, 500);
	uint64_t open_ns = 0;
	pid_t child = run_child(e->procs, e->dir, "in/sweep/worker-0", N_EVENTS, &open_ns);

	struct capture_counts cc;
	assert_int_equal(capture_drain(c, 5000, &cc, &d), 0);
	capture_detach(c, &cc);
	struct kernel_count_totals t;
	assert_int_equal(kernel_count_finish(s.kc, &t, &d), 0);

	printf("captured %llu opens in %.1f ms (%.0f events/s; %.0f/s with nothing attached, "
	       "%+.2f us per event); emitted %llu received %llu "
	       "dropped %llu filtered_in %llu; attach %.2f ms drain %.2f ms detach %.2f ms\n",
	       (unsigned long long)t.matched_events, (double)open_ns / 1e6,
	       (double)N_EVENTS / ((double)open_ns / 1e9),
	       (double)N_EVENTS / ((double)bare_ns / 1e9),
	       ((double)open_ns - (double)bare_ns) / 1e3 / N_EVENTS, (unsigned long long)cc.emitted,
	       (unsigned long long)cc.received, (unsigned long long)cc.dropped,
	       (unsigned long long)cc.filtered_in, (double)cc.attach_ns / 1e6,
	       (double)cc.drain_ns / 1e6, (double)cc.detach_ns / 1e6);
	assert_int_equal(cc.dropped, 0);
	assert_int_equal(cc.received, cc.emitted);
	assert_int_equal(cc.filter_cgroup_id, e->cgroup_id);
	assert_false(cc.drain_timed_out);
	assert_true(cc.clean);
	assert_int_equal(t.matched_events, N_EVENTS);
	assert_int_equal(t.matched_unique, N_EVENTS);
	assert_int_equal(s.from_self, 0);
	/* the exit record is emitted before the parent can reap */
	assert_int_equal(s.exits, 1);
	assert_int_equal(s.exit_tgid, child);
	/* every syscall the child made after joining passed the cgroup filter */
	assert_true(cc.filtered_in >= 2 * N_EVENTS);

	kernel_count_free(s.kc);
	capture_free(c);
	diag_list_release(&d);
}

static void test_nothing_after_detach(void **state)
{
	struct env *e = env_or_skip(state);
	struct diag_list d;
	diag_list_init(&d);
	struct capture *c = capture_open(NULL, &d);
	assert_non_null(c);
	struct seen s = {.self_tgid = (uint32_t)getpid()};
	s.kc = kernel_count_new(PATTERN, NULL, &d);
	assert_non_null(s.kc);
	uint64_t open_ns;
	assert_int_equal(capture_attach(c, e->cgroup_id, on_event, &s, &d), 0);
	run_child(e->procs, e->dir, "detach/sweep/worker-1", 100, &open_ns);
	struct capture_counts before;
	assert_int_equal(capture_drain(c, 5000, &before, &d), 0);
	capture_detach(c, &before);
	assert_true(before.clean);

	run_child(e->procs, e->dir, "detach/sweep/worker-2", 100, &open_ns);
	struct capture_counts after;
	assert_int_equal(capture_read_counts(c, &after, &d), 0);
	assert_int_equal(after.emitted, before.emitted);
	assert_int_equal(after.filtered_in, before.filtered_in);
	struct kernel_count_totals t;
	kernel_count_get(s.kc, &t);
	assert_int_equal(t.matched_events, 100);

	/* a second window on the same loaded programs starts from zero */
	assert_int_equal(capture_attach(c, e->cgroup_id, on_event, &s, &d), 0);
	run_child(e->procs, e->dir, "detach/sweep/worker-3", 50, &open_ns);
	struct capture_counts again;
	assert_int_equal(capture_drain(c, 5000, &again, &d), 0);
	capture_detach(c, &again);
	assert_true(again.clean);
	assert_true(again.emitted < before.emitted);
	kernel_count_get(s.kc, &t);
	assert_int_equal(t.matched_events, 150);

	kernel_count_free(s.kc);
	capture_free(c);
	diag_list_release(&d);
}

static void test_tiny_ring_counts_drops(void **state)
{
	struct env *e = env_or_skip(state);
	struct diag_list d;
	diag_list_init(&d);
	struct capture *c = capture_open(&(struct capture_opts){.ringbuf_bytes = 4096}, &d);
	assert_non_null(c);
	atomic_bool hold = true;
	struct seen s = {.self_tgid = (uint32_t)getpid(), .hold = &hold};
	s.kc = kernel_count_new(PATTERN, NULL, &d);
	assert_non_null(s.kc);
	uint64_t open_ns;
	assert_int_equal(capture_attach(c, e->cgroup_id, on_event, &s, &d), 0);
	run_child(e->procs, e->dir, "tiny/sweep/worker-0", N_EVENTS, &open_ns);
	atomic_store(&hold, false);
	struct capture_counts cc;
	assert_int_equal(capture_drain(c, 5000, &cc, &d), 0);
	capture_detach(c, &cc);
	struct kernel_count_totals t;
	kernel_count_get(s.kc, &t);
	printf("tiny ring: emitted %llu received %llu dropped %llu\n",
	       (unsigned long long)cc.emitted, (unsigned long long)cc.received,
	       (unsigned long long)cc.dropped);
	assert_true(cc.dropped > 0);
	assert_int_equal(cc.received, cc.emitted);
	assert_false(cc.clean);
	/* every open was either delivered or counted as dropped (the exit record is the +1) */
	assert_int_equal(cc.emitted + cc.dropped, N_EVENTS + 1);
	assert_int_equal(t.matched_events + s.exits + cc.dropped, N_EVENTS + 1);
	kernel_count_free(s.kc);
	capture_free(c);
	diag_list_release(&d);
}

/* Consecutive windows on programs kept attached: each counts exactly its own child, nothing is
 * captured between windows (the filter is 0), and ending without keeping detaches. */
static void test_windows_keep_programs_attached(void **state)
{
	struct env *e = env_or_skip(state);
	struct diag_list d;
	diag_list_init(&d);
	struct capture *c = capture_open(NULL, &d);
	assert_non_null(c);
	struct seen s = {.self_tgid = (uint32_t)getpid()};
	s.kc = kernel_count_new(PATTERN, NULL, &d);
	assert_non_null(s.kc);
	uint64_t open_ns, matched = 0;
	assert_false(capture_programs_attached(c));
	for (int w = 0; w < 4; w++) {
		char sub[64];
		snprintf(sub, sizeof(sub), "keep/sweep/worker-%d", w);
		assert_int_equal(capture_attach(c, e->cgroup_id, on_event, &s, &d), 0);
		assert_true(capture_programs_attached(c));
		run_child(e->procs, e->dir, sub, 200 + w, &open_ns);
		struct capture_counts cc;
		assert_int_equal(capture_drain(c, 5000, &cc, &d), 0);
		bool keep = w < 2;
		capture_end(c, keep, &cc);
		printf("window %d: attach %.3f ms drain %.3f ms end %.3f ms (%s)\n", w,
		       (double)cc.attach_ns / 1e6, (double)cc.drain_ns / 1e6,
		       (double)cc.detach_ns / 1e6, keep ? "kept attached" : "detached");
		assert_true(cc.clean);
		assert_int_equal(cc.emitted, 200 + w + 1); /* the opens and the child's exit */
		matched += 200 + (uint64_t)w;
		struct kernel_count_totals t;
		kernel_count_get(s.kc, &t);
		assert_int_equal(t.matched_events, matched);
		assert_int_equal(capture_programs_attached(c), keep);
		/* between windows the programs see the cgroup's tasks but keep nothing */
		snprintf(sub, sizeof(sub), "between/sweep/worker-%d", w);
		run_child(e->procs, e->dir, sub, 50, &open_ns);
		struct capture_counts between;
		assert_int_equal(capture_read_counts(c, &between, &d), 0);
		assert_int_equal(between.emitted, cc.emitted);
		assert_int_equal(between.filtered_in, cc.filtered_in);
		assert_int_equal(between.filter_cgroup_id, 0);
	}
	assert_int_equal(s.from_self, 0);
	kernel_count_free(s.kc);
	capture_free(c);
	diag_list_release(&d);
}

static uint64_t getppid_loop_ns(pid_t n)
{
	uint64_t t0 = now_ns();
	for (pid_t i = 0; i < n; i++)
		if (getppid() < 0)
			break;
	return now_ns() - t0;
}

/* Programs kept attached with the filter at 0 emit and count nothing, but they run on every
 * syscall of the host. The printed per-syscall cost is why a window keeps them only when the
 * next dispatch captures too, and an arm without capture runs with nothing attached. */
static void test_filtered_out_programs_cost(void **state)
{
	struct env *e = env_or_skip(state);
	(void)e;
	struct diag_list d;
	diag_list_init(&d);
	struct capture *c = capture_open(NULL, &d);
	assert_non_null(c);
	enum { CALLS = 500000, ROUNDS = 7 };
	uint64_t bare[ROUNDS], kept[ROUNDS];
	struct capture_counts cc;
	for (int r = 0; r < ROUNDS; r++) {
		bare[r] = getppid_loop_ns(CALLS);
		/* a window on a cgroup nobody is in, ended with the programs kept attached */
		assert_int_equal(capture_attach(c, UINT64_C(1) << 62, NULL, NULL, &d), 0);
		assert_int_equal(capture_drain(c, 5000, &cc, &d), 0);
		capture_end(c, true, &cc);
		kept[r] = getppid_loop_ns(CALLS);
		assert_int_equal(capture_read_counts(c, &cc, &d), 0);
		assert_int_equal(cc.emitted, 0);
		assert_int_equal(cc.filtered_in, 0);
		capture_detach(c, NULL);
	}
	uint64_t best_bare = bare[0], best_kept = kept[0];
	for (int r = 1; r < ROUNDS; r++) {
		best_bare = bare[r] < best_bare ? bare[r] : best_bare;
		best_kept = kept[r] < best_kept ? kept[r] : best_kept;
	}
	printf("getppid, best of %d rounds of %d: %.1f ns with nothing attached, %.1f ns with the "
	       "programs attached and filtering out (%+.1f ns per syscall)\n",
	       ROUNDS, CALLS, (double)best_bare / CALLS, (double)best_kept / CALLS,
	       ((double)best_kept - (double)best_bare) / CALLS);
	capture_free(c);
	diag_list_release(&d);
}

static void test_probe(void **state)
{
	env_or_skip(state);
	struct diag_list d;
	diag_list_init(&d);
	int rc = capture_probe(&d);
	if (rc)
		printf("%s\n", d.items[0].message);
	assert_int_equal(rc, 0);
	diag_list_release(&d);
}

static void test_ringbuf_size_checked(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	assert_int_equal(capture_check_ringbuf_bytes(1u << 20, &d), 0);
	long page = sysconf(_SC_PAGESIZE);
	assert_int_equal(capture_check_ringbuf_bytes((uint64_t)page, &d), 0);
	/* checked before anything is loaded, so this needs no privileges */
	assert_null(capture_open(&(struct capture_opts){.ringbuf_bytes = 1000000}, &d));
	assert_int_equal(diag_error_count(&d), 1);
	char want[200];
	snprintf(want, sizeof(want),
	         "ring buffer size 1000000 bytes is not a power of two multiple of the page size "
	         "(%ld bytes); use 1048576",
	         page);
	assert_string_equal(d.items[0].message, want);
	assert_int_equal(capture_check_ringbuf_bytes(3u * (uint64_t)page, &d), -1);
	assert_int_equal(capture_check_ringbuf_bytes(UINT64_C(1) << 31, &d), -1);
	diag_list_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ringbuf_size_checked),
	    cmocka_unit_test(test_exact_count_in_cgroup_only),
	    cmocka_unit_test(test_nothing_after_detach),
	    cmocka_unit_test(test_tiny_ring_counts_drops),
	    cmocka_unit_test(test_windows_keep_programs_attached),
	    cmocka_unit_test(test_filtered_out_programs_cost),
	    cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
