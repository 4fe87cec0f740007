/* JSON pointers (RFC 6901): building and resolving. */
#include "util/json_pointer.h"

#include "util/strbuf.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

void json_pointer_push_key(struct strbuf *sb, const char *token)
{
	strbuf_addch(sb, '/');
	for (const char *p = token; *p; p++) {
		if (*p == '~')
			strbuf_addstr(sb, "~0");
		else if (*p == '/')
			strbuf_addstr(sb, "~1");
		else
			strbuf_addch(sb, *p);
	}
}

void json_pointer_push_index(struct strbuf *sb, size_t index)
{
	strbuf_addf(sb, "/%zu", index);
}

void json_pointer_pop(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

char *json_pointer_join(const char *base, const char *token)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_addstr(&sb, base);
	json_pointer_push_key(&sb, token);
	return strbuf_detach(&sb);
}

/* Decodes one reference token (~1 → /, ~0 → ~) of length n into a new string. */
static char *decode_token(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
			out[k++] = s[i + 1] == '0' ? '~' : '/';
			i++;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

static int parse_index(const char *tok, size_t *out)
{
	if (!*tok || (tok[0] == '0' && tok[1]))
		return -1;
	size_t v = 0;
	for (const char *p = tok; *p; p++) {
		if (*p < '0' || *p > '9' || v > (SIZE_MAX - 9) / 10)
			return -1;
		v = v * 10 + (size_t)(*p - '0');
	}
	*out = v;
	return 0;
}

struct json_object *json_pointer_resolve(struct json_object *root, const char *pointer, int *found)
{
	*found = 0;
	if (*pointer && *pointer != '/')
		return NULL;
	struct json_object *cur = root;
	const char *p = pointer;
	while (*p == '/') {
		p++;
		size_t n = strcspn(p, "/");
		char *tok = decode_token(p, n);
		p += n;
		struct json_object *next = NULL;
		int ok = 0;
		if (json_object_is_type(cur, json_type_object)) {
			ok = json_object_object_get_ex(cur, tok, &next);
		} else if (json_object_is_type(cur, json_type_array)) {
			size_t idx;
			if (parse_index(tok, &idx) == 0 && idx < json_object_array_length(cur)) {
				next = json_object_array_get_idx(cur, idx);
				ok = 1;
			}
		}
		free(tok);
		if (!ok)
			return NULL;
		cur = next;
	}
	*found = 1;
	return cur;
}
