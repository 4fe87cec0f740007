/* {placeholder} templates: the one scanner behind matrix checks, planning and dispatch-time paths.
 */
#ifndef TARE_UTIL_TEMPLATE_H
#define TARE_UTIL_TEMPLATE_H

#include <stddef.h>

struct strbuf;

/* Returns the value for a placeholder name (borrowed), or NULL to leave "{name}" in the output
 * unchanged (so expansion can happen in stages). */
typedef const char *(*template_lookup_fn)(void *ctx, const char *name);

/* Expands tmpl into out: "{name}" → lookup(name) ("{name}" kept when it returns NULL). With final,
 * "{{" → "{" and "}}" → "}"; without it the escapes are copied as they are, so that a later stage
 * can expand what this one left (the planner leaves {work_dir} for the runner). Returns 0, or -1
 * for malformed text (an unclosed '{', a lone '}', an empty or non [a-z_] name) with *err_offset
 * set to the byte offset of the problem. */
int template_expand(const char *tmpl, template_lookup_fn lookup, void *ctx, int final,
                    struct strbuf *out, size_t *err_offset);

/* Calls fn for each placeholder in tmpl with its name and byte offset; stops and returns -1 on
 * malformed text (like template_expand) or when fn returns non-zero. */
typedef int (*template_visit_fn)(void *ctx, const char *name, size_t offset);
int template_scan(const char *tmpl, template_visit_fn fn, void *ctx, size_t *err_offset);

#endif
