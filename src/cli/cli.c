/* Shared command-line plumbing: usage errors, diagnostic printing, exit codes, privileges. */
#include "cli/cli.h"

#include "run/privileges.h"
#include "util/diag.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void print_json_error(const char *code, const char *message)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(0));
	struct json_object *arr = json_object_new_array();
	struct json_object *e = json_object_new_object();
	json_object_object_add(e, "severity", json_object_new_string("error"));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_array_add(arr, e);
	json_object_object_add(o, "diagnostics", arr);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	                                           JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
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
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "ok", json_object_new_boolean(diag_error_count(d) == 0));
		json_object_object_add(o, "diagnostics", diag_list_to_json(d));
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
		                                           JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
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
