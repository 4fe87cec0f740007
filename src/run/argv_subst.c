/* Dispatch-time substitution of {work_dir}, {trace_out} and {otlp_endpoint}, per argument, never
 * through a shell. */
#include "run/argv_subst.h"

#include "util/strbuf.h"
#include "util/template.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check_ctx {
	const struct argv_subst_vars *v;
	const char *what; /* "argument 2", "env 'HOME'" */
	const char *text;
	struct diag_list *d;
	int failed;
};

static const char *lookup(void *ctx, const char *name)
{
	const struct argv_subst_vars *v = ctx;
	if (strcmp(name, "work_dir") == 0)
		return v->work_dir;
	if (strcmp(name, "trace_out") == 0)
		return v->trace_out;
	if (strcmp(name, "otlp_endpoint") == 0)
		return v->otlp_endpoint;
	return NULL;
}

/* Visits every placeholder so that an unknown or valueless one is an error, not left as text. */
static int check_name(void *vctx, const char *name, size_t offset)
{
	struct check_ctx *c = vctx;
	(void)offset;
	if (strcmp(name, "work_dir") != 0 && strcmp(name, "trace_out") != 0 &&
	    strcmp(name, "otlp_endpoint") != 0) {
		c->failed = 1;
		diag_error(
		    c->d, "dispatch.placeholder", NULL,
		    "unknown placeholder '{%s}' in %s '%s' (only {work_dir}, {trace_out} and "
		    "{otlp_endpoint} are left for dispatch time)",
		    name, c->what, c->text);
	} else if (!lookup((void *)c->v, name)) {
		c->failed = 1;
		diag_error(c->d, "dispatch.placeholder", NULL,
		           "placeholder '{%s}' in %s '%s' has no value for this dispatch", name,
		           c->what, c->text);
	}
	return 0;
}

static int expand(const char *text, const char *what, const struct argv_subst_vars *v, char **out,
                  struct diag_list *d)
{
	struct check_ctx c = {.v = v, .what = what, .text = text, .d = d};
	size_t off = 0;
	*out = NULL;
	if (template_scan(text, check_name, &c, &off) < 0)
		return diag_error(
		    d, "dispatch.placeholder", NULL,
		    "malformed placeholder in %s '%s' at byte %zu (write '{{' or '}}' "
		    "for a literal brace)",
		    what, text, off);
	if (c.failed)
		return -1;
	struct strbuf sb;
	strbuf_init(&sb);
	/* final: the escapes become single braces now that nothing expands after this stage */
	if (template_expand(text, lookup, (void *)v, 1, &sb, &off) < 0) {
		strbuf_release(&sb);
		return diag_error(d, "dispatch.placeholder", NULL,
		                  "malformed placeholder in %s '%s'", what, text);
	}
	*out = strbuf_detach(&sb);
	return 0;
}

int argv_subst_arg(const char *arg, const struct argv_subst_vars *v, char **out,
                   struct diag_list *d)
{
	return expand(arg, "argument", v, out, d);
}

void argv_subst_free(char **vec)
{
	if (!vec)
		return;
	for (char **p = vec; *p; p++)
		free(*p);
	free(vec);
}

int argv_subst_argv(char *const *argv, size_t argc, const struct argv_subst_vars *v, char ***out,
                    struct diag_list *d)
{
	char **vec = xcalloc(argc + 1, sizeof(*vec));
	int rc = 0;
	*out = NULL;
	size_t filled = 0;
	for (size_t i = 0; i < argc; i++) {
		char what[32];
		char *s = NULL;
		snprintf(what, sizeof(what), "argument %zu", i);
		if (expand(argv[i], what, v, &s, d) < 0) {
			rc = -1;
			continue;
		}
		vec[filled++] = s;
	}
	if (rc < 0) {
		argv_subst_free(vec);
		return -1;
	}
	*out = vec;
	return 0;
}

int argv_subst_env(const struct matrix_env *env, size_t n, const struct argv_subst_vars *v,
                   char ***out, struct diag_list *d)
{
	char **vec = xcalloc(n + 1, sizeof(*vec));
	int rc = 0;
	*out = NULL;
	size_t filled = 0;
	for (size_t i = 0; i < n; i++) {
		struct strbuf what;
		char *value = NULL;
		strbuf_init(&what);
		strbuf_addf(&what, "env '%s'", env[i].name);
		int erc = expand(env[i].value, what.buf, v, &value, d);
		strbuf_release(&what);
		if (erc < 0) {
			rc = -1;
			continue;
		}
		struct strbuf entry;
		strbuf_init(&entry);
		strbuf_addf(&entry, "%s=%s", env[i].name, value);
		free(value);
		vec[filled++] = strbuf_detach(&entry);
	}
	if (rc < 0) {
		argv_subst_free(vec);
		return -1;
	}
	*out = vec;
	return 0;
}
