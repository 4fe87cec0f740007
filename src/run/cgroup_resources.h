/* Where a dispatch's peak memory and CPU come from: the cgroup that holds the whole workload
 * tree (memory.peak on cgroup v2, a v1 memory leaf beside the v2 leaf on a hybrid host, cpu.stat
 * of the v2 leaf), never tare's own rusage (docs/dispatch.md, "Resources"). */
#ifndef TARE_RUN_CGROUP_RESOURCES_H
#define TARE_RUN_CGROUP_RESOURCES_H

#include <stdint.h>

#include "run/cgroup.h"
#include "util/diag.h"

/* Which files give the memory figure on this host. CPU always comes from the v2 leaf's cpu.stat
 * (its user_usec/system_usec exist on cgroup v2 whether or not a controller is enabled). */
enum resource_memory {
	RESOURCE_MEMORY_CGROUP2, /* memory.peak of the v2 leaf (memory controller on cgroup v2) */
	RESOURCE_MEMORY_CGROUP1, /* memory.max_usage_in_bytes of a v1 memory leaf (hybrid host) */
	RESOURCE_MEMORY_NONE, /* no usable memory controller: the figure is null, reason says why */
};

/* A run's resource plan. Caller-provided; filled by cgroup_resources_find, emptied by
 * cgroup_resources_release. */
struct cgroup_resources {
	enum resource_memory memory;
	char *v1_base;   /* RESOURCE_MEMORY_CGROUP1: the v1 memory cgroup tare runs in (owned) */
	char *v1_parent; /* after cgroup_resources_open: "<v1_base>/tare.<pid>" (owned) */
	char *reason;    /* RESOURCE_MEMORY_NONE: why there is no memory figure (owned) */
};

/* The figures of one dispatch, -1 where there is none (reason then says why). */
struct cgroup_resource_figures {
	int64_t memory_peak_kib;
	int64_t cpu_user_us, cpu_sys_us;
	char *reason; /* owned; NULL when every figure is there */
};

/* The source names a sample records: "cgroup2" (memory.peak + cpu.stat),
 * "cgroup1-memory+cgroup2-cpu" (hybrid), "cgroup2-cpu" (no memory figure). Static strings. */
const char *cgroup_resources_source(const struct cgroup_resources *r);

/* Decides where memory comes from. v2_root is the cgroup2 mount tare's run parent goes under
 * (cgroup_hierarchy_find). The memory controller on cgroup v2 when v2_root's
 * cgroup.subtree_control lists "memory" (so the run parent has it and can pass it to its
 * leaves); else the cgroup v1 memory hierarchy when mountinfo has one, below the v1 memory cgroup
 * this process is in (read from proc_cgroup, the format of /proc/self/cgroup); else none, with
 * the reason. Never fails: a host without a memory controller still runs (memory is null). */
void cgroup_resources_find_in(const char *mountinfo_path, const char *proc_cgroup_path,
                              const char *v2_root, struct cgroup_resources *out);
/* The same for this process (/proc/self/mountinfo, /proc/self/cgroup). */
void cgroup_resources_find(const char *v2_root, struct cgroup_resources *out);

/* Prepares the run: on cgroup v2 enables "+memory" in v2_parent's cgroup.subtree_control (the
 * leaves below it then have memory.peak); on a hybrid host creates "<v1_base>/tare.<pid>". When
 * that is refused (no privileges, a controller that cannot be enabled) the run still goes on:
 * r->memory becomes RESOURCE_MEMORY_NONE with the reason, and a warning is appended to d. */
void cgroup_resources_open(struct cgroup_resources *r, const char *v2_parent, struct diag_list *d);

/* Creates the dispatch's v1 memory leaf "<v1_parent>/<name>" on a hybrid host (the child joins it
 * before exec: spawn_request.memory_leaf); leaves out empty (path NULL) otherwise. When it cannot
 * be created the dispatch goes on without a memory figure: returns -1 and sets *reason (owned by
 * the caller) to why. Returns 0 otherwise. */
int cgroup_resources_leaf_create(const struct cgroup_resources *r, const char *name,
                                 struct cgroup_leaf *out, char **reason);

/* Reads the figures after the workload exited and before the leaves are removed: memory from
 * v1_leaf's memory.max_usage_in_bytes or v2_leaf's memory.peak, CPU from v2_leaf's cpu.stat.
 * v1_leaf may be NULL or empty; leaf_reason (borrowed, may be NULL) is why it is missing. out is
 * filled in full; release with cgroup_resource_figures_release. */
void cgroup_resources_read(const struct cgroup_resources *r, const struct cgroup_leaf *v2_leaf,
                           const struct cgroup_leaf *v1_leaf, const char *leaf_reason,
                           struct cgroup_resource_figures *out);
void cgroup_resource_figures_release(struct cgroup_resource_figures *f);

/* The parsers behind cgroup_resources_read, on a directory fd (tests give a plain directory):
 * user_usec and system_usec of cpu.stat; a byte count file (memory.peak,
 * memory.max_usage_in_bytes) in KiB, rounded up. Return 0, or -1 with errno (ENODATA when the
 * file lacks the field). */
int cgroup_read_cpu_stat(int dir_fd, int64_t *user_us, int64_t *sys_us);
int cgroup_read_bytes_kib(int dir_fd, const char *file, int64_t *kib);

/* Removes the v1 run parent (and any leaf an interruption left in it) and frees everything.
 * Accepts a released r. */
void cgroup_resources_release(struct cgroup_resources *r);

#endif
