/* What a finished run writes: verdicts.json and the reports built from its samples and verdicts. */
#include "run/outputs.h"

#include "report/chrome_trace.h"
#include "report/html.h"
#include "report/junit.h"
#include "report/run_dir.h"
#include "report/summary.h"
#include "util/atomic_file.h"
#include "util/strbuf.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How much of each kept log junit.xml shows: the end, where a failure says why. */
#define LOG_TAIL_BYTES 2048

/* Appends the last LOG_TAIL_BYTES of path (from a line start when one is near) under a
 * heading; nothing when the file is missing or empty. */
static void add_tail(struct strbuf *sb, const char *path, const char *heading)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	char buf[LOG_TAIL_BYTES + 1];
	long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	long from = size > LOG_TAIL_BYTES ? size - LOG_TAIL_BYTES : 0;
	size_t n = size > 0 && fseek(f, from, SEEK_SET) == 0 ? fread(buf, 1, LOG_TAIL_BYTES, f) : 0;
	fclose(f);
	if (n == 0)
		return;
	buf[n] = '\0';
	const char *start = buf;
	if (from > 0) {
		const char *nl = memchr(buf, '\n', n);
		if (nl && nl + 1 < buf + n)
			start = nl + 1;
	}
	strbuf_addf(sb, "--- %s%s ---\n", heading, from > 0 ? " (last lines)" : "");
	strbuf_add(sb, start, n - (size_t)(start - buf));
	if (buf[n - 1] != '\n')
		strbuf_addch(sb, '\n');
}

/* junit.xml's log tails: logs/<index>.stdout and .stderr, which the runner keeps for every
 * invalid dispatch. ctx is the run directory. */
static char *log_tail(void *ctx, const struct sample *s)
{
	struct strbuf sb;
	strbuf_init(&sb);
	const char *names[] = {"stdout", "stderr"};
	for (size_t i = 0; i < 2; i++) {
		char file[64];
		snprintf(file, sizeof(file), "logs/%06zu.%s", s->index, names[i]);
		char *path = path_join(ctx, file);
		add_tail(&sb, path, names[i]);
		free(path);
	}
	if (sb.len == 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
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
                         const struct run_outputs_merge *merge, struct diag_list *d)
{
	int rc = 0;
	struct json_object *summary =
	    summary_build(m, p->cells, p->n_cells, samples, n_samples, v, provenance);
	rc |= write_json(out, "summary.json", summary, d);
	struct strbuf md;
	strbuf_init(&md);
	summary_markdown(summary, &md);
	rc |= write_text(out, "summary.md", &md, d);
	rc |= report_html_write(out, m, p->cells, p->n_cells, samples, n_samples, v, summary, d);
	strbuf_release(&md);
	struct json_object *bmf = summary_bmf(summary);
	rc |= write_json(out, "bmf.json", bmf, d);
	json_object_put(bmf);
	json_object_put(summary);
	struct json_object *trace =
	    chrome_trace_build_shards(m, samples, n_samples, merge ? &merge->shards : NULL);
	rc |= write_json(out, "trace.json", trace, d);
	json_object_put(trace);
	struct strbuf junit;
	strbuf_init(&junit);
	char host[256] = "";
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	struct junit_run jr = {samples, n_samples, host[0] ? host : NULL, log_tail, (void *)out};
	junit_build(m, v, &jr, &junit);
	rc |= write_text(out, "junit.xml", &junit, d);
	strbuf_release(&junit);
	return rc ? -1 : 0;
}

int run_outputs_write(const char *out, const struct matrix *m, const struct plan *p,
                      const struct sample *samples, size_t n_samples, const struct verdict_set *v,
                      struct json_object *verdicts_json, struct json_object *provenance,
                      const struct run_outputs_merge *merge, struct diag_list *d)
{
	if (merge && merge->n_missing) {
		struct json_object *missing = json_object_new_array();
		for (size_t i = 0; i < merge->n_missing; i++)
			json_object_array_add(missing,
			                      json_object_new_string(merge->missing_cells[i]));
		json_object_object_add(verdicts_json, "missing_cells", missing);
	}
	if (write_json(out, RUN_VERDICTS_FILE, verdicts_json, d) < 0)
		return -1;
	return write_reports(out, m, p, samples, n_samples, v, provenance, merge, d);
}
