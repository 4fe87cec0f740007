/* Test helpers: load tests/stats/expected.json (written by reference.py) and compare numbers. */
#ifndef TARE_TESTS_STATS_EXPECTED_JSON_H
#define TARE_TESTS_STATS_EXPECTED_JSON_H

/* Included by the cmocka tests after <cmocka.h>; everything is static to each test program. */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The tests run with cwd = repo root; TARE_SOURCE_DIR covers a run from elsewhere. */
static inline json_object *expected_load(void)
{
	json_object *root = json_object_from_file("tests/stats/expected.json");
	if (!root)
		root = json_object_from_file(TARE_SOURCE_DIR "/tests/stats/expected.json");
	if (!root)
		fail_msg("cannot read 'tests/stats/expected.json'");
	return root;
}

static inline json_object *expected_get(json_object *obj, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(obj, key, &v))
		fail_msg("expected.json: missing key '%s'", key);
	return v;
}

/* A number, or NaN for JSON null (the reference writes undefined values as null). */
static inline double expected_num(json_object *obj, const char *key)
{
	json_object *v = expected_get(obj, key);
	return v ? json_object_get_double(v) : NAN;
}

/* A heap array of the numbers in obj[key]; *n gets the length. Caller frees. */
static inline double *expected_array(json_object *obj, const char *key, size_t *n)
{
	json_object *arr = expected_get(obj, key);
	*n = json_object_array_length(arr);
	double *x = malloc((*n ? *n : 1) * sizeof(*x));
	assert_non_null(x);
	for (size_t i = 0; i < *n; i++)
		x[i] = json_object_get_double(json_object_array_get_idx(arr, i));
	return x;
}

/* Relative agreement to rel, with an absolute floor of 1e-12 for values that should be 0;
 * NaN matches only NaN. */
static inline void expect_close_at(double got, double want, double rel, const char *what,
                                   const char *name, const char *file, int line)
{
	if (isnan(want) && isnan(got))
		return;
	double scale = fmax(fabs(got), fabs(want));
	if (!(fabs(got - want) <= rel * scale + 1e-12)) {
		print_error("%s:%d: %s of '%s': got %.17g, want %.17g\n", file, line, what, name,
		            got, want);
		_fail(file, line);
	}
}

#define expect_close(got, want, what, name)                                                        \
	expect_close_at((got), (want), 1e-9, (what), (name), __FILE__, __LINE__)

#endif
