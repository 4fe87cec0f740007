/* The terminal's width and colour, and wrapping text to fit it. */
#include "cli/terminal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void terminal_init(struct terminal *t, FILE *out)
{
	t->out = out;
	t->tty = isatty(fileno(out));
	const char *no_colour = getenv("NO_COLOR");
	const char *term = getenv("TERM");
	t->colour = t->tty && !(no_colour && *no_colour) && !(term && strcmp(term, "dumb") == 0);
}

size_t terminal_width(const struct terminal *t)
{
	if (!t->tty)
		return 0;
	struct winsize ws;
	if (ioctl(fileno(t->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *columns = getenv("COLUMNS");
	char *end;
	long n = columns ? strtol(columns, &end, 10) : 0;
	return columns && *end == '\0' && n > 0 && n < 10000 ? (size_t)n : 80;
}

static void new_line(struct strbuf *out, size_t rest)
{
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < rest; i++)
		strbuf_addch(out, ' ');
}

void terminal_wrap(struct strbuf *out, const char *text, size_t width, const char *first,
                   size_t rest)
{
	strbuf_addstr(out, first);
	if (width == 0) {
		strbuf_addstr(out, text);
		strbuf_addch(out, '\n');
		return;
	}
	/* a continuation line always has room for some of a word, however narrow the window */
	if (rest + 8 > width)
		rest = 0;
	size_t col = strlen(first);
	bool empty = true; /* nothing on this line yet but its indentation */
	for (const char *p = text + strspn(text, " "); *p; p += strspn(p, " ")) {
		size_t len = strcspn(p, " ");
		size_t sep = empty ? 0 : 1;
		if (!empty && col + sep + len > width) {
			new_line(out, rest);
			col = rest;
			empty = true;
			sep = 0;
		}
		/* a word longer than a whole line is cut at the edge and carried on */
		while (col + sep + len > width && width > col + sep) {
			size_t take = width - col - sep;
			if (sep)
				strbuf_addch(out, ' ');
			strbuf_add(out, p, take);
			p += take;
			len -= take;
			new_line(out, rest);
			col = rest;
			empty = true;
			sep = 0;
		}
		if (sep)
			strbuf_addch(out, ' ');
		strbuf_add(out, p, len);
		p += len;
		col += sep + len;
		empty = false;
	}
	strbuf_addch(out, '\n');
}

const char *terminal_verdict_colour(const struct terminal *t, enum cell_verdict v)
{
	if (!t->colour)
		return "";
	return v == VERDICT_HEALTHY        ? "\033[32m"
	       : v == VERDICT_INCONCLUSIVE ? "\033[33m"
	                                   : "\033[31m";
}

const char *terminal_reset(const struct terminal *t)
{
	return t->colour ? "\033[0m" : "";
}
