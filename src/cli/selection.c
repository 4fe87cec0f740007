/* The selection options of `tare expand` and `tare run`: one parser, one set of limits. */
#include "cli/selection.h"

#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The highest tier a matrix can give a cell (matrix.v1: 0 PR smoke, 1 extended, 2 certification).
 */
#define MAX_TIER 2

void selection_init(struct selection *s)
{
	memset(s, 0, sizeof(*s));
	s->tier = -1;
}

void selection_release(struct selection *s)
{
	free(s->globs);
	selection_init(s);
}

/* A whole non-negative decimal integer, nothing around it. */
static bool parse_count(const char *s, int *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end = NULL;
	long v = strtol(s, &end, 10);
	if (errno || *end || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

static bool parse_shard(const char *s, int *index, int *count)
{
	const char *slash = strchr(s, '/');
	if (!slash || slash - s > 10)
		return false;
	char head[12];
	memcpy(head, s, (size_t)(slash - s));
	head[slash - s] = '\0';
	return parse_count(head, index) && parse_count(slash + 1, count);
}

int selection_option(struct selection *s, int opt, const char *arg, const struct cli_ctx *ctx,
                     const char *command, int *rc)
{
	switch (opt) {
	case 'c':
		s->globs = xgrow(s->globs, &s->cap_globs, s->n_globs + 1, sizeof(*s->globs));
		s->globs[s->n_globs++] = arg;
		return 1;
	case 't':
		if (!parse_count(arg, &s->tier) || s->tier > MAX_TIER) {
			*rc = cli_usage_error(ctx, command,
			                      "bad value '%s' for --tier (want a tier: 0, 1 or 2)",
			                      arg);
			return -1;
		}
		return 1;
	case 's':
		if (!parse_shard(arg, &s->shard_index, &s->shard_count)) {
			*rc = cli_usage_error(
			    ctx, command, "bad value '%s' for --shard (want I/N, e.g. 2/4)", arg);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

struct plan_select selection_plan_select(const struct selection *s)
{
	return (struct plan_select){s->globs, s->n_globs, s->tier, s->shard_index, s->shard_count};
}

int selection_failure_code(const struct diag_list *d)
{
	for (size_t i = 0; i < d->len; i++) {
		const char *code = d->items[i].code ? d->items[i].code : "";
		if (strcmp(code, "plan.placeholder") == 0 || strcmp(code, "plan.template") == 0)
			return cli_exit_for(d, TARE_EXIT_INVALID);
	}
	return cli_exit_for(d, TARE_EXIT_USAGE);
}
