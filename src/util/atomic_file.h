/* Files that are never seen half-written: whole files by temp + rename, logs by flushed lines. */
#ifndef TARE_UTIL_ATOMIC_FILE_H
#define TARE_UTIL_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "util/diag.h"

struct json_object;

/* Writes data to path through "path.tmp.<pid>", fsync, rename: readers see the old file or the
 * new one, never a torn one. Returns 0, or -1 with a diag (the temp file is removed). */
int atomic_write(const char *path, const void *data, size_t len, struct diag_list *d);

/* atomic_write of a JSON document, pretty-printed (2 spaces) with a final newline. */
int atomic_write_json(const char *path, struct json_object *o, struct diag_list *d);

/* Opens path for appending lines (created 0644 when missing). */
FILE *jsonl_open_append(const char *path, struct diag_list *d);

/* Appends one compact JSON line and flushes it to the kernel and the disk, so an interrupted or
 * crashed run keeps every line it wrote. Returns 0, or -1 with a diag (disk full, I/O error). */
int jsonl_append(FILE *f, const char *path, struct json_object *o, struct diag_list *d);

/* dir + "/" + file, a new string (caller frees). */
char *path_join(const char *dir, const char *file);

/* Creates dir and its parents (mode 0755); an existing directory is fine. */
int mkdir_p(const char *dir, struct diag_list *d);

#endif
