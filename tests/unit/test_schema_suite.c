/* Conformance of the JSON Schema validator against JSON-Schema-Test-Suite, draft 2020-12. */
#include <dirent.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonschema/schema.h"
#include "testdata.h"
#include "util/diag.h"

/* The optional/ files run besides the top level: the ones about semantics tare relies on (ECMA
 * regexes, big and float numbers, $id/$anchor handling, unknown keywords). */
static const char *const optional_files[] = {
    "anchor.json",
    "bignum.json",
    "ecmascript-regex.json",
    "float-overflow.json",
    "id.json",
    "no-schema.json",
    "non-bmp-regex.json",
    "refOfUnknownKeyword.json",
    "unknownKeyword.json",
};

/* Cases not judged, each with the reason. description NULL: the whole file; test NULL: the whole
 * case. Skipped cases still run (so that the sanitizer build sees them); only the verdict is not
 * counted. */
static const struct skip {
	const char *file;
	const char *description;
	const char *test;
	const char *reason;
} skips[] = {
    /* keywords this validator does not implement (annotation collection is not modelled) */
    {"dynamicRef.json", NULL, NULL, "$dynamicRef and $dynamicAnchor are not supported"},
    {"unevaluatedItems.json", NULL, NULL, "unevaluatedItems is not supported"},
    {"unevaluatedProperties.json", NULL, NULL, "unevaluatedProperties is not supported"},
    {"not.json", "collect annotations inside a 'not', even if collection is disabled", NULL,
     "uses unevaluatedProperties"},
    {"ref.json", "ref creates new scope when adjacent to keywords", NULL,
     "uses unevaluatedProperties"},
    /* references outside the document: tare's schemas are self-contained, nothing is fetched */
    {"refRemote.json", NULL, NULL, "remote references (http://localhost:1234/...)"},
    {"defs.json", "validate definition against metaschema", NULL,
     "$ref to the 2020-12 metaschema, a remote document"},
    {"ref.json", "remote ref, containing refs itself", NULL,
     "$ref to the 2020-12 metaschema, a remote document"},
    {"vocabulary.json", "schema that uses custom metaschema with with no validation vocabulary",
     NULL, "$vocabulary is read from a remote metaschema"},
};

struct counts {
	int passed, failed, skipped;
};

static const struct skip *find_skip(const char *file, const char *desc, const char *test)
{
	for (size_t i = 0; i < sizeof(skips) / sizeof(skips[0]); i++) {
		if (strcmp(skips[i].file, file) != 0)
			continue;
		if (skips[i].description && strcmp(skips[i].description, desc) != 0)
			continue;
		if (skips[i].test && strcmp(skips[i].test, test) != 0)
			continue;
		return &skips[i];
	}
	return NULL;
}

/* A case that uses one of these keywords must be on the skip list: the validator ignores them
 * (as the spec says of unknown keywords), so a pass would be luck. */
static const char *unsupported_keyword(const struct schema *s)
{
	static const char *const unsupported[] = {
	    "$dynamicRef",   "$dynamicAnchor",   "unevaluatedProperties", "unevaluatedItems",
	    "$recursiveRef", "$recursiveAnchor", "dependencies",
	};
	const char *const *names = NULL;
	size_t n = schema_unknown_keywords(s, &names);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]); k++)
			if (strcmp(names[i], unsupported[k]) == 0)
				return unsupported[k];
	return NULL;
}

static void run_case(struct counts *c, const char *file, struct json_object *tc)
{
	struct json_object *jdesc = NULL, *jschema = NULL, *jtests = NULL;
	json_object_object_get_ex(tc, "description", &jdesc);
	json_object_object_get_ex(tc, "schema", &jschema);
	json_object_object_get_ex(tc, "tests", &jtests);
	const char *desc = json_object_get_string(jdesc);
	struct diag_list d;
	diag_list_init(&d);
	struct schema *s = schema_new(jschema, desc, &d);
	const char *unsupported = s ? unsupported_keyword(s) : NULL;
	size_t n = json_object_array_length(jtests);
	for (size_t i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(jtests, i), *jtd = NULL,
		                   *data = NULL, *jvalid = NULL;
		json_object_object_get_ex(t, "description", &jtd);
		json_object_object_get_ex(t, "data", &data);
		json_object_object_get_ex(t, "valid", &jvalid);
		const char *test = json_object_get_string(jtd);
		bool want = json_object_get_boolean(jvalid);
		const struct skip *sk = find_skip(file, desc, test);
		if (!s) {
			if (sk) {
				c->skipped++;
				continue;
			}
			printf("FAIL %s / %s / %s: the schema did not compile: %s\n", file, desc,
			       test, d.len ? d.items[0].message : "?");
			c->failed++;
			continue;
		}
		struct diag_list vd;
		diag_list_init(&vd);
		int rc = schema_validate(s, data, NULL, &vd);
		bool got = rc == 0;
		/* every failure must explain itself, and a success must say nothing */
		bool consistent = got ? vd.len == 0 : diag_error_count(&vd) > 0;
		diag_list_release(&vd);
		if (sk) {
			c->skipped++;
			continue;
		}
		if (unsupported) {
			printf("FAIL %s / %s / %s: uses '%s', which is not supported; the case "
			       "belongs "
			       "on the skip list\n",
			       file, desc, test, unsupported);
			c->failed++;
			continue;
		}
		if (got == want && consistent) {
			c->passed++;
		} else {
			printf("FAIL %s / %s / %s: expected %s, got %s%s\n", file, desc, test,
			       want ? "valid" : "invalid", got ? "valid" : "invalid",
			       consistent ? "" : " (and the diagnostics disagree with the result)");
			c->failed++;
		}
	}
	schema_free(s);
	diag_list_release(&d);
}

static void run_file(struct counts *c, const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct json_object *root = json_object_from_file(path);
	if (!json_object_is_type(root, json_type_array)) {
		printf("FAIL %s: cannot read the test file\n", path);
		c->failed++;
		json_object_put(root);
		return;
	}
	/* name relative to the suite's draft folder: "optional/bignum.json" */
	const char *rel = strstr(path, "draft2020-12/") + strlen("draft2020-12/");
	for (size_t i = 0; i < json_object_array_length(root); i++)
		run_case(c, rel, json_object_array_get_idx(root, i));
	json_object_put(root);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every *.json in dir, in name order so that the output is stable. */
static void run_dir(struct counts *c, const char *dir)
{
	DIR *dh = opendir(dir);
	if (!dh) {
		printf("FAIL %s: cannot open the suite folder\n", dir);
		c->failed++;
		return;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dh))) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		char **v = realloc(names, (n + 1) * sizeof(*v));
		if (!v)
			abort();
		names = v;
		names[n++] = strdup(e->d_name);
	}
	closedir(dh);
	qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		run_file(c, dir, names[i]);
		free(names[i]);
	}
	free(names);
}

int main(void)
{
	struct counts c = {0, 0, 0};
	char suite[4096], optional[4200];
	testdata_require(suite, sizeof(suite), "json-schema-test-suite/tests/draft2020-12");
	run_dir(&c, suite);
	snprintf(optional, sizeof(optional), "%s/optional", suite);
	for (size_t i = 0; i < sizeof(optional_files) / sizeof(optional_files[0]); i++)
		run_file(&c, optional, optional_files[i]);
	printf("%d passed, %d failed, %d skipped\n", c.passed, c.failed, c.skipped);
	return c.failed > 0;
}
