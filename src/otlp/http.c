/* The receiver's HTTP side: one request's checks, body, decoding and answer (OTLP/HTTP). */
#include "otlp/gunzip.h"
#include "otlp/receiver_state.h"
#include "otlp/traces.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRACES_PATH "/v1/traces"
/* A chunked body past OTLP_MAX_BODY_BYTES is read to its end to answer 413 (a complete answer an
 * exporter logs); past this many bytes it is cut off instead. */
#define DRAIN_LIMIT_BYTES (2 * (uint64_t)OTLP_MAX_BODY_BYTES)

/* One request, from its request line (otlp_http_uri_log) to its completion. */
struct request {
	struct otlp_receiver *r;
	bool checked;   /* method, path and headers have been looked at */
	bool protobuf;  /* answer in protobuf: the spec wants the request's Content-Type back */
	bool gzip;      /* Content-Encoding: gzip */
	bool too_large; /* the body passed OTLP_MAX_BODY_BYTES; the rest is read and dropped */
	uint64_t bytes; /* the body's size as sent */
	struct strbuf body;
};

/* Appends protobuf's base-128 varint. */
static void add_varint(struct strbuf *sb, size_t v)
{
	while (v >= 0x80) {
		strbuf_addch(sb, (char)(unsigned char)((v & 0x7f) | 0x80));
		v >>= 7;
	}
	strbuf_addch(sb, (char)(unsigned char)v);
}

/* Queues a response. For a failure, body is a google.rpc.Status with only its message, as the
 * spec asks of every 4xx (OTLP/HTTP Response, Failures): JSON, or protobuf (field 2, a string)
 * when the request was protobuf. */
static enum MHD_Result answer(struct MHD_Connection *conn, const struct request *q, unsigned status,
                              const char *message)
{
	struct strbuf body;
	strbuf_init(&body);
	if (!message) {
		/* full success: an ExportTraceServiceResponse with partial_success unset, which the
		 * spec requires (OTLP/HTTP Response, Full Success) */
		strbuf_addstr(&body, "{}");
	} else if (q && q->protobuf) {
		size_t n = strlen(message);
		strbuf_addch(&body, 0x12);
		add_varint(&body, n);
		strbuf_add(&body, message, n);
	} else {
		struct json_object *o = json_object_new_object();
		struct json_object *m = json_object_new_string(message);
		if (!o || !m)
			xalloc_die(0);
		json_object_object_add(o, "message", m);
		strbuf_addstr(&body,
		              json_object_to_json_string_ext(
		                  o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(body.len, body.buf, MHD_RESPMEM_MUST_COPY);
	strbuf_release(&body);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        message && q && q->protobuf ? "application/x-protobuf"
	                                                    : "application/json");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST");
	enum MHD_Result rc = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* Whether the header value names media type (parameters such as "; charset=utf-8" ignored). */
static bool media_type_is(const char *value, const char *type)
{
	if (!value)
		return false;
	while (*value == ' ' || *value == '\t')
		value++;
	size_t n = strlen(type);
	if (strncasecmp(value, type, n) != 0)
		return false;
	value += n;
	while (*value == ' ' || *value == '\t')
		value++;
	return *value == '\0' || *value == ';';
}

/* A refusal counted against the run and answered with status. */
static enum MHD_Result refuse(struct MHD_Connection *conn, struct request *q, unsigned status,
                              enum otlp_refusal kind, const char *message)
{
	otlp_receiver_refused(q->r, kind, message);
	return answer(conn, q, status, message);
}

/* The first call for a request: everything that can be answered before its body is read. */
static enum MHD_Result check_request(struct MHD_Connection *conn, struct request *q,
                                     const char *url, const char *method)
{
	const char *type =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *encoding =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_ENCODING);
	const char *length =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	q->checked = true;
	q->protobuf = media_type_is(type, "application/x-protobuf");
	if (strcmp(url, TRACES_PATH) != 0) {
		char *m = xasprintf(
		    "no such path '%.200s': the otlp receiver takes POST " TRACES_PATH, url);
		otlp_receiver_note(q->r, m);
		enum MHD_Result rc = answer(conn, q, MHD_HTTP_NOT_FOUND, m);
		free(m);
		return rc;
	}
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
		char *m = xasprintf(
		    "method '%.40s' not allowed: the otlp receiver takes POST " TRACES_PATH,
		    method);
		otlp_receiver_note(q->r, m);
		enum MHD_Result rc = answer(conn, q, MHD_HTTP_METHOD_NOT_ALLOWED, m);
		free(m);
		return rc;
	}
	if (q->protobuf)
		return refuse(conn, q, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, OTLP_REFUSED_PROTOBUF,
		              "protobuf export refused: tare reads OTLP/JSON; set the exporter's "
		              "protocol to http/json (OTEL_EXPORTER_OTLP_PROTOCOL=http/json)");
	if (!media_type_is(type, "application/json")) {
		char *m = xasprintf("content type '%.100s' refused: tare reads OTLP/JSON "
		                    "(Content-Type: application/json)",
		                    type ? type : "");
		enum MHD_Result rc =
		    refuse(conn, q, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, OTLP_REFUSED_MALFORMED, m);
		free(m);
		return rc;
	}
	if (encoding && strcasecmp(encoding, "gzip") == 0) {
		q->gzip = true;
	} else if (encoding && strcasecmp(encoding, "identity") != 0) {
		char *m = xasprintf("content encoding '%.100s' refused: tare inflates gzip only",
		                    encoding);
		enum MHD_Result rc =
		    refuse(conn, q, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, OTLP_REFUSED_MALFORMED, m);
		free(m);
		return rc;
	}
	if (length) {
		char *end = NULL;
		errno = 0;
		unsigned long long n = strtoull(length, &end, 10);
		/* libmicrohttpd has already refused a Content-Length that is not a number */
		if (errno == 0 && *end == '\0' && n > OTLP_MAX_BODY_BYTES) {
			char *m = xasprintf(
			    "export of %llu bytes refused: the otlp receiver reads at most "
			    "%zu bytes",
			    n, OTLP_MAX_BODY_BYTES);
			enum MHD_Result rc =
			    refuse(conn, q, MHD_HTTP_CONTENT_TOO_LARGE, OTLP_REFUSED_MALFORMED, m);
			free(m);
			return rc;
		}
	}
	return MHD_YES;
}

/* The whole body has arrived: decode, walk, count, answer. */
static enum MHD_Result finish_request(struct MHD_Connection *conn, struct request *q)
{
	if (q->too_large) {
		char *m = xasprintf("export larger than %zu bytes refused", OTLP_MAX_BODY_BYTES);
		enum MHD_Result rc =
		    refuse(conn, q, MHD_HTTP_CONTENT_TOO_LARGE, OTLP_REFUSED_MALFORMED, m);
		free(m);
		return rc;
	}
	struct strbuf inflated;
	strbuf_init(&inflated);
	const struct strbuf *json = &q->body;
	enum MHD_Result rc = MHD_NO;
	struct json_object *root = NULL;
	struct otlp_resource_spans *entries = NULL;
	size_t n = 0;
	struct diag_list d;
	diag_list_init(&d);
	if (q->gzip) {
		const char *why = NULL;
		enum otlp_gunzip_result g =
		    otlp_gunzip(q->body.buf, q->body.len, OTLP_MAX_BODY_BYTES, &inflated, &why);
		if (g == OTLP_GUNZIP_TOO_LARGE) {
			char *m = xasprintf("export inflating to more than %zu bytes refused",
			                    OTLP_MAX_BODY_BYTES);
			rc = refuse(conn, q, MHD_HTTP_CONTENT_TOO_LARGE, OTLP_REFUSED_MALFORMED, m);
			free(m);
			goto cleanup;
		}
		if (g == OTLP_GUNZIP_BAD) {
			char *m = xasprintf("export is not valid gzip: %s", why);
			rc = refuse(conn, q, MHD_HTTP_BAD_REQUEST, OTLP_REFUSED_MALFORMED, m);
			free(m);
			goto cleanup;
		}
		json = &inflated;
	}
	if (otlp_traces_parse(NULL, 0, json->buf, json->len, &root, &d) < 0 ||
	    otlp_traces_walk(NULL, 0, root, &entries, &n, &d) < 0) {
		const struct diag *e = &d.items[0];
		char *m = e->pointer && *e->pointer
		              ? xasprintf("%s at '%s'", e->message, e->pointer)
		          : e->column > 0 ? xasprintf("%s at byte %d", e->message, e->column)
		                          : xstrdup(e->message);
		rc = refuse(conn, q, MHD_HTTP_BAD_REQUEST, OTLP_REFUSED_MALFORMED, m);
		free(m);
		goto cleanup;
	}
	otlp_receiver_count(q->r, entries, n, q->bytes);
	rc = answer(conn, q, MHD_HTTP_OK, NULL);
cleanup:
	free(entries);
	json_object_put(root);
	diag_list_release(&d);
	strbuf_release(&inflated);
	return rc;
}

void *otlp_http_uri_log(void *cls, const char *uri, struct MHD_Connection *connection)
{
	(void)uri;
	(void)connection;
	struct otlp_receiver *r = cls;
	struct request *q = xcalloc(1, sizeof(*q));
	q->r = r;
	strbuf_init(&q->body);
	/* from here until otlp_http_completed the request is in progress: a take waits for it */
	pthread_mutex_lock(&r->lock);
	r->in_progress++;
	pthread_mutex_unlock(&r->lock);
	return q;
}

enum MHD_Result otlp_http_access(void *cls, struct MHD_Connection *connection, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct request *q = *con_cls;
	/* no request state: not from otlp_http_uri_log, which the options always set */
	if (!q)
		return MHD_NO;
	if (!q->checked)
		return check_request(connection, q, url, method);
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;
		q->bytes += n;
		if (!q->too_large && q->body.len + n > OTLP_MAX_BODY_BYTES) {
			/* a chunked body has no length to refuse up front; drop it as it comes and
			 * answer 413 at its end */
			q->too_large = true;
			strbuf_release(&q->body);
			strbuf_init(&q->body);
		}
		if (!q->too_large)
			strbuf_add(&q->body, upload_data, n);
		*upload_data_size = 0;
		if (q->bytes > DRAIN_LIMIT_BYTES) {
			/* an answer cannot be queued while a body is coming in: a body that does
			 * not end is cut off, unanswered, rather than read for as long as it is
			 * sent */
			otlp_receiver_refused(
			    q->r, OTLP_REFUSED_MALFORMED,
			    "export body of no end refused: connection closed past "
			    "twice the bound");
			return MHD_NO;
		}
		return MHD_YES;
	}
	return finish_request(connection, q);
}

void otlp_http_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)connection;
	(void)toe;
	struct otlp_receiver *r = cls;
	struct request *q = *con_cls;
	if (!q)
		return;
	*con_cls = NULL;
	strbuf_release(&q->body);
	free(q);
	pthread_mutex_lock(&r->lock);
	if (--r->in_progress == 0)
		pthread_cond_broadcast(&r->idle);
	pthread_mutex_unlock(&r->lock);
}
