/* verdicts.json (tare.verdicts.v1): the gate's verdicts as the golden-file document. */
#ifndef TARE_REPORT_VERDICTS_JSON_H
#define TARE_REPORT_VERDICTS_JSON_H

#include "gate/verdict.h"
#include "matrix/matrix.h"

struct json_object;

/* The document for verdicts v of matrix m: deterministic, no times, hosts, dates or paths, keys
 * in a fixed order (schemas/verdicts.v1.schema.json). A new object; the caller puts it. */
struct json_object *verdicts_to_json(const struct matrix *m, const struct verdict_set *v);

#endif
