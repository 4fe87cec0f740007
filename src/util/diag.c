/* Diagnostics: collecting, sorting and printing errors in the compiler format. */
#include "util/diag.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

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
	return s ? strdup(s) : NULL;
}

int diag_add_v(struct diag_list *d, enum diag_severity sev, const char *code,
               const struct diag_loc *loc, const char *fmt, va_list ap)
{
	if (d->len == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct diag *items = realloc(d->items, cap * sizeof(*items));
		if (!items)
			return -1;
		d->items = items;
		d->cap = cap;
	}
	char *message = NULL;
	if (vasprintf(&message, fmt, ap) < 0)
		return -1;
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
	struct diag_group *groups = calloc(d->len, sizeof(*groups));
	struct diag *sorted = calloc(d->len, sizeof(*sorted));
	if (!groups || !sorted) {
		free(groups);
		free(sorted);
		return;
	}
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
			struct diag *items = realloc(dst->items, cap * sizeof(*items));
			if (!items) {
				diag_release_one(&src->items[i]);
				continue;
			}
			dst->items = items;
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

/* Reads line `line` (1-based) of file into a new string without its newline, or NULL. */
static char *read_source_line(const char *file, int line)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n = 0;
	for (int i = 1; i <= line; i++) {
		n = getline(&buf, &cap, f);
		if (n < 0)
			break;
	}
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* Prints the source line and a caret under the column (columns count characters, so the caret
 * padding copies tabs and counts one space per UTF-8 character). */
static void print_caret(FILE *out, const char *file, int line, int column)
{
	char *src = read_source_line(file, line);
	if (!src)
		return;
	fprintf(out, "  %s\n  ", src);
	int col = 1;
	for (const unsigned char *p = (const unsigned char *)src; *p && col < column; p++) {
		if ((*p & 0xC0) == 0x80)
			continue; /* continuation byte: same character */
		fputc(*p == '\t' ? '\t' : ' ', out);
		col++;
	}
	fputs("^\n", out);
	free(src);
}

void diag_print_text(FILE *out, const struct diag_list *d)
{
	for (size_t i = 0; i < d->len; i++) {
		const struct diag *g = &d->items[i];
		if (g->file) {
			fputs(g->file, out);
			if (g->line > 0) {
				fprintf(out, ":%d", g->line);
				if (g->column > 0)
					fprintf(out, ":%d", g->column);
			}
			fputs(": ", out);
		} else {
			fputs("tare: ", out);
		}
		fprintf(out, "%s: %s", severity_name(g->severity), g->message);
		if (g->pointer)
			fprintf(out, " [%s]", g->pointer[0] ? g->pointer : "/");
		if (g->code)
			fprintf(out, " (%s)", g->code);
		fputc('\n', out);
		if (g->file && g->line > 0 && g->column > 0)
			print_caret(out, g->file, g->line, g->column);
	}
}

static void add_opt_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, value ? json_object_new_string(value) : NULL);
}

struct json_object *diag_list_to_json(const struct diag_list *d)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < d->len; i++) {
		const struct diag *g = &d->items[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "severity",
		                       json_object_new_string(severity_name(g->severity)));
		add_opt_string(o, "code", g->code);
		add_opt_string(o, "file", g->file);
		json_object_object_add(o, "line", json_object_new_int(g->line));
		json_object_object_add(o, "column", json_object_new_int(g->column));
		add_opt_string(o, "pointer", g->pointer);
		json_object_object_add(o, "message", json_object_new_string(g->message));
		json_object_array_add(arr, o);
	}
	return arr;
}
