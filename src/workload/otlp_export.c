/* The OTLP/JSON lines writer for the in-process tracer. */
#include "workload/otlp_export.h"

#include "util/write_all.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct json_object *hex_string(const uint8_t *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[2 * 16 + 1];
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = digits[bytes[i] >> 4];
		buf[2 * i + 1] = digits[bytes[i] & 15];
	}
	buf[2 * n] = '\0';
	return json_object_new_string(buf);
}

/* OTLP JSON: (u)int64 fields are decimal strings, because JSON numbers lose precision past 2^53. */
static struct json_object *u64_string(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_object_new_string(buf);
}

static struct json_object *int_attr(const char *key, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	struct json_object *value = json_object_new_object();
	json_object_object_add(value, "intValue", json_object_new_string(buf));
	struct json_object *kv = json_object_new_object();
	json_object_object_add(kv, "key", json_object_new_string(key));
	json_object_object_add(kv, "value", value);
	return kv;
}

static struct json_object *string_attr(const char *key, const char *v)
{
	struct json_object *value = json_object_new_object();
	json_object_object_add(value, "stringValue", json_object_new_string(v));
	struct json_object *kv = json_object_new_object();
	json_object_object_add(kv, "key", json_object_new_string(key));
	json_object_object_add(kv, "value", value);
	return kv;
}

static struct json_object *span_object(const struct span_tracer *t)
{
	struct span_tracer_counts c;
	span_tracer_get_counts(t, &c);
	struct json_object *span = json_object_new_object();
	json_object_object_add(span, "traceId", hex_string(span_tracer_trace_id(t), 16));
	json_object_object_add(span, "spanId", hex_string(span_tracer_span_id(t), 8));
	json_object_object_add(span, "name", json_object_new_string(span_tracer_name(t)));
	json_object_object_add(span, "kind", json_object_new_int(1)); /* SPAN_KIND_INTERNAL */
	json_object_object_add(span, "startTimeUnixNano", u64_string(span_tracer_start_unix_ns(t)));
	json_object_object_add(span, "endTimeUnixNano", u64_string(span_tracer_end_unix_ns(t)));

	struct json_object *attrs = json_object_new_array();
	for (size_t i = 0; i < span_tracer_attr_count(t); i++) {
		const struct span_attr *a = span_tracer_attr_at(t, i);
		json_object_array_add(attrs, int_attr(a->key, a->value));
	}
	json_object_object_add(span, "attributes", attrs);

	struct json_object *events =
	    json_object_new_array_ext((int)(c.retained < 1 ? 1 : c.retained));
	for (size_t i = 0; i < c.retained; i++) {
		const struct span_event *e = span_tracer_event_at(t, i);
		struct json_object *ev = json_object_new_object();
		json_object_object_add(ev, "timeUnixNano", u64_string(e->time_unix_ns));
		json_object_object_add(ev, "name", json_object_new_string("event"));
		struct json_object *ev_attrs = json_object_new_array();
		json_object_array_add(ev_attrs, int_attr("event.index", e->index));
		json_object_object_add(ev, "attributes", ev_attrs);
		json_object_array_add(events, ev);
	}
	json_object_object_add(span, "events", events);
	uint64_t dropped = c.dropped > UINT32_MAX ? UINT32_MAX : c.dropped;
	json_object_object_add(span, "droppedEventsCount", json_object_new_int64((int64_t)dropped));
	json_object_object_add(span, "status", json_object_new_object()); /* STATUS_CODE_UNSET */
	return span;
}

struct json_object *otlp_traces_data(const struct span_tracer *t)
{
	struct json_object *resource_attrs = json_object_new_array();
	json_object_array_add(resource_attrs, string_attr("service.name", OTLP_SERVICE_NAME));
	struct json_object *resource = json_object_new_object();
	json_object_object_add(resource, "attributes", resource_attrs);

	struct json_object *scope = json_object_new_object();
	json_object_object_add(scope, "name", json_object_new_string(OTLP_SCOPE_NAME));
	struct json_object *spans = json_object_new_array();
	json_object_array_add(spans, span_object(t));
	struct json_object *scope_spans = json_object_new_object();
	json_object_object_add(scope_spans, "scope", scope);
	json_object_object_add(scope_spans, "spans", spans);
	struct json_object *scope_spans_arr = json_object_new_array();
	json_object_array_add(scope_spans_arr, scope_spans);

	struct json_object *rs = json_object_new_object();
	json_object_object_add(rs, "resource", resource);
	json_object_object_add(rs, "scopeSpans", scope_spans_arr);
	struct json_object *rs_arr = json_object_new_array();
	json_object_array_add(rs_arr, rs);
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "resourceSpans", rs_arr);
	return root;
}

int otlp_export_fd(const struct span_tracer *t, int fd, const char *path, struct diag_list *d)
{
	struct json_object *root = otlp_traces_data(t);
	if (!root)
		return diag_error(d, "workload.memory", NULL, "out of memory exporting the span");
	size_t len = 0;
	const char *text = json_object_to_json_string_length(
	    root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	int rc = 0;
	if (!text || write_all(fd, text, len) < 0 || write_all(fd, "\n", 1) < 0)
		rc = diag_error(d, "workload.trace-write", &(struct diag_loc){path, 0, 0, NULL},
		                "cannot write the trace: %s",
		                text ? strerror(errno) : "out of memory");
	json_object_put(root);
	return rc;
}
