/* ECMA-262 regular expressions on pcre2: the pattern translation and a bounded search. */
#include "jsonschema/ecma_regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

/* Backtracking budget of one search: enough for any sensible pattern on a matrix value, small
 * enough that '(a+)+$' against a long non-matching string gives up in milliseconds. */
enum { MATCH_LIMIT = 1000000, DEPTH_LIMIT = 10000, HEAP_LIMIT_KIB = 16384 };

/* ECMA-262 WhiteSpace and LineTerminator (§12.2, §12.3), as the body of a character class. */
static const char ecma_space[] = "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
                                 "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}";
/* ECMA's '.' without the s flag: anything but a LineTerminator. */
static const char ecma_dot[] = "[^\\n\\r\\x{2028}\\x{2029}]";

/* Unicode General_Category long names (UAX #44, PropertyValueAliases.txt) → the short names that
 * pcre2 10.42 accepts; pcre2 already knows scripts and binary properties by their long names. */
static const char *const gc_names[][2] = {
    {"Letter", "L"},
    {"Cased_Letter", "L&"},
    {"LC", "L&"},
    {"Uppercase_Letter", "Lu"},
    {"Lowercase_Letter", "Ll"},
    {"Titlecase_Letter", "Lt"},
    {"Modifier_Letter", "Lm"},
    {"Other_Letter", "Lo"},
    {"Mark", "M"},
    {"Combining_Mark", "M"},
    {"Nonspacing_Mark", "Mn"},
    {"Spacing_Mark", "Mc"},
    {"Enclosing_Mark", "Me"},
    {"Number", "N"},
    {"Decimal_Number", "Nd"},
    {"digit", "Nd"},
    {"Letter_Number", "Nl"},
    {"Other_Number", "No"},
    {"Punctuation", "P"},
    {"punct", "P"},
    {"Connector_Punctuation", "Pc"},
    {"Dash_Punctuation", "Pd"},
    {"Open_Punctuation", "Ps"},
    {"Close_Punctuation", "Pe"},
    {"Initial_Punctuation", "Pi"},
    {"Final_Punctuation", "Pf"},
    {"Other_Punctuation", "Po"},
    {"Symbol", "S"},
    {"Math_Symbol", "Sm"},
    {"Currency_Symbol", "Sc"},
    {"Modifier_Symbol", "Sk"},
    {"Other_Symbol", "So"},
    {"Separator", "Z"},
    {"Space_Separator", "Zs"},
    {"Line_Separator", "Zl"},
    {"Paragraph_Separator", "Zp"},
    {"Other", "C"},
    {"Control", "Cc"},
    {"cntrl", "Cc"},
    {"Format", "Cf"},
    {"Surrogate", "Cs"},
    {"Private_Use", "Co"},
    {"Unassigned", "Cn"},
};

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned long hex4(const char *p)
{
	char buf[5] = {p[0], p[1], p[2], p[3], 0};
	return strtoul(buf, NULL, 16);
}

/* \p{...} / \P{...}: p points at the name, len is its length. */
static void add_property(struct strbuf *out, char kind, const char *name, size_t len)
{
	static const char *const gc_prefixes[] = {"General_Category=", "gc="};
	for (size_t i = 0; i < sizeof(gc_prefixes) / sizeof(gc_prefixes[0]); i++) {
		size_t k = strlen(gc_prefixes[i]);
		if (len > k && strncmp(name, gc_prefixes[i], k) == 0) {
			name += k;
			len -= k;
			break;
		}
	}
	const char *mapped = NULL;
	for (size_t i = 0; i < sizeof(gc_names) / sizeof(gc_names[0]); i++)
		if (strlen(gc_names[i][0]) == len && strncmp(gc_names[i][0], name, len) == 0)
			mapped = gc_names[i][1];
	strbuf_addf(out, "\\%c{", kind);
	if (mapped)
		strbuf_addstr(out, mapped);
	else
		strbuf_add(out, name, len);
	strbuf_addch(out, '}');
}

/* \u escapes: \u{X...}, \uXXXX and a \uXXXX\uXXXX surrogate pair. Returns the bytes consumed
 * after the backslash, or 0 when this is not a \u escape (then 'u' is a literal, as in ECMA's
 * non-unicode mode). */
static size_t add_unicode_escape(struct strbuf *out, const char *p)
{
	if (p[1] == '{') {
		size_t n = 2;
		while (is_hex(p[n]))
			n++;
		if (n == 2 || p[n] != '}')
			return 0;
		strbuf_addstr(out, "\\x{");
		strbuf_add(out, p + 2, n - 2);
		strbuf_addch(out, '}');
		return n + 1;
	}
	if (!(is_hex(p[1]) && is_hex(p[2]) && is_hex(p[3]) && is_hex(p[4])))
		return 0;
	unsigned long cp = hex4(p + 1);
	if (cp >= 0xD800 && cp <= 0xDBFF && p[5] == '\\' && p[6] == 'u' && is_hex(p[7]) &&
	    is_hex(p[8]) && is_hex(p[9]) && is_hex(p[10])) {
		unsigned long lo = hex4(p + 7);
		if (lo >= 0xDC00 && lo <= 0xDFFF) {
			strbuf_addf(out, "\\x{%lx}",
			            0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
			return 11;
		}
	}
	strbuf_addf(out, "\\x{%lx}", cp);
	return 5;
}

/* One escape sequence starting at p (the backslash). Returns the bytes consumed. */
static size_t add_escape(struct strbuf *out, const char *p, bool in_class, const char **why)
{
	char c = p[1];
	switch (c) {
	case '\0':
		*why = "the pattern ends with a lone backslash";
		return 0;
	case 's':
		if (in_class)
			strbuf_addstr(out, ecma_space);
		else
			strbuf_addf(out, "[%s]", ecma_space);
		return 2;
	case 'S':
		/* Inside a class pcre2's ASCII \S stands in: pcre2 has no class subtraction, and a
		 * non-ASCII space inside a negated-space class is the only difference. */
		if (in_class)
			strbuf_addstr(out, "\\S");
		else
			strbuf_addf(out, "[^%s]", ecma_space);
		return 2;
	case 'v': /* pcre2's \v is the vertical space class, ECMA's is U+000B */
		strbuf_addstr(out, "\\x{0b}");
		return 2;
	case '0':
		if (p[2] >= '0' && p[2] <= '9')
			break;
		strbuf_addstr(out,
		              "\\x{0}"); /* ECMA's \0 is NUL; pcre2 would read an octal number */
		return 2;
	case 'u': {
		size_t n = add_unicode_escape(out, p + 1);
		if (n)
			return 1 + n;
		strbuf_addch(out, 'u');
		return 2;
	}
	case 'p':
	case 'P': {
		const char *close = p[2] == '{' ? strchr(p + 3, '}') : NULL;
		if (!close) {
			*why = "\\p and \\P need a property name in braces";
			return 0;
		}
		add_property(out, c, p + 3, (size_t)(close - (p + 3)));
		return (size_t)(close - p) + 1;
	}
	default:
		break;
	}
	/* Everything else (\d \w \b \n \cX \xHH \k<name> \1 \/ ...) reads the same in pcre2; copy
	 * the whole UTF-8 sequence of the escaped character. */
	size_t n = 2;
	while ((p[n] & 0xC0) == 0x80)
		n++;
	strbuf_add(out, p, n);
	return n;
}

int ecma_regex_translate(const char *pattern, struct strbuf *out, const char **why)
{
	bool in_class = false;
	*why = NULL;
	for (const char *p = pattern; *p;) {
		if (*p == '\\') {
			size_t n = add_escape(out, p, in_class, why);
			if (n == 0)
				return -1;
			p += n;
			continue;
		}
		if (in_class) {
			if (*p == ']')
				in_class = false;
			if (*p == '[') /* literal in ECMA; pcre2 could read '[:' as a POSIX class */
				strbuf_addch(out, '\\');
			strbuf_addch(out, *p++);
			continue;
		}
		if (*p == '.') {
			strbuf_addstr(out, ecma_dot);
			p++;
		} else if (strncmp(p, "[]", 2) == 0) {
			strbuf_addstr(out, "(?!)"); /* ECMA: the empty class matches nothing */
			p += 2;
		} else if (strncmp(p, "[^]", 3) == 0) {
			strbuf_addstr(out, "[\\s\\S]"); /* ECMA: any character at all */
			p += 3;
		} else if (*p == '[') {
			in_class = true;
			strbuf_addch(out, *p++);
			if (*p == '^')
				strbuf_addch(out, *p++);
			if (*p ==
			    ']') { /* ECMA ends the class here; pcre2 would take ']' literally */
				strbuf_addstr(out, "\\]");
				p++;
			}
		} else {
			strbuf_addch(out, *p++);
		}
	}
	if (in_class) {
		*why = "a character class is not closed";
		return -1;
	}
	return 0;
}

struct ecma_regex {
	pcre2_code *code;
	pcre2_match_context *mctx;
};

struct ecma_regex *ecma_regex_new(const char *pattern, char *err, size_t errlen)
{
	struct strbuf sb;
	const char *why = NULL;
	struct ecma_regex *re = NULL;

	strbuf_init(&sb);
	if (ecma_regex_translate(pattern, &sb, &why) < 0) {
		snprintf(err, errlen, "%s", why);
		goto cleanup;
	}
	re = xcalloc(1, sizeof(*re));
	int code = 0;
	PCRE2_SIZE offset = 0;
	re->code = pcre2_compile((PCRE2_SPTR)sb.buf, sb.len, PCRE2_UTF | PCRE2_DOLLAR_ENDONLY,
	                         &code, &offset, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "%s", (const char *)msg);
		ecma_regex_free(re);
		re = NULL;
		goto cleanup;
	}
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->mctx) {
		snprintf(err, errlen, "out of memory");
		ecma_regex_free(re);
		re = NULL;
		goto cleanup;
	}
	pcre2_set_match_limit(re->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(re->mctx, HEAP_LIMIT_KIB);
cleanup:
	strbuf_release(&sb);
	return re;
}

void ecma_regex_free(struct ecma_regex *re)
{
	if (!re)
		return;
	pcre2_match_context_free(re->mctx);
	pcre2_code_free(re->code);
	free(re);
}

int ecma_regex_search(const struct ecma_regex *re, const char *subject, size_t len)
{
	/* match data per call: the compiled pattern and context stay read-only and shareable */
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (!md)
		return -1;
	int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, 0, 0, md, re->mctx);
	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21 ? -2 : -1;
}
