/* YAML loader: libyaml events into a checked node tree (anchors, caps, duplicate keys, YAML 1.1
 * look-alikes), then into a json-c tree and a source map. */
#include "yaml/load.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "yaml/scalar.h"
#include "yaml/tree.h"
#include "yaml/utf8.h"
#include "util/json_pointer.h"
#include "util/strbuf.h"

struct yaml_load_options yaml_load_defaults(void)
{
	return (struct yaml_load_options){
	    .max_file_bytes = 1024 * 1024,
	    .max_depth = 64,
	    .max_nodes = 1000000,
	    .max_scalar_bytes = 64 * 1024,
	    .reject_yaml11 = true,
	};
}

/* A zero limit means the default, so that a zeroed options struct is not a trap. */
static struct yaml_load_options effective_options(const struct yaml_load_options *opt)
{
	struct yaml_load_options def = yaml_load_defaults();
	if (!opt)
		return def;
	struct yaml_load_options o = *opt;
	if (!o.max_file_bytes)
		o.max_file_bytes = def.max_file_bytes;
	if (!o.max_depth)
		o.max_depth = def.max_depth;
	if (!o.max_nodes)
		o.max_nodes = def.max_nodes;
	if (!o.max_scalar_bytes)
		o.max_scalar_bytes = def.max_scalar_bytes;
	return o;
}

/* One open collection. ptr_len is the length of the builder's pointer before this collection's
 * own token was pushed. */
struct frame {
	struct ynode *coll;
	struct ynode *key; /* mapping: the key whose value comes next, NULL while a key is due */
	bool in_key;       /* the collection is (inside) a mapping key */
	size_t ptr_len;
};

struct builder {
	const char *name;
	struct yaml_load_options opt;
	struct diag_list *d;
	struct ytree tree;
	struct frame *stack;
	size_t depth, cap;
	struct json_object *anchors; /* anchor name → index of its node in tree.all */
	struct ynode *root;
	struct strbuf ptr; /* JSON pointer of the innermost open collection */
	size_t nodes;      /* values so far, aliases expanded */
	size_t docs;
	bool aliased; /* an alias was expanded (for the wording of the node cap error) */
	bool stop;    /* a cap, a syntax error or a second document: read no further events */
};

static struct source_pos mark_pos(yaml_mark_t m)
{
	/* libyaml's marks are 0-based and count characters (its reader decodes UTF-8 and advances
	 * column by one per character), which is what source_pos wants, 1-based. */
	return (struct source_pos){(int)m.line + 1, (int)m.column + 1};
}

static int verror(struct builder *b, const char *code, struct source_pos pos, const char *pointer,
                  const char *fmt, va_list ap)
{
	struct diag_loc loc = {b->name, pos.line, pos.column, pointer};
	diag_add_v(b->d, DIAG_ERROR, code, &loc, fmt, ap);
	return -1;
}

static int __attribute__((format(printf, 5, 6)))
berror(struct builder *b, const char *code, struct source_pos pos, const char *pointer,
       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(b, code, pos, pointer, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error after which no further event is read. */
static int __attribute__((format(printf, 4, 5)))
bfatal(struct builder *b, const char *code, struct source_pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(b, code, pos, b->ptr.len ? b->ptr.buf : NULL, fmt, ap);
	va_end(ap);
	b->stop = true;
	return -1;
}

static int out_of_memory(struct builder *b)
{
	return bfatal(b, "yaml.out-of-memory", (struct source_pos){0, 0},
	              "out of memory while loading the document");
}

static struct frame *top_frame(struct builder *b)
{
	return b->depth ? &b->stack[b->depth - 1] : NULL;
}

/* Pushes the JSON pointer token of the node about to be attached to the top frame. */
static void push_child_token(struct builder *b)
{
	struct frame *f = top_frame(b);
	if (!f || f->in_key)
		return;
	if (f->coll->kind == YNODE_SEQ) {
		json_pointer_push_index(&b->ptr, f->coll->n);
	} else if (f->key) {
		const char *text = ynode_key_text(f->key);
		json_pointer_push_key(&b->ptr, text ? text : "");
	}
}

/* Whether the next node is a mapping key, or lies inside one. */
static bool next_is_key(struct builder *b, bool *in_key)
{
	struct frame *f = top_frame(b);
	*in_key = f && (f->in_key || (f->coll->kind == YNODE_MAP && !f->key));
	return f && f->coll->kind == YNODE_MAP && !f->key;
}

/* Attaches n where the event stream puts it: the root, a sequence item, a key or a value. */
static int attach(struct builder *b, struct ynode *n)
{
	struct frame *f = top_frame(b);
	if (!f) {
		b->root = n;
		return 0;
	}
	if (f->coll->kind == YNODE_MAP && !f->key) {
		f->key = n;
		return 0;
	}
	struct ynode *key = f->key;
	f->key = NULL;
	return ynode_append(f->coll, key, n) < 0 ? out_of_memory(b) : 0;
}

static int count_nodes(struct builder *b, size_t add, struct source_pos pos)
{
	if (add > b->opt.max_nodes - b->nodes)
		return bfatal(b, "yaml.too-many-nodes", pos,
		              b->aliased ? "alias expansion exceeds %zu nodes"
		                         : "document exceeds %zu nodes",
		              b->opt.max_nodes);
	b->nodes += add;
	return 0;
}

static int register_anchor(struct builder *b, const yaml_char_t *anchor)
{
	if (!anchor)
		return 0;
	struct json_object *idx = json_object_new_int64((int64_t)(b->tree.len - 1));
	if (!idx || json_object_object_add(b->anchors, (const char *)anchor, idx) < 0) {
		json_object_put(idx);
		return out_of_memory(b);
	}
	return 0;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev)
{
	struct source_pos pos = mark_pos(ev->start_mark);
	const char *text = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const char *tag = (const char *)ev->data.scalar.tag;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;

	if (len > b->opt.max_scalar_bytes)
		return bfatal(b, "yaml.scalar-too-large", pos,
		              "scalar of %zu bytes exceeds %zu bytes", len,
		              b->opt.max_scalar_bytes);
	bool in_key, is_key = next_is_key(b, &in_key);
	if (!in_key && count_nodes(b, 1, pos) < 0)
		return -1;
	struct ynode *n = ytree_node(&b->tree, YNODE_SCALAR, pos);
	if (!n || !(n->text = malloc(len + 1)))
		return out_of_memory(b);
	memcpy(n->text, text, len);
	n->text[len] = '\0';
	n->len = len;
	n->size = 1;
	n->complete = true;
	n->merge = is_key && plain &&
	           (tag ? strcmp(tag, YAML_TAG_PREFIX "merge") == 0 : strcmp(n->text, "<<") == 0);

	size_t ptr_len = b->ptr.len;
	if (is_key)
		json_pointer_push_key(&b->ptr, n->text);
	else
		push_child_token(b);
	/* the text goes on as a C string (json-c keys, argv, pcre2 patterns), which would end at
	 * the NUL: "kernel_events\0zz" would silently become kernel_events */
	const char *nul = memchr(n->text, '\0', len);
	if (nul)
		berror(b, "yaml.nul", pos, b->ptr.buf,
		       "scalar has a NUL character (\\0) at offset %zu, which would cut it short",
		       (size_t)(nul - n->text));
	if (b->opt.reject_yaml11 && plain && !tag) {
		struct strbuf msg;
		strbuf_init(&msg);
		if (yaml_scalar_yaml11(n->text, len, &msg))
			berror(b, "yaml.ambiguous-scalar", pos, b->ptr.buf, "%s", msg.buf);
		strbuf_release(&msg);
	}
	/* keys are typed too: an alias to a key's anchor may be used as a value */
	const char *problem = NULL;
	if (yaml_scalar_resolve(n->text, len, tag, plain, &n->value, &problem) < 0 && !in_key)
		berror(b, "yaml.bad-scalar", pos, b->ptr.buf, "'%s' does not fit its type: %s",
		       n->text, problem);
	json_pointer_pop(&b->ptr, ptr_len);
	if (register_anchor(b, ev->data.scalar.anchor) < 0)
		return -1;
	return attach(b, n);
}

static int on_alias(struct builder *b, const yaml_event_t *ev)
{
	struct source_pos pos = mark_pos(ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	bool in_key;
	next_is_key(b, &in_key);
	struct json_object *idx = NULL;
	struct ynode *target = NULL;
	if (json_object_object_get_ex(b->anchors, name, &idx))
		target = b->tree.all[json_object_get_int64(idx)];

	if (!target || !target->complete) {
		size_t ptr_len = b->ptr.len;
		push_child_token(b);
		if (!target)
			berror(b, "yaml.undefined-alias", pos, b->ptr.buf, "undefined alias '%s'",
			       name);
		else
			berror(b, "yaml.recursive-alias", pos, b->ptr.buf,
			       "alias '%s' refers to a node that contains it", name);
		json_pointer_pop(&b->ptr, ptr_len);
		/* a null stands in for it so that the rest of the document is still checked */
		struct ynode *n = ytree_node(&b->tree, YNODE_SCALAR, pos);
		if (!n || !(n->text = strdup("")))
			return out_of_memory(b);
		n->size = 1;
		n->complete = true;
		return attach(b, n);
	}
	if (b->depth + target->height > b->opt.max_depth)
		return bfatal(b, "yaml.too-deep", pos,
		              "nesting exceeds %zu levels through alias '%s'", b->opt.max_depth,
		              name);
	if (!in_key) {
		b->aliased = true;
		if (count_nodes(b, target->size, pos) < 0)
			return -1;
	}
	struct ynode *n = ytree_node(&b->tree, YNODE_ALIAS, pos);
	if (!n)
		return out_of_memory(b);
	n->target = target;
	n->complete = true;
	n->size = target->size;
	n->height = target->height;
	return attach(b, n);
}

static int on_collection_start(struct builder *b, const yaml_event_t *ev, enum ynode_kind kind)
{
	struct source_pos pos = mark_pos(ev->start_mark);
	const yaml_char_t *anchor =
	    kind == YNODE_MAP ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
	if (b->depth + 1 > b->opt.max_depth)
		return bfatal(b, "yaml.too-deep", pos, "nesting exceeds %zu levels",
		              b->opt.max_depth);
	bool in_key;
	next_is_key(b, &in_key);
	if (!in_key && count_nodes(b, 1, pos) < 0)
		return -1;
	struct ynode *n = ytree_node(&b->tree, kind, pos);
	if (!n)
		return out_of_memory(b);
	if (register_anchor(b, anchor) < 0)
		return -1;
	size_t ptr_len = b->ptr.len;
	push_child_token(b);
	if (attach(b, n) < 0)
		return -1;
	if (b->depth == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		struct frame *stack = realloc(b->stack, cap * sizeof(*stack));
		if (!stack)
			return out_of_memory(b);
		b->stack = stack;
		b->cap = cap;
	}
	b->stack[b->depth++] = (struct frame){n, NULL, in_key, ptr_len};
	return 0;
}

/* Key checks once a mapping is complete: keys are scalars, none is repeated, a merge key's value
 * is a mapping or a sequence of mappings. */
static void check_map(struct builder *b, struct ynode *m)
{
	size_t ptr_len = b->ptr.len;
	const struct ynode *first_merge = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct ynode *key = m->keys[i];
		if (!ynode_key_text(key)) {
			berror(b, "yaml.complex-key", key->pos, b->ptr.buf,
			       "mapping keys must be scalars, not %s",
			       ynode_resolve(key)->kind == YNODE_MAP ? "mappings" : "sequences");
			continue;
		}
		if (!key->merge)
			continue;
		/* merge keys stay out of the sorted index below, yet a repeated '<<' is as much a
		 * duplicate key as a repeated quoted '<<' */
		if (first_merge) {
			json_pointer_push_key(&b->ptr, "<<");
			berror(
			    b, "yaml.duplicate-key", key->pos, b->ptr.buf,
			    "duplicate key '<<' (first defined at %d:%d); merge several mappings "
			    "with one '<<: [*a, *b]'",
			    first_merge->pos.line, first_merge->pos.column);
			json_pointer_pop(&b->ptr, ptr_len);
		} else {
			first_merge = key;
		}
		const struct ynode *v = ynode_resolve(m->items[i]);
		bool ok = v->kind == YNODE_MAP || v->kind == YNODE_SEQ;
		for (size_t k = 0; ok && v->kind == YNODE_SEQ && k < v->n; k++)
			ok = ynode_resolve(v->items[k])->kind == YNODE_MAP;
		if (!ok) {
			json_pointer_push_key(&b->ptr, "<<");
			berror(b, "yaml.bad-merge", m->items[i]->pos, b->ptr.buf,
			       "merge key '<<' needs a mapping or a sequence of mappings");
			json_pointer_pop(&b->ptr, ptr_len);
		}
	}
	if (ynode_map_index(m) < 0) {
		out_of_memory(b);
		return;
	}
	/* the sorted index puts repeats next to each other; report them in document order, each
	 * naming the key's first definition */
	size_t *first_of = malloc(m->n * sizeof(*first_of) + 1);
	if (!first_of) {
		out_of_memory(b);
		return;
	}
	for (size_t i = 0; i < m->n; i++)
		first_of[i] = SIZE_MAX;
	for (size_t k = 1, f = 0; k < m->norder; k++) {
		if (strcmp(ynode_key_text(m->keys[m->order[f]]),
		           ynode_key_text(m->keys[m->order[k]])) == 0)
			first_of[m->order[k]] = m->order[f];
		else
			f = k;
	}
	for (size_t i = 0; i < m->n; i++) {
		if (first_of[i] == SIZE_MAX)
			continue;
		const struct ynode *first = m->keys[first_of[i]], *again = m->keys[i];
		const char *text = ynode_key_text(again);
		json_pointer_push_key(&b->ptr, text);
		berror(b, "yaml.duplicate-key", again->pos, b->ptr.buf,
		       "duplicate key '%s' (first defined at %d:%d)", text, first->pos.line,
		       first->pos.column);
		json_pointer_pop(&b->ptr, ptr_len);
	}
	free(first_of);
}

static void on_collection_end(struct builder *b)
{
	struct frame *f = &b->stack[--b->depth];
	struct ynode *n = f->coll;
	size_t size = 1, height = 0;
	for (size_t i = 0; i < n->n; i++) {
		size_t s = n->items[i]->size;
		size = size > SIZE_MAX - s ? SIZE_MAX : size + s;
		if (n->items[i]->height > height)
			height = n->items[i]->height;
	}
	n->size = size;
	n->height = height + 1;
	n->complete = true;
	if (n->kind == YNODE_MAP)
		check_map(b, n);
	json_pointer_pop(&b->ptr, f->ptr_len);
}

/* libyaml's reader reports a byte offset and no mark; the input is known to be UTF-8 by then, so
 * the offset converts to a line and column. */
static void reader_error(struct builder *b, const yaml_parser_t *p, const char *buf)
{
	struct source_pos pos = yaml_utf8_pos(buf, p->problem_offset);
	/* libyaml's wording for every character YAML does not allow raw (C0 and C1 controls but
	 * tab, line breaks and NEL, DEL, U+FFFE, U+FFFF); problem_value is the character */
	if (p->problem && strcmp(p->problem, "control characters are not allowed") == 0 &&
	    p->problem_value >= 0)
		bfatal(b, "yaml.control-character", pos,
		       "control character U+%04X is not allowed; in a double-quoted scalar, write "
		       "it as an escape",
		       (unsigned)p->problem_value);
	else
		bfatal(b, "yaml.syntax", pos, "%s at byte offset %zu",
		       p->problem ? p->problem : "cannot read the input", p->problem_offset);
}

static void parse_error(struct builder *b, const yaml_parser_t *p, const char *buf)
{
	const char *problem = p->problem ? p->problem : "cannot parse the document";
	if (p->error == YAML_READER_ERROR) {
		reader_error(b, p, buf);
		return;
	}
	struct source_pos pos = mark_pos(p->problem_mark);
	if (p->context)
		bfatal(b, "yaml.syntax", pos, "%s (%s that starts at %d:%d)", problem, p->context,
		       (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
	else
		bfatal(b, "yaml.syntax", pos, "%s", problem);
}

/* libyaml returns 1 on success; this is the one place that knows. */
static int next_event(yaml_parser_t *p, yaml_event_t *ev)
{
	return yaml_parser_parse(p, ev) ? 0 : -1;
}

static void on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			bfatal(b, "yaml.multi-document", mark_pos(ev->start_mark),
			       "multiple documents in one file; tare reads one");
		break;
	case YAML_SCALAR_EVENT:
		on_scalar(b, ev);
		break;
	case YAML_ALIAS_EVENT:
		on_alias(b, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		on_collection_start(b, ev, YNODE_SEQ);
		break;
	case YAML_MAPPING_START_EVENT:
		on_collection_start(b, ev, YNODE_MAP);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		on_collection_end(b);
		break;
	default:
		break;
	}
}

static void build(struct builder *b, const char *buf, size_t len)
{
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser)) {
		out_of_memory(b);
		return;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	/* no yaml_parser_set_encoding: libyaml's detection drops a UTF-8 byte order mark without
	 * counting it as a column, and the input already passed the UTF-8 check, so a UTF-16 mark
	 * (0xFF 0xFE or 0xFE 0xFF, never valid UTF-8) cannot reach it */
	bool done = false;
	while (!done && !b->stop) {
		yaml_event_t ev;
		if (next_event(&parser, &ev) < 0) {
			parse_error(b, &parser, buf);
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		on_event(b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
}

int yaml_load_buffer(const char *name, const char *buf, size_t len,
                     const struct yaml_load_options *opt, struct json_object **out,
                     struct source_map **map, struct diag_list *d)
{
	struct builder b = {.name = name, .opt = effective_options(opt), .d = d};
	size_t errors_before = diag_error_count(d);
	size_t bad;
	int rc = -1;

	*out = NULL;
	if (map)
		*map = NULL;
	if (len > b.opt.max_file_bytes)
		return diag_error(d, "yaml.file-too-large", &(struct diag_loc){name, 0, 0, NULL},
		                  "input of %zu bytes exceeds %zu bytes", len,
		                  b.opt.max_file_bytes);
	if (!yaml_utf8_valid(buf, len, &bad)) {
		struct source_pos pos = yaml_utf8_pos(buf, bad);
		return diag_error(d, "yaml.invalid-utf8",
		                  &(struct diag_loc){name, pos.line, pos.column, NULL},
		                  "invalid UTF-8 at byte offset %zu", bad);
	}
	ytree_init(&b.tree);
	strbuf_init(&b.ptr);
	b.anchors = json_object_new_object();
	if (!b.anchors) {
		out_of_memory(&b);
		goto cleanup;
	}
	build(&b, buf, len);
	if (!b.stop && b.docs == 0)
		diag_error(d, "yaml.empty", &(struct diag_loc){name, 0, 0, NULL}, "empty document");
	if (diag_error_count(d) > errors_before || !b.root)
		goto cleanup;

	struct source_map *m = source_map_new(name);
	if (!m) {
		out_of_memory(&b);
		goto cleanup;
	}
	if (ytree_to_json(b.root, m, name, out, d) < 0) {
		source_map_free(m);
		goto cleanup;
	}
	if (map)
		*map = m;
	else
		source_map_free(m);
	rc = 0;
cleanup:
	json_object_put(b.anchors);
	free(b.stack);
	strbuf_release(&b.ptr);
	ytree_release(&b.tree);
	return rc;
}

/* Reads at most limit + 1 bytes, so that a file that grows after fstat still hits the limit. */
static char *read_capped(int fd, size_t limit, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			char *more = cap > limit ? NULL : realloc(buf, cap * 2);
			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return NULL;
		}
		if (r == 0 || n + (size_t)r > limit) {
			n += (size_t)r;
			*len = n;
			return buf;
		}
		n += (size_t)r;
	}
	free(buf);
	errno = ENOMEM;
	return NULL;
}

int yaml_load_file(const char *path, const struct yaml_load_options *opt, struct json_object **out,
                   struct source_map **map, struct diag_list *d)
{
	struct yaml_load_options o = effective_options(opt);
	struct diag_loc loc = {path, 0, 0, NULL};
	struct stat st;
	size_t len = 0;

	*out = NULL;
	if (map)
		*map = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return diag_error(d, "io.read", &loc, "cannot open '%s': %s", path,
		                  strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > o.max_file_bytes) {
		close(fd);
		return diag_error(d, "yaml.file-too-large", &loc,
		                  "file of %lld bytes exceeds %zu bytes", (long long)st.st_size,
		                  o.max_file_bytes);
	}
	char *buf = read_capped(fd, o.max_file_bytes, &len);
	int err = errno;
	close(fd);
	if (!buf)
		return diag_error(d, "io.read", &loc, "cannot read '%s': %s", path, strerror(err));
	int rc = yaml_load_buffer(path, buf, len, &o, out, map, d);
	free(buf);
	return rc;
}
