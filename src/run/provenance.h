/* Provenance of a run (ARCHITECTURE §8): what ran, on what, under which conditions. */
#ifndef TARE_RUN_PROVENANCE_H
#define TARE_RUN_PROVENANCE_H

#include "run/machine_cpu.h"

struct json_object;
struct matrix;

/* A new object: tare version and commit, matrix sha256, BPF object sha256, libbpf version,
 * kernel release, host class (os-arch-kernel-cpu model-cores), CPU governor, SMT, and the load
 * average now as "load_start". *cpu_start (caller-provided) gets the machine's CPU reading now,
 * for provenance_finish. */
struct json_object *provenance_collect(const struct matrix *m,
                                       struct machine_cpu_reading *cpu_start);

/* Adds the load average now as "load_end", and what the machine did outside the run since
 * cpu_start (run/machine_cpu.h): "other_cpu_fraction" (null when /proc/stat cannot be read) and
 * "other_cpu" {elapsed_s, cores, machine_busy_s, run_s} (null likewise). */
void provenance_finish(struct json_object *p, const struct machine_cpu_reading *cpu_start);

/* The two provenance fields from two readings: what provenance_finish adds (NULLs when the
 * readings do not give a fraction). New objects. */
void provenance_other_cpu(const struct machine_cpu_reading *start,
                          const struct machine_cpu_reading *end, long ticks_per_s,
                          struct json_object **fraction, struct json_object **detail);

/* The host class alone ("linux-x86_64-6.18-<cpu model>-2"), a new string; what `tare compare`
 * refuses to mix. */
char *provenance_host_class(void);

#endif
