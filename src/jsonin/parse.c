/* Strict JSON input: json-c's strict tokener decides what parses and builds the tree; the position
 * pass (scan.c) adds what the tokener does not check and the source map. */
#include "jsonin/jsonin.h"

#include "jsonin/scan.h"
#include "util/input_file.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Whether buf[0, len) alone is one complete JSON value: then an error at len is extra text. */
static bool complete_value(const char *buf, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JSONIN_MAX_DEPTH);
	if (!tok)
		xalloc_die(0); /* json-c could not allocate a tokener: nothing sane is left to do */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
	if (json_tokener_get_error(tok) == json_tokener_continue) {
		json_object_put(o);
		o = json_tokener_parse_ex(tok, "", 1);
	}
	bool ok = json_tokener_get_error(tok) == json_tokener_success;
	json_object_put(o);
	json_tokener_free(tok);
	return ok;
}

/* json-c's own words, behind the usual reasons a file is not JSON when one applies. */
static int tokener_error(struct jsonin_text *t, size_t off, enum json_tokener_error err,
                         struct diag_list *d)
{
	const char *habit = jsonin_habit(t, off);
	if (habit)
		return jsonin_error(t, off, "json.syntax", NULL, d, "invalid JSON: %s", habit);
	if (err == json_tokener_error_depth)
		return jsonin_error(t, off, "json.depth", NULL, d,
		                    "invalid JSON: nesting deeper than %d", JSONIN_MAX_DEPTH);
	if (off > 0 && off < t->len && complete_value(t->buf, off))
		return jsonin_error(t, off, "json.syntax", NULL, d,
		                    "invalid JSON: text after the value");
	return jsonin_error(t, off, "json.syntax", NULL, d, "invalid JSON: %s",
	                    json_tokener_error_desc(err));
}

/* The tokener's verdict: 0 with *out (NULL for a top-level null), or -1 with a located error. */
static int tokenize(struct jsonin_text *t, struct json_object **out, struct diag_list *d)
{
	struct json_tokener *tok = json_tokener_new_ex(JSONIN_MAX_DEPTH);
	if (!tok)
		xalloc_die(0); /* json-c could not allocate a tokener: nothing sane is left to do */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	*out = json_tokener_parse_ex(tok, t->buf, (int)t->len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t off = json_tokener_get_parse_end(tok);
	if (err == json_tokener_continue) {
		/* a number or a truncated text at the end: the terminator settles it */
		*out = json_tokener_parse_ex(tok, "", 1);
		err = json_tokener_get_error(tok);
		off = t->len;
	}
	json_tokener_free(tok);
	if (err == json_tokener_success)
		return 0;
	json_object_put(*out);
	*out = NULL;
	return tokener_error(t, off, err, d);
}

int jsonin_parse(const char *name, const char *buf, size_t len, int first_line,
                 struct json_object **out, struct source_map **map, struct diag_list *d)
{
	struct jsonin_text t;
	jsonin_text_init(&t, name, buf, len, first_line);
	*out = NULL;
	if (map)
		*map = NULL;
	if (len > INT_MAX)
		return jsonin_error(&t, 0, "json.too-large", NULL, d,
		                    "input of %zu bytes is more than json-c reads", len);
	/* json-c would take a NUL for the end of the text and never look at what follows it */
	const char *nul = memchr(buf, '\0', len);
	if (nul)
		return jsonin_error(&t, (size_t)(nul - buf), "json.syntax", NULL, d,
		                    "invalid JSON: NUL byte");
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", buf[i]))
		i++;
	if (i == len)
		return jsonin_error(&t, len, "json.syntax", NULL, d,
		                    "invalid JSON: empty document");
	struct json_object *tree = NULL;
	if (tokenize(&t, &tree, d) < 0)
		return -1;
	struct source_map *m = map ? source_map_new(name) : NULL;
	if (map && !m)
		xalloc_die(0); /* likewise: an empty map failed to allocate */
	if (jsonin_scan(&t, m, d) < 0) {
		json_object_put(tree);
		source_map_free(m);
		return -1;
	}
	*out = tree;
	if (map)
		*map = m;
	return 0;
}

int jsonin_load_file(const char *path, size_t max_bytes, struct json_object **out,
                     struct source_map **map, struct diag_list *d)
{
	char *buf = NULL;
	size_t len = 0;
	*out = NULL;
	if (map)
		*map = NULL;
	if (input_read(path, max_bytes, "json.file-too-large", &buf, &len, d) < 0)
		return -1;
	int rc = jsonin_parse(path, buf, len, 1, out, map, d);
	free(buf);
	return rc;
}
