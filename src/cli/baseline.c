/* `tare baseline save RUN_DIR FILE`: a run reduced to a committed baseline file. */
#include "cli/cli.h"

#include "report/baseline.h"
#include "util/atomic_file.h"

#include <json-c/json.h>
#include <string.h>

static int baseline_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	if (argc < 2 || strcmp(argv[1], "save") != 0)
		return cli_usage_error(ctx, "baseline", "expected 'save RUN_DIR FILE'");
	if (argc != 4)
		return cli_usage_error(ctx, "baseline", "'save' takes RUN_DIR and FILE");
	struct diag_list d;
	diag_list_init(&d);
	struct json_object *o = NULL;
	int rc = TARE_EXIT_OK;
	if (baseline_build(argv[2], &o, &d) < 0)
		rc = cli_exit_for(&d, TARE_EXIT_INVALID);
	else if (atomic_write_json(argv[3], o, &d) < 0)
		rc = cli_exit_for(&d, TARE_EXIT_ENV);
	else if (!ctx->json)
		fprintf(stderr, "tare: baseline of %s written to %s\n", argv[2], argv[3]);
	else {
		struct json_object *r = json_object_new_object();
		json_object_object_add(r, "run_dir", json_object_new_string(argv[2]));
		json_object_object_add(r, "baseline", json_object_new_string(argv[3]));
		cli_json_result(ctx, "tare.baseline-save.v1", r);
	}
	json_object_put(o);
	if (d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	return rc;
}

const struct command cmd_baseline = {
    .name = "baseline",
    .run = baseline_main,
    .summary = "save a run as a compact baseline file to commit and compare against",
    .usage = "tare baseline save RUN_DIR FILE",
    .help = "Writes FILE (tare.baseline.v1, schemas/baseline.v1.schema.json): the run's matrix\n"
            "(its exact bytes), per cell and arm the valid measured samples' wall times, CPU\n"
            "and memory, the cell verdicts and boundary, and the provenance of summary.json.\n"
            "Commit it; 'tare compare FILE RUN_DIR' then compares a new run with it, as with a\n"
            "run directory.\n\n"
            "exit: 0 written, 2 usage, 3 the run directory cannot be read, 4 cannot write FILE\n",
    .needs_root = false,
};
