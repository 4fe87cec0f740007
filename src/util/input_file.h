/* Reading input files safely: only regular files, never more than a cap, so that a directory, a
 * device such as /dev/zero or a FIFO gives an error instead of a hang or an unbounded read. */
#ifndef TARE_UTIL_INPUT_FILE_H
#define TARE_UTIL_INPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

/* The caps docs/schema-validator.md states: a JSON or YAML document read whole, one JSON Lines
 * line (JSON Lines files are streamed, so they have no total cap). */
#define INPUT_MAX_DOCUMENT_BYTES (256u * 1024 * 1024)
#define INPUT_MAX_LINE_BYTES     (4u * 1024 * 1024)

/* Opens path read-only if it is a regular file. It is stat'ed before it is opened and opened with
 * O_NONBLOCK, so a FIFO is never waited on; the descriptor is checked again after opening.
 * Returns the descriptor (caller closes), or -1 with an "io.read" or "io.not-regular" error. */
int input_open(const char *path, struct diag_list *d);

/* Reads the whole regular file path. Refuses a file of more than max_bytes before reading it, and
 * stops reading one byte past max_bytes if it grows meanwhile. On success returns 0 and *buf, a
 * new NUL-terminated buffer of *len bytes (caller frees); on failure -1 with an error in d.
 * too_large_code names the error for a file over the cap ("yaml.file-too-large"). */
int input_read(const char *path, size_t max_bytes, const char *too_large_code, char **buf,
               size_t *len, struct diag_list *d);

/* A line-at-a-time reader over a regular file whose memory is bounded by the line cap.
 * Caller-provided: input_lines_open/input_lines_release. */
struct input_lines {
	char *path;
	int fd;
	char *buf;
	size_t cap, start, end; /* buf[start, end) is read but not yet returned */
	size_t max_line;
	int lineno; /* of the line last returned */
	bool eof;
};

/* Opens path (input_open's checks) for reading lines of at most max_line bytes. Returns 0, or -1
 * with an error in d (r is then released). */
int input_lines_open(struct input_lines *r, const char *path, size_t max_line, struct diag_list *d);

/* The next line. Returns 1 with *line (borrowed until the next call, not NUL-terminated), *len
 * (its bytes, the newline included when there is one) and *complete (false only for a last line
 * without a newline); 0 at the end of the file; -1 with a located error for a line over the cap
 * or a read error. */
int input_lines_next(struct input_lines *r, const char **line, size_t *len, bool *complete,
                     struct diag_list *d);

void input_lines_release(struct input_lines *r);

#endif
