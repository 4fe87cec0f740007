/* A log-linear latency histogram in the HDR style: constant relative precision over 1 ns..~18 min.
 */
#ifndef TARE_WORKLOAD_LATENCY_HIST_H
#define TARE_WORKLOAD_LATENCY_HIST_H

#include <stdint.h>

/* Each power of two is split into 2^LATENCY_HIST_SUB_BITS linear sub-buckets, so a recorded value
 * and the value a quantile query reports differ by less than 1/2^LATENCY_HIST_SUB_BITS (0.78%)
 * relative. Values below 2^LATENCY_HIST_SUB_BITS ns are exact. */
#define LATENCY_HIST_SUB_BITS 7
/* Values at or above 2^LATENCY_HIST_MAX_LOG2 ns (about 18 minutes) share the top bucket; max is
 * still exact. */
#define LATENCY_HIST_MAX_LOG2 40

/* Opaque; one per thread while recording (no locking), merged afterwards. */
struct latency_hist;

/* Returns an empty histogram (caller frees with latency_hist_free). */
struct latency_hist *latency_hist_new(void);
/* Accepts NULL. */
void latency_hist_free(struct latency_hist *h);

/* Records one value in nanoseconds. Not thread-safe: one histogram per recording thread. */
void latency_hist_record(struct latency_hist *h, uint64_t ns);

/* Adds every count of src to dst (both stay owned by the caller). */
void latency_hist_merge(struct latency_hist *dst, const struct latency_hist *src);

uint64_t latency_hist_count(const struct latency_hist *h);
/* Exact minimum and maximum recorded; 0 when empty. */
uint64_t latency_hist_min(const struct latency_hist *h);
uint64_t latency_hist_max(const struct latency_hist *h);

/* The q-quantile (0 <= q <= 1) by the nearest-rank method: the value of rank ceil(q * count)
 * (rank 1 for q = 0). Reports the highest value equivalent to that rank's bucket, clamped to the
 * exact [min, max], so it is within the relative precision above of the exact order statistic and
 * never below it. 0 when empty. */
uint64_t latency_hist_quantile(const struct latency_hist *h, double q);

/* The bucket a value lands in, and the range of values that bucket holds; exposed for tests. */
uint32_t latency_hist_bucket_of(uint64_t ns);
uint64_t latency_hist_bucket_low(uint32_t bucket);
uint64_t latency_hist_bucket_high(uint32_t bucket);

#endif
