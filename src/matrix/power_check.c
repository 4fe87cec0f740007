/* The too-few-repetitions warning of `validate` and `expand`. */
#include "matrix/power_check.h"

#include "stats/power.h"
#include "util/source_map.h"
#include "util/strbuf.h"
#include "yaml/load.h"

#include <json-c/json.h>
#include <string.h>

/* Cells named in one warning before "and N more". */
#define NAMES_SHOWN 3

size_t matrix_check_power(const struct matrix *m, double conf, struct diag_list *d)
{
	size_t need = stats_signrank_min_pairs(conf);
	if (need == 0)
		return 0;
	size_t concerned = 0;
	for (size_t i = 0; i < m->n_cells; i++)
		concerned += (size_t)m->cells[i].repetitions < need;
	if (concerned == 0)
		return 0;
	/* the model keeps only pointers; the file is read again for line and column, once */
	struct json_object *tree = NULL;
	struct source_map *map = NULL;
	struct yaml_load_options opt = yaml_load_defaults();
	struct diag_list ignored;
	diag_list_init(&ignored);
	if (m->path)
		yaml_load_file(m->path, &opt, &tree, &map, &ignored);
	diag_list_release(&ignored);
	for (size_t i = 0; i < m->n_cells; i++) {
		const struct matrix_cell *c = &m->cells[i];
		if ((size_t)c->repetitions >= need)
			continue;
		bool reported = false;
		for (size_t j = 0; j < i && !reported; j++)
			reported = (size_t)m->cells[j].repetitions < need &&
			           strcmp(m->cells[j].pointer, c->pointer) == 0;
		if (reported)
			continue;
		struct strbuf names;
		strbuf_init(&names);
		size_t group = 0;
		for (size_t j = i; j < m->n_cells; j++) {
			const struct matrix_cell *x = &m->cells[j];
			if ((size_t)x->repetitions >= need || strcmp(x->pointer, c->pointer) != 0)
				continue;
			if (group < NAMES_SHOWN)
				strbuf_addf(&names, "%s'%s'", group ? ", " : "", x->name);
			group++;
		}
		if (group > NAMES_SHOWN)
			strbuf_addf(&names, " and %zu more", group - NAMES_SHOWN);
		struct diag_loc loc = {m->path, 0, 0, c->pointer};
		if (map)
			loc = source_map_loc(map, c->pointer, false);
		loc.pointer = c->pointer;
		diag_warning(d, "matrix.too-few-repetitions", &loc,
		             "too few repetitions for a %g%% interval: %s %s %s %d (%zu needed); "
		             "%s paired deltas can only be inconclusive",
		             conf * 100.0, group > 1 ? "cells" : "cell", names.buf,
		             group > 1 ? "have" : "has", c->repetitions, need,
		             group > 1 ? "their" : "its");
		strbuf_release(&names);
	}
	source_map_free(map);
	json_object_put(tree);
	return concerned;
}
