/* A run's last lines on the terminal: boundary, verdict counts, the report's path. */
#include "cli/run_end.h"

#include "cli/terminal.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

/* Wraps text to the terminal and colours the whole block (escape codes take no columns). */
static void print_block(const struct terminal *t, const char *colour, const char *text,
                        const char *first, size_t rest)
{
	struct strbuf sb;
	strbuf_init(&sb);
	terminal_wrap(&sb, text, terminal_width(t), first, rest);
	if (*colour && sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = '\0'; /* the reset goes before the last newline */
	fprintf(t->out, "%s%s%s%s", colour, sb.buf, *colour ? terminal_reset(t) : "",
	        *colour ? "\n" : "");
	strbuf_release(&sb);
}

void run_end_print(const struct verdict_set *v, const char *dir, bool quiet, bool cell_sentences)
{
	struct terminal t;
	terminal_init(&t, stderr);
	if (!quiet && cell_sentences)
		for (size_t i = 0; i < v->n_cells; i++) {
			char first[256];
			snprintf(first, sizeof(first), "  %-20s ", v->cells[i].cell->name);
			print_block(&t, terminal_verdict_colour(&t, v->cells[i].verdict),
			            v->cells[i].sentence, first, 4);
		}
	if (!quiet)
		print_block(&t, "", v->boundary, "boundary: ", 2);
	/* the worst verdict colours the final line: the enum is in precedence order */
	size_t count[VERDICT_HEALTHY + 1] = {0};
	enum cell_verdict worst = VERDICT_HEALTHY;
	for (size_t i = 0; i < v->n_cells; i++) {
		count[v->cells[i].verdict]++;
		if (v->cells[i].verdict < worst)
			worst = v->cells[i].verdict;
	}
	struct strbuf line;
	strbuf_init(&line);
	strbuf_addf(&line, "%zu cell%s:", v->n_cells, v->n_cells == 1 ? "" : "s");
	const char *sep = " ";
	for (int k = VERDICT_HEALTHY; k >= 0; k--)
		if (count[k]) {
			strbuf_addf(&line, "%s%zu %s", sep, count[k],
			            cell_verdict_name((enum cell_verdict)k));
			sep = ", ";
		}
	strbuf_addf(&line, "; report %s/report.html", dir);
	print_block(&t, v->n_cells ? terminal_verdict_colour(&t, worst) : "", line.buf,
	            "tare: ", 4);
	strbuf_release(&line);
	fflush(stderr);
}

struct json_object *run_end_json(const struct verdict_set *v, const char *dir,
                                 struct json_object *golden)
{
	static const char *const files[] = {"plan.json",    "samples.jsonl", "verdicts.json",
	                                    "summary.json", "summary.md",    "bmf.json",
	                                    "trace.json",   "junit.xml",     "report.html"};
	size_t n_files = sizeof(files) / sizeof(files[0]);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "run_dir", json_object_new_string(dir));
	struct json_object *paths = json_object_new_object();
	for (size_t i = 0; i < n_files; i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);
		if (i + 1 == n_files)
			json_object_object_add(o, "report", json_object_new_string(path));
		json_object_object_add(paths, files[i], json_object_new_string(path));
		free(path);
	}
	json_object_object_add(o, "files", paths);
	struct json_object *cells = json_object_new_array();
	for (size_t i = 0; i < v->n_cells; i++) {
		const struct cell_verdict_result *c = &v->cells[i];
		struct json_object *co = json_object_new_object();
		json_object_object_add(co, "cell", json_object_new_string(c->cell->name));
		json_object_object_add(co, "verdict",
		                       json_object_new_string(cell_verdict_name(c->verdict)));
		json_object_object_add(co, "sentence", json_object_new_string(c->sentence));
		json_object_object_add(co, "expect_met",
		                       c->expect_met < 0 ? NULL
		                                         : json_object_new_boolean(c->expect_met));
		json_object_array_add(cells, co);
	}
	json_object_object_add(o, "cells", cells);
	json_object_object_add(o, "boundary", json_object_new_string(v->boundary));
	json_object_object_add(o, "golden", golden);
	return o;
}
