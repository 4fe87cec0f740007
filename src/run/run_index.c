/* The run index: where it lives and the line a finished run appends to it. */
#include "run/run_index.h"

#include "util/atomic_file.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *run_index_path(void)
{
	const char *dir = getenv("TARE_RUNS_DIR");
	return xasprintf("%s/index.jsonl", dir && *dir ? dir : "runs");
}

int run_index_append(const char *out, const struct matrix *m, size_t n_samples,
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
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	int rc = -1;
	FILE *f = mkdir_p(dir, d) == 0 ? jsonl_open_append(path, d) : NULL;
	if (f) {
		rc = jsonl_append(f, path, o, d);
		fclose(f);
	}
	free(dir);
	free(path);
	json_object_put(o);
	return rc;
}
