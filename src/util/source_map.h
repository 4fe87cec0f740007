/* Source map: where in a YAML/JSON file each JSON pointer of the loaded tree came from. */
#ifndef TARE_UTIL_SOURCE_MAP_H
#define TARE_UTIL_SOURCE_MAP_H

#include <stdbool.h>

#include "util/diag.h"

/* 1-based line and column (columns count characters, not bytes); 0/0 means unknown. */
struct source_pos {
	int line;
	int column;
};

struct source_map;

/* A new, empty map (source_map_free). file is copied; it is the name printed in diagnostics (may
 * be NULL). */
struct source_map *source_map_new(const char *file);
void source_map_free(struct source_map *m);

/* Records where the value at pointer starts and where its key starts (key is 0/0 for array
 * elements and the root). A later add for the same pointer replaces the earlier one.
 * Returns 0: it cannot fail (allocation failure exits, util/xalloc.h). The int stays for the
 * callers in yaml/ that still test it. */
int source_map_add(struct source_map *m, const char *pointer, struct source_pos value,
                   struct source_pos key);

/* Looks pointer up; returns false when it was never added. Either out parameter may be NULL. */
bool source_map_get(const struct source_map *m, const char *pointer, struct source_pos *value,
                    struct source_pos *key);

/* The file name given to source_map_new (borrowed). */
const char *source_map_file(const struct source_map *m);

/* The location to report for pointer: its key's position when want_key and it has one, else its
 * value's; an unmapped pointer falls back to its nearest mapped ancestor. The returned loc borrows
 * pointer and the map's file name. m may be NULL (file/line/column are then empty). */
struct diag_loc source_map_loc(const struct source_map *m, const char *pointer, bool want_key);

#endif
