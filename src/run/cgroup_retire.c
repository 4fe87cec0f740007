/* Leaves removed in batches between dispatches. Removing a cgroup returns at once, but the kernel
 * finishes the job later, on kworkers after RCU grace periods: offlining (a memory cgroup
 * reparents its kernel objects and per-cgroup LRU lists), releasing (its BPF program arrays) and
 * freeing. Removed right after its dispatch, a leaf's teardown ran during the next dispatch's
 * workload and preempted it on this project's 2-core machine (docs/performance.md). */
#include "run/cgroup_retire.h"

#include "util/clock.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cgroup_retired_init(struct cgroup_retired *r)
{
	memset(r, 0, sizeof(*r));
}

void cgroup_retired_add(struct cgroup_retired *r, struct cgroup_leaf *l)
{
	if (!l->path)
		return;
	if (r->n == CGROUP_RETIRE_BATCH) {
		/* callers flush when full; a leaf that does not fit is removed at once */
		struct diag_list ignored;
		diag_list_init(&ignored);
		cgroup_leaf_remove(l, &ignored);
		diag_list_release(&ignored);
		return;
	}
	r->leaves[r->n++] = *l;
	*l = (struct cgroup_leaf){NULL, 0, -1};
}

bool cgroup_retired_full(const struct cgroup_retired *r)
{
	return r->n + 2 > CGROUP_RETIRE_BATCH;
}

long cgroup_dying_descendants(const char *v2_dir)
{
	char *path = xasprintf("%s/cgroup.stat", v2_dir);
	FILE *f = fopen(path, "re");
	free(path);
	if (!f)
		return -1;
	char line[128];
	long n = -1;
	while (n < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "nr_dying_descendants %ld", &n) != 1)
			n = -1;
	fclose(f);
	return n;
}

int cgroup_retired_flush(struct cgroup_retired *r, const char *v2_parent, int64_t settle_ms,
                         struct diag_list *d)
{
	int rc = 0;
	for (size_t i = 0; i < r->n; i++)
		if (cgroup_leaf_remove(&r->leaves[i], d) < 0)
			rc = -1;
	bool removed = r->n > 0;
	r->n = 0;
	if (!removed || !v2_parent)
		return rc;
	int64_t until = clock_monotonic_ms() + settle_ms;
	struct timespec step = {0, 1000000};
	while (cgroup_dying_descendants(v2_parent) > 0 && clock_monotonic_ms() < until)
		nanosleep(&step, NULL);
	return rc;
}
