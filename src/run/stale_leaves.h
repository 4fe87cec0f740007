/* Run parents left by a tare that is gone (SIGKILL, a crash, a power cut of the session): finding
 * them, and killing what still runs in their leaves before removing them. A killed tare cannot
 * clean up after itself, so the next `tare run` or `tare doctor --clean` does. */
#ifndef TARE_RUN_STALE_LEAVES_H
#define TARE_RUN_STALE_LEAVES_H

#include <stddef.h>

#include "util/diag.h"

/* One run parent "<root>/tare.<pid>" whose tare is gone. */
struct stale_parent {
	char *path;    /* absolute, owned */
	long pid;      /* the pid in its name */
	size_t leaves; /* leaf cgroups below it when it was found */
	size_t procs;  /* processes in those leaves when it was found */
};

/* Caller-provided; filled by stale_parents_find, emptied by stale_list_release. */
struct stale_list {
	struct stale_parent *items; /* sorted by pid (per root) */
	size_t len;
};

/* Whether the process that made the directory at path (a run parent named after its pid) is
 * gone: no process has that pid any more, or the one that has it started after the directory was
 * made (the pid was reused, by any program, tare's own workload included). A process that started
 * before cannot be another one than the maker, since two processes never share a pid at once.
 * Returns 1 gone, 0 alive, -1 when the directory cannot be looked at. */
int stale_parent_is_orphaned(const char *path, long pid);

/* Finds the run parents directly below root (a cgroup v2 mount, or any directory in tests) whose
 * tare is gone: directories named "tare.<pid>" for which stale_parent_is_orphaned says so. Other
 * entries, such as "tare-doctor-<pid>" or a live run's parent, are not looked at further. Returns
 * 0 with out filled (possibly empty), or -1 with a diag ("cgroup.stale") when root cannot be
 * read. */
int stale_parents_find(const char *root, struct stale_list *out, struct diag_list *d);

/* The same below the cgroup v2 root v2_root and then, on a hybrid host where a run's memory
 * figures come from cgroup v1 (run/cgroup_resources.h), below the v1 memory cgroup this process
 * is in, where a run keeps "tare.<pid>" beside its v2 parent: the v2 parents first, since killing
 * through their leaves is what empties the v1 ones. Returns like stale_parents_find (a v1
 * hierarchy that cannot be read is left out). */
int stale_parents_find_all(const char *v2_root, struct stale_list *out, struct diag_list *d);

/* Kills every process in p's leaves (cgroup.kill, or SIGKILL by cgroup.procs before Linux 5.14),
 * removes the leaves and p. Returns 0, or -1 with a diag ("cgroup.remove") naming what could not
 * be removed. */
int stale_parent_remove(const struct stale_parent *p, struct diag_list *d);

/* "run cgroup 'PATH' left by tare pid N, which is gone (2 leaves, 1 process)". New string. */
char *stale_parent_describe(const struct stale_parent *p);

/* Frees the items. Accepts a zeroed list. */
void stale_list_release(struct stale_list *l);

/* Finds the run parents of tares that are gone below this machine's cgroup2 root (none without
 * cgroup v2) and removes each, calling removed(what, ctx) with stale_parent_describe's phrase for
 * every one removed. Returns 0, or -1 with diags when one could not be found or removed. */
int stale_parents_sweep(void (*removed)(const char *what, void *ctx), void *ctx,
                        struct diag_list *d);

#endif
