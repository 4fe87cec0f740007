/* The plan document written piece by piece: same bytes as printing plan_to_json's tree, in memory
 * proportional to one dispatch. */
#include "plan/plan.h"
#include "plan/plan_json_parts.h"

#include <json-c/json.h>
#include <string.h>

struct writer {
	FILE *out;
	bool pretty;
	int flags;
};

static void spaces(struct writer *w, int n)
{
	for (int i = 0; i < n; i++)
		fputc(' ', w->out);
}

/* Prints a value serialised by json-c at depth 0 as if it stood at `indent` columns: json-c's
 * pretty printer starts every nested line with the depth's indent, and JSON strings never hold a
 * raw newline, so shifting every line after the first is exact. Takes v. */
static void value(struct writer *w, struct json_object *v, int indent)
{
	const char *s = json_object_to_json_string_ext(v, w->flags);
	if (!w->pretty) {
		fputs(s, w->out);
	} else {
		for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
			fwrite(s, 1, (size_t)(nl - s + 1), w->out);
			spaces(w, indent);
		}
		fputs(s, w->out);
	}
	json_object_put(v);
}

/* `"key": ` at depth 1 (after the separator of the previous member). */
static void key(struct writer *w, const char *k, bool first)
{
	if (!first)
		fputc(',', w->out);
	if (w->pretty) {
		fputc('\n', w->out);
		spaces(w, 2);
	}
	fprintf(w->out, "\"%s\":%s", k, w->pretty ? " " : "");
}

typedef struct json_object *(*item_fn)(const struct plan *p, size_t i);

/* An array at depth 1, the way json-c prints one: "[\n" items at 4 ",\n"-separated "\n  ]", and
 * an empty one as "[\n  ]". */
static void array(struct writer *w, const struct plan *p, size_t n, item_fn item)
{
	fputc('[', w->out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', w->out);
		if (w->pretty) {
			fputc('\n', w->out);
			spaces(w, 4);
		}
		value(w, item(p, i), 4);
	}
	if (w->pretty) {
		fputc('\n', w->out);
		spaces(w, 2);
	}
	fputc(']', w->out);
}

static struct json_object *cell_item(const struct plan *p, size_t i)
{
	return plan_json_cell(p, i);
}

static struct json_object *arm_item(const struct plan *p, size_t i)
{
	return plan_json_arm(p, i);
}

static struct json_object *dispatch_item(const struct plan *p, size_t i)
{
	return plan_dispatch_to_json(p, &p->dispatches[i]);
}

int plan_write_json(const struct plan *p, FILE *out, bool pretty)
{
	struct writer w = {out, pretty,
	                   JSON_C_TO_STRING_NOSLASHESCAPE |
	                       (pretty ? JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_PRETTY
	                               : JSON_C_TO_STRING_PLAIN)};
	fputc('{', out);
	key(&w, "schema", true);
	value(&w, json_object_new_string("tare.plan.v1"), 2);
	key(&w, "matrix", false);
	value(&w, plan_json_matrix(p), 2);
	key(&w, "selection", false);
	value(&w, plan_json_selection(p), 2);
	key(&w, "cells", false);
	array(&w, p, p->n_cells, cell_item);
	key(&w, "arms", false);
	array(&w, p, p->matrix->n_arms, arm_item);
	key(&w, "dispatches", false);
	array(&w, p, p->n_dispatches, dispatch_item);
	key(&w, "counts", false);
	value(&w, plan_json_counts(p), 2);
	if (pretty)
		fputc('\n', out);
	fputs("}\n", out);
	return ferror(out) ? -1 : 0;
}
