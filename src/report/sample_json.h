/* The sample record as one JSON line of samples.jsonl (schemas/sample.v1.schema.json). */
#ifndef TARE_REPORT_SAMPLE_JSON_H
#define TARE_REPORT_SAMPLE_JSON_H

#include "sample/sample.h"

struct diag_list;
struct json_object;

/* A new JSON object for the record (caller puts it). Key order is fixed. */
struct json_object *sample_to_json(const struct sample *s);

/* Reads a record back (for --resume and for recomputing verdicts). Returns 0, or -1 with a diag
 * saying which field is missing, mistyped or has an unknown value (location left to the caller). */
int sample_from_json(struct json_object *o, struct sample *s, struct diag_list *d);

#endif
