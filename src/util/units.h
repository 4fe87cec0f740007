/* Parsing the human units a matrix uses: durations ("300s", "1h30m") and byte sizes ("4KiB"). */
#ifndef TARE_UTIL_UNITS_H
#define TARE_UTIL_UNITS_H

#include <stdint.h>

/* Parses a duration: one or more <digits><unit> groups with units ms, s, m, h ("1m30s").
 * Returns 0 and the total in milliseconds, or -1 on bad syntax or overflow past INT64_MAX. */
int parse_duration_ms(const char *s, int64_t *out_ms);

/* Parses a size: digits with an optional fraction, an optional space and an optional unit:
 * B, KiB/MiB/GiB (powers of 1024), KB/MB/GB (powers of 1000). A result that is not a whole
 * number of bytes, or that overflows, is -1. */
int parse_size_bytes(const char *s, uint64_t *out);

/* Formats milliseconds the way people read a duration: "850ms", "42s", "5m", "1h30m", "2h0m5s". */
void format_duration_ms(int64_t ms, char *buf, unsigned long size);

#endif
