/* The strict OTLP/JSON TracesData reader: parse, then count each resourceSpans entry. */
#include "otlp/traces.h"

#include "util/xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the walk is in the document; the JSON pointer of an error is built from it on demand. */
struct walk {
	const char *name;
	int line;
	struct diag_list *d;
	struct otlp_span_totals *out; /* the entry being walked */
	const char *scope_key; /* "scopeSpans", or the deprecated "instrumentationLibrarySpans" */
	int depth; /* 0 document, 1 resourceSpans entry, 2 scope entry, 3 span, 4 event */
	size_t rs, ss, sp, ev;
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
	if (w->depth >= 4 && n < sizeof(p))
		n += (size_t)snprintf(p + n, sizeof(p) - n, "/events/%zu", w->ev);
	if (member && n < sizeof(p))
		snprintf(p + n, sizeof(p) - n, "/%.40s", member);
	return diag_error(w->d, "trace.shape", &(struct diag_loc){w->name, w->line, 0, p},
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

/* A uint32 field: a JSON number, or (protobuf JSON) a decimal string. */
static int get_uint32(struct json_object *v, uint64_t *out)
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

/* Adds obj's member key (a uint32; absent or null is 0) to *sum. */
static int add_dropped(const struct walk *w, struct json_object *obj, const char *key,
                       uint64_t *sum)
{
	struct json_object *v = NULL;
	uint64_t n = 0;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return 0;
	if (get_uint32(v, &n) < 0) {
		char what[96];
		snprintf(what, sizeof(what), "'%s' is not a 32-bit unsigned integer", key);
		return shape_error(w, key, what);
	}
	*sum += n;
	return 0;
}

static int count_span(struct walk *w, struct json_object *span)
{
	if (!json_object_is_type(span, json_type_object))
		return shape_error(w, NULL, "a span is not an object");
	struct json_object *events = NULL;
	if (get_array(span, "events", &events) < 0)
		return shape_error(w, "events", "'events' is not an array");
	struct otlp_span_totals t = {.spans = 1};
	if (add_dropped(w, span, "droppedEventsCount", &t.events_dropped) < 0 ||
	    add_dropped(w, span, "droppedAttributesCount", &t.attributes_dropped) < 0 ||
	    add_dropped(w, span, "droppedLinksCount", &t.links_dropped) < 0)
		return -1;
	size_t n = events ? json_object_array_length(events) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *ev = json_object_array_get_idx(events, i);
		w->depth = 4;
		w->ev = i;
		if (!json_object_is_type(ev, json_type_object))
			return shape_error(w, NULL, "an event is not an object");
		if (add_dropped(w, ev, "droppedAttributesCount", &t.attributes_dropped) < 0)
			return -1;
	}
	w->depth = 3;
	t.events_retained = n;
	otlp_span_totals_add(w->out, &t);
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

void otlp_span_totals_add(struct otlp_span_totals *a, const struct otlp_span_totals *b)
{
	a->spans += b->spans;
	a->events_retained += b->events_retained;
	a->events_dropped += b->events_dropped;
	a->attributes_dropped += b->attributes_dropped;
	a->links_dropped += b->links_dropped;
}

int otlp_traces_walk(const char *name, int line, struct json_object *root,
                     struct otlp_resource_spans **entries, size_t *n_entries, struct diag_list *d)
{
	*entries = NULL;
	*n_entries = 0;
	struct walk w = {.name = name, .line = line, .d = d};
	if (!root || !json_object_is_type(root, json_type_object))
		return shape_error(&w, NULL, "the document is not a TracesData object");
	struct json_object *rs = NULL;
	if (get_array(root, "resourceSpans", &rs) < 0)
		return shape_error(&w, "resourceSpans", "'resourceSpans' is not an array");
	size_t n = rs ? json_object_array_length(rs) : 0;
	struct otlp_resource_spans *out = n ? xcalloc(n, sizeof(*out)) : NULL;
	for (size_t i = 0; i < n; i++) {
		out[i].entry = json_object_array_get_idx(rs, i);
		w.depth = 1;
		w.rs = i;
		w.out = &out[i].totals;
		if (count_resource_spans(&w, out[i].entry) < 0) {
			free(out);
			return -1;
		}
	}
	*entries = out;
	*n_entries = n;
	return 0;
}

/* The offset of the first byte that strict JSON (RFC 8259) forbids but json-c's strict tokener
 * lets through (NaN and Infinity, single-quoted keys, raw control characters inside strings, a
 * NUL byte, which the tokener takes for the end of input), or -1. Everything else is left to the
 * tokener. */
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
		} else if (c == '\'' || c == 'N' || c == 'I' || c == '\0') {
			return (long)i;
		}
	}
	return -1;
}

int otlp_traces_parse(const char *name, int line, const char *text, size_t len,
                      struct json_object **out, struct diag_list *d)
{
	*out = NULL;
	long bad = lexical_problem(text, len);
	if (bad >= 0)
		return diag_error(d, "trace.unparsable",
		                  &(struct diag_loc){name, line, (int)bad + 1, NULL},
		                  "trace is not JSON: unexpected character");
	if (len > INT32_MAX)
		return diag_error(d, "trace.too-long", &(struct diag_loc){name, line, 0, NULL},
		                  "trace too long to parse");
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		xalloc_die(0);
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
	if (err != json_tokener_success) {
		/* json_tokener_continue: the text ended inside a value */
		rc = diag_error(d, "trace.unparsable",
		                &(struct diag_loc){name, line, (int)end + 1, NULL},
		                "trace is not JSON: %s",
		                err == json_tokener_continue ? "unexpected end of input"
		                                             : json_tokener_error_desc(err));
		goto cleanup;
	}
	for (size_t i = end; i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			rc = diag_error(d, "trace.unparsable",
			                &(struct diag_loc){name, line, (int)i + 1, NULL},
			                "trace has text after its JSON document");
			goto cleanup;
		}
	}
	*out = root;
	root = NULL;
cleanup:
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}
