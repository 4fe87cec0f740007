/* The privileges a capture run needs, read from /proc/self/status. */
#include "run/privileges.h"

#include <stdio.h>
#include <unistd.h>

const struct capability_need privileges_needed[3] = {
    {39, "CAP_BPF"},
    {38, "CAP_PERFMON"},
    {21, "CAP_SYS_ADMIN"},
};

bool privileges_effective(uint64_t *eff)
{
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return false;
	char line[256];
	unsigned long long v = 0;
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "CapEff: %llx", &v) == 1;
	fclose(f);
	*eff = v;
	return found;
}

bool privileges_sufficient(void)
{
	if (geteuid() == 0)
		return true;
	uint64_t eff;
	if (!privileges_effective(&eff))
		return false;
	for (size_t i = 0; i < sizeof(privileges_needed) / sizeof(privileges_needed[0]); i++)
		if (!(eff >> privileges_needed[i].bit & 1))
			return false;
	return true;
}
