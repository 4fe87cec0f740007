/* What the terminal on a stream can show: its width, whether it takes colour, and text wrapped
 * to fit it. */
#ifndef TARE_CLI_TERMINAL_H
#define TARE_CLI_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gate/verdict.h"
#include "util/strbuf.h"

struct terminal {
	FILE *out;
	bool tty;    /* out is a terminal: lines are redrawn in place and wrapped to its width */
	bool colour; /* a terminal, NO_COLOR unset or empty, TERM not "dumb" (no-color.org) */
};

/* Caller-provided; out is borrowed. */
void terminal_init(struct terminal *t, FILE *out);

/* The width in columns: the terminal's own (TIOCGWINSZ), else $COLUMNS, else 80; 0 (no limit)
 * when out is not a terminal, so logs keep whole lines. Asked anew each time: windows resize. */
size_t terminal_width(const struct terminal *t);

/* Appends text (one line, no '\n') to out wrapped at spaces into lines of at most width
 * columns, each ending in '\n': the first starts with `first` (counted in the width), the rest
 * with `rest` spaces. A word longer than a line is cut. width 0 appends first and text whole.
 * ASCII: a byte is a column. */
void terminal_wrap(struct strbuf *out, const char *text, size_t width, const char *first,
                   size_t rest);

/* "\033[32m" (healthy: green), yellow (inconclusive), red (the rest), or "" without colour; and
 * the matching reset. */
const char *terminal_verdict_colour(const struct terminal *t, enum cell_verdict v);
const char *terminal_reset(const struct terminal *t);

#endif
