/* The receiver's shared state (internal to otlp/): what the HTTP side (http.c) counts into and the
 * runner side (receiver.c) opens and takes, under one mutex. */
#ifndef TARE_OTLP_RECEIVER_STATE_H
#define TARE_OTLP_RECEIVER_STATE_H

#include "otlp/receiver.h"
#include "otlp/traces.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct otlp_receiver {
	struct MHD_Daemon *daemon;
	uint16_t port;

	pthread_mutex_t lock; /* everything below */
	pthread_cond_t idle;  /* broadcast when in_progress drops to 0 */
	unsigned in_progress; /* requests whose request line arrived and that have not completed */
	bool is_open;
	uint64_t open_dispatch;
	struct otlp_dispatch_counts counts; /* the open dispatch's */
	struct otlp_problems problems;      /* since the last take */
	uint64_t *taken;                    /* dispatches taken, ascending */
	size_t n_taken, cap_taken;
};

/* The kinds of otlp_receiver_refused. */
enum otlp_refusal { OTLP_REFUSED_PROTOBUF, OTLP_REFUSED_MALFORMED };

/* Counts a request's resourceSpans entries (walked, all valid) by their tare.dispatch:
 * the open dispatch's into counts (one export request and body_bytes per request), a taken
 * dispatch's as a late export, the rest as unattributed. */
void otlp_receiver_count(struct otlp_receiver *r, const struct otlp_resource_spans *entries,
                         size_t n, uint64_t body_bytes);

/* Counts a refused request and keeps message as the first error when there is none yet. */
void otlp_receiver_refused(struct otlp_receiver *r, enum otlp_refusal kind, const char *message);

/* Keeps message as the first error when there is none yet, counting nothing (a request not for
 * /v1/traces: not an export, but the likeliest reason an exporter's spans never arrive). */
void otlp_receiver_note(struct otlp_receiver *r, const char *message);

/* libmicrohttpd's callbacks (http.c); cls is the receiver. */
void *otlp_http_uri_log(void *cls, const char *uri, struct MHD_Connection *connection);
enum MHD_Result otlp_http_access(void *cls, struct MHD_Connection *connection, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls);
void otlp_http_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe);

#endif
