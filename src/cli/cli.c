/* Shared command-line plumbing: usage errors, diagnostic printing, exit codes, privileges. */
#include "cli/cli.h"

#include "run/privileges.h"
#include "util/diag.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The --json document of this process: what the command gives and every diagnostic, printed
 * once at the end (cli_json_finish), so that stdout holds exactly one document whatever path the
 * command took. */
static struct {
	char *schema;
	struct json_object *result; /* owned; NULL until the command gives one */
	struct json_object *diags;  /* owned array; NULL until the first diagnostic */
	bool streamed;              /* the command printed its one document itself */
} json_out;

static void json_add_diags(struct json_object *arr)
{
	if (!json_out.diags)
		json_out.diags = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		json_object_array_add(json_out.diags,
		                      json_object_get(json_object_array_get_idx(arr, i)));
}

static void print_json_error(const char *code, const char *message)
{
	struct diag_list d;
	diag_list_init(&d);
	diag_error(&d, code, NULL, "%s", message);
	struct json_object *arr = diag_list_to_json(&d);
	json_add_diags(arr);
	json_object_put(arr);
	diag_list_release(&d);
}

void cli_json_result(const struct cli_ctx *ctx, const char *schema, struct json_object *o)
{
	if (!ctx->json) {
		json_object_put(o);
		return;
	}
	json_object_put(json_out.result);
	free(json_out.schema);
	json_out.result = o;
	json_out.schema = xstrdup(schema);
}

void cli_json_streamed(void)
{
	json_out.streamed = true;
}

int cli_json_finish(const struct cli_ctx *ctx, int rc)
{
	if (!ctx->json)
		return rc;
	size_t n_diags = json_out.diags ? json_object_array_length(json_out.diags) : 0;
	if (json_out.streamed) {
		/* the document is out already; what it could not carry goes to stderr */
		for (size_t i = 0; i < n_diags; i++) {
			struct json_object *g = json_object_array_get_idx(json_out.diags, i), *v;
			json_object_object_get_ex(g, "message", &v);
			fprintf(stderr, "tare: %s\n", json_object_get_string(v));
		}
	} else {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "schema",
		                       json_object_new_string(json_out.schema
		                                                  ? json_out.schema
		                                                  : CLI_SCHEMA_DIAGNOSTICS));
		json_object_object_add(o, "ok", json_object_new_boolean(rc == TARE_EXIT_OK));
		json_object_object_add(o, "exit", json_object_new_int(rc));
		json_object_object_add(o, "diagnostics",
		                       json_out.diags ? json_object_get(json_out.diags)
		                                      : json_object_new_array());
		if (json_out.result) {
			json_object_object_foreach(json_out.result, key, val)
			{
				if (!json_object_object_get_ex(o, key, NULL))
					json_object_object_add(o, key, json_object_get(val));
			}
		}
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
		                                           JSON_C_TO_STRING_SPACED |
		                                           JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	}
	fflush(stdout);
	json_object_put(json_out.result);
	json_object_put(json_out.diags);
	free(json_out.schema);
	memset(&json_out, 0, sizeof(json_out));
	return rc;
}

int cli_usage_error(const struct cli_ctx *ctx, const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	const struct command *cmd = command ? cli_find_command(command) : NULL;
	if (ctx && ctx->json) {
		print_json_error("usage", msg);
	} else {
		fprintf(stderr, "tare%s%s: %s\n", command ? " " : "", command ? command : "", msg);
		if (cmd)
			fprintf(stderr, "usage: %s\n", cmd->usage);
		fprintf(stderr, "see 'tare help%s%s'\n", command ? " " : "",
		        command ? command : "");
	}
	free(msg);
	return TARE_EXIT_USAGE;
}

void cli_print_diags(const struct cli_ctx *ctx, struct diag_list *d)
{
	diag_list_sort(d);
	if (ctx->json) {
		struct json_object *arr = diag_list_to_json(d);
		json_add_diags(arr);
		json_object_put(arr);
	} else {
		diag_print_text(stderr, d);
	}
}

int cli_fail(const struct cli_ctx *ctx, int code, const char *diag_code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (ctx && ctx->json)
		print_json_error(diag_code, msg);
	else
		fprintf(stderr, "tare: error: %s\n", msg);
	free(msg);
	return code;
}

int cli_exit_for(const struct diag_list *d, int otherwise)
{
	for (size_t i = 0; i < d->len; i++)
		if (d->items[i].code && strncmp(d->items[i].code, "internal.", 9) == 0)
			return TARE_EXIT_INTERNAL;
	return otherwise;
}

int cli_require_privileges(const struct cli_ctx *ctx, const struct command *cmd, bool captures)
{
	if (!cmd->needs_root || !captures || privileges_sufficient())
		return 0;
	return cli_fail(
	    ctx, TARE_EXIT_ENV, "env.privileges",
	    "tare %s needs root, or CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN, to load the "
	    "capture and create cgroups; run it with sudo ('tare doctor' checks the "
	    "machine)",
	    cmd->name);
}
