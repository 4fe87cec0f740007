/* The position pass over a JSON text (internal to jsonin/): positions of offsets, the checks
 * json-c's strict tokener lacks, and the source map. */
#ifndef TARE_JSONIN_SCAN_H
#define TARE_JSONIN_SCAN_H

#include <stddef.h>

#include "util/diag.h"
#include "util/source_map.h"

/* The text being read and a cursor that turns byte offsets into line:column. */
struct jsonin_text {
	const char *name;
	const char *buf;
	size_t len;
	int first_line;
	size_t at; /* the cursor: the offset line/column describe */
	int line, column;
};

void jsonin_text_init(struct jsonin_text *t, const char *name, const char *buf, size_t len,
                      int first_line);

/* The 1-based line and column (in characters) of byte offset off (off <= len). Cheap when offsets
 * are asked for in increasing order, as the scan does. */
struct source_pos jsonin_pos(struct jsonin_text *t, size_t off);

/* Appends a located error at byte offset off and returns -1. */
int jsonin_error(struct jsonin_text *t, size_t off, const char *code, const char *pointer,
                 struct diag_list *d, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Why the byte at off cannot be read as JSON, when it is one of the usual non-JSON habits
 * (a comment, a single quote, a trailing comma, an unquoted key); NULL otherwise. */
const char *jsonin_habit(const struct jsonin_text *t, size_t off);

/* Walks a JSON text that json-c's strict tokener accepted. Returns 0, or -1 with every error in d.
 * When map is not NULL, records the position of every value and key in it. */
int jsonin_scan(struct jsonin_text *t, struct source_map *map, struct diag_list *d);

#endif
