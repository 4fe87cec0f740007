/* Run progress on stderr: cell, dispatch i/N, elapsed and estimated remaining time. */
#include "cli/progress.h"

#include "util/clock.h"
#include "util/units.h"

#include <stdarg.h>
#include <unistd.h>

void progress_init(struct progress *p, FILE *out, size_t total, size_t already, bool quiet)
{
	p->out = out;
	p->tty = isatty(fileno(out));
	p->quiet = quiet;
	p->start_ns = clock_monotonic_ns();
	p->total = total;
	p->done = already;
	p->resumed_at = already;
	p->matrix = NULL;
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
	fprintf(p->out, "%s[%zu/%zu] %s %s r%d %s  %s elapsed, ~%s left%s",
	        p->tty ? "\r\033[K" : "", p->done, p->total, cell, phase, round, arm, elapsed, left,
	        p->tty ? "" : "\n");
	fflush(p->out);
}

void progress_note(struct progress *p, const char *fmt, ...)
{
	if (p->tty && !p->quiet)
		fputs("\r\033[K", p->out);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
}

void progress_finish(struct progress *p)
{
	if (p->tty && !p->quiet)
		fputs("\r\033[K", p->out);
	fflush(p->out);
}

static void on_session_event(void *ctx, enum session_event ev, const struct plan_dispatch *pd)
{
	struct progress *p = ctx;
	const char *cell = p->matrix->cells[pd->cell].name;
	if (ev == SESSION_CELL_SKIP)
		progress_note(p,
		              "cell %s: calibration not clean; its timed dispatches are skipped "
		              "(on_fail: skip-cell)",
		              cell);
	else if (ev == SESSION_DISPATCH_SKIP)
		p->done++;
	else
		progress_dispatch(p, cell, plan_phase_name(pd->phase), pd->round,
		                  p->matrix->arms[pd->arm].name);
}

struct session_observer progress_observer(struct progress *p)
{
	return (struct session_observer){on_session_event, p};
}
