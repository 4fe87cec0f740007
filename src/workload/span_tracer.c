/* The in-process span tracer: one root span, a ring buffer of events that evicts the oldest. */
#include "workload/span_tracer.h"

#include "util/clock.h"
#include "util/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

struct span_tracer {
	const char *name;
	uint8_t trace_id[16];
	uint8_t span_id[8];
	uint64_t start_ns;
	uint64_t end_ns;
	bool ended;
	struct span_attr attrs[SPAN_TRACER_MAX_ATTRS];
	size_t n_attrs;

	pthread_mutex_t lock;
	uint32_t limit;
	struct span_event *ring; /* limit slots; the oldest retained event is at head */
	size_t head;
	size_t len;
	uint64_t added;
};

uint32_t span_event_limit_resolve(bool has_flag, uint32_t flag_value, const char *env,
                                  struct diag_list *d)
{
	if (has_flag)
		return flag_value;
	if (!env || !*env)
		return SPAN_EVENT_LIMIT_DEFAULT;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(env, &end, 10);
	if (env[0] < '0' || env[0] > '9' || *end || errno || v > UINT32_MAX) {
		diag_warning(d, "workload.env", NULL,
		             "ignoring OTEL_SPAN_EVENT_COUNT_LIMIT='%s': not a non-negative 32-bit "
		             "integer; using %u",
		             env, SPAN_EVENT_LIMIT_DEFAULT);
		return SPAN_EVENT_LIMIT_DEFAULT;
	}
	return (uint32_t)v;
}

/* Fills buf with random bytes, retrying on EINTR; an all-zero id is invalid in OpenTelemetry. */
static int random_id(uint8_t *buf, size_t n)
{
	for (int attempt = 0; attempt < 4; attempt++) {
		size_t got = 0;
		while (got < n) {
			ssize_t r = getrandom(buf + got, n - got, 0);
			if (r < 0) {
				if (errno == EINTR)
					continue;
				return -1;
			}
			got += (size_t)r;
		}
		for (size_t i = 0; i < n; i++)
			if (buf[i])
				return 0;
	}
	return -1;
}

struct span_tracer *span_tracer_new(const char *name, uint32_t limit, struct diag_list *d)
{
	struct span_tracer *t = xcalloc(1, sizeof(*t));
	if (limit > 0)
		t->ring = xcalloc(limit, sizeof(*t->ring));
	if (random_id(t->trace_id, sizeof(t->trace_id)) < 0 ||
	    random_id(t->span_id, sizeof(t->span_id)) < 0) {
		diag_error(d, "workload.random", NULL, "cannot get random span ids: %s",
		           strerror(errno));
		free(t->ring);
		free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	t->name = name;
	t->limit = limit;
	t->start_ns = (uint64_t)clock_realtime_ns();
	return t;
}

void span_tracer_free(struct span_tracer *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t->ring);
	free(t);
}

int span_tracer_set_attr(struct span_tracer *t, const char *key, int64_t value)
{
	if (t->n_attrs >= SPAN_TRACER_MAX_ATTRS)
		return -1;
	t->attrs[t->n_attrs++] = (struct span_attr){key, value};
	return 0;
}

void span_tracer_add_event(struct span_tracer *t, int64_t index)
{
	uint64_t now = (uint64_t)clock_realtime_ns();
	pthread_mutex_lock(&t->lock);
	if (t->ended) {
		pthread_mutex_unlock(&t->lock);
		return;
	}
	t->added++;
	if (t->limit > 0) {
		/* Go's evictedQueue and Python's BoundedList: a full buffer forgets its oldest
		 * entry */
		size_t slot = (t->head + t->len) % t->limit;
		t->ring[slot] = (struct span_event){now, index};
		if (t->len < t->limit)
			t->len++;
		else
			t->head = (t->head + 1) % t->limit;
	}
	pthread_mutex_unlock(&t->lock);
}

void span_tracer_end(struct span_tracer *t)
{
	pthread_mutex_lock(&t->lock);
	if (!t->ended) {
		t->ended = true;
		t->end_ns = (uint64_t)clock_realtime_ns();
	}
	pthread_mutex_unlock(&t->lock);
}

void span_tracer_get_counts(const struct span_tracer *t, struct span_tracer_counts *out)
{
	/* the lock guards the span's value without being part of it (C++'s `mutable`) */
	pthread_mutex_lock((pthread_mutex_t *)&t->lock);
	out->added = t->added;
	out->retained = t->len;
	out->dropped = t->added - t->len;
	out->limit = t->limit;
	pthread_mutex_unlock((pthread_mutex_t *)&t->lock);
}

const char *span_tracer_name(const struct span_tracer *t)
{
	return t->name;
}

const uint8_t *span_tracer_trace_id(const struct span_tracer *t)
{
	return t->trace_id;
}

const uint8_t *span_tracer_span_id(const struct span_tracer *t)
{
	return t->span_id;
}

uint64_t span_tracer_start_unix_ns(const struct span_tracer *t)
{
	return t->start_ns;
}

uint64_t span_tracer_end_unix_ns(const struct span_tracer *t)
{
	return t->end_ns;
}

size_t span_tracer_attr_count(const struct span_tracer *t)
{
	return t->n_attrs;
}

const struct span_attr *span_tracer_attr_at(const struct span_tracer *t, size_t i)
{
	return i < t->n_attrs ? &t->attrs[i] : NULL;
}

const struct span_event *span_tracer_event_at(const struct span_tracer *t, size_t i)
{
	if (i >= t->len)
		return NULL;
	return &t->ring[(t->head + i) % t->limit];
}
