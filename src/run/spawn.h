/* Spawning one workload process: with vfork semantics into its cgroup leaf before exec, its own
 * process group, output through pipes tare drains (head and tail kept, every byte counted), timed
 * from CLOCK_MONOTONIC, with timeout, grace and interruption (ARCHITECTURE §5 steps 3-4;
 * docs/dispatch.md). */
#ifndef TARE_RUN_SPAWN_H
#define TARE_RUN_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/cgroup.h"
#include "util/diag.h"

#define SPAWN_DEFAULT_GRACE_MS 2000
#define SPAWN_POLL_SLICE_MS    50 /* how late an interruption can be noticed */
#define SPAWN_EXIT_EXEC_FAILED 127
#define SPAWN_EXIT_TIMEOUT     124
/* How long the output pipes may stay open after the workload ended and its leaf was emptied
 * (without a leaf, a process that left the group may hold them) */
#define SPAWN_OUTPUT_EOF_WAIT_MS 100

/* What to run. All pointers borrowed for the duration of spawn_run. */
struct spawn_request {
	/* The program: argv[0] is executed. A name with a '/' is a path (relative to the caller's
	 * directory, not to cwd); a bare name is looked up in the child's PATH. Never a shell. */
	char *const *argv; /* NULL-terminated, argv[0] required */
	char *const *env;  /* "NAME=value" entries added to (and overriding) the caller's
	                      environment; NULL-terminated, may be NULL */
	const char *cwd;   /* the child's directory; NULL keeps the caller's */
	/* Where what is kept of stdout and stderr goes: created (truncated) before the start,
	 * written once the workload has ended; NULL: counted, not kept. The workload itself writes
	 * to pipes, never to these files. */
	const char *stdout_path;
	const char *stderr_path;
	size_t output_keep; /* bytes kept at each end of each stream; 0: OUTPUT_KEEP_DEFAULT */
	int64_t timeout_ms; /* from the child's ready record, where wall starts; <= 0: none */
	int64_t grace_ms;   /* SIGTERM → SIGKILL; 0: SPAWN_DEFAULT_GRACE_MS, < 0: no grace */
	const struct cgroup_leaf *leaf; /* the dispatch's leaf (empty); NULL: no cgroup */
	/* a cgroup v1 memory leaf the child joins before exec (a hybrid host's memory accounting,
	 * run/cgroup_resources.h); NULL or an empty leaf: none */
	const struct cgroup_leaf *memory_leaf;
	bool no_clone3; /* join the leaf by fork + writing cgroup.procs, the path for kernels
	                   without clone3(CLONE_INTO_CGROUP); tests use it to cover that path */
	volatile sig_atomic_t *interrupted; /* polled every SPAWN_POLL_SLICE_MS; may be NULL */
};

/* How it went. Caller-provided: spawn_result_init/spawn_result_release. */
struct spawn_result {
	int exit_code;   /* the exit status; 128+signal when killed; 124 on timeout; 127 when the
	                    program could not be executed */
	int term_signal; /* the signal that ended it, 0 when it exited */
	bool timed_out;
	bool interrupted; /* *req->interrupted was seen; the workload was killed */
	bool exec_failed; /* the child never reached the program (exec_errno, exec_error say why) */
	int exec_errno;
	char *exec_error; /* owned: "cannot execute './app': No such file or directory" */
	int64_t spawn_ns; /* tare's cost: clone → exec confirmed (the close-on-exec pipe closed),
	                     the child's cgroup joins included */
	bool forked; /* started by fork (no clone3, or an architecture without the clone_vm entry)
	                rather than clone3 with vfork semantics */
	int64_t workload_ns;      /* exec confirmed → reaped */
	int64_t reaped_ns;        /* clock_monotonic_ns when the child was reaped: its exit, as
	                             near as tare sees it (the clock is the machine's, so a
	                             helper's reading compares with tare's) */
	int64_t wall_ns;          /* the child's ready record (cgroups joined, just before its
	                             setpgid, chdir, fds and execve) → reaped: a cgroup.procs write
	                             (~10 ms: an RCU grace period) is not the workload's time */
	int64_t user_us, sys_us;  /* wait4 rusage: the child and the descendants it waited for */
	int64_t max_rss_kb;       /* largest RSS among those processes: at least max_rss_floor_kb,
	                             because execve folds the spawner's high-water mark into it */
	int64_t max_rss_floor_kb; /* the spawning process's own high-water mark (getrusage
	                             RUSAGE_SELF after the reap): tare's tens of MiB in-process, the
	                             spawn helper's few MiB through it (run/spawn_helper.h) */
	uint64_t stdout_bytes, stderr_bytes; /* every byte the workload wrote to each */
	bool output_truncated; /* some of them are not in the files (more than 2 × keep) */
	int64_t orphans;       /* processes still in the leaf after the child exited by itself */
};

void spawn_result_init(struct spawn_result *r);
void spawn_result_release(struct spawn_result *r);

/* Runs req to completion (exit, timeout, or interruption) and fills res. When req->leaf is set,
 * the leaf is empty again on return (everything in it killed). Returns 0 whenever the workload
 * ran or failed on its own (including exec failure: res->exec_failed), -1 with a diag when tare
 * could not start it or keep its output (output file, pipe, clone, cgroup). */
int spawn_run(const struct spawn_request *req, struct spawn_result *res, struct diag_list *d);

#endif
