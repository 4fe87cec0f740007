/* tare's entry point: global options and the command table. */
#include "cli/cli.h"

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

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {.json = false, .argv0 = argv[0]};
	argc = strip_global_json(argc, argv, &ctx.json);
	if (argc < 2)
		return cli_usage_error(&ctx, NULL, "no command given");
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		print_main_help(stdout);
		return TARE_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		if (ctx.json)
			printf("{\"version\":\"%s\",\"commit\":\"%s\"}\n", TARE_VERSION,
			       TARE_GIT_COMMIT);
		else
			printf("tare %s (%s)\n", TARE_VERSION, TARE_GIT_COMMIT);
		return TARE_EXIT_OK;
	}
	if (strcmp(name, "help") == 0) {
		if (argc < 3) {
			print_main_help(stdout);
			return TARE_EXIT_OK;
		}
		const struct command *cmd = cli_find_command(argv[2]);
		if (!cmd)
			return cli_usage_error(&ctx, NULL, "unknown command '%s'", argv[2]);
		print_command_help(stdout, cmd);
		return TARE_EXIT_OK;
	}
	const struct command *cmd = cli_find_command(name);
	if (!cmd)
		return cli_usage_error(&ctx, NULL, "unknown command '%s'", name);
	for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_command_help(stdout, cmd);
			return TARE_EXIT_OK;
		}
	}
	return cmd->run(argc - 1, argv + 1, &ctx);
}
