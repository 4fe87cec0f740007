/* What a finished run writes: verdicts, reports, the index line, the golden check, the exit code.
 */
#include "cli/run_outputs.h"

#include "cli/verdict_golden.h"
#include "report/verdicts_json.h"
#include "report/chrome_trace.h"
#include "report/junit.h"
#include "report/run_dir.h"
#include "report/summary.h"
#include "util/atomic_file.h"
#include "util/strbuf.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *run_index_path(void)
{
	const char *dir = getenv("TARE_RUNS_DIR");
	char *p = NULL;
	if (asprintf(&p, "%s/index.jsonl", dir && *dir ? dir : "runs") < 0)
		abort();
	return p;
}

static void print_verdicts(const struct cli_ctx *ctx, const struct verdict_set *v)
{
	if (ctx->json)
		return;
	for (size_t i = 0; i < v->n_cells; i++)
		fprintf(stderr, "  %-20s %s\n", v->cells[i].cell->name, v->cells[i].sentence);
	fprintf(stderr, "boundary: %s\n", v->boundary);
}

static int write_json(const char *out, const char *file, struct json_object *o, struct diag_list *d)
{
	char *path = path_join(out, file);
	int rc = atomic_write_json(path, o, d);
	free(path);
	return rc;
}

static int write_text(const char *out, const char *file, const struct strbuf *sb,
                      struct diag_list *d)
{
	char *path = path_join(out, file);
	int rc = atomic_write(path, sb->buf, sb->len, d);
	free(path);
	return rc;
}

static int write_reports(const char *out, const struct matrix *m, const struct plan *p,
                         const struct sample *samples, size_t n_samples,
                         const struct verdict_set *v, struct json_object *provenance,
                         struct diag_list *d)
{
	int rc = 0;
	struct json_object *summary =
	    summary_build(m, p->cells, p->n_cells, samples, n_samples, v, provenance);
	rc |= write_json(out, "summary.json", summary, d);
	struct strbuf md;
	strbuf_init(&md);
	summary_markdown(summary, &md);
	rc |= write_text(out, "summary.md", &md, d);
	strbuf_release(&md);
	struct json_object *bmf = summary_bmf(summary);
	rc |= write_json(out, "bmf.json", bmf, d);
	json_object_put(bmf);
	json_object_put(summary);
	struct json_object *trace = chrome_trace_build(m, samples, n_samples);
	rc |= write_json(out, "trace.json", trace, d);
	json_object_put(trace);
	struct strbuf junit;
	strbuf_init(&junit);
	junit_build(m, v, &junit);
	rc |= write_text(out, "junit.xml", &junit, d);
	strbuf_release(&junit);
	return rc ? -1 : 0;
}

static void append_index(const char *out, const struct matrix *m, size_t n_samples,
                         struct json_object *verdicts, int exit_code, struct diag_list *d)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	char abs[PATH_MAX];
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.run-index.v1"));
	json_object_object_add(o, "finished_utc", json_object_new_string(stamp));
	json_object_object_add(o, "matrix", json_object_new_string(m->name));
	json_object_object_add(o, "matrix_sha256", json_object_new_string(m->sha256));
	json_object_object_add(o, "out_dir",
	                       json_object_new_string(realpath(out, abs) ? abs : out));
	json_object_object_add(o, "dispatches", json_object_new_int64((int64_t)n_samples));
	struct json_object *counts = NULL;
	json_object_object_get_ex(verdicts, "counts", &counts);
	json_object_object_add(o, "verdicts", json_object_get(counts));
	struct json_object *boundary = NULL;
	json_object_object_get_ex(verdicts, "boundary", &boundary);
	json_object_object_add(o, "boundary", json_object_get(boundary));
	json_object_object_add(o, "exit_code", json_object_new_int(exit_code));
	char *path = run_index_path();
	char *dir = strdup(path);
	*strrchr(dir, '/') = '\0';
	FILE *f = mkdir_p(dir, d) == 0 ? jsonl_open_append(path, d) : NULL;
	if (f) {
		jsonl_append(f, path, o, d);
		fclose(f);
	}
	free(dir);
	free(path);
	json_object_put(o);
}

int run_outputs_write(const struct cli_ctx *ctx, const char *out, const struct matrix *m,
                      const struct plan *p, const struct sample *samples, size_t n_samples,
                      struct json_object *provenance, const char *golden, struct diag_list *d)
{
	struct verdict_set v;
	if (verdicts_compute(m, p->cells, p->n_cells, samples, n_samples, &v) < 0)
		return TARE_EXIT_INTERNAL;
	struct json_object *vj = verdicts_to_json(m, &v);
	int rc = TARE_EXIT_OK;
	if (write_json(out, RUN_VERDICTS_FILE, vj, d) < 0 ||
	    write_reports(out, m, p, samples, n_samples, &v, provenance, d) < 0)
		rc = TARE_EXIT_ENV;
	print_verdicts(ctx, &v);
	if (rc == TARE_EXIT_OK) {
		if (golden) {
			rc = golden_check(ctx, golden, vj, d);
		} else {
			/* a cell passes when it is healthy, or when it says what it expects
			 * (expect:) and gets exactly that */
			bool pass = true;
			for (size_t i = 0; i < v.n_cells; i++)
				pass &= v.cells[i].expect_met >= 0
				            ? v.cells[i].expect_met == 1
				            : v.cells[i].verdict == VERDICT_HEALTHY;
			rc = pass ? TARE_EXIT_OK : TARE_EXIT_GATES;
		}
	}
	append_index(out, m, n_samples, vj, rc, d);
	json_object_put(vj);
	verdict_set_release(&v);
	return rc;
}
