/* Finding and removing the run parents of tares that are gone. */
#include "run/stale_leaves.h"

#include "run/cgroup.h"
#include "run/cgroup_resources.h"
#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/file_read.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The directory's times are wall-clock times and a process's start is on the boot clock; a wall
 * clock stepped forward after the parent was made could make its maker look younger than it. A
 * reused pid is declared only beyond this margin, so a live maker is never taken for gone. */
#define REUSE_MARGIN_NS (1 * CLOCK_NS_PER_SEC)

/* When process pid started, in CLOCK_BOOTTIME nanoseconds; -1 when there is no such process. */
static int64_t process_start_ns(long pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	char *line = NULL;
	if (file_read_first_line(path, &line) < 0 || !line) {
		free(line);
		return -1;
	}
	/* the command name (field 2) may hold spaces and parentheses: fields are counted from the
	 * last ')'; starttime is field 22, in clock ticks since boot */
	const char *p = strrchr(line, ')');
	unsigned long long ticks = 0;
	int field = 2;
	while (p && field < 22) {
		p = strchr(p + 1, ' ');
		field++;
	}
	int ok = p && sscanf(p, " %llu", &ticks) == 1;
	free(line);
	long hz = sysconf(_SC_CLK_TCK);
	if (!ok || hz <= 0)
		return -1;
	return (int64_t)(ticks * (unsigned long long)(CLOCK_NS_PER_SEC / hz));
}

static int64_t timespec_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * CLOCK_NS_PER_SEC + ts->tv_nsec;
}

int stale_parent_is_orphaned(const char *path, long pid)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	int64_t started = process_start_ns(pid);
	if (started < 0)
		return 1;
	/* every time of a directory is at or after its creation: the earliest is the best bound */
	int64_t made = timespec_ns(&st.st_mtim);
	if (timespec_ns(&st.st_ctim) < made)
		made = timespec_ns(&st.st_ctim);
	if (timespec_ns(&st.st_atim) < made)
		made = timespec_ns(&st.st_atim);
	int64_t made_boot = made - (clock_realtime_ns() - clock_boottime_ns());
	return started > made_boot + REUSE_MARGIN_NS;
}

/* The pid of a run parent's name "tare.<pid>", or 0 for any other name. */
static long parent_pid(const char *name)
{
	if (strncmp(name, "tare.", 5) != 0 || name[5] < '1' || name[5] > '9')
		return 0;
	char *end = NULL;
	errno = 0;
	long pid = strtol(name + 5, &end, 10);
	return errno || *end ? 0 : pid;
}

/* Counts the leaves below a parent and the processes in them. */
static void count_leaves(struct stale_parent *p)
{
	DIR *dir = opendir(p->path);
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		p->leaves++;
		struct cgroup_leaf l = {.path = NULL, .dir_fd = -1};
		l.dir_fd = openat(dirfd(dir), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (l.dir_fd >= 0) {
			p->procs += cgroup_leaf_count_procs(&l);
			close(l.dir_fd);
		}
	}
	closedir(dir);
}

static int by_pid(const void *a, const void *b)
{
	long x = ((const struct stale_parent *)a)->pid, y = ((const struct stale_parent *)b)->pid;
	return (x > y) - (x < y);
}

/* Appends the stale parents below root to out, sorted by pid among themselves. */
static int find_into(const char *root, struct stale_list *out, struct diag_list *d)
{
	DIR *dir = opendir(root);
	if (!dir)
		return diag_error(d, "cgroup.stale", NULL, "cannot read cgroup '%s': %s", root,
		                  strerror(errno));
	size_t first = out->len, cap = out->len;
	struct dirent *e;
	while ((e = readdir(dir))) {
		long pid = parent_pid(e->d_name);
		if (pid <= 0 || e->d_type != DT_DIR)
			continue;
		char *path = path_join(root, e->d_name);
		if (stale_parent_is_orphaned(path, pid) != 1) {
			free(path);
			continue;
		}
		out->items = xgrow(out->items, &cap, out->len + 1, sizeof(*out->items));
		struct stale_parent *p = &out->items[out->len++];
		*p = (struct stale_parent){.path = path, .pid = pid};
		count_leaves(p);
	}
	closedir(dir);
	if (out->len > first)
		qsort(out->items + first, out->len - first, sizeof(*out->items), by_pid);
	return 0;
}

int stale_parents_find(const char *root, struct stale_list *out, struct diag_list *d)
{
	out->items = NULL;
	out->len = 0;
	return find_into(root, out, d);
}

int stale_parents_find_all(const char *v2_root, struct stale_list *out, struct diag_list *d)
{
	if (stale_parents_find(v2_root, out, d) < 0)
		return -1;
	struct cgroup_resources res;
	cgroup_resources_find(v2_root, &res);
	/* the v1 memory parents come last: the v2 leaves' kill has emptied them by then */
	if (res.memory == RESOURCE_MEMORY_CGROUP1 && res.v1_base) {
		struct diag_list ignored; /* no v1 memory cgroup to read: nothing left there */
		diag_list_init(&ignored);
		find_into(res.v1_base, out, &ignored);
		diag_list_release(&ignored);
	}
	cgroup_resources_release(&res);
	return 0;
}

int stale_parent_remove(const struct stale_parent *p, struct diag_list *d)
{
	return cgroup_parent_remove(p->path, d);
}

char *stale_parent_describe(const struct stale_parent *p)
{
	return xasprintf("run cgroup '%s' left by tare pid %ld, which is gone (%zu %s, %zu %s)",
	                 p->path, p->pid, p->leaves, p->leaves == 1 ? "leaf" : "leaves", p->procs,
	                 p->procs == 1 ? "process" : "processes");
}

void stale_list_release(struct stale_list *l)
{
	for (size_t i = 0; i < l->len; i++)
		free(l->items[i].path);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

int stale_parents_sweep(void (*removed)(const char *what, void *ctx), void *ctx,
                        struct diag_list *d)
{
	char *root = NULL;
	struct diag_list none;
	diag_list_init(&none);
	/* without cgroup v2 there is nothing to sweep; the runner says what is missing */
	int found = cgroup_hierarchy_find(&root, &none);
	diag_list_release(&none);
	if (found < 0)
		return 0;
	struct stale_list l;
	int rc = stale_parents_find_all(root, &l, d);
	for (size_t i = 0; i < l.len; i++) {
		char *what = stale_parent_describe(&l.items[i]);
		if (stale_parent_remove(&l.items[i], d) == 0)
			removed(what, ctx);
		else
			rc = -1;
		free(what);
	}
	stale_list_release(&l);
	free(root);
	return rc < 0 ? -1 : 0;
}
