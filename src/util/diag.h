/* Diagnostics: one shape for every error tare reports, collected, sorted and printed together. */
#ifndef TARE_UTIL_DIAG_H
#define TARE_UTIL_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct json_object;

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/* One diagnostic. All strings are owned by the diag (and so by its list). */
struct diag {
	enum diag_severity severity;
	char *code;    /* dotted machine code: "yaml.duplicate-key", "schema.minimum" */
	char *file;    /* NULL when the input has no file name */
	int line;      /* 1-based; 0 when unknown */
	int column;    /* 1-based, counted in characters; 0 when unknown */
	char *pointer; /* JSON pointer into the document, NULL when none */
	char *message; /* lowercase, no full stop, problem first */
};

/* Where a diagnostic points. Borrowed strings; diag_error copies them. */
struct diag_loc {
	const char *file;
	int line;
	int column;
	const char *pointer;
};

/* A growable list of diagnostics. Caller-provided: _init/_release. */
struct diag_list {
	struct diag *items;
	size_t len;
	size_t cap;
};

void diag_list_init(struct diag_list *d);
void diag_list_release(struct diag_list *d);

/* Appends an error and returns -1, so that callers can write `return diag_error(...)`.
 * loc may be NULL. On allocation failure the diagnostic is dropped (still returns -1). */
int diag_error(struct diag_list *d, const char *code, const struct diag_loc *loc, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));
/* Appends a warning and returns 0. */
int diag_warning(struct diag_list *d, const char *code, const struct diag_loc *loc, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));
/* Appends a note (extra context for the diagnostic before it) and returns 0. */
int diag_note(struct diag_list *d, const struct diag_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int diag_add_v(struct diag_list *d, enum diag_severity sev, const char *code,
               const struct diag_loc *loc, const char *fmt, va_list ap);

size_t diag_error_count(const struct diag_list *d);

/* Stable sort by file, line, column; a note stays right after the diagnostic it belongs to. */
void diag_list_sort(struct diag_list *d);

/* Moves every diagnostic of src to the end of dst; src is left empty. */
void diag_list_move(struct diag_list *dst, struct diag_list *src);
/* Turns every error in d into a warning: findings that must be said but decide nothing (a forced
 * comparison, a summary.json read only for its provenance). */
void diag_list_demote_errors(struct diag_list *d);

/* Printing shows the first DIAG_MAX_SHOWN errors and warnings (each with its notes) and then one
 * note "N more errors not shown" (code diag.not-shown): a flood of one mistake repeated helps no
 * one. An echoed source line shows at most DIAG_CONTEXT_COLUMNS characters around the column. */
#define DIAG_MAX_SHOWN       1000
#define DIAG_CONTEXT_COLUMNS 100

/* Prints in the compiler format `FILE:LINE:COL: error: MESSAGE [POINTER] (code)`, followed by the
 * source line and a caret under the column when the file is a regular file that can be read.
 * Sort d first: each file is then read once, front to back, whatever the number of diagnostics. */
void diag_print_text(FILE *out, const struct diag_list *d);

/* Returns a new JSON array of diagnostic objects (caller owns it), capped as diag_print_text
 * is: the first DIAG_MAX_SHOWN, then the diag.not-shown note. Every object has the same keys:
 * severity, code, file, line, column, pointer (null when unknown) and message. */
struct json_object *diag_list_to_json(const struct diag_list *d);

#endif
