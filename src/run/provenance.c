/* Provenance: versions, digests, host class, governor, load and the CPU used outside the run, read
 * from the running system. */
#include "run/provenance.h"

#include "run/capture.h"
#include "matrix/matrix.h"
#include "util/file_read.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static void cpu_model(char *buf, size_t size)
{
	snprintf(buf, size, "unknown-cpu");
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		char *colon = strchr(line, ':');
		if (colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, size, "%s", colon);
		}
		break;
	}
	fclose(f);
}

char *provenance_host_class(void)
{
	struct utsname u;
	uname(&u);
	char model[256];
	cpu_model(model, sizeof(model));
	/* the class names what makes timings comparable: not the host name, not the patch level */
	char release[65];
	snprintf(release, sizeof(release), "%s", u.release);
	char *dash = strchr(release, '-');
	if (dash)
		*dash = '\0';
	for (char *p = model; *p; p++)
		if (*p == ' ')
			*p = '_';
	char *s = xasprintf("%s-%s-%s-%s-%ld", u.sysname, u.machine, release, model,
	                    sysconf(_SC_NPROCESSORS_ONLN));
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

static struct json_object *loadavg(void)
{
	double l[3];
	if (getloadavg(l, 3) != 3)
		return NULL;
	struct json_object *a = json_object_new_array();
	for (int i = 0; i < 3; i++)
		json_object_array_add(a, json_object_new_double(l[i]));
	return a;
}

struct json_object *provenance_collect(const struct matrix *m,
                                       struct machine_cpu_reading *cpu_start)
{
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "tare_version", json_object_new_string(TARE_VERSION));
	json_object_object_add(p, "tare_commit", json_object_new_string(TARE_GIT_COMMIT));
	json_object_object_add(p, "matrix_sha256", json_object_new_string(m->sha256));
	size_t len = 0;
	const void *obj = capture_object_bytes(&len);
	char hex[65];
	sha256_hex(obj, len, hex);
	json_object_object_add(p, "bpf_object_sha256", json_object_new_string(hex));
	char v[32];
	snprintf(v, sizeof(v), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	json_object_object_add(p, "libbpf_version", json_object_new_string(v));
	struct utsname u;
	uname(&u);
	json_object_object_add(p, "kernel_release", json_object_new_string(u.release));
	char *host = provenance_host_class();
	json_object_object_add(p, "host_class", json_object_new_string(host));
	free(host);
	char *line = NULL;
	file_read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", &line);
	json_object_object_add(p, "cpu_governor",
	                       json_object_new_string(line && *line ? line : "none (no cpufreq)"));
	free(line);
	file_read_first_line("/sys/devices/system/cpu/smt/active", &line);
	json_object_object_add(p, "smt_active",
	                       line && *line ? json_object_new_boolean(strcmp(line, "1") == 0)
	                                     : NULL);
	free(line);
	json_object_object_add(p, "load_start", loadavg());
	machine_cpu_read(cpu_start);
	return p;
}

/* Printed with a few digits so that summary.json does not pretend to a precision the USER_HZ
 * ticks do not have. */
static struct json_object *rounded(double v, int digits)
{
	char text[64];
	snprintf(text, sizeof(text), "%.*f", digits, v);
	return json_object_new_double_s(strtod(text, NULL), text);
}

void provenance_other_cpu(const struct machine_cpu_reading *start,
                          const struct machine_cpu_reading *end, long ticks_per_s,
                          struct json_object **fraction, struct json_object **detail)
{
	struct machine_cpu_other o;
	*fraction = *detail = NULL;
	if (machine_cpu_other(start, end, ticks_per_s, &o) < 0)
		return;
	*fraction = rounded(o.fraction, 4);
	*detail = json_object_new_object();
	json_object_object_add(*detail, "elapsed_s", rounded(o.elapsed_s, 3));
	json_object_object_add(*detail, "cores", json_object_new_int64(o.cores));
	json_object_object_add(*detail, "machine_busy_s", rounded(o.machine_busy_s, 3));
	json_object_object_add(*detail, "run_s", rounded(o.run_s, 3));
}

void provenance_finish(struct json_object *p, const struct machine_cpu_reading *cpu_start)
{
	struct machine_cpu_reading end;
	machine_cpu_read(&end);
	json_object_object_add(p, "load_end", loadavg());
	struct json_object *fraction, *detail;
	provenance_other_cpu(cpu_start, &end, sysconf(_SC_CLK_TCK), &fraction, &detail);
	json_object_object_add(p, "other_cpu_fraction", fraction);
	json_object_object_add(p, "other_cpu", detail);
}
