/* Machine CPU outside the run: /proc/stat busy time minus tare's rusage, over elapsed × cores. */
#include "run/machine_cpu.h"
#include "run/spawn_helper.h"

#include "util/clock.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

/* The aggregate line's fields in order: user nice system idle iowait irq softirq steal. idle and
 * iowait are time no task ran (iowait is idle waiting for I/O), so they are not busy. */
static const bool busy_field[8] = {true, true, true, false, false, true, true, true};

static int parse_cpu_line(const char *p, uint64_t *busy)
{
	*busy = 0;
	for (size_t i = 0; i < 8; i++) {
		while (*p == ' ')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		char *end = NULL;
		errno = 0;
		unsigned long long v = strtoull(p, &end, 10);
		if (errno || end == p)
			return -1;
		if (busy_field[i])
			*busy += (uint64_t)v;
		p = end;
	}
	return 0;
}

int machine_cpu_parse_stat(const char *text, uint64_t *busy_ticks, long *cores)
{
	bool have_total = false;
	long n = 0;
	for (const char *line = text; line && *line;) {
		if (strncmp(line, "cpu ", 4) == 0) {
			if (parse_cpu_line(line + 4, busy_ticks) < 0)
				return -1;
			have_total = true;
		} else if (strncmp(line, "cpu", 3) == 0 && isdigit((unsigned char)line[3])) {
			n++;
		}
		const char *nl = strchr(line, '\n');
		line = nl ? nl + 1 : NULL;
	}
	if (!have_total || n == 0)
		return -1;
	*cores = n;
	return 0;
}

static int64_t rusage_us(int who)
{
	struct rusage ru;
	if (getrusage(who, &ru) < 0)
		return 0;
	return ((int64_t)ru.ru_utime.tv_sec + (int64_t)ru.ru_stime.tv_sec) * 1000000 +
	       (int64_t)ru.ru_utime.tv_usec + (int64_t)ru.ru_stime.tv_usec;
}

/* The CPU lines come first in /proc/stat; 64 KiB holds them for a thousand CPUs, and what a
 * larger file loses at its end (interrupt and softirq counts) is not read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	size_t cap = 65536, len = 0;
	char *buf = xmalloc(cap + 1);
	len = fread(buf, 1, cap, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

void machine_cpu_read_in(const char *stat_path, struct machine_cpu_reading *out)
{
	memset(out, 0, sizeof(*out));
	/* the clock and the rusage first, /proc/stat last and at once: the busy ticks then include
	 * everything tare counted as its own */
	out->t_ns = clock_monotonic_ns();
	out->run_us =
	    rusage_us(RUSAGE_SELF) + rusage_us(RUSAGE_CHILDREN) + spawn_helper_workloads_cpu_us();
	char *text = slurp(stat_path);
	out->ok = text && machine_cpu_parse_stat(text, &out->busy_ticks, &out->cores) == 0;
	free(text);
}

void machine_cpu_read(struct machine_cpu_reading *out)
{
	machine_cpu_read_in("/proc/stat", out);
}

int machine_cpu_other(const struct machine_cpu_reading *start,
                      const struct machine_cpu_reading *end, long ticks_per_s,
                      struct machine_cpu_other *out)
{
	memset(out, 0, sizeof(*out));
	if (!start->ok || !end->ok || ticks_per_s <= 0 || end->t_ns <= start->t_ns ||
	    end->cores <= 0 || end->cores != start->cores || end->busy_ticks < start->busy_ticks ||
	    end->run_us < start->run_us)
		return -1;
	out->elapsed_s = (double)(end->t_ns - start->t_ns) / (double)CLOCK_NS_PER_SEC;
	out->cores = end->cores;
	out->machine_busy_s = (double)(end->busy_ticks - start->busy_ticks) / (double)ticks_per_s;
	out->run_s = (double)(end->run_us - start->run_us) / 1e6;
	double f = (out->machine_busy_s - out->run_s) / (out->elapsed_s * (double)out->cores);
	out->fraction = f < 0.0 ? 0.0 : f > 1.0 ? 1.0 : f;
	return 0;
}
