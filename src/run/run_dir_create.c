/* The run directory rule and its lock: tare never writes over or deletes what it did not write. */
#include "run/run_dir_create.h"

#include "report/run_dir.h"
#include "util/atomic_file.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool has_file(const char *dir, const char *name)
{
	char *p = path_join(dir, name);
	struct stat st;
	bool found = lstat(p, &st) == 0;
	free(p);
	return found;
}

/* The number of entries in dir other than "." and ".." and except (NULL: none), or -1. */
static long count_entries(const char *dir, const char *except)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return -1;
	long n = 0;
	struct dirent *e;
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (except && strcmp(e->d_name, except) == 0)
			continue;
		n++;
	}
	closedir(dp);
	return n;
}

/* Why an existing directory with entries cannot take a fresh run. */
static int refuse_nonempty(const char *dir, struct diag_list *d)
{
	if (has_file(dir, RUN_PLAN_FILE))
		return diag_error(d, "run.out-exists", NULL,
		                  "'%s' already holds a run; choose another --out, or continue it "
		                  "with 'tare run --resume %s'",
		                  dir, dir);
	return diag_error(d, "run.out-not-empty", NULL,
	                  "'%s' is not empty and holds no tare run; a run writes only into a new "
	                  "or empty directory (choose another --out)",
	                  dir);
}

int run_dir_check_fresh(const char *dir, struct diag_list *d)
{
	if (!*dir)
		return diag_error(d, "run.out-invalid", NULL, "the run directory is an empty path");
	struct stat st;
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return diag_error(d, "io.read", NULL, "cannot look at '%s': %s", dir,
		                  strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return diag_error(d, "run.out-not-dir", NULL, "'%s' exists and is not a directory",
		                  dir);
	long n = count_entries(dir, NULL);
	if (n < 0)
		return diag_error(d, "io.read", NULL, "cannot list '%s': %s", dir, strerror(errno));
	return n == 0 ? 0 : refuse_nonempty(dir, d);
}

int run_dir_check_resume(const char *dir, struct diag_list *d)
{
	if (!*dir)
		return diag_error(d, "run.out-invalid", NULL, "the run directory is an empty path");
	if (!has_file(dir, RUN_MATRIX_FILE) || !has_file(dir, RUN_PLAN_FILE))
		return diag_error(d, "run.not-a-run", NULL,
		                  "'%s' is not a tare run directory (no %s and %s in it); nothing "
		                  "to resume",
		                  dir, RUN_MATRIX_FILE, RUN_PLAN_FILE);
	char *samples = path_join(dir, RUN_SAMPLES_FILE);
	const char *denied = access(dir, W_OK) < 0                                     ? dir
	                     : access(samples, F_OK) == 0 && access(samples, W_OK) < 0 ? samples
	                                                                               : NULL;
	int rc = 0;
	if (denied)
		rc = diag_error(d, "run.out-unwritable", NULL, "cannot write '%s': %s", denied,
		                strerror(errno));
	free(samples);
	return rc;
}

/* The pid a holder wrote into the lock file, or 0 when it has not written it yet. */
static long holder_pid(int fd)
{
	char buf[32] = {0};
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	return n > 0 ? strtol(buf, NULL, 10) : 0;
}

/* Opens and locks dir's lock file; *created says whether this call created it. */
static int take_lock(const char *dir, bool *created, struct diag_list *d)
{
	char *path = path_join(dir, RUN_LOCK_FILE);
	*created = true;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 && errno == EEXIST) {
		*created = false;
		fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0) {
		diag_error(d, "io.write", NULL, "cannot open the lock '%s': %s", path,
		           strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK) {
			long pid = holder_pid(fd);
			if (pid > 0)
				diag_error(
				    d, "run.locked", NULL,
				    "'%s' is in use by another tare run (pid %ld); one run per "
				    "directory",
				    dir, pid);
			else
				diag_error(
				    d, "run.locked", NULL,
				    "'%s' is in use by another tare run; one run per directory",
				    dir);
		} else {
			diag_error(d, "io.write", NULL, "cannot lock '%s': %s", path,
			           strerror(errno));
		}
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
		diag_error(d, "io.write", NULL, "cannot write the lock in '%s': %s", dir,
		           strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int run_dir_lock(const char *dir, struct diag_list *d)
{
	bool created;
	return take_lock(dir, &created, d);
}

int run_dir_create(const char *dir, struct diag_list *d)
{
	if (run_dir_check_fresh(dir, d) < 0 || mkdir_p(dir, d) < 0)
		return -1;
	bool created;
	int fd = take_lock(dir, &created, d);
	if (fd < 0)
		return -1;
	long n = count_entries(dir, RUN_LOCK_FILE);
	if (n == 0)
		return fd;
	if (n < 0)
		diag_error(d, "io.read", NULL, "cannot list '%s': %s", dir, strerror(errno));
	else
		refuse_nonempty(dir, d);
	if (created) {
		char *path = path_join(dir, RUN_LOCK_FILE);
		unlink(path);
		free(path);
	}
	close(fd);
	return -1;
}

/* runs/<matrix>-<UTC timestamp>, with a suffix if two runs start in the same second. */
char *run_dir_default(const char *matrix_name)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int k = 1;; k++) {
		char *p = k == 1 ? xasprintf("runs/%s-%s", matrix_name, stamp)
		                 : xasprintf("runs/%s-%s-%d", matrix_name, stamp, k);
		struct stat st;
		if (stat(p, &st) < 0)
			return p;
		free(p);
	}
}
