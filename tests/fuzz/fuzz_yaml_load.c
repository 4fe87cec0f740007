/* libFuzzer target: the YAML loader (yaml/load.h) on arbitrary bytes, then its diagnostics. */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz_input.h"
#include "util/diag.h"
#include "util/source_map.h"
#include "yaml/load.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	return devnull ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yaml_load_options opt = yaml_load_defaults();
	/* A million nodes of alias expansion is the product's limit and is correct, but it makes
	 * one input take seconds under the sanitizers; the limit's code path is the same at 20,000.
	 */
	opt.max_nodes = 20000;
	/* the conformance suite loads with the YAML 1.1 check off, matrices with it on: fuzz both
	 */
	opt.reject_yaml11 = size % 2 == 0;
	struct json_object *tree = NULL;
	struct source_map *map = NULL;
	struct diag_list d;
	diag_list_init(&d);
	/* the input is also a file, named in the diagnostics, for diag_print_text to quote */
	const char *path = fuzz_write_file("input.yaml", data, size);
	if (yaml_load_buffer(path, (const char *)data, size, &opt, &tree, &map, &d) == 0)
		json_object_to_json_string_ext(tree, JSON_C_TO_STRING_PLAIN);
	/* the text form prints the source line under each error: positions must be in range */
	diag_list_sort(&d);
	diag_print_text(devnull, &d);
	json_object_put(diag_list_to_json(&d));
	json_object_put(tree);
	source_map_free(map);
	diag_list_release(&d);
	return 0;
}
