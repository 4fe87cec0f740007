/* `tare run`: arguments, privileges and exit codes around the run session (run/session.h). */
#include "cli/cli.h"

#include "cli/progress.h"
#include "cli/run_end.h"
#include "cli/selection.h"
#include "cli/verdict_golden.h"
#include "matrix/matrix.h"
#include "plan/plan.h"
#include "run/interrupt.h"
#include "run/privileges.h"
#include "run/provenance.h"
#include "run/run_dir_create.h"
#include "run/run_index.h"
#include "run/runner.h"
#include "run/session.h"
#include "run/stale_leaves.h"
#include "util/units.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct run_args {
	const char *matrix, *out, *golden, *resume;
	struct selection sel;
	uint64_t ringbuf_bytes;
	bool keep_captures, quiet;
};

/* Returns 0, or an exit code after printing a usage error. */
static int parse_args(int argc, char **argv, const struct cli_ctx *ctx, struct run_args *a)
{
	static const struct option opts[] = {
	    SELECTION_LONG_OPTIONS,
	    {"out", required_argument, NULL, 'o'},
	    {"golden", required_argument, NULL, 'g'},
	    {"resume", required_argument, NULL, 'r'},
	    {"keep-captures", no_argument, NULL, 'k'},
	    {"ringbuf-size", required_argument, NULL, 'b'},
	    {"quiet", no_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	int c, rc = 0;
	opterr = 0;
	optind = 0; /* 0 re-initialises GNU getopt fully; options may follow MATRIX */
	while ((c = getopt_long(argc, argv, ":" SELECTION_SHORT_OPTIONS "o:g:r:kb:q", opts,
	                        NULL)) != -1) {
		int taken = selection_option(&a->sel, c, optarg, ctx, "run", &rc);
		if (taken < 0)
			return rc;
		if (taken)
			continue;
		switch (c) {
		case 'o':
		case 'r':
			if (!*optarg)
				return cli_usage_error(ctx, "run", "%s needs a directory, not ''",
				                       c == 'o' ? "--out" : "--resume");
			*(c == 'o' ? &a->out : &a->resume) = optarg;
			break;
		case 'g':
			a->golden = optarg;
			break;
		case 'k':
			a->keep_captures = true;
			break;
		case 'b':
			if (parse_size_bytes(optarg, &a->ringbuf_bytes) < 0 ||
			    a->ringbuf_bytes < 4096 || (a->ringbuf_bytes & (a->ringbuf_bytes - 1)))
				return cli_usage_error(ctx, "run",
				                       "--ringbuf-size takes a power of two of at "
				                       "least 4KiB, such as 16MiB");
			break;
		case 'q':
			a->quiet = true;
			break;
		case ':':
			return cli_usage_error(ctx, "run", "option '%s' needs a value",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(ctx, "run", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (a->resume) {
		if (optind != argc || a->out || a->sel.n_globs || a->sel.tier >= 0 ||
		    a->sel.shard_index)
			return cli_usage_error(ctx, "run",
			                       "--resume DIR takes no matrix and no selection: the "
			                       "run directory has them");
		return 0;
	}
	if (optind != argc - 1)
		return cli_usage_error(ctx, "run", "expected exactly one MATRIX");
	a->matrix = argv[optind];
	return 0;
}

/* The exit code of a session step that failed: the directory rule and the lock are the
 * caller's to fix (2), a run directory that does not hold together is invalid input (3),
 * anything else is the machine (otherwise). */
static int session_failure_code(const struct diag_list *d, int otherwise)
{
	for (size_t i = 0; i < d->len; i++) {
		const char *code = d->items[i].code ? d->items[i].code : "";
		if (strncmp(code, "run.out-", 8) == 0 || strcmp(code, "run.locked") == 0 ||
		    strcmp(code, "run.not-a-run") == 0)
			return cli_exit_for(d, TARE_EXIT_USAGE);
		if (strcmp(code, "run.resume") == 0 || strncmp(code, "samples.", 8) == 0 ||
		    strncmp(code, "run.plan", 8) == 0)
			return cli_exit_for(d, TARE_EXIT_INVALID);
	}
	return cli_exit_for(d, otherwise);
}

static void say_removed(const char *what, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "tare: killed and removed the %s\n", what);
}

/* Kills and removes the run parents of tares that are gone (killed mid-dispatch, their workload
 * may still run and write into its work directory), before a resume touches its directory.
 * Returns 0, or exit 4 when one cannot be removed: what survives SIGKILL would disturb every
 * timing. */
static int sweep_stale_parents(struct diag_list *d)
{
	return stale_parents_sweep(say_removed, NULL, d) < 0 ? cli_exit_for(d, TARE_EXIT_ENV) : 0;
}

/* Everything up to the first write: the matrix and its plan, the directory rule, privileges,
 * then the sweep of what dead tares left running (only a run that needs privileges makes and
 * removes cgroups). A fresh run then creates its directory; a resumed one locks and reads its
 * own. */
static int open_session(const struct cli_ctx *ctx, const struct run_args *a, struct run_session *s,
                        struct diag_list *d)
{
	if (a->resume) {
		if (run_dir_check_resume(a->resume, d) < 0)
			return session_failure_code(d, TARE_EXIT_ENV);
		bool captures = run_session_resume_captures(a->resume);
		int rc = cli_require_privileges(ctx, &cmd_run, captures);
		/* the sweep kills and removes cgroups: a run that needs no privileges makes none */
		if (rc == 0 && captures)
			rc = sweep_stale_parents(d);
		if (rc)
			return rc;
		return run_session_resume(s, a->resume, d) < 0
		           ? session_failure_code(d, TARE_EXIT_ENV)
		           : 0;
	}
	char *path = matrix_find(a->matrix);
	if (!path)
		return cli_fail(ctx, TARE_EXIT_INVALID, "io.not-found",
		                "no matrix '%s' (looked for the path, matrices/%s.yaml and "
		                "$TARE_MATRIX_PATH)",
		                a->matrix, a->matrix);
	struct matrix *m = matrix_load(path, d);
	struct plan_select sel = selection_plan_select(&a->sel);
	struct plan *p = m ? plan_expand(m, &sel, d) : NULL;
	char *out = !p ? NULL : a->out ? xstrdup(a->out) : run_dir_default(m->name);
	int rc = !m   ? cli_exit_for(d, TARE_EXIT_INVALID)
	         : !p ? selection_failure_code(d)
	         : run_dir_check_fresh(out, d) < 0
	             ? session_failure_code(d, TARE_EXIT_ENV)
	             : cli_require_privileges(ctx, &cmd_run, plan_has_capture(p));
	if (rc == 0 && plan_has_capture(p))
		rc = sweep_stale_parents(d);
	if (rc == 0 && run_session_start(s, out, path, m, p, d) < 0)
		rc = session_failure_code(d, TARE_EXIT_ENV);
	else if (rc != 0) {
		plan_free(p);
		matrix_free(m);
	}
	free(out);
	free(path);
	return rc;
}

/* Runs the session's remaining dispatches through the BPF runner. Returns 0 or an exit code. */
static int dispatch_all(const struct cli_ctx *ctx, const struct run_args *a, struct run_session *s,
                        struct diag_list *d)
{
	volatile sig_atomic_t *interrupted = run_interrupt_install();
	struct runner_opts ro = {
	    .out_dir = s->dir,
	    .keep_captures = a->keep_captures,
	    .ringbuf_bytes = a->ringbuf_bytes,
	    .grace_ms = 2000,
	    .interrupted = interrupted,
	    /* without privileges only a plan without capture gets here (cli_require_privileges),
	     * and it runs without cgroup leaves: creating them needs write access to the
	     * hierarchy */
	    .no_cgroups = !privileges_sufficient(),
	    .spawn_helper = ctx->spawn_helper,
	};
	struct runner *r = runner_new(s->plan, &ro, d);
	if (!r)
		return cli_exit_for(d, TARE_EXIT_ENV);
	if (!ctx->json && !a->quiet)
		fprintf(stderr, "tare: running %s (%zu dispatches) into %s\n", s->matrix->name,
		        s->plan->n_dispatches, s->dir);
	struct progress prog;
	progress_init(&prog, stderr, s->plan->n_dispatches, s->next, a->quiet || ctx->json);
	prog.session = s;
	struct session_observer obs = progress_observer(&prog);
	struct dispatcher disp = runner_dispatcher(r);
	int rc = run_session_dispatch(s, &disp, &obs, interrupted, d);
	progress_finish(&prog);
	runner_free(r);
	if (rc < 0)
		return cli_exit_for(d, TARE_EXIT_ENV);
	if (rc == 1) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "run_dir", json_object_new_string(s->dir));
		json_object_object_add(o, "interrupted", json_object_new_boolean(true));
		json_object_object_add(o, "recorded", json_object_new_uint64(s->n_samples));
		cli_json_result(ctx, "tare.run-interrupted.v1", o);
		if (!ctx->json)
			fprintf(stderr,
			        "tare: interrupted; %zu dispatches recorded in %s; continue with "
			        "'tare run --resume %s'\n",
			        s->n_samples, s->dir, s->dir);
		return TARE_EXIT_INTERRUPTED;
	}
	return 0;
}

static int finish(const struct cli_ctx *ctx, const struct run_args *a, struct run_session *s,
                  struct json_object *prov, struct diag_list *d)
{
	struct verdict_set v;
	struct json_object *vj = NULL;
	if (run_session_finish(s, prov, &v, &vj, d) < 0)
		return cli_exit_for(d, TARE_EXIT_ENV);
	if (!ctx->json)
		run_end_print(&v, s->dir, a->quiet, false);
	struct json_object *golden = NULL;
	int rc = verdicts_exit(ctx, a->golden, &v, vj, &golden, d);
	cli_json_result(ctx, "tare.run.v1", run_end_json(&v, s->dir, golden));
	run_index_append(s->dir, s->matrix, s->n_samples, vj, rc, d);
	json_object_put(vj);
	verdict_set_release(&v);
	return rc;
}

static int run_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	struct run_args a = {0};
	selection_init(&a.sel);
	struct diag_list d;
	diag_list_init(&d);
	struct run_session s = {.lock_fd = -1};
	int rc = parse_args(argc, argv, ctx, &a);
	if (rc == 0)
		rc = open_session(ctx, &a, &s, &d);
	if (rc == 0) {
		struct machine_cpu_reading cpu_start;
		struct json_object *prov = provenance_collect(s.matrix, &cpu_start);
		rc = dispatch_all(ctx, &a, &s, &d);
		provenance_finish(prov, &cpu_start);
		if (rc == 0)
			rc = finish(ctx, &a, &s, prov, &d);
		json_object_put(prov);
	}
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	run_session_release(&s);
	selection_release(&a.sel);
	return rc;
}

const struct command cmd_run = {
    .name = "run",
    .run = run_main,
    .summary = "run a matrix for real: capture, calibrate, gate, record, report",
    .usage = "tare run MATRIX [--cell GLOB]... [--tier N] [--shard I/N] [--out DIR]\n"
             "                [--golden FILE] [--keep-captures] [--ringbuf-size SIZE] [--quiet]\n"
             "       tare run --resume DIR [--golden FILE] [--keep-captures]",
    .help = "Runs every dispatch of the plan that 'tare expand' prints with the same selection,\n"
            "in order, and shows its progress on stderr: on a terminal one line redrawn in\n"
            "place with the time left, and as each cell ends its verdict (coloured unless\n"
            "NO_COLOR is set), its arms' medians and each paired delta with its interval.\n"
            "It ends with the boundary and where report.html is. Each dispatch runs in a\n"
            "fresh cgroup v2 leaf; arms with capture: ebpf run with the capture attached to\n"
            "that cgroup only. samples.jsonl gets one line per dispatch as it ends.\n\n"
            "--cell, --tier, --shard  the selection, exactly as 'tare expand' takes it\n"
            "--out DIR           the run directory (default runs/<matrix>-<UTC time>); it must\n"
            "                    not exist or be empty: tare never writes over what it did not\n"
            "                    write\n"
            "--golden FILE       compare the verdicts with FILE at the end (exit 1 on difference)\n"
            "--keep-captures     keep each dispatch's kernel.ndjson and spans.jsonl in captures/\n"
            "--ringbuf-size SIZE the BPF ring buffer size (default: the matrix's, else 16MiB)\n"
            "--resume DIR        continue an interrupted run after its last complete dispatch\n"
            "--quiet             only errors and the final line on stderr\n\n"
            "One run per directory: a run holds a lock (run.lock) in it until it ends.\n"
            "Needs root (or CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN) and cgroup v2 when an arm\n"
            "captures; a plan without capture runs as any user, without cgroup leaves (memory\n"
            "and CPU then come from tare's spawn helper, a small process started first).\n"
            "exit: 0 every cell healthy (or verdicts equal the golden file), 1 gates failed or\n"
            "golden differs, 2 usage (also a directory that is not new, empty or resumable, or\n"
            "in use), 3 invalid matrix, 4 environment, 5 internal error, 130 interrupted\n",
    .needs_root = true,
};
