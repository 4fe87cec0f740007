/* Comparing a run's verdicts.json with a golden file: a readable, per-cell difference. */
#ifndef TARE_REPORT_VERDICT_DIFF_H
#define TARE_REPORT_VERDICT_DIFF_H

struct json_object;
struct strbuf;

/* Appends one line per difference to out ("cell s500: expected healthy, got lossy — span_events
 * clipped at 128 of 500 ..."), cells matched by name. Returns the number of differences. */
int verdict_diff(struct json_object *golden, struct json_object *actual, struct strbuf *out);

#endif
