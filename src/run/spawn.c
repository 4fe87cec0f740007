/* Spawning one workload: clone3 with vfork semantics into its cgroup leaf, exec without a shell,
 * drain its output pipes while waiting on a pidfd with timeout, grace and interruption, reap with
 * rusage, kill what it left behind. */
#include "run/spawn.h"

#include "run/clone_vm.h"
#include "run/output_pipe.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* how long the leaf may take to empty after cgroup.kill before tare reports it */
#define LEAF_KILL_WAIT_MS 5000

/* Code that runs in the child before exec. With CLONE_VM it runs in tare's address space, where
 * AddressSanitizer's bookkeeping (shadow memory, the no-return stack unpoisoning that would warn
 * on the foreign stack) belongs to the parent: keep the instrumentation out. */
#define CHILD_CODE __attribute__((no_sanitize_address))

/* What the child reports through the close-on-exec pipe when it cannot reach the program. */
enum child_stage {
	STAGE_CGROUP = 1,
	STAGE_PGID,
	STAGE_CHDIR,
	STAGE_FDS,
	STAGE_EXEC,
	STAGE_MEMORY_CGROUP
};
/* stage 0 is the child's "ready" record: written once it has joined its cgroups, with the time,
 * so that the workload's wall clock starts there (see spawn_run). */
struct child_report {
	int stage;
	int err;
	int64_t ns;
};

/* Everything the child needs, prepared before clone: after it the child only makes
 * async-signal-safe calls (the parent may have other threads, so no malloc, no stdio) and, as it
 * shares the parent's memory, writes nothing but its own stack (and the errno it cannot avoid). */
struct child_plan {
	const char *path; /* what execve gets */
	char *const *argv;
	char **envp;
	const char *cwd;
	int in_fd, out_fd, err_fd;
	int procs_fd;        /* cgroup.procs of the leaf on the fork path, else -1 */
	int memory_procs_fd; /* cgroup.procs of the v1 memory leaf, else -1 */
	int report_fd;
	sigset_t reset; /* signals whose disposition is not the default in tare */
};

void spawn_result_init(struct spawn_result *r)
{
	memset(r, 0, sizeof(*r));
}

void spawn_result_release(struct spawn_result *r)
{
	free(r->exec_error);
	spawn_result_init(r);
}

static size_t name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq ? (size_t)(eq - entry) : strlen(entry);
}

/* The child's environment: the caller's, minus names the dispatch sets, plus the dispatch's
 * entries. Borrowed strings in a new array (caller frees the array only). */
static char **merge_env(char *const *extra)
{
	size_t n_env = 0, n_extra = 0;
	while (environ && environ[n_env])
		n_env++;
	while (extra && extra[n_extra])
		n_extra++;
	char **envp = xcalloc(n_env + n_extra + 1, sizeof(*envp));
	size_t k = 0;
	for (size_t i = 0; i < n_env; i++) {
		size_t len = name_len(environ[i]);
		int overridden = 0;
		for (size_t j = 0; j < n_extra && !overridden; j++)
			overridden =
			    name_len(extra[j]) == len && strncmp(extra[j], environ[i], len) == 0;
		if (!overridden)
			envp[k++] = environ[i];
	}
	for (size_t j = 0; j < n_extra; j++)
		envp[k++] = extra[j];
	return envp;
}

/* Resolves argv[0] in the parent, because the child changes directory before exec: a relative
 * path is made absolute against the caller's directory, a bare name is searched in the child's
 * PATH. Returns a new string, or NULL when a bare name is not found. */
static char *resolve_program(const char *name, char **envp)
{
	struct strbuf sb;
	strbuf_init(&sb);
	if (name[0] == '/') {
		strbuf_addstr(&sb, name);
		return strbuf_detach(&sb);
	}
	if (strchr(name, '/')) {
		char cwd[4096];
		if (!getcwd(cwd, sizeof(cwd))) {
			strbuf_release(&sb);
			return NULL;
		}
		strbuf_addf(&sb, "%s/%s", cwd, name);
		return strbuf_detach(&sb);
	}
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	for (char **e = envp; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	while (*path) {
		size_t len = strcspn(path, ":");
		strbuf_reset(&sb);
		/* an empty PATH element means the current directory, as in execvp */
		if (len == 0)
			strbuf_addstr(&sb, ".");
		else
			strbuf_add(&sb, path, len);
		strbuf_addf(&sb, "/%s", name);
		if (access(sb.buf, X_OK) == 0)
			return strbuf_detach(&sb);
		path += len;
		if (*path == ':')
			path++;
	}
	strbuf_release(&sb);
	return NULL;
}

CHILD_CODE __attribute__((noreturn)) static void child_fail(const struct child_plan *c, int stage)
{
	struct child_report rep = {stage, errno, 0};
	ssize_t n = write(c->report_fd, &rep, sizeof(rep));
	(void)n;
	_exit(SPAWN_EXIT_EXEC_FAILED);
}

CHILD_CODE static int move_fd(int fd, int target)
{
	if (fd == target) /* keep it across exec: it was opened close-on-exec */
		return fcntl(fd, F_SETFD, 0);
	return dup2(fd, target) < 0 ? -1 : 0;
}

/* The child from clone to exec; arg is the child_plan. All signals arrive blocked (the parent
 * blocked them around the clone): tare's handlers must not run here, in tare's memory, so the
 * dispositions go back to default (exec would reset caught ones, but only at exec; ignored ones
 * would survive it) before the mask is cleared. */
CHILD_CODE static int child_main(void *arg)
{
	const struct child_plan *c = arg;
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&c->reset, sig) == 1)
			sigaction(sig, &dfl, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (c->procs_fd >= 0 && write(c->procs_fd, "0", 1) != 1)
		child_fail(c, STAGE_CGROUP);
	/* cgroup v1 has no CLONE_INTO_CGROUP: the child moves itself before exec, so that every
	 * page of the program is charged to the leaf */
	if (c->memory_procs_fd >= 0 && write(c->memory_procs_fd, "0", 1) != 1)
		child_fail(c, STAGE_MEMORY_CGROUP);
	/* Writing cgroup.procs waits for an RCU grace period (~10 ms on an idle machine): tare's
	 * cost, not the workload's. The workload's wall clock starts here. */
	struct child_report ready = {0, 0, clock_monotonic_ns_in_child()};
	ssize_t wrote = write(c->report_fd, &ready, sizeof(ready));
	(void)wrote;
	if (setpgid(0, 0) < 0)
		child_fail(c, STAGE_PGID);
	if (c->cwd && chdir(c->cwd) < 0)
		child_fail(c, STAGE_CHDIR);
	if (move_fd(c->in_fd, 0) < 0 || move_fd(c->out_fd, 1) < 0 || move_fd(c->err_fd, 2) < 0)
		child_fail(c, STAGE_FDS);
	execve(c->path, c->argv, c->envp);
	child_fail(c, STAGE_EXEC);
}

/* The signals the child must reset: every one whose disposition in tare is not the default.
 * Read before the clock starts, so that the child makes a few sigaction calls, not 64. */
static void signals_to_reset(sigset_t *set)
{
	sigemptyset(set);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) < 0)
			continue;
		if (old.sa_handler != SIG_DFL)
			sigaddset(set, sig);
	}
}

static char *stage_message(const struct spawn_request *req, int stage, int err)
{
	struct strbuf sb;
	strbuf_init(&sb);
	switch (stage) {
	case STAGE_CGROUP:
		strbuf_addf(&sb, "cannot join cgroup '%s': %s", req->leaf->path, strerror(err));
		break;
	case STAGE_MEMORY_CGROUP:
		strbuf_addf(&sb, "cannot join cgroup '%s': %s", req->memory_leaf->path,
		            strerror(err));
		break;
	case STAGE_PGID:
		strbuf_addf(&sb, "cannot create a process group: %s", strerror(err));
		break;
	case STAGE_CHDIR:
		strbuf_addf(&sb, "cannot change to directory '%s': %s", req->cwd, strerror(err));
		break;
	case STAGE_FDS:
		strbuf_addf(&sb, "cannot redirect standard streams: %s", strerror(err));
		break;
	default:
		strbuf_addf(&sb, "cannot execute '%s': %s", req->argv[0], strerror(err));
		break;
	}
	return strbuf_detach(&sb);
}

/* The fork path: the child moves itself into the leaf before exec ("0" means the writer). */
static pid_t fork_child(const struct spawn_request *req, struct child_plan *c, int *pidfd)
{
	if (req->leaf) {
		c->procs_fd = openat(req->leaf->dir_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (c->procs_fd < 0)
			return -1;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_main(c);
	if (pid < 0)
		return -1;
	*pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (*pidfd < 0) {
		int err = errno;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		errno = err;
		return -1;
	}
	return pid;
}

/* Starts the child. clone3 with CLONE_VM | CLONE_VFORK does not copy tare's page tables, so the
 * spawn costs the same whatever tare's size (the BPF ring buffer alone is 16 MiB); the caller is
 * suspended until the child has exec'd. CLONE_INTO_CGROUP puts the child into the leaf
 * atomically, so not one instruction of it runs outside the leaf; CLONE_PIDFD gives a pidfd that
 * cannot refer to a reused pid. Kernels without clone3 or CLONE_INTO_CGROUP (ENOSYS, E2BIG,
 * EINVAL), architectures without the clone_vm entry and req->no_clone3 take the fork path.
 * Returns the pid (and *pidfd, *forked), or -1 with errno. */
static pid_t start_child(const struct spawn_request *req, struct child_plan *c, int *pidfd,
                         bool *forked)
{
	*pidfd = -1;
	*forked = false;
	if (!req->no_clone3 && clone_vm_available()) {
		struct clone_args args;
		memset(&args, 0, sizeof(args));
		args.flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD;
		args.pidfd = (uint64_t)(uintptr_t)pidfd;
		args.exit_signal = SIGCHLD;
		if (req->leaf) {
			args.flags |= CLONE_INTO_CGROUP;
			args.cgroup = (uint64_t)req->leaf->dir_fd;
		}
		pid_t pid = clone_vm(&args, child_main, c);
		if (pid > 0)
			return pid;
		if (errno != ENOSYS && errno != E2BIG && errno != EINVAL)
			return -1;
	}
	*forked = true;
	return fork_child(req, c, pidfd);
}

/* Blocks every signal, the ones glibc reserves for itself included (which pthread_sigmask
 * would leave alone), as posix_spawn does: no handler of tare may run in a child that shares its
 * memory. The kernel's sigset is 8 bytes. */
static void block_all_signals(uint64_t *old)
{
	uint64_t all = ~UINT64_C(0);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, old, sizeof(all));
}

static void restore_signals(const uint64_t *old)
{
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, old, NULL, sizeof(*old));
}

enum wait_end { END_EXIT, END_TIMEOUT, END_INTERRUPT };

/* Waits for the pidfd to become readable (the child exited) until deadline_ns, draining the
 * output pipes as they fill and waking every SPAWN_POLL_SLICE_MS to look at the interruption
 * flag. A quiet workload wakes it once, at its exit. */
static enum wait_end wait_exit(int pidfd, struct output_pipes *out, int64_t deadline_ns,
                               volatile sig_atomic_t *interrupted)
{
	for (;;) {
		if (interrupted && *interrupted)
			return END_INTERRUPT;
		int64_t left = deadline_ns - clock_monotonic_ns();
		if (left <= 0)
			return END_TIMEOUT;
		int64_t slice = (int64_t)SPAWN_POLL_SLICE_MS * CLOCK_NS_PER_MS;
		if (left < slice)
			slice = left;
		struct timespec ts = {(time_t)(slice / CLOCK_NS_PER_SEC),
		                      (long)(slice % CLOCK_NS_PER_SEC)};
		struct pollfd pfd[1 + OUTPUT_STREAMS];
		pfd[0] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		output_pipes_pollfds(out, pfd + 1);
		int r = ppoll(pfd, 1 + OUTPUT_STREAMS, &ts, NULL);
		/* the exit first: what is left in the pipes is read after the reap, outside wall */
		if (r > 0 && pfd[0].revents)
			return END_EXIT;
		if (r > 0)
			output_pipes_service(out, pfd + 1);
		if (r < 0 && errno != EINTR)
			return END_EXIT; /* the pidfd is unusable; wait4 below blocks instead */
	}
}

/* Signals the child's process group and the child itself (in case it left the group). */
static void signal_group(pid_t pid, int pidfd, int sig)
{
	kill(-pid, sig);
	syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Timeout or interruption: SIGTERM and a grace period (timeout only), then SIGKILL to the group
 * and the whole leaf, so that nothing the workload started survives. Returns END_INTERRUPT when
 * an interruption cut the grace short, else why. */
static enum wait_end stop_child(const struct spawn_request *req, pid_t pid, int pidfd,
                                struct output_pipes *out, enum wait_end why)
{
	int64_t grace = req->grace_ms == 0 ? SPAWN_DEFAULT_GRACE_MS : req->grace_ms;
	enum wait_end graced = END_TIMEOUT;
	if (why == END_TIMEOUT && grace > 0) {
		signal_group(pid, pidfd, SIGTERM);
		graced = wait_exit(pidfd, out, clock_monotonic_ns() + grace * CLOCK_NS_PER_MS,
		                   req->interrupted);
	}
	if (graced != END_EXIT)
		signal_group(pid, pidfd, SIGKILL);
	if (req->leaf)
		cgroup_leaf_kill(req->leaf, LEAF_KILL_WAIT_MS);
	return graced == END_INTERRUPT ? END_INTERRUPT : why;
}

static void fill_status(struct spawn_result *res, int status, const struct rusage *ru)
{
	if (WIFSIGNALED(status)) {
		res->term_signal = WTERMSIG(status);
		res->exit_code = 128 + res->term_signal;
	} else {
		res->exit_code = WEXITSTATUS(status);
	}
	res->user_us = (int64_t)ru->ru_utime.tv_sec * 1000000 + ru->ru_utime.tv_usec;
	res->sys_us = (int64_t)ru->ru_stime.tv_sec * 1000000 + ru->ru_stime.tv_usec;
	res->max_rss_kb = ru->ru_maxrss; /* kilobytes on Linux */
}

/* The file that receives what is kept of a stream; -1 and no error when path is NULL. */
static int open_output(const char *path, int *fd, struct diag_list *d)
{
	*fd = -1;
	if (!path)
		return 0;
	*fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (*fd < 0)
		return diag_error(d, "spawn.output", NULL, "cannot open output file '%s': %s", path,
		                  strerror(errno));
	return 0;
}

/* Reads the child's reports: its "ready" record (*ready_ns, left alone when it failed before),
 * then nothing when exec succeeded (the pipe closed on exec) or why it failed. Returns 1 on a
 * failure, with *rep filled. */
static int read_report(int fd, struct child_report *rep, int64_t *ready_ns)
{
	for (;;) {
		ssize_t n;
		do
			n = read(fd, rep, sizeof(*rep));
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)sizeof(*rep))
			return 0;
		if (rep->stage != 0)
			return 1;
		*ready_ns = rep->ns;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Waits, stops on timeout or interruption, reaps and accounts, then takes the rest of the output.
 * The child has exec'd. */
static int supervise(const struct spawn_request *req, struct spawn_result *res, pid_t pid,
                     int pidfd, struct output_pipes *out, int64_t t_ready, struct diag_list *d)
{
	/* the timeout is the workload's: it counts from the ready record, where wall starts, so
	 * that a timed-out dispatch's wall is never below it (the cgroup joins before can take ms)
	 */
	int64_t deadline =
	    req->timeout_ms > 0 ? t_ready + req->timeout_ms * CLOCK_NS_PER_MS : INT64_MAX;
	enum wait_end end = wait_exit(pidfd, out, deadline, req->interrupted);
	bool timed_out = end == END_TIMEOUT;
	if (end != END_EXIT)
		end = stop_child(req, pid, pidfd, out, end);
	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	res->reaped_ns = clock_monotonic_ns();
	res->wall_ns = res->reaped_ns - t_ready;
	fill_status(res, status, &ru);
	/* read after the reap, outside wall: it can only have grown since the exec, so the floor
	 * stated is never below the one the child's ru_maxrss started from */
	struct rusage self;
	if (getrusage(RUSAGE_SELF, &self) == 0)
		res->max_rss_floor_kb = self.ru_maxrss;
	res->timed_out = timed_out;
	res->interrupted = end == END_INTERRUPT; /* also when it came during the grace period */
	if (res->timed_out)
		res->exit_code = SPAWN_EXIT_TIMEOUT;
	int rc = 0;
	if (req->leaf) {
		/* what is still in the leaf now was started by the workload and outlived it */
		if (end == END_EXIT)
			res->orphans = (int64_t)cgroup_leaf_count_procs(req->leaf);
		if (cgroup_leaf_populated(req->leaf) &&
		    cgroup_leaf_kill(req->leaf, LEAF_KILL_WAIT_MS) < 0)
			rc = diag_error(d, "cgroup.kill", NULL,
			                "cannot empty cgroup '%s': %zu processes survive SIGKILL",
			                req->leaf->path, cgroup_leaf_count_procs(req->leaf));
	}
	/* with the leaf empty nobody can hold the pipes any more: this ends at EOF at once; only
	 * without a leaf can a process that left the group keep them open, and the wait is short */
	output_pipes_finish(out, SPAWN_OUTPUT_EOF_WAIT_MS);
	return rc;
}

/* Writes what was kept of both streams to their files and fills the byte counts. */
static int keep_output(const struct spawn_request *req, struct output_pipes *out,
                       const int file_fd[OUTPUT_STREAMS], struct spawn_result *res,
                       struct diag_list *d)
{
	const char *paths[OUTPUT_STREAMS] = {req->stdout_path, req->stderr_path};
	res->stdout_bytes = out->kept[OUTPUT_STDOUT].total;
	res->stderr_bytes = out->kept[OUTPUT_STDERR].total;
	int rc = 0;
	for (int i = 0; i < OUTPUT_STREAMS; i++) {
		if (output_keep_truncated(&out->kept[i]))
			res->output_truncated = true;
		if (file_fd[i] >= 0 && output_keep_write(&out->kept[i], file_fd[i]) < 0)
			rc =
			    diag_error(d, "spawn.output", NULL, "cannot write output file '%s': %s",
			               paths[i], strerror(errno));
	}
	return rc;
}

int spawn_run(const struct spawn_request *req, struct spawn_result *res, struct diag_list *d)
{
	struct child_plan c = {
	    .in_fd = -1, .out_fd = -1, .err_fd = -1, .procs_fd = -1, .report_fd = -1};
	c.memory_procs_fd = -1;
	struct output_pipes out;
	bool out_open = false;
	int file_fd[OUTPUT_STREAMS] = {-1, -1};
	int report_r = -1, pidfd = -1, rc = -1;
	char *path = NULL;
	spawn_result_init(res);
	if (!req->argv || !req->argv[0] || !req->argv[0][0])
		return diag_error(d, "spawn.argv", NULL, "cannot run an empty command");
	c.argv = req->argv;
	c.cwd = req->cwd;
	c.envp = merge_env(req->env);
	path = resolve_program(req->argv[0], c.envp);
	if (!path) {
		/* not found in PATH: the same outcome as a failed exec, without a process */
		res->exec_failed = true;
		res->exec_errno = ENOENT;
		res->exit_code = SPAWN_EXIT_EXEC_FAILED;
		res->exec_error = stage_message(req, STAGE_EXEC, ENOENT);
		rc = 0;
		goto cleanup;
	}
	c.path = path;
	signals_to_reset(&c.reset);
	c.in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (c.in_fd < 0) {
		diag_error(d, "spawn.output", NULL, "cannot open '/dev/null': %s", strerror(errno));
		goto cleanup;
	}
	if (open_output(req->stdout_path, &file_fd[OUTPUT_STDOUT], d) < 0 ||
	    open_output(req->stderr_path, &file_fd[OUTPUT_STDERR], d) < 0)
		goto cleanup;
	if (req->memory_leaf && req->memory_leaf->path &&
	    (c.memory_procs_fd =
	         openat(req->memory_leaf->dir_fd, "cgroup.procs", O_WRONLY | O_CLOEXEC)) < 0) {
		diag_error(d, "cgroup.join", NULL, "cannot open '%s/cgroup.procs': %s",
		           req->memory_leaf->path, strerror(errno));
		goto cleanup;
	}
	if (output_pipes_open(&out, req->output_keep) < 0) {
		diag_error(d, "spawn.pipe", NULL, "cannot create the output pipes: %s",
		           strerror(errno));
		goto cleanup;
	}
	out_open = true;
	c.out_fd = out.write_fd[OUTPUT_STDOUT];
	c.err_fd = out.write_fd[OUTPUT_STDERR];
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		diag_error(d, "spawn.pipe", NULL, "cannot create a pipe: %s", strerror(errno));
		goto cleanup;
	}
	report_r = pipefd[0];
	c.report_fd = pipefd[1];

	uint64_t mask;
	block_all_signals(&mask);
	int64_t t0 = clock_monotonic_ns();
	pid_t pid = start_child(req, &c, &pidfd, &res->forked);
	int err = errno;
	restore_signals(&mask);
	if (pid < 0) {
		diag_error(d, "spawn.clone", NULL, "cannot start '%s': %s", req->argv[0],
		           strerror(err));
		goto cleanup;
	}
	/* so that the read below sees EOF once the child has exec'd, and the pipes EOF once the
	 * workload and everything it started are gone */
	close_fd(&c.report_fd);
	output_pipes_close_child_ends(&out);
	struct child_report rep;
	int64_t t_ready = t0;
	int failed = read_report(report_r, &rep, &t_ready);
	int64_t t_exec = clock_monotonic_ns();
	res->spawn_ns = t_exec - t0;
	if (failed) {
		res->exec_failed = true;
		res->exec_errno = rep.err;
		res->exec_error = stage_message(req, rep.stage, rep.err);
	}
	rc = supervise(req, res, pid, pidfd, &out, t_ready, d);
	/* wall runs from the child's ready record (it has joined its cgroups) to the reaping;
	 * spawn is tare's whole cost from clone to the confirmed exec, the joins included */
	res->workload_ns = res->wall_ns - (t_exec - t_ready);
	if (failed)
		res->exit_code = SPAWN_EXIT_EXEC_FAILED;
	if (keep_output(req, &out, file_fd, res, d) < 0)
		rc = -1;

cleanup:
	close_fd(&pidfd);
	close_fd(&report_r);
	close_fd(&c.report_fd);
	close_fd(&c.procs_fd);
	close_fd(&c.memory_procs_fd);
	close_fd(&c.in_fd);
	close_fd(&file_fd[OUTPUT_STDOUT]);
	close_fd(&file_fd[OUTPUT_STDERR]);
	if (out_open)
		output_pipes_release(&out);
	free(c.envp);
	free(path);
	return rc;
}
