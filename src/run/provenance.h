/* Provenance of a run (ARCHITECTURE §8): what ran, on what, under which conditions. */
#ifndef TARE_RUN_PROVENANCE_H
#define TARE_RUN_PROVENANCE_H

struct json_object;
struct matrix;

/* A new object: tare version and commit, matrix sha256, BPF object sha256, libbpf version,
 * kernel release, host class (os-arch-kernel-cpu model-cores), CPU governor, SMT, and the load
 * average now as "load_start". */
struct json_object *provenance_collect(const struct matrix *m);

/* Adds the load average now as "load_end". */
void provenance_finish(struct json_object *p);

/* The host class alone ("linux-x86_64-6.18-<cpu model>-2"), a new string; what `tare compare`
 * refuses to mix. */
char *provenance_host_class(void);

#endif
