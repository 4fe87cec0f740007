/* junit.xml: each cell's three gates as test cases; a failing gate carries the verdict sentence
 * and the log tails of the cell's failing dispatches. */
#include "report/junit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum gate_class { GATE_CALIBRATION, GATE_HEALTH, GATE_SAMPLES, GATE_CLASSES };
static const char *const gate_names[GATE_CLASSES] = {"calibration", "health", "samples"};

/* Which gate class a verdict fails; healthy fails none. */
static int failing_class(enum cell_verdict v)
{
	switch (v) {
	case VERDICT_UNCALIBRATED:
	case VERDICT_LOSSY:
		return GATE_CALIBRATION;
	case VERDICT_UNHEALTHY:
		return GATE_HEALTH;
	case VERDICT_INCONCLUSIVE:
		return GATE_SAMPLES;
	case VERDICT_HEALTHY:
		break;
	}
	return -1;
}

/* Seconds of wall time of cell's dispatches in the given phases (a mask of 1 << phase). */
static double cell_seconds(const struct junit_run *run, const char *cell, unsigned phases)
{
	int64_t ns = 0;
	for (size_t i = 0; i < run->n_samples; i++) {
		const struct sample *s = &run->samples[i];
		if ((phases & (1u << s->phase)) && strcmp(s->cell, cell) == 0)
			ns += s->wall_ns;
	}
	return (double)ns / 1e9;
}

/* The log tails of the cell's first invalid dispatches, as the test case's <system-out>. */
static void system_out(struct strbuf *out, const struct junit_run *run, const char *cell)
{
	if (!run->log_tail)
		return;
	size_t shown = 0;
	for (size_t i = 0; i < run->n_samples && shown < JUNIT_MAX_LOGS; i++) {
		const struct sample *s = &run->samples[i];
		if (s->valid || strcmp(s->cell, cell) != 0)
			continue;
		char *tail = run->log_tail(run->log_ctx, s);
		if (!tail)
			continue;
		strbuf_addstr(out, shown ? "\n" : "      <system-out>");
		strbuf_addf(out, "dispatch %zu (%s, %s round %d): ", s->index, s->arm,
		            plan_phase_name(s->phase), s->round);
		strbuf_add_xml_escaped(out, s->discard_reason  ? s->discard_reason
		                            : s->health_reason ? s->health_reason
		                                               : "invalid");
		strbuf_addch(out, '\n');
		strbuf_add_xml_escaped(out, tail);
		free(tail);
		shown++;
	}
	if (shown)
		strbuf_addstr(out, "</system-out>\n");
}

/* "2026-11-29T06:30:00Z": the first dispatch's start, or the epoch when nothing ran. */
static void timestamp(const struct junit_run *run, char *buf, size_t size)
{
	int64_t first = 0;
	for (size_t i = 0; i < run->n_samples; i++)
		if (run->samples[i].start_unix_ns > 0 &&
		    (first == 0 || run->samples[i].start_unix_ns < first))
			first = run->samples[i].start_unix_ns;
	time_t t = (time_t)(first / 1000000000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void testcase(struct strbuf *out, const struct matrix *m, const struct junit_run *run,
                     const struct cell_verdict_result *c, int g)
{
	static const unsigned phases[GATE_CLASSES] = {
	    1u << PHASE_CALIBRATE, (1u << PHASE_WARMUP) | (1u << PHASE_MEASURE), 0};
	int fc = failing_class(c->verdict);
	strbuf_addstr(out, "    <testcase classname=\"tare.");
	strbuf_add_xml_escaped(out, m->name);
	strbuf_addstr(out, ".");
	strbuf_add_xml_escaped(out, c->cell->name);
	strbuf_addstr(out, "\" name=\"");
	strbuf_add_xml_escaped(out, c->cell->name);
	strbuf_addf(out, "/%s\" time=\"%.3f\"", gate_names[g],
	            cell_seconds(run, c->cell->name, phases[g]));
	if (g == fc && c->expect_met != 1) {
		strbuf_addf(out, ">\n      <failure type=\"%s\" message=\"",
		            cell_verdict_name(c->verdict));
		strbuf_add_xml_escaped(out, c->sentence);
		strbuf_addstr(out, "\"/>\n");
		system_out(out, run, c->cell->name);
		strbuf_addstr(out, "    </testcase>\n");
	} else if (fc >= 0 && g > fc) {
		/* a later gate means nothing once an earlier one failed */
		strbuf_addstr(out, ">\n      <skipped message=\"an earlier gate decided "
		                   "the verdict\"/>\n    </testcase>\n");
	} else {
		strbuf_addstr(out, "/>\n");
	}
}

void junit_build(const struct matrix *m, const struct verdict_set *v, const struct junit_run *run,
                 struct strbuf *out)
{
	size_t failures = 0, skipped = 0;
	for (size_t i = 0; i < v->n_cells; i++) {
		const struct cell_verdict_result *c = &v->cells[i];
		/* a cell that expects its verdict and gets it passes (expect:, ARCHITECTURE §6) */
		failures += c->expect_met != 1 && failing_class(c->verdict) >= 0;
		int fc = failing_class(c->verdict);
		for (int g = 0; g < GATE_CLASSES; g++)
			skipped += fc >= 0 && g > fc;
	}
	char when[32];
	timestamp(run, when, sizeof(when));
	double total = 0;
	for (size_t i = 0; i < run->n_samples; i++)
		total += (double)run->samples[i].wall_ns / 1e9;
	strbuf_addstr(out,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tare\">\n");
	strbuf_addstr(out, "  <testsuite name=\"");
	strbuf_add_xml_escaped(out, m->name);
	strbuf_addf(out,
	            "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
	            "time=\"%.3f\" timestamp=\"%s\" hostname=\"",
	            v->n_cells * GATE_CLASSES, failures, skipped, total, when);
	strbuf_add_xml_escaped(out, run->hostname ? run->hostname : "unknown");
	strbuf_addstr(out, "\">\n");
	for (size_t i = 0; i < v->n_cells; i++)
		for (int g = 0; g < GATE_CLASSES; g++)
			testcase(out, m, run, &v->cells[i], g);
	strbuf_addstr(out, "  </testsuite>\n</testsuites>\n");
}
