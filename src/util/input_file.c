/* Reading input files safely: regular files only, with caps on a whole file and on a line. */
#include "util/input_file.h"

#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a file";
}

static int not_regular(const char *path, mode_t mode, struct diag_list *d)
{
	return diag_error(d, "io.not-regular", &(struct diag_loc){path, 0, 0, NULL},
	                  "not a regular file (%s)", file_kind(mode));
}

int input_open(const char *path, struct diag_list *d)
{
	struct diag_loc loc = {path, 0, 0, NULL};
	struct stat st;
	/* stat first: opening some devices has effects of its own, and a FIFO would block */
	if (stat(path, &st) < 0)
		return diag_error(d, "io.read", &loc, "cannot open '%s': %s", path,
		                  strerror(errno));
	if (!S_ISREG(st.st_mode))
		return not_regular(path, st.st_mode, d);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return diag_error(d, "io.read", &loc, "cannot open '%s': %s", path,
		                  strerror(errno));
	/* the path may have been replaced between stat and open */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(path, st.st_mode, d);
	}
	return fd;
}

/* read() that retries on EINTR; a regular file never returns EAGAIN. */
static ssize_t read_some(int fd, char *buf, size_t n)
{
	ssize_t r;
	do
		r = read(fd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

int input_read(const char *path, size_t max_bytes, const char *too_large_code, char **buf,
               size_t *len, struct diag_list *d)
{
	*buf = NULL;
	*len = 0;
	int fd = input_open(path, d);
	if (fd < 0)
		return -1;
	struct diag_loc loc = {path, 0, 0, NULL};
	struct stat st;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > max_bytes) {
		close(fd);
		return diag_error(d, too_large_code, &loc, "file of %lld bytes exceeds %zu bytes",
		                  (long long)st.st_size, max_bytes);
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *p = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max_bytes)
				break;
			cap = cap * 2 > max_bytes + 1 ? max_bytes + 1 : cap * 2;
			p = xrealloc(p, cap + 1);
		}
		ssize_t r = read_some(fd, p + n, cap - n);
		if (r < 0) {
			int err = errno;
			free(p);
			close(fd);
			return diag_error(d, "io.read", &loc, "cannot read '%s': %s", path,
			                  strerror(err));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max_bytes) {
		free(p);
		return diag_error(d, too_large_code, &loc, "file grew past %zu bytes while read",
		                  max_bytes);
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int input_lines_open(struct input_lines *r, const char *path, size_t max_line, struct diag_list *d)
{
	memset(r, 0, sizeof(*r));
	r->fd = input_open(path, d);
	if (r->fd < 0)
		return -1;
	r->path = xstrdup(path);
	r->max_line = max_line;
	r->cap = max_line < 65536 ? max_line + 1 : 65536;
	r->buf = xmalloc(r->cap);
	return 0;
}

int input_lines_next(struct input_lines *r, const char **line, size_t *len, bool *complete,
                     struct diag_list *d)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		size_t have = r->end - r->start;
		if (nl || (r->eof && have > 0)) {
			size_t n = nl ? (size_t)(nl - (r->buf + r->start)) + 1 : have;
			if (n > r->max_line + 1 || (!nl && n > r->max_line))
				break;
			*line = r->buf + r->start;
			*len = n;
			*complete = nl != NULL;
			r->start += n;
			r->lineno++;
			return 1;
		}
		if (r->eof)
			return 0;
		if (have > r->max_line)
			break;
		/* make room: move the partial line to the front, then grow up to the cap */
		memmove(r->buf, r->buf + r->start, have);
		r->start = 0;
		r->end = have;
		if (r->end == r->cap) {
			r->cap = r->cap * 2 > r->max_line + 1 ? r->max_line + 1 : r->cap * 2;
			r->buf = xrealloc(r->buf, r->cap);
		}
		ssize_t got = read_some(r->fd, r->buf + r->end, r->cap - r->end);
		if (got < 0)
			return diag_error(d, "io.read", &(struct diag_loc){r->path, 0, 0, NULL},
			                  "cannot read '%s': %s", r->path, strerror(errno));
		if (got == 0)
			r->eof = true;
		r->end += (size_t)got;
	}
	return diag_error(d, "io.line-too-long",
	                  &(struct diag_loc){r->path, r->lineno + 1, 0, NULL},
	                  "line longer than %zu bytes", r->max_line);
}

void input_lines_release(struct input_lines *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->path);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}
