/* {placeholder} templates: scanning and staged expansion. */
#include "util/template.h"

#include "util/strbuf.h"

#include <string.h>

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || c == '_';
}

/* Walks tmpl; literal runs go to out (when not NULL), placeholders to visit/lookup. */
static int walk(const char *tmpl, int final, struct strbuf *out, template_lookup_fn lookup,
                void *lctx, template_visit_fn visit, void *vctx, size_t *err_offset)
{
	const char *p = tmpl;
	char name[64];
	while (*p) {
		if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
			if (out)
				strbuf_add(out, p, final ? 1 : 2);
			p += 2;
		} else if (*p == '}') {
			*err_offset = (size_t)(p - tmpl);
			return -1;
		} else if (*p == '{') {
			const char *start = p + 1;
			size_t n = 0;
			while (is_name_char(start[n]))
				n++;
			if (n == 0 || start[n] != '}' || n >= sizeof(name)) {
				*err_offset = (size_t)(p - tmpl);
				return -1;
			}
			memcpy(name, start, n);
			name[n] = '\0';
			if (visit && visit(vctx, name, (size_t)(p - tmpl))) {
				*err_offset = (size_t)(p - tmpl);
				return -1;
			}
			if (out) {
				const char *v = lookup ? lookup(lctx, name) : NULL;
				if (v)
					strbuf_addstr(out, v);
				else
					strbuf_add(out, p, n + 2);
			}
			p = start + n + 1;
		} else {
			if (out)
				strbuf_addch(out, *p);
			p++;
		}
	}
	return 0;
}

int template_expand(const char *tmpl, template_lookup_fn lookup, void *ctx, int final,
                    struct strbuf *out, size_t *err_offset)
{
	return walk(tmpl, final, out, lookup, ctx, NULL, NULL, err_offset);
}

int template_scan(const char *tmpl, template_visit_fn fn, void *ctx, size_t *err_offset)
{
	return walk(tmpl, 1, NULL, NULL, NULL, fn, ctx, err_offset);
}
