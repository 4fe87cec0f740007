/* The members of the plan document, shared by the tree (plan_json.c) and the streaming writer
 * (plan_json_stream.c) so that the two cannot drift apart. Each returns a new object. */
#ifndef TARE_PLAN_PLAN_JSON_PARTS_H
#define TARE_PLAN_PLAN_JSON_PARTS_H

#include "plan/plan.h"

struct json_object *plan_json_matrix(const struct plan *p);
struct json_object *plan_json_selection(const struct plan *p);
/* The i-th selected cell (i indexes p->cells). */
struct json_object *plan_json_cell(const struct plan *p, size_t i);
/* The i-th arm of the matrix. */
struct json_object *plan_json_arm(const struct plan *p, size_t i);
struct json_object *plan_json_counts(const struct plan *p);

#endif
