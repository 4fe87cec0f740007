/* junit.xml: one test case per cell gate (calibration, health, samples), for CI test views. */
#ifndef TARE_REPORT_JUNIT_H
#define TARE_REPORT_JUNIT_H

#include "gate/verdict.h"
#include "sample/sample.h"
#include "util/strbuf.h"

/* What junit.xml says besides the verdicts. Everything is borrowed. */
struct junit_run {
	const struct sample *samples; /* the run's samples: times, start, failing dispatches */
	size_t n_samples;
	const char *hostname; /* NULL: "unknown" */
	/* The tail of an invalid dispatch's kept stdout and stderr as text, a new string, or NULL
	 * when none was kept. The caller reads logs/, so that this stage does no I/O. May be NULL.
	 */
	char *(*log_tail)(void *ctx, const struct sample *s);
	void *log_ctx;
};

/* The most failing dispatches whose logs a failing test case carries. */
#define JUNIT_MAX_LOGS 3

/* Appends the whole document to out (schemas/junit.xsd describes it): the suite with its
 * hostname, the timestamp of the run's first dispatch (UTC) and the time of every dispatch; per
 * cell three test cases named "CELL/GATE", each with its time in seconds (calibration: the cell's
 * calibration dispatches; health: its warm-up and measured ones; samples: 0, a computation); a
 * failing one carries the verdict and, in <system-out>, the log tails of up to JUNIT_MAX_LOGS of
 * the cell's invalid dispatches. */
void junit_build(const struct matrix *m, const struct verdict_set *v, const struct junit_run *run,
                 struct strbuf *out);

#endif
