/* The sorted-array set of 64-bit values: a batch, sorted and merged into the array in place. */
#include "util/u64_set.h"

#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define BATCH_MIN 8192u

/* An open-addressing table would need its load factor kept at or under a half (16 bytes per
 * value) and a second table while it grows (24 bytes per value at the moment of a resize): at
 * a million paths that alone is tare's whole memory budget. The sorted array needs 8 bytes per
 * value, grows with mremap (no copy) and merges from its end, so it never needs both. */

void u64_set_init(struct u64_set *s)
{
	memset(s, 0, sizeof(*s));
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return (a > b) - (a < b);
}

/* Sorts the batch and removes its duplicates; returns how many distinct values remain. */
static size_t batch_unique(struct u64_set *s)
{
	if (s->n_batch == 0)
		return 0;
	qsort(s->batch, s->n_batch, sizeof(*s->batch), cmp_u64);
	size_t m = 1;
	for (size_t i = 1; i < s->n_batch; i++)
		if (s->batch[i] != s->batch[m - 1])
			s->batch[m++] = s->batch[i];
	return m;
}

/* How many of the m sorted batch values the array does not hold yet. */
static size_t count_new(const struct u64_set *s, size_t m)
{
	size_t i = 0, k = 0;
	for (size_t j = 0; j < m; j++) {
		while (i < s->n_sorted && s->sorted[i] < s->batch[j])
			i++;
		if (i == s->n_sorted || s->sorted[i] != s->batch[j])
			k++;
	}
	return k;
}

static void merge(struct u64_set *s)
{
	size_t m = batch_unique(s);
	size_t k = count_new(s, m);
	s->n_batch = 0;
	if (k == 0)
		return;
	size_t need = (s->n_sorted + k) * sizeof(uint64_t);
	if (need > s->sorted_bytes) {
		/* an eighth more than needed, so that a growing set remaps O(log n) times */
		size_t bytes = need + need / 8;
		s->sorted = xpages(s->sorted, s->sorted_bytes, bytes);
		s->sorted_bytes = bytes;
	}
	/* from the end, so that nothing is overwritten before it is moved */
	size_t i = s->n_sorted, j = m, w = s->n_sorted + k;
	while (j > 0) {
		if (i > 0 && s->sorted[i - 1] > s->batch[j - 1]) {
			s->sorted[--w] = s->sorted[--i];
		} else {
			if (i == 0 || s->sorted[i - 1] != s->batch[j - 1])
				s->sorted[--w] = s->batch[j - 1];
			j--;
		}
	}
	s->n_sorted += k;
}

void u64_set_add(struct u64_set *s, uint64_t v)
{
	if (s->n_batch == s->batch_cap) {
		merge(s);
		size_t cap = s->n_sorted / 8 > BATCH_MIN ? s->n_sorted / 8 : BATCH_MIN;
		if (cap != s->batch_cap) {
			/* empty after the merge: resized without anything to keep */
			xpages_free(s->batch, s->batch_cap * sizeof(uint64_t));
			s->batch = xpages(NULL, 0, cap * sizeof(uint64_t));
			s->batch_cap = cap;
		}
	}
	s->batch[s->n_batch++] = v;
}

uint64_t u64_set_count(struct u64_set *s)
{
	merge(s);
	return s->n_sorted;
}

size_t u64_set_bytes(const struct u64_set *s)
{
	return s->sorted_bytes + s->batch_cap * sizeof(uint64_t);
}

void u64_set_release(struct u64_set *s)
{
	xpages_free(s->sorted, s->sorted_bytes);
	xpages_free(s->batch, s->batch_cap * sizeof(uint64_t));
	u64_set_init(s);
}
