/* `tare validate`: check matrix files, or any JSON/JSON Lines/YAML file against any schema. */
#include "cli/cli.h"

#include "matrix/embedded_schema.h"
#include "matrix/matrix.h"
#include "matrix/power_check.h"
#include "stats/power.h"
#include "jsonschema/schema.h"
#include "jsonin/jsonin.h"
#include "yaml/load.h"
#include "util/diag.h"
#include "util/input_file.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Loads a schema given as a path, or by the name of one of tare's own (plan.v1, or the file name
 * plan.v1.schema.json), so every output tare writes can be checked without the source tree. A path
 * that exists is read as strict JSON whatever it is, so that a directory or a FIFO says why it
 * cannot be a schema. */
static struct schema *load_schema(const char *arg, struct diag_list *d)
{
	struct stat st;
	if (stat(arg, &st) == 0) {
		struct json_object *root = NULL;
		if (jsonin_load_file(arg, INPUT_MAX_DOCUMENT_BYTES, &root, NULL, d) < 0)
			return NULL;
		struct schema *s = schema_new(root, arg, d);
		json_object_put(root);
		return s;
	}
	char name[256];
	snprintf(name, sizeof(name), "%s%s", arg, strstr(arg, ".json") ? "" : ".schema.json");
	const char *text = embedded_schema(name);
	if (!text) {
		diag_error(d, "io.schema", NULL,
		           "no schema '%s': not a readable file, nor one of tare's schemas", arg);
		return NULL;
	}
	struct json_object *root = json_tokener_parse(text);
	struct schema *s = root ? schema_new(root, name, d) : NULL;
	json_object_put(root);
	return s;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* One JSON or YAML document: .json is strict JSON (jsonin), anything else YAML. */
static int validate_document(const struct schema *s, const char *path, struct diag_list *d)
{
	struct json_object *tree = NULL;
	struct source_map *map = NULL;
	int rc;
	if (has_suffix(path, ".json")) {
		rc = jsonin_load_file(path, INPUT_MAX_DOCUMENT_BYTES, &tree, &map, d);
	} else {
		struct yaml_load_options opt = yaml_load_defaults();
		opt.max_file_bytes = INPUT_MAX_DOCUMENT_BYTES; /* outputs such as plans are large */
		char *buf = NULL;
		size_t len = 0;
		rc = input_read(path, opt.max_file_bytes, "yaml.file-too-large", &buf, &len, d);
		if (rc == 0)
			rc = yaml_load_buffer(path, buf, len, &opt, &tree, &map, d);
		free(buf);
	}
	if (rc == 0)
		rc = schema_validate(s, tree, map, d);
	json_object_put(tree);
	source_map_free(map);
	return rc;
}

/* JSON Lines: each non-empty line is one strict JSON document, read where it sits in the file so
 * that errors carry the file's line numbers. Lines are streamed; each is capped. */
static int validate_lines(const struct schema *s, const char *path, struct diag_list *d)
{
	struct input_lines r;
	if (input_lines_open(&r, path, INPUT_MAX_LINE_BYTES, d) < 0)
		return -1;
	const char *line;
	size_t len;
	bool complete;
	int more, rc = 0;
	while ((more = input_lines_next(&r, &line, &len, &complete, d)) > 0) {
		if (complete)
			len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		struct json_object *tree = NULL;
		struct source_map *map = NULL;
		if (jsonin_parse(path, line, len, r.lineno, &tree, &map, d) < 0 ||
		    schema_validate(s, tree, map, d) < 0)
			rc = -1;
		json_object_put(tree);
		source_map_free(map);
	}
	input_lines_release(&r);
	return more < 0 ? -1 : rc;
}

static int run_schema_mode(const struct cli_ctx *ctx, const char *schema_arg, int nfiles,
                           char **files)
{
	struct diag_list d;
	diag_list_init(&d);
	struct schema *s = load_schema(schema_arg, &d);
	int rc = s ? 0 : -1;
	for (int i = 0; s && i < nfiles; i++) {
		const char *path = files[i];
		bool lines = has_suffix(path, ".jsonl") || has_suffix(path, ".ndjson");
		if ((lines ? validate_lines(s, path, &d) : validate_document(s, path, &d)) < 0)
			rc = -1;
		else if (!ctx->json)
			fprintf(stderr, "%s: valid\n", path);
	}
	schema_free(s);
	if (rc < 0 || ctx->json)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	return rc < 0 ? TARE_EXIT_INVALID : TARE_EXIT_OK;
}

static int run_matrix_mode(const struct cli_ctx *ctx, int nfiles, char **files)
{
	struct diag_list d;
	diag_list_init(&d);
	int rc = 0;
	for (int i = 0; i < nfiles; i++) {
		char *path = matrix_find(files[i]);
		if (!path) {
			diag_error(&d, "io.not-found", NULL,
			           "no matrix '%s' (looked for the path, matrices/%s.yaml and "
			           "$TARE_MATRIX_PATH)",
			           files[i], files[i]);
			rc = -1;
			continue;
		}
		struct matrix *m = matrix_load(path, &d);
		if (!m)
			rc = -1;
		else if (!ctx->json)
			fprintf(stderr, "%s: valid (%zu cells, %zu arms)\n", path, m->n_cells,
			        m->n_arms);
		/* valid, but a design that cannot detect what it is for: a warning, exit 0 */
		if (m)
			matrix_check_power(m, STATS_DEFAULT_CONF, &d);
		matrix_free(m);
		free(path);
	}
	if (rc < 0 || ctx->json || d.len)
		cli_print_diags(ctx, &d);
	diag_list_release(&d);
	return rc < 0 ? TARE_EXIT_INVALID : TARE_EXIT_OK;
}

static int validate_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	static const struct option opts[] = {
	    {"schema", required_argument, NULL, 's'},
	    {NULL, 0, NULL, 0},
	};
	const char *schema = NULL;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:", opts, NULL)) != -1) {
		if (c == 's')
			schema = optarg;
		else
			return cli_usage_error(ctx, "validate", "unknown option '%s'",
			                       argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage_error(ctx, "validate", "no file given");
	if (schema)
		return run_schema_mode(ctx, schema, argc - optind, argv + optind);
	return run_matrix_mode(ctx, argc - optind, argv + optind);
}

const struct command cmd_validate = {
    .name = "validate",
    .run = validate_main,
    .summary = "check matrix files and print every error",
    .usage = "tare validate MATRIX...\n       tare validate --schema SCHEMA FILE...",
    .help =
        "MATRIX is a path, or a name looked up as matrices/NAME.yaml and in each directory\n"
        "of $TARE_MATRIX_PATH. Errors are printed sorted by location (the first 1,000, then\n"
        "a count), in the compiler format FILE:LINE:COL: error: MESSAGE [JSON-POINTER]\n"
        "(code), with the source line and a caret. Each file is checked on its own. A cell\n"
        "whose repetitions cannot reach a 95% paired interval gets a warning (exit 0).\n\n"
        "--schema SCHEMA  validate any JSON (.json, strict), JSON Lines (.jsonl, .ndjson:\n"
        "                 each line strict JSON) or YAML file against SCHEMA: a path, or the\n"
        "                 name of one of tare's schemas (matrix.v1, plan.v1, sample.v1, ...)\n\n"
        "Only regular files are read: a directory, device or FIFO is 'not a regular file'.\n\n"
        "exit: 0 valid, 3 invalid or unreadable, 2 usage\n",
    .needs_root = false,
};
