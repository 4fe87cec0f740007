/* Run progress on stderr: one updating line on a terminal, plain lines otherwise, and each cell's
 * result as it finishes. */
#ifndef TARE_CLI_PROGRESS_H
#define TARE_CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/terminal.h"
#include "run/session.h"

struct progress {
	struct terminal term;
	bool quiet; /* nothing at all: --quiet and --json */
	int64_t start_ns;
	size_t total;
	size_t done;
	size_t resumed_at; /* dispatches done before this session: not part of its pace */
	const struct run_session *session; /* names cells and arms, holds the samples; borrowed */
};

/* total: dispatches that will run; already: those done before (a resumed run). */
void progress_init(struct progress *p, FILE *out, size_t total, size_t already, bool quiet);
/* Reports the dispatch about to start. On a terminal the line fits its width and is redrawn in
 * place. */
void progress_dispatch(struct progress *p, const char *cell, const char *phase, int round,
                       const char *arm);
/* Prints a message on its own line (wrapped on a terminal) without breaking the updating
 * line. */
void progress_note(struct progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void progress_finish(struct progress *p);

/* An observer of a run session that reports on p (p->session set); borrows p. When a cell ends
 * it prints the cell's verdict (coloured where the terminal takes colour), its arms' medians and
 * its paired deltas (report/cell_result.h). */
struct session_observer progress_observer(struct progress *p);

#endif
