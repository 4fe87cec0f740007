/* cgroup v2 leaves: hierarchy lookup, run parent, per-dispatch leaves, kill and removal. */
#include "run/cgroup.h"

#include "util/clock.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HINT_MOUNT "mount -t cgroup2 none /sys/fs/cgroup/unified"
/* how long removal waits for a leaf to empty after a kill; SIGKILLed tasks exit in micro- to
 * milliseconds, a bound keeps a stuck (D-state) task from hanging the run */
#define REMOVE_WAIT_MS 5000

/* mountinfo escapes space, tab, newline and backslash as \ooo octal. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

void cgroup_mount_release(struct cgroup_mount *m)
{
	free(m->root);
	free(m->point);
	free(m->fstype);
	free(m->super_opts);
	memset(m, 0, sizeof(*m));
}

/* The space-separated field at p as a new string; *next is set past it. */
static char *take_field(const char *p, const char *end, const char **next)
{
	const char *e = memchr(p, ' ', (size_t)(end - p));
	if (!e)
		e = end;
	*next = e < end ? e + 1 : end;
	return xstrndup(p, (size_t)(e - p));
}

/* Format: "id parent maj:min root mountpoint opts [optional...] - fstype source superopts". */
int cgroup_mountinfo_parse(const char *line, struct cgroup_mount *out)
{
	memset(out, 0, sizeof(*out));
	const char *sep = strstr(line, " - ");
	if (!sep)
		return -1;
	const char *p = line;
	for (int field = 0; field < 3; field++) {
		p = strchr(p, ' ');
		if (!p || p >= sep)
			return -1;
		p++;
	}
	out->root = take_field(p, sep, &p);
	out->point = take_field(p, sep, &p);
	const char *end = line + strcspn(line, "\n");
	const char *q = sep + 3;
	out->fstype = take_field(q, end, &q);
	char *source = take_field(q, end, &q);
	free(source);
	out->super_opts = take_field(q, end, &q);
	if (!out->point[0] || !out->fstype[0]) {
		cgroup_mount_release(out);
		return -1;
	}
	unescape_octal(out->root);
	unescape_octal(out->point);
	return 0;
}

/* Returns the mount point of a cgroup2 line (a new string), or NULL for any other line. */
static char *cgroup2_mount_point(const char *line)
{
	struct cgroup_mount m;
	if (cgroup_mountinfo_parse(line, &m) < 0)
		return NULL;
	char *mp = NULL;
	if (strcmp(m.fstype, "cgroup2") == 0) {
		mp = m.point;
		m.point = NULL;
	}
	cgroup_mount_release(&m);
	return mp;
}

int cgroup_hierarchy_find_in(const char *mountinfo_path, char **root_out, struct diag_list *d)
{
	*root_out = NULL;
	FILE *f = fopen(mountinfo_path, "re");
	if (!f)
		return diag_error(d, "cgroup.none", NULL, "cannot read '%s': %s", mountinfo_path,
		                  strerror(errno));
	char *line = NULL, *pure = NULL, *hybrid = NULL, *other = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		char *mp = cgroup2_mount_point(line);
		char **slot = &other;
		if (!mp)
			continue;
		if (strcmp(mp, "/sys/fs/cgroup") == 0)
			slot = &pure;
		else if (strcmp(mp, "/sys/fs/cgroup/unified") == 0)
			slot = &hybrid;
		if (*slot) /* keep the first of each kind; later ones are usually bind mounts */
			free(mp);
		else
			*slot = mp;
	}
	free(line);
	fclose(f);
	*root_out = pure ? pure : hybrid ? hybrid : other;
	if (*root_out != pure)
		free(pure);
	if (*root_out != hybrid)
		free(hybrid);
	if (*root_out != other)
		free(other);
	if (!*root_out)
		return diag_error(d, "cgroup.none", NULL,
		                  "no cgroup v2 hierarchy mounted; tare needs cgroup v2 to scope "
		                  "capture (" HINT_MOUNT ")");
	return 0;
}

int cgroup_hierarchy_find(char **root_out, struct diag_list *d)
{
	return cgroup_hierarchy_find_in("/proc/self/mountinfo", root_out, d);
}

static char *join(const char *dir, const char *name)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s/%s", dir, name);
	return strbuf_detach(&sb);
}

int cgroup_parent_create(const char *root, char **parent_out, struct diag_list *d)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addf(&sb, "%s/tare.%ld", root, (long)getpid());
	*parent_out = NULL;
	/* EEXIST: a parent left by an earlier tare that had our pid and died before cleanup; its
	 * leaves are emptied when they are created again, so it can be reused */
	if (mkdir(sb.buf, 0755) < 0 && errno != EEXIST) {
		int err = errno;
		diag_error(d, "cgroup.create", NULL, "cannot create cgroup '%s': %s", sb.buf,
		           strerror(err));
		strbuf_release(&sb);
		return -1;
	}
	*parent_out = strbuf_detach(&sb);
	return 0;
}

uint64_t cgroup_id_of(int dir_fd)
{
	/* kernfs file handles carry the 64-bit node id, the value of cgroup_id() in the kernel */
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + 16];
	} h;
	int mount_id;
	uint64_t id = 0;
	h.fh.handle_bytes = 16;
	if (name_to_handle_at(dir_fd, "", &h.fh, &mount_id, AT_EMPTY_PATH) == 0 &&
	    h.fh.handle_bytes >= sizeof(id)) {
		memcpy(&id, h.fh.f_handle, sizeof(id));
		return id;
	}
	struct stat st;
	if (fstat(dir_fd, &st) == 0)
		return (uint64_t)st.st_ino;
	return 0;
}

static void leaf_empty(struct cgroup_leaf *l)
{
	l->path = NULL;
	l->id = 0;
	l->dir_fd = -1;
}

int cgroup_leaf_create(const char *parent, const char *name, struct cgroup_leaf *out,
                       struct diag_list *d)
{
	leaf_empty(out);
	char *path = join(parent, name);
	if (mkdir(path, 0755) < 0) {
		int err = errno;
		if (err != EEXIST) {
			diag_error(d, "cgroup.create", NULL, "cannot create cgroup '%s': %s", path,
			           strerror(err));
			free(path);
			return -1;
		}
		/* a stale leaf of an interrupted run: empty it and take it over */
		struct cgroup_leaf stale = {.path = path, .dir_fd = -1};
		stale.dir_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (stale.dir_fd >= 0 && cgroup_leaf_kill(&stale, REMOVE_WAIT_MS) < 0) {
			close(stale.dir_fd);
			diag_error(d, "cgroup.create", NULL,
			           "cannot reuse cgroup '%s': its processes do not exit", path);
			free(path);
			return -1;
		}
		if (stale.dir_fd >= 0)
			close(stale.dir_fd);
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		diag_error(d, "cgroup.create", NULL, "cannot open cgroup '%s': %s", path,
		           strerror(err));
		rmdir(path);
		free(path);
		return -1;
	}
	out->path = path;
	out->dir_fd = fd;
	out->id = cgroup_id_of(fd);
	return 0;
}

/* Reads a small cgroup file of the leaf into buf (NUL-terminated); returns its length or -1. */
static ssize_t read_leaf_file(const struct cgroup_leaf *l, const char *name, char *buf, size_t cap)
{
	int fd = openat(l->dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Calls fn for each pid in cgroup.procs; returns how many there were. */
static size_t for_each_proc(const struct cgroup_leaf *l, void (*fn)(pid_t))
{
	int fd = openat(l->dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	FILE *f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return 0;
	}
	size_t n = 0;
	long pid;
	while (fscanf(f, "%ld", &pid) == 1) {
		n++;
		if (fn)
			fn((pid_t)pid);
	}
	fclose(f);
	return n;
}

size_t cgroup_leaf_count_procs(const struct cgroup_leaf *l)
{
	return for_each_proc(l, NULL);
}

int cgroup_leaf_populated(const struct cgroup_leaf *l)
{
	char buf[256];
	/* a cgroup v1 directory (the memory leaf of a hybrid host) has no cgroup.events */
	if (read_leaf_file(l, "cgroup.events", buf, sizeof(buf)) < 0)
		return cgroup_leaf_count_procs(l) > 0;
	const char *p = strstr(buf, "populated ");
	return p && p[10] == '1';
}

int cgroup_leaf_wait_empty(const struct cgroup_leaf *l, int64_t wait_ms)
{
	/* cgroup.events raises POLLPRI when it changes; the slices bound the wait even if a
	 * notification were missed between the read and the poll */
	int fd = openat(l->dir_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	int64_t deadline = clock_monotonic_ms() + wait_ms;
	int rc = -1;
	for (;;) {
		if (!cgroup_leaf_populated(l)) {
			rc = 0;
			break;
		}
		int64_t left = deadline - clock_monotonic_ms();
		if (left <= 0)
			break;
		if (fd >= 0) {
			char buf[128];
			struct pollfd pfd = {.fd = fd, .events = POLLPRI};
			/* reading the file re-arms its change notification */
			lseek(fd, 0, SEEK_SET);
			ssize_t r = read(fd, buf, sizeof(buf));
			(void)r;
			poll(&pfd, 1, (int)(left < 10 ? left : 10));
		} else {
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static void kill_one(pid_t pid)
{
	kill(pid, SIGKILL);
}

int cgroup_leaf_kill_by_procs(const struct cgroup_leaf *l, int64_t wait_ms)
{
	int64_t deadline = clock_monotonic_ms() + wait_ms;
	/* a process may fork between reading cgroup.procs and the kill; repeat until a read finds
	 * nobody, then wait for the dying ones to leave */
	while (for_each_proc(l, kill_one) > 0) {
		if (clock_monotonic_ms() >= deadline)
			return -1;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	int64_t left = deadline - clock_monotonic_ms();
	return cgroup_leaf_wait_empty(l, left > 0 ? left : 0);
}

int cgroup_leaf_kill(const struct cgroup_leaf *l, int64_t wait_ms)
{
	int fd = openat(l->dir_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cgroup_leaf_kill_by_procs(l, wait_ms);
	ssize_t n = write(fd, "1", 1);
	close(fd);
	if (n != 1)
		return cgroup_leaf_kill_by_procs(l, wait_ms);
	return cgroup_leaf_wait_empty(l, wait_ms);
}

void cgroup_leaf_release(struct cgroup_leaf *l)
{
	if (l->dir_fd >= 0)
		close(l->dir_fd);
	free(l->path);
	leaf_empty(l);
}

/* rmdir, retrying briefly: the kernel can report EBUSY until the last task's exit is fully
 * accounted even after "populated 0". */
static int rmdir_retry(const char *path)
{
	for (int i = 0; i < 100; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	return -1;
}

int cgroup_leaf_remove(struct cgroup_leaf *l, struct diag_list *d)
{
	int rc = 0;
	if (!l->path)
		return 0;
	if (l->dir_fd >= 0 && cgroup_leaf_populated(l) && cgroup_leaf_kill(l, REMOVE_WAIT_MS) < 0)
		rc = diag_error(d, "cgroup.remove", NULL,
		                "cannot empty cgroup '%s': %zu processes survive SIGKILL", l->path,
		                cgroup_leaf_count_procs(l));
	if (rc == 0 && rmdir_retry(l->path) < 0)
		rc = diag_error(d, "cgroup.remove", NULL, "cannot remove cgroup '%s': %s", l->path,
		                strerror(errno));
	cgroup_leaf_release(l);
	return rc;
}

int cgroup_parent_remove(const char *parent, struct diag_list *d)
{
	int rc = 0;
	DIR *dir = opendir(parent);
	if (!dir) {
		if (errno == ENOENT)
			return 0;
		return diag_error(d, "cgroup.remove", NULL, "cannot read cgroup '%s': %s", parent,
		                  strerror(errno));
	}
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0)
			continue;
		struct cgroup_leaf l = {.path = join(parent, e->d_name), .dir_fd = -1};
		l.dir_fd = open(l.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cgroup_leaf_remove(&l, d) < 0)
			rc = -1;
	}
	closedir(dir);
	if (rc == 0 && rmdir_retry(parent) < 0)
		rc = diag_error(d, "cgroup.remove", NULL, "cannot remove cgroup '%s': %s", parent,
		                strerror(errno));
	return rc;
}
