/* A set of 64-bit values (path hashes) that costs 8 bytes per distinct value and never holds two
 * copies of itself: a sorted array, and a batch of recent values merged into it in place. */
#ifndef TARE_UTIL_U64_SET_H
#define TARE_UTIL_U64_SET_H

#include <stddef.h>
#include <stdint.h>

/* Caller-provided: u64_set_init, then u64_set_release. The fields are private. */
struct u64_set {
	uint64_t *sorted; /* distinct values, ascending (xpages) */
	size_t n_sorted;
	size_t sorted_bytes; /* mapped */
	uint64_t *batch;     /* values added since the last merge, any order (xpages) */
	size_t n_batch;
	size_t batch_cap;
};

void u64_set_init(struct u64_set *s);

/* Adds v (amortised O(log n)): it lands in the batch, which is sorted and merged into the array
 * when full. The batch holds an eighth of the array (at least 8,192 values), so the set's
 * resident memory stays at 9 bytes per distinct value (plus the batch floor of 64 KiB). */
void u64_set_add(struct u64_set *s, uint64_t v);

/* The number of distinct values added. Merges the pending batch first, hence not const. */
uint64_t u64_set_count(struct u64_set *s);

/* The bytes the set has mapped (array and batch). */
size_t u64_set_bytes(const struct u64_set *s);

void u64_set_release(struct u64_set *s);

#endif
