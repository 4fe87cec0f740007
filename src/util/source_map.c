/* Source map: an open-addressing hash table from JSON pointer to source positions. */
#include "util/source_map.h"

#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct source_entry {
	char *pointer; /* NULL: empty slot */
	struct source_pos value;
	struct source_pos key;
};

struct source_map {
	char *file;
	struct source_entry *slots;
	size_t cap; /* power of two */
	size_t len;
};

static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct source_map *source_map_new(const char *file)
{
	struct source_map *m = xcalloc(1, sizeof(*m));
	m->cap = 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	m->file = file ? xstrdup(file) : NULL;
	return m;
}

void source_map_free(struct source_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].pointer);
	free(m->slots);
	free(m->file);
	free(m);
}

/* Finds the slot for a pointer of length n: its entry, or the empty slot where it belongs. */
static struct source_entry *find_slot(struct source_entry *slots, size_t cap, const char *p,
                                      size_t n)
{
	size_t i = (size_t)hash_str(p, n) & (cap - 1);
	while (slots[i].pointer &&
	       (strlen(slots[i].pointer) != n || memcmp(slots[i].pointer, p, n) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void grow(struct source_map *m)
{
	size_t cap = m->cap * 2;
	struct source_entry *slots = xcalloc(cap, sizeof(*slots));
	for (size_t i = 0; i < m->cap; i++) {
		struct source_entry *e = &m->slots[i];
		if (e->pointer)
			*find_slot(slots, cap, e->pointer, strlen(e->pointer)) = *e;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

int source_map_add(struct source_map *m, const char *pointer, struct source_pos value,
                   struct source_pos key)
{
	if ((m->len + 1) * 4 > m->cap * 3)
		grow(m);
	struct source_entry *e = find_slot(m->slots, m->cap, pointer, strlen(pointer));
	if (!e->pointer) {
		e->pointer = xstrdup(pointer);
		m->len++;
	}
	e->value = value;
	e->key = key;
	return 0;
}

static const struct source_entry *lookup(const struct source_map *m, const char *p, size_t n)
{
	const struct source_entry *e = find_slot(m->slots, m->cap, p, n);
	return e->pointer ? e : NULL;
}

bool source_map_get(const struct source_map *m, const char *pointer, struct source_pos *value,
                    struct source_pos *key)
{
	const struct source_entry *e = lookup(m, pointer, strlen(pointer));
	if (!e)
		return false;
	if (value)
		*value = e->value;
	if (key)
		*key = e->key;
	return true;
}

const char *source_map_file(const struct source_map *m)
{
	return m->file;
}

struct diag_loc source_map_loc(const struct source_map *m, const char *pointer, bool want_key)
{
	struct diag_loc loc = {m ? m->file : NULL, 0, 0, pointer};
	if (!m)
		return loc;
	size_t n = strlen(pointer);
	for (;;) {
		const struct source_entry *e = lookup(m, pointer, n);
		if (e) {
			struct source_pos p = want_key && e->key.line ? e->key : e->value;
			loc.line = p.line;
			loc.column = p.column;
			return loc;
		}
		if (n == 0)
			return loc;
		while (n > 0 && pointer[n - 1] != '/')
			n--;
		if (n > 0)
			n--; /* drop the '/' too: the parent pointer */
		want_key = false;
	}
}
