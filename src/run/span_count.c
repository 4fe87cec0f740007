/* The independent span-event counter: a strict OTLP/JSON lines reader. */
#include "run/span_count.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the walk is inside one line; the JSON pointer of an error is built from it on demand. */
struct walk {
	const char *path;
	int lineno;
	struct diag_list *d;
	struct span_counts *out;
	const char *scope_key; /* "scopeSpans", or the deprecated "instrumentationLibrarySpans" */
	int depth;             /* 0 line, 1 resourceSpans entry, 2 scope entry, 3 span */
	size_t rs, ss, sp;
};

/* An error at the walk's position, or at its member "member" when not NULL. */
static int shape_error(const struct walk *w, const char *member, const char *what)
{
	char p[256] = "";
	size_t n = 0;
	if (w->depth >= 1)
		n += (size_t)snprintf(p + n, sizeof(p) - n, "/resourceSpans/%zu", w->rs);
	if (w->depth >= 2 && n < sizeof(p))
		n += (size_t)snprintf(p + n, sizeof(p) - n, "/%.40s/%zu", w->scope_key, w->ss);
	if (w->depth >= 3 && n < sizeof(p))
		n += (size_t)snprintf(p + n, sizeof(p) - n, "/spans/%zu", w->sp);
	if (member && n < sizeof(p))
		snprintf(p + n, sizeof(p) - n, "/%.40s", member);
	return diag_error(w->d, "trace.shape", &(struct diag_loc){w->path, w->lineno, 0, p},
	                  "not an OTLP trace: %s", what);
}

/* The array under key, or NULL when the key is absent or null. -1 when it is not an array. */
static int get_array(struct json_object *obj, const char *key, struct json_object **out)
{
	struct json_object *v = NULL;
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return -1;
	*out = v;
	return 0;
}

/* droppedEventsCount is a uint32: a JSON number, or (protobuf JSON) a decimal string. */
static int get_dropped(struct json_object *v, uint64_t *out)
{
	if (json_object_is_type(v, json_type_int)) {
		int64_t n = json_object_get_int64(v);
		if (n < 0 || n > UINT32_MAX)
			return -1;
		*out = (uint64_t)n;
		return 0;
	}
	if (json_object_is_type(v, json_type_string)) {
		const char *s = json_object_get_string(v);
		char *end = NULL;
		if (s[0] < '0' || s[0] > '9')
			return -1;
		errno = 0;
		unsigned long long n = strtoull(s, &end, 10);
		if (*end || errno || n > UINT32_MAX)
			return -1;
		*out = n;
		return 0;
	}
	return -1;
}

static int count_span(struct walk *w, struct json_object *span)
{
	if (!json_object_is_type(span, json_type_object))
		return shape_error(w, NULL, "a span is not an object");
	struct json_object *events = NULL;
	if (get_array(span, "events", &events) < 0)
		return shape_error(w, "events", "'events' is not an array");
	struct json_object *dropped = NULL;
	uint64_t n_dropped = 0;
	if (json_object_object_get_ex(span, "droppedEventsCount", &dropped) && dropped &&
	    get_dropped(dropped, &n_dropped) < 0)
		return shape_error(w, "droppedEventsCount",
		                   "'droppedEventsCount' is not a 32-bit unsigned integer");
	w->out->spans++;
	w->out->events_retained += events ? json_object_array_length(events) : 0;
	w->out->events_dropped += n_dropped;
	return 0;
}

static int count_scope_spans(struct walk *w, struct json_object *ss)
{
	if (!json_object_is_type(ss, json_type_object))
		return shape_error(w, NULL, "a scope spans entry is not an object");
	struct json_object *spans = NULL;
	if (get_array(ss, "spans", &spans) < 0)
		return shape_error(w, "spans", "'spans' is not an array");
	size_t n = spans ? json_object_array_length(spans) : 0;
	for (size_t i = 0; i < n; i++) {
		w->depth = 3;
		w->sp = i;
		if (count_span(w, json_object_array_get_idx(spans, i)) < 0)
			return -1;
	}
	return 0;
}

static int count_resource_spans(struct walk *w, struct json_object *rs)
{
	if (!json_object_is_type(rs, json_type_object))
		return shape_error(w, NULL, "a resourceSpans entry is not an object");
	w->scope_key = "scopeSpans";
	/* producers older than OTLP 0.19 wrote instrumentationLibrarySpans */
	if (!json_object_object_get_ex(rs, w->scope_key, NULL))
		w->scope_key = "instrumentationLibrarySpans";
	struct json_object *arr = NULL;
	if (get_array(rs, w->scope_key, &arr) < 0)
		return shape_error(w, w->scope_key, "scope spans are not an array");
	size_t n = arr ? json_object_array_length(arr) : 0;
	for (size_t i = 0; i < n; i++) {
		w->depth = 2;
		w->ss = i;
		if (count_scope_spans(w, json_object_array_get_idx(arr, i)) < 0)
			return -1;
	}
	return 0;
}

/* The offset of the first byte that strict JSON (RFC 8259) forbids but json-c's strict tokener
 * lets through (NaN and Infinity, single-quoted keys, raw control characters inside strings), or
 * -1. Everything else is left to the tokener. */
static long lexical_problem(const char *s, size_t n)
{
	bool in_string = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			else if (c < 0x20)
				return (long)i;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '\'' || c == 'N' || c == 'I') {
			return (long)i;
		}
	}
	return -1;
}

int span_count_line(const char *path, int lineno, const char *text, size_t len,
                    struct span_counts *out, struct diag_list *d)
{
	long bad = lexical_problem(text, len);
	if (bad >= 0)
		return diag_error(d, "trace.unparsable",
		                  &(struct diag_loc){path, lineno, (int)bad + 1, NULL},
		                  "trace line is not JSON: unexpected character");
	if (len > INT32_MAX)
		return diag_error(d, "trace.too-long", &(struct diag_loc){path, lineno, 0, NULL},
		                  "trace line too long to parse");
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return diag_error(d, "trace.memory", NULL, "out of memory parsing the trace");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	if (!root && err == json_tokener_continue) {
		/* a bare literal or number at the very end ("null", "5") is complete only once the
		 * tokener sees the end of input, which it reads as a NUL byte */
		root = json_tokener_parse_ex(tok, "", 1);
		err = json_tokener_get_error(tok);
		end = len;
	}
	int rc = 0;
	struct span_counts line = {.lines = 1};
	struct walk w = {.path = path, .lineno = lineno, .d = d, .out = &line};
	if (err != json_tokener_success) {
		/* json_tokener_continue: the line ended inside a value */
		rc = diag_error(d, "trace.unparsable",
		                &(struct diag_loc){path, lineno, (int)end + 1, NULL},
		                "trace line is not JSON: %s",
		                err == json_tokener_continue ? "unexpected end of line"
		                                             : json_tokener_error_desc(err));
		goto cleanup;
	}
	for (size_t i = end; i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			rc = diag_error(d, "trace.unparsable",
			                &(struct diag_loc){path, lineno, (int)i + 1, NULL},
			                "trace line has text after its JSON document");
			goto cleanup;
		}
	}
	if (!root || !json_object_is_type(root, json_type_object)) {
		rc = shape_error(&w, NULL, "the line is not a TracesData object");
		goto cleanup;
	}
	struct json_object *rs = NULL;
	if (get_array(root, "resourceSpans", &rs) < 0) {
		rc = shape_error(&w, "resourceSpans", "'resourceSpans' is not an array");
		goto cleanup;
	}
	size_t n = rs ? json_object_array_length(rs) : 0;
	for (size_t i = 0; i < n; i++) {
		w.depth = 1;
		w.rs = i;
		if (count_resource_spans(&w, json_object_array_get_idx(rs, i)) < 0) {
			rc = -1;
			goto cleanup;
		}
	}
	/* a line counts all or nothing */
	out->lines += line.lines;
	out->spans += line.spans;
	out->events_retained += line.events_retained;
	out->events_dropped += line.events_dropped;
cleanup:
	json_object_put(root);
	json_tokener_free(tok);
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
