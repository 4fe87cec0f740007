/* A dispatch's peak memory and CPU from its cgroups: finding the memory controller (cgroup v2 or
 * the v1 hierarchy of a hybrid host), the v1 memory leaf, and reading the figures. */
#include "run/cgroup_resources.h"

#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cgroup_resources_source(const struct cgroup_resources *r)
{
	switch (r->memory) {
	case RESOURCE_MEMORY_CGROUP2:
		return "cgroup2";
	case RESOURCE_MEMORY_CGROUP1:
		return "cgroup1-memory+cgroup2-cpu";
	default:
		return "cgroup2-cpu";
	}
}

/* Whether word is one of the items of list, separated by any of seps. */
static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t wl = strlen(word);
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, seps);
		if (n == wl && strncmp(p, word, wl) == 0)
			return true;
		p += n;
		p += strspn(p, seps);
	}
	return false;
}

/* The first line of dir/name as a new string (without its newline), or NULL. */
static char *read_line_at(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "re");
	free(path);
	if (!f)
		return NULL;
	char *line = NULL;
	size_t cap = 0;
	if (getline(&line, &cap, f) < 0) {
		free(line);
		line = NULL;
	} else {
		line[strcspn(line, "\n")] = '\0';
	}
	fclose(f);
	return line;
}

/* The v1 memory hierarchy's mount: its mount point and root, or -1 when there is none. */
static int find_v1_memory_mount(const char *mountinfo_path, struct cgroup_mount *out)
{
	FILE *f = fopen(mountinfo_path, "re");
	if (!f)
		return -1;
	char *line = NULL;
	size_t cap = 0;
	int rc = -1;
	while (rc < 0 && getline(&line, &cap, f) > 0) {
		if (cgroup_mountinfo_parse(line, out) < 0)
			continue;
		if (strcmp(out->fstype, "cgroup") == 0 && has_word(out->super_opts, "memory", ","))
			rc = 0;
		else
			cgroup_mount_release(out);
	}
	free(line);
	fclose(f);
	return rc;
}

/* This process's cgroup in the v1 memory hierarchy ("/a/b"), from a /proc/<pid>/cgroup file:
 * lines "id:controller,list:path". A new string, or NULL. */
static char *own_v1_memory_path(const char *proc_cgroup_path)
{
	FILE *f = fopen(proc_cgroup_path, "re");
	if (!f)
		return NULL;
	char *line = NULL, *path = NULL;
	size_t cap = 0;
	while (!path && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (has_word(c1 + 1, "memory", ","))
			path = xstrdup(c2 + 1);
	}
	free(line);
	fclose(f);
	return path;
}

/* The v1 memory cgroup tare is in, as a directory: the mount point plus the path below the
 * mount's root (a bind mount of a subtree has a root other than "/"). NULL when the path is not
 * below the mounted subtree. */
static char *v1_base_dir(const struct cgroup_mount *m, const char *own)
{
	size_t rl = strcmp(m->root, "/") == 0 ? 0 : strlen(m->root);
	if (rl && (strncmp(own, m->root, rl) != 0 || (own[rl] != '/' && own[rl] != '\0')))
		return NULL;
	const char *rest = own + rl;
	while (*rest == '/')
		rest++;
	return *rest ? xasprintf("%s/%s", m->point, rest) : xstrdup(m->point);
}

static void set_none(struct cgroup_resources *out, char *reason)
{
	out->memory = RESOURCE_MEMORY_NONE;
	free(out->v1_base);
	out->v1_base = NULL;
	free(out->reason);
	out->reason = reason;
}

void cgroup_resources_find_in(const char *mountinfo_path, const char *proc_cgroup_path,
                              const char *v2_root, struct cgroup_resources *out)
{
	memset(out, 0, sizeof(*out));
	char *subtree = read_line_at(v2_root, "cgroup.subtree_control");
	bool v2_memory = subtree && has_word(subtree, "memory", " ");
	free(subtree);
	if (v2_memory) {
		out->memory = RESOURCE_MEMORY_CGROUP2;
		return;
	}
	struct cgroup_mount m;
	if (find_v1_memory_mount(mountinfo_path, &m) == 0) {
		char *own = own_v1_memory_path(proc_cgroup_path);
		char *base = own ? v1_base_dir(&m, own) : NULL;
		if (base) {
			out->memory = RESOURCE_MEMORY_CGROUP1;
			out->v1_base = base;
		} else {
			set_none(out,
			         xasprintf("this process's memory cgroup ('%s') is not below the "
			                   "cgroup v1 memory mount '%s'",
			                   own ? own : "?", m.point));
		}
		free(own);
		cgroup_mount_release(&m);
		return;
	}
	char *controllers = read_line_at(v2_root, "cgroup.controllers");
	bool available = controllers && has_word(controllers, "memory", " ");
	free(controllers);
	if (available)
		set_none(out, xasprintf("the memory controller is not enabled in "
		                        "'%s/cgroup.subtree_control'",
		                        v2_root));
	else
		set_none(out, xstrdup("no memory controller: neither cgroup v2 nor a cgroup v1 "
		                      "memory hierarchy offers one"));
}

void cgroup_resources_find(const char *v2_root, struct cgroup_resources *out)
{
	cgroup_resources_find_in("/proc/self/mountinfo", "/proc/self/cgroup", v2_root, out);
}

static void degrade(struct cgroup_resources *r, char *reason, struct diag_list *d)
{
	diag_warning(d, "cgroup.memory", NULL, "%s; peak memory is not recorded", reason);
	set_none(r, reason);
}

void cgroup_resources_open(struct cgroup_resources *r, const char *v2_parent, struct diag_list *d)
{
	if (r->memory == RESOURCE_MEMORY_CGROUP2) {
		/* the run parent holds no process, so enabling a controller below it never meets
		 * cgroup v2's rule against processes in inner nodes */
		char *path = xasprintf("%s/cgroup.subtree_control", v2_parent);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		bool ok = fd >= 0 && write(fd, "+memory", 7) == 7;
		int err = errno;
		if (fd >= 0)
			close(fd);
		if (!ok)
			degrade(r,
			        xasprintf("cannot enable the memory controller in '%s': %s", path,
			                  strerror(err)),
			        d);
		free(path);
	} else if (r->memory == RESOURCE_MEMORY_CGROUP1) {
		char *parent = xasprintf("%s/tare.%ld", r->v1_base, (long)getpid());
		/* EEXIST: left by an earlier tare with this pid; its leaves are emptied when they
		 * are created again, as for the v2 parent */
		if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
			degrade(r,
			        xasprintf("cannot create cgroup '%s': %s", parent, strerror(errno)),
			        d);
			free(parent);
			return;
		}
		r->v1_parent = parent;
	}
}

int cgroup_resources_leaf_create(const struct cgroup_resources *r, const char *name,
                                 struct cgroup_leaf *out, char **reason)
{
	out->path = NULL;
	out->id = 0;
	out->dir_fd = -1;
	*reason = NULL;
	if (r->memory != RESOURCE_MEMORY_CGROUP1 || !r->v1_parent)
		return 0;
	struct diag_list d;
	diag_list_init(&d);
	int rc = cgroup_leaf_create(r->v1_parent, name, out, &d);
	if (rc < 0)
		*reason = xstrdup(d.len ? d.items[0].message : "cannot create the memory cgroup");
	diag_list_release(&d);
	return rc;
}

/* Reads a small file below dir_fd into buf (NUL-terminated). Returns 0 or -1 with errno. */
static int read_small(int dir_fd, const char *file, char *buf, size_t cap)
{
	int fd = openat(dir_fd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	int err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

/* The value of "key N" on its own line of a flat-keyed cgroup file. */
static int keyed_value(const char *buf, const char *key, int64_t *out)
{
	size_t kl = strlen(key);
	for (const char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			char *end;
			errno = 0;
			long long v = strtoll(p + kl + 1, &end, 10);
			if (errno || end == p + kl + 1 || v < 0)
				break;
			*out = v;
			return 0;
		}
	}
	errno = ENODATA;
	return -1;
}

int cgroup_read_cpu_stat(int dir_fd, int64_t *user_us, int64_t *sys_us)
{
	char buf[2048];
	if (read_small(dir_fd, "cpu.stat", buf, sizeof(buf)) < 0)
		return -1;
	if (keyed_value(buf, "user_usec", user_us) < 0 ||
	    keyed_value(buf, "system_usec", sys_us) < 0)
		return -1;
	return 0;
}

int cgroup_read_bytes_kib(int dir_fd, const char *file, int64_t *kib)
{
	char buf[64];
	if (read_small(dir_fd, file, buf, sizeof(buf)) < 0)
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end != '\n' && *end != '\0') || buf[0] == '-') {
		errno = ENODATA;
		return -1;
	}
	*kib = (int64_t)((v + 1023) / 1024);
	return 0;
}

/* Starts one more reason in sb ("; " between reasons). */
static struct strbuf *next_reason(struct strbuf *sb)
{
	if (sb->len)
		strbuf_addstr(sb, "; ");
	return sb;
}

void cgroup_resources_read(const struct cgroup_resources *r, const struct cgroup_leaf *v2_leaf,
                           const struct cgroup_leaf *v1_leaf, const char *leaf_reason,
                           struct cgroup_resource_figures *out)
{
	struct strbuf why;
	strbuf_init(&why);
	out->memory_peak_kib = out->cpu_user_us = out->cpu_sys_us = -1;
	out->reason = NULL;
	if (cgroup_read_cpu_stat(v2_leaf->dir_fd, &out->cpu_user_us, &out->cpu_sys_us) < 0) {
		out->cpu_user_us = out->cpu_sys_us = -1;
		strbuf_addf(next_reason(&why), "cannot read '%s/cpu.stat': %s", v2_leaf->path,
		            strerror(errno));
	}
	switch (r->memory) {
	case RESOURCE_MEMORY_CGROUP2:
		if (cgroup_read_bytes_kib(v2_leaf->dir_fd, "memory.peak", &out->memory_peak_kib) ==
		    0)
			break;
		if (errno == ENOENT)
			strbuf_addf(next_reason(&why),
			            "no '%s/memory.peak' (it needs Linux 5.19 or later)",
			            v2_leaf->path);
		else
			strbuf_addf(next_reason(&why), "cannot read '%s/memory.peak': %s",
			            v2_leaf->path, strerror(errno));
		break;
	case RESOURCE_MEMORY_CGROUP1:
		if (!v1_leaf || !v1_leaf->path)
			strbuf_addstr(next_reason(&why), leaf_reason
			                                     ? leaf_reason
			                                     : "no memory cgroup for the dispatch");
		else if (cgroup_read_bytes_kib(v1_leaf->dir_fd, "memory.max_usage_in_bytes",
		                               &out->memory_peak_kib) < 0)
			strbuf_addf(next_reason(&why),
			            "cannot read '%s/memory.max_usage_in_bytes': %s", v1_leaf->path,
			            strerror(errno));
		break;
	default:
		strbuf_addstr(next_reason(&why), r->reason ? r->reason : "no memory controller");
		break;
	}
	if (why.len)
		out->reason = strbuf_detach(&why);
	else
		strbuf_release(&why);
}

void cgroup_resource_figures_release(struct cgroup_resource_figures *f)
{
	free(f->reason);
	f->reason = NULL;
}

void cgroup_resources_release(struct cgroup_resources *r)
{
	if (r->v1_parent) {
		struct diag_list ignored;
		diag_list_init(&ignored);
		cgroup_parent_remove(r->v1_parent, &ignored);
		diag_list_release(&ignored);
	}
	free(r->v1_parent);
	free(r->v1_base);
	free(r->reason);
	memset(r, 0, sizeof(*r));
	r->memory = RESOURCE_MEMORY_NONE;
}
