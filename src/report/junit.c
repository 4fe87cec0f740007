/* junit.xml: each cell's three gates as test cases; a failing gate carries the verdict sentence. */
#include "report/junit.h"

#include <string.h>

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

void junit_build(const struct matrix *m, const struct verdict_set *v, struct strbuf *out)
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
	strbuf_addstr(out,
	              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tare\">\n");
	strbuf_addstr(out, "  <testsuite name=\"");
	strbuf_add_xml_escaped(out, m->name);
	strbuf_addf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
	            v->n_cells * GATE_CLASSES, failures, skipped);
	for (size_t i = 0; i < v->n_cells; i++) {
		const struct cell_verdict_result *c = &v->cells[i];
		int fc = failing_class(c->verdict);
		for (int g = 0; g < GATE_CLASSES; g++) {
			strbuf_addstr(out, "    <testcase classname=\"tare.");
			strbuf_add_xml_escaped(out, m->name);
			strbuf_addstr(out, ".");
			strbuf_add_xml_escaped(out, c->cell->name);
			strbuf_addf(out, "\" name=\"%s\"", gate_names[g]);
			if (g == fc && c->expect_met != 1) {
				strbuf_addf(out, ">\n      <failure type=\"%s\" message=\"",
				            cell_verdict_name(c->verdict));
				strbuf_add_xml_escaped(out, c->sentence);
				strbuf_addstr(out, "\"/>\n    </testcase>\n");
			} else if (fc >= 0 && g > fc) {
				/* a later gate means nothing once an earlier one failed */
				strbuf_addstr(out,
				              ">\n      <skipped message=\"an earlier gate decided "
				              "the verdict\"/>\n    </testcase>\n");
			} else {
				strbuf_addstr(out, "/>\n");
			}
		}
	}
	strbuf_addstr(out, "  </testsuite>\n</testsuites>\n");
}
