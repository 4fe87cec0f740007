/* YAML loader: one YAML 1.2 document (libyaml event API) into a json-c tree plus a source map. */
#ifndef TARE_YAML_LOAD_H
#define TARE_YAML_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/source_map.h"
#include "util/diag.h"

struct json_object;

/* Limits that keep hostile input cheap (documented in docs/yaml-loader.md). A zero limit means
 * its default, so that a zeroed struct is safe. */
struct yaml_load_options {
	size_t max_file_bytes;   /* whole input */
	size_t max_depth;        /* nesting of sequences/mappings, aliases included */
	size_t max_nodes;        /* nodes in the result after alias expansion (billion laughs) */
	size_t max_scalar_bytes; /* one scalar */
	/* Reject plain scalars that YAML 1.1 reads differently (yes/no/on/off/y/n, 0755, 1:30:00)
	 * with a hint. On for matrices; the conformance test turns it off. */
	bool reject_yaml11;
};

/* 1 MiB, depth 64, 1,000,000 nodes, 64 KiB scalars, reject_yaml11 on. */
struct yaml_load_options yaml_load_defaults(void);

/* Loads exactly one document. name is the file name diagnostics print; opt may be NULL (defaults).
 * On success returns 0, *out is a new tree (caller puts it; NULL when the document is a null) and,
 * when map is not NULL, *map a new source map (caller frees; positions of every value and key by
 * JSON pointer; an aliased subtree maps its root to the alias, its descendants to the anchor's
 * definition). Aliases are expanded into deep copies, merge keys applied.
 * On failure returns -1, appends every error found to d, and leaves *out and *map NULL. */
int yaml_load_buffer(const char *name, const char *buf, size_t len,
                     const struct yaml_load_options *opt, struct json_object **out,
                     struct source_map **map, struct diag_list *d);

/* Reads path (refusing files over max_file_bytes before reading them whole) and loads it. */
int yaml_load_file(const char *path, const struct yaml_load_options *opt, struct json_object **out,
                   struct source_map **map, struct diag_list *d);

#endif
