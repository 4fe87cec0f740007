/* Whole files by temp + rename, logs by flushed lines, directories with parents. */
#include "util/atomic_file.h"

#include "util/write_all.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int io_error(struct diag_list *d, const char *path, const char *what)
{
	return diag_error(d, "io.write", &(struct diag_loc){path, 0, 0, NULL}, "cannot %s: %s",
	                  what, strerror(errno));
}

int atomic_write(const char *path, const void *data, size_t len, struct diag_list *d)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		io_error(d, path, "create it");
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	free(tmp);
	return 0;
fail:
	io_error(d, path, "write it");
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int atomic_write_json(const char *path, struct json_object *o, struct diag_list *d)
{
	const char *text = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t n = strlen(text);
	char *buf = xmalloc(n + 2);
	memcpy(buf, text, n);
	buf[n] = '\n';
	int rc = atomic_write(path, buf, n + 1, d);
	free(buf);
	return rc;
}

FILE *jsonl_open_append(const char *path, struct diag_list *d)
{
	FILE *f = fopen(path, "ae");
	if (!f)
		io_error(d, path, "open it for appending");
	return f;
}

int jsonl_append(FILE *f, const char *path, struct json_object *o, struct diag_list *d)
{
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                                         JSON_C_TO_STRING_NOSLASHESCAPE);
	if (fputs(text, f) == EOF || fputc('\n', f) == EOF || fflush(f) == EOF ||
	    fsync(fileno(f)) < 0)
		return io_error(d, path, "append to it");
	return 0;
}

char *path_join(const char *dir, const char *file)
{
	return xasprintf("%s/%s", dir, file);
}

int mkdir_p(const char *dir, struct diag_list *d)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			*s = '/';
			break;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0755);
	struct stat st;
	if (rc < 0 && !(errno == EEXIST && stat(p, &st) == 0 && S_ISDIR(st.st_mode))) {
		io_error(d, dir, "create the directory");
		free(p);
		return -1;
	}
	free(p);
	return 0;
}
