/* `tare verdict`: recompute a run's verdicts from its samples, compare them with a golden file, or
 * rewrite the golden file. No BPF, no root. */
#include "cli/cli.h"

#include "cli/verdict_golden.h"
#include "report/verdicts_json.h"
#include "report/run_dir.h"
#include "util/atomic_file.h"
#include "util/diag.h"

#include <json-c/json.h>
#include <string.h>

/* Recomputes verdicts.json of a run directory from its samples (a new object), or NULL. */
static struct json_object *verdicts_of_run(const char *dir, struct diag_list *d)
{
	struct run_data run;
	if (run_dir_load(dir, &run, d) < 0)
		return NULL;
	struct verdict_set v;
	struct json_object *o = NULL;
	if (verdicts_compute(run.matrix, run.cells, run.n_cells, run.samples, run.n_samples, &v) ==
	    0) {
		o = verdicts_to_json(run.matrix, &v);
		verdict_set_release(&v);
	}
	run_data_release(&run);
	return o;
}

static int print_json(const struct cli_ctx *ctx, struct json_object *o)
{
	if (ctx->json) {
		cli_json_result(ctx, "tare.verdicts.v1", json_object_get(o));
		return TARE_EXIT_OK;
	}
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	return TARE_EXIT_OK;
}

static int verdict_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	if (argc < 2)
		return cli_usage_error(ctx, "verdict",
		                       "no subcommand given (check, update or show)");
	const char *sub = argv[1];
	struct diag_list d;
	diag_list_init(&d);
	int rc;
	if (strcmp(sub, "show") == 0) {
		if (argc != 3)
			return cli_usage_error(ctx, "verdict", "show takes one RUN_DIR");
		struct json_object *v = verdicts_of_run(argv[2], &d);
		rc = v ? print_json(ctx, v) : TARE_EXIT_INVALID;
		json_object_put(v);
	} else if (strcmp(sub, "check") == 0 || strcmp(sub, "update") == 0) {
		if (argc != 4)
			return cli_usage_error(ctx, "verdict", "%s takes GOLDEN and RUN_DIR", sub);
		struct json_object *v = verdicts_of_run(argv[3], &d);
		if (!v) {
			rc = TARE_EXIT_INVALID;
		} else if (strcmp(sub, "update") == 0) {
			rc = atomic_write_json(argv[2], v, &d) < 0 ? TARE_EXIT_INTERNAL
			                                           : TARE_EXIT_OK;
			if (rc == TARE_EXIT_OK && !ctx->json)
				fprintf(stderr, "wrote %s\n", argv[2]);
			if (rc == TARE_EXIT_OK && ctx->json) {
				struct json_object *r = json_object_new_object();
				json_object_object_add(r, "golden",
				                       json_object_new_string(argv[2]));
				json_object_object_add(r, "written", json_object_new_boolean(true));
				cli_json_result(ctx, "tare.verdict-update.v1", r);
			}
		} else {
			rc = golden_check(ctx, argv[2], v, NULL, &d);
		}
		json_object_put(v);
	} else {
		return cli_usage_error(ctx, "verdict", "unknown subcommand '%s'", sub);
	}
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	return rc;
}

const struct command cmd_verdict = {
    .name = "verdict",
    .run = verdict_main,
    .summary = "compare a run's gate verdicts with a golden file, or update it",
    .usage = "tare verdict check GOLDEN RUN_DIR\n       tare verdict update GOLDEN RUN_DIR\n"
             "       tare verdict show RUN_DIR",
    .help = "Verdicts are recomputed from RUN_DIR/samples.jsonl with the run's own copy of the\n"
            "matrix, so no BPF and no root are needed.\n\n"
            "check   exit 0 when the verdicts equal GOLDEN, 1 with a per-cell diff otherwise\n"
            "update  rewrite GOLDEN from the run (review the change in git)\n"
            "show    print the recomputed verdicts.json\n\n"
            "exit: 0 equal/written, 1 different, 2 usage, 3 unreadable run or golden file\n",
    .needs_root = false,
};
