/* The runner: one dispatch for real — cgroup leaf, capture window, spawn, drain, independent
 * counts — recorded as a raw sample for the session to judge (ARCHITECTURE §5). */
#include "run/runner.h"

#include "run/argv_subst.h"
#include "run/capture.h"
#include "run/cgroup.h"
#include "run/cgroup_resources.h"
#include "run/cgroup_retire.h"
#include "run/kernel_count.h"
#include "run/otlp_window.h"
#include "run/span_count.h"
#include "run/spawn.h"
#include "run/spawn_helper.h"
#include "run/work_dir.h"
#include "util/atomic_file.h"
#include "util/clock.h"
#include "util/file_read.h"
#include "util/xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a drain may wait for records still being committed after the workload exited. */
#define DRAIN_MAX_WAIT_MS 5000

struct runner {
	const struct matrix *m;
	struct runner_opts o;
	char *out; /* absolute run directory */
	char self_exe[PATH_MAX];
	struct capture *cap;         /* NULL when no arm of the plan captures */
	char *cg_parent;             /* this run's cgroup parent */
	struct cgroup_resources res; /* where memory and CPU figures come from */
	char *work;                  /* the work directory of the dispatch awaiting runner_settle */
	/* spawns when the memory figure cannot come from a cgroup; NULL otherwise, or when it
	 * is wanted but unavailable (no_helper then says why) */
	struct spawn_helper *helper;
	const char *no_helper;
	struct otlp_receiver *otlp;    /* NULL when no arm of the plan has otlp: no socket */
	char *otlp_endpoint;           /* {otlp_endpoint}: http://127.0.0.1:PORT */
	struct cgroup_retired retired; /* finished dispatches' leaves, removed in batches */
};

/* Whether the dispatch the plan runs after pd captures: then the window keeps the programs
 * attached for it (capture_end). */
static bool next_captures(const struct plan *p, const struct plan_dispatch *pd)
{
	if (pd < p->dispatches || pd + 1 >= p->dispatches + p->n_dispatches)
		return false;
	return p->matrix->arms[pd[1].arm].capture == ARM_CAPTURE_EBPF;
}

/* Without a memory figure from a cgroup, workloads are spawned by the helper (its wait4 gives
 * the workload's ru_maxrss above a floor of a few MiB, not tare's tens); with one, in-process. */
static void choose_spawner(struct runner *r, struct spawn_helper *helper)
{
	r->no_helper = spawn_helper_unavailable(helper);
	r->helper = r->no_helper ? NULL : helper;
}

struct runner *runner_new(const struct plan *p, const struct runner_opts *o, struct diag_list *d)
{
	struct runner *r = xcalloc(1, sizeof(*r));
	r->m = p->matrix;
	r->o = *o;
	cgroup_retired_init(&r->retired);
	char abs[PATH_MAX];
	if (!realpath(o->out_dir, abs)) {
		diag_error(d, "io.out", &(struct diag_loc){o->out_dir, 0, 0, NULL},
		           "cannot resolve the run directory: %s", strerror(errno));
		goto fail;
	}
	r->out = xstrdup(abs);
	ssize_t n = readlink("/proc/self/exe", r->self_exe, sizeof(r->self_exe) - 1);
	if (n < 0) {
		diag_error(d, "env.self", NULL, "cannot find tare's own binary: %s",
		           strerror(errno));
		goto fail;
	}
	r->self_exe[n] = '\0';
	if (plan_has_otlp(p)) {
		r->otlp = otlp_receiver_start(d);
		if (!r->otlp)
			goto fail;
		r->otlp_endpoint = otlp_window_endpoint(r->otlp);
	}
	if (o->no_cgroups) {
		if (plan_has_capture(p)) {
			diag_error(d, "env.privileges", NULL,
			           "a plan with a capture arm needs cgroup leaves (the capture "
			           "filters on them)");
			goto fail;
		}
		r->res.memory = RESOURCE_MEMORY_NONE;
		choose_spawner(r, o->spawn_helper);
		return r;
	}
	char *root = NULL;
	if (cgroup_hierarchy_find(&root, d) < 0)
		goto fail;
	int rc = cgroup_parent_create(root, &r->cg_parent, d);
	if (rc == 0) {
		cgroup_resources_find(root, &r->res);
		cgroup_resources_open(&r->res, r->cg_parent, d);
	}
	free(root);
	if (rc < 0)
		goto fail;
	if (r->res.memory == RESOURCE_MEMORY_NONE)
		choose_spawner(r, o->spawn_helper);
	if (plan_has_capture(p)) {
		struct capture_opts co = {
		    .ringbuf_bytes = o->ringbuf_bytes ? o->ringbuf_bytes : r->m->ringbuf_bytes,
		};
		r->cap = capture_open(&co, d);
		if (!r->cap)
			goto fail;
	}
	return r;
fail:
	runner_free(r);
	return NULL;
}

/* Moves file (if it exists) from the work directory to dir/name, creating dir. */
static void keep_file(const char *work, const char *file, const char *dir, const char *name,
                      struct diag_list *d)
{
	char *from = path_join(work, file);
	if (access(from, F_OK) == 0 && mkdir_p(dir, d) == 0) {
		char *to = path_join(dir, name);
		if (rename(from, to) < 0)
			diag_warning(d, "io.keep", &(struct diag_loc){to, 0, 0, NULL},
			             "cannot keep %s: %s", file, strerror(errno));
		free(to);
	}
	free(from);
}

void runner_free(struct runner *r)
{
	if (!r)
		return;
	capture_free(r->cap);
	otlp_receiver_stop(r->otlp);
	free(r->otlp_endpoint);
	struct diag_list ignored;
	diag_list_init(&ignored);
	cgroup_retired_flush(&r->retired, NULL, 0, &ignored);
	cgroup_resources_release(&r->res);
	if (r->cg_parent)
		cgroup_parent_remove(r->cg_parent, &ignored);
	diag_list_release(&ignored);
	if (r->work)
		work_dir_remove(r->work);
	free(r->work);
	free(r->cg_parent);
	free(r->out);
	free(r);
}

/* The last non-empty line of the workload's stdout, if it is a JSON object: its self-report. What
 * is kept of stdout ends with the stream's last bytes, so a flood does not hide it. */
static struct json_object *read_self_report(const char *stdout_path)
{
	char *last = NULL;
	if (file_read_last_line(stdout_path, &last) < 0 || !last)
		return NULL;
	struct json_object *o = json_tokener_parse(last);
	free(last);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static void copy_plan_fields(const struct plan *p, const struct plan_dispatch *pd, struct sample *s)
{
	const struct matrix_cell *c = &p->matrix->cells[pd->cell];
	const struct matrix_arm *arm = &p->matrix->arms[pd->arm];
	s->index = pd->index;
	s->cell = xstrdup(c->name);
	s->phase = pd->phase;
	s->round = pd->round;
	s->slot = pd->slot;
	s->arm = xstrdup(arm->name);
	s->capture = arm->capture == ARM_CAPTURE_EBPF;
	s->spans = arm->spans;
	s->kernel_target = c->kernel_events.value;
	s->span_target = c->span_events.value;
	s->concurrency = c->concurrency.value;
	s->payload_bytes = c->payload_bytes.value;
	s->span_event_limit = c->span_event_limit;
	s->timeout_ms = c->timeout_ms;
}

/* Resolves argv/env for this dispatch; the built-in workload is tare's own binary. */
static int resolve_command(const struct runner *r, const struct plan_dispatch *pd, const char *work,
                           const char *trace_out, char ***argv, char ***env, struct diag_list *d)
{
	struct argv_subst_vars vars = {work, trace_out,
	                               r->m->arms[pd->arm].otlp ? r->otlp_endpoint : NULL};
	if (argv_subst_argv(pd->argv, pd->argc, &vars, argv, d) < 0)
		return -1;
	if (argv_subst_env(pd->env, pd->env_len, &vars, env, d) < 0)
		return -1;
	if (pd->builtin) {
		free((*argv)[pd->wrap_len]);
		(*argv)[pd->wrap_len] = xstrdup(r->self_exe);
	}
	return 0;
}

/* Fills the outcome of the process and its timings from the spawn result. */
static void record_spawn(struct sample *s, const struct spawn_result *sr)
{
	s->exit_code = sr->exit_code;
	s->term_signal = sr->term_signal;
	s->timed_out = sr->timed_out;
	s->exec_error = sr->exec_error ? xstrdup(sr->exec_error) : NULL;
	s->orphans = sr->orphans;
	s->output_truncated = sr->output_truncated;
	s->stdout_bytes = sr->stdout_bytes;
	s->stderr_bytes = sr->stderr_bytes;
	s->spawn_ns = sr->spawn_ns;
	s->workload_ns = sr->workload_ns;
	s->wall_ns = sr->wall_ns;
}

/* Memory and CPU of the whole workload tree from its cgroups, read after it exited and before
 * the leaves go; where there is no memory figure there, the spawn helper's wait4 (memory, and
 * CPU too without a leaf). tare's own wait4 is never used: the child's ru_maxrss starts at
 * tare's high-water mark (docs/dispatch.md, "Resources"). */
static void record_resources(const struct runner *r, struct sample *s,
                             const struct spawn_result *sr, const struct cgroup_leaf *leaf,
                             const struct cgroup_leaf *memory_leaf, const char *memory_leaf_reason,
                             bool captures)
{
	struct cgroup_resource_figures f = {-1, -1, -1, NULL};
	if (r->cg_parent)
		cgroup_resources_read(&r->res, leaf, memory_leaf, memory_leaf_reason, &f);
	if (r->helper) {
		s->resources.memory_peak_kib = sr->max_rss_kb;
		s->resources.memory_floor_kib = sr->max_rss_floor_kb;
		if (!r->cg_parent) {
			f.cpu_user_us = sr->user_us;
			f.cpu_sys_us = sr->sys_us;
		}
		s->resources.cpu_user_us = f.cpu_user_us;
		s->resources.cpu_sys_us = f.cpu_sys_us;
		s->resources.source =
		    xstrdup(r->cg_parent ? SPAWN_HELPER_SOURCE_CGROUP_CPU : SPAWN_HELPER_SOURCE);
		/* the reason of the cgroup's missing memory figure is answered; one of its CPU
		 * figure is not */
		if (f.cpu_user_us < 0)
			s->resources.reason = xstrdup(f.reason);
	} else if (!r->cg_parent) {
		s->resources.source = xstrdup("none");
		s->resources.reason =
		    xasprintf("no cgroup leaf (tare ran without privileges) and no spawn helper "
		              "(%s): the workload's memory and CPU come from one or the other",
		              r->no_helper);
	} else {
		s->resources.memory_peak_kib = f.memory_peak_kib;
		s->resources.cpu_user_us = f.cpu_user_us;
		s->resources.cpu_sys_us = f.cpu_sys_us;
		s->resources.source = xstrdup(cgroup_resources_source(&r->res));
		s->resources.reason =
		    f.memory_peak_kib < 0 && r->no_helper
		        ? xasprintf("%s; no spawn helper: %s", f.reason, r->no_helper)
		    : f.reason ? xstrdup(f.reason)
		               : NULL;
	}
	cgroup_resource_figures_release(&f);
	if (captures)
		s->resources.capture_memory_kib =
		    (int64_t)((capture_memory_bytes(r->cap) + 1023) / 1024);
}

static void record_capture(struct sample *s, const struct capture_counts *cc,
                           const struct kernel_count_totals *kt)
{
	s->has_capture = true;
	s->emitted = cc->emitted;
	s->received = cc->received;
	s->dropped = cc->dropped;
	s->filtered_in = cc->filtered_in;
	s->capture_clean = cc->clean;
	s->attach_ns = (int64_t)cc->attach_ns;
	s->drain_ns = (int64_t)cc->drain_ns;
	s->detach_ns = (int64_t)cc->detach_ns;
	s->kernel_events_matched = (int64_t)kt->matched_events;
	s->kernel_unique_paths = (int64_t)kt->matched_unique;
}

static void record_spans(struct sample *s, const char *trace_out)
{
	struct span_counts sc;
	/* an unreadable trace is the layer's "failed", which the session judges from
	 * has_span_counts */
	struct diag_list ignored;
	diag_list_init(&ignored);
	bool ok = span_count_file(trace_out, &sc, &ignored) == 0 && sc.spans > 0;
	diag_list_release(&ignored);
	s->has_span_counts = ok;
	s->spans_retained = ok ? (int64_t)sc.events_retained : 0;
	s->spans_dropped = ok ? (int64_t)sc.events_dropped : 0;
}

/* The receiver's counts as the span layer's observation. Late exports belong to a dispatch
 * already judged: recorded here, counted nowhere, and said on stderr. */
static void record_otlp(struct sample *s, const struct plan_dispatch *pd,
                        const struct otlp_dispatch_counts *oc, struct otlp_problems *op,
                        int64_t reaped_ns, struct diag_list *d)
{
	if (op->late_exports)
		diag_warning(d, "otlp.late", NULL,
		             "%llu export(s) with %llu span(s) of earlier dispatches reached the "
		             "receiver by dispatch %zu, after their own had ended: not counted "
		             "(a process of theirs outlived them, or their exporter flushed late)",
		             (unsigned long long)op->late_exports,
		             (unsigned long long)op->late_spans, pd->index);
	otlp_window_record(s, oc, op, reaped_ns);
}

int runner_dispatch(struct runner *r, const struct plan *p, const struct plan_dispatch *pd,
                    struct sample *s, struct dispatch_observation *obs, struct diag_list *d)
{
	const struct matrix_arm *arm = &r->m->arms[pd->arm];
	bool captures = arm->capture == ARM_CAPTURE_EBPF;
	sample_init(s);
	copy_plan_fields(p, pd, s);
	obs->kernel_counted = false;
	if (r->work) {
		/* the previous dispatch was never settled: its leftovers go now */
		work_dir_remove(r->work);
		free(r->work);
		r->work = NULL;
	}

	char *work = path_join(r->out, pd->work_dir);
	/* an otlp arm's spans go to the receiver, not to a file */
	char *trace_out = arm->spans && !arm->otlp ? path_join(work, "spans.jsonl") : NULL;
	char *out_path = path_join(work, "stdout.txt"), *err_path = path_join(work, "stderr.txt");
	char *kernel_path = path_join(work, "kernel.ndjson");
	char **argv = NULL, **env = NULL;
	struct cgroup_leaf leaf = {NULL, 0, -1}, memory_leaf = {NULL, 0, -1};
	char *memory_leaf_reason = NULL;
	struct kernel_count *kc = NULL;
	FILE *kernel_log = NULL;
	struct spawn_result sr;
	spawn_result_init(&sr);
	struct otlp_dispatch_counts oc = {0};
	struct otlp_problems op = {0};
	int rc = -1;
	bool created = false;

	if (work_dir_create(work, pd->index, d) < 0)
		goto cleanup;
	created = true;
	if (resolve_command(r, pd, work, trace_out, &argv, &env, d) < 0)
		goto cleanup;
	for (size_t i = 0; argv[i]; i++)
		s->argc++;
	s->argv = xcalloc(s->argc + 1, sizeof(*s->argv));
	for (size_t i = 0; i < s->argc; i++)
		s->argv[i] = xstrdup(argv[i]);
	char leaf_name[32];
	snprintf(leaf_name, sizeof(leaf_name), "d%zu", pd->index);
	if (r->cg_parent) {
		/* the teardown of removed leaves finishes before this dispatch, not during it */
		if (cgroup_retired_full(&r->retired))
			cgroup_retired_flush(&r->retired, r->cg_parent, CGROUP_RETIRE_SETTLE_MS, d);
		if (cgroup_leaf_create(r->cg_parent, leaf_name, &leaf, d) < 0)
			goto cleanup;
		/* without its memory leaf the dispatch still runs: memory is null with the reason
		 */
		cgroup_resources_leaf_create(&r->res, leaf_name, &memory_leaf, &memory_leaf_reason);
	}
	if (captures) {
		if (r->o.keep_captures && !(kernel_log = fopen(kernel_path, "we")))
			diag_warning(d, "io.keep", &(struct diag_loc){kernel_path, 0, 0, NULL},
			             "cannot write the capture: %s", strerror(errno));
		kc = kernel_count_new(r->m->workload.kernel_match, kernel_log, d);
		if (!kc)
			goto cleanup;
	}
	if (!captures && capture_programs_attached(r->cap)) {
		/* kept for a capture dispatch the session then skipped: an arm without capture
		 * runs with nothing of tare attached */
		struct capture_counts cc = {0};
		capture_detach(r->cap, &cc);
		s->detach_ns = (int64_t)cc.detach_ns;
	}
	s->start_unix_ns = clock_realtime_ns();
	if (captures && capture_attach(r->cap, leaf.id, kernel_count_add, kc, d) < 0)
		goto cleanup;
	struct spawn_request req = {
	    .argv = argv,
	    .env = env,
	    .cwd = work,
	    .stdout_path = out_path,
	    .stderr_path = err_path,
	    .output_keep = r->m->output_keep_bytes,
	    .timeout_ms = s->timeout_ms,
	    .grace_ms = r->o.grace_ms,
	    .leaf = r->cg_parent ? &leaf : NULL,
	    .memory_leaf = r->cg_parent ? &memory_leaf : NULL,
	    .interrupted = r->o.interrupted,
	};
	if (arm->otlp)
		otlp_receiver_open(r->otlp, pd->index);
	int spawn_rc =
	    r->helper ? spawn_helper_run(r->helper, &req, &sr, d) : spawn_run(&req, &sr, d);
	struct capture_counts cc = {0};
	int drain_rc = 0;
	if (captures) {
		drain_rc = capture_drain(r->cap, DRAIN_MAX_WAIT_MS, &cc, d);
		capture_end(r->cap, drain_rc == 0 && next_captures(p, pd), &cc);
	}
	if (arm->otlp) /* always, so that no window stays open past its dispatch */
		otlp_receiver_take(r->otlp, OTLP_LINGER_MS, &oc, &op);
	if (spawn_rc < 0 || drain_rc < 0)
		goto cleanup;
	if (sr.interrupted) {
		rc = 1;
		goto cleanup;
	}
	record_spawn(s, &sr);
	record_resources(r, s, &sr, &leaf, &memory_leaf, memory_leaf_reason, captures);
	if (captures) {
		struct kernel_count_totals kt = {0};
		/* a failed count is the sample's count_failed, which fails its health: recorded
		 * with the dispatch and named in the verdict, not an error of the run */
		struct diag_list ignored;
		diag_list_init(&ignored);
		obs->kernel_counted = kernel_count_finish(kc, &kt, &ignored) == 0;
		diag_list_release(&ignored);
		record_capture(s, &cc, &kt);
		if (!obs->kernel_counted)
			s->count_failed = xstrdup(kernel_count_failure(kc));
	}
	if (arm->otlp)
		record_otlp(s, pd, &oc, &op, sr.reaped_ns, d);
	else if (arm->spans)
		record_spans(s, trace_out);
	s->self_report = read_self_report(out_path);
	rc = 0;
cleanup:
	/* emptied by spawn_run; removed with a batch (cgroup_retire.c) */
	cgroup_retired_add(&r->retired, &memory_leaf);
	cgroup_retired_add(&r->retired, &leaf);
	free(memory_leaf_reason);
	kernel_count_free(kc);
	if (kernel_log)
		fclose(kernel_log);
	if (rc == 0) {
		r->work =
		    work; /* runner_settle keeps what the judged sample needs, then removes it */
		work = NULL;
	} else if (created) {
		work_dir_remove(work);
	}
	otlp_problems_release(&op);
	spawn_result_release(&sr);
	argv_subst_free(argv);
	argv_subst_free(env);
	free(work);
	free(trace_out);
	free(out_path);
	free(err_path);
	free(kernel_path);
	if (rc != 0)
		sample_release(s);
	return rc;
}

void runner_settle(struct runner *r, const struct plan_dispatch *pd, bool keep_output,
                   struct diag_list *d)
{
	if (!r->work)
		return;
	char id[32];
	snprintf(id, sizeof(id), "%06zu", pd->index);
	if (keep_output || r->o.keep_captures) {
		char *logs = path_join(r->out, "logs");
		char name[48];
		snprintf(name, sizeof(name), "%s.stdout", id);
		keep_file(r->work, "stdout.txt", logs, name, d);
		snprintf(name, sizeof(name), "%s.stderr", id);
		keep_file(r->work, "stderr.txt", logs, name, d);
		free(logs);
	}
	if (r->o.keep_captures) {
		char *dir = path_join(r->out, "captures");
		char *cdir = path_join(dir, id);
		keep_file(r->work, "kernel.ndjson", cdir, "kernel.ndjson", d);
		keep_file(r->work, "spans.jsonl", cdir, "spans.jsonl", d);
		free(cdir);
		free(dir);
	}
	work_dir_remove(r->work);
	free(r->work);
	r->work = NULL;
}

static int dispatcher_dispatch(void *ctx, const struct plan *p, const struct plan_dispatch *pd,
                               struct sample *s, struct dispatch_observation *obs,
                               struct diag_list *d)
{
	return runner_dispatch(ctx, p, pd, s, obs, d);
}

static void dispatcher_settle(void *ctx, const struct plan_dispatch *pd, bool keep_output,
                              struct diag_list *d)
{
	runner_settle(ctx, pd, keep_output, d);
}

struct dispatcher runner_dispatcher(struct runner *r)
{
	return (struct dispatcher){dispatcher_dispatch, dispatcher_settle, r};
}
