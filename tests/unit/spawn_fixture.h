/* What the unit tests of spawn_run and of the spawn helper share: a request with this test's
 * output files, reading a file back, and the monotonic clock for the tests' own timings. */
#ifndef TARE_TESTS_SPAWN_FIXTURE_H
#define TARE_TESTS_SPAWN_FIXTURE_H

#include "run/spawn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Reads up to 1 MiB of a file into a new string (cmocka fails the test when it cannot). */
static inline char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* A request for argv writing to out and err, with a timeout no test should get near. */
static inline void spawn_fixture_request(struct spawn_request *req, char *const *argv,
                                         const char *out, const char *err, int64_t timeout_ms)
{
	memset(req, 0, sizeof(*req));
	req->argv = argv;
	req->stdout_path = out;
	req->stderr_path = err;
	req->timeout_ms = timeout_ms;
}

static inline int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
