/* The run's OTLP receiver around one dispatch of an otlp arm: where the workload exports to, and
 * what the receiver saw recorded in the sample (docs/otlp.md). */
#ifndef TARE_RUN_OTLP_WINDOW_H
#define TARE_RUN_OTLP_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "otlp/receiver.h"
#include "plan/plan.h"
#include "sample/sample.h"

/* How long otlp_receiver_take waits for exports still being received when the workload has
 * exited: an SDK that flushes on exit waits for the answer before it exits, so what is left is a
 * request whose last bytes are in flight (docs/otlp.md, "Arms with otlp: true", for what was
 * measured). */
#define OTLP_LINGER_MS 200

/* Whether some dispatch of p runs an arm with otlp: true (only then does a run listen). */
bool plan_has_otlp(const struct plan *p);

/* "http://127.0.0.1:PORT", the value of {otlp_endpoint}: a new string. */
char *otlp_window_endpoint(const struct otlp_receiver *r);

/* Records in s what the receiver counted for the dispatch and the problems of its window, and
 * makes the counts the span layer's observation (span.source "otlp"). reaped_ns is when the
 * workload was reaped (clock_monotonic_ns), to which the last export's time is compared. Takes
 * problems->first_error. */
void otlp_window_record(struct sample *s, const struct otlp_dispatch_counts *c,
                        struct otlp_problems *problems, int64_t reaped_ns);

#endif
