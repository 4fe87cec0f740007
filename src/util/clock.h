/* The one clock: monotonic time for intervals and deadlines, real time for timestamps, boot time
 * to compare with when processes started. */
#ifndef TARE_UTIL_CLOCK_H
#define TARE_UTIL_CLOCK_H

#include <stdint.h>

#define CLOCK_NS_PER_MS  INT64_C(1000000)
#define CLOCK_NS_PER_SEC INT64_C(1000000000)

/* Nanoseconds on CLOCK_MONOTONIC: only differences mean anything. Signed, so that a difference
 * taken the wrong way round is negative rather than a huge positive number. */
int64_t clock_monotonic_ns(void);

/* The same, for code between clone and exec in a child that shares tare's memory (run/spawn.c):
 * not instrumented by AddressSanitizer, and only clock_gettime, which is async-signal-safe. */
int64_t clock_monotonic_ns_in_child(void);

/* Milliseconds on CLOCK_MONOTONIC (clock_monotonic_ns() truncated to whole milliseconds). */
int64_t clock_monotonic_ms(void);

/* Nanoseconds since the Unix epoch on CLOCK_REALTIME (wall-clock timestamps, e.g. OTLP spans). */
int64_t clock_realtime_ns(void);

/* Nanoseconds on CLOCK_BOOTTIME: monotonic, counting suspend, the clock of a process's start time
 * in /proc/<pid>/stat. */
int64_t clock_boottime_ns(void);

#endif
