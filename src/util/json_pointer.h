/* JSON pointers (RFC 6901): building them token by token and walking them through a json-c tree. */
#ifndef TARE_UTIL_JSON_POINTER_H
#define TARE_UTIL_JSON_POINTER_H

#include <stddef.h>

struct json_object;
struct strbuf;

/* Appends "/" and the escaped token (~ → ~0, / → ~1) to sb. */
void json_pointer_push_key(struct strbuf *sb, const char *token);
/* Appends "/" and the decimal index to sb. */
void json_pointer_push_index(struct strbuf *sb, size_t index);
/* Truncates sb back to len (the length it had before a push). */
void json_pointer_pop(struct strbuf *sb, size_t len);

/* Returns a new string: base + "/" + escaped token (caller frees). */
char *json_pointer_join(const char *base, const char *token);

/* Resolves pointer in root; returns the borrowed node, or NULL (with *found false) when the
 * pointer does not resolve. A pointer to a JSON null resolves to NULL with *found true. */
struct json_object *json_pointer_resolve(struct json_object *root, const char *pointer, int *found);

#endif
