/* YAML 1.2 core schema typing (spec 1.2.2 §10.3) and detection of YAML 1.1 look-alike scalars. */
#include "yaml/scalar.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/strbuf.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_of(const char *s, size_t len, const char *set)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!strchr(set, s[i]) || s[i] == '\0')
			return false;
	return true;
}

static bool one_of(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return true;
	return false;
}

static bool is_null(const char *s, size_t len)
{
	static const char *const words[] = {"~", "null", "Null", "NULL", NULL};
	return len == 0 || one_of(s, words);
}

static int as_bool(const char *s, bool *b)
{
	static const char *const yes[] = {"true", "True", "TRUE", NULL};
	static const char *const no[] = {"false", "False", "FALSE", NULL};
	if (one_of(s, yes))
		*b = true;
	else if (one_of(s, no))
		*b = false;
	else
		return -1;
	return 0;
}

/* Core int: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+. A decimal beyond int64 becomes a double (as a
 * JSON parser would read it); an octal or hex one is an error, since those are bit patterns. */
static int as_int(const char *s, size_t len, struct yaml_scalar_value *v, const char **problem)
{
	int base = 10;
	const char *digits = s;
	if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
		base = s[1] == 'o' ? 8 : 16;
		digits = s + 2;
		if (!all_of(digits, len - 2, base == 8 ? "01234567" : "0123456789abcdefABCDEF"))
			return -1;
	} else {
		size_t skip = (s[0] == '-' || s[0] == '+') ? 1 : 0;
		if (!all_of(s + skip, len - skip, "0123456789"))
			return -1;
	}
	errno = 0;
	if (base == 10) {
		long long n = strtoll(s, NULL, 10);
		if (errno == ERANGE) {
			v->type = YAML_SCALAR_FLOAT;
			v->f = strtod(s, NULL);
			return 0;
		}
		v->type = YAML_SCALAR_INT;
		v->i = n;
		return 0;
	}
	unsigned long long u = strtoull(digits, NULL, base);
	if (errno == ERANGE || u > INT64_MAX) {
		*problem = "integer is out of the 64-bit range";
		return -2;
	}
	v->type = YAML_SCALAR_INT;
	v->i = (int64_t)u;
	return 0;
}

/* Core float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) |
 * \.(nan|NaN|NAN). */
static int as_float(const char *s, size_t len, struct yaml_scalar_value *v)
{
	static const char *const inf[] = {".inf", ".Inf", ".INF", NULL};
	static const char *const nan_words[] = {".nan", ".NaN", ".NAN", NULL};
	size_t i = 0;
	bool neg = false;
	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (one_of(s + i, inf)) {
		v->type = YAML_SCALAR_FLOAT;
		v->f = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (one_of(s, nan_words)) {
		v->type = YAML_SCALAR_FLOAT;
		v->f = NAN;
		return 0;
	}
	size_t int_digits = 0, frac_digits = 0;
	while (i < len && is_digit(s[i])) {
		i++;
		int_digits++;
	}
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && is_digit(s[i])) {
			i++;
			frac_digits++;
		}
	}
	if (int_digits == 0 && frac_digits == 0)
		return -1;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t exp_digits = 0;
		while (i < len && is_digit(s[i])) {
			i++;
			exp_digits++;
		}
		if (exp_digits == 0)
			return -1;
	}
	if (i != len)
		return -1;
	v->type = YAML_SCALAR_FLOAT;
	v->f = strtod(s, NULL);
	return 0;
}

/* The core schema's implicit resolution of a plain scalar: null, bool, int, float, else string. */
static int resolve_plain(const char *s, size_t len, struct yaml_scalar_value *v,
                         const char **problem)
{
	if (is_null(s, len)) {
		v->type = YAML_SCALAR_NULL;
		return 0;
	}
	if (as_bool(s, &v->b) == 0) {
		v->type = YAML_SCALAR_BOOL;
		return 0;
	}
	int rc = as_int(s, len, v, problem);
	if (rc != -1)
		return rc == 0 ? 0 : -1;
	if (as_float(s, len, v) == 0)
		return 0;
	v->type = YAML_SCALAR_STRING;
	return 0;
}

int yaml_scalar_resolve(const char *text, size_t len, const char *tag, bool plain,
                        struct yaml_scalar_value *out, const char **problem)
{
	memset(out, 0, sizeof(*out));
	out->type = YAML_SCALAR_STRING;
	if (!tag)
		return plain ? resolve_plain(text, len, out, problem) : 0;
	if (strncmp(tag, YAML_TAG_PREFIX, strlen(YAML_TAG_PREFIX)) != 0)
		return 0; /* "!" and local or foreign tags: the text as a string */
	const char *t = tag + strlen(YAML_TAG_PREFIX);
	if (strcmp(t, "null") == 0) {
		if (!is_null(text, len)) {
			*problem = "a !!null scalar must be empty, '~' or null";
			return -1;
		}
		out->type = YAML_SCALAR_NULL;
	} else if (strcmp(t, "bool") == 0) {
		if (as_bool(text, &out->b) < 0) {
			*problem = "a !!bool scalar must be true or false";
			return -1;
		}
		out->type = YAML_SCALAR_BOOL;
	} else if (strcmp(t, "int") == 0) {
		int rc = as_int(text, len, out, problem);
		if (rc == -1)
			*problem = "a !!int scalar must be a decimal, 0o octal or 0x hex integer";
		if (rc < 0)
			return -1;
	} else if (strcmp(t, "float") == 0) {
		int rc = as_int(text, len, out, problem);
		if (rc == 0 && out->type == YAML_SCALAR_INT) {
			out->type = YAML_SCALAR_FLOAT;
			out->f = (double)out->i;
		} else if (rc != 0 && as_float(text, len, out) < 0) {
			*problem = "a !!float scalar must be a number, .inf or .nan";
			return -1;
		}
	}
	return 0;
}

/* YAML 1.1 base 60: [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)? */
static bool is_sexagesimal(const char *s, size_t len)
{
	size_t i = (len > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
	if (i >= len || !is_digit(s[i]))
		return false;
	while (i < len && (is_digit(s[i]) || s[i] == '_'))
		i++;
	size_t groups = 0;
	while (i < len && s[i] == ':') {
		i++;
		size_t start = i;
		while (i < len && is_digit(s[i]) && i - start < 2)
			i++;
		if (i == start || (i - start == 2 && s[start] > '5'))
			return false;
		groups++;
	}
	if (groups == 0)
		return false;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && (is_digit(s[i]) || s[i] == '_'))
			i++;
	}
	return i == len;
}

bool yaml_scalar_yaml11(const char *text, size_t len, struct strbuf *msg)
{
	static const char *const bools[] = {"yes", "no", "on", "off", "y", "n", NULL};
	for (size_t k = 0; bools[k]; k++) {
		if (strcasecmp(text, bools[k]) == 0) {
			strbuf_addf(
			    msg,
			    "'%s' is a boolean in YAML 1.1 and a string in YAML 1.2; quote it "
			    "(\"%s\") or write true/false",
			    text, text);
			return true;
		}
	}
	size_t sign = (len > 0 && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
	if (len > sign + 1 && text[sign] == '0' && all_of(text + sign, len - sign, "0123456789")) {
		const char *digits = text + sign;
		while (digits[0] == '0' && digits[1] != '\0')
			digits++;
		if (all_of(text + sign, len - sign, "01234567"))
			strbuf_addf(
			    msg,
			    "'%s' is an octal number in YAML 1.1 and the decimal %.*s%s in YAML "
			    "1.2; write 0o%s or %.*s%s, or quote it",
			    text, (int)sign, text, digits, text + sign + 1, (int)sign, text,
			    digits);
		else
			strbuf_addf(
			    msg,
			    "'%s' is not a number in YAML 1.1 and the decimal %.*s%s in YAML "
			    "1.2; write %.*s%s, or quote it",
			    text, (int)sign, text, digits, (int)sign, text, digits);
		return true;
	}
	if (is_sexagesimal(text, len)) {
		strbuf_addf(
		    msg,
		    "'%s' is a base-60 number in YAML 1.1 and a string in YAML 1.2; quote it "
		    "(\"%s\")",
		    text, text);
		return true;
	}
	return false;
}
