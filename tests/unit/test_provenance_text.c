/* Unit tests of report/provenance_text: one plain rendering for summary.md and report.html. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report/provenance_text.h"
#include "util/strbuf.h"

#include <json-c/json.h>

static void check(const char *json, const char *want)
{
	struct json_object *v = json ? json_tokener_parse(json) : NULL;
	struct strbuf sb;
	strbuf_init(&sb);
	provenance_text(&sb, v);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
	json_object_put(v);
}

static void test_values(void **state)
{
	(void)state;
	check(NULL, "unknown");
	check("null", "unknown");
	check("\"performance\"", "performance");
	check("true", "yes");
	check("false", "no");
	check("0.125", "0.12");
	check("[0.5, 1.25, 2]", "0.50, 1.25, 2");
	check("{\"shard\": \"1/3\", \"cells\": [\"a\", \"b\"]}", "shard 1/3; cells a, b");
	/* plain text: escaping is the caller's, for its format */
	check("\"<a & b>\"", "<a & b>");
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_values)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
