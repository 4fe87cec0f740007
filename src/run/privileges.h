/* The privileges a capture run needs, read from /proc/self/status (no capability library). */
#ifndef TARE_RUN_PRIVILEGES_H
#define TARE_RUN_PRIVILEGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One capability a run needs: its bit in the kernel's capability mask and its name. */
struct capability_need {
	int bit;
	const char *name;
};

/* CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN (loading programs, reading kernel data, cgroups). */
extern const struct capability_need privileges_needed[3];

/* Reads this process's effective capability mask (CapEff). Returns false when it cannot. */
bool privileges_effective(uint64_t *eff);

/* True when this process can create cgroups and load BPF programs: root, or every needed
 * capability effective. */
bool privileges_sufficient(void);

#endif
