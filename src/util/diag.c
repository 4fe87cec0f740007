/* Diagnostics: collecting, sorting and printing errors in the compiler format. */
#include "util/diag.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

void diag_list_init(struct diag_list *d)
{
	d->items = NULL;
	d->len = 0;
	d->cap = 0;
}

static void diag_release_one(struct diag *g)
{
	free(g->code);
	free(g->file);
	free(g->pointer);
	free(g->message);
}

void diag_list_release(struct diag_list *d)
{
	for (size_t i = 0; i < d->len; i++)
		diag_release_one(&d->items[i]);
	free(d->items);
	diag_list_init(d);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int diag_add_v(struct diag_list *d, enum diag_severity sev, const char *code,
               const struct diag_loc *loc, const char *fmt, va_list ap)
{
	if (d->len == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		d->items = xrealloc(d->items, cap * sizeof(*d->items));
		d->cap = cap;
	}
	char *message = xvasprintf(fmt, ap);
	struct diag *g = &d->items[d->len++];
	g->severity = sev;
	g->code = dup_or_null(code);
	g->file = loc ? dup_or_null(loc->file) : NULL;
	g->line = loc ? loc->line : 0;
	g->column = loc ? loc->column : 0;
	g->pointer = loc ? dup_or_null(loc->pointer) : NULL;
	g->message = message;
	return 0;
}

int diag_error(struct diag_list *d, const char *code, const struct diag_loc *loc, const char *fmt,
               ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_add_v(d, DIAG_ERROR, code, loc, fmt, ap);
	va_end(ap);
	return -1;
}

int diag_warning(struct diag_list *d, const char *code, const struct diag_loc *loc, const char *fmt,
                 ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_add_v(d, DIAG_WARNING, code, loc, fmt, ap);
	va_end(ap);
	return 0;
}

int diag_note(struct diag_list *d, const struct diag_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_add_v(d, DIAG_NOTE, NULL, loc, fmt, ap);
	va_end(ap);
	return 0;
}

size_t diag_error_count(const struct diag_list *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->len; i++)
		n += d->items[i].severity == DIAG_ERROR;
	return n;
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* A group is a diagnostic plus the notes that follow it; groups are what gets sorted. */
struct diag_group {
	const struct diag *head;
	size_t first;
	size_t count;
};

static int cmp_group(const void *pa, const void *pb)
{
	const struct diag_group *ga = pa, *gb = pb;
	const struct diag *a = ga->head, *b = gb->head;
	int c = cmp_str(a->file, b->file);
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	/* equal locations keep insertion order (qsort is not stable) */
	return ga->first < gb->first ? -1 : ga->first > gb->first;
}

void diag_list_sort(struct diag_list *d)
{
	if (d->len < 2)
		return;
	struct diag_group *groups = xcalloc(d->len, sizeof(*groups));
	struct diag *sorted = xcalloc(d->len, sizeof(*sorted));
	size_t ng = 0;
	for (size_t i = 0; i < d->len; i++) {
		if (d->items[i].severity == DIAG_NOTE && ng > 0)
			groups[ng - 1].count++;
		else
			groups[ng++] = (struct diag_group){&d->items[i], i, 1};
	}
	qsort(groups, ng, sizeof(*groups), cmp_group);
	size_t k = 0;
	for (size_t g = 0; g < ng; g++)
		for (size_t j = 0; j < groups[g].count; j++)
			sorted[k++] = d->items[groups[g].first + j];
	free(d->items);
	free(groups);
	d->items = sorted;
	d->cap = d->len;
}

void diag_list_move(struct diag_list *dst, struct diag_list *src)
{
	for (size_t i = 0; i < src->len; i++) {
		if (dst->len == dst->cap) {
			size_t cap = dst->cap ? dst->cap * 2 : 8;
			dst->items = xrealloc(dst->items, cap * sizeof(*dst->items));
			dst->cap = cap;
		}
		dst->items[dst->len++] = src->items[i];
	}
	free(src->items);
	diag_list_init(src);
}

static const char *severity_name(enum diag_severity s)
{
	switch (s) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	case DIAG_NOTE:
		return "note";
	}
	return "error";
}

/* Reads the lines of one source file forward. Diagnostics are printed sorted by file, line and
 * column, so each file is opened once and read once, and each line is walked once, however many
 * diagnostics point into it: reading the file again from the start for every diagnostic made
 * 200,000 errors on one long line quadratic. */
struct source_reader {
	const char *file; /* borrowed from the diagnostic being printed; NULL when none is open */
	FILE *f;
	int line; /* the line now in buf (1-based), 0 before the first */
	char *buf;
	size_t cap;
	size_t len;   /* bytes of the line, its line ending dropped */
	size_t chars; /* characters of the line */
	/* a position in the line, character and byte: where the last window started */
	size_t mark_char, mark_byte;
};

static bool continues_char(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Byte offset of the character after the first `chars` characters of s[0..len). */
static size_t skip_chars(const char *s, size_t len, size_t chars)
{
	size_t i = 0;
	while (i < len && chars > 0) {
		i++;
		while (i < len && continues_char((unsigned char)s[i]))
			i++;
		chars--;
	}
	return i;
}

static void reader_close(struct source_reader *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
	r->file = NULL;
	r->line = 0;
}

/* Only a regular file is read again: opening a FIFO would block, or eat input meant for the next
 * reader, and a device has no lines to show. */
static FILE *open_regular(const char *file)
{
	int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	FILE *f = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		f = fdopen(fd, "rb");
	if (!f)
		close(fd);
	return f;
}

/* Makes line `line` (1-based) of file the reader's line. Returns false when the file cannot be
 * read or is shorter. */
static bool reader_seek(struct source_reader *r, const char *file, int line)
{
	if (r->file && strcmp(r->file, file) == 0 && line == r->line)
		return true;
	if (!r->file || strcmp(r->file, file) != 0 || line < r->line) {
		reader_close(r);
		r->f = open_regular(file);
		if (!r->f)
			return false;
		r->file = file;
	}
	while (r->line < line) {
		ssize_t n = getline(&r->buf, &r->cap, r->f);
		if (n < 0) {
			reader_close(r);
			return false;
		}
		r->len = (size_t)n;
		r->line++;
	}
	while (r->len > 0 && (r->buf[r->len - 1] == '\n' || r->buf[r->len - 1] == '\r'))
		r->len--;
	r->chars = 0;
	for (size_t i = 0; i < r->len; i++)
		r->chars += !continues_char((unsigned char)r->buf[i]);
	r->mark_char = r->mark_byte = 0;
	return true;
}

/* Byte offset of 0-based character k (at most r->chars) of the line, walking on from the last
 * position asked for when k is past it, as it is for diagnostics sorted by column. */
static size_t reader_offset(struct source_reader *r, size_t k)
{
	if (k < r->mark_char)
		r->mark_char = r->mark_byte = 0;
	r->mark_byte += skip_chars(r->buf + r->mark_byte, r->len - r->mark_byte, k - r->mark_char);
	r->mark_char = k;
	return r->mark_byte;
}

/* Appends s[0..len) with control characters shown as '?' (tab aside, and a newline when
 * newlines is set): a hostile file must not drive the terminal, whether through a raw byte in an
 * echoed line or an escape ("\e[2J") in a key a message quotes. Each stays one column wide, so a
 * caret still lines up. */
static void add_visible(struct strbuf *sb, const char *s, size_t len, bool newlines)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool shown = c == '\t' || (c == '\n' && newlines) || (c >= 0x20 && c != 0x7F);
		strbuf_addch(sb, shown ? (char)c : '?');
	}
}

/* Appends the reader's line and a caret under the column. Columns count characters, so the caret
 * padding copies tabs and is one space per UTF-8 character. A line longer than
 * DIAG_CONTEXT_COLUMNS characters is shown as that many characters around the column, with "…"
 * where it was cut: one diagnostic on a 1 MB line must not echo the megabyte. */
static void add_excerpt(struct strbuf *sb, struct source_reader *r, int column)
{
	size_t chars = r->chars, col = (size_t)column;
	size_t first = 1, last = chars; /* 1-based characters shown */
	if (chars > DIAG_CONTEXT_COLUMNS) {
		/* the start of a line (its indentation, its key) says most: keep it while the
		 * column is in the first three quarters, else centre the column */
		if (col > DIAG_CONTEXT_COLUMNS * 3 / 4)
			first = col - DIAG_CONTEXT_COLUMNS / 2;
		if (first > chars - DIAG_CONTEXT_COLUMNS + 1)
			first = chars - DIAG_CONTEXT_COLUMNS + 1;
		last = first + DIAG_CONTEXT_COLUMNS - 1;
	}
	const char *src = r->buf;
	size_t from = reader_offset(r, first - 1);
	size_t to = from + skip_chars(src + from, r->len - from, last - first + 1);
	strbuf_addstr(sb, "  ");
	if (first > 1)
		strbuf_addstr(sb, "…");
	add_visible(sb, src + from, to - from, false);
	if (last < chars)
		strbuf_addstr(sb, "…");
	strbuf_addstr(sb, "\n  ");
	if (first > 1)
		strbuf_addch(sb, ' ');
	size_t c = first;
	for (size_t i = from; i < to && c < col; i++) {
		if (continues_char((unsigned char)src[i]))
			continue;
		strbuf_addch(sb, src[i] == '\t' ? '\t' : ' ');
		c++;
	}
	strbuf_addstr(sb, "^\n");
}

static void add_header(struct strbuf *sb, const struct diag *g)
{
	if (g->file) {
		strbuf_addstr(sb, g->file);
		if (g->line > 0) {
			strbuf_addf(sb, ":%d", g->line);
			if (g->column > 0)
				strbuf_addf(sb, ":%d", g->column);
		}
		strbuf_addstr(sb, ": ");
	} else {
		strbuf_addstr(sb, "tare: ");
	}
	strbuf_addf(sb, "%s: ", severity_name(g->severity));
	/* a note may carry a tool's multi-line log (libbpf's verifier) */
	add_visible(sb, g->message, strlen(g->message), true);
	if (g->pointer) {
		strbuf_addstr(sb, " [");
		add_visible(sb, g->pointer[0] ? g->pointer : "/",
		            g->pointer[0] ? strlen(g->pointer) : 1, false);
		strbuf_addch(sb, ']');
	}
	if (g->code)
		strbuf_addf(sb, " (%s)", g->code);
	strbuf_addch(sb, '\n');
}

/* How many of d's items are shown: the first DIAG_MAX_SHOWN errors and warnings, each with the
 * notes after it. The rest are counted into *errors and *warnings. */
static size_t shown_items(const struct diag_list *d, size_t *errors, size_t *warnings)
{
	size_t heads = 0, shown = d->len;
	*errors = *warnings = 0;
	for (size_t i = 0; i < d->len; i++) {
		enum diag_severity s = d->items[i].severity;
		if (s == DIAG_NOTE)
			continue;
		if (++heads > DIAG_MAX_SHOWN) {
			if (shown == d->len)
				shown = i;
			*errors += s == DIAG_ERROR;
			*warnings += s == DIAG_WARNING;
		}
	}
	return shown;
}

/* The note that stands for what was not shown; message points into buf. */
static struct diag not_shown_note(size_t errors, size_t warnings, char *buf, size_t size)
{
	if (!warnings)
		snprintf(buf, size, "%zu more error%s not shown", errors, errors == 1 ? "" : "s");
	else if (!errors)
		snprintf(buf, size, "%zu more warning%s not shown", warnings,
		         warnings == 1 ? "" : "s");
	else
		snprintf(buf, size,
		         "%zu more errors and warnings not shown (%zu errors, %zu warnings)",
		         errors + warnings, errors, warnings);
	return (struct diag){.severity = DIAG_NOTE, .code = "diag.not-shown", .message = buf};
}

void diag_print_text(FILE *out, const struct diag_list *d)
{
	struct source_reader r = {0};
	struct strbuf sb;
	strbuf_init(&sb);
	size_t errors, warnings, shown = shown_items(d, &errors, &warnings);
	for (size_t i = 0; i < shown; i++) {
		const struct diag *g = &d->items[i];
		add_header(&sb, g);
		if (g->file && g->line > 0 && g->column > 0 && reader_seek(&r, g->file, g->line))
			add_excerpt(&sb, &r, g->column);
		/* one write per diagnostic: stderr is unbuffered */
		fwrite(sb.buf, 1, sb.len, out);
		strbuf_reset(&sb);
	}
	if (shown < d->len) {
		char msg[128];
		struct diag note = not_shown_note(errors, warnings, msg, sizeof(msg));
		add_header(&sb, &note);
		fwrite(sb.buf, 1, sb.len, out);
	}
	strbuf_release(&sb);
	reader_close(&r);
	free(r.buf);
}

static void add_opt_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

static struct json_object *diag_to_json(const struct diag *g)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "severity", json_object_new_string(severity_name(g->severity)));
	add_opt_string(o, "code", g->code);
	add_opt_string(o, "file", g->file);
	/* 0 means unknown: null, so that every diagnostic has the same keys */
	json_object_object_add(o, "line", g->line > 0 ? json_object_new_int(g->line) : NULL);
	json_object_object_add(o, "column", g->column > 0 ? json_object_new_int(g->column) : NULL);
	add_opt_string(o, "pointer", g->pointer);
	json_object_object_add(o, "message", json_object_new_string(g->message));
	return o;
}

struct json_object *diag_list_to_json(const struct diag_list *d)
{
	struct json_object *arr = json_object_new_array();
	size_t errors, warnings, shown = shown_items(d, &errors, &warnings);
	for (size_t i = 0; i < shown; i++)
		json_object_array_add(arr, diag_to_json(&d->items[i]));
	if (shown < d->len) {
		char msg[128];
		struct diag note = not_shown_note(errors, warnings, msg, sizeof(msg));
		json_object_array_add(arr, diag_to_json(&note));
	}
	return arr;
}

void diag_list_demote_errors(struct diag_list *d)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->items[i].severity == DIAG_ERROR)
			d->items[i].severity = DIAG_WARNING;
}
