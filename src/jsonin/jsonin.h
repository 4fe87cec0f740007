/* Strict JSON input (RFC 8259): json-c's strict tokener plus the checks it lacks, with every
 * error located as file:line:column and, on request, a source map for schema errors. */
#ifndef TARE_JSONIN_JSONIN_H
#define TARE_JSONIN_JSONIN_H

#include <stddef.h>

#include "util/diag.h"
#include "util/source_map.h"

struct json_object;

/* Nesting deeper than this is refused (the YAML loader's default depth). */
#define JSONIN_MAX_DEPTH 64

/* Parses buf[0, len) (not necessarily NUL-terminated) as exactly one JSON text. name is the file
 * name diagnostics print; first_line is the line buf starts on in that file (1 for a whole file,
 * the line number for one JSON Lines line), so that every position is the file's own.
 * Beyond json-c's JSON_TOKENER_STRICT it refuses comments, single-quoted strings, NaN/Infinity,
 * numbers such as "1." or out of range for a double or a 64-bit integer, unescaped control
 * characters in strings, NUL bytes, text after the value and duplicate keys (naming both).
 * A top-level scalar is a JSON text and is accepted; the caller's schema decides.
 * On success returns 0 and *out, a new tree (caller puts it; NULL for a top-level null), and when
 * map is not NULL *map, a new source map of every value and key by JSON pointer (caller frees).
 * On failure returns -1 with every error found in d, *out and *map NULL. */
int jsonin_parse(const char *name, const char *buf, size_t len, int first_line,
                 struct json_object **out, struct source_map **map, struct diag_list *d);

/* Reads path (a regular file of at most max_bytes; util/input_file.h) and parses it. */
int jsonin_load_file(const char *path, size_t max_bytes, struct json_object **out,
                     struct source_map **map, struct diag_list *d);

#endif
