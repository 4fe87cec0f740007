/* Resolving a dispatch's workload argv and env: built-in flags or the command's placeholders. */
#include "plan/workload_argv.h"

#include "otlp/receiver.h"
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
	/* paths inside the run directory and the receiver's port: the runner knows them, the plan
	 * does not */
	if (strcmp(name, "work_dir") == 0 || strcmp(name, "trace_out") == 0 ||
	    strcmp(name, "otlp_endpoint") == 0)
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

/* The built-in workload's flags; argv[0] is "tare", which the runner replaces with its own
 * binary. */
static size_t builtin_argv(const struct resolve_ctx *r, bool spans, struct arena *arena,
                           char ***out)
{
	const char *base[] = {"tare",          "workload",     "--kernel-events", r->kernel_events,
	                      "--concurrency", r->concurrency, "--payload",       r->payload_bytes,
	                      "--work-dir",    "{work_dir}"};
	const char *span[] = {"--span-events",     r->span_events, "--span-event-limit",
	                      r->span_event_limit, "--trace-out",  "{trace_out}"};
	size_t nb = sizeof(base) / sizeof(base[0]), ns = spans ? sizeof(span) / sizeof(span[0]) : 0;
	*out = arena_alloc(arena, (nb + ns) * sizeof(char *));
	for (size_t i = 0; i < nb; i++)
		(*out)[i] = arena_strdup(arena, base[i]);
	for (size_t i = 0; i < ns; i++)
		(*out)[nb + i] = arena_strdup(arena, span[i]);
	return nb + ns;
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

/* Appends the expanded templates to pd->argv (which has room for them). */
static int expand_argv(char *const *tmpl, size_t n, struct resolve_ctx *r, const struct matrix *m,
                       struct arena *arena, struct strbuf *sb, const char *what,
                       struct plan_dispatch *pd, struct diag_list *d)
{
	for (size_t i = 0; i < n; i++) {
		char *arg = expand_one(tmpl[i], r, m, arena, sb, what, d);
		if (!arg)
			return -1;
		pd->argv[pd->argc++] = arg;
	}
	return 0;
}

/* The workload's env with the arm's merged over it (the arm's value wins), sorted by name: both
 * inputs are sorted, so one merge pass. */
static int merge_env(const struct matrix *m, const struct matrix_arm *a, struct resolve_ctx *r,
                     struct arena *arena, struct strbuf *sb, struct plan_dispatch *pd,
                     struct diag_list *d)
{
	const struct matrix_workload *w = &m->workload;
	size_t n = w->env_len + a->env_len, i = 0, j = 0;
	pd->env = arena_alloc(arena, (n ? n : 1) * sizeof(*pd->env));
	while (i < w->env_len || j < a->env_len) {
		int c = i == w->env_len   ? 1
		        : j == a->env_len ? -1
		                          : strcmp(w->env[i].name, a->env[j].name);
		const struct matrix_env *e = c < 0 ? &w->env[i] : &a->env[j];
		const char *what = c < 0 ? "workload.env" : "arm env";
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
		char *value = expand_one(e->value, r, m, arena, sb, what, d);
		if (!value)
			return -1;
		pd->env[pd->env_len].name = arena_strdup(arena, e->name);
		pd->env[pd->env_len++].value = value;
	}
	return 0;
}

/* The variables an OpenTelemetry SDK reads to export to tare's receiver, sorted by name. The
 * endpoint stays a placeholder until the runner knows the port. */
static const struct matrix_env otlp_injected[] = {
    {"OTEL_EXPORTER_OTLP_ENDPOINT", "{otlp_endpoint}"},
    {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"},
    {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "{otlp_endpoint}/v1/traces"},
    {"OTEL_RESOURCE_ATTRIBUTES", NULL}, /* tare.dispatch=<index>, after what the matrix sets */
};
#define N_OTLP_INJECTED (sizeof(otlp_injected) / sizeof(otlp_injected[0]))

/* Adds otlp_injected to pd->env (sorted, resolved). The matrix's value wins where it names the
 * same variable (an arm that asks for http/protobuf gets it, and the receiver says why it
 * refused), except that tare.dispatch is always appended to OTEL_RESOURCE_ATTRIBUTES: the
 * receiver attributes spans by it, and a later key wins where the SDK parses duplicates. */
static void inject_otlp_env(struct arena *arena, struct strbuf *sb, struct plan_dispatch *pd)
{
	size_t n = pd->env_len + N_OTLP_INJECTED, i = 0, j = 0, k = 0;
	struct matrix_env *env = arena_alloc(arena, n * sizeof(*env));
	while (i < pd->env_len || j < N_OTLP_INJECTED) {
		int c = i == pd->env_len       ? 1
		        : j == N_OTLP_INJECTED ? -1
		                               : strcmp(pd->env[i].name, otlp_injected[j].name);
		if (c < 0) {
			env[k++] = pd->env[i++];
			continue;
		}
		const struct matrix_env *inj = &otlp_injected[j++];
		struct matrix_env e =
		    c == 0 ? pd->env[i++]
		           : (struct matrix_env){arena_strdup(arena, inj->name),
		                                 arena_strdup(arena, inj->value ? inj->value : "")};
		if (!inj->value) {
			strbuf_reset(sb);
			if (*e.value)
				strbuf_addf(sb, "%s,", e.value);
			strbuf_addf(sb, "%s=%zu", OTLP_DISPATCH_ATTRIBUTE, pd->index);
			e.value = arena_strndup(arena, sb->buf, sb->len);
		}
		env[k++] = e;
	}
	pd->env = env;
	pd->env_len = k;
}

int plan_workload_resolve(const struct matrix *m, struct arena *arena, struct strbuf *scratch,
                          struct plan_dispatch *pd, struct diag_list *d)
{
	struct resolve_ctx r;
	resolve_ctx_init(&r, m, pd);
	const struct matrix_arm *a = &m->arms[pd->arm];
	char **builtin = NULL;
	size_t n_builtin = 0;
	/* an arm's command replaces the workload's; the matrix loader makes sure there is one
	 * unless the workload is the built-in one */
	char *const *cmd = a->command ? a->command : m->workload.command;
	size_t n_cmd = a->command ? a->command_len : m->workload.command_len;
	pd->builtin = m->workload.builtin && !a->command;
	if (pd->builtin)
		n_builtin = builtin_argv(&r, a->spans, arena, &builtin);
	pd->wrap_len = a->wrap_len;
	pd->argv = arena_alloc(arena, (a->wrap_len + n_builtin + n_cmd + 1) * sizeof(char *));
	pd->argc = 0;
	if (expand_argv(a->wrap, a->wrap_len, &r, m, arena, scratch, "arm wrap", pd, d) < 0)
		return -1;
	for (size_t i = 0; i < n_builtin; i++)
		pd->argv[pd->argc++] = builtin[i];
	if (!pd->builtin && expand_argv(cmd, n_cmd, &r, m, arena, scratch,
	                                a->command ? "arm command" : "workload.command", pd, d) < 0)
		return -1;
	pd->argv[pd->argc] = NULL;
	if (merge_env(m, a, &r, arena, scratch, pd, d) < 0)
		return -1;
	if (a->otlp)
		inject_otlp_env(arena, scratch, pd);
	return 0;
}
