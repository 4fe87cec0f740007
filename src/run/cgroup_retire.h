/* Leaves whose dispatch is over, removed together and waited for between dispatches, so that the
 * kernel's deferred teardown of a removed cgroup does not run during the next workload. */
#ifndef TARE_RUN_CGROUP_RETIRE_H
#define TARE_RUN_CGROUP_RETIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run/cgroup.h"
#include "util/diag.h"

/* How many leaves wait for removal at most (two per dispatch on a hybrid host). */
#define CGROUP_RETIRE_BATCH 64
/* How long a flush waits for the kernel to finish tearing the removed leaves down. */
#define CGROUP_RETIRE_SETTLE_MS 2000

/* Caller-provided; cgroup_retired_init, then cgroup_retired_flush or cgroup_retired_release. */
struct cgroup_retired {
	struct cgroup_leaf leaves[CGROUP_RETIRE_BATCH];
	size_t n;
};

void cgroup_retired_init(struct cgroup_retired *r);
/* Takes over l (its path and fd; l is left empty). The leaf must already be empty of processes
 * (cgroup_leaf_remove kills what is left anyway). */
void cgroup_retired_add(struct cgroup_retired *r, struct cgroup_leaf *l);
/* True when the next cgroup_retired_add would overflow a batch of two leaves per dispatch. */
bool cgroup_retired_full(const struct cgroup_retired *r);
/* Removes every retired leaf in the order they were added, then waits up to settle_ms until
 * "nr_dying_descendants" in v2_parent's cgroup.stat is 0: the kernel has offlined, released and
 * freed them (v2_parent NULL: no wait). Returns 0, or -1 with a diag ("cgroup.remove") when a
 * leaf could not be removed; every leaf is released either way. A wait that runs out is not an
 * error: the teardown then overlaps what follows, as it did before tare waited. */
int cgroup_retired_flush(struct cgroup_retired *r, const char *v2_parent, int64_t settle_ms,
                         struct diag_list *d);
/* The number of dying descendants cgroup.stat of the cgroup2 directory reports, or -1 when it
 * cannot be read (a cgroup v1 directory, or a kernel before 5.0). */
long cgroup_dying_descendants(const char *v2_dir);

#endif
