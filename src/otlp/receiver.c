/* The receiver's life and its counts: start and stop libmicrohttpd, open and take a dispatch. */
#include "otlp/receiver.h"

#include "otlp/dispatch_attr.h"
#include "otlp/receiver_state.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* An idle keep-alive connection, or a client that stopped mid-request, is closed after this long;
 * a stalled request holds a take back only for its linger_ms. */
#define CONNECTION_TIMEOUT_S 30u
/* More than any one workload's exporters open at once; beyond, connections are refused. */
#define CONNECTION_LIMIT 64u

static size_t taken_lower_bound(const struct otlp_receiver *r, uint64_t dispatch)
{
	size_t lo = 0, hi = r->n_taken;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->taken[mid] < dispatch)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_taken(const struct otlp_receiver *r, uint64_t dispatch)
{
	size_t i = taken_lower_bound(r, dispatch);
	return i < r->n_taken && r->taken[i] == dispatch;
}

static void mark_taken(struct otlp_receiver *r, uint64_t dispatch)
{
	size_t i = taken_lower_bound(r, dispatch);
	if (i < r->n_taken && r->taken[i] == dispatch)
		return;
	r->taken = xgrow(r->taken, &r->cap_taken, r->n_taken + 1, sizeof(*r->taken));
	memmove(r->taken + i + 1, r->taken + i, (r->n_taken - i) * sizeof(*r->taken));
	r->taken[i] = dispatch;
	r->n_taken++;
}

/* Under the lock. */
static void keep_first_error(struct otlp_receiver *r, const char *message)
{
	if (!r->problems.first_error)
		r->problems.first_error = xstrdup(message);
}

void otlp_receiver_count(struct otlp_receiver *r, const struct otlp_resource_spans *entries,
                         size_t n, uint64_t body_bytes)
{
	int64_t now = clock_monotonic_ns();
	pthread_mutex_lock(&r->lock);
	bool for_open = false, late = false;
	for (size_t i = 0; i < n; i++) {
		uint64_t dispatch = 0;
		const char *why = NULL;
		enum otlp_dispatch_attr a =
		    otlp_dispatch_attr_read(entries[i].entry, &dispatch, &why);
		if (a == OTLP_DISPATCH_FOUND && r->is_open && dispatch == r->open_dispatch) {
			struct otlp_span_totals t = entries[i].totals;
			r->counts.spans += t.spans;
			r->counts.events_retained += t.events_retained;
			r->counts.events_dropped += t.events_dropped;
			r->counts.attributes_dropped += t.attributes_dropped;
			r->counts.links_dropped += t.links_dropped;
			for_open = true;
		} else if (a == OTLP_DISPATCH_FOUND && is_taken(r, dispatch)) {
			r->problems.late_spans += entries[i].totals.spans;
			late = true;
		} else {
			r->problems.unattributed++;
			if (a == OTLP_DISPATCH_INVALID) {
				keep_first_error(r, why);
			} else if (a == OTLP_DISPATCH_ABSENT) {
				keep_first_error(
				    r,
				    "spans without the resource attribute '" OTLP_DISPATCH_ATTRIBUTE
				    "' (is OTEL_RESOURCE_ATTRIBUTES passed to the exporter?)");
			} else {
				char *m = xasprintf("spans for dispatch %" PRIu64
				                    ", which is neither open nor taken",
				                    dispatch);
				keep_first_error(r, m);
				free(m);
			}
		}
	}
	if (for_open) {
		r->counts.export_requests++;
		r->counts.bytes += body_bytes;
		r->counts.last_export_ns = now;
	}
	if (late)
		r->problems.late_exports++;
	pthread_mutex_unlock(&r->lock);
}

void otlp_receiver_refused(struct otlp_receiver *r, enum otlp_refusal kind, const char *message)
{
	pthread_mutex_lock(&r->lock);
	if (kind == OTLP_REFUSED_PROTOBUF)
		r->problems.protobuf_refused++;
	else
		r->problems.malformed++;
	keep_first_error(r, message);
	pthread_mutex_unlock(&r->lock);
}

void otlp_receiver_note(struct otlp_receiver *r, const char *message)
{
	pthread_mutex_lock(&r->lock);
	keep_first_error(r, message);
	pthread_mutex_unlock(&r->lock);
}

struct otlp_receiver *otlp_receiver_start(struct diag_list *d)
{
	struct otlp_receiver *r = xcalloc(1, sizeof(*r));
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	/* take's deadline is on the monotonic clock (util/clock.h), so the wait must be too */
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->idle, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&r->lock, NULL);

	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* One internal polling thread serves every connection: a run's dispatches are one at a
	 * time, so a few exporter connections at most are open together, and parsing one body at a
	 * time costs them nothing that matters; a thread per connection would start one for every
	 * keep-alive connection of every workload. poll(), not epoll: libmicrohttpd 0.9.75's
	 * edge-triggered epoll mode misses a client's close that arrives with the last bytes of an
	 * unfinished body, which left the request in progress (and every take waiting its linger)
	 * until the connection timed out. No MHD_USE_ERROR_LOG: what goes wrong with a request is
	 * answered and counted, not printed over the progress line. */
	errno = 0;
	r->daemon = MHD_start_daemon(
	    MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL, otlp_http_access, r, MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, otlp_http_uri_log, r,
	    MHD_OPTION_NOTIFY_COMPLETED, otlp_http_completed, r, MHD_OPTION_CONNECTION_TIMEOUT,
	    CONNECTION_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, MHD_OPTION_END);
	if (!r->daemon) {
		diag_error(d, "otlp.listen", NULL,
		           "cannot start the otlp receiver on 127.0.0.1: %s",
		           errno ? strerror(errno) : "libmicrohttpd refused to start");
		goto fail;
	}
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || info->port == 0) {
		diag_error(d, "otlp.listen", NULL,
		           "cannot read the port the otlp receiver listens on from libmicrohttpd");
		goto fail;
	}
	r->port = info->port;
	return r;
fail:
	otlp_receiver_stop(r);
	return NULL;
}

uint16_t otlp_receiver_port(const struct otlp_receiver *r)
{
	return r->port;
}

void otlp_receiver_open(struct otlp_receiver *r, uint64_t dispatch)
{
	pthread_mutex_lock(&r->lock);
	/* a dispatch opened without the previous one taken: its counts are lost, and its later
	 * exports are late rather than mixed into this one's */
	if (r->is_open)
		mark_taken(r, r->open_dispatch);
	r->is_open = true;
	r->open_dispatch = dispatch;
	memset(&r->counts, 0, sizeof(r->counts));
	pthread_mutex_unlock(&r->lock);
}

void otlp_receiver_take(struct otlp_receiver *r, int linger_ms, struct otlp_dispatch_counts *counts,
                        struct otlp_problems *problems)
{
	int64_t deadline = clock_monotonic_ns() + (linger_ms > 0 ? linger_ms : 0) * CLOCK_NS_PER_MS;
	pthread_mutex_lock(&r->lock);
	while (r->in_progress > 0) {
		if (clock_monotonic_ns() >= deadline)
			break;
		struct timespec ts = {.tv_sec = (time_t)(deadline / CLOCK_NS_PER_SEC),
		                      .tv_nsec = (long)(deadline % CLOCK_NS_PER_SEC)};
		pthread_cond_timedwait(&r->idle, &r->lock, &ts);
	}
	if (r->is_open) {
		*counts = r->counts;
		mark_taken(r, r->open_dispatch);
	} else {
		memset(counts, 0, sizeof(*counts));
	}
	r->is_open = false;
	memset(&r->counts, 0, sizeof(r->counts));
	*problems = r->problems;
	memset(&r->problems, 0, sizeof(r->problems));
	pthread_mutex_unlock(&r->lock);
}

void otlp_problems_release(struct otlp_problems *p)
{
	free(p->first_error);
	memset(p, 0, sizeof(*p));
}

void otlp_receiver_stop(struct otlp_receiver *r)
{
	if (!r)
		return;
	/* joins the polling thread; open connections are closed and their requests completed
	 * (otlp_http_completed frees them) before it returns */
	if (r->daemon)
		MHD_stop_daemon(r->daemon);
	otlp_problems_release(&r->problems);
	free(r->taken);
	pthread_cond_destroy(&r->idle);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
