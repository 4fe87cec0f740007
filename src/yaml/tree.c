/* The YAML loader's node tree: storage, key lookup, and conversion to json-c plus a source map. */
#include "yaml/tree.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_pointer.h"
#include "util/strbuf.h"

void ytree_init(struct ytree *t)
{
	t->all = NULL;
	t->len = t->cap = 0;
}

void ytree_release(struct ytree *t)
{
	for (size_t i = 0; i < t->len; i++) {
		struct ynode *n = t->all[i];
		free(n->text);
		free(n->items);
		free(n->keys);
		free(n->order);
		free(n);
	}
	free(t->all);
	ytree_init(t);
}

struct ynode *ytree_node(struct ytree *t, enum ynode_kind kind, struct source_pos pos)
{
	if (t->len == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct ynode **all = realloc(t->all, cap * sizeof(*all));
		if (!all)
			return NULL;
		t->all = all;
		t->cap = cap;
	}
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = kind;
	n->pos = pos;
	t->all[t->len++] = n;
	return n;
}

int ynode_append(struct ynode *coll, struct ynode *key, struct ynode *item)
{
	if (coll->n == coll->cap) {
		size_t cap = coll->cap ? coll->cap * 2 : 4;
		struct ynode **items = realloc(coll->items, cap * sizeof(*items));
		if (!items)
			return -1;
		coll->items = items;
		if (coll->kind == YNODE_MAP) {
			struct ynode **keys = realloc(coll->keys, cap * sizeof(*keys));
			if (!keys)
				return -1;
			coll->keys = keys;
		}
		coll->cap = cap;
	}
	coll->items[coll->n] = item;
	if (coll->kind == YNODE_MAP)
		coll->keys[coll->n] = key;
	coll->n++;
	return 0;
}

const struct ynode *ynode_resolve(const struct ynode *n)
{
	return n->kind == YNODE_ALIAS ? n->target : n;
}

const char *ynode_key_text(const struct ynode *key)
{
	const struct ynode *k = ynode_resolve(key);
	return k->kind == YNODE_SCALAR ? k->text : NULL;
}

static int cmp_keys(const void *a, const void *b, void *arg)
{
	const struct ynode *map = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcmp(ynode_key_text(map->keys[i]), ynode_key_text(map->keys[j]));
	if (c)
		return c;
	return i < j ? -1 : i > j; /* document order among equal keys: the first one comes first */
}

int ynode_map_index(struct ynode *map)
{
	free(map->order);
	map->order = NULL;
	map->norder = 0;
	if (map->n == 0)
		return 0;
	map->order = malloc(map->n * sizeof(*map->order));
	if (!map->order)
		return -1;
	for (size_t i = 0; i < map->n; i++)
		if (!map->keys[i]->merge && ynode_key_text(map->keys[i]))
			map->order[map->norder++] = i;
	qsort_r(map->order, map->norder, sizeof(*map->order), cmp_keys, map);
	return 0;
}

bool ynode_map_has_key(const struct ynode *map, const char *text)
{
	size_t lo = 0, hi = map->norder;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ynode_key_text(map->keys[map->order[mid]]), text);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct convert {
	struct source_map *map;
	struct strbuf ptr;
	bool oom;
};

/* The mappings whose pairs are being merged into one object, innermost first: a merged pair is
 * dropped when any mapping it is merged into has that key explicitly. */
struct merge_chain {
	const struct ynode *map;
	const struct merge_chain *up;
};

static struct json_object *convert_node(struct convert *c, const struct ynode *n);

static void record(struct convert *c, const struct ynode *value, const struct ynode *key)
{
	struct source_pos none = {0, 0};
	if (source_map_add(c->map, c->ptr.buf, value->pos, key ? key->pos : none) < 0)
		c->oom = true;
}

static struct json_object *convert_scalar(const struct ynode *n)
{
	switch (n->value.type) {
	case YAML_SCALAR_NULL:
		return NULL;
	case YAML_SCALAR_BOOL:
		return json_object_new_boolean(n->value.b);
	case YAML_SCALAR_INT:
		return json_object_new_int64(n->value.i);
	case YAML_SCALAR_FLOAT:
		return json_object_new_double(n->value.f);
	case YAML_SCALAR_STRING:
		break;
	}
	return json_object_new_string_len(n->text, (int)n->len);
}

static bool merged_away(const struct merge_chain *into, const char *key, struct json_object *obj)
{
	for (; into; into = into->up)
		if (ynode_map_has_key(into->map, key))
			return true;
	return json_object_object_get_ex(obj, key, NULL);
}

/* Adds the pairs of m to obj in document order, expanding merge keys where they stand. into is
 * NULL for the mapping being built, else the chain of mappings m is merged into. */
static void add_pairs(struct convert *c, const struct ynode *m, const struct merge_chain *into,
                      struct json_object *obj)
{
	struct merge_chain self = {m, into};
	for (size_t i = 0; i < m->n; i++) {
		const struct ynode *key = m->keys[i];
		if (key->merge) {
			const struct ynode *src = ynode_resolve(m->items[i]);
			if (src->kind == YNODE_MAP) {
				add_pairs(c, src, &self, obj);
			} else {
				for (size_t k = 0; k < src->n; k++)
					add_pairs(c, ynode_resolve(src->items[k]), &self, obj);
			}
			continue;
		}
		const char *text = ynode_key_text(key);
		if (into && merged_away(into, text, obj))
			continue;
		size_t len = c->ptr.len;
		json_pointer_push_key(&c->ptr, text);
		record(c, m->items[i], key);
		json_object_object_add(obj, text, convert_node(c, ynode_resolve(m->items[i])));
		json_pointer_pop(&c->ptr, len);
	}
}

static struct json_object *convert_node(struct convert *c, const struct ynode *n)
{
	if (n->kind == YNODE_SCALAR)
		return convert_scalar(n);
	if (n->kind == YNODE_MAP) {
		struct json_object *obj = json_object_new_object();
		if (obj)
			add_pairs(c, n, NULL, obj);
		else
			c->oom = true;
		return obj;
	}
	struct json_object *arr = json_object_new_array_ext((int)n->n);
	if (!arr) {
		c->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n->n; i++) {
		size_t len = c->ptr.len;
		json_pointer_push_index(&c->ptr, i);
		record(c, n->items[i], NULL);
		json_object_array_add(arr, convert_node(c, ynode_resolve(n->items[i])));
		json_pointer_pop(&c->ptr, len);
	}
	return arr;
}

int ytree_to_json(const struct ynode *root, struct source_map *map, const char *name,
                  struct json_object **out, struct diag_list *d)
{
	struct convert c = {map, {0}, false};
	strbuf_init(&c.ptr);
	record(&c, root, NULL);
	*out = convert_node(&c, ynode_resolve(root));
	strbuf_release(&c.ptr);
	if (c.oom) {
		json_object_put(*out);
		*out = NULL;
		return diag_error(d, "yaml.out-of-memory", &(struct diag_loc){name, 0, 0, NULL},
		                  "out of memory while building the document tree");
	}
	return 0;
}
