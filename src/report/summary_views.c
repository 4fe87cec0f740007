/* Views of summary.json: the Markdown a reviewer reads in a PR, and Bencher Metric Format. */
#include "report/summary.h"

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	json_object_object_get_ex(o, key, &v);
	return v;
}

static const char *gets(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	return v ? json_object_get_string(v) : "";
}

/* A number or an en dash when it is undefined (null). */
static void addnum(struct strbuf *out, struct json_object *v, const char *fmt)
{
	if (v &&
	    (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		strbuf_addf(out, fmt, json_object_get_double(v));
	else
		strbuf_addstr(out, "–");
}

static void md_escaped(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			strbuf_addstr(out, "\\|");
		else if (*s == '\n')
			strbuf_addch(out, ' ');
		else
			strbuf_addch(out, *s);
	}
}

static void arm_row(struct strbuf *out, struct json_object *cell, struct json_object *arm,
                    struct json_object *pairs)
{
	struct json_object *w = get(arm, "wall_ms"), *mem = get(arm, "memory_peak_kib");
	strbuf_addstr(out, "| ");
	md_escaped(out, gets(cell, "cell"));
	strbuf_addstr(out, " | ");
	md_escaped(out, gets(arm, "arm"));
	strbuf_addf(out, " | %s | ", gets(arm, "n"));
	addnum(out, get(w, "median"), "%.3f");
	strbuf_addstr(out, " | ");
	addnum(out, get(w, "p95"), "%.3f");
	strbuf_addstr(out, " | ");
	addnum(out, get(w, "p99"), "%.3f");
	struct json_object *pm = get(w, "p99_is_max");
	if (pm && json_object_get_boolean(pm) && get(w, "p99"))
		strbuf_addstr(out, "¹");
	strbuf_addstr(out, " | ");
	addnum(out, get(w, "tail_ratio"), "%.2f");
	strbuf_addf(out, " %s | ", gets(w, "tail_band"));
	addnum(out, get(mem, "median"), "%.0f");
	strbuf_addstr(out, " | ");
	addnum(out, get(arm, "capture_memory_kib"), "%.0f");
	strbuf_addstr(out, " | ");
	/* the paired delta goes on the candidate's row */
	const char *sentence = "";
	for (size_t i = 0; pairs && i < json_object_array_length(pairs); i++) {
		struct json_object *p = json_object_array_get_idx(pairs, i);
		if (strcmp(gets(p, "candidate"), gets(arm, "arm")) == 0)
			sentence = gets(p, "sentence");
	}
	md_escaped(out, *sentence ? sentence : "baseline");
	strbuf_addstr(out, " | ");
	md_escaped(out, gets(cell, "verdict"));
	strbuf_addstr(out, " |\n");
}

/* The column header states the confidence the intervals below it actually have: the exact
 * signed-rank interval reaches 95.1% with 10 pairs, 96.9% with 6 and only 93.8% with 5. */
static void delta_header(struct strbuf *out, struct json_object *cells)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *pairs = get(json_object_array_get_idx(cells, i), "pairs");
		for (size_t k = 0; pairs && k < json_object_array_length(pairs); k++) {
			struct json_object *a =
			    get(json_object_array_get_idx(pairs, k), "conf_achieved");
			if (!a || json_object_is_type(a, json_type_null))
				continue;
			double v = json_object_get_double(a) * 100.0;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	}
	if (!isfinite(lo))
		strbuf_addstr(out, "paired delta vs baseline [CI]");
	else if (floor(lo * 10.0) == floor(hi * 10.0))
		strbuf_addf(out, "paired delta vs baseline [%.1f%% CI]", floor(lo * 10.0) / 10.0);
	else
		strbuf_addf(out, "paired delta vs baseline [CI, achieved %.1f–%.1f%%]",
		            floor(lo * 10.0) / 10.0, floor(hi * 10.0) / 10.0);
}

static void factorial_md(struct strbuf *out, struct json_object *cells)
{
	bool any = false;
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i),
		                   *f = get(c, "factorial");
		if (!f || json_object_is_type(f, json_type_null))
			continue;
		if (!any)
			strbuf_addstr(out,
			              "\n## Factorial: do capture and span export add up?\n\n");
		any = true;
		struct json_object *arms = get(f, "arms");
		strbuf_addstr(out, "- **");
		md_escaped(out, gets(c, "cell"));
		strbuf_addf(out, "** (%s rounds; arms ", gets(f, "n"));
		md_escaped(out, gets(arms, "bare"));
		strbuf_addstr(out, " / ");
		md_escaped(out, gets(arms, "capture"));
		strbuf_addstr(out, " / ");
		md_escaped(out, gets(arms, "spans"));
		strbuf_addstr(out, " / ");
		md_escaped(out, gets(arms, "both"));
		strbuf_addstr(out, "): ");
		md_escaped(out, gets(f, "sentence"));
		strbuf_addch(out, '\n');
	}
}

/* Where the memory column comes from, or why it is empty (the first arm that says). */
static void memory_note(struct strbuf *out, struct json_object *cells)
{
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *arms = get(json_object_array_get_idx(cells, i), "arms");
		for (size_t k = 0; arms && k < json_object_array_length(arms); k++) {
			struct json_object *mem =
			    get(json_object_array_get_idx(arms, k), "memory_peak_kib");
			const char *source = gets(mem, "source"), *reason = gets(mem, "reason");
			if (!*source)
				continue;
			strbuf_addstr(out, "Peak memory is the workload tree's, from its cgroup (");
			md_escaped(out, source);
			strbuf_addstr(out, *reason ? "; none: " : ")");
			md_escaped(out, reason);
			strbuf_addstr(out, *reason ? ")" : "");
			strbuf_addstr(out,
			              "; capture KiB is what the arm's eBPF capture holds.\n\n");
			return;
		}
	}
}

void summary_markdown(struct json_object *summary, struct strbuf *out)
{
	struct json_object *m = get(summary, "matrix");
	strbuf_addf(out, "# tare run: %s\n\n", gets(m, "name"));
	strbuf_addstr(out, "**Boundary:** ");
	md_escaped(out, gets(summary, "boundary"));
	strbuf_addstr(out, "\n\n## Cells\n\n");
	struct json_object *cells = get(summary, "cells");
	strbuf_addstr(out, "| cell | arm | n | median ms | p95 ms | p99 ms | p99/median | peak memory "
	                   "KiB (median) | capture KiB | ");
	delta_header(out, cells);
	strbuf_addstr(out, " | verdict |\n");
	strbuf_addstr(out, "|---|---|---:|---:|---:|---:|---|---:|---:|---|---|\n");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *arms = get(c, "arms");
		for (size_t k = 0; arms && k < json_object_array_length(arms); k++)
			arm_row(out, c, json_object_array_get_idx(arms, k), get(c, "pairs"));
	}
	strbuf_addstr(out, "\n¹ fewer than 20 samples: p99 is effectively the maximum.\n\n");
	struct json_object *mult = get(summary, "multiplicity");
	if (mult) {
		strbuf_addstr(out, "**Multiplicity:** ");
		md_escaped(out, gets(mult, "sentence"));
		strbuf_addstr(out,
		              " (Benjamini–Hochberg: with N pairs and no real difference, about "
		              "N × 5% intervals exclude zero by chance).\n\n");
	}
	memory_note(out, cells);
	strbuf_addstr(out, "Verdicts:\n\n");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		strbuf_addstr(out, "- **");
		md_escaped(out, gets(c, "cell"));
		strbuf_addstr(out, "**: ");
		md_escaped(out, gets(c, "sentence"));
		strbuf_addch(out, '\n');
	}
	factorial_md(out, cells);
	struct json_object *slopes = get(summary, "slopes");
	strbuf_addstr(out, "\n## Slopes\n\n");
	if (!slopes || json_object_array_length(slopes) == 0)
		strbuf_addstr(out, "No axis varies over 3 or more cells with the others fixed.\n");
	for (size_t i = 0; slopes && i < json_object_array_length(slopes); i++) {
		struct json_object *s = json_object_array_get_idx(slopes, i);
		strbuf_addf(out, "- %s, %s: ", gets(s, "axis"), gets(s, "pair"));
		md_escaped(out, gets(s, "sentence"));
		strbuf_addstr(out, "; least squares ");
		addnum(out, get(get(s, "least_squares"), "slope_ms"), "%+.4f");
		strbuf_addstr(out, " ms\n");
	}
	struct json_object *methods = get(summary, "methods");
	strbuf_addstr(out, "\n## Methods\n\n");
	json_object_object_foreach(methods, key, val)
	{
		strbuf_addf(out, "- %s: ", key);
		md_escaped(out, json_object_get_string(val));
		strbuf_addch(out, '\n');
	}
	struct json_object *prov = get(summary, "provenance");
	if (prov) {
		strbuf_addstr(out, "\n## Provenance\n\n| | |\n|---|---|\n");
		json_object_object_foreach(prov, pk, pv)
		{
			strbuf_addf(out, "| %s | ", pk);
			md_escaped(out, pv ? json_object_to_json_string_ext(
			                         pv, JSON_C_TO_STRING_PLAIN |
			                                 JSON_C_TO_STRING_NOSLASHESCAPE)
			                   : "null");
			strbuf_addstr(out, " |\n");
		}
	}
}

/* {value, lower_value, upper_value}; NULL when the value is undefined (Bencher needs a number). */
static struct json_object *measure(struct json_object *value, struct json_object *ci)
{
	if (!value || json_object_is_type(value, json_type_null))
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "value", json_object_new_double(json_object_get_double(value)));
	struct json_object *lo = ci ? json_object_array_get_idx(ci, 0) : NULL;
	struct json_object *hi = ci ? json_object_array_get_idx(ci, 1) : NULL;
	if (lo)
		json_object_object_add(o, "lower_value",
		                       json_object_new_double(json_object_get_double(lo)));
	if (hi)
		json_object_object_add(o, "upper_value",
		                       json_object_new_double(json_object_get_double(hi)));
	return o;
}

/* "tare.<matrix>.<cell>.factorial" → {capture_ms, spans_ms, interaction_ms}: the effects with
 * their intervals, so that Bencher tracks whether the costs keep adding up. */
static void factorial_bmf(struct json_object *bmf, const char *matrix, struct json_object *cell)
{
	struct json_object *f = get(cell, "factorial");
	if (!f || json_object_is_type(f, json_type_null))
		return;
	static const char *const effects[] = {"capture", "spans", "interaction"};
	struct json_object *entry = json_object_new_object();
	for (size_t i = 0; i < 3; i++) {
		struct json_object *x = get(f, effects[i]);
		struct json_object *mv = measure(get(x, "hl_ms"), get(x, "ci_ms"));
		if (!mv)
			continue;
		char name[64];
		snprintf(name, sizeof(name), "%s_ms", effects[i]);
		json_object_object_add(entry, name, mv);
	}
	if (json_object_object_length(entry) == 0) {
		json_object_put(entry);
		return;
	}
	char key[512];
	snprintf(key, sizeof(key), "tare.%s.%s.factorial", matrix, gets(cell, "cell"));
	json_object_object_add(bmf, key, entry);
}

struct json_object *summary_bmf(struct json_object *summary)
{
	struct json_object *bmf = json_object_new_object();
	const char *matrix = gets(get(summary, "matrix"), "name");
	struct json_object *cells = get(summary, "cells");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *arms = get(c, "arms"),
		                   *pairs = get(c, "pairs");
		for (size_t k = 0; arms && k < json_object_array_length(arms); k++) {
			struct json_object *a = json_object_array_get_idx(arms, k);
			struct json_object *w = get(a, "wall_ms");
			struct json_object *entry = json_object_new_object();
			struct json_object *wm = measure(get(w, "median"), get(w, "median_ci"));
			if (wm)
				json_object_object_add(entry, "wall_ms", wm);
			struct json_object *mem =
			    measure(get(get(a, "memory_peak_kib"), "median"), NULL);
			if (mem)
				json_object_object_add(entry, "memory_peak_kib", mem);
			struct json_object *capm = measure(get(a, "capture_memory_kib"), NULL);
			if (capm)
				json_object_object_add(entry, "capture_memory_kib", capm);
			for (size_t p = 0; pairs && p < json_object_array_length(pairs); p++) {
				struct json_object *pr = json_object_array_get_idx(pairs, p);
				if (strcmp(gets(pr, "candidate"), gets(a, "arm")) != 0)
					continue;
				struct json_object *ov =
				    measure(get(pr, "hl_ms"), get(pr, "ci_ms"));
				if (ov)
					json_object_object_add(entry, "overhead_ms", ov);
				struct json_object *mde =
				    measure(get(pr, "min_detectable_ms"), NULL);
				if (mde)
					json_object_object_add(entry, "min_detectable_ms", mde);
			}
			if (json_object_object_length(entry) == 0) {
				json_object_put(
				    entry); /* nothing measured: no benchmark to report */
				continue;
			}
			char key[512];
			snprintf(key, sizeof(key), "tare.%s.%s.%s", matrix, gets(c, "cell"),
			         gets(a, "arm"));
			json_object_object_add(bmf, key, entry);
		}
		factorial_bmf(bmf, matrix, c);
	}
	return bmf;
}
