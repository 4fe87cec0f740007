/* junit.xml: one test case per cell gate (calibration, health, samples), for CI test views. */
#ifndef TARE_REPORT_JUNIT_H
#define TARE_REPORT_JUNIT_H

#include "gate/verdict.h"
#include "util/strbuf.h"

/* Appends the whole document to out (schemas/junit.xsd describes it). */
void junit_build(const struct matrix *m, const struct verdict_set *v, struct strbuf *out);

#endif
