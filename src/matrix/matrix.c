/* The matrix model's life cycle: load a file through YAML, schema and semantic checks; free; find.
 */
#include "matrix/matrix.h"

#include "matrix/embedded_schema.h"
#include "matrix/build.h"
#include "jsonschema/schema.h"
#include "util/name_table.h"
#include "util/xalloc.h"
#include "yaml/load.h"
#include "util/input_file.h"
#include "util/sha256.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static struct schema *matrix_schema(struct diag_list *d)
{
	const char *text = embedded_schema("matrix.v1.schema.json");
	struct json_object *root = text ? json_tokener_parse(text) : NULL;
	if (!root) {
		diag_error(d, "internal.schema", NULL,
		           "the built-in matrix schema is missing or broken");
		return NULL;
	}
	struct schema *s = schema_new(root, "matrix.v1.schema.json", d);
	json_object_put(root);
	return s;
}

/* The pointers of the schema errors d holds from index first on: the parts of the tree semantic
 * checks must leave alone. Borrowed from d. */
static size_t schema_error_pointers(const struct diag_list *d, size_t first, const char ***out)
{
	const char **ptrs = xcalloc(d->len - first + 1, sizeof(*ptrs));
	size_t n = 0;
	for (size_t i = first; i < d->len; i++)
		if (d->items[i].pointer && d->items[i].code &&
		    strncmp(d->items[i].code, "schema.", 7) == 0)
			ptrs[n++] = d->items[i].pointer;
	*out = ptrs;
	return n;
}

struct matrix *matrix_load_buffer(const char *name, const char *buf, size_t len,
                                  struct diag_list *d)
{
	struct yaml_load_options opt = yaml_load_defaults();
	struct json_object *tree = NULL;
	struct source_map *map = NULL;
	struct schema *schema = NULL;
	struct matrix *m = NULL;

	if (len > opt.max_file_bytes) {
		diag_error(d, "yaml.file-too-large", &(struct diag_loc){name, 0, 0, NULL},
		           "the matrix is %zu bytes, more than the %zu a matrix may have", len,
		           opt.max_file_bytes);
		return NULL;
	}
	if (yaml_load_buffer(name, buf, len, &opt, &tree, &map, d) < 0)
		goto cleanup;
	schema = matrix_schema(d);
	if (!schema)
		goto cleanup;
	size_t first = d->len;
	if (schema_validate(schema, tree, map, d) < 0) {
		/* every error in one pass: the semantic checks still run where the schema passed */
		const char **bad = NULL;
		size_t n_bad = schema_error_pointers(d, first, &bad);
		matrix_check_partial(tree, map, (const char *const *)bad, n_bad, d);
		free(bad);
		goto cleanup;
	}
	m = matrix_build(tree, map, d);
	if (!m)
		goto cleanup;
	m->path = xstrdup(name);
	/* the digest of the bytes that were validated, not of a second read */
	sha256_hex(buf, len, m->sha256);
cleanup:
	schema_free(schema);
	source_map_free(map);
	json_object_put(tree);
	return m;
}

struct matrix *matrix_load(const char *path, struct diag_list *d)
{
	struct yaml_load_options opt = yaml_load_defaults();
	char *buf = NULL;
	size_t len = 0;
	if (input_read(path, opt.max_file_bytes, "yaml.file-too-large", &buf, &len, d) < 0)
		return NULL;
	struct matrix *m = matrix_load_buffer(path, buf, len, d);
	free(buf);
	return m;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_env(struct matrix_env *env, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(env[i].name);
		free(env[i].value);
	}
	free(env);
}

static void cell_release(struct matrix_cell *c)
{
	free(c->name);
	free(c->pointer);
	free(c->kernel_events.label);
	free(c->span_events.label);
	free(c->concurrency.label);
	free(c->payload_bytes.label);
	free(c->compare);
	free(c->expect);
}

void matrix_free(struct matrix *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->name);
	free(m->description);
	for (size_t i = 0; i < m->n_arms; i++) {
		struct matrix_arm *a = &m->arms[i];
		free(a->name);
		free_strings(a->command, a->command_len);
		free_strings(a->wrap, a->wrap_len);
		free_env(a->env, a->env_len);
	}
	free(m->arms);
	free_strings(m->workload.command, m->workload.command_len);
	free_env(m->workload.env, m->workload.env_len);
	free(m->workload.kernel_match);
	for (size_t i = 0; i < m->n_cells; i++)
		cell_release(&m->cells[i]);
	free(m->cells);
	free(m);
}

static bool is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static char *candidate(const char *dir, const char *name)
{
	char *p = xasprintf("%s/%s.yaml", dir, name);
	if (exists(p))
		return p;
	free(p);
	return NULL;
}

char *matrix_find(const char *name_or_path)
{
	if (is_file(name_or_path))
		return xstrdup(name_or_path);
	/* a name is a bare word: anything with a slash or an extension was meant as a path */
	bool is_name = *name_or_path && !strchr(name_or_path, '/') && !strchr(name_or_path, '.');
	char *p = is_name ? candidate("matrices", name_or_path) : NULL;
	const char *env = getenv("TARE_MATRIX_PATH");
	if (is_name && !p && env) {
		char *dirs = xstrdup(env);
		char *save = NULL;
		for (char *dir = strtok_r(dirs, ":", &save); dir && !p;
		     dir = strtok_r(NULL, ":", &save))
			p = candidate(dir, name_or_path);
		free(dirs);
	}
	/* a path that exists but is no regular file (a directory, /dev/null, a FIFO) is handed
	 * back, so that loading it says what it is instead of "not found" */
	if (!p && exists(name_or_path))
		p = xstrdup(name_or_path);
	return p;
}

/* The names the matrix schema allows, in enum order. */
static const char *const order_names[] = {"counterbalanced", "williams", "random", "fixed"};
static const char *const capture_names[] = {"none", "ebpf"};
static const char *const kernel_count_names[] = {"events", "unique-paths"};
static const char *const span_count_names[] = {"retained", "added"};
static const char *const on_fail_names[] = {"skip-cell", "record"};
static const char *const warmup_gate_names[] = {"any-pass", "all-pass", "ignore"};

const char *plan_order_name(enum plan_order o)
{
	return order_names[o];
}

int plan_order_from_name(const char *name, enum plan_order *out)
{
	int k = name_table_find(order_names, NAME_TABLE_LEN(order_names), name);
	if (k >= 0)
		*out = (enum plan_order)k;
	return k < 0 ? -1 : 0;
}

const char *arm_capture_name(enum arm_capture c)
{
	return capture_names[c];
}

int arm_capture_from_name(const char *name, enum arm_capture *out)
{
	int k = name_table_find(capture_names, NAME_TABLE_LEN(capture_names), name);
	if (k >= 0)
		*out = (enum arm_capture)k;
	return k < 0 ? -1 : 0;
}

int kernel_count_mode_from_name(const char *name, enum kernel_count_mode *out)
{
	int k = name_table_find(kernel_count_names, NAME_TABLE_LEN(kernel_count_names), name);
	if (k >= 0)
		*out = (enum kernel_count_mode)k;
	return k < 0 ? -1 : 0;
}

int span_count_mode_from_name(const char *name, enum span_count_mode *out)
{
	int k = name_table_find(span_count_names, NAME_TABLE_LEN(span_count_names), name);
	if (k >= 0)
		*out = (enum span_count_mode)k;
	return k < 0 ? -1 : 0;
}

int on_fail_mode_from_name(const char *name, enum on_fail_mode *out)
{
	int k = name_table_find(on_fail_names, NAME_TABLE_LEN(on_fail_names), name);
	if (k >= 0)
		*out = (enum on_fail_mode)k;
	return k < 0 ? -1 : 0;
}

int warmup_gate_from_name(const char *name, enum warmup_gate *out)
{
	int k = name_table_find(warmup_gate_names, NAME_TABLE_LEN(warmup_gate_names), name);
	if (k >= 0)
		*out = (enum warmup_gate)k;
	return k < 0 ? -1 : 0;
}
