/* Unit tests for keeping an output stream's head and tail: every byte counted, exact head and
 * tail whatever the chunking, the marker line, and the file bound of 2 × keep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "run/output_keep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A stream whose every byte says where it is: byte i is 'a' + (i * 7 + i / 26) % 26, with a
 * newline every 50 bytes. */
static char *stream(size_t n)
{
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = i % 50 == 49 ? '\n' : (char)('a' + (i * 7 + i / 26) % 26);
	s[n] = '\0';
	return s;
}

/* Feeds s in chunks of the given size and returns what output_keep_write writes. */
static char *keep_through(const char *s, size_t n, size_t keep, size_t chunk, size_t *out_len,
                          struct output_keep *k)
{
	output_keep_init(k, keep);
	for (size_t off = 0; off < n; off += chunk)
		output_keep_add(k, s + off, off + chunk <= n ? chunk : n - off);
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(output_keep_write(k, fileno(f)), 0);
	off_t end = lseek(fileno(f), 0, SEEK_END);
	char *buf = calloc(1, (size_t)end + 1);
	assert_int_equal(pread(fileno(f), buf, (size_t)end, 0), end);
	fclose(f);
	*out_len = (size_t)end;
	return buf;
}

/* Up to 2 × keep, everything is written back unchanged and nothing is truncated. */
static void test_small_streams_kept_whole(void **state)
{
	(void)state;
	size_t sizes[] = {0, 1, 1023, 1024, 1025, 2047, 2048};
	size_t chunks[] = {1, 7, 1000, 5000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++) {
			char *s = stream(sizes[i]);
			struct output_keep k;
			size_t len;
			char *out = keep_through(s, sizes[i], 1024, chunks[j], &len, &k);
			assert_int_equal(k.total, sizes[i]);
			assert_false(output_keep_truncated(&k));
			assert_int_equal(len, sizes[i]);
			assert_memory_equal(out, s, sizes[i]);
			output_keep_release(&k);
			free(out);
			free(s);
		}
}

/* Past 2 × keep: head prefix, marker line counting exactly what is missing, the last keep bytes;
 * never more than 2 × keep bytes; the same whatever the chunk sizes (ring wrap-around). */
static void test_large_streams_truncated(void **state)
{
	(void)state;
	size_t sizes[] = {2049, 3000, 100000, 1000003};
	size_t chunks[] = {1, 13, 1024, 1500, 65536, 2000000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizeof(chunks) / sizeof(chunks[0]); j++) {
			size_t n = sizes[i];
			char *s = stream(n);
			struct output_keep k;
			size_t len;
			char *out = keep_through(s, n, 1024, chunks[j], &len, &k);
			assert_int_equal(k.total, n);
			assert_true(output_keep_truncated(&k));
			assert_true(len <= 2 * 1024);
			assert_memory_equal(out + len - 1024, s + n - 1024, 1024);
			char *marker = strstr(out, "[… ");
			assert_non_null(marker);
			size_t before = (size_t)(marker - out);
			assert_true(before > 0 && out[before - 1] == '\n');
			size_t head = s[before - 1] == '\n' ? before : before - 1;
			assert_memory_equal(out, s, head);
			char want[96];
			snprintf(want, sizeof(want), "[… %zu bytes not kept …]\n", n - head - 1024);
			assert_memory_equal(marker, want, strlen(want));
			assert_int_equal(before + strlen(want) + 1024, len);
			output_keep_release(&k);
			free(out);
			free(s);
		}
}

/* The keep is clamped to its bounds, and 0 means the default. */
static void test_keep_bounds(void **state)
{
	(void)state;
	struct output_keep k;
	output_keep_init(&k, 0);
	assert_int_equal(k.keep, 64 * 1024);
	output_keep_init(&k, 10);
	assert_int_equal(k.keep, 1024);
	output_keep_init(&k, (size_t)1 << 30);
	assert_int_equal(k.keep, 16 << 20);
	assert_null(k.head); /* nothing allocated before bytes arrive */
	output_keep_release(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_streams_kept_whole),
	    cmocka_unit_test(test_large_streams_truncated),
	    cmocka_unit_test(test_keep_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
