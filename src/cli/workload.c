/* `tare workload`: the built-in workload the runner execs for every builtin dispatch. */
#include "cli/cli.h"

#include "workload/span_tracer.h"
#include "workload/workload.h"
#include "util/diag.h"
#include "util/units.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Far above anything a matrix asks for, low enough that every count fits a JSON number exactly
 * (2^53) and that thread stacks and histograms stay small. */
#define MAX_EVENTS      (UINT64_C(1) << 40)
#define MAX_CONCURRENCY 4096u
#define MAX_PAYLOAD     (UINT64_C(1) << 30)

static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
	if (!s || s[0] < '0' || s[0] > '9')
		return -1;
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno || v > max)
		return -1;
	*out = v;
	return 0;
}

struct options {
	struct workload_config cfg;
	bool has_kernel, has_concurrency, has_payload, has_limit, has_span_events;
	uint32_t limit_flag;
};

enum {
	OPT_KERNEL = 1000,
	OPT_CONCURRENCY,
	OPT_PAYLOAD,
	OPT_WORK_DIR,
	OPT_SPAN_EVENTS,
	OPT_LIMIT,
	OPT_TRACE_OUT,
	OPT_RATE,
	OPT_EXTRA,
};

/* Applies one option. Returns NULL, or the usage problem (static storage). */
static const char *apply_option(struct options *o, int c, const char *arg)
{
	uint64_t v = 0;
	switch (c) {
	case OPT_KERNEL:
		o->has_kernel = true;
		return parse_count(arg, MAX_EVENTS, &o->cfg.kernel_events) < 0
		           ? "--kernel-events needs a count from 0 to 2^40"
		           : NULL;
	case OPT_CONCURRENCY:
		o->has_concurrency = true;
		if (parse_count(arg, MAX_CONCURRENCY, &v) < 0 || v == 0)
			return "--concurrency needs a count from 1 to 4096";
		o->cfg.concurrency = (uint32_t)v;
		return NULL;
	case OPT_PAYLOAD:
		o->has_payload = true;
		return parse_size_bytes(arg, &o->cfg.payload_bytes) < 0 ||
		               o->cfg.payload_bytes > MAX_PAYLOAD
		           ? "--payload needs a size up to 1GiB (128, 4KiB, 1MB)"
		           : NULL;
	case OPT_WORK_DIR:
		o->cfg.work_dir = arg;
		return *arg ? NULL : "--work-dir needs a directory";
	case OPT_SPAN_EVENTS:
		o->has_span_events = true;
		return parse_count(arg, MAX_EVENTS, &o->cfg.span_events) < 0
		           ? "--span-events needs a count from 0 to 2^40"
		           : NULL;
	case OPT_LIMIT:
		o->has_limit = true;
		if (parse_count(arg, UINT32_MAX, &v) < 0)
			return "--span-event-limit needs a count from 0 to 4294967295";
		o->limit_flag = (uint32_t)v;
		return NULL;
	case OPT_TRACE_OUT:
		o->cfg.trace_out = arg;
		return *arg ? NULL : "--trace-out needs a file";
	case OPT_RATE: {
		char *end = NULL;
		errno = 0;
		o->cfg.rate = strtod(arg, &end);
		if (end == arg || *end || errno || !isfinite(o->cfg.rate) || !(o->cfg.rate > 0))
			return "--rate needs a positive number of operations per second";
		return NULL;
	}
	case OPT_EXTRA:
		return parse_count(arg, UINT64_C(60000000000), &o->cfg.extra_ns_per_event) < 0
		           ? "--extra-ns-per-event needs nanoseconds from 0 to 60000000000"
		           : NULL;
	}
	return "unknown option";
}

static int workload_main(int argc, char **argv, const struct cli_ctx *ctx)
{
	static const struct option opts[] = {
	    {"kernel-events", required_argument, NULL, OPT_KERNEL},
	    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
	    {"payload", required_argument, NULL, OPT_PAYLOAD},
	    {"work-dir", required_argument, NULL, OPT_WORK_DIR},
	    {"span-events", required_argument, NULL, OPT_SPAN_EVENTS},
	    {"span-event-limit", required_argument, NULL, OPT_LIMIT},
	    {"trace-out", required_argument, NULL, OPT_TRACE_OUT},
	    {"rate", required_argument, NULL, OPT_RATE},
	    {"extra-ns-per-event", required_argument, NULL, OPT_EXTRA},
	    {NULL, 0, NULL, 0},
	};
	struct options o = {.cfg = {.concurrency = 1}};
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return cli_usage_error(ctx, "workload",
			                       "unknown option or missing value '%s'",
			                       argv[optind - 1]);
		const char *problem = apply_option(&o, c, optarg);
		if (problem)
			return cli_usage_error(ctx, "workload", "%s, got '%s'", problem, optarg);
	}
	if (optind < argc)
		return cli_usage_error(ctx, "workload", "unexpected argument '%s'", argv[optind]);
	if (!o.has_kernel || !o.has_concurrency || !o.has_payload || !o.cfg.work_dir)
		return cli_usage_error(ctx, "workload",
		                       "--kernel-events, --concurrency, --payload and --work-dir "
		                       "are required");
	if ((o.has_span_events || o.has_limit) && !o.cfg.trace_out)
		return cli_usage_error(ctx, "workload",
		                       "--span-events and --span-event-limit need --trace-out");

	struct diag_list d;
	diag_list_init(&d);
	if (o.cfg.trace_out)
		o.cfg.span_event_limit = span_event_limit_resolve(
		    o.has_limit, o.limit_flag, getenv("OTEL_SPAN_EVENT_COUNT_LIMIT"), &d);
	struct workload_result r;
	int rc = workload_run(&o.cfg, &r, &d);
	/* stdout carries only the report line, so diagnostics go to stderr even under --json */
	diag_print_text(stderr, &d);
	int exit_code = rc < 0 ? TARE_EXIT_GATES : TARE_EXIT_OK;
	if (r.ran) {
		struct json_object *report = workload_report(&o.cfg, &r);
		puts(json_object_to_json_string_ext(report, JSON_C_TO_STRING_PLAIN |
		                                                JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(report);
		cli_json_streamed(); /* the report (tare.workload-report.v1) is the document */
	}
	if (fflush(stdout) != 0)
		exit_code = cli_fail(ctx, TARE_EXIT_GATES, "workload.report",
		                     "cannot write the report: %s", strerror(errno));
	diag_list_release(&d);
	return exit_code;
}

const struct command cmd_workload = {
    .name = "workload",
    .run = workload_main,
    .summary = "the built-in workload: exact openat and span-event counts",
    .usage = "tare workload --kernel-events N --concurrency C --payload BYTES --work-dir D\n"
             "                     [--span-events S] [--span-event-limit L] [--trace-out F]\n"
             "                     [--rate R] [--extra-ns-per-event NS]",
    .help =
        "C threads share max(N, S) operations round robin (operation i on thread i % C) and\n"
        "start together. Operation i < N creates the new file D/sweep/worker-<w>/event-<i>\n"
        "with exactly one openat, writes BYTES and closes it; operation i < S adds span event\n"
        "i to one root span. Directories and the trace file are made before the start, so the\n"
        "only openat calls while working are the N event files.\n\n"
        "--trace-out F        turn spans on; on exit write the span to F as one OTLP/JSON line\n"
        "--span-events S      span events to add (needs --trace-out)\n"
        "--span-event-limit L span events retained, oldest dropped beyond it; default\n"
        "                     $OTEL_SPAN_EVENT_COUNT_LIMIT, else 128\n"
        "--rate R             open loop: operation i is due at start + i/R seconds and its\n"
        "                     latency counts from then (no coordinated omission)\n"
        "--extra-ns-per-event NS\n"
        "                     busy-spin NS nanoseconds after each operation (a known cost)\n\n"
        "stdout: one JSON line, schema tare.workload-report.v1 "
        "(schemas/workload-report.schema.json)\n"
        "exit: 0 every operation succeeded, 1 some failed (errors on stderr), 2 usage\n",
    .needs_root = false,
};
