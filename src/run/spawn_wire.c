/* Flat encoding of the spawn helper's request and result: native byte order and sizes (both ends
 * are the same binary), each message opened by a magic number, strings as a 32-bit length (or
 * NIL_LEN for NULL) and their bytes, and every read bounded by what was received. */
#include "run/spawn_wire.h"

#include "util/xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define REQUEST_MAGIC 0x74617251u /* "Qrat" */
#define RESULT_MAGIC  0x74617252u /* "Rrat" */
#define NIL_LEN       UINT32_MAX
/* No vector or diagnostic list a real request carries comes near this; a larger count can only
 * be damaged bytes, and must not become a huge allocation. */
#define MAX_ITEMS (1u << 20)

static void put_u32(struct strbuf *sb, uint32_t v)
{
	strbuf_add(sb, &v, sizeof(v));
}

static void put_i64(struct strbuf *sb, int64_t v)
{
	strbuf_add(sb, &v, sizeof(v));
}

static void put_str(struct strbuf *sb, const char *s)
{
	if (!s) {
		put_u32(sb, NIL_LEN);
		return;
	}
	size_t len = strlen(s);
	put_u32(sb, (uint32_t)len);
	strbuf_add(sb, s, len);
}

static void put_strv(struct strbuf *sb, char *const *v)
{
	if (!v) {
		put_u32(sb, NIL_LEN);
		return;
	}
	uint32_t n = 0;
	while (v[n])
		n++;
	put_u32(sb, n);
	for (uint32_t i = 0; i < n; i++)
		put_str(sb, v[i]);
}

/* A bounded reader: once a read runs past the end, every later read fails too. */
struct reader {
	const unsigned char *p;
	size_t left;
	bool bad;
};

static bool take(struct reader *r, void *dst, size_t n)
{
	if (r->bad || r->left < n) {
		r->bad = true;
		return false;
	}
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static uint32_t get_u32(struct reader *r)
{
	uint32_t v = 0;
	take(r, &v, sizeof(v));
	return v;
}

static int64_t get_i64(struct reader *r)
{
	int64_t v = 0;
	take(r, &v, sizeof(v));
	return v;
}

static char *get_str(struct reader *r)
{
	uint32_t len = get_u32(r);
	if (r->bad || len == NIL_LEN)
		return NULL;
	if (len > r->left) {
		r->bad = true;
		return NULL;
	}
	char *s = xstrndup((const char *)r->p, len);
	r->p += len;
	r->left -= len;
	return s;
}

static char **get_strv(struct reader *r)
{
	uint32_t n = get_u32(r);
	if (r->bad || n == NIL_LEN)
		return NULL;
	/* each string takes at least its 4-byte length */
	if (n > MAX_ITEMS || n > r->left / sizeof(uint32_t)) {
		r->bad = true;
		return NULL;
	}
	char **v = xcalloc((size_t)n + 1, sizeof(*v));
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		v[i] = get_str(r);
		if (!v[i])
			r->bad = true; /* a NULL inside a vector would end it early */
	}
	return v;
}

static void free_strv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void spawn_wire_request_encode(const struct spawn_request *req, struct strbuf *out)
{
	put_u32(out, REQUEST_MAGIC);
	put_strv(out, req->argv);
	put_strv(out, req->env);
	put_str(out, req->cwd);
	put_str(out, req->stdout_path);
	put_str(out, req->stderr_path);
	put_i64(out, (int64_t)req->output_keep);
	put_i64(out, req->timeout_ms);
	put_i64(out, req->grace_ms);
	put_i64(out, req->no_clone3);
	put_i64(out, req->leaf != NULL);
	if (req->leaf) {
		put_str(out, req->leaf->path);
		put_i64(out, (int64_t)req->leaf->id);
	}
}

int spawn_wire_request_decode(const void *buf, size_t len, struct spawn_wire_request *out,
                              struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	out->leaf.dir_fd = -1;
	struct reader r = {buf, len, false};
	if (get_u32(&r) != REQUEST_MAGIC)
		r.bad = true;
	out->argv = get_strv(&r);
	out->env = get_strv(&r);
	out->cwd = get_str(&r);
	out->stdout_path = get_str(&r);
	out->stderr_path = get_str(&r);
	int64_t keep = get_i64(&r);
	out->req.timeout_ms = get_i64(&r);
	out->req.grace_ms = get_i64(&r);
	out->req.no_clone3 = get_i64(&r) != 0;
	out->has_leaf = get_i64(&r) != 0;
	if (out->has_leaf) {
		out->leaf.path = get_str(&r);
		out->leaf.id = (uint64_t)get_i64(&r);
		if (!out->leaf.path)
			r.bad = true;
	}
	if (r.bad || r.left || keep < 0 || !out->argv) {
		spawn_wire_request_release(out);
		return diag_error(d, "spawn.helper", NULL,
		                  "damaged request to the spawn helper (%zu bytes)", len);
	}
	out->req.output_keep = (size_t)keep;
	out->req.argv = out->argv;
	out->req.env = out->env;
	out->req.cwd = out->cwd;
	out->req.stdout_path = out->stdout_path;
	out->req.stderr_path = out->stderr_path;
	out->req.leaf = out->has_leaf ? &out->leaf : NULL;
	return 0;
}

void spawn_wire_request_release(struct spawn_wire_request *r)
{
	free_strv(r->argv);
	free_strv(r->env);
	free(r->cwd);
	free(r->stdout_path);
	free(r->stderr_path);
	free(r->leaf.path);
	memset(r, 0, sizeof(*r));
	r->leaf.dir_fd = -1;
}

void spawn_wire_result_encode(int rc, const struct spawn_result *res, const struct diag_list *d,
                              size_t first, struct strbuf *out)
{
	put_u32(out, RESULT_MAGIC);
	put_i64(out, rc);
	put_i64(out, res->exit_code);
	put_i64(out, res->term_signal);
	put_i64(out, res->timed_out);
	put_i64(out, res->interrupted);
	put_i64(out, res->exec_failed);
	put_i64(out, res->exec_errno);
	put_str(out, res->exec_error);
	put_i64(out, res->spawn_ns);
	put_i64(out, res->forked);
	put_i64(out, res->workload_ns);
	put_i64(out, res->reaped_ns);
	put_i64(out, res->wall_ns);
	put_i64(out, res->user_us);
	put_i64(out, res->sys_us);
	put_i64(out, res->max_rss_kb);
	put_i64(out, res->max_rss_floor_kb);
	put_i64(out, (int64_t)res->stdout_bytes);
	put_i64(out, (int64_t)res->stderr_bytes);
	put_i64(out, res->output_truncated);
	put_i64(out, res->orphans);
	size_t n = d->len > first ? d->len - first : 0;
	put_u32(out, (uint32_t)n);
	for (size_t i = first; i < d->len; i++) {
		const struct diag *g = &d->items[i];
		put_i64(out, g->severity);
		put_str(out, g->code);
		put_str(out, g->file);
		put_i64(out, g->line);
		put_i64(out, g->column);
		put_str(out, g->pointer);
		put_str(out, g->message);
	}
}

static void add_diag(struct diag_list *d, enum diag_severity sev, const char *code,
                     const struct diag_loc *loc, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add_diag(struct diag_list *d, enum diag_severity sev, const char *code,
                     const struct diag_loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_add_v(d, sev, code, loc, fmt, ap);
	va_end(ap);
}

/* The helper's diagnostics, appended to d; false when the bytes are damaged. */
static bool get_diags(struct reader *r, struct diag_list *d)
{
	uint32_t n = get_u32(r);
	if (n > MAX_ITEMS)
		r->bad = true;
	for (uint32_t i = 0; i < n && !r->bad; i++) {
		int64_t sev = get_i64(r);
		char *code = get_str(r), *file = get_str(r);
		int64_t line = get_i64(r), column = get_i64(r);
		char *pointer = get_str(r), *message = get_str(r);
		if (!r->bad && message && sev >= DIAG_ERROR && sev <= DIAG_NOTE) {
			struct diag_loc loc = {file, (int)line, (int)column, pointer};
			add_diag(d, (enum diag_severity)sev, code, &loc, "%s", message);
		} else {
			r->bad = true;
		}
		free(code);
		free(file);
		free(pointer);
		free(message);
	}
	return !r->bad;
}

int spawn_wire_result_decode(const void *buf, size_t len, int *rc, struct spawn_result *res,
                             struct diag_list *d)
{
	spawn_result_init(res);
	struct reader r = {buf, len, false};
	if (get_u32(&r) != RESULT_MAGIC)
		r.bad = true;
	*rc = (int)get_i64(&r);
	res->exit_code = (int)get_i64(&r);
	res->term_signal = (int)get_i64(&r);
	res->timed_out = get_i64(&r) != 0;
	res->interrupted = get_i64(&r) != 0;
	res->exec_failed = get_i64(&r) != 0;
	res->exec_errno = (int)get_i64(&r);
	res->exec_error = get_str(&r);
	res->spawn_ns = get_i64(&r);
	res->forked = get_i64(&r) != 0;
	res->workload_ns = get_i64(&r);
	res->reaped_ns = get_i64(&r);
	res->wall_ns = get_i64(&r);
	res->user_us = get_i64(&r);
	res->sys_us = get_i64(&r);
	res->max_rss_kb = get_i64(&r);
	res->max_rss_floor_kb = get_i64(&r);
	res->stdout_bytes = (uint64_t)get_i64(&r);
	res->stderr_bytes = (uint64_t)get_i64(&r);
	res->output_truncated = get_i64(&r) != 0;
	res->orphans = get_i64(&r);
	/* the diagnostics go to a list of their own first, so that damaged bytes add none */
	struct diag_list got;
	diag_list_init(&got);
	bool ok = get_diags(&r, &got) && !r.left;
	for (size_t i = 0; ok && i < got.len; i++) {
		const struct diag *g = &got.items[i];
		struct diag_loc loc = {g->file, g->line, g->column, g->pointer};
		add_diag(d, g->severity, g->code, &loc, "%s", g->message);
	}
	diag_list_release(&got);
	if (!ok || (*rc != 0 && *rc != -1)) {
		spawn_result_release(res);
		*rc = -1;
		return diag_error(d, "spawn.helper", NULL,
		                  "damaged result from the spawn helper (%zu bytes)", len);
	}
	return 0;
}
