/* The one place that reads the system clocks. */
#include "util/clock.h"

#include <time.h>

static int64_t read_ns(clockid_t id)
{
	struct timespec ts;
	/* CLOCK_MONOTONIC, CLOCK_REALTIME and CLOCK_BOOTTIME (2.6.39) always exist on Linux;
	 * clock_gettime cannot fail for them with a valid pointer */
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * CLOCK_NS_PER_SEC + ts.tv_nsec;
}

int64_t clock_monotonic_ns(void)
{
	return read_ns(CLOCK_MONOTONIC);
}

__attribute__((no_sanitize_address)) int64_t clock_monotonic_ns_in_child(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * CLOCK_NS_PER_SEC + ts.tv_nsec;
}

int64_t clock_monotonic_ms(void)
{
	return clock_monotonic_ns() / CLOCK_NS_PER_MS;
}

int64_t clock_realtime_ns(void)
{
	return read_ns(CLOCK_REALTIME);
}

int64_t clock_boottime_ns(void)
{
	return read_ns(CLOCK_BOOTTIME);
}
