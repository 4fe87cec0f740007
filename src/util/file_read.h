/* One line out of a small text file: a sysfs or proc value (the first line), or the newest
 * record of an append-only log (the last non-empty line). */
#ifndef TARE_UTIL_FILE_READ_H
#define TARE_UTIL_FILE_READ_H

/* Sets *line to the file's first line without its newline (caller frees), or to NULL when the
 * file is empty. Returns 0, or -1 with errno set (and *line NULL) when path cannot be opened. */
int file_read_first_line(const char *path, char **line);

/* Sets *line to the file's last line that is not empty, without its newline (caller frees), or to
 * NULL when there is none. A last line without a newline counts like any other. Returns 0, or -1
 * with errno set (and *line NULL) when path cannot be opened. */
int file_read_last_line(const char *path, char **line);

#endif
