/* The sample record's lifetime, its enum names, and grouping by cell. */
#include "sample/sample.h"

#include "util/name_table.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *const agreement_names[] = {"not_applicable", "match", "clipped", "drift",
                                              "failed"};
static const char *const fidelity_names[] = {"clean", "lossy", "broken"};

const char *agreement_name(enum agreement a)
{
	return agreement_names[a];
}

int agreement_from_name(const char *name, enum agreement *out)
{
	int k = name_table_find(agreement_names, NAME_TABLE_LEN(agreement_names), name);
	if (k >= 0)
		*out = (enum agreement)k;
	return k < 0 ? -1 : 0;
}

const char *fidelity_name(enum fidelity f)
{
	return fidelity_names[f];
}

int fidelity_from_name(const char *name, enum fidelity *out)
{
	int k = name_table_find(fidelity_names, NAME_TABLE_LEN(fidelity_names), name);
	if (k >= 0)
		*out = (enum fidelity)k;
	return k < 0 ? -1 : 0;
}

void sample_init(struct sample *s)
{
	memset(s, 0, sizeof(*s));
	s->self_report_agrees = -1;
	s->kernel.limit = -1;
	s->span.limit = -1;
	s->resources.memory_peak_kib = -1;
	s->resources.memory_floor_kib = -1;
	s->resources.cpu_user_us = -1;
	s->resources.cpu_sys_us = -1;
	s->resources.capture_memory_kib = -1;
}

void sample_release(struct sample *s)
{
	free(s->cell);
	free(s->arm);
	for (size_t i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s->exec_error);
	free(s->otlp.first_error);
	free(s->count_failed);
	json_object_put(s->self_report);
	free(s->health_reason);
	free(s->discard_reason);
	free(s->resources.source);
	free(s->resources.reason);
	sample_init(s);
}

/* By cell name, then by position in the run's array: equal cells keep their record order. */
static int cmp_by_cell(const void *pa, const void *pb)
{
	const struct sample *a = *(const struct sample *const *)pa;
	const struct sample *b = *(const struct sample *const *)pb;
	int c = strcmp(a->cell, b->cell);
	return c ? c : (a > b) - (a < b);
}

void sample_groups_init(struct sample_groups *g, const struct sample *samples, size_t n)
{
	g->sorted = xcalloc(n ? n : 1, sizeof(*g->sorted));
	g->n = n;
	for (size_t i = 0; i < n; i++)
		g->sorted[i] = &samples[i];
	qsort(g->sorted, n, sizeof(*g->sorted), cmp_by_cell);
}

size_t sample_groups_find(const struct sample_groups *g, const char *cell,
                          const struct sample *const **first)
{
	size_t lo = 0, hi = g->n; /* first index whose cell is >= cell */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(g->sorted[mid]->cell, cell) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < g->n && strcmp(g->sorted[end]->cell, cell) == 0)
		end++;
	*first = g->sorted + lo;
	return end - lo;
}

void sample_groups_release(struct sample_groups *g)
{
	free(g->sorted);
	g->sorted = NULL;
	g->n = 0;
}
