/* Where a run may write (the directory rule) and one run per directory (the lock). A run writes
 * only into a directory that does not exist, is empty, or is a tare run directory being resumed;
 * it holds an exclusive flock on RUN_LOCK_FILE inside it for as long as it runs. */
#ifndef TARE_RUN_RUN_DIR_CREATE_H
#define TARE_RUN_RUN_DIR_CREATE_H

#include "util/diag.h"

/* The lock file, left in place after the run: removing it would let a waiting run lock an
 * unlinked file while a third one creates a new one. It holds the holder's pid. */
#define RUN_LOCK_FILE "run.lock"

/* Checks, writing nothing, that a fresh run may write into dir: it does not exist, or it is an
 * empty directory. Errors: "run.out-invalid" (empty path), "run.out-exists" (dir holds a run),
 * "run.out-not-empty", "run.out-not-dir", "io.read". Returns 0 or -1 with a diag. */
int run_dir_check_fresh(const char *dir, struct diag_list *d);

/* Checks, writing nothing, that dir is a run directory this process can resume: its matrix copy
 * and plan are there ("run.not-a-run" otherwise) and it and its samples are writable
 * ("run.out-unwritable"). Returns 0 or -1 with a diag. */
int run_dir_check_resume(const char *dir, struct diag_list *d);

/* Creates dir (and its parents) when missing, takes its lock and checks again, under the lock,
 * that nothing but the lock file is in it (another run may have started in between). Returns
 * the lock's file descriptor (close it to unlock), or -1 with a diag ("run.locked" names the
 * holder's pid). */
int run_dir_create(const char *dir, struct diag_list *d);

/* Takes the lock of an existing run directory. Returns its descriptor, or -1 with a diag. */
int run_dir_lock(const char *dir, struct diag_list *d);

/* Where a run goes without --out: runs/<matrix>-<UTC timestamp>, with a suffix -2, -3, ... when
 * that exists (two runs started in the same second). New string. */
char *run_dir_default(const char *matrix_name);

#endif
