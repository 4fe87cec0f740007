/* What a finished run writes: verdicts.json, the reports, the golden check, the exit code. */
#include "cli/run_outputs.h"

#include "cli/verdict_golden.h"
#include "gate/verdict.h"
#include "report/run_dir.h"
#include "util/atomic_file.h"

#include <json-c/json.h>
#include <stdlib.h>

static void print_verdicts(const struct cli_ctx *ctx, const struct verdict_set *v)
{
	if (ctx->json)
		return;
	for (size_t i = 0; i < v->n_cells; i++)
		fprintf(stderr, "  %-20s %s\n", v->cells[i].cell->name, v->cells[i].sentence);
	fprintf(stderr, "boundary: %s\n", v->boundary);
}

int run_outputs_write(const struct cli_ctx *ctx, const char *out, const struct matrix *m,
		      const struct plan *p, const struct sample *samples, size_t n_samples,
		      const char *golden, struct diag_list *d)
{
	struct verdict_set v;
	if (verdicts_compute(m, p->cells, p->n_cells, samples, n_samples, &v) < 0)
		return TARE_EXIT_INTERNAL;
	struct json_object *vj = verdicts_to_json(m, &v);
	char *path = NULL;
	if (asprintf(&path, "%s/%s", out, RUN_VERDICTS_FILE) < 0)
		abort();
	int rc = atomic_write_json(path, vj, d) < 0 ? TARE_EXIT_ENV : TARE_EXIT_OK;
	free(path);
	print_verdicts(ctx, &v);
	if (rc == TARE_EXIT_OK) {
		if (golden) {
			rc = golden_check(ctx, golden, vj, d);
		} else {
			/* a cell passes when it is healthy, or when it says what it expects (expect:)
			 * and gets exactly that */
			bool pass = true;
			for (size_t i = 0; i < v.n_cells; i++)
				pass &= v.cells[i].expect_met >= 0 ? v.cells[i].expect_met == 1
								   : v.cells[i].verdict == VERDICT_HEALTHY;
			rc = pass ? TARE_EXIT_OK : TARE_EXIT_GATES;
		}
	}
	json_object_put(vj);
	verdict_set_release(&v);
	return rc;
}
