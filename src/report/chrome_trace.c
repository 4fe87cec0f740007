/* trace.json in Chrome Trace Event format (the JSON Object Format with "traceEvents"). */
#include "report/chrome_trace.h"

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CELL_LANE 0 /* tid of the lane that shows whole cells; arms are 1 + arm index */

static struct json_object *event(const char *ph, const char *name, int pid, int tid, int64_t ts_us)
{
	struct json_object *e = json_object_new_object();
	json_object_object_add(e, "name", json_object_new_string(name));
	json_object_object_add(e, "ph", json_object_new_string(ph));
	json_object_object_add(e, "pid", json_object_new_int(pid));
	json_object_object_add(e, "tid", json_object_new_int(tid));
	json_object_object_add(e, "ts", json_object_new_int64(ts_us));
	return e;
}

static void complete(struct json_object *events, const char *name, const char *cat, int pid,
                     int tid, int64_t ts_us, int64_t dur_us, struct json_object *args)
{
	struct json_object *e = event("X", name, pid, tid, ts_us);
	json_object_object_add(e, "cat", json_object_new_string(cat));
	json_object_object_add(e, "dur", json_object_new_int64(dur_us));
	if (args)
		json_object_object_add(e, "args", args);
	json_object_array_add(events, e);
}

static void thread_name(struct json_object *events, int pid, int tid, const char *name, int sort)
{
	struct json_object *e = event("M", "thread_name", pid, tid, 0);
	struct json_object *args = json_object_new_object();
	json_object_object_add(args, "name", json_object_new_string(name));
	json_object_object_add(e, "args", args);
	json_object_array_add(events, e);
	e = event("M", "thread_sort_index", pid, tid, 0);
	args = json_object_new_object();
	json_object_object_add(args, "sort_index", json_object_new_int(sort));
	json_object_object_add(e, "args", args);
	json_object_array_add(events, e);
}

static int arm_lane(const struct matrix *m, const char *arm)
{
	for (size_t i = 0; i < m->n_arms; i++)
		if (strcmp(m->arms[i].name, arm) == 0)
			return (int)i + 1;
	return (int)m->n_arms + 1;
}

/* Whole microseconds since the Unix epoch. Every slice edge is an instant rounded down once, and
 * a duration the difference of two edges: in a double, 1.7e15 µs with a fraction has a quarter
 * microsecond of resolution, so fractional times summed by a reader would break the nesting. */
static int64_t us(int64_t ns)
{
	return ns / 1000;
}

static struct json_object *dispatch_args(const struct sample *s)
{
	struct json_object *a = json_object_new_object();
	json_object_object_add(a, "index", json_object_new_int64((int64_t)s->index));
	json_object_object_add(a, "cell", json_object_new_string(s->cell));
	json_object_object_add(a, "arm", json_object_new_string(s->arm));
	json_object_object_add(a, "round", json_object_new_int(s->round));
	json_object_object_add(a, "valid", json_object_new_boolean(s->valid));
	if (s->discard_reason)
		json_object_object_add(a, "discard_reason",
		                       json_object_new_string(s->discard_reason));
	json_object_object_add(a, "kernel_events", json_object_new_int64(s->kernel.observed));
	json_object_object_add(a, "span_events", json_object_new_int64(s->span.observed));
	json_object_object_add(a, "exit_code", json_object_new_int(s->exit_code));
	return a;
}

/* One dispatch: the whole slice, its phases laid end to end inside it, and the counters. */
static void add_dispatch(struct json_object *events, const struct matrix *m, const struct sample *s,
                         int pid)
{
	int tid = arm_lane(m, s->arm);
	int64_t start_ns = s->start_unix_ns;
	int64_t end_ns = start_ns + s->attach_ns + s->wall_ns + s->drain_ns + s->detach_ns;
	int64_t start = us(start_ns), total = us(end_ns) - start;
	char name[256];
	snprintf(name, sizeof(name), "%s %s r%d", s->cell, plan_phase_name(s->phase), s->round);
	complete(events, name, plan_phase_name(s->phase), pid, tid, start, total, dispatch_args(s));
	const struct {
		const char *name;
		int64_t ns;
	} phases[] = {{"attach", s->attach_ns},
	              {"workload", s->wall_ns},
	              {"drain", s->drain_ns},
	              {"detach", s->detach_ns}};
	int64_t t = start_ns;
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		if (phases[i].ns > 0)
			complete(events, phases[i].name, "phase", pid, tid, us(t),
			         us(t + phases[i].ns) - us(t), NULL);
		t += phases[i].ns;
	}
	/* counters are tracks per process and name: one name per arm keeps the arms apart. The
	 * dispatch's counts hold while it runs and drop to 0 when it ends. */
	char track[192];
	snprintf(track, sizeof(track), "captured events (%s)", s->arm);
	for (int end = 0; end < 2; end++) {
		struct json_object *c = event("C", track, pid, tid, end ? start + total : start);
		struct json_object *args = json_object_new_object();
		json_object_object_add(args, "kernel",
		                       json_object_new_int64(end ? 0 : s->kernel.observed));
		json_object_object_add(args, "spans",
		                       json_object_new_int64(end ? 0 : s->span.observed));
		json_object_object_add(c, "args", args);
		json_object_array_add(events, c);
	}
}

/* Chrome's clock-sync marker: the trace's clock is the Unix epoch (CLOCK_REALTIME) in
 * microseconds, so another trace that records the same sync id can be aligned with it. */
static void clock_sync(struct json_object *events, int64_t t0_us)
{
	struct json_object *e = event("c", "clock_sync", 1, CELL_LANE, t0_us);
	struct json_object *args = json_object_new_object();
	json_object_object_add(args, "sync_id", json_object_new_string("tare-unix-epoch-us"));
	json_object_object_add(args, "issue_ts", json_object_new_int64(t0_us));
	json_object_object_add(e, "args", args);
	json_object_array_add(events, e);
}

/* A process: its name, the cell lane and one lane per arm. */
static void process(struct json_object *events, const struct matrix *m, int pid, const char *shard)
{
	struct json_object *pn = event("M", "process_name", pid, CELL_LANE, 0);
	struct json_object *args = json_object_new_object();
	char title[160];
	if (shard)
		snprintf(title, sizeof(title), "tare run %s shard %s", m->name, shard);
	else
		snprintf(title, sizeof(title), "tare run %s", m->name);
	json_object_object_add(args, "name", json_object_new_string(title));
	json_object_object_add(pn, "args", args);
	json_object_array_add(events, pn);
	thread_name(events, pid, CELL_LANE, "cells", 0);
	for (size_t i = 0; i < m->n_arms; i++)
		thread_name(events, pid, (int)i + 1, m->arms[i].name, (int)i + 1);
}

struct json_object *chrome_trace_build(const struct matrix *m, const struct sample *samples,
                                       size_t n)
{
	return chrome_trace_build_shards(m, samples, n, NULL);
}

struct json_object *chrome_trace_build_shards(const struct matrix *m, const struct sample *samples,
                                              size_t n, const struct chrome_trace_shards *sh)
{
	struct json_object *root = json_object_new_object();
	struct json_object *events = json_object_new_array();
	size_t n_proc = sh ? sh->n : 1;
	for (size_t p = 0; p < n_proc; p++)
		process(events, m, (int)p + 1, sh ? sh->names[p] : NULL);

	int64_t first = n ? samples[0].start_unix_ns : 0;
	for (size_t i = 1; i < n; i++)
		if (samples[i].start_unix_ns < first)
			first = samples[i].start_unix_ns;
	/* absolute time, microseconds since the Unix epoch: aligns with other traces */
	clock_sync(events, us(first));
	/* the cell lane: one slice from a cell's first dispatch to the end of its last */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		int64_t end = 0;
		while (j < n && strcmp(samples[j].cell, samples[i].cell) == 0) {
			const struct sample *s = &samples[j];
			int64_t e = s->start_unix_ns + s->attach_ns + s->wall_ns + s->drain_ns +
			            s->detach_ns;
			end = e > end ? e : end;
			j++;
		}
		int pid = sh ? (int)sh->of_sample[i] + 1 : 1;
		complete(events, samples[i].cell, "cell", pid, CELL_LANE,
		         us(samples[i].start_unix_ns), us(end) - us(samples[i].start_unix_ns),
		         NULL);
		i = j;
	}
	for (size_t i = 0; i < n; i++)
		add_dispatch(events, m, &samples[i], sh ? (int)sh->of_sample[i] + 1 : 1);
	json_object_object_add(root, "traceEvents", events);
	json_object_object_add(root, "displayTimeUnit", json_object_new_string("ms"));
	struct json_object *other = json_object_new_object();
	json_object_object_add(other, "matrix", json_object_new_string(m->name));
	json_object_object_add(other, "matrix_sha256", json_object_new_string(m->sha256));
	json_object_object_add(other, "clock", json_object_new_string("CLOCK_REALTIME"));
	json_object_object_add(other, "ts_unit",
	                       json_object_new_string("microseconds since the Unix epoch"));
	json_object_object_add(root, "otherData", other);
	return root;
}
