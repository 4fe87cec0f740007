/* The CPU time the machine spent outside the run while it ran: /proc/stat's busy time minus
 * tare's own and its children's, as a fraction of the elapsed time × online cores. */
#ifndef TARE_RUN_MACHINE_CPU_H
#define TARE_RUN_MACHINE_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* One reading, taken at the start and at the end of the dispatches. */
struct machine_cpu_reading {
	bool ok;             /* false: /proc/stat could not be read or parsed */
	int64_t t_ns;        /* CLOCK_MONOTONIC */
	uint64_t busy_ticks; /* user + nice + system + irq + softirq + steal, all CPUs, USER_HZ */
	long cores;          /* the per-CPU "cpuN" lines: the online CPUs */
	int64_t run_us; /* user + system CPU in µs: tare's (RUSAGE_SELF), its reaped children's
	                   (RUSAGE_CHILDREN) and the spawn helper's workloads' */
};

/* Parses /proc/stat text: the aggregate "cpu " line's busy fields into *busy_ticks and the number
 * of "cpuN" lines into *cores. guest and guest_nice are not added: the kernel already counts them
 * in user and nice. Returns 0, or -1 when the aggregate line is missing or has fewer than the 8
 * fields up to steal (kernels before 2.6.11), or there is no cpuN line. */
int machine_cpu_parse_stat(const char *text, uint64_t *busy_ticks, long *cores);

/* Reads stat_path (the format of /proc/stat) now, with the clock and getrusage. out->ok false when
 * the file cannot be read or parsed; never fails otherwise. */
void machine_cpu_read_in(const char *stat_path, struct machine_cpu_reading *out);

/* machine_cpu_read_in("/proc/stat", out). */
void machine_cpu_read(struct machine_cpu_reading *out);

/* What happened on the machine between two readings. */
struct machine_cpu_other {
	double elapsed_s;      /* end − start on the monotonic clock */
	long cores;            /* the end reading's */
	double machine_busy_s; /* busy ticks / ticks_per_s */
	double run_s;          /* tare and its children */
	/* (machine_busy_s − run_s) / (elapsed_s × cores), clamped to [0, 1]: ticks are counted at
	 * USER_HZ granularity and rusage in µs, so a quiet machine can read a little below 0 */
	double fraction;
};

/* Fills *out from two readings of one process. ticks_per_s is USER_HZ (sysconf(_SC_CLK_TCK)).
 * Returns 0, or -1 when a reading is not ok, the elapsed time is not positive, the core count is
 * 0 or changed between the readings (a CPU went on- or offline: the denominator is unknown), or a
 * counter went backwards. */
int machine_cpu_other(const struct machine_cpu_reading *start,
                      const struct machine_cpu_reading *end, long ticks_per_s,
                      struct machine_cpu_other *out);

#endif
