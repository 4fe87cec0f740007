/* Comparing verdicts with a golden file, cell by cell, in words a reviewer reads. */
#include "report/verdict_diff.h"

#include "util/strbuf.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <string.h>

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static struct json_object *arr(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	json_object_object_get_ex(o, key, &v);
	return json_object_is_type(v, json_type_array) ? v : NULL;
}

static struct json_object *find_cell(struct json_object *cells, const char *name)
{
	size_t n = cells ? json_object_array_length(cells) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		if (strcmp(str(c, "cell"), name) == 0)
			return c;
	}
	return NULL;
}

/* The sentence without its "verdict: " prefix. */
static const char *detail(struct json_object *c)
{
	const char *s = str(c, "sentence");
	const char *colon = strchr(s, ':');
	return colon ? colon + 2 : s;
}

static bool same_json(struct json_object *a, struct json_object *b)
{
	return json_object_equal(a, b) != 0;
}

int verdict_diff(struct json_object *golden, struct json_object *actual, struct strbuf *out)
{
	int diffs = 0;
	if (strcmp(str(golden, "matrix"), str(actual, "matrix")) != 0) {
		strbuf_addf(out, "matrix: expected '%s', got '%s'\n", str(golden, "matrix"),
		            str(actual, "matrix"));
		diffs++;
	}
	struct json_object *gcells = arr(golden, "cells"), *acells = arr(actual, "cells");
	size_t ng = gcells ? json_object_array_length(gcells) : 0;
	size_t na = acells ? json_object_array_length(acells) : 0;
	for (size_t i = 0; i < ng; i++) {
		struct json_object *g = json_object_array_get_idx(gcells, i);
		const char *name = str(g, "cell");
		struct json_object *a = find_cell(acells, name);
		if (!a) {
			strbuf_addf(out, "cell %s: expected %s, but the run has no such cell\n",
			            name, str(g, "verdict"));
			diffs++;
			continue;
		}
		if (strcmp(str(g, "verdict"), str(a, "verdict")) != 0) {
			strbuf_addf(out, "cell %s: expected %s, got %s — %s\n", name,
			            str(g, "verdict"), str(a, "verdict"), detail(a));
			diffs++;
		} else if (!same_json(json_object_object_get(g, "reasons"),
		                      json_object_object_get(a, "reasons")) ||
		           strcmp(str(g, "sentence"), str(a, "sentence")) != 0) {
			strbuf_addf(out,
			            "cell %s: %s both times, but for other reasons: expected '%s', "
			            "got '%s'\n",
			            name, str(a, "verdict"), detail(g), detail(a));
			diffs++;
		} else if (!same_json(json_object_object_get(g, "targets"),
		                      json_object_object_get(a, "targets")) ||
		           !same_json(json_object_object_get(g, "skipped"),
		                      json_object_object_get(a, "skipped"))) {
			strbuf_addf(out,
			            "cell %s: targets or skipping changed (the matrix changed?)\n",
			            name);
			diffs++;
		}
	}
	for (size_t i = 0; i < na; i++) {
		struct json_object *a = json_object_array_get_idx(acells, i);
		if (!find_cell(gcells, str(a, "cell"))) {
			strbuf_addf(out, "cell %s: not in the golden file, got %s — %s\n",
			            str(a, "cell"), str(a, "verdict"), detail(a));
			diffs++;
		}
	}
	if (strcmp(str(golden, "boundary"), str(actual, "boundary")) != 0) {
		strbuf_addf(out, "boundary: expected '%s'\n          got      '%s'\n",
		            str(golden, "boundary"), str(actual, "boundary"));
		diffs++;
	}
	return diffs;
}
