/* A dispatch's work directory: made fresh with tare's marker written first, so that a resumed run
 * can tell a directory tare made (which it may empty) from anything else (which it never touches),
 * and removed when the dispatch is settled. */
#ifndef TARE_RUN_WORK_DIR_H
#define TARE_RUN_WORK_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

/* The marker's name inside a work directory; it holds "tare work directory of dispatch N\n". */
#define WORK_DIR_MARKER ".tare-work"

/* Creates work (parents included) for dispatch index, then its marker. work must not exist yet
 * ("run.work-exists": tare removes only what it made, so it never takes over a directory it did
 * not make). Returns 0, or -1 with a diag (the directory is not left behind when the marker
 * cannot be written). */
int work_dir_create(const char *work, size_t index, struct diag_list *d);

/* Whether work carries the marker tare writes for dispatch index (and is a directory, not a
 * symlink to one). */
bool work_dir_is_tares(const char *work, size_t index);

/* Removes work and everything below it; symlinks are removed, never followed. */
void work_dir_remove(const char *work);

#endif
