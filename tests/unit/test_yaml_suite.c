/* Conformance of the YAML loader against the official yaml-test-suite (data-2022-01-17). */
#include <dirent.h>
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testdata.h"
#include "util/diag.h"
#include "yaml/load.h"

/* Cases that are not judged against their expectation, each with the reason (the comment is the
 * case's title). The loader still loads every one of them, so that the sanitizer build sees them;
 * only the verdict is not counted. All are libyaml 0.2.5 deviations from YAML 1.2: valid input it
 * rejects, invalid input it accepts, or valid input it reads differently. None needs YAML 1.1
 * typing: the loader's core-schema typing matches every in.json libyaml can parse.
 * Not on this list, and counted as passed when the loader rejects them as designed: streams of
 * several documents, or of none (in.json holds several values or none). */
static const struct skip {
	const char *id;
	const char *reason;
} skips[] = {
    {"2LFX",
     "libyaml rejects this valid input: found unknown directive name"}, /* Spec Example 6.13.
                                                                           Reserved Directives
                                                                           [1.3]
                                                                         */
    {"2SXE", "libyaml rejects this valid input: mapping values are not allowed in this "
             "context"}, /* Anchors
                            With
                            Colon
                            in Name
                          */
    {"4MUZ/00",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Flow mapping
                                                                               colon on line
                                                                               after key */
    {"4MUZ/01",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Flow mapping
                                                                               colon on line
                                                                               after key */
    {"4MUZ/02",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Flow mapping
                                                                               colon on line
                                                                               after key */
    {"58MP",
     "libyaml rejects this valid input: did not find expected node content"}, /* Flow mapping
                                                                                 edge cases */
    {"5MUD",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Colon and
                                                                               adjacent value on
                                                                               next line */
    {"5T43",
     "libyaml rejects this valid input: did not find expected node content"}, /* Colon at the
                                                                                 beginning of
                                                                                 adjacent flow
                                                                                 scalar */
    {"652Z",
     "libyaml reads the plain scalar '?foo' in a flow mapping as an explicit key"}, /* Question
                                                                                       mark at
                                                                                       start of
                                                                                       flow key
                                                                                     */
    {"6BCT", "libyaml rejects this valid input: found character that cannot start any "
             "token"}, /* Spec
                          Example 6.3.
                          Separation
                          Spaces */
    {"6CA3", "libyaml rejects this valid input: found character that cannot start any "
             "token"}, /* Tab
                          indented
                          top flow
                        */
    {"6LVF",
     "libyaml rejects this valid input: found unknown directive name"}, /* Spec Example 6.13.
                                                                           Reserved Directives
                                                                         */
    {"7Z25",
     "libyaml rejects this valid input: did not find expected <document start>"}, /* Bare
                                                                                     document
                                                                                     after
                                                                                     document
                                                                                     end marker
                                                                                   */
    {"8XYN", "libyaml rejects this valid input: did not find expected alphabetic or numeric "
             "character"}, /* Anchor with unicode character */
    {"96NN/00", "libyaml rejects this valid input: found a tab character where an indentation "
                "space is expected"}, /* Leading tab content in literals */
    {"96NN/01", "libyaml rejects this valid input: found a tab character where an indentation "
                "space is expected"},               /* Leading tab content in literals */
    {"9C9N", "libyaml accepts this invalid input"}, /* Wrong indented flow sequence */
    {"9JBA", "libyaml accepts this invalid input"}, /* Invalid comment after end of flow sequence */
    {"9SA2",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Multiline double
                                                                               quoted flow
                                                                               mapping key */
    {"A2M4", "libyaml rejects this valid input: found character that cannot start any "
             "token"}, /* Spec
                          Example 6.2.
                          Indentation
                          Indicators
                        */
    {"BEC7",
     "libyaml rejects this valid input: found incompatible YAML document"}, /* Spec
                                                                               Example 6.14.
                                                                               “YAML” directive
                                                                             */
    {"CVW2", "libyaml accepts this invalid input"}, /* Invalid comment after comma */
    {"DBG4",
     "libyaml rejects this valid input: did not find expected node content"}, /* Spec
                                                                                 Example 7.10.
                                                                                 Plain
                                                                                 Characters */
    {"DK3J",
     "libyaml rejects this valid input: did not find expected <document start>"}, /* Zero
                                                                                     indented
                                                                                     block
                                                                                     scalar with
                                                                                     line that
                                                                                     looks like
                                                                                     a comment
                                                                                   */
    {"DK95/00", "libyaml rejects this valid input: found character that cannot start any "
                "token"},                              /* Tabs that
                                                          look like
                                                          indentation
                                                        */
    {"DK95/01", "libyaml accepts this invalid input"}, /* Tabs that look like indentation */
    {"DK95/03", "libyaml rejects this valid input: found character that cannot start any "
                "token"}, /* Tabs that
                             look like
                             indentation
                           */
    {"DK95/04", "libyaml rejects this valid input: found a tab character that violates "
                "indentation"}, /* Tabs that look like indentation */
    {"FP8R",
     "libyaml rejects this valid input: did not find expected <document start>"}, /* Zero
                                                                                     indented
                                                                                     block
                                                                                     scalar */
    {"G5U8", "libyaml accepts this invalid input"}, /* Plain dashes in flow sequence */
    {"HM87/00",
     "libyaml rejects this valid input: did not find expected node content"}, /* Scalars in flow
                                                                                 start with
                                                                                 syntax char */
    {"HM87/01",
     "libyaml reads the plain scalar '?x' in a flow sequence as an explicit key"}, /* Scalars in
                                                                                      flow start
                                                                                      with
                                                                                      syntax
                                                                                      char */
    {"HWV9",
     "libyaml rejects this valid input: did not find expected node content"}, /* Document-end
                                                                                 marker */
    {"JEF9/02", "libyaml drops a kept (|+) block scalar's last line when it holds only spaces and "
                "no line break"}, /* Trailing whitespace in streams */
    {"K3WX",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Colon and
                                                                               adjacent value
                                                                               after comment on
                                                                               next line */
    {"L24T/01", "libyaml drops a block scalar's last line when it holds only spaces and no line "
                "break"}, /* Trailing line of spaces */
    {"M7A3",
     "libyaml rejects this valid input: did not find expected <document start>"}, /* Spec
                                                                                     Example 9.3.
                                                                                     Bare
                                                                                     Documents
                                                                                   */
    {"MUS6/00", "libyaml accepts this invalid input"}, /* Directive variants */
    {"MUS6/05",
     "libyaml rejects this valid input: found unknown directive name"}, /* Directive variants */
    {"MUS6/06",
     "libyaml rejects this valid input: found unknown directive name"}, /* Directive variants */
    {"NJ66",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Multiline plain
                                                                               flow mapping key
                                                                             */
    {"Q5MG", "libyaml rejects this valid input: found character that cannot start any "
             "token"},                              /* Tab at
                                                       beginning
                                                       of line
                                                       followed
                                                       by a flow
                                                       mapping */
    {"QB6E", "libyaml accepts this invalid input"}, /* Wrong indented multiline quoted scalar */
    {"QT73",
     "libyaml rejects this valid input: did not find expected node content"}, /* Comment and
                                                                                 document-end
                                                                                 marker */
    {"R4YG", "libyaml rejects this valid input: found a tab character where an indentation space "
             "is expected"}, /* Spec Example 8.2. Block Indentation Indicator */
    {"S98Z", "libyaml accepts this invalid input"}, /* Block scalar with more spaces than first
                                                       content line */
    {"SU5Z", "libyaml accepts this invalid input"}, /* Comment without whitespace after
                                                       doublequoted scalar */
    {"UT92",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Spec Example 9.4.
                                                                               Explicit
                                                                               Documents */
    {"VJP3/01",
     "libyaml rejects this valid input: did not find expected ',' or '}'"}, /* Flow collections
                                                                               over many lines
                                                                             */
    {"W4TN",
     "libyaml rejects this valid input: could not find expected directive name"}, /* Spec
                                                                                     Example 9.5.
                                                                                     Directives
                                                                                     Documents
                                                                                   */
    {"W5VH", "libyaml rejects this valid input: did not find expected alphabetic or numeric "
             "character"},                          /* Allowed characters in alias */
    {"X4QW", "libyaml accepts this invalid input"}, /* Comment without whitespace after block
                                                       scalar indicator */
    {"Y2GN",
     "libyaml ends an anchor name at ':' (YAML 1.2 allows ':' inside anchors)"}, /* Anchor with
                                                                                    colon in the
                                                                                    middle */
    {"Y79Y/001", "libyaml rejects this valid input: found a tab character where an indentation "
                 "space is expected"},                  /* Tabs in various contexts */
    {"Y79Y/003", "libyaml accepts this invalid input"}, /* Tabs in various contexts */
    {"Y79Y/010", "libyaml rejects this valid input: found character that cannot start any "
                 "token"},                          /* Tabs in
                                                       various
                                                       contexts
                                                     */
    {"YJV2", "libyaml accepts this invalid input"}, /* Dash in flow sequence */
    {NULL, NULL},
};

static const char *skip_reason(const char *id)
{
	for (size_t i = 0; skips[i].id; i++)
		if (strcmp(skips[i].id, id) == 0)
			return skips[i].reason;
	return NULL;
}

struct counts {
	int passed, failed, skipped;
	int matched, rejected_error, rejected_multi, no_json;
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t r;
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *more = realloc(buf, cap *= 2);
			if (!more) {
				free(buf);
				buf = NULL;
			}
			buf = more;
		}
	}
	fclose(f);
	if (buf) {
		buf[n < cap ? n : cap - 1] = '\0';
		*len = n;
	}
	return buf;
}

/* out = a "/" b; false when it does not fit (the caller then treats the case as unreadable). */
static bool join(char *out, size_t size, const char *a, const char *b)
{
	int n = snprintf(out, size, "%s/%s", a, b);
	return n >= 0 && (size_t)n < size;
}

static bool exists(const char *dir, const char *file)
{
	char path[4096];
	struct stat st;
	return join(path, sizeof(path), dir, file) && stat(path, &st) == 0;
}

/* Parses the concatenated JSON values of in.json; returns how many there are, the first in
 * *first (caller puts it). -1 when the file does not parse. */
static int parse_values(const char *text, size_t len, struct json_object **first)
{
	struct json_tokener *tok = json_tokener_new();
	int count = 0;
	size_t off = 0;
	*first = NULL;
	while (tok) {
		while (off < len && strchr(" \t\r\n", text[off]))
			off++;
		if (off >= len)
			break;
		json_tokener_reset(tok);
		struct json_object *v = json_tokener_parse_ex(tok, text + off, (int)(len - off));
		enum json_tokener_error err = json_tokener_get_error(tok);
		if (err != json_tokener_success) {
			/* a bare number at the very end is only complete once the input ends */
			if (err == json_tokener_continue)
				v = json_tokener_parse_ex(tok, "", 1);
			if (json_tokener_get_error(tok) != json_tokener_success) {
				count = -1;
				break;
			}
		}
		if (count == 0)
			*first = v;
		else
			json_object_put(v);
		count++;
		off += json_tokener_get_parse_end(tok);
	}
	json_tokener_free(tok);
	return count;
}

/* JSON equality where numbers compare by value: 1 equals 1.0. */
static bool json_equal(struct json_object *a, struct json_object *b)
{
	if (!a || !b)
		return !a && !b;
	enum json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
	bool na = ta == json_type_int || ta == json_type_double;
	bool nb = tb == json_type_int || tb == json_type_double;
	if (na && nb) {
		if (ta == json_type_int && tb == json_type_int)
			return json_object_get_int64(a) == json_object_get_int64(b);
		double x = json_object_get_double(a), y = json_object_get_double(b);
		return x == y || (isnan(x) && isnan(y));
	}
	if (ta != tb)
		return false;
	switch (ta) {
	case json_type_boolean:
		return json_object_get_boolean(a) == json_object_get_boolean(b);
	case json_type_string:
		return json_object_get_string_len(a) == json_object_get_string_len(b) &&
		       memcmp(json_object_get_string(a), json_object_get_string(b),
		              (size_t)json_object_get_string_len(a)) == 0;
	case json_type_array: {
		size_t n = json_object_array_length(a);
		if (n != json_object_array_length(b))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!json_equal(json_object_array_get_idx(a, i),
			                json_object_array_get_idx(b, i)))
				return false;
		return true;
	}
	case json_type_object: {
		if (json_object_object_length(a) != json_object_object_length(b))
			return false;
		json_object_object_foreach(a, key, va)
		{
			struct json_object *vb;
			if (!json_object_object_get_ex(b, key, &vb) || !json_equal(va, vb))
				return false;
		}
		return true;
	}
	default:
		return false;
	}
}

static bool has_code(const struct diag_list *d, const char *code)
{
	for (size_t i = 0; i < d->len; i++)
		if (strcmp(d->items[i].code, code) == 0)
			return true;
	return false;
}

static const char *first_message(const struct diag_list *d)
{
	return d->len ? d->items[0].message : "(no diagnostic)";
}

static void run_case(const char *dir, const char *id, struct counts *c)
{
	char path[4096];
	size_t len = 0, json_len = 0;
	char *yaml = join(path, sizeof(path), dir, "in.yaml") ? read_file(path, &len) : NULL;
	char *json_text =
	    join(path, sizeof(path), dir, "in.json") ? read_file(path, &json_len) : NULL;
	bool must_fail = exists(dir, "error");

	struct yaml_load_options opt = yaml_load_defaults();
	opt.reject_yaml11 = false;
	struct json_object *got = NULL, *want = NULL;
	struct source_map *map = NULL;
	struct diag_list d;
	diag_list_init(&d);
	int rc = yaml ? yaml_load_buffer(id, yaml, len, &opt, &got, &map, &d) : -1;
	const char *reason = skip_reason(id);
	bool ok = false;
	const char *why = "";
	int values = json_text ? parse_values(json_text, json_len, &want) : 0;

	if (!yaml) {
		why = "cannot read in.yaml";
	} else if (reason) {
		printf("SKIP %s: %s\n", id, reason);
		c->skipped++;
		goto done;
	} else if (must_fail) {
		ok = rc < 0;
		why = "accepted input the suite marks as an error";
		c->rejected_error += ok;
	} else if (!json_text) {
		/* valid YAML that JSON cannot represent (complex keys, tags only): no expectation
		 */
		printf("SKIP %s: no in.json (not representable as JSON)\n", id);
		c->skipped++;
		c->no_json++;
		goto done;
	} else if (values < 0) {
		why = "in.json does not parse";
	} else if (values != 1) {
		/* a stream of several (or no) documents: one document per file is the design */
		ok = rc < 0 && has_code(&d, values == 0 ? "yaml.empty" : "yaml.multi-document");
		why = rc < 0 ? first_message(&d) : "a stream that is not one document was accepted";
		c->rejected_multi += ok;
	} else if (rc < 0) {
		why = first_message(&d);
	} else {
		ok = json_equal(got, want);
		why = "value differs from in.json";
		c->matched += ok;
	}
	if (ok) {
		c->passed++;
	} else {
		c->failed++;
		printf("FAIL %s: %s\n", id, why);
		if (got)
			printf("  got:  %s\n", json_object_to_json_string(got));
		if (want)
			printf("  want: %s\n", json_object_to_json_string(want));
	}
done:
	json_object_put(got);
	json_object_put(want);
	source_map_free(map);
	diag_list_release(&d);
	free(yaml);
	free(json_text);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the entries of dir (caller frees each and the array). */
static char **list_dir(const char *dir, size_t *n)
{
	DIR *dp = opendir(dir);
	char **names = NULL;
	size_t cap = 0;
	*n = 0;
	if (!dp)
		return NULL;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			char **more = realloc(names, cap * sizeof(*names));
			if (!more)
				break;
			names = more;
		}
		names[(*n)++] = strdup(e->d_name);
	}
	closedir(dp);
	qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int main(void)
{
	struct counts c = {0};
	char suite[4096];
	testdata_require(suite, sizeof(suite), "yaml-test-suite");
	size_t n;
	char **ids = list_dir(suite, &n);
	if (!ids || n == 0) {
		printf("cannot read %s\n", suite);
		printf("0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char dir[4096];
		struct stat st;
		if (!join(dir, sizeof(dir), suite, ids[i]) || stat(dir, &st) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (exists(dir, "in.yaml")) {
			run_case(dir, ids[i], &c);
			continue;
		}
		size_t m;
		char **subs = list_dir(dir, &m);
		for (size_t k = 0; k < m; k++) {
			char sub[4096], id[256];
			if (join(sub, sizeof(sub), dir, subs[k]) &&
			    join(id, sizeof(id), ids[i], subs[k]) && exists(sub, "in.yaml"))
				run_case(sub, id, &c);
		}
		free_names(subs, m);
	}
	free_names(ids, n);
	printf(
	    "passed: %d matched in.json, %d rejected as the suite requires, %d multi-document or "
	    "empty streams rejected as designed; skipped: %d without in.json, %d on the skip "
	    "list\n",
	    c.matched, c.rejected_error, c.rejected_multi, c.no_json, c.skipped - c.no_json);
	printf("%d passed, %d failed, %d skipped\n", c.passed, c.failed, c.skipped);
	return c.failed > 0;
}
