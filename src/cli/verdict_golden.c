/* Checking verdicts against a golden file, with a readable diff. */
#include "cli/verdict_golden.h"

#include "report/verdict_diff.h"
#include "util/strbuf.h"

#include <json-c/json.h>

int golden_check(const struct cli_ctx *ctx, const char *golden_path, struct json_object *actual,
                 struct diag_list *d)
{
	struct json_object *golden = json_object_from_file(golden_path);
	if (!golden) {
		diag_error(
		    d, "io.read", &(struct diag_loc){golden_path, 0, 0, NULL},
		    "cannot read the golden verdicts (create it with 'tare verdict update')");
		return TARE_EXIT_INVALID;
	}
	struct strbuf diff;
	strbuf_init(&diff);
	int n = verdict_diff(golden, actual, &diff);
	if (ctx->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "golden", json_object_new_string(golden_path));
		json_object_object_add(o, "equal", json_object_new_boolean(n == 0));
		json_object_object_add(o, "differences", json_object_new_string(diff.buf));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		                                           JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else if (n == 0) {
		printf("verdicts equal %s\n", golden_path);
	} else {
		printf("verdicts differ from %s (%d difference%s):\n%s", golden_path, n,
		       n == 1 ? "" : "s", diff.buf);
		printf("if the change is intended: tare verdict update %s RUN_DIR\n", golden_path);
	}
	strbuf_release(&diff);
	json_object_put(golden);
	return n == 0 ? TARE_EXIT_OK : TARE_EXIT_GATES;
}
