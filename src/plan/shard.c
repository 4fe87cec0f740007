/* Shard assignment: per-cell time estimates and the longest-first greedy deal over N shards. */
#include "plan/shard.h"

#include "util/xalloc.h"

#include <stdlib.h>

/* The model behind the estimate, fitted to the starter matrix run with the built-in workload on
 * this project's 2-core VMs (10.2 s for 60 dispatches): a dispatch costs about 50 ms whatever it
 * does (a fresh cgroup, spawn, capture attach, drain, detach, judging, the sample line); each
 * file event (open, write, close on a fresh path) about 2 ms, plus its payload at about 1 GB/s;
 * a span event a few microseconds. Concurrency is left out: on two cores it mostly adds
 * contention, not speed. */
#define EST_DISPATCH_US          50000
#define EST_KERNEL_EVENT_US      2000
#define EST_PAYLOAD_BYTES_PER_US 1000
#define EST_SPAN_EVENT_US        3

size_t plan_cell_dispatches(const struct matrix *m, const struct matrix_cell *c)
{
	size_t rounds = m->gates.preflight ? 1 : 0;
	rounds += c->warmups > 0 ? (size_t)c->warmups : 0;
	rounds += c->repetitions > 0 ? (size_t)c->repetitions : 0;
	return rounds * c->n_compare;
}

static uint64_t nonneg(int64_t v)
{
	return v > 0 ? (uint64_t)v : 0;
}

uint64_t plan_cell_estimate_us(const struct matrix *m, const struct matrix_cell *c)
{
	uint64_t events = nonneg(c->kernel_events.value);
	uint64_t per_event =
	    EST_KERNEL_EVENT_US + nonneg(c->payload_bytes.value) / EST_PAYLOAD_BYTES_PER_US;
	uint64_t per_dispatch =
	    EST_DISPATCH_US + events * per_event + nonneg(c->span_events.value) * EST_SPAN_EVENT_US;
	return per_dispatch * plan_cell_dispatches(m, c);
}

struct ranked {
	size_t pos; /* position in the selection (matrix order) */
	uint64_t us;
};

static int longest_first(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->us != y->us)
		return x->us > y->us ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void plan_shard_assign(const struct matrix *m, const size_t *cells, size_t n, int count,
                       int *shard_of)
{
	struct ranked *r = xcalloc(n ? n : 1, sizeof(*r));
	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){i, plan_cell_estimate_us(m, &m->cells[cells[i]])};
	qsort(r, n, sizeof(*r), longest_first);
	uint64_t *load = xcalloc((size_t)count, sizeof(*load));
	for (size_t i = 0; i < n; i++) {
		int best = 0;
		for (int s = 1; s < count; s++)
			if (load[s] < load[best])
				best = s;
		load[best] += r[i].us;
		shard_of[r[i].pos] = best;
	}
	free(load);
	free(r);
}
