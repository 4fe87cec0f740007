/* Where the conformance suites live: $TARE_TESTDATA, else the folder CMake configured. */
#ifndef TARE_TESTS_TESTDATA_H
#define TARE_TESTS_TESTDATA_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* The exit code ctest reads as "skipped" (SKIP_RETURN_CODE in CMakeLists.txt). */
#define TESTDATA_SKIP 77

/* Writes $TARE_TESTDATA/suite (or TARE_TESTDATA_DIR/suite) into buf. When that folder does not
 * exist, says why and exits with TESTDATA_SKIP: a clone without the shared data cannot judge the
 * suite, and a failure would blame the code for a missing checkout. */
static inline void testdata_require(char *buf, size_t size, const char *suite)
{
	const char *root = getenv("TARE_TESTDATA");
	if (!root || !*root)
		root = TARE_TESTDATA_DIR;
	struct stat st;
	if ((size_t)snprintf(buf, size, "%s/%s", root, suite) >= size || stat(buf, &st) < 0 ||
	    !S_ISDIR(st.st_mode)) {
		printf("skipped: conformance data not found at %s; set TARE_TESTDATA\n", buf);
		exit(TESTDATA_SKIP);
	}
}

#endif
