/* The spawn helper: a small process forked from tare before it loads anything, that runs
 * spawn_run for tare when its figures would otherwise be tare's. execve folds the spawner's
 * high-water mark into the child's ru_maxrss, so a workload spawned by tare (35 MB with the BPF
 * skeleton and its ring) reports tare's size; spawned by the helper, at most the helper's few
 * MiB, which the sample states as its floor (docs/dispatch.md, "The spawn helper"). */
#ifndef TARE_RUN_SPAWN_HELPER_H
#define TARE_RUN_SPAWN_HELPER_H

#include "run/spawn.h"
#include "util/diag.h"

/* The resources.source of a sample whose memory (and CPU) come from the helper's wait4, and of
 * one whose memory does while its CPU comes from the cgroup v2 leaf's cpu.stat (a leaf without
 * a memory controller) */
#define SPAWN_HELPER_SOURCE            "rusage-helper"
#define SPAWN_HELPER_SOURCE_CGROUP_CPU "rusage-helper+cgroup2-cpu"

struct spawn_helper;

/* Forks the helper, connected by a SOCK_SEQPACKET socketpair (close-on-exec at both ends). Call
 * it first thing in main: the helper is a copy of the process as it is at that moment. The
 * helper serves requests until its socket reaches EOF, and stops its workload and exits when
 * tare dies (PR_SET_PDEATHSIG). Never returns NULL: when the socketpair or the fork fails, the
 * helper is unavailable and says why (spawn_helper_unavailable). Free with spawn_helper_free. */
struct spawn_helper *spawn_helper_start(void);

/* NULL when h can run requests; otherwise why not (a string owned by h). h may be NULL ("not
 * started"). */
const char *spawn_helper_unavailable(const struct spawn_helper *h);

/* spawn_run in the helper: the same contract, the same fields. req->leaf may be set (its
 * directory fd is passed to the helper); req->memory_leaf must be NULL or empty. res->max_rss_kb,
 * user_us and sys_us are the helper's wait4 of the child; res->max_rss_floor_kb the helper's own
 * high-water mark. While waiting, *req->interrupted is polled every SPAWN_POLL_SLICE_MS, and once
 * set the helper is sent SIGTERM (its own interruption flag: it stops the workload and reports
 * res->interrupted). Returns -1 with a diag also when the helper is unavailable or ends (h is
 * unavailable from then on). */
int spawn_helper_run(struct spawn_helper *h, const struct spawn_request *req,
                     struct spawn_result *res, struct diag_list *d);

/* The user + system CPU, in µs, of every workload spawn_helper_run reaped in this process so far
 * (their wait4 rusage): what getrusage(RUSAGE_CHILDREN) misses of a run that spawns through the
 * helper. */
int64_t spawn_helper_workloads_cpu_us(void);

/* Closes the socket (the helper then exits), reaps the helper, frees h. Accepts NULL. */
void spawn_helper_free(struct spawn_helper *h);

#endif
