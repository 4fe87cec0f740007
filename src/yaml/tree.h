/* The YAML loader's intermediate node tree: what libyaml's events described, anchors resolved,
 * before it becomes a json-c tree and a source map. Internal to src/yaml/. */
#ifndef TARE_YAML_TREE_H
#define TARE_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/source_map.h"
#include "yaml/scalar.h"
#include "util/diag.h"

struct json_object;

enum ynode_kind { YNODE_SCALAR, YNODE_SEQ, YNODE_MAP, YNODE_ALIAS };

struct ynode {
	enum ynode_kind kind;
	struct source_pos pos; /* where the node (or the alias) is written */
	bool complete;         /* its end event was seen; an alias to it before that is recursive */
	bool merge;            /* a key that is a plain, untagged '<<' */
	size_t size; /* values in its subtree after alias expansion (merged ones counted in full) */
	size_t height; /* collection nesting of its subtree after alias expansion; 0 for scalars */
	/* scalar: the text after escapes (owned, NUL-terminated) and, for values, its type */
	char *text;
	size_t len;
	struct yaml_scalar_value value;
	/* sequence: items[0..n); mapping: keys[i] → items[i] */
	struct ynode **items;
	struct ynode **keys;
	size_t n, cap;
	/* mapping: indices of its scalar, non-merge keys sorted by key text (ynode_map_has_key) */
	size_t *order;
	size_t norder;
	struct ynode *target; /* alias: the anchored node (never itself an alias) */
};

/* Owns every node, so that freeing needs no recursion. Caller-provided: _init/_release. */
struct ytree {
	struct ynode **all;
	size_t len, cap;
};

void ytree_init(struct ytree *t);
void ytree_release(struct ytree *t);
/* A new zeroed node owned by t, or NULL on allocation failure. */
struct ynode *ytree_node(struct ytree *t, enum ynode_kind kind, struct source_pos pos);

/* Appends item (and, for a mapping, its key) to coll. Returns 0, or -1 on allocation failure. */
int ynode_append(struct ynode *coll, struct ynode *key, struct ynode *item);

/* Follows an alias to its anchored node; other nodes are returned as they are. */
const struct ynode *ynode_resolve(const struct ynode *n);

/* The text of a key that is a scalar (directly or through an alias), else NULL (borrowed). */
const char *ynode_key_text(const struct ynode *key);

/* Sorts the mapping's scalar, non-merge keys into map->order. Returns 0 or -1 (allocation). */
int ynode_map_index(struct ynode *map);
/* Whether the (indexed) mapping has an explicit key equal to text. */
bool ynode_map_has_key(const struct ynode *map, const char *text);

/* Builds the json-c tree of root and records every value's and key's position in map (a new map,
 * already holding nothing). Merge keys are applied here: explicit keys win over merged ones and,
 * in a list of merged mappings, earlier ones win over later ones. The tree must be free of errors
 * (undefined aliases, bad merge values). Returns 0, or -1 with a diagnostic on allocation failure;
 * *out is the new tree (NULL for a null document). */
int ytree_to_json(const struct ynode *root, struct source_map *map, const char *name,
                  struct json_object **out, struct diag_list *d);

#endif
