/* The independent span-event counter: a strict OTLP/JSON lines reader over otlp/traces. */
#include "run/span_count.h"

#include "otlp/traces.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int span_count_line(const char *path, int lineno, const char *text, size_t len,
                    struct span_counts *out, struct diag_list *d)
{
	struct json_object *root = NULL;
	if (otlp_traces_parse(path, lineno, text, len, &root, d) < 0)
		return -1;
	struct otlp_resource_spans *entries = NULL;
	size_t n = 0;
	int rc = otlp_traces_walk(path, lineno, root, &entries, &n, d);
	if (rc == 0) {
		/* a line counts all or nothing: the walk fails before handing out any entry */
		struct otlp_span_totals t = {0};
		for (size_t i = 0; i < n; i++)
			otlp_span_totals_add(&t, &entries[i].totals);
		out->lines++;
		out->spans += t.spans;
		out->events_retained += t.events_retained;
		out->events_dropped += t.events_dropped;
	}
	free(entries);
	json_object_put(root);
	return rc;
}

/* Every bad line is reported, up to this many: a flood of garbage should not flood the terminal. */
#define MAX_BAD_LINES 10

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]))
			return false;
	return true;
}

int span_count_file(const char *path, struct span_counts *out, struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	FILE *f = fopen(path, "rb");
	if (!f)
		return diag_error(d, errno == ENOENT ? "trace.missing" : "trace.read",
		                  &(struct diag_loc){path, 0, 0, NULL}, "cannot read the trace: %s",
		                  strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0, rc = 0, bad_lines = 0;
	errno = 0;
	while ((n = getdelim(&line, &cap, '\n', f)) >= 0) {
		lineno++;
		if ((size_t)n > SPAN_COUNT_MAX_LINE) {
			rc = diag_error(d, "trace.too-long",
			                &(struct diag_loc){path, lineno, 0, NULL},
			                "trace line longer than %u bytes", SPAN_COUNT_MAX_LINE);
			break;
		}
		if (is_blank(line, (size_t)n))
			continue;
		if (memchr(line, '\0', (size_t)n)) {
			rc = diag_error(d, "trace.unparsable",
			                &(struct diag_loc){path, lineno, 0, NULL},
			                "trace line contains a NUL byte");
			break;
		}
		if (span_count_line(path, lineno, line, (size_t)n, out, d) < 0 &&
		    ++bad_lines >= MAX_BAD_LINES) {
			diag_note(d, &(struct diag_loc){path, lineno, 0, NULL},
			          "stopped reading after %d bad lines", MAX_BAD_LINES);
			break;
		}
	}
	if (bad_lines > 0)
		rc = -1;
	if (rc == 0 && ferror(f))
		rc = diag_error(d, "trace.read", &(struct diag_loc){path, lineno, 0, NULL},
		                "cannot read the trace: %s", strerror(errno));
	free(line);
	fclose(f);
	return rc;
}
