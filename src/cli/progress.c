/* Run progress on stderr: cell, dispatch i/N, elapsed and estimated remaining time; a cell's
 * result when it ends. */
#include "cli/progress.h"

#include "report/cell_result.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/units.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Erases the updating line so that what follows starts at column 0. */
#define CLEAR_LINE "\r\033[K"

void progress_init(struct progress *p, FILE *out, size_t total, size_t already, bool quiet)
{
	terminal_init(&p->term, out);
	p->quiet = quiet;
	p->start_ns = clock_monotonic_ns();
	p->total = total;
	p->done = already;
	p->resumed_at = already;
	p->session = NULL;
}

void progress_dispatch(struct progress *p, const char *cell, const char *phase, int round,
                       const char *arm)
{
	size_t finished = p->done - p->resumed_at; /* finished in this session */
	p->done++;
	if (p->quiet)
		return;
	int64_t elapsed_ms = (clock_monotonic_ns() - p->start_ns) / CLOCK_NS_PER_MS;
	char elapsed[32], left[32] = "?";
	format_duration_ms(elapsed_ms, elapsed, sizeof(elapsed));
	if (finished > 0)
		format_duration_ms(elapsed_ms * (int64_t)(p->total - p->done + 1) /
		                       (int64_t)finished,
		                   left, sizeof(left));
	FILE *out = p->term.out;
	if (!p->term.tty) {
		fprintf(out, "[%zu/%zu] %s %s r%d %s  %s elapsed, ~%s left\n", p->done, p->total,
		        cell, phase, round, arm, elapsed, left);
		fflush(out);
		return;
	}
	/* the count and the time left first: what is cut when the window is narrow is the tail.
	 * One column stays free, so that the cursor never wraps onto a new line. */
	char line[512];
	int n = snprintf(line, sizeof(line), "[%zu/%zu] %s, ~%s left  %s %s r%d %s", p->done,
	                 p->total, elapsed, left, cell, phase, round, arm);
	size_t width = terminal_width(&p->term);
	size_t fit = width > 1 ? width - 1 : 1;
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof(line) ? sizeof(line) - 1 : (size_t)n;
	if (len > fit) {
		len = fit;
		if (fit > 6)
			memcpy(line + fit - 3, "...", 3);
	}
	fprintf(out, CLEAR_LINE "%.*s", (int)len, line);
	fflush(out);
}

/* Prints text (one line) wrapped to the terminal, the updating line cleared first. */
static void print_wrapped(struct progress *p, const char *text, const char *first, size_t rest)
{
	struct strbuf sb;
	strbuf_init(&sb);
	terminal_wrap(&sb, text, terminal_width(&p->term), first, rest);
	fprintf(p->term.out, "%s%s", p->term.tty ? CLEAR_LINE : "", sb.buf);
	strbuf_release(&sb);
}

void progress_note(struct progress *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	print_wrapped(p, sb.buf, "", 2);
	strbuf_release(&sb);
	fflush(p->term.out);
}

void progress_finish(struct progress *p)
{
	if (p->term.tty && !p->quiet)
		fputs(CLEAR_LINE, p->term.out);
	fflush(p->term.out);
}

/* The cell's verdict and numbers from the samples the session holds: the same verdict the run's
 * verdicts.json will give it, since verdicts are computed per cell. */
static void cell_end(struct progress *p, size_t cell)
{
	const struct run_session *s = p->session;
	const char *name = s->matrix->cells[cell].name;
	struct verdict_set v;
	if (verdicts_compute(s->matrix, &cell, 1, s->samples, s->n_samples, &v) < 0)
		return;
	if (v.n_cells == 1) {
		const struct sample **cs = xcalloc(s->n_samples + 1, sizeof(*cs));
		size_t n_cs = 0;
		for (size_t i = 0; i < s->n_samples; i++)
			if (strcmp(s->samples[i].cell, name) == 0)
				cs[n_cs++] = &s->samples[i];
		struct strbuf lines;
		strbuf_init(&lines);
		cell_result_format(s->matrix, &v.cells[0], cs, n_cs, &lines);
		free(cs);
		const char *verdict = cell_verdict_name(v.cells[0].verdict);
		/* the header is cut rather than wrapped: a cell name has no spaces to wrap at */
		size_t width = terminal_width(&p->term);
		size_t room = strlen("cell : ") + strlen(verdict);
		int name_len = width > room && strlen(name) > width - room ? (int)(width - room)
		                                                           : (int)strlen(name);
		fprintf(p->term.out, "%scell %.*s: %s%s%s\n", p->term.tty ? CLEAR_LINE : "",
		        name_len, name, terminal_verdict_colour(&p->term, v.cells[0].verdict),
		        verdict, terminal_reset(&p->term));
		for (char *line = lines.buf, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
			*nl = '\0';
			print_wrapped(p, line, "    ", 6);
		}
		strbuf_release(&lines);
		fflush(p->term.out);
	}
	verdict_set_release(&v);
}

static void on_session_event(void *ctx, enum session_event ev, const struct plan_dispatch *pd)
{
	struct progress *p = ctx;
	const struct matrix *m = p->session->matrix;
	const char *cell = m->cells[pd->cell].name;
	switch (ev) {
	case SESSION_CELL_SKIP:
		if (!p->quiet)
			progress_note(p,
			              "cell %s: calibration not clean; its timed dispatches are "
			              "skipped (on_fail: skip-cell)",
			              cell);
		break;
	case SESSION_DISPATCH_SKIP:
		p->done++;
		break;
	case SESSION_DISPATCH_START:
		progress_dispatch(p, cell, plan_phase_name(pd->phase), pd->round,
		                  m->arms[pd->arm].name);
		break;
	case SESSION_CELL_END:
		if (!p->quiet)
			cell_end(p, pd->cell);
		break;
	}
}

struct session_observer progress_observer(struct progress *p)
{
	return (struct session_observer){on_session_event, p};
}
