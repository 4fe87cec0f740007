/* Checking verdicts against a golden file (read as strict JSON), with a readable diff; a run's
 * verdicts as an exit code. */
#include "cli/verdict_golden.h"

#include "jsonin/jsonin.h"
#include "report/verdict_diff.h"
#include "util/input_file.h"
#include "util/strbuf.h"

#include <json-c/json.h>
#include <string.h>
#include <unistd.h>

/* The differences verdict_diff wrote, one string each: a line indented by spaces continues the
 * difference above it. */
static struct json_object *differences_json(const char *text)
{
	struct json_object *arr = json_object_new_array();
	struct strbuf one;
	strbuf_init(&one);
	for (const char *p = text, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		if (*p != ' ' && one.len) {
			json_object_array_add(arr, json_object_new_string(one.buf));
			strbuf_reset(&one);
		}
		if (one.len)
			strbuf_addch(&one, '\n');
		strbuf_add(&one, p, (size_t)(nl - p) + (*nl == '\n' ? 0 : 1));
	}
	if (one.len)
		json_object_array_add(arr, json_object_new_string(one.buf));
	strbuf_release(&one);
	return arr;
}

int golden_check(const struct cli_ctx *ctx, const char *golden_path, struct json_object *actual,
                 struct json_object **result, struct diag_list *d)
{
	struct json_object *golden = NULL;
	if (access(golden_path, F_OK) < 0) {
		diag_error(
		    d, "io.read", &(struct diag_loc){golden_path, 0, 0, NULL},
		    "cannot read the golden verdicts (create it with 'tare verdict update')");
		return TARE_EXIT_INVALID;
	}
	if (jsonin_load_file(golden_path, INPUT_MAX_DOCUMENT_BYTES, &golden, NULL, d) < 0)
		return TARE_EXIT_INVALID;
	if (!json_object_is_type(golden, json_type_object)) {
		json_object_put(golden);
		diag_error(d, "verdict.golden", &(struct diag_loc){golden_path, 1, 1, NULL},
		           "the golden verdicts are not a JSON object");
		return TARE_EXIT_INVALID;
	}
	struct strbuf diff;
	strbuf_init(&diff);
	int n = verdict_diff(golden, actual, &diff);
	if (ctx->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "golden", json_object_new_string(golden_path));
		json_object_object_add(o, "equal", json_object_new_boolean(n == 0));
		json_object_object_add(o, "differences", differences_json(diff.buf));
		if (result)
			*result = o;
		else
			cli_json_result(ctx, "tare.verdict-check.v1", o);
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

int verdicts_exit(const struct cli_ctx *ctx, const char *golden, const struct verdict_set *v,
                  struct json_object *verdicts_json, struct json_object **golden_json,
                  struct diag_list *d)
{
	if (golden)
		return golden_check(ctx, golden, verdicts_json, golden_json, d);
	bool pass = true;
	for (size_t i = 0; i < v->n_cells; i++)
		pass &= v->cells[i].expect_met >= 0 ? v->cells[i].expect_met == 1
		                                    : v->cells[i].verdict == VERDICT_HEALTHY;
	return pass ? TARE_EXIT_OK : TARE_EXIT_GATES;
}
