/* The plan as a human table: one group per cell, one row per dispatch, a count line at the end. */
#ifndef TARE_PLAN_PLAN_TABLE_H
#define TARE_PLAN_PLAN_TABLE_H

#include <stdint.h>

#include "plan/plan.h"
#include "util/strbuf.h"

/* Appends the table to out. Deterministic: no times, dates or terminal widths. The last line is
 * "N cells, M dispatches (c calibrate, w warmup, m measure); at most D if every dispatch ran to
 * its timeout", D being the sum of every dispatch's timeout. */
void plan_table_write(const struct plan *p, struct strbuf *out);

/* Appends a duration in milliseconds as people read it: "0s", "250ms", "45s", "2m 5s",
 * "1h 0m 0s", "3d 4h 0m 0s". At one second and above it rounds up to whole seconds (the table
 * states an upper bound). */
void plan_format_duration(uint64_t ms, struct strbuf *out);

#endif
