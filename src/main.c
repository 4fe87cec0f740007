/* tare's entry point: global options and the command table. */
#include "cli/cli.h"
#include "run/spawn_helper.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#ifndef TARE_VERSION
#define TARE_VERSION "0.0.0"
#endif
#ifndef TARE_GIT_COMMIT
#define TARE_GIT_COMMIT "unknown"
#endif

/* The command table: one line per command, in the order `tare --help` lists them. */
static const struct command *const commands[] = {
    &cmd_validate, &cmd_expand,  &cmd_run,     &cmd_merge,    &cmd_verdict, &cmd_workload,
    &cmd_doctor,   &cmd_inspect, &cmd_compare, &cmd_baseline, &cmd_report,  NULL,
};

const struct command *const *cli_commands(void)
{
	return commands;
}

const struct command *cli_find_command(const char *name)
{
	for (size_t i = 0; commands[i]; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void print_main_help(FILE *out)
{
	fputs("usage: tare [--json] COMMAND [ARGS]\n"
	      "       tare help COMMAND | tare --version\n\n"
	      "tare measures what instrumentation costs, and checks that the measurement can be\n"
	      "trusted before it reports a number.\n\ncommands:\n",
	      out);
	for (size_t i = 0; commands[i]; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\n--json anywhere before '--' makes stdout machine-readable, errors included.\n"
	      "exit codes: 0 ok, 1 gates failed or golden differs, 2 usage, 3 invalid input,\n"
	      "4 environment cannot do it, 5 internal error, 130 interrupted.\n",
	      out);
}

static void print_command_help(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		fprintf(out, "\n%s", cmd->help);
}

/* The long options a command's usage and help name, each once, in the order they appear. */
static struct json_object *options_json(const struct command *cmd)
{
	struct json_object *arr = json_object_new_array();
	const char *texts[] = {cmd->usage, cmd->help};
	for (size_t t = 0; t < 2; t++)
		for (const char *p = texts[t] ? texts[t] : ""; (p = strstr(p, "--"));) {
			size_t len = 2;
			while (islower((unsigned char)p[len]) || isdigit((unsigned char)p[len]) ||
			       (p[len] == '-' && islower((unsigned char)p[len + 1])))
				len++;
			bool seen = len == 2;
			for (size_t i = 0; !seen && i < json_object_array_length(arr); i++) {
				const char *o =
				    json_object_get_string(json_object_array_get_idx(arr, i));
				seen = strlen(o) == len && strncmp(o, p, len) == 0;
			}
			if (!seen)
				json_object_array_add(arr, json_object_new_string_len(p, (int)len));
			p += len;
		}
	return arr;
}

/* `tare --json help [COMMAND]`: the commands (or one) with their usage and options. */
static void help_json(const struct cli_ctx *ctx, const struct command *only)
{
	struct json_object *cmds = json_object_new_array();
	for (size_t i = 0; commands[i]; i++) {
		if (only && commands[i] != only)
			continue;
		struct json_object *c = json_object_new_object();
		json_object_object_add(c, "name", json_object_new_string(commands[i]->name));
		json_object_object_add(c, "summary", json_object_new_string(commands[i]->summary));
		json_object_object_add(c, "usage", json_object_new_string(commands[i]->usage));
		json_object_object_add(c, "options", options_json(commands[i]));
		json_object_object_add(c, "needs_root",
		                       json_object_new_boolean(commands[i]->needs_root));
		json_object_array_add(cmds, c);
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "commands", cmds);
	struct json_object *global = json_object_new_array();
	const char *globals[] = {"--json", "--help", "--version"};
	for (size_t i = 0; i < 3; i++)
		json_object_array_add(global, json_object_new_string(globals[i]));
	json_object_object_add(o, "global_options", global);
	cli_json_result(ctx, "tare.help.v1", o);
}

static int help(const struct cli_ctx *ctx, const struct command *only)
{
	if (ctx->json)
		help_json(ctx, only);
	else if (only)
		print_command_help(stdout, only);
	else
		print_main_help(stdout);
	return TARE_EXIT_OK;
}

/* Takes --json out of argv wherever it stands before a "--", so every command accepts it. */
static int strip_global_json(int argc, char **argv, bool *json)
{
	int w = 0;
	bool after_dashes = false;
	for (int r = 0; r < argc; r++) {
		if (!after_dashes && strcmp(argv[r], "--json") == 0) {
			*json = true;
			continue;
		}
		if (strcmp(argv[r], "--") == 0)
			after_dashes = true;
		argv[w++] = argv[r];
	}
	argv[w] = NULL;
	return w;
}

static int dispatch(int argc, char **argv, const struct cli_ctx *ctx)
{
	if (argc < 2)
		return cli_usage_error(ctx, NULL, "no command given");
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return help(ctx, NULL);
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		if (ctx->json) {
			struct json_object *o = json_object_new_object();
			json_object_object_add(o, "version", json_object_new_string(TARE_VERSION));
			json_object_object_add(o, "commit",
			                       json_object_new_string(TARE_GIT_COMMIT));
			cli_json_result(ctx, "tare.version.v1", o);
		} else {
			printf("tare %s (%s)\n", TARE_VERSION, TARE_GIT_COMMIT);
		}
		return TARE_EXIT_OK;
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3)
			return help(ctx, NULL);
		const struct command *cmd = cli_find_command(argv[2]);
		if (!cmd)
			return cli_usage_error(ctx, NULL, "unknown command '%s'", argv[2]);
		return help(ctx, cmd);
	}
	const struct command *cmd = cli_find_command(name);
	if (!cmd)
		return cli_usage_error(ctx, NULL, "unknown command '%s'", name);
	for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return help(ctx, cmd);
	return cmd->run(argc - 1, argv + 1, ctx);
}

/* Whether argv asks for a command that may spawn workloads: `run`, not its help. Read before
 * anything is parsed or allocated, so it looks at the raw words. */
static bool may_dispatch(int argc, char **argv)
{
	int i = 1;
	while (i < argc && strcmp(argv[i], "--json") == 0)
		i++;
	if (i >= argc || strcmp(argv[i], "run") != 0)
		return false;
	for (i++; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return false;
	return true;
}

int main(int argc, char **argv)
{
	/* First, while tare is a few MiB: the spawn helper is a copy of tare as it is now, and
	 * its high-water mark is the floor under the memory figure of every workload it spawns
	 * (run/spawn_helper.h) */
	struct spawn_helper *helper = may_dispatch(argc, argv) ? spawn_helper_start() : NULL;
	struct cli_ctx ctx = {.json = false, .argv0 = argv[0], .spawn_helper = helper};
	argc = strip_global_json(argc, argv, &ctx.json);
	/* under --json every path ends here, so that stdout holds exactly one document */
	int rc = cli_json_finish(&ctx, dispatch(argc, argv, &ctx));
	spawn_helper_free(helper);
	return rc;
}
