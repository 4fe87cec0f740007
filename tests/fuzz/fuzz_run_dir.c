/* libFuzzer target: reading a run directory back (report/run_dir.h), its samples.jsonl record by
 * record (report/sample_json.h), with the matrix fixed and plan.json and samples.jsonl from the
 * input. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_input.h"
#include "report/run_dir.h"
#include "report/sample_json.h"
#include "sample/sample.h"
#include "util/diag.h"

/* The run's matrix is not what this target explores (fuzz_matrix_plan does): a fixed, valid one
 * keeps every input on the way to the samples. */
static const char matrix_yaml[] = "tare: 1\n"
                                  "name: fuzz\n"
                                  "arms:\n"
                                  "  base: {capture: none, spans: false}\n"
                                  "  ebpf: {capture: ebpf, spans: true}\n"
                                  "defaults: {repetitions: 2, warmups: 1}\n"
                                  "cells:\n"
                                  "  - {name: a, kernel_events: 1, span_events: 0}\n"
                                  "  - {name: b, kernel_events: 25, span_events: 25}\n";
static const char default_plan[] = "{\"cells\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_write_file(RUN_MATRIX_FILE, matrix_yaml, strlen(matrix_yaml));
	return 0;
}

/* A record read back must print as the line it was read into: the same text once it has been
 * through sample_to_json and sample_from_json again (--resume and verdicts rely on it). */
static void check_round_trip(const struct sample *s)
{
	struct json_object *once = sample_to_json(s);
	struct sample again;
	sample_init(&again);
	struct diag_list d;
	diag_list_init(&d);
	if (sample_from_json(once, &again, &d) < 0) {
		diag_print_text(stderr, &d);
		__builtin_trap();
	}
	struct json_object *twice = sample_to_json(&again);
	if (strcmp(json_object_to_json_string_ext(once, JSON_C_TO_STRING_PLAIN),
	           json_object_to_json_string_ext(twice, JSON_C_TO_STRING_PLAIN)) != 0)
		__builtin_trap();
	json_object_put(once);
	json_object_put(twice);
	sample_release(&again);
	diag_list_release(&d);
}

/* The input is plan.json, a NUL byte, then samples.jsonl; without a NUL it is samples.jsonl and the
 * plan names both cells. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	if (nul) {
		fuzz_write_file(RUN_PLAN_FILE, data, (size_t)(nul - data));
		fuzz_write_file(RUN_SAMPLES_FILE, nul + 1, size - (size_t)(nul - data) - 1);
	} else {
		fuzz_write_file(RUN_PLAN_FILE, default_plan, strlen(default_plan));
		fuzz_write_file(RUN_SAMPLES_FILE, data, size);
	}
	struct run_data run;
	struct diag_list d;
	diag_list_init(&d);
	if (run_dir_load(fuzz_scratch_dir(), &run, &d) == 0) {
		for (size_t i = 0; i < run.n_samples; i++)
			check_round_trip(&run.samples[i]);
		struct sample_groups g;
		sample_groups_init(&g, run.samples, run.n_samples);
		for (size_t i = 0; i < run.n_cells; i++) {
			const struct sample *const *first;
			sample_groups_find(&g, run.matrix->cells[run.cells[i]].name, &first);
		}
		sample_groups_release(&g);
		run_data_release(&run);
	}
	json_object_put(diag_list_to_json(&d));
	diag_list_release(&d);
	return 0;
}
