/* Opening a run session: a fresh run directory, or a resumed one checked against its own
 * matrix copy. */
#include "run/session.h"

#include "report/run_dir.h"
#include "report/sample_json.h"
#include "run/run_dir_create.h"
#include "run/work_dir.h"
#include "util/atomic_file.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void session_init(struct run_session *s, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->lock_fd = -1;
	s->dir = xstrdup(dir);
	s->log_path = path_join(dir, RUN_SAMPLES_FILE);
}

static int copy_file(const char *from, const char *to, struct diag_list *d)
{
	FILE *f = fopen(from, "rb");
	if (!f)
		return diag_error(d, "io.read", &(struct diag_loc){from, 0, 0, NULL},
		                  "cannot read: %s", strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[65536];
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = xgrow(buf, &cap, len + n, 1);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	int err = ferror(f);
	fclose(f);
	int rc = err ? diag_error(d, "io.read", &(struct diag_loc){from, 0, 0, NULL}, "cannot read")
	             : atomic_write(to, buf ? buf : "", len, d);
	free(buf);
	return rc;
}

static int open_log(struct run_session *s, struct diag_list *d)
{
	s->log = jsonl_open_append(s->log_path, d);
	return s->log ? 0 : -1;
}

int run_session_start(struct run_session *s, const char *dir, const char *matrix_path,
                      struct matrix *m, struct plan *p, struct diag_list *d)
{
	session_init(s, dir);
	s->matrix = m;
	s->plan = p;
	s->lock_fd = run_dir_create(dir, d);
	if (s->lock_fd < 0)
		goto fail;
	char *mcopy = path_join(dir, RUN_MATRIX_FILE), *plan = path_join(dir, RUN_PLAN_FILE);
	struct json_object *pj = plan_to_json(p);
	int rc = copy_file(matrix_path, mcopy, d) < 0 || atomic_write_json(plan, pj, d) < 0
	             ? -1
	             : open_log(s, d);
	json_object_put(pj);
	free(mcopy);
	free(plan);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	run_session_release(s);
	return -1;
}

int run_session_adopt(struct run_session *s, const char *dir, const char *matrix_path,
                      struct matrix *m, struct plan *p, struct sample *samples, size_t n,
                      const struct run_outputs_merge *merge, struct diag_list *d)
{
	if (run_session_start(s, dir, matrix_path, m, p, d) < 0) {
		for (size_t i = 0; i < n; i++)
			sample_release(&samples[i]);
		free(samples);
		return -1;
	}
	s->samples = samples;
	s->n_samples = s->cap_samples = n;
	s->next = p->n_dispatches;
	s->merge = merge;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = sample_to_json(&samples[i]);
		int rc = jsonl_append(s->log, s->log_path, o, d);
		json_object_put(o);
		if (rc < 0) {
			run_session_release(s);
			return -1;
		}
	}
	return 0;
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

/* Re-expands exactly the cells the run's plan had, and insists it is the same plan. */
static int replan(struct run_session *s, const struct run_data *run, struct diag_list *d)
{
	const char **names = xcalloc(run->n_cells + 1, sizeof(*names));
	for (size_t i = 0; i < run->n_cells; i++)
		names[i] = s->matrix->cells[run->cells[i]].name;
	struct plan_select sel = {names, run->n_cells, -1, 0, 0};
	s->plan = plan_expand(s->matrix, &sel, d);
	free(names);
	struct json_object *pj = s->plan ? plan_to_json(s->plan) : NULL;
	bool same = pj && same_plan(pj, run->plan);
	json_object_put(pj);
	if (!same)
		return diag_error(d, "run.resume", NULL,
		                  "the plan in '%s' does not match its matrix copy; it cannot be "
		                  "resumed",
		                  s->dir);
	return 0;
}

/* The plan index of the first work directory at or after s->next, or SIZE_MAX when there is none.
 * Only names that are a dispatch's own work_dir count. */
static size_t first_work_dir(const struct run_session *s)
{
	char *work = path_join(s->dir, "work");
	DIR *dir = opendir(work);
	free(work);
	if (!dir)
		return SIZE_MAX;
	size_t first = SIZE_MAX;
	struct dirent *e;
	while ((e = readdir(dir))) {
		char *end = NULL;
		unsigned long long idx = strtoull(e->d_name, &end, 10);
		if (e->d_name[0] < '0' || e->d_name[0] > '9' || *end || idx < s->next ||
		    idx >= s->plan->n_dispatches || idx >= first)
			continue;
		char *rel = xasprintf("work/%s", e->d_name);
		if (strcmp(rel, s->plan->dispatches[idx].work_dir) == 0)
			first = (size_t)idx;
		free(rel);
	}
	closedir(dir);
	return first;
}

/* A run killed in the middle of a dispatch (SIGKILL, a crash) leaves that dispatch's work
 * directory with whatever its workload wrote (the workload itself is killed by the stale-cgroup
 * sweep before a resume starts). That dispatch is the first one the resumed run executes, and
 * it must start in an empty directory: its work directory is removed, but only when it is the
 * first one at or after the next dispatch and carries the marker tare wrote for that very
 * dispatch. Anything else is left alone, and the runner stops on it ("run.work-exists"). */
static void empty_half_done(const struct run_session *s)
{
	size_t idx = first_work_dir(s);
	if (idx == SIZE_MAX)
		return;
	char *path = path_join(s->dir, s->plan->dispatches[idx].work_dir);
	if (work_dir_is_tares(path, idx))
		work_dir_remove(path);
	free(path);
}

int run_session_resume(struct run_session *s, const char *dir, struct diag_list *d)
{
	session_init(s, dir);
	struct run_data run = {0};
	s->lock_fd = run_dir_lock(dir, d);
	if (s->lock_fd < 0 || run_dir_load(dir, &run, d) < 0)
		goto fail;
	s->matrix = run.matrix;
	run.matrix = NULL;
	if (replan(s, &run, d) < 0)
		goto fail;
	s->samples = run.samples;
	s->n_samples = s->cap_samples = run.n_samples;
	run.samples = NULL;
	run.n_samples = 0;
	s->next = s->n_samples ? s->samples[s->n_samples - 1].index + 1 : 0;
	/* the line an interruption cut short goes, and its dispatch runs again */
	if (truncate(s->log_path, (off_t)run.complete_bytes) < 0) {
		diag_error(d, "io.write", NULL, "cannot truncate '%s': %s", s->log_path,
		           strerror(errno));
		goto fail;
	}
	empty_half_done(s);
	if (open_log(s, d) < 0)
		goto fail;
	run_data_release(&run);
	return 0;
fail:
	run_data_release(&run);
	run_session_release(s);
	return -1;
}

bool run_session_resume_captures(const char *dir)
{
	struct diag_list ignored;
	diag_list_init(&ignored);
	char *path = path_join(dir, RUN_MATRIX_FILE);
	struct matrix *m = matrix_load(path, &ignored);
	bool captures = !m;
	for (size_t i = 0; m && i < m->n_arms; i++)
		captures = captures || m->arms[i].capture == ARM_CAPTURE_EBPF;
	matrix_free(m);
	free(path);
	diag_list_release(&ignored);
	return captures;
}
