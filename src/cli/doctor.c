/* `tare doctor`: can this machine run captures, and will its timings be steady? One line per
 * check with what was found and what to do about it. */
#include "cli/cli.h"

#include "run/capture.h"
#include "run/cgroup.h"
#include "run/cgroup_resources.h"
#include "run/privileges.h"
#include "run/spawn_helper.h"
#include "run/stale_leaves.h"
#include "util/diag.h"
#include "util/file_read.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <glob.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

enum status { ST_OK, ST_INFO, ST_WARN, ST_FAIL };

static const char *const status_text[] = {"OK", "INFO", "WARN", "FAIL"};
static const char *const status_json[] = {"ok", "info", "warn", "fail"};

struct check {
	const char *name;
	enum status status;
	char detail[512];
	char advice[256];          /* "" when there is nothing to do */
	struct json_object *found; /* what the check found, for --json ("found"); NULL: nothing */
};

#define N_CHECKS 11

static void set(struct check *c, enum status st, const char *advice, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void set(struct check *c, enum status st, const char *advice, const char *fmt, ...)
{
	c->status = st;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	snprintf(c->advice, sizeof(c->advice), "%s", advice ? advice : "");
}

static void check_privileges(struct check *c)
{
	uint64_t eff = 0;
	bool found = privileges_effective(&eff);
	const char *who = geteuid() == 0 ? "running as root" : "not running as root";
	if (!found) {
		set(c, geteuid() == 0 ? ST_WARN : ST_FAIL, "run as root",
		    "%s; effective capabilities unknown (no CapEff in /proc/self/status)", who);
		return;
	}
	char missing[128] = "";
	for (size_t i = 0; i < sizeof(privileges_needed) / sizeof(privileges_needed[0]); i++)
		if (!(eff >> privileges_needed[i].bit & 1))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
			         "%s%s", missing[0] ? ", " : "", privileges_needed[i].name);
	if (missing[0])
		set(c, ST_FAIL,
		    "run 'tare run' as root, or grant CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN "
		    "(setcap or a capable container)",
		    "%s; missing %s", who, missing);
	else
		set(c, ST_OK, NULL, "%s; CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN effective", who);
}

static void check_kernel(struct check *c)
{
	struct utsname u;
	if (uname(&u) != 0) {
		set(c, ST_WARN, NULL, "cannot read the kernel release: %s", strerror(errno));
		return;
	}
	int major = 0, minor = 0;
	sscanf(u.release, "%d.%d", &major, &minor);
	/* BPF ring buffers and bpf_ringbuf_query arrived in 5.8 */
	if (major < 5 || (major == 5 && minor < 8))
		set(c, ST_FAIL, "use Linux 5.8 or later",
		    "%s %s is older than 5.8 (no BPF ring buffer)", u.sysname, u.release);
	else
		set(c, ST_OK, NULL, "%s %s %s", u.sysname, u.release, u.machine);
}

static void check_btf(struct check *c)
{
	struct stat st;
	if (stat("/sys/kernel/btf/vmlinux", &st) == 0)
		set(c, ST_OK, NULL, "/sys/kernel/btf/vmlinux present (%lld bytes)",
		    (long long)st.st_size);
	else
		set(c, ST_FAIL, "use a kernel built with CONFIG_DEBUG_INFO_BTF=y",
		    "no /sys/kernel/btf/vmlinux: the capture programs attach BTF tracepoints and "
		    "relocate with CO-RE");
}

/* The mount point of the first mount of fstype, or "" */
static void find_mount(const char *fstype, char *out, size_t size)
{
	out[0] = '\0';
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	size_t tlen = strlen(fstype);
	while (getline(&line, &cap, f) >= 0) {
		char *sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, fstype, tlen) != 0 || sep[3 + tlen] != ' ')
			continue;
		char mnt[4096];
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
			snprintf(out, size, "%s", mnt);
			break;
		}
	}
	free(line);
	fclose(f);
}

static void check_tracefs(struct check *c)
{
	char mnt[4096];
	find_mount("tracefs", mnt, sizeof(mnt));
	if (mnt[0])
		set(c, ST_OK, NULL,
		    "mounted at %s (tare does not need it: it attaches raw BTF tracepoints)", mnt);
	else
		set(c, ST_INFO, NULL,
		    "not mounted; tare does not need it: it attaches raw BTF tracepoints "
		    "(sys_enter, sched_process_*), not tracefs ones");
}

static void check_bpf(struct check *c)
{
	struct diag_list d;
	diag_list_init(&d);
	if (capture_probe(&d) == 0)
		set(c, ST_OK, NULL,
		    "capture programs loaded and attached; a probe open came back through the ring "
		    "buffer");
	else
		/* capture's message already says what to do */
		set(c, ST_FAIL, NULL, "%s",
		    d.len ? d.items[0].message : "the capture probe failed");
	diag_list_release(&d);
}

static void check_cgroup2(struct check *c)
{
	struct diag_list d;
	diag_list_init(&d);
	char *mnt = NULL;
	if (cgroup_hierarchy_find(&mnt, &d)) {
		set(c, ST_FAIL, "mount cgroup2 (mount -t cgroup2 none /sys/fs/cgroup/unified)",
		    "no cgroup2 mount: workloads are captured by their cgroup v2 id");
		diag_list_release(&d);
		return;
	}
	diag_list_release(&d);
	const char *layout = strcmp(mnt, "/sys/fs/cgroup") == 0 ? "pure cgroup v2"
	                     : strcmp(mnt, "/sys/fs/cgroup/unified") == 0
	                         ? "hybrid: cgroup v1 controllers beside cgroup2"
	                         : "cgroup2";
	char leaf[4200];
	snprintf(leaf, sizeof(leaf), "%s/tare-doctor-%ld", mnt, (long)getpid());
	if (mkdir(leaf, 0755) != 0) {
		set(c, ST_FAIL, "run as root, or delegate a writable cgroup v2 subtree",
		    "%s at %s, but cannot create a cgroup there: %s", layout, mnt, strerror(errno));
		free(mnt);
		return;
	}
	if (rmdir(leaf) != 0)
		set(c, ST_WARN, "remove it by hand (rmdir)",
		    "%s at %s; cannot remove test cgroup %s: %s", layout, mnt, leaf,
		    strerror(errno));
	else
		set(c, ST_OK, NULL, "%s at %s; a test cgroup was created and removed", layout, mnt);
	free(mnt);
}

/* Without privileges a run makes no cgroup leaves: every figure comes from the spawn helper. */
static void resources_unprivileged(struct check *c, const char *as_root)
{
	set(c, ST_OK, NULL,
	    "source %s: without privileges a run makes no cgroup leaves; peak memory (the largest "
	    "RSS of the workload and the descendants it waited for, never below the spawn "
	    "helper's own few MiB: memory_floor_kib) and CPU come from the wait4 of tare's spawn "
	    "helper; as root: %s",
	    SPAWN_HELPER_SOURCE, as_root);
}

/* Says which source of resource figures runs get here; as root, also creates what a run
 * creates (the memory controller enabled below a test parent, or the v1 memory parent). */
static void check_resources(struct check *c)
{
	struct diag_list d;
	diag_list_init(&d);
	char *root = NULL;
	if (!privileges_sufficient()) {
		struct cgroup_resources r = {0};
		bool v2 = cgroup_hierarchy_find(&root, &d) == 0;
		if (v2)
			cgroup_resources_find(root, &r);
		resources_unprivileged(c, !v2 ? "no cgroup2 mount (see the cgroup2 check)"
		                          : r.memory == RESOURCE_MEMORY_NONE
		                              ? SPAWN_HELPER_SOURCE_CGROUP_CPU
		                              : cgroup_resources_source(&r));
		cgroup_resources_release(&r);
		free(root);
		diag_list_release(&d);
		return;
	}
	if (cgroup_hierarchy_find(&root, &d)) {
		diag_list_release(&d);
		set(c, ST_WARN, "mount cgroup2 (see the cgroup2 check)",
		    "no cgroup2 mount: no dispatch cgroup to read memory and CPU from");
		return;
	}
	struct cgroup_resources r;
	cgroup_resources_find(root, &r);
	const char *tested = "not tried: creating cgroups needs root";
	char *parent = NULL;
	if (r.memory != RESOURCE_MEMORY_NONE) {
		parent = xasprintf("%s/tare-doctor-res-%ld", root, (long)getpid());
		if (mkdir(parent, 0755) == 0) {
			cgroup_resources_open(&r, parent, &d);
			tested = "a run's memory cgroup was created and removed";
		} else {
			free(parent);
			parent = NULL;
		}
	}
	switch (r.memory) {
	case RESOURCE_MEMORY_CGROUP2:
		set(c, ST_OK, NULL,
		    "source %s: peak memory from memory.peak and CPU from cpu.stat of each "
		    "dispatch's cgroup v2 leaf (%s)",
		    cgroup_resources_source(&r), tested);
		break;
	case RESOURCE_MEMORY_CGROUP1:
		set(c, ST_OK, NULL,
		    "source %s: peak memory from memory.max_usage_in_bytes of a cgroup v1 memory "
		    "leaf below %s, CPU from cpu.stat of the cgroup v2 leaf (%s)",
		    cgroup_resources_source(&r), r.v1_base, tested);
		break;
	default: {
		char advice[256] = "a memory controller (cgroup v2, or v1 on a hybrid host) gives "
		                   "the figure";
		if (strstr(r.reason, "subtree_control"))
			snprintf(advice, sizeof(advice),
			         "enable it: echo +memory > %s/cgroup.subtree_control", root);
		set(c, ST_WARN, advice,
		    "source %s: CPU from cpu.stat of the cgroup v2 leaf; peak memory from the "
		    "wait4 "
		    "of tare's spawn helper (the largest RSS of the workload and the descendants "
		    "it "
		    "waited for, never below the helper's own few MiB: memory_floor_kib), because "
		    "%s",
		    SPAWN_HELPER_SOURCE_CGROUP_CPU, r.reason);
		break;
	}
	}
	cgroup_resources_release(&r);
	if (parent)
		rmdir(parent);
	free(parent);
	free(root);
	diag_list_release(&d);
}

static void check_governor(struct check *c)
{
	glob_t g;
	if (glob("/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor", 0, NULL, &g) != 0) {
		set(c, ST_INFO, NULL,
		    "no cpufreq scaling governor exposed (typical of a virtual machine): the "
		    "frequency is not under this machine's control");
		return;
	}
	size_t other = 0;
	char first_other[64] = "";
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *gov = NULL;
		file_read_first_line(g.gl_pathv[i], &gov);
		if (gov && strcmp(gov, "performance") != 0) {
			if (!other++)
				snprintf(first_other, sizeof(first_other), "%s", gov);
		}
		free(gov);
	}
	if (other)
		set(c, ST_WARN,
		    "set the 'performance' governor (cpupower frequency-set -g performance)",
		    "%zu of %zu cpus not on 'performance' (e.g. '%s'): timings drift with the "
		    "clock",
		    other, (size_t)g.gl_pathc, first_other);
	else
		set(c, ST_OK, NULL, "all %zu cpus on 'performance'", (size_t)g.gl_pathc);
	globfree(&g);
}

static void check_smt(struct check *c)
{
	char *active = NULL;
	file_read_first_line("/sys/devices/system/cpu/smt/active", &active);
	if (!active)
		set(c, ST_INFO, NULL, "the kernel does not report SMT state");
	else if (strcmp(active, "1") == 0)
		set(c, ST_WARN,
		    "for steadier timings turn SMT off (echo off > "
		    "/sys/devices/system/cpu/smt/control)",
		    "SMT active: sibling threads share a core and disturb each other's timings");
	else
		set(c, ST_OK, NULL, "SMT not active");
	free(active);
}

static void check_load(struct check *c)
{
	char *line = NULL;
	file_read_first_line("/proc/loadavg", &line);
	double load1 = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (!line || sscanf(line, "%lf", &load1) != 1 || cpus <= 0) {
		set(c, ST_INFO, NULL, "cannot read the load average");
	} else if (load1 > 0.5 * (double)cpus) {
		set(c, ST_WARN, "run on a quiet machine: other work adds noise to every timing",
		    "load average %.2f on %ld cpus (above half of them)", load1, cpus);
	} else {
		set(c, ST_OK, NULL, "load average %.2f on %ld cpus", load1, cpus);
	}
	free(line);
}

/* One run parent as --json reports it. */
static struct json_object *stale_json(const struct stale_parent *p, bool removed)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(p->path));
	json_object_object_add(o, "pid", json_object_new_int64(p->pid));
	json_object_object_add(o, "leaves", json_object_new_int64((int64_t)p->leaves));
	json_object_object_add(o, "processes", json_object_new_int64((int64_t)p->procs));
	json_object_object_add(o, "removed", json_object_new_boolean(removed));
	return o;
}

/* Run parents left by tares that are gone, with what may still run in them. Doctor only looks,
 * unless clean: then it kills and removes them as 'tare run' does when it starts, one line each
 * on stderr. */
static void check_stale(struct check *c, bool clean)
{
	struct diag_list d;
	diag_list_init(&d);
	char *root = NULL;
	if (cgroup_hierarchy_find(&root, &d) < 0) {
		set(c, ST_INFO, NULL, "no cgroup v2 hierarchy to look in");
		diag_list_release(&d);
		return;
	}
	struct stale_list l;
	if (stale_parents_find_all(root, &l, &d) < 0) {
		set(c, ST_WARN, NULL, "%s", d.items[0].message);
		diag_list_release(&d);
		free(root);
		return;
	}
	struct strbuf list;
	strbuf_init(&list);
	c->found = json_object_new_array();
	size_t failed = 0;
	for (size_t i = 0; i < l.len; i++) {
		char *what = stale_parent_describe(&l.items[i]);
		bool removed = clean && stale_parent_remove(&l.items[i], &d) == 0;
		if (removed)
			fprintf(stderr, "tare: killed and removed the %s\n", what);
		failed += clean && !removed;
		strbuf_addf(&list, "%s%s", i ? "; " : "", what);
		json_object_array_add(c->found, stale_json(&l.items[i], removed));
		free(what);
	}
	if (l.len == 0)
		set(c, ST_OK, NULL, "no run cgroup left behind in %s by a tare that is gone", root);
	else if (!clean)
		set(c, ST_WARN,
		    "'tare doctor --clean' (as root) kills what runs in them and removes them, as "
		    "'tare run' does when it starts",
		    "%zu found: %s", l.len, list.buf);
	else if (failed)
		set(c, ST_FAIL,
		    geteuid() == 0 ? "processes that survive SIGKILL are stuck in the kernel (D "
		                     "state); they go with a reboot"
		                   : "run 'tare doctor --clean' as root",
		    "%zu of %zu could not be removed: %s", failed, l.len,
		    d.len ? d.items[d.len - 1].message : list.buf);
	else
		set(c, ST_OK, NULL, "killed and removed %zu: %s", l.len, list.buf);
	strbuf_release(&list);
	stale_list_release(&l);
	diag_list_release(&d);
	free(root);
}

static void print_text(const struct check *checks, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct check *c = &checks[i];
		printf("%-4s  %s: %s", status_text[c->status], c->name, c->detail);
		if (c->advice[0])
			printf("; %s", c->advice);
		putchar('\n');
	}
}

static void print_json(const struct cli_ctx *ctx, const struct check *checks, size_t n)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct check *c = &checks[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "check", json_object_new_string(c->name));
		json_object_object_add(o, "status", json_object_new_string(status_json[c->status]));
		json_object_object_add(o, "detail", json_object_new_string(c->detail));
		json_object_object_add(o, "advice",
		                       c->advice[0] ? json_object_new_string(c->advice) : NULL);
		if (c->found)
			json_object_object_add(o, "found", json_object_get(c->found));
		json_object_array_add(arr, o);
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "checks", arr);
	cli_json_result(ctx, "tare.doctor.v1", o);
}

static int doctor_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	bool clean = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--clean") == 0)
			clean = true;
		else
			return cli_usage_error(ctx, "doctor", "unexpected argument '%s'", argv[i]);
	}
	struct check checks[N_CHECKS] = {
	    {.name = "privileges"}, {.name = "kernel"},        {.name = "btf"},
	    {.name = "tracefs"},    {.name = "bpf"},           {.name = "cgroup2"},
	    {.name = "resources"},  {.name = "governor"},      {.name = "smt"},
	    {.name = "load"},       {.name = "stale-cgroups"},
	};
	check_privileges(&checks[0]);
	check_kernel(&checks[1]);
	check_btf(&checks[2]);
	check_tracefs(&checks[3]);
	check_bpf(&checks[4]);
	check_cgroup2(&checks[5]);
	check_resources(&checks[6]);
	check_governor(&checks[7]);
	check_smt(&checks[8]);
	check_load(&checks[9]);
	check_stale(&checks[10], clean);
	if (ctx->json)
		print_json(ctx, checks, N_CHECKS);
	else
		print_text(checks, N_CHECKS);
	fflush(stdout);
	/* only the checks of what a capture run needs can FAIL; timing-noise checks WARN */
	int rc = TARE_EXIT_OK;
	for (size_t i = 0; i < N_CHECKS; i++) {
		if (checks[i].status == ST_FAIL)
			rc = TARE_EXIT_ENV;
		json_object_put(checks[i].found);
	}
	return rc;
}

const struct command cmd_doctor = {
    .name = "doctor",
    .run = doctor_main,
    .summary = "can this machine run captures? privileges, BTF, BPF, cgroup v2, timing noise",
    .usage = "tare doctor [--clean] [--json]",
    .help = "Runs each check and prints one line per check:\n"
            "  STATUS  CHECK: FINDING; WHAT TO DO\n"
            "STATUS is OK, INFO (nothing to do), WARN (timings will be noisier) or FAIL (a\n"
            "capture run cannot work). Checks: privileges (root, or CAP_BPF, CAP_PERFMON and\n"
            "CAP_SYS_ADMIN), kernel (5.8 or later), btf (/sys/kernel/btf/vmlinux), tracefs (not\n"
            "needed: tare attaches raw tracepoints), bpf (loads the capture programs and sends\n"
            "one event through the ring buffer), cgroup2 (pure or hybrid mount, a test cgroup\n"
            "created and removed), resources (where peak memory and CPU come from: cgroup2,\n"
            "cgroup1-memory+cgroup2-cpu, or cgroup2-cpu with memory null), governor, smt,\n"
            "load, and stale-cgroups (run cgroups left by a tare that was killed, with what\n"
            "may still run in them: WARN).\n"
            "--clean   kill what runs in those stale run cgroups and remove them (needs root;\n"
            "          'tare run' does the same when it starts); without it doctor only looks\n"
            "--json prints the checks as \"checks\": [{check, status, detail, advice}];\n"
            "stale-cgroups adds found: [{path, pid, leaves, processes, removed}].\n"
            "Exit 4 when any check FAILs, else 0.\n",
    .needs_root = false,
};
