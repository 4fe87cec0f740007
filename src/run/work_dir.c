/* Work directories: created with tare's marker, recognised by it, removed with everything below. */
#include "run/work_dir.h"

#include "util/atomic_file.h"
#include "util/file_read.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *marker_text(size_t index)
{
	return xasprintf("tare work directory of dispatch %zu", index);
}

int work_dir_create(const char *work, size_t index, struct diag_list *d)
{
	char *parent = xstrdup(work);
	char *slash = strrchr(parent, '/');
	int rc = 0;
	if (slash) {
		*slash = '\0';
		rc = mkdir_p(parent, d);
	}
	free(parent);
	if (rc < 0)
		return -1;
	if (mkdir(work, 0755) < 0)
		return diag_error(d, errno == EEXIST ? "run.work-exists" : "io.write",
		                  &(struct diag_loc){work, 0, 0, NULL},
		                  errno == EEXIST ? "work directory already exists (left by a run "
		                                    "that crashed?); tare does not reuse what it "
		                                    "did not create: remove it to go on"
		                                  : "cannot create the work directory: %s",
		                  strerror(errno));
	/* the marker goes first, before anything of the workload's: a directory without it was not
	 * made by tare, or tare died between the two calls, and either way it is left alone */
	char *path = path_join(work, WORK_DIR_MARKER), *text = marker_text(index);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	size_t len = strlen(text);
	bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	int err = errno;
	if (fd >= 0)
		close(fd);
	if (!ok) {
		unlink(path);
		rmdir(work);
		rc = diag_error(d, "io.write", &(struct diag_loc){work, 0, 0, NULL},
		                "cannot mark the work directory: %s", strerror(err));
	}
	free(path);
	free(text);
	return rc;
}

bool work_dir_is_tares(const char *work, size_t index)
{
	struct stat st;
	if (lstat(work, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	char *path = path_join(work, WORK_DIR_MARKER), *text = marker_text(index), *line = NULL;
	bool ours = lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	            file_read_first_line(path, &line) == 0 && line && strcmp(line, text) == 0;
	free(line);
	free(text);
	free(path);
	return ours;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void work_dir_remove(const char *work)
{
	/* a work directory holds the workload's files (thousands for a large cell) */
	nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
