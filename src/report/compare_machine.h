/* The machine state a run recorded (summary.json provenance) and the rule that says when two runs'
 * states differ too much for their wall times to be compared as if nothing but the code changed. */
#ifndef TARE_REPORT_COMPARE_MACHINE_H
#define TARE_REPORT_COMPARE_MACHINE_H

struct json_object;

/* Load per core above which a run's machine counts as busy, and the difference in load per core
 * between two runs above which their states differ: a quarter of every core was running something
 * else in one run and not in the other. The load is the 1-minute load average, the larger of the
 * run's start and end readings, divided by the host class's core count. */
#define COMPARE_LOAD_DIFF_PER_CORE 0.25
#define COMPARE_LOAD_BUSY_PER_CORE 1.0

/* The rule used instead when both runs recorded other_cpu_fraction (the CPU time spent outside the
 * run while it dispatched, over elapsed × cores; run/machine_cpu.h): a run is busy above 0.25 (a
 * quarter of the machine's CPU went to something else), and two runs differ when their fractions
 * differ by more than 0.10. A CPU hog on one of 2 cores reads about 0.5; an idle machine with a
 * terminal under 0.03 (docs/compare.md has the measurements). */
#define COMPARE_OTHER_CPU_DIFF 0.10
#define COMPARE_OTHER_CPU_BUSY 0.25

struct compare_machine {
	char *host_class; /* NULL when unknown */
	char *governor;   /* NULL when unknown */
	int smt;          /* 1 active, 0 not, -1 unknown */
	double load;      /* max(load_start[0], load_end[0]); NaN when unknown */
	long cores;       /* the host class's last field; 0 when unknown */
	double other_cpu; /* other_cpu_fraction; NaN when unknown (runs before it was recorded) */
};

/* Reads the provenance object of a summary.json (NULL: everything unknown). Caller-provided *out;
 * compare_machine_release frees its strings. */
void compare_machine_read(struct json_object *provenance, struct compare_machine *out);
void compare_machine_release(struct compare_machine *m);

/* Why two machine states differ, "; "-separated ("load 0.05 per core in the base run, 0.62 in the
 * current one (differs by more than 0.25)", "cpu governor 'performance' in the base run,
 * 'powersave' in the current one", "SMT ...", "host class ...", "the current run's machine was busy
 * (load 1.40 per core > 1.00)"), a new string, or NULL when they agree. Unknown values on both
 * sides agree; a value known on one side only is a difference. The machine's load is judged by
 * other_cpu_fraction when both runs have it ("other CPU 0.02 of the machine in the base run, 0.48
 * in the current one (differs by more than 0.10)", "the current run's machine was busy (other CPU
 * 0.48 > 0.25)"), else by the load average as above. */
char *compare_machine_differences(const struct compare_machine *base,
                                  const struct compare_machine *cur);

#endif
