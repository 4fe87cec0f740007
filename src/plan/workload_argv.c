/* Resolving a dispatch's workload argv and env: built-in flags or the command's placeholders. */
#include "plan/workload_argv.h"

#include "util/strbuf.h"
#include "util/template.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The values a placeholder can take for one dispatch, formatted once. */
struct resolve_ctx {
	char kernel_events[24];
	char span_events[24];
	char concurrency[24];
	char payload_bytes[24];
	char span_event_limit[24];
	char round[16];
	char index[24];
	const char *cell;
	const char *arm;
	const char *phase;
	const char *unknown; /* the first placeholder nobody knows, for the diagnostic */
};

static const char *lookup(void *ctx, const char *name)
{
	struct resolve_ctx *r = ctx;
	static const struct {
		const char *name;
		size_t offset;
	} numeric[] = {
	    {"kernel_events", offsetof(struct resolve_ctx, kernel_events)},
	    {"span_events", offsetof(struct resolve_ctx, span_events)},
	    {"concurrency", offsetof(struct resolve_ctx, concurrency)},
	    {"payload_bytes", offsetof(struct resolve_ctx, payload_bytes)},
	    {"span_event_limit", offsetof(struct resolve_ctx, span_event_limit)},
	    {"round", offsetof(struct resolve_ctx, round)},
	    {"index", offsetof(struct resolve_ctx, index)},
	};
	for (size_t i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++)
		if (strcmp(name, numeric[i].name) == 0)
			return (const char *)r + numeric[i].offset;
	if (strcmp(name, "cell") == 0)
		return r->cell;
	if (strcmp(name, "arm") == 0)
		return r->arm;
	if (strcmp(name, "phase") == 0)
		return r->phase;
	/* paths inside the run directory: the runner knows them, the plan does not */
	if (strcmp(name, "work_dir") == 0 || strcmp(name, "trace_out") == 0)
		return NULL;
	if (!r->unknown)
		r->unknown = name;
	return NULL;
}

static void resolve_ctx_init(struct resolve_ctx *r, const struct matrix *m,
                             const struct plan_dispatch *pd)
{
	const struct matrix_cell *c = &m->cells[pd->cell];
	const struct matrix_arm *a = &m->arms[pd->arm];
	/* an arm without spans does no span work, so its workload is asked for none */
	int64_t spans = a->spans ? c->span_events.value : 0;
	snprintf(r->kernel_events, sizeof(r->kernel_events), "%" PRId64, c->kernel_events.value);
	snprintf(r->span_events, sizeof(r->span_events), "%" PRId64, spans);
	snprintf(r->concurrency, sizeof(r->concurrency), "%" PRId64, c->concurrency.value);
	snprintf(r->payload_bytes, sizeof(r->payload_bytes), "%" PRId64, c->payload_bytes.value);
	snprintf(r->span_event_limit, sizeof(r->span_event_limit), "%" PRId64, c->span_event_limit);
	snprintf(r->round, sizeof(r->round), "%d", pd->round);
	snprintf(r->index, sizeof(r->index), "%zu", pd->index);
	r->cell = c->name;
	r->arm = a->name;
	r->phase = plan_phase_name(pd->phase);
	r->unknown = NULL;
}

static void builtin_argv(const struct resolve_ctx *r, bool spans, struct arena *arena,
                         struct plan_dispatch *pd)
{
	const char *base[] = {"tare",          "workload",     "--kernel-events", r->kernel_events,
	                      "--concurrency", r->concurrency, "--payload",       r->payload_bytes,
	                      "--work-dir",    "{work_dir}"};
	const char *span[] = {"--span-events",     r->span_events, "--span-event-limit",
	                      r->span_event_limit, "--trace-out",  "{trace_out}"};
	size_t nb = sizeof(base) / sizeof(base[0]), ns = spans ? sizeof(span) / sizeof(span[0]) : 0;
	pd->argv = arena_alloc(arena, (nb + ns + 1) * sizeof(char *));
	for (size_t i = 0; i < nb; i++)
		pd->argv[pd->argc++] = arena_strdup(arena, base[i]);
	for (size_t i = 0; i < ns; i++)
		pd->argv[pd->argc++] = arena_strdup(arena, span[i]);
}

/* Expands one template into the arena; on failure appends a diagnostic naming where it came
 * from. */
static char *expand_one(const char *tmpl, struct resolve_ctx *r, const struct matrix *m,
                        struct arena *arena, struct strbuf *sb, const char *what,
                        struct diag_list *d)
{
	size_t off = 0;
	strbuf_reset(sb);
	r->unknown = NULL;
	if (template_expand(tmpl, lookup, r, 0, sb, &off) < 0) {
		diag_error(d, "plan.template", &(struct diag_loc){m->path, 0, 0, NULL},
		           "malformed placeholder in %s '%s' at byte %zu", what, tmpl, off);
		return NULL;
	}
	if (r->unknown) {
		diag_error(d, "plan.placeholder", &(struct diag_loc){m->path, 0, 0, NULL},
		           "unknown placeholder '{%s}' in %s '%s'", r->unknown, what, tmpl);
		return NULL;
	}
	return arena_strndup(arena, sb->buf, sb->len);
}

static int command_argv(const struct matrix *m, struct resolve_ctx *r, struct arena *arena,
                        struct strbuf *sb, struct plan_dispatch *pd, struct diag_list *d)
{
	const struct matrix_workload *w = &m->workload;
	pd->argv = arena_alloc(arena, (w->command_len + 1) * sizeof(char *));
	pd->env = arena_alloc(arena, (w->env_len ? w->env_len : 1) * sizeof(*pd->env));
	for (size_t i = 0; i < w->command_len; i++) {
		char *arg = expand_one(w->command[i], r, m, arena, sb, "workload.command", d);
		if (!arg)
			return -1;
		pd->argv[pd->argc++] = arg;
	}
	for (size_t i = 0; i < w->env_len; i++) {
		char *value = expand_one(w->env[i].value, r, m, arena, sb, "workload.env", d);
		if (!value)
			return -1;
		pd->env[pd->env_len].name = arena_strdup(arena, w->env[i].name);
		pd->env[pd->env_len++].value = value;
	}
	return 0;
}

int plan_workload_resolve(const struct matrix *m, struct arena *arena, struct strbuf *scratch,
                          struct plan_dispatch *pd, struct diag_list *d)
{
	struct resolve_ctx r;
	resolve_ctx_init(&r, m, pd);
	if (m->workload.builtin) {
		builtin_argv(&r, m->arms[pd->arm].spans, arena, pd);
		return 0;
	}
	return command_argv(m, &r, arena, scratch, pd, d);
}
