/* cgroup v2 leaves for dispatches: finding the hierarchy, creating a run parent and one leaf per
 * dispatch, killing everything in a leaf and removing it (ARCHITECTURE §5 step 3). The leaf
 * functions also serve the cgroup v1 memory leaf of a hybrid host (run/cgroup_resources.h). */
#ifndef TARE_RUN_CGROUP_H
#define TARE_RUN_CGROUP_H

#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

/* One leaf cgroup. Caller-provided; filled by cgroup_leaf_create, emptied by cgroup_leaf_remove
 * (or cgroup_leaf_release when the directory must stay). */
struct cgroup_leaf {
	char *path;  /* absolute directory path, owned */
	uint64_t id; /* the cgroup id: what bpf_get_current_cgroup_id() returns for its members */
	int dir_fd;  /* O_DIRECTORY|O_CLOEXEC fd of the directory, for clone3(CLONE_INTO_CGROUP) */
};

/* One line of /proc/self/mountinfo, the fields tare uses. Filled by cgroup_mountinfo_parse,
 * emptied by cgroup_mount_release. */
struct cgroup_mount {
	char *root;  /* the directory of the filesystem mounted there ("/" for a whole hierarchy) */
	char *point; /* the mount point, \ooo escapes undone */
	char *fstype;     /* "cgroup2", "cgroup", ... */
	char *super_opts; /* "rw,memory" for a cgroup v1 memory hierarchy */
};
/* Parses "id parent maj:min root mountpoint opts [optional...] - fstype source superopts" (a
 * trailing newline is ignored). Returns 0 with new strings in out, or -1 for a malformed line. */
int cgroup_mountinfo_parse(const char *line, struct cgroup_mount *out);
void cgroup_mount_release(struct cgroup_mount *m);

/* Finds the cgroup2 mount point from /proc/self/mountinfo: /sys/fs/cgroup when it is cgroup2
 * (the pure layout), else /sys/fs/cgroup/unified (the hybrid layout), else the first cgroup2
 * mount. Returns 0 with a new string in *root_out (caller frees), or -1 with a diag
 * ("cgroup.none") when no cgroup2 hierarchy is mounted. */
int cgroup_hierarchy_find(char **root_out, struct diag_list *d);
/* The same, reading a mountinfo file given by path (tests feed it made-up layouts). */
int cgroup_hierarchy_find_in(const char *mountinfo_path, char **root_out, struct diag_list *d);

/* Creates the run's parent "<root>/tare.<pid>" (one per run; leaves go below it). Returns 0 with
 * a new path in *parent_out (caller frees, and removes with cgroup_parent_remove), or -1. */
int cgroup_parent_create(const char *root, char **parent_out, struct diag_list *d);
/* Kills and removes any leaf still below parent (an interrupted dispatch), then the parent
 * itself. Returns 0, or -1 with a diag naming what could not be removed. */
int cgroup_parent_remove(const char *parent, struct diag_list *d);

/* Creates "<parent>/<name>" (e.g. "d42") and fills out: path, id, dir_fd. On failure out is left
 * empty (path NULL, dir_fd -1) and -1 is returned with a diag ("cgroup.create"). */
int cgroup_leaf_create(const char *parent, const char *name, struct cgroup_leaf *out,
                       struct diag_list *d);
/* Number of processes in the leaf now (lines of cgroup.procs); 0 when it cannot be read. */
size_t cgroup_leaf_count_procs(const struct cgroup_leaf *l);
/* True when cgroup.events says "populated 1" (a process of the leaf has not exited yet); for a
 * cgroup v1 directory, which has no cgroup.events, when cgroup.procs lists a process. */
int cgroup_leaf_populated(const struct cgroup_leaf *l);
/* Kills every process in the leaf (cgroup.kill when the kernel has it, else
 * cgroup_leaf_kill_by_procs) and waits up to wait_ms for "populated 0". This reaches processes
 * that left the process group or double-forked away, and SIGKILL cannot be ignored. Returns 0
 * when the leaf is empty, -1 when it is still populated after wait_ms. */
int cgroup_leaf_kill(const struct cgroup_leaf *l, int64_t wait_ms);
/* The fallback for kernels before 5.14 (no cgroup.kill): SIGKILL every pid in cgroup.procs
 * until the leaf is empty, so that a process forked between two reads is caught by the next.
 * Returns like cgroup_leaf_kill. */
int cgroup_leaf_kill_by_procs(const struct cgroup_leaf *l, int64_t wait_ms);
/* Waits up to wait_ms (poll on cgroup.events) for "populated 0". Returns 0 when empty, else -1. */
int cgroup_leaf_wait_empty(const struct cgroup_leaf *l, int64_t wait_ms);
/* Kills what is left (bounded wait), removes the directory and releases l. Returns 0, or -1 with
 * a diag ("cgroup.remove"); l is released either way. */
int cgroup_leaf_remove(struct cgroup_leaf *l, struct diag_list *d);
/* Closes the fd and frees the path without touching the directory. Accepts an empty leaf. */
void cgroup_leaf_release(struct cgroup_leaf *l);

/* The cgroup id of the directory at path: the 64-bit kernfs id from name_to_handle_at, which is
 * what bpf_get_current_cgroup_id() returns; st_ino when file handles are unavailable (on 64-bit
 * kernels the two are equal). Returns 0 on failure. */
uint64_t cgroup_id_of(int dir_fd);

#endif
