/* Unit tests for the OTLP/HTTP receiver: real requests over loopback sockets from a small raw
 * HTTP client, so that framing (chunked, Content-Length, Expect), answers and counts are the ones
 * an exporter meets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "otlp/receiver.h"
#include "util/clock.h"
#include "util/strbuf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <zlib.h>

/* ---- a raw HTTP/1.1 client ---- */

struct reply {
	int status;
	struct strbuf head; /* status line and headers */
	struct strbuf body;
};

static int connect_to(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

/* Like send_all, but says whether the peer took everything instead of failing the test. */
static bool try_send(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads until the peer closes (every request says Connection: close) and splits the reply. */
static void read_reply(int fd, struct reply *out)
{
	struct strbuf all;
	strbuf_init(&all);
	char buf[65536];
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		strbuf_add(&all, buf, (size_t)n);
	strbuf_init(&out->head);
	strbuf_init(&out->body);
	char *end = strstr(all.buf, "\r\n\r\n");
	assert_non_null(end);
	strbuf_add(&out->head, all.buf, (size_t)(end - all.buf) + 2);
	strbuf_add(&out->body, end + 4, all.len - (size_t)(end + 4 - all.buf));
	assert_int_equal(sscanf(all.buf, "HTTP/1.1 %d", &out->status), 1);
	strbuf_release(&all);
}

static void reply_release(struct reply *r)
{
	strbuf_release(&r->head);
	strbuf_release(&r->body);
}

/* Whether the reply has header line "name: value" (name case as libmicrohttpd writes it). */
static bool has_header(const struct reply *r, const char *line)
{
	char want[256];
	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	return strstr(r->head.buf, want) != NULL;
}

/* Sends one request and reads its reply. headers: extra header lines, each ending in \r\n.
 * chunk > 0 sends the body chunked in pieces of that size; else with Content-Length. */
static void request(uint16_t port, const char *method, const char *path, const char *headers,
                    const void *body, size_t len, size_t chunk, struct reply *out)
{
	int fd = connect_to(port);
	struct strbuf req;
	strbuf_init(&req);
	strbuf_addf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s", method,
	            path, headers);
	if (chunk > 0)
		strbuf_addstr(&req, "Transfer-Encoding: chunked\r\n\r\n");
	else
		strbuf_addf(&req, "Content-Length: %zu\r\n\r\n", len);
	send_all(fd, req.buf, req.len);
	const char *p = body;
	if (chunk > 0) {
		for (size_t off = 0; off < len; off += chunk) {
			size_t n = len - off < chunk ? len - off : chunk;
			char size[32];
			int k = snprintf(size, sizeof(size), "%zx\r\n", n);
			send_all(fd, size, (size_t)k);
			send_all(fd, p + off, n);
			send_all(fd, "\r\n", 2);
		}
		send_all(fd, "0\r\n\r\n", 5);
	} else if (len > 0) {
		send_all(fd, body, len);
	}
	strbuf_release(&req);
	read_reply(fd, out);
	close(fd);
}

#define JSON_TYPE "Content-Type: application/json\r\n"

/* POSTs a JSON body to /v1/traces and returns the status. */
static int post_json(uint16_t port, const char *body)
{
	struct reply r;
	request(port, "POST", "/v1/traces", JSON_TYPE, body, strlen(body), 0, &r);
	int status = r.status;
	reply_release(&r);
	return status;
}

/* ---- OTLP bodies ---- */

/* One resourceSpans entry: the tare.dispatch value (an AnyValue, or NULL for no attribute) and
 * spans spans of events events each, with dropped as each span's droppedEventsCount (JSON text). */
static void add_entry(struct strbuf *sb, const char *dispatch_value, int spans, int events,
                      const char *dropped)
{
	strbuf_addstr(sb, "{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
	                  "{\"stringValue\":\"t\"}}");
	if (dispatch_value)
		strbuf_addf(sb, ",{\"key\":\"tare.dispatch\",\"value\":%s}", dispatch_value);
	strbuf_addstr(sb, "]},\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":[");
	for (int s = 0; s < spans; s++) {
		strbuf_addf(sb, "%s{\"name\":\"root\",\"droppedEventsCount\":%s,\"events\":[",
		            s ? "," : "", dropped);
		for (int e = 0; e < events; e++)
			strbuf_addf(sb, "%s{\"name\":\"e%d\"}", e ? "," : "", e);
		strbuf_addstr(sb, "]}");
	}
	strbuf_addstr(sb, "]}]}");
}

static char *traces(const char *dispatch_value, int spans, int events, const char *dropped)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, "{\"resourceSpans\":[");
	add_entry(&sb, dispatch_value, spans, events, dropped);
	strbuf_addstr(&sb, "]}");
	return strbuf_detach(&sb);
}

static void gzip_into(const void *in, size_t len, struct strbuf *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
	                 Z_OK);
	z.next_in = (unsigned char *)in;
	z.avail_in = (unsigned)len;
	unsigned char buf[65536];
	int rc;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		rc = deflate(&z, Z_FINISH);
		strbuf_add(out, buf, sizeof(buf) - z.avail_out);
	} while (rc == Z_OK);
	assert_int_equal(rc, Z_STREAM_END);
	deflateEnd(&z);
}

static struct otlp_receiver *start(void)
{
	struct diag_list d;
	diag_list_init(&d);
	struct otlp_receiver *r = otlp_receiver_start(&d);
	assert_non_null(r);
	assert_int_equal(d.len, 0);
	assert_true(otlp_receiver_port(r) > 0);
	diag_list_release(&d);
	return r;
}

static void assert_no_problems(const struct otlp_problems *p)
{
	assert_int_equal(p->protobuf_refused, 0);
	assert_int_equal(p->malformed, 0);
	assert_int_equal(p->unattributed, 0);
	assert_int_equal(p->late_exports, 0);
	assert_int_equal(p->late_spans, 0);
	assert_null(p->first_error);
}

/* ---- tests ---- */

static void test_plain_json(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	uint16_t port = otlp_receiver_port(r);
	otlp_receiver_open(r, 0);
	/* dropped attributes on a span (2) and an event (1), dropped links (4) */
	const char *body =
	    "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"tare.dispatch\","
	    "\"value\":{\"stringValue\":\"0\"}}]},\"scopeSpans\":[{\"spans\":[{\"name\":\"a\","
	    "\"droppedAttributesCount\":2,\"droppedLinksCount\":4,\"droppedEventsCount\":5,"
	    "\"events\":[{\"name\":\"e\",\"droppedAttributesCount\":1},{\"name\":\"e\"}]},"
	    "{\"name\":\"b\",\"events\":[{}]}]}]}]}";
	int64_t before = clock_monotonic_ns();
	struct reply rep;
	request(port, "POST", "/v1/traces", JSON_TYPE, body, strlen(body), 0, &rep);
	assert_int_equal(rep.status, 200);
	assert_string_equal(rep.body.buf, "{}");
	assert_true(has_header(&rep, "Content-Type: application/json"));
	reply_release(&rep);

	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 1);
	assert_int_equal(c.bytes, strlen(body));
	assert_int_equal(c.spans, 2);
	assert_int_equal(c.events_retained, 3);
	assert_int_equal(c.events_dropped, 5);
	assert_int_equal(c.attributes_dropped, 3);
	assert_int_equal(c.links_dropped, 4);
	assert_true(c.last_export_ns >= before && c.last_export_ns <= clock_monotonic_ns());
	assert_no_problems(&p);
	otlp_problems_release(&p);

	/* a second dispatch starts from zero */
	otlp_receiver_open(r, 1);
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 0);
	assert_int_equal(c.spans, 0);
	assert_int_equal(c.last_export_ns, 0);
	otlp_problems_release(&p);
	otlp_receiver_stop(r);
}

static void test_chunked(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	otlp_receiver_open(r, 3);
	char *body = traces("{\"intValue\":\"3\"}", 2, 128, "372");
	struct reply rep;
	request(otlp_receiver_port(r), "POST", "/v1/traces", JSON_TYPE, body, strlen(body), 1000,
	        &rep);
	assert_int_equal(rep.status, 200);
	reply_release(&rep);
	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 1);
	assert_int_equal(c.bytes, strlen(body)); /* the body, not its chunk framing */
	assert_int_equal(c.spans, 2);
	assert_int_equal(c.events_retained, 256);
	assert_int_equal(c.events_dropped, 744);
	assert_no_problems(&p);
	free(body);
	otlp_receiver_stop(r);
}

static void test_gzip(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	uint16_t port = otlp_receiver_port(r);
	otlp_receiver_open(r, 0);
	char *body = traces("{\"intValue\":0}", 1, 500, "0");
	struct strbuf z;
	strbuf_init(&z);
	gzip_into(body, strlen(body), &z);
	assert_true(z.len < strlen(body));
	struct reply rep;
	request(port, "POST", "/v1/traces", JSON_TYPE "Content-Encoding: gzip\r\n", z.buf, z.len, 0,
	        &rep);
	assert_int_equal(rep.status, 200);
	reply_release(&rep);
	/* chunked and gzip together, as the Node exporter sends with compression on; two gzip
	 * members back to back are one body */
	size_t one = z.len;
	gzip_into("", 0, &z);
	request(port, "POST", "/v1/traces", JSON_TYPE "Content-Encoding: GZIP\r\n", z.buf, z.len,
	        333, &rep);
	assert_int_equal(rep.status, 200);
	reply_release(&rep);
	/* a truncated gzip body is malformed */
	request(port, "POST", "/v1/traces", JSON_TYPE "Content-Encoding: gzip\r\n", z.buf, one - 9,
	        0, &rep);
	assert_int_equal(rep.status, 400);
	assert_non_null(strstr(rep.body.buf, "gzip"));
	reply_release(&rep);

	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 2);
	assert_int_equal(c.bytes, one + z.len); /* as sent: compressed */
	assert_int_equal(c.spans, 2);
	assert_int_equal(c.events_retained, 1000);
	assert_int_equal(p.malformed, 1);
	assert_non_null(strstr(p.first_error, "gzip"));
	otlp_problems_release(&p);
	strbuf_release(&z);
	free(body);
	otlp_receiver_stop(r);
}

static void test_protobuf_refused(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	otlp_receiver_open(r, 0);
	const char pb[] = {0x0a, 0x02, 0x0a, 0x00};
	struct reply rep;
	request(otlp_receiver_port(r), "POST", "/v1/traces",
	        "Content-Type: application/x-protobuf\r\n", pb, sizeof(pb), 0, &rep);
	assert_int_equal(rep.status, 415);
	/* a google.rpc.Status in protobuf, as the request was: field 2 (message), its length, text
	 */
	assert_true(has_header(&rep, "Content-Type: application/x-protobuf"));
	assert_int_equal((unsigned char)rep.body.buf[0], 0x12);
	assert_non_null(memmem(rep.body.buf, rep.body.len, "OTEL_EXPORTER_OTLP_PROTOCOL=http/json",
	                       strlen("OTEL_EXPORTER_OTLP_PROTOCOL=http/json")));
	reply_release(&rep);
	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 0);
	assert_int_equal(p.protobuf_refused, 1);
	assert_int_equal(p.malformed, 0);
	assert_non_null(strstr(p.first_error, "http/json"));
	otlp_problems_release(&p);
	otlp_receiver_stop(r);
}

static void test_malformed(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	uint16_t port = otlp_receiver_port(r);
	otlp_receiver_open(r, 0);
	struct reply rep;
	request(port, "POST", "/v1/traces", JSON_TYPE, "{\"resourceSpans\":[", 18, 0, &rep);
	assert_int_equal(rep.status, 400);
	assert_true(has_header(&rep, "Content-Type: application/json"));
	assert_non_null(strstr(rep.body.buf, "\"message\":\"trace is not JSON"));
	reply_release(&rep);
	/* the shape is wrong: named by its JSON pointer */
	const char *shape = "{\"resourceSpans\":[{\"scopeSpans\":{}}]}";
	request(port, "POST", "/v1/traces", JSON_TYPE, shape, strlen(shape), 0, &rep);
	assert_int_equal(rep.status, 400);
	assert_non_null(strstr(rep.body.buf, "/resourceSpans/0/scopeSpans"));
	reply_release(&rep);
	/* what json-c's strict mode lets through, and a NUL after the document */
	assert_int_equal(post_json(port, "{\"resourceSpans\":[],\"x\":NaN}"), 400);
	request(port, "POST", "/v1/traces", JSON_TYPE, "{}\0", 3, 0, &rep);
	assert_int_equal(rep.status, 400);
	reply_release(&rep);
	/* a span's counts of the wrong type */
	char *bad = traces("{\"intValue\":0}", 1, 1, "\"-1\"");
	assert_int_equal(post_json(port, bad), 400);
	free(bad);
	/* neither JSON nor protobuf, and an encoding tare does not inflate */
	request(port, "POST", "/v1/traces", "Content-Type: text/plain\r\n", "{}", 2, 0, &rep);
	assert_int_equal(rep.status, 415);
	reply_release(&rep);
	request(port, "POST", "/v1/traces", JSON_TYPE "Content-Encoding: br\r\n", "{}", 2, 0, &rep);
	assert_int_equal(rep.status, 415);
	reply_release(&rep);
	/* still fine afterwards, and JSON with a charset is JSON */
	request(port, "POST", "/v1/traces", "Content-Type: application/json; charset=utf-8\r\n",
	        "{}", 2, 0, &rep);
	assert_int_equal(rep.status, 200);
	reply_release(&rep);

	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(p.malformed, 7);
	assert_int_equal(p.protobuf_refused, 0);
	assert_non_null(strstr(p.first_error, "not JSON"));
	assert_int_equal(c.export_requests, 0); /* an empty request is no dispatch's export */
	otlp_problems_release(&p);
	otlp_receiver_stop(r);
}

static void test_wrong_path_and_method(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	uint16_t port = otlp_receiver_port(r);
	otlp_receiver_open(r, 0);
	struct reply rep;
	request(port, "POST", "/v1/metrics", JSON_TYPE, "{}", 2, 0, &rep);
	assert_int_equal(rep.status, 404);
	reply_release(&rep);
	request(port, "POST", "/", JSON_TYPE, "{}", 2, 0, &rep);
	assert_int_equal(rep.status, 404);
	reply_release(&rep);
	request(port, "GET", "/v1/traces", "", NULL, 0, 0, &rep);
	assert_int_equal(rep.status, 405);
	assert_true(has_header(&rep, "Allow: POST"));
	reply_release(&rep);
	request(port, "PUT", "/v1/traces", JSON_TYPE, "{}", 2, 0, &rep);
	assert_int_equal(rep.status, 405);
	reply_release(&rep);

	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 0);
	assert_int_equal(p.malformed + p.protobuf_refused + p.unattributed, 0);
	/* not a problem count, but the first thing to say when an exporter's spans never arrive */
	assert_non_null(strstr(p.first_error, "'/v1/metrics'"));
	otlp_problems_release(&p);
	otlp_receiver_stop(r);
}

static void test_late_export(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	uint16_t port = otlp_receiver_port(r);
	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_open(r, 1);
	otlp_receiver_take(r, 0, &c, &p);
	otlp_problems_release(&p);
	otlp_receiver_open(r, 2);
	char *late = traces("{\"stringValue\":\"1\"}", 3, 2, "0");
	char *own = traces("{\"stringValue\":\"2\"}", 1, 4, "0");
	assert_int_equal(post_json(port, late), 200);
	assert_int_equal(post_json(port, own), 200);
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 1);
	assert_int_equal(c.bytes, strlen(own));
	assert_int_equal(c.spans, 1);
	assert_int_equal(c.events_retained, 4);
	assert_int_equal(p.late_exports, 1);
	assert_int_equal(p.late_spans, 3);
	assert_int_equal(p.unattributed, 0);
	otlp_problems_release(&p);

	/* with no dispatch open, a late export still counts, in the next take */
	assert_int_equal(post_json(port, own), 200);
	otlp_receiver_open(r, 3);
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.spans, 0);
	assert_int_equal(p.late_exports, 1);
	assert_int_equal(p.late_spans, 1);
	otlp_problems_release(&p);
	free(late);
	free(own);
	otlp_receiver_stop(r);
}

static void test_unattributed(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	uint16_t port = otlp_receiver_port(r);
	otlp_receiver_open(r, 5);
	char *none = traces(NULL, 2, 1, "0");
	char *unknown = traces("{\"intValue\":\"9\"}", 1, 1, "0");
	char *not_index = traces("{\"stringValue\":\"5x\"}", 1, 1, "0");
	assert_int_equal(post_json(port, none), 200);
	assert_int_equal(post_json(port, unknown), 200);
	assert_int_equal(post_json(port, not_index), 200);
	/* one request, two entries: the attributed one counts, the other does not */
	struct strbuf mixed;
	strbuf_init(&mixed);
	strbuf_addstr(&mixed, "{\"resourceSpans\":[");
	add_entry(&mixed, "{\"intValue\":5}", 1, 7, "1");
	strbuf_addch(&mixed, ',');
	add_entry(&mixed, NULL, 4, 1, "0");
	strbuf_addstr(&mixed, "]}");
	assert_int_equal(post_json(port, mixed.buf), 200);

	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 1);
	assert_int_equal(c.bytes, mixed.len);
	assert_int_equal(c.spans, 1);
	assert_int_equal(c.events_retained, 7);
	assert_int_equal(c.events_dropped, 1);
	assert_int_equal(p.unattributed, 4);
	assert_int_equal(p.late_exports, 0);
	assert_non_null(strstr(p.first_error, "tare.dispatch"));
	otlp_problems_release(&p);
	strbuf_release(&mixed);
	free(none);
	free(unknown);
	free(not_index);
	otlp_receiver_stop(r);
}

/* droppedEventsCount as protobuf JSON may write it: a decimal string */
static void test_dropped_as_string(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	otlp_receiver_open(r, 0);
	char *body = traces("{\"intValue\":0}", 1, 128, "\"372\"");
	assert_int_equal(post_json(otlp_receiver_port(r), body), 200);
	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.events_retained, 128);
	assert_int_equal(c.events_dropped, 372);
	assert_no_problems(&p);
	free(body);
	otlp_receiver_stop(r);
}

static void test_oversized(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	uint16_t port = otlp_receiver_port(r);
	otlp_receiver_open(r, 0);
	/* a declared length beyond the bound is refused before its body is read */
	int fd = connect_to(port);
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "POST /v1/traces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" JSON_TYPE
	                 "Content-Length: %zu\r\n\r\n",
	                 OTLP_MAX_BODY_BYTES + 1);
	send_all(fd, head, (size_t)n);
	struct reply rep;
	read_reply(fd, &rep);
	close(fd);
	assert_int_equal(rep.status, 413);
	reply_release(&rep);

	/* a chunked body has no length: it is refused when it passes the bound */
	size_t big = OTLP_MAX_BODY_BYTES + 1;
	char *body = malloc(big);
	assert_non_null(body);
	memset(body, ' ', big);
	body[0] = '{';
	body[big - 1] = '}';
	request(port, "POST", "/v1/traces", JSON_TYPE, body, big, 1 << 20, &rep);
	assert_int_equal(rep.status, 413);
	reply_release(&rep);
	/* one that goes on past twice the bound is cut off, unanswered */
	{
		int endless = connect_to(port);
		struct timeval tv = {.tv_sec = 10}; /* below the receiver's 30 s idle timeout */
		setsockopt(endless, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		const char *h = "POST /v1/traces HTTP/1.1\r\nHost: x\r\n" JSON_TYPE
		                "Transfer-Encoding: chunked\r\n\r\n";
		send_all(endless, h, strlen(h));
		char size[32];
		int k = snprintf(size, sizeof(size), "%zx\r\n", big);
		bool cut = false;
		for (int i = 0; i < 4 && !cut; i++)
			cut = !try_send(endless, size, (size_t)k) ||
			      !try_send(endless, body, big) || !try_send(endless, "\r\n", 2);
		char buf[256];
		ssize_t got = recv(endless, buf, sizeof(buf), 0);
		/* closed without an answer: end of file or a reset, neither a status line nor the
		 * receive timeout */
		assert_true(got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK));
		close(endless);
	}
	/* at the bound exactly, it is read */
	request(port, "POST", "/v1/traces", JSON_TYPE, body + 1, big - 1, 0, &rep);
	assert_int_equal(rep.status, 400); /* starts with spaces and ends in '}': read, not JSON */
	reply_release(&rep);

	/* a small gzip body that inflates past the bound */
	struct strbuf z;
	strbuf_init(&z);
	gzip_into(body, big, &z);
	assert_true(z.len < 1024 * 1024);
	request(port, "POST", "/v1/traces", JSON_TYPE "Content-Encoding: gzip\r\n", z.buf, z.len, 0,
	        &rep);
	assert_int_equal(rep.status, 413);
	reply_release(&rep);
	strbuf_release(&z);
	free(body);

	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(p.malformed, 5);
	assert_non_null(strstr(p.first_error, "refused"));
	otlp_problems_release(&p);
	otlp_receiver_stop(r);
}

#define POSTS_PER_THREAD 40

struct poster {
	uint16_t port;
	const char *body;
};

static void *post_many(void *arg)
{
	const struct poster *w = arg;
	for (int i = 0; i < POSTS_PER_THREAD; i++)
		assert_int_equal(post_json(w->port, w->body), 200);
	return NULL;
}

static void test_concurrent_posts(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	otlp_receiver_open(r, 0);
	char *a = traces("{\"intValue\":0}", 2, 3, "1");
	char *b = traces("{\"stringValue\":\"0\"}", 1, 10, "0");
	struct poster wa = {otlp_receiver_port(r), a}, wb = {otlp_receiver_port(r), b};
	pthread_t ta, tb;
	assert_int_equal(pthread_create(&ta, NULL, post_many, &wa), 0);
	assert_int_equal(pthread_create(&tb, NULL, post_many, &wb), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(c.export_requests, 2 * POSTS_PER_THREAD);
	assert_int_equal(c.bytes, POSTS_PER_THREAD * (strlen(a) + strlen(b)));
	assert_int_equal(c.spans, POSTS_PER_THREAD * 3);
	assert_int_equal(c.events_retained, POSTS_PER_THREAD * 16);
	assert_int_equal(c.events_dropped, POSTS_PER_THREAD * 2);
	assert_no_problems(&p);
	free(a);
	free(b);
	otlp_receiver_stop(r);
}

/* A request whose headers have arrived and whose body is still coming: the client asks for
 * 100 Continue, which libmicrohttpd sends only once the receiver has seen the request. */
struct slow_post {
	uint16_t port;
	const char *body;
	int fd;
};

static void slow_post_begin(struct slow_post *s)
{
	s->fd = connect_to(s->port);
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "POST /v1/traces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" JSON_TYPE
	                 "Expect: 100-continue\r\nContent-Length: %zu\r\n\r\n",
	                 strlen(s->body));
	send_all(s->fd, head, (size_t)n);
	char buf[256];
	size_t got = 0;
	while (got < sizeof(buf) - 1) {
		ssize_t k = recv(s->fd, buf + got, sizeof(buf) - 1 - got, 0);
		assert_true(k > 0);
		got += (size_t)k;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	assert_non_null(strstr(buf, "HTTP/1.1 100 Continue"));
}

static int slow_post_end(struct slow_post *s)
{
	send_all(s->fd, s->body, strlen(s->body));
	struct reply rep;
	read_reply(s->fd, &rep);
	close(s->fd);
	int status = rep.status;
	reply_release(&rep);
	return status;
}

static void *finish_after_200ms(void *arg)
{
	usleep(200 * 1000);
	assert_int_equal(slow_post_end(arg), 200);
	return NULL;
}

static void test_take_waits_for_a_request_in_progress(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	otlp_receiver_open(r, 0);
	char *body = traces("{\"intValue\":0}", 1, 5, "0");
	struct slow_post s = {otlp_receiver_port(r), body, -1};
	slow_post_begin(&s);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, finish_after_200ms, &s), 0);
	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	int64_t t0 = clock_monotonic_ns();
	otlp_receiver_take(r, 20000, &c, &p);
	int64_t waited = clock_monotonic_ns() - t0;
	pthread_join(t, NULL);
	assert_int_equal(c.export_requests, 1);
	assert_int_equal(c.events_retained, 5);
	assert_true(waited >= 150 * CLOCK_NS_PER_MS);
	assert_true(waited < 20000 * CLOCK_NS_PER_MS);
	assert_no_problems(&p);

	/* linger_ms bounds the wait; the body that arrives after it is a late export */
	otlp_receiver_open(r, 1);
	char *late = traces("{\"intValue\":1}", 2, 1, "0");
	struct slow_post s2 = {otlp_receiver_port(r), late, -1};
	slow_post_begin(&s2);
	t0 = clock_monotonic_ns();
	otlp_receiver_take(r, 100, &c, &p);
	waited = clock_monotonic_ns() - t0;
	assert_true(waited >= 100 * CLOCK_NS_PER_MS);
	assert_true(waited < 10000 * CLOCK_NS_PER_MS);
	assert_int_equal(c.export_requests, 0);
	assert_int_equal(slow_post_end(&s2), 200);
	otlp_receiver_open(r, 2);
	otlp_receiver_take(r, 0, &c, &p);
	assert_int_equal(p.late_exports, 1);
	assert_int_equal(p.late_spans, 2);
	otlp_problems_release(&p);
	free(body);
	free(late);
	otlp_receiver_stop(r);
}

/* A client that goes away mid-request completes its request: a take does not wait for it. */
static void test_client_gone_mid_request(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	otlp_receiver_open(r, 0);
	char *body = traces("{\"intValue\":0}", 1, 1, "0");
	struct slow_post s = {otlp_receiver_port(r), body, -1};
	slow_post_begin(&s);
	send_all(s.fd, body, 5);
	close(s.fd);
	struct otlp_dispatch_counts c;
	struct otlp_problems p;
	int64_t t0 = clock_monotonic_ns();
	otlp_receiver_take(r, 20000, &c, &p);
	assert_true(clock_monotonic_ns() - t0 < 10000 * CLOCK_NS_PER_MS);
	assert_int_equal(c.export_requests, 0);
	assert_no_problems(&p);
	free(body);
	otlp_receiver_stop(r);
}

/* Stopping with connections open (one mid-headers, one mid-body) frees everything (ASan's leak
 * check) and closes them. */
static void test_stop_with_connections_open(void **state)
{
	(void)state;
	struct otlp_receiver *r = start();
	otlp_receiver_open(r, 0);
	int idle = connect_to(otlp_receiver_port(r));
	send_all(idle, "POST /v1/tra", 12);
	struct slow_post s = {otlp_receiver_port(r), "{\"resourceSpans\":[]}", -1};
	slow_post_begin(&s);
	send_all(s.fd, "{\"resource", 10);
	otlp_receiver_stop(r);
	char buf[64];
	assert_true(recv(idle, buf, sizeof(buf), 0) <= 0);
	assert_true(recv(s.fd, buf, sizeof(buf), 0) <= 0);
	close(idle);
	close(s.fd);
	otlp_receiver_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_json),
	    cmocka_unit_test(test_chunked),
	    cmocka_unit_test(test_gzip),
	    cmocka_unit_test(test_protobuf_refused),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_wrong_path_and_method),
	    cmocka_unit_test(test_late_export),
	    cmocka_unit_test(test_unattributed),
	    cmocka_unit_test(test_dropped_as_string),
	    cmocka_unit_test(test_oversized),
	    cmocka_unit_test(test_concurrent_posts),
	    cmocka_unit_test(test_take_waits_for_a_request_in_progress),
	    cmocka_unit_test(test_client_gone_mid_request),
	    cmocka_unit_test(test_stop_with_connections_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
