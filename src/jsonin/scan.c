/* The position pass: walks a JSON text by the RFC 8259 grammar to locate values and keys, refusing
 * what json-c's strict tokener lets through (single quotes, NaN, "1.", raw control characters,
 * out-of-range numbers, duplicate keys). */
#include "jsonin/scan.h"

#include "jsonin/jsonin.h"
#include "util/json_pointer.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void jsonin_text_init(struct jsonin_text *t, const char *name, const char *buf, size_t len,
                      int first_line)
{
	*t = (struct jsonin_text){name, buf, len, first_line, 0, first_line, 1};
}

struct source_pos jsonin_pos(struct jsonin_text *t, size_t off)
{
	if (off < t->at) {
		t->at = 0;
		t->line = t->first_line;
		t->column = 1;
	}
	for (; t->at < off && t->at < t->len; t->at++) {
		unsigned char c = (unsigned char)t->buf[t->at];
		if (c == '\n') {
			t->line++;
			t->column = 1;
		} else if ((c & 0xC0) != 0x80) {
			t->column++; /* columns count characters: skip UTF-8 continuation bytes */
		}
	}
	return (struct source_pos){t->line, t->column};
}

int jsonin_error(struct jsonin_text *t, size_t off, const char *code, const char *pointer,
                 struct diag_list *d, const char *fmt, ...)
{
	struct source_pos p = jsonin_pos(t, off);
	struct diag_loc loc = {t->name, p.line, p.column, pointer};
	va_list ap;
	va_start(ap, fmt);
	diag_add_v(d, DIAG_ERROR, code, &loc, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

const char *jsonin_habit(const struct jsonin_text *t, size_t off)
{
	if (off >= t->len)
		return NULL;
	char c = t->buf[off];
	if (c == '#' ||
	    (c == '/' && off + 1 < t->len && (t->buf[off + 1] == '/' || t->buf[off + 1] == '*')))
		return "comments are not allowed";
	if (c == '\'')
		return "single-quoted strings are not JSON (use double quotes)";
	if (c == '}' || c == ']') {
		size_t i = off;
		while (i > 0 && is_ws(t->buf[i - 1]))
			i--;
		if (i > 0 && t->buf[i - 1] == ',')
			return "trailing comma";
	}
	if (c == '_' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		size_t i = off;
		while (i > 0 && is_ws(t->buf[i - 1]))
			i--;
		if (i > 0 && (t->buf[i - 1] == '{' || t->buf[i - 1] == ','))
			return "object keys must be double-quoted strings";
	}
	return NULL;
}

struct scan {
	struct jsonin_text *t;
	size_t pos;
	struct source_map *map;
	struct strbuf ptr; /* JSON pointer of the value being read */
	struct diag_list *d;
	size_t depth;
	int rc;
};

/* A key and where it was written, to find duplicates once the object is read. */
struct key_at {
	char *key;
	size_t off;
};

static int fail(struct scan *s, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct scan *s, size_t off, const char *fmt, ...)
{
	struct strbuf msg;
	strbuf_init(&msg);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	jsonin_error(s->t, off, "json.syntax", s->ptr.buf, s->d, "invalid JSON: %s", msg.buf);
	strbuf_release(&msg);
	s->rc = -1;
	return -1;
}

/* The error for an unexpected byte (or the end) where `expected` was due. */
static int unexpected(struct scan *s, const char *expected)
{
	if (s->pos >= s->t->len)
		return fail(s, s->pos, "unexpected end of input (expected %s)", expected);
	const char *habit = jsonin_habit(s->t, s->pos);
	if (habit)
		return fail(s, s->pos, "%s", habit);
	unsigned char c = (unsigned char)s->t->buf[s->pos];
	if (c >= 0x20 && c < 0x7f)
		return fail(s, s->pos, "unexpected '%c' (expected %s)", c, expected);
	return fail(s, s->pos, "unexpected byte 0x%02x (expected %s)", c, expected);
}

static char peek(const struct scan *s)
{
	return s->pos < s->t->len ? s->t->buf[s->pos] : '\0';
}

static void skip_ws(struct scan *s)
{
	while (s->pos < s->t->len && is_ws(s->t->buf[s->pos]))
		s->pos++;
}

static int hex4(struct scan *s, size_t at, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < 4; i++) {
		char c = at + i < s->t->len ? s->t->buf[at + i] : '\0';
		unsigned h = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
		                                    : 16;
		if (h == 16)
			return fail(s, at - 2, "'\\u' needs four hex digits");
		v = v * 16 + h;
	}
	*out = v;
	return 0;
}

static void add_utf8(struct strbuf *sb, unsigned cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (char)(0xC0 | (cp >> 6)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (char)(0xE0 | (cp >> 12)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3F)));
	} else {
		strbuf_addch(sb, (char)(0xF0 | (cp >> 18)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 12) & 0x3F)));
		strbuf_addch(sb, (char)(0x80 | ((cp >> 6) & 0x3F)));
		strbuf_addch(sb, (char)(0x80 | (cp & 0x3F)));
	}
}

/* One \u escape at s->pos (the backslash), a surrogate pair taken whole. */
static int unicode_escape(struct scan *s, struct strbuf *out)
{
	size_t at = s->pos;
	unsigned cp, lo;
	if (hex4(s, at + 2, &cp) < 0)
		return -1;
	s->pos += 6;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return fail(s, at, "lone low surrogate '\\u%04X'", cp);
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		bool pair = s->pos + 1 < s->t->len && s->t->buf[s->pos] == '\\' &&
		            s->t->buf[s->pos + 1] == 'u';
		if (!pair)
			return fail(s, at, "lone high surrogate '\\u%04X'", cp);
		if (hex4(s, s->pos + 2, &lo) < 0)
			return -1;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return fail(s, at, "lone high surrogate '\\u%04X'", cp);
		s->pos += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (out)
		add_utf8(out, cp);
	return 0;
}

/* A string at s->pos (the opening quote). out, when not NULL, receives the decoded text. */
static int string(struct scan *s, struct strbuf *out)
{
	size_t open = s->pos++;
	for (;;) {
		if (s->pos >= s->t->len)
			return fail(s, open, "unterminated string");
		unsigned char c = (unsigned char)s->t->buf[s->pos];
		if (c == '"') {
			s->pos++;
			return 0;
		}
		if (c < 0x20)
			return fail(s, s->pos,
			            "control character U+%04X in a string (escape it, e.g. as "
			            "'\\u%04x')",
			            c, c);
		if (c != '\\') {
			if (out)
				strbuf_addch(out, (char)c);
			s->pos++;
			continue;
		}
		char e = s->pos + 1 < s->t->len ? s->t->buf[s->pos + 1] : '\0';
		static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
		const char *k = e ? strchr(from, e) : NULL;
		if (e == 'u') {
			if (unicode_escape(s, out) < 0)
				return -1;
		} else if (k) {
			if (out)
				strbuf_addch(out, to[k - from]);
			s->pos += 2;
		} else {
			return fail(s, s->pos, "invalid escape '\\%c'", e ? e : '0');
		}
	}
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A number by the RFC's grammar, then its range: json-c would clamp a too-large integer to the
 * 64-bit limit and read 1e999 as infinity, both silently. */
static int number(struct scan *s)
{
	size_t start = s->pos;
	bool integer = true, negative = peek(s) == '-';
	if (negative)
		s->pos++;
	if (peek(s) == '0') {
		s->pos++;
	} else if (digit(peek(s))) {
		while (digit(peek(s)))
			s->pos++;
	} else {
		if (s->t->len - s->pos >= 8 && memcmp(s->t->buf + s->pos, "Infinity", 8) == 0)
			return fail(s, start, "NaN and Infinity are not JSON numbers");
		return unexpected(s, "a digit");
	}
	if (peek(s) == '.') {
		integer = false;
		s->pos++;
		if (!digit(peek(s)))
			return unexpected(s, "a digit after the decimal point");
		while (digit(peek(s)))
			s->pos++;
	}
	if (peek(s) == 'e' || peek(s) == 'E') {
		integer = false;
		s->pos++;
		if (peek(s) == '+' || peek(s) == '-')
			s->pos++;
		if (!digit(peek(s)))
			return unexpected(s, "a digit in the exponent");
		while (digit(peek(s)))
			s->pos++;
	}
	size_t n = s->pos - start;
	char *text = xstrndup(s->t->buf + start, n);
	errno = 0;
	bool ok;
	if (integer && negative) {
		(void)strtoll(text, NULL, 10);
		ok = errno != ERANGE;
	} else if (integer) {
		(void)strtoull(text, NULL, 10);
		ok = errno != ERANGE;
	} else {
		ok = isfinite(strtod(text, NULL));
	}
	if (!ok)
		jsonin_error(s->t, start, "json.range", s->ptr.buf, s->d,
		             "number %.40s%s is out of range (%s)", text, n > 40 ? "..." : "",
		             integer ? "a 64-bit integer" : "a double");
	free(text);
	if (!ok)
		s->rc = -1;
	return ok ? 0 : -1;
}

static int literal(struct scan *s)
{
	static const char *const words[] = {"true", "false", "null"};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if (s->t->len - s->pos >= n && memcmp(s->t->buf + s->pos, words[i], n) == 0) {
			s->pos += n;
			return 0;
		}
	}
	if ((s->t->len - s->pos >= 3 && memcmp(s->t->buf + s->pos, "NaN", 3) == 0) ||
	    (s->t->len - s->pos >= 8 && memcmp(s->t->buf + s->pos, "Infinity", 8) == 0))
		return fail(s, s->pos, "NaN and Infinity are not JSON numbers");
	return unexpected(s, "a value");
}

static int value(struct scan *s, struct source_pos key);

static int cmp_key(const void *pa, const void *pb)
{
	const struct key_at *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->off > b->off) - (a->off < b->off);
}

/* Reports every key written again after its first definition, at the repetition. */
static void duplicate_keys(struct scan *s, struct key_at *keys, size_t n)
{
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(keys[i].key, keys[first].key) != 0) {
			first = i;
			continue;
		}
		struct source_pos at = jsonin_pos(s->t, keys[first].off);
		char *ptr = json_pointer_join(s->ptr.buf, keys[i].key);
		jsonin_error(s->t, keys[i].off, "json.duplicate-key", ptr, s->d,
		             "duplicate key '%s' (first defined at %d:%d)", keys[i].key, at.line,
		             at.column);
		free(ptr);
		s->rc = -1;
	}
}

static int members(struct scan *s, struct key_at **keys, size_t *n, size_t *cap)
{
	struct strbuf key;
	strbuf_init(&key);
	int rc = 0;
	for (;;) {
		skip_ws(s);
		if (peek(s) != '"') {
			rc = unexpected(s, "a double-quoted key");
			break;
		}
		size_t key_off = s->pos;
		strbuf_reset(&key);
		if ((rc = string(s, &key)) < 0)
			break;
		*keys = xgrow(*keys, cap, *n + 1, sizeof(**keys));
		(*keys)[(*n)++] = (struct key_at){xstrdup(key.buf), key_off};
		skip_ws(s);
		if (peek(s) != ':') {
			rc = unexpected(s, "':' after the key");
			break;
		}
		s->pos++;
		size_t len = s->ptr.len;
		json_pointer_push_key(&s->ptr, key.buf);
		rc = value(s, jsonin_pos(s->t, key_off));
		json_pointer_pop(&s->ptr, len);
		if (rc < 0)
			break;
		skip_ws(s);
		if (peek(s) == '}') {
			s->pos++;
			break;
		}
		if (peek(s) != ',') {
			rc = unexpected(s, "',' or '}'");
			break;
		}
		s->pos++;
	}
	strbuf_release(&key);
	return rc;
}

static int object(struct scan *s)
{
	s->pos++;
	skip_ws(s);
	if (peek(s) == '}') {
		s->pos++;
		return 0;
	}
	struct key_at *keys = NULL;
	size_t n = 0, cap = 0;
	int rc = members(s, &keys, &n, &cap);
	if (rc == 0)
		duplicate_keys(s, keys, n);
	for (size_t i = 0; i < n; i++)
		free(keys[i].key);
	free(keys);
	return rc;
}

static int array(struct scan *s)
{
	s->pos++;
	skip_ws(s);
	if (peek(s) == ']') {
		s->pos++;
		return 0;
	}
	for (size_t i = 0;; i++) {
		size_t len = s->ptr.len;
		json_pointer_push_index(&s->ptr, i);
		int rc = value(s, (struct source_pos){0, 0});
		json_pointer_pop(&s->ptr, len);
		if (rc < 0)
			return -1;
		skip_ws(s);
		if (peek(s) == ']') {
			s->pos++;
			return 0;
		}
		if (peek(s) != ',')
			return unexpected(s, "',' or ']'");
		s->pos++;
	}
}

/* A value at s->pos (after whitespace); key is where its key was written (0/0: none). */
static int value(struct scan *s, struct source_pos key)
{
	skip_ws(s);
	if (s->map && s->pos < s->t->len &&
	    source_map_add(s->map, s->ptr.buf, jsonin_pos(s->t, s->pos), key) < 0)
		xalloc_die(
		    0); /* as strbuf does: a map that cannot grow leaves nothing sane to do */
	char c = peek(s);
	if (c == '{' || c == '[') {
		/* json-c enforced JSONIN_MAX_DEPTH already; this only bounds the recursion */
		if (++s->depth > 2 * JSONIN_MAX_DEPTH)
			return fail(s, s->pos, "nesting deeper than %d", JSONIN_MAX_DEPTH);
		int rc = c == '{' ? object(s) : array(s);
		s->depth--;
		return rc;
	}
	if (c == '"')
		return string(s, NULL);
	if (c == '-' || digit(c))
		return number(s);
	return literal(s);
}

int jsonin_scan(struct jsonin_text *t, struct source_map *map, struct diag_list *d)
{
	struct scan s = {.t = t, .map = map, .d = d};
	strbuf_init(&s.ptr);
	if (value(&s, (struct source_pos){0, 0}) == 0) {
		skip_ws(&s);
		if (s.pos < t->len)
			fail(&s, s.pos, "text after the value");
	}
	strbuf_release(&s.ptr);
	return s.rc;
}
