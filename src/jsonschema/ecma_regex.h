/* ECMA-262 regular expressions (as JSON Schema's "pattern" defines them) compiled with pcre2. */
#ifndef TARE_JSONSCHEMA_ECMA_REGEX_H
#define TARE_JSONSCHEMA_ECMA_REGEX_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf;

/* Rewrites an ECMA-262 pattern into pcre2 syntax with the same meaning when compiled with
 * PCRE2_UTF | PCRE2_DOLLAR_ENDONLY (and without PCRE2_UCP, so that \d, \w and \b stay ASCII as
 * ECMA defines them): \s, \S and '.' get ECMA's Unicode line terminator and white space sets,
 * \uXXXX and \u{X} become \x{X}, long Unicode property names (\p{Letter}, \p{gc=Lu},
 * \p{General_Category=Number}) become the short ones pcre2 knows, '[]' and '[^]' mean "nothing"
 * and "any character". Appends the result to out. Returns 0, or -1 with a reason in *why (a static
 * string) when the pattern uses a construct that has no pcre2 equivalent. */
int ecma_regex_translate(const char *pattern, struct strbuf *out, const char **why);

/* A compiled pattern. _new/_free; the compiled form is read-only, so one may be matched from many
 * threads at once. */
struct ecma_regex;

/* Compiles pattern. On failure returns NULL and writes a message (lowercase, no full stop) to
 * err, at most errlen bytes. */
struct ecma_regex *ecma_regex_new(const char *pattern, char *err, size_t errlen);
void ecma_regex_free(struct ecma_regex *re);

/* Searches subject (UTF-8, len bytes) for a match anywhere, as ECMA's RegExp.prototype.test does.
 * Returns 1 on a match, 0 on none, -1 when the match was abandoned because it exceeded the
 * backtracking limits that keep hostile patterns such as '^(a|a)*$' from running for ever, and -2
 * when the subject is not valid UTF-8. */
int ecma_regex_search(const struct ecma_regex *re, const char *subject, size_t len);

#endif
