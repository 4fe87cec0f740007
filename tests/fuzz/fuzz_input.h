/* Shared by the fuzz targets: a scratch folder for inputs that the code under test reads from a
 * file (diagnostics print the source line they point at; a run directory is files). */
#ifndef TARE_FUZZ_INPUT_H
#define TARE_FUZZ_INPUT_H

#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A new folder under $TMPDIR (or /tmp), removed at exit with what fuzz_write_file put there.
 * Dies when it cannot be made: the target cannot run without it. */
static char fuzz_dir[4096];

/* The folder is flat: fuzz_write_file takes a plain name. */
static void fuzz_dir_remove(void)
{
	DIR *dh = opendir(fuzz_dir);
	struct dirent *e;
	while (dh && (e = readdir(dh)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(dh), e->d_name, 0);
	if (dh)
		closedir(dh);
	rmdir(fuzz_dir);
}

static const char *fuzz_scratch_dir(void)
{
	if (fuzz_dir[0])
		return fuzz_dir;
	const char *tmp = getenv("TMPDIR");
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/tare-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_dir_remove);
	return fuzz_dir;
}

/* Writes len bytes to the scratch folder's file name and returns its path (static storage, valid
 * until the next call). Dies on a write error: a short file would test the wrong input. */
static const char *fuzz_write_file(const char *name, const void *data, size_t len)
{
	static char path[4200];
	snprintf(path, sizeof(path), "%s/%s", fuzz_scratch_dir(), name);
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

#endif
