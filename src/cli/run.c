/* `tare run`: execute a matrix's plan for real, record every dispatch, judge, report. */
#include "cli/cli.h"

#include "cli/progress.h"
#include "cli/run_outputs.h"
#include "cli/verdict_golden.h"
#include "gate/verdict.h"
#include "plan/plan.h"
#include "report/run_dir.h"
#include "report/sample_json.h"
#include "run/privileges.h"
#include "run/provenance.h"
#include "run/runner.h"
#include "matrix/matrix.h"
#include "util/atomic_file.h"
#include "util/units.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Set by SIGINT/SIGTERM; the runner ends the dispatch in flight and the loop stops. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: blocking calls return EINTR and notice */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

struct run_args {
	const char *matrix;
	const char *out;
	const char *golden;
	const char *resume;
	const char *globs[64];
	size_t n_globs;
	int tier;
	uint64_t ringbuf_bytes;
	bool keep_captures;
	bool quiet;
};

static int parse_args(int argc, char **argv, const struct cli_ctx *ctx, struct run_args *a)
{
	static const struct option opts[] = {
	    {"cell", required_argument, NULL, 'c'},
	    {"tier", required_argument, NULL, 't'},
	    {"out", required_argument, NULL, 'o'},
	    {"golden", required_argument, NULL, 'g'},
	    {"resume", required_argument, NULL, 'r'},
	    {"keep-captures", no_argument, NULL, 'k'},
	    {"ringbuf-size", required_argument, NULL, 'b'},
	    {"quiet", no_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	memset(a, 0, sizeof(*a));
	a->tier = -1;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:t:o:g:r:kb:q", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'c':
			if (a->n_globs == sizeof(a->globs) / sizeof(a->globs[0]))
				return cli_usage_error(ctx, "run", "too many --cell options");
			a->globs[a->n_globs++] = optarg;
			break;
		case 't':
			a->tier = (int)strtol(optarg, &end, 10);
			if (*end || a->tier < 0 || a->tier > 2)
				return cli_usage_error(ctx, "run", "--tier takes 0, 1 or 2");
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'g':
			a->golden = optarg;
			break;
		case 'r':
			a->resume = optarg;
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
		default:
			return cli_usage_error(ctx, "run", "unknown option or missing value '%s'",
			                       argv[optind - 1]);
		}
	}
	if (a->resume) {
		if (optind != argc || a->out || a->n_globs || a->tier >= 0)
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

/* runs/<matrix>-<UTC timestamp>, with a suffix if two runs start in the same second. */
static char *default_out_dir(const char *matrix_name)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int k = 1;; k++) {
		char *p = NULL;
		if ((k == 1 ? asprintf(&p, "runs/%s-%s", matrix_name, stamp)
		            : asprintf(&p, "runs/%s-%s-%d", matrix_name, stamp, k)) < 0)
			abort();
		struct stat st;
		if (stat(p, &st) < 0)
			return p;
		free(p);
	}
}

/* Whether dir already holds a run (its plan.json): a fresh run must not write over it. */
static bool holds_run(const char *dir)
{
	char *plan = path_join(dir, RUN_PLAN_FILE);
	struct stat st;
	bool found = stat(plan, &st) == 0;
	free(plan);
	return found;
}

static int copy_file(const char *from, const char *to, struct diag_list *d)
{
	FILE *f = fopen(from, "rb");
	if (!f)
		return diag_error(d, "io.read", &(struct diag_loc){from, 0, 0, NULL},
		                  "cannot read");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	char chunk[65536];
	size_t n;
	while (mem && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(f);
	if (mem)
		fclose(mem);
	int rc = buf ? atomic_write(to, buf, len, d) : -1;
	free(buf);
	return rc;
}

/* Everything one run holds while it executes. */
struct run_state {
	struct matrix *matrix;
	char *matrix_path; /* the file a fresh run copies into its directory */
	struct plan *plan;
	char *out;
	struct sample *samples; /* every recorded sample, resumed ones first */
	size_t n_samples, cap_samples;
	size_t next; /* index of the next dispatch to run */
	FILE *log;   /* samples.jsonl */
	char *log_path;
};

static void state_release(struct run_state *st)
{
	for (size_t i = 0; i < st->n_samples; i++)
		sample_release(&st->samples[i]);
	free(st->samples);
	if (st->log)
		fclose(st->log);
	free(st->log_path);
	plan_free(st->plan);
	matrix_free(st->matrix);
	free(st->matrix_path);
	free(st->out);
}

static struct sample *new_sample_slot(struct run_state *st)
{
	if (st->n_samples == st->cap_samples) {
		st->cap_samples = st->cap_samples ? st->cap_samples * 2 : 64;
		struct sample *s = realloc(st->samples, st->cap_samples * sizeof(*s));
		if (!s)
			abort();
		st->samples = s;
	}
	return &st->samples[st->n_samples];
}

/* A fresh run: find and load the matrix, expand, create the run directory with a copy of the
 * matrix and the plan. Returns an exit code (0 to go on). */
static int start_fresh(const struct cli_ctx *ctx, const struct run_args *a, struct run_state *st,
                       struct diag_list *d)
{
	char *path = matrix_find(a->matrix);
	if (!path)
		return cli_fail(ctx, TARE_EXIT_INVALID, "io.not-found",
		                "no matrix '%s' (looked for the path, matrices/%s.yaml and "
		                "$TARE_MATRIX_PATH)",
		                a->matrix, a->matrix);
	st->matrix = matrix_load(path, d);
	if (!st->matrix) {
		free(path);
		return TARE_EXIT_INVALID;
	}
	struct plan_select sel = {a->globs, a->n_globs, a->tier, 0, 0};
	st->plan = plan_expand(st->matrix, &sel, d);
	if (!st->plan) {
		free(path);
		return TARE_EXIT_USAGE;
	}
	st->out = a->out ? strdup(a->out) : default_out_dir(st->matrix->name);
	if (holds_run(st->out)) {
		free(path);
		return cli_fail(ctx, TARE_EXIT_USAGE, "run.out-exists",
		                "'%s' already holds a run; choose another --out, or continue it "
		                "with 'tare run --resume %s'",
		                st->out, st->out);
	}
	st->matrix_path = path;
	return 0;
}

/* Creates the run directory with a copy of the matrix and the plan (after the privilege check,
 * so that a run that cannot start leaves nothing behind). */
static int create_run_dir(struct run_state *st, struct diag_list *d)
{
	const char *path = st->matrix_path;
	char *mcopy = path_join(st->out, RUN_MATRIX_FILE),
	     *plan = path_join(st->out, RUN_PLAN_FILE);
	struct json_object *pj = plan_to_json(st->plan);
	int rc = mkdir_p(st->out, d) < 0 || copy_file(path, mcopy, d) < 0 ||
	                 atomic_write_json(plan, pj, d) < 0
	             ? TARE_EXIT_ENV
	             : 0;
	json_object_put(pj);
	free(mcopy);
	free(plan);
	return rc;
}

/* Whether a re-expanded plan is the one a run started with: the same matrix bytes and the same
 * dispatches (the matrix path differs: a resumed run reads its own copy). */
static bool same_plan(struct json_object *a, struct json_object *b)
{
	struct json_object *ma, *mb, *sa, *sb, *da, *db;
	return json_object_object_get_ex(a, "matrix", &ma) &&
	       json_object_object_get_ex(b, "matrix", &mb) &&
	       json_object_object_get_ex(ma, "sha256", &sa) &&
	       json_object_object_get_ex(mb, "sha256", &sb) && json_object_equal(sa, sb) &&
	       json_object_object_get_ex(a, "dispatches", &da) &&
	       json_object_object_get_ex(b, "dispatches", &db) && json_object_equal(da, db);
}

/* A resumed run: the run directory's own matrix copy and plan, and the samples recorded so far
 * (a last line cut short by the interruption is cut off the file). */
static int start_resume(const struct cli_ctx *ctx, const struct run_args *a, struct run_state *st,
                        struct diag_list *d)
{
	struct run_data run;
	if (run_dir_load(a->resume, &run, d) < 0)
		return TARE_EXIT_INVALID;
	st->out = strdup(a->resume);
	st->matrix = run.matrix;
	run.matrix = NULL;
	/* re-expand exactly the cells the plan had, and insist it is the same plan */
	const char **names = calloc(run.n_cells + 1, sizeof(*names));
	if (!names)
		abort();
	for (size_t i = 0; i < run.n_cells; i++)
		names[i] = st->matrix->cells[run.cells[i]].name;
	struct plan_select sel = {names, run.n_cells, -1, 0, 0};
	st->plan = plan_expand(st->matrix, &sel, d);
	free(names);
	int rc = 0;
	struct json_object *pj = st->plan ? plan_to_json(st->plan) : NULL;
	if (!pj || !same_plan(pj, run.plan)) {
		rc = cli_fail(
		    ctx, TARE_EXIT_INVALID, "run.resume",
		    "the plan in '%s' does not match its matrix copy; it cannot be resumed",
		    a->resume);
	}
	json_object_put(pj);
	if (rc == 0) {
		st->samples = run.samples;
		st->n_samples = st->cap_samples = run.n_samples;
		run.samples = NULL;
		run.n_samples = 0;
		st->next = st->n_samples ? st->samples[st->n_samples - 1].index + 1 : 0;
		char *log = path_join(st->out, RUN_SAMPLES_FILE);
		if (truncate(log, (off_t)run.complete_bytes) < 0)
			rc = cli_fail(ctx, TARE_EXIT_ENV, "io.write", "cannot truncate '%s': %s",
			              log, strerror(errno));
		free(log);
	}
	run_data_release(&run);
	return rc;
}

/* Whether a cell's calibration keeps its timed dispatches from running. Asked once per cell, at
 * its first timed dispatch: the plan runs a cell's calibration first, so by then the cell's
 * samples are the last ones recorded (in a resumed run too). */
static bool cell_blocked(const struct run_state *st, const char *cell)
{
	size_t first = st->n_samples;
	while (first > 0 && strcmp(st->samples[first - 1].cell, cell) == 0)
		first--;
	const struct sample **calib = calloc(st->n_samples - first + 1, sizeof(*calib));
	if (!calib)
		abort();
	size_t n = 0;
	for (size_t i = first; i < st->n_samples; i++)
		if (st->samples[i].phase == PHASE_CALIBRATE)
			calib[n++] = &st->samples[i];
	bool blocked = calibration_blocks_timing(&st->matrix->gates, calib, n);
	free(calib);
	return blocked;
}

/* Runs the remaining dispatches. Returns 0, 130 when interrupted, or an exit code on failure. */
static int run_dispatches(const struct cli_ctx *ctx, const struct run_args *a, struct run_state *st,
                          struct runner *r, struct diag_list *d)
{
	const struct plan *p = st->plan;
	struct progress prog;
	progress_init(&prog, stderr, p->n_dispatches, st->next, a->quiet || ctx->json);
	size_t judged = SIZE_MAX; /* the cell whose calibration was last judged */
	bool blocked = false;
	for (size_t i = st->next; i < p->n_dispatches; i++) {
		const struct plan_dispatch *pd = &p->dispatches[i];
		const struct matrix_cell *cell = &st->matrix->cells[pd->cell];
		if (pd->phase != PHASE_CALIBRATE && pd->cell != judged) {
			judged = pd->cell;
			blocked = cell_blocked(st, cell->name);
			if (blocked)
				progress_note(&prog,
				              "cell %s: calibration not clean; its timed "
				              "dispatches are skipped (on_fail: skip-cell)",
				              cell->name);
		}
		if (pd->phase != PHASE_CALIBRATE && blocked) {
			prog.done++;
			continue;
		}
		if (interrupted)
			break;
		progress_dispatch(&prog, cell->name, plan_phase_name(pd->phase), pd->round,
		                  st->matrix->arms[pd->arm].name);
		struct sample *s = new_sample_slot(st);
		int rc = runner_dispatch(r, p, pd, s, d);
		if (rc == 1)
			break;
		if (rc < 0) {
			progress_finish(&prog);
			return TARE_EXIT_ENV;
		}
		struct json_object *o = sample_to_json(s);
		int wrc = jsonl_append(st->log, st->log_path, o, d);
		json_object_put(o);
		st->n_samples++;
		if (wrc < 0) {
			progress_finish(&prog);
			return TARE_EXIT_ENV;
		}
	}
	progress_finish(&prog);
	if (interrupted) {
		if (!ctx->json)
			fprintf(stderr,
			        "tare: interrupted; %zu dispatches recorded in %s; continue with "
			        "'tare run --resume %s'\n",
			        st->n_samples, st->out, st->out);
		return TARE_EXIT_INTERRUPTED;
	}
	return 0;
}

static int run_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	struct run_args a;
	int rc = parse_args(argc, argv, ctx, &a);
	if (rc)
		return rc;
	struct diag_list d;
	diag_list_init(&d);
	struct run_state st = {0};
	struct runner *r = NULL;
	rc = a.resume ? start_resume(ctx, &a, &st, &d) : start_fresh(ctx, &a, &st, &d);
	if (rc)
		goto done;
	if (!privileges_sufficient()) {
		rc =
		    cli_fail(ctx, TARE_EXIT_ENV, "env.privileges",
		             "tare run needs root, or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, to "
		             "load the capture and create cgroups; run it with sudo ('tare doctor' "
		             "checks the machine)");
		goto done;
	}
	if (!a.resume && (rc = create_run_dir(&st, &d)) != 0)
		goto done;
	st.log_path = path_join(st.out, RUN_SAMPLES_FILE);
	st.log = jsonl_open_append(st.log_path, &d);
	if (!st.log) {
		rc = TARE_EXIT_ENV;
		goto done;
	}
	struct runner_opts ro = {
	    .out_dir = st.out,
	    .keep_captures = a.keep_captures,
	    .ringbuf_bytes = a.ringbuf_bytes,
	    .grace_ms = 2000,
	    .interrupted = &interrupted,
	};
	r = runner_new(st.plan, &ro, &d);
	if (!r) {
		rc = TARE_EXIT_ENV;
		goto done;
	}
	install_signals();
	if (!ctx->json)
		fprintf(stderr, "tare: running %s (%zu dispatches) into %s\n", st.matrix->name,
		        st.plan->n_dispatches, st.out);
	struct json_object *prov = provenance_collect(st.matrix);
	rc = run_dispatches(ctx, &a, &st, r, &d);
	runner_free(r);
	r = NULL;
	provenance_finish(prov);
	if (!rc)
		rc = run_outputs_write(ctx, st.out, st.matrix, st.plan, st.samples, st.n_samples,
		                       prov, a.golden, &d);
	json_object_put(prov);
done:
	runner_free(r);
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	state_release(&st);
	return rc;
}

const struct command cmd_run = {
    .name = "run",
    .run = run_main,
    .summary = "run a matrix for real: capture, calibrate, gate, record, report",
    .usage = "tare run MATRIX [--cell GLOB]... [--tier N] [--out DIR] [--golden FILE]\n"
             "                [--keep-captures] [--ringbuf-size SIZE] [--quiet]\n"
             "       tare run --resume DIR [--golden FILE] [--keep-captures]",
    .help = "Runs every dispatch of the plan that 'tare expand' prints, in order. Each dispatch\n"
            "runs in a fresh cgroup v2 leaf; arms with capture: ebpf run with the capture\n"
            "attached to that cgroup only. samples.jsonl gets one line per dispatch as it ends.\n\n"
            "--out DIR           the run directory (default runs/<matrix>-<UTC time>)\n"
            "--golden FILE       compare the verdicts with FILE at the end (exit 1 on difference)\n"
            "--keep-captures     keep each dispatch's kernel.ndjson and spans.jsonl in captures/\n"
            "--ringbuf-size SIZE the BPF ring buffer size (default: the matrix's, else 16MiB)\n"
            "--resume DIR        continue an interrupted run after its last complete dispatch\n"
            "--quiet             no progress on stderr\n\n"
            "Needs root (or CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN) and cgroup v2.\n"
            "exit: 0 every cell healthy (or verdicts equal the golden file), 1 gates failed or\n"
            "golden differs, 2 usage, 3 invalid matrix, 4 environment, 130 interrupted\n",
    .needs_root = true,
};
