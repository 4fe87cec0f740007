/* The built-in workload: setup, worker threads started together, pacing, and the self-report. */
#include "workload/workload.h"

#include "util/clock.h"
#include "util/write_all.h"
#include "util/xalloc.h"
#include "workload/latency_hist.h"
#include "workload/otlp_export.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* State every worker reads; the gate (mutex + condition) starts them together. */
struct shared {
	const struct workload_config *cfg;
	uint64_t n_ops;
	const char *payload;
	struct span_tracer *tracer; /* NULL: spans off */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint32_t ready; /* workers waiting at the gate */
	bool go;
	bool abort;        /* thread creation failed: leave without working */
	uint64_t start_ns; /* CLOCK_MONOTONIC, set before go */
};

struct worker {
	struct shared *sh;
	uint32_t id;
	pthread_t thread;
	bool started;
	struct latency_hist *hist;
	uint64_t done;
	uint64_t failed;
	/* the first failure, reported after the timed part (strerror is not called while timing) */
	int first_errno;
	uint64_t first_index;
	const char *first_op;
	char path[PATH_MAX];
	size_t prefix_len; /* path holds "D/sweep/worker-<w>/event-" up to here */
};

uint64_t workload_operations(const struct workload_config *cfg)
{
	uint64_t n = cfg->kernel_events;
	if (cfg->trace_out && cfg->span_events > n)
		n = cfg->span_events;
	return n;
}

uint32_t workload_worker_of(uint64_t i, uint32_t concurrency)
{
	return (uint32_t)(i % concurrency);
}

uint64_t workload_schedule_offset_ns(uint64_t i, double rate)
{
	/* IEEE multiplication and division are monotonic, so the schedule never goes backwards */
	double ns = (double)i * 1e9 / rate;
	if (!(ns < 9.2e18))
		return UINT64_C(9200000000000000000);
	return (uint64_t)ns;
}

static void sleep_until(uint64_t when_ns)
{
	struct timespec ts = {.tv_sec = (time_t)(when_ns / 1000000000u),
	                      .tv_nsec = (long)(when_ns % 1000000000u)};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void spin_for(uint64_t ns)
{
	uint64_t until = (uint64_t)clock_monotonic_ns() + ns;
	while ((uint64_t)clock_monotonic_ns() < until)
		;
}

static void note_failure(struct worker *w, uint64_t i, const char *op, int err)
{
	if (w->failed++ == 0) {
		w->first_errno = err;
		w->first_index = i;
		w->first_op = op;
	}
}

/* Event i: exactly one openat, of a new file, then the payload, then close. */
static void kernel_event(struct worker *w, uint64_t i)
{
	const struct workload_config *cfg = w->sh->cfg;
	snprintf(w->path + w->prefix_len, sizeof(w->path) - w->prefix_len, "%" PRIu64, i);
	int fd = openat(AT_FDCWD, w->path, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		note_failure(w, i, "openat", errno);
		return;
	}
	if (cfg->payload_bytes > 0 &&
	    write_all(fd, w->sh->payload, (size_t)cfg->payload_bytes) < 0) {
		note_failure(w, i, "write", errno);
		close(fd);
		return;
	}
	if (close(fd) < 0) {
		note_failure(w, i, "close", errno);
		return;
	}
	w->done++;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	const struct workload_config *cfg = sh->cfg;

	pthread_mutex_lock(&sh->lock);
	sh->ready++;
	pthread_cond_broadcast(&sh->cond);
	while (!sh->go && !sh->abort)
		pthread_cond_wait(&sh->cond, &sh->lock);
	bool abort = sh->abort;
	uint64_t start = sh->start_ns;
	pthread_mutex_unlock(&sh->lock);
	if (abort)
		return NULL;

	for (uint64_t i = w->id; i < sh->n_ops; i += cfg->concurrency) {
		uint64_t from;
		if (cfg->rate > 0) {
			/* open loop: latency counts from when the operation was due, so a stall
			 * shows up in every operation it delayed (no coordinated omission) */
			from = start + workload_schedule_offset_ns(i, cfg->rate);
			if ((uint64_t)clock_monotonic_ns() < from)
				sleep_until(from);
		} else {
			from = (uint64_t)clock_monotonic_ns();
		}
		if (i < cfg->kernel_events)
			kernel_event(w, i);
		if (sh->tracer && i < cfg->span_events)
			span_tracer_add_event(sh->tracer, (int64_t)i);
		if (cfg->extra_ns_per_event > 0)
			spin_for(cfg->extra_ns_per_event);
		latency_hist_record(w->hist, (uint64_t)clock_monotonic_ns() - from);
	}
	return NULL;
}

/* mkdir that accepts an existing directory: mkdir is not openat, so the setup adds nothing the
 * capture counts. */
static int make_dir(const char *path, struct diag_list *d)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	return diag_error(d, "workload.mkdir", NULL, "cannot create directory '%s': %s", path,
	                  strerror(errno));
}

static int prepare_worker(struct worker *w, const char *work_dir, struct diag_list *d)
{
	int n = snprintf(w->path, sizeof(w->path), "%s/sweep/worker-%" PRIu32, work_dir, w->id);
	if (n < 0 || (size_t)n + 32 >= sizeof(w->path))
		return diag_error(d, "workload.path", NULL, "work directory path too long: '%s'",
		                  work_dir);
	if (make_dir(w->path, d) < 0)
		return -1;
	w->prefix_len = (size_t)n + strlen("/event-");
	memcpy(w->path + n, "/event-", strlen("/event-") + 1);
	w->hist = latency_hist_new();
	return 0;
}

static int prepare_dirs(const struct workload_config *cfg, struct diag_list *d)
{
	char path[PATH_MAX];
	if (make_dir(cfg->work_dir, d) < 0)
		return -1;
	int n = snprintf(path, sizeof(path), "%s/sweep", cfg->work_dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return diag_error(d, "workload.path", NULL, "work directory path too long: '%s'",
		                  cfg->work_dir);
	return make_dir(path, d);
}

/* Starts every worker, opens the gate once all wait at it, and joins them. Returns the number of
 * workers that could not be started (they did nothing, and neither did the others). */
static int run_workers(struct shared *sh, struct worker *workers, uint32_t n, uint64_t *elapsed,
                       struct diag_list *d)
{
	int rc = 0;
	uint32_t started = 0;
	for (uint32_t i = 0; i < n; i++) {
		int err = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]);
		if (err) {
			rc = diag_error(d, "workload.thread", NULL,
			                "cannot start worker thread %" PRIu32 " of %" PRIu32 ": %s",
			                i, n, strerror(err));
			break;
		}
		workers[i].started = true;
		started++;
	}
	pthread_mutex_lock(&sh->lock);
	while (rc == 0 && sh->ready < started)
		pthread_cond_wait(&sh->cond, &sh->lock);
	sh->abort = rc < 0;
	sh->start_ns = (uint64_t)clock_monotonic_ns();
	sh->go = true;
	pthread_cond_broadcast(&sh->cond);
	pthread_mutex_unlock(&sh->lock);
	for (uint32_t i = 0; i < n; i++)
		if (workers[i].started)
			pthread_join(workers[i].thread, NULL);
	*elapsed = (uint64_t)clock_monotonic_ns() - sh->start_ns;
	return rc;
}

static void summarize(struct worker *workers, uint32_t n, struct latency_hist *all,
                      struct workload_result *out, const char *work_dir, struct diag_list *d)
{
	for (uint32_t i = 0; i < n; i++) {
		struct worker *w = &workers[i];
		latency_hist_merge(all, w->hist);
		out->kernel_done += w->done;
		out->kernel_failed += w->failed;
		if (w->failed)
			diag_error(d, "workload.event", NULL,
			           "worker %" PRIu32 ": %" PRIu64 " events failed, the first at "
			           "'%s/sweep/worker-%" PRIu32 "/event-%" PRIu64 "': %s: %s",
			           w->id, w->failed, work_dir, w->id, w->first_index, w->first_op,
			           strerror(w->first_errno));
	}
	out->latency = (struct workload_latency){
	    .p50 = latency_hist_quantile(all, 0.50),
	    .p90 = latency_hist_quantile(all, 0.90),
	    .p99 = latency_hist_quantile(all, 0.99),
	    .p99_9 = latency_hist_quantile(all, 0.999),
	    .p99_99 = latency_hist_quantile(all, 0.9999),
	    .max = latency_hist_max(all),
	    .count = latency_hist_count(all),
	};
}

static int open_trace(const char *path, struct diag_list *d)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		diag_error(d, "workload.trace-open", &(struct diag_loc){path, 0, 0, NULL},
		           "cannot create the trace file: %s", strerror(errno));
	return fd;
}

int workload_run(const struct workload_config *cfg, struct workload_result *out,
                 struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	out->spans_on = cfg->trace_out != NULL;
	if (cfg->concurrency == 0)
		return diag_error(d, "workload.usage", NULL, "concurrency must be at least 1");
	if (!(cfg->rate >= 0) || isinf(cfg->rate))
		return diag_error(d, "workload.usage", NULL, "rate must be a positive number");

	struct shared sh = {.cfg = cfg, .n_ops = workload_operations(cfg)};
	struct worker *workers = NULL;
	struct latency_hist *all = NULL;
	char *payload = NULL;
	int trace_fd = -1;
	int rc = -1;
	pthread_mutex_init(&sh.lock, NULL);
	pthread_cond_init(&sh.cond, NULL);

	if (prepare_dirs(cfg, d) < 0)
		goto cleanup;
	workers = xcalloc(cfg->concurrency, sizeof(*workers));
	all = latency_hist_new();
	if (cfg->payload_bytes > 0) {
		payload = xmalloc(cfg->payload_bytes);
		memset(payload, 'x', cfg->payload_bytes); /* touched now, not during timing */
	}
	sh.payload = payload;
	for (uint32_t i = 0; i < cfg->concurrency; i++) {
		workers[i].sh = &sh;
		workers[i].id = i;
		if (prepare_worker(&workers[i], cfg->work_dir, d) < 0)
			goto cleanup;
	}
	if (cfg->trace_out) {
		/* opened before the start, so no openat during the timed part but the events' */
		trace_fd = open_trace(cfg->trace_out, d);
		if (trace_fd < 0)
			goto cleanup;
		sh.tracer = span_tracer_new("workload", cfg->span_event_limit, d);
		if (!sh.tracer)
			goto cleanup;
		span_tracer_set_attr(sh.tracer, "tare.kernel_events", (int64_t)cfg->kernel_events);
		span_tracer_set_attr(sh.tracer, "tare.span_events", (int64_t)cfg->span_events);
		span_tracer_set_attr(sh.tracer, "tare.concurrency", (int64_t)cfg->concurrency);
	}

	if (run_workers(&sh, workers, cfg->concurrency, &out->elapsed_ns, d) < 0)
		goto cleanup;
	out->ran = true;
	summarize(workers, cfg->concurrency, all, out, cfg->work_dir, d);
	rc = out->kernel_failed > 0 ? -1 : 0;
	if (sh.tracer) {
		span_tracer_end(sh.tracer);
		span_tracer_get_counts(sh.tracer, &out->spans);
		if (otlp_export_fd(sh.tracer, trace_fd, cfg->trace_out, d) < 0)
			rc = -1;
		else
			out->trace_written = true;
	}

cleanup:
	if (trace_fd >= 0 && close(trace_fd) < 0 && rc == 0)
		rc = diag_error(d, "workload.trace-write",
		                &(struct diag_loc){cfg->trace_out, 0, 0, NULL},
		                "cannot write the trace: %s", strerror(errno));
	span_tracer_free(sh.tracer);
	for (uint32_t i = 0; workers && i < cfg->concurrency; i++)
		latency_hist_free(workers[i].hist);
	free(workers);
	latency_hist_free(all);
	free(payload);
	pthread_cond_destroy(&sh.cond);
	pthread_mutex_destroy(&sh.lock);
	return rc;
}

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

struct json_object *workload_report(const struct workload_config *cfg,
                                    const struct workload_result *r)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.workload-report.v1"));

	struct json_object *k = json_object_new_object();
	add_u64(k, "requested", cfg->kernel_events);
	add_u64(k, "done", r->kernel_done);
	add_u64(k, "failed", r->kernel_failed);
	json_object_object_add(o, "kernel_events", k);

	struct json_object *s = NULL;
	if (r->spans_on) {
		s = json_object_new_object();
		add_u64(s, "added", r->spans.added);
		add_u64(s, "retained", r->spans.retained);
		add_u64(s, "dropped", r->spans.dropped);
		add_u64(s, "limit", r->spans.limit);
	}
	json_object_object_add(o, "span_events", s);

	add_u64(o, "concurrency", cfg->concurrency);
	add_u64(o, "payload_bytes", cfg->payload_bytes);
	add_u64(o, "elapsed_ns", r->elapsed_ns);

	struct json_object *l = json_object_new_object();
	add_u64(l, "p50", r->latency.p50);
	add_u64(l, "p90", r->latency.p90);
	add_u64(l, "p99", r->latency.p99);
	add_u64(l, "p99_9", r->latency.p99_9);
	add_u64(l, "p99_99", r->latency.p99_99);
	add_u64(l, "max", r->latency.max);
	add_u64(l, "count", r->latency.count);
	json_object_object_add(o, "latency_ns", l);

	json_object_object_add(o, "rate", cfg->rate > 0 ? json_object_new_double(cfg->rate) : NULL);
	add_u64(o, "extra_ns_per_event", cfg->extra_ns_per_event);
	return o;
}
