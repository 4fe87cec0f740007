/* libFuzzer target: a matrix file through the YAML loader, the matrix schema and matrix_build
 * (matrix/matrix.h), then plan expansion and every plan printer (plan/plan.h) when the plan is
 * small. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz_input.h"
#include "matrix/matrix.h"
#include "plan/plan.h"
#include "plan/plan_table.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* Plans longer than this are skipped: expansion is linear in dispatches, and a valid matrix may
 * ask for 100,000 cells of 100,000 repetitions; the fuzzer's time is better spent on shapes than
 * on length (ci/bench/expand-scale measures length). */
#define MAX_DISPATCHES 2000

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

/* The dispatch count plan_expand would produce for every cell, from the matrix alone (rounds of
 * calibrate, warm-up and measure, times the arms compared); stops counting past the bound. */
static size_t dispatch_count(const struct matrix *m)
{
	size_t total = 0;
	for (size_t i = 0; i < m->n_cells && total <= MAX_DISPATCHES; i++) {
		const struct matrix_cell *c = &m->cells[i];
		size_t rounds = (m->gates.preflight ? 1 : 0) +
		                (c->warmups > 0 ? (size_t)c->warmups : 0) +
		                (c->repetitions > 0 ? (size_t)c->repetitions : 0);
		total += rounds * c->n_compare;
	}
	return total;
}

static void expand_and_print(const struct matrix *m)
{
	struct diag_list d;
	diag_list_init(&d);
	struct plan *p = plan_expand(m, NULL, &d);
	if (!p) {
		/* every cell selected: nothing in the matrix may make that fail */
		diag_print_text(stderr, &d);
		__builtin_trap();
	}
	if (p->n_dispatches != dispatch_count(m))
		__builtin_trap();
	if (plan_write_json(p, devnull, true) < 0 || plan_write_json(p, devnull, false) < 0)
		__builtin_trap();
	json_object_put(plan_to_json(p));
	struct strbuf sb;
	strbuf_init(&sb);
	plan_table_write(p, &sb);
	strbuf_release(&sb);
	plan_free(p);
	diag_list_release(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* through a file, as tare reads matrices: matrix_load hashes the file it loaded */
	const char *path = fuzz_write_file("matrix.yaml", data, size);
	struct diag_list d;
	diag_list_init(&d);
	struct matrix *m = matrix_load(path, &d);
	if (m && dispatch_count(m) <= MAX_DISPATCHES)
		expand_and_print(m);
	diag_print_text(devnull, &d);
	matrix_free(m);
	diag_list_release(&d);
	return 0;
}
