/* The plan as a human table (`tare expand`'s default output). */
#include "plan/plan_table.h"

#include <inttypes.h>
#include <string.h>

void plan_format_duration(uint64_t ms, struct strbuf *out)
{
	if (ms < 1000) {
		strbuf_addf(out, ms ? "%" PRIu64 "ms" : "0s", ms);
		return;
	}
	uint64_t s = ms / 1000 + (ms % 1000 != 0);
	uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
	s %= 60;
	if (d)
		strbuf_addf(out, "%" PRIu64 "d %" PRIu64 "h %" PRIu64 "m %" PRIu64 "s", d, h, m, s);
	else if (h)
		strbuf_addf(out, "%" PRIu64 "h %" PRIu64 "m %" PRIu64 "s", h, m, s);
	else if (m)
		strbuf_addf(out, "%" PRIu64 "m %" PRIu64 "s", m, s);
	else
		strbuf_addf(out, "%" PRIu64 "s", s);
}

static void param(struct strbuf *out, const char *name, const struct matrix_param *mp)
{
	strbuf_addf(out, " %s=%" PRId64, name, mp->value);
	if (mp->label)
		strbuf_addf(out, " (%s)", mp->label);
}

static void cell_heading(struct strbuf *out, const struct matrix_cell *c)
{
	strbuf_addf(out, "cell %s:", c->name);
	param(out, "kernel_events", &c->kernel_events);
	param(out, "span_events", &c->span_events);
	param(out, "concurrency", &c->concurrency);
	param(out, "payload_bytes", &c->payload_bytes);
	strbuf_addf(out, " span_event_limit=%" PRId64 "\n", c->span_event_limit);
	strbuf_addf(out, "  order %s, tier %d, seed %" PRIu64 ", timeout ",
	            plan_order_name(c->order), c->tier, c->seed);
	plan_format_duration(c->timeout_ms > 0 ? (uint64_t)c->timeout_ms : 0, out);
	strbuf_addstr(out, "\n");
}

static int digits(size_t n)
{
	int w = 1;
	while (n >= 10) {
		n /= 10;
		w++;
	}
	return w;
}

/* The command column is for matrices that run something of their own; the built-in workload's
 * flags follow from the row and are in the plan JSON. */
static bool shows_command(const struct matrix *m)
{
	if (!m->workload.builtin || m->workload.env_len)
		return true;
	for (size_t i = 0; i < m->n_arms; i++)
		if (m->arms[i].command || m->arms[i].wrap || m->arms[i].env_len)
			return true;
	return false;
}

/* A word as a shell would need it to mean the one argument tare passes (never through a shell:
 * this is for reading and for copying into a terminal). */
static void shell_word(struct strbuf *out, const char *w)
{
	bool plain = *w != '\0';
	for (const char *c = w; *c && plain; c++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+="
		               ":,./{}-",
		               *c) != NULL;
	if (plain) {
		strbuf_addstr(out, w);
		return;
	}
	bool control = false;
	for (const char *c = w; *c && !control; c++)
		control = (unsigned char)*c < 0x20 || *c == 0x7f;
	if (control) {
		/* bash's $'…' keeps one dispatch on one row */
		strbuf_addstr(out, "$'");
		for (const char *c = w; *c; c++) {
			unsigned char u = (unsigned char)*c;
			if (u == '\n')
				strbuf_addstr(out, "\\n");
			else if (u == '\t')
				strbuf_addstr(out, "\\t");
			else if (u == '\\' || u == '\'')
				strbuf_addf(out, "\\%c", u);
			else if (u < 0x20 || u == 0x7f)
				strbuf_addf(out, "\\x%02x", u);
			else
				strbuf_addf(out, "%c", u);
		}
		strbuf_addstr(out, "'");
		return;
	}
	strbuf_addstr(out, "'");
	for (const char *c = w; *c; c++) {
		if (*c == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addf(out, "%c", *c);
	}
	strbuf_addstr(out, "'");
}

/* The dispatch's env assignments, then its argv, as one shell-like line. */
static void command_text(struct strbuf *out, const struct plan_dispatch *pd)
{
	for (size_t i = 0; i < pd->env_len; i++) {
		strbuf_addf(out, "%s=", pd->env[i].name);
		shell_word(out, pd->env[i].value);
		strbuf_addstr(out, " ");
	}
	for (size_t i = 0; i < pd->argc; i++) {
		if (i)
			strbuf_addstr(out, " ");
		shell_word(out, pd->argv[i]);
	}
}

/* The rows of one cell: dispatches [first, end). Column widths fit the widest value in the cell. */
static void cell_rows(struct strbuf *out, const struct plan *p, size_t first, size_t end)
{
	const struct matrix *m = p->matrix;
	int w_index = (int)strlen("index"), w_arm = (int)strlen("arm"),
	    w_round = (int)strlen("round");
	for (size_t i = first; i < end; i++) {
		const struct plan_dispatch *pd = &p->dispatches[i];
		int wa = (int)strlen(m->arms[pd->arm].name);
		w_arm = wa > w_arm ? wa : w_arm;
		w_index = digits(pd->index) > w_index ? digits(pd->index) : w_index;
		w_round = digits((size_t)pd->round) > w_round ? digits((size_t)pd->round) : w_round;
	}
	bool cmd = shows_command(m);
	strbuf_addf(out, "  %*s  %-9s  %*s  %4s  %-*s  %-7s  %s\n", w_index, "index", "phase",
	            w_round, "round", "slot", w_arm, "arm", "capture",
	            cmd ? "spans  command" : "spans");
	for (size_t i = first; i < end; i++) {
		const struct plan_dispatch *pd = &p->dispatches[i];
		const struct matrix_arm *a = &m->arms[pd->arm];
		strbuf_addf(out, "  %*zu  %-9s  %*d  %4d  %-*s  %-7s  ", w_index, pd->index,
		            plan_phase_name(pd->phase), w_round, pd->round, pd->slot, w_arm,
		            a->name, arm_capture_name(a->capture));
		/* "otlp": the arm's spans are counted by tare's receiver */
		const char *spans = a->otlp ? "otlp" : a->spans ? "yes" : "no";
		if (cmd) {
			strbuf_addf(out, "%-5s  ", spans);
			command_text(out, pd);
			strbuf_addstr(out, "\n");
		} else {
			strbuf_addf(out, "%s\n", spans);
		}
	}
}

static void total_line(struct strbuf *out, const struct plan *p)
{
	size_t by[3] = {0, 0, 0};
	uint64_t worst = 0;
	for (size_t i = 0; i < p->n_dispatches; i++) {
		const struct plan_dispatch *pd = &p->dispatches[i];
		int64_t t = p->matrix->cells[pd->cell].timeout_ms;
		by[pd->phase]++;
		if (t > 0)
			worst = UINT64_MAX - worst < (uint64_t)t ? UINT64_MAX : worst + (uint64_t)t;
	}
	strbuf_addf(out,
	            "%zu cell%s, %zu dispatch%s (%zu calibrate, %zu warmup, %zu measure); at most ",
	            p->n_cells, p->n_cells == 1 ? "" : "s", p->n_dispatches,
	            p->n_dispatches == 1 ? "" : "es", by[PHASE_CALIBRATE], by[PHASE_WARMUP],
	            by[PHASE_MEASURE]);
	plan_format_duration(worst, out);
	strbuf_addstr(out, " if every dispatch ran to its timeout\n");
}

void plan_table_write(const struct plan *p, struct strbuf *out)
{
	const struct matrix *m = p->matrix;
	strbuf_addf(out, "matrix %s (sha256 %.12s)\n", m->name, m->sha256);
	/* dispatches come cell by cell in the order of p->cells; walking the cells (not the
	 * dispatches) keeps the heading of a cell that has no rounds at all */
	size_t i = 0;
	for (size_t c = 0; c < p->n_cells; c++) {
		size_t end = i;
		while (end < p->n_dispatches && p->dispatches[end].cell == p->cells[c])
			end++;
		strbuf_addstr(out, "\n");
		cell_heading(out, &m->cells[p->cells[c]]);
		if (end > i)
			cell_rows(out, p, i, end);
		i = end;
	}
	strbuf_addstr(out, "\n");
	total_line(out, p);
}
