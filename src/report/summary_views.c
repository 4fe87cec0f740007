/* Views of summary.json: the Markdown a reviewer reads in a PR, and Bencher Metric Format. */
#include "report/summary.h"

#include "report/provenance_text.h"

#include "util/number_format.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

static bool is_number(struct json_object *v)
{
	return v &&
	       (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int));
}

static double num(struct json_object *v)
{
	return is_number(v) ? json_object_get_double(v) : NAN;
}

/* Text for a PR comment: '|' escaped, newlines as spaces, and the minus sign U+2212 of the
 * JSON sentences as ASCII '-', so that numbers copy and paste as numbers. */
static void md_escaped(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			strbuf_addstr(out, "\\|");
		else if (*s == '\n')
			strbuf_addch(out, ' ');
		else if (strncmp(s, "\xe2\x88\x92", 3) == 0) {
			strbuf_addch(out, '-');
			s += 2;
		} else
			strbuf_addch(out, *s);
	}
}

/* "4.18", or an en dash when undefined. */
static void add_fixed(struct strbuf *out, double v, int decimals)
{
	if (isfinite(v))
		strbuf_addf(out, "%.*f", decimals, v);
	else
		strbuf_addstr(out, "–");
}

static struct json_object *arm_named(struct json_object *arms, const char *name)
{
	for (size_t k = 0; arms && k < json_object_array_length(arms); k++)
		if (strcmp(gets(json_object_array_get_idx(arms, k), "arm"), name) == 0)
			return json_object_array_get_idx(arms, k);
	return NULL;
}

/* "4.18 → 5.61": the baseline's value, then the candidate's (one value without a baseline). */
static void add_pair_values(struct strbuf *out, struct json_object *base, struct json_object *arm,
                            const char *key, const char *sub, int decimals)
{
	struct json_object *b = base ? get(base, key) : NULL, *a = get(arm, key);
	if (sub) {
		b = b ? get(b, sub) : NULL;
		a = a ? get(a, sub) : NULL;
	}
	if (base) {
		add_fixed(out, num(b), decimals);
		strbuf_addstr(out, " → ");
	}
	add_fixed(out, num(a), decimals);
}

/* Which footnotes the table used: each is printed only then. */
struct md_notes {
	bool inconclusive;
};

/* The delta cell: "+0.91 ms [+0.45, +1.76] (+20%)", its decimals what the interval supports. */
static int add_delta(struct strbuf *out, struct json_object *pair)
{
	struct json_object *ci = get(pair, "ci_ms");
	double est = num(get(pair, "hl_ms")), lo = num(json_object_array_get_idx(ci, 0)),
	       hi = num(json_object_array_get_idx(ci, 1)), pct = num(get(pair, "rel_pct"));
	int decimals = decimals_for_interval(lo, hi);
	if (!isfinite(est)) {
		strbuf_addstr(out, "no pairs");
		return decimals;
	}
	char e[64], l[64], h[64];
	format_signed_ascii(e, sizeof(e), est, decimals, true);
	format_signed_ascii(l, sizeof(l), lo, decimals, true);
	format_signed_ascii(h, sizeof(h), hi, decimals, true);
	strbuf_addf(out, "%s ms [%s, %s]", e, l, h);
	if (isfinite(pct)) {
		format_signed_ascii(e, sizeof(e), pct, fabs(pct) >= 10.0 ? 0 : 1, true);
		strbuf_addf(out, " (%s%%)", e);
	}
	return decimals;
}

static const char *delta_verdict_text(const char *v)
{
	return strcmp(v, "no_difference") == 0 ? "no difference" : v;
}

/* One row: cell | arm | delta [CI] | verdict | median ms | peak memory KiB | capture KiB. pair
 * NULL: a cell with one compared arm. */
static void pair_row(struct strbuf *out, struct json_object *cell, struct json_object *pair,
                     struct json_object *base, struct json_object *arm, struct md_notes *notes)
{
	strbuf_addstr(out, "| ");
	md_escaped(out, gets(cell, "cell"));
	strbuf_addstr(out, " | ");
	md_escaped(out, gets(arm, "arm"));
	strbuf_addstr(out, " | ");
	int decimals = 2;
	if (pair)
		decimals = add_delta(out, pair);
	else
		strbuf_addstr(out, "–");
	strbuf_addstr(out, " | ");
	md_escaped(out, gets(cell, "verdict"));
	if (pair) {
		const char *v = gets(pair, "verdict");
		strbuf_addf(out, ", %s", delta_verdict_text(v));
		if (strcmp(v, "inconclusive") == 0) {
			strbuf_addstr(out, "¹");
			notes->inconclusive = true;
		}
	}
	strbuf_addstr(out, " | ");
	add_pair_values(out, pair ? base : NULL, arm, "wall_ms", "median", decimals);
	strbuf_addstr(out, " | ");
	add_pair_values(out, pair ? base : NULL, arm, "memory_peak_kib", "median", 0);
	strbuf_addstr(out, " | ");
	add_fixed(out, num(get(arm, "capture_memory_kib")), 0);
	strbuf_addstr(out, " |\n");
}

/* A cell whose timing was not recorded: why, from its verdict sentence ("lossy: REASON; timing
 * skipped (on_fail: skip-cell)"). */
static bool not_measured_row(struct strbuf *out, struct json_object *cell)
{
	struct json_object *arms = get(cell, "arms");
	for (size_t k = 0; arms && k < json_object_array_length(arms); k++)
		if (num(get(json_object_array_get_idx(arms, k), "n")) > 0)
			return false;
	const char *sentence = gets(cell, "sentence");
	const char *colon = strstr(sentence, ": ");
	const char *skipped = strstr(sentence, "; timing skipped");
	strbuf_addstr(out, "| ");
	md_escaped(out, gets(cell, "cell"));
	strbuf_addstr(out, " | – | not measured (");
	if (colon && skipped && colon < skipped) {
		strbuf_addstr(out, "skipped: ");
		char *reason = xstrndup(colon + 2, (size_t)(skipped - colon - 2));
		md_escaped(out, reason);
		free(reason);
	} else {
		strbuf_addstr(out, "no valid samples");
	}
	strbuf_addstr(out, ") | ");
	md_escaped(out, gets(cell, "verdict"));
	strbuf_addstr(out, " | – | – | – |\n");
	return true;
}

static void cell_rows(struct strbuf *out, struct json_object *cell, struct md_notes *notes)
{
	if (not_measured_row(out, cell))
		return;
	struct json_object *arms = get(cell, "arms"), *pairs = get(cell, "pairs");
	size_t n_pairs = pairs ? json_object_array_length(pairs) : 0;
	if (n_pairs == 0 && arms && json_object_array_length(arms) > 0) {
		pair_row(out, cell, NULL, NULL, json_object_array_get_idx(arms, 0), notes);
		return;
	}
	for (size_t k = 0; k < n_pairs; k++) {
		struct json_object *p = json_object_array_get_idx(pairs, k);
		pair_row(out, cell, p, arm_named(arms, gets(p, "baseline")),
		         arm_named(arms, gets(p, "candidate")), notes);
	}
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

/* The memory column when tare's spawn helper measured it: not the tree's but its largest
 * waited-for process's, and never below the helper's own high-water mark (the largest of the
 * run's arms is stated). */
static void helper_memory_note(struct strbuf *out, const char *source, struct json_object *cells)
{
	double floor_kib = NAN;
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *arms = get(json_object_array_get_idx(cells, i), "arms");
		for (size_t k = 0; arms && k < json_object_array_length(arms); k++) {
			double f = num(get(
			    get(json_object_array_get_idx(arms, k), "memory_peak_kib"), "floor"));
			if (isnan(floor_kib) || f > floor_kib)
				floor_kib = f;
		}
	}
	strbuf_addstr(out, "Peak memory is the largest RSS among the workload and the descendants "
	                   "it waited for, from the wait4 of tare's spawn helper (");
	md_escaped(out, source);
	strbuf_addstr(out, "): never below the helper's own high-water mark (up to ");
	add_fixed(out, floor_kib, 0);
	strbuf_addstr(out,
	              " KiB in this run), so a figure at that floor means the workload's own peak "
	              "is no higher; capture KiB is what the arm's eBPF capture holds.\n\n");
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
			if (strncmp(source, "rusage-helper", 13) == 0) {
				helper_memory_note(out, source, cells);
				return;
			}
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

/* The reasons of cells that are not healthy: the table says which, this says why. */
static void not_healthy_md(struct strbuf *out, struct json_object *cells)
{
	bool any = false;
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i);
		if (strcmp(gets(c, "verdict"), "healthy") == 0)
			continue;
		if (!any)
			strbuf_addstr(out, "**Not healthy:**\n\n");
		any = true;
		strbuf_addstr(out, "- **");
		md_escaped(out, gets(c, "cell"));
		strbuf_addstr(out, "**: ");
		md_escaped(out, gets(c, "sentence"));
		strbuf_addch(out, '\n');
	}
	if (any)
		strbuf_addch(out, '\n');
}

/* Sections end in a blank line whichever came before: no run of blank lines in between. */
static void squeeze_blank_lines(struct strbuf *out, size_t from)
{
	size_t w = from;
	for (size_t r = from; r < out->len; r++) {
		if (out->buf[r] == '\n' && w >= 2 && out->buf[w - 1] == '\n' &&
		    out->buf[w - 2] == '\n')
			continue;
		out->buf[w++] = out->buf[r];
	}
	out->len = w;
	out->buf[w] = '\0';
}

void summary_markdown(struct json_object *summary, struct strbuf *out)
{
	size_t from = out->len;
	struct json_object *m = get(summary, "matrix");
	strbuf_addstr(out, "# tare run: ");
	md_escaped(out, gets(m, "name"));
	strbuf_addstr(out, "\n\n**Boundary:** ");
	md_escaped(out, gets(summary, "boundary"));
	strbuf_addstr(out, "\n\n## Cells\n\n");
	struct json_object *cells = get(summary, "cells");
	/* seven columns, the delta and the verdict first: a PR comment is read on a narrow page */
	strbuf_addstr(out, "| cell | arm | ");
	delta_header(out, cells);
	strbuf_addstr(out, " | verdict | median ms | peak memory KiB (median) | capture KiB |\n");
	strbuf_addstr(out, "|---|---|---|---|---:|---:|---:|\n");
	struct md_notes notes = {0};
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++)
		cell_rows(out, json_object_array_get_idx(cells, i), &notes);
	strbuf_addch(out, '\n');
	if (notes.inconclusive)
		strbuf_addstr(out, "¹ too few pairs for the interval to reach its confidence: the "
		                   "delta decides nothing.\n\n");
	not_healthy_md(out, cells);
	struct json_object *mult = get(summary, "multiplicity");
	if (mult && num(get(mult, "family")) > 1) {
		strbuf_addstr(out, "**Multiplicity:** ");
		md_escaped(out, gets(mult, "sentence"));
		strbuf_addstr(out,
		              " (Benjamini–Hochberg: with N pairs and no real difference, about "
		              "N × 5% intervals exclude zero by chance).\n\n");
	}
	memory_note(out, cells);
	factorial_md(out, cells);
	struct json_object *slopes = get(summary, "slopes");
	strbuf_addstr(out, "\n## Slopes\n\n");
	if (!slopes || json_object_array_length(slopes) == 0)
		strbuf_addstr(out, "No axis varies over 3 or more cells with the others fixed.\n");
	for (size_t i = 0; slopes && i < json_object_array_length(slopes); i++) {
		struct json_object *s = json_object_array_get_idx(slopes, i);
		strbuf_addf(out, "- %s, ", gets(s, "axis"));
		md_escaped(out, gets(s, "pair"));
		strbuf_addstr(out, ": ");
		md_escaped(out, gets(s, "sentence"));
		strbuf_addch(out, '\n');
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
		strbuf_addstr(out, "\n## Provenance\n\n");
		json_object_object_foreach(prov, pk, pv)
		{
			strbuf_addf(out, "- %s: ", pk);
			struct strbuf text;
			strbuf_init(&text);
			provenance_text(&text, pv);
			md_escaped(out, text.buf);
			strbuf_release(&text);
			strbuf_addch(out, '\n');
		}
	}
	squeeze_blank_lines(out, from);
}

/* Bencher measures in whole units (ns, bytes): summary.json keeps full precision, a dashboard
 * needs no 17 digits. */
#define NS_PER_MS     1e6
#define BYTES_PER_KIB 1024.0

/* {value, lower_value, upper_value} in whole units (value × scale, rounded); NULL when the value
 * is undefined (Bencher needs a number). Bounds come from ci [lo, hi] (either may be NULL). */
static struct json_object *measure(struct json_object *value, struct json_object *lo,
                                   struct json_object *hi, double scale)
{
	if (!is_number(value))
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "value", json_object_new_int64(llround(num(value) * scale)));
	if (is_number(lo))
		json_object_object_add(o, "lower_value",
		                       json_object_new_int64(llround(num(lo) * scale)));
	if (is_number(hi))
		json_object_object_add(o, "upper_value",
		                       json_object_new_int64(llround(num(hi) * scale)));
	return o;
}

static struct json_object *interval_measure(struct json_object *value, struct json_object *ci,
                                            double scale)
{
	return measure(value, ci ? json_object_array_get_idx(ci, 0) : NULL,
	               ci ? json_object_array_get_idx(ci, 1) : NULL, scale);
}

static void add_measure(struct json_object *entry, const char *slug, struct json_object *m)
{
	if (m)
		json_object_object_add(entry, slug, m);
}

/* "tare.<matrix>.<cell>.factorial" → capture-overhead, spans-overhead, interaction (ns): the
 * effects with their intervals, so that Bencher tracks whether the costs keep adding up. */
static void factorial_bmf(struct json_object *bmf, const char *matrix, struct json_object *cell)
{
	struct json_object *f = get(cell, "factorial");
	if (!f || json_object_is_type(f, json_type_null))
		return;
	static const char *const effects[] = {"capture", "spans", "interaction"};
	static const char *const slugs[] = {"capture-overhead", "spans-overhead", "interaction"};
	struct json_object *entry = json_object_new_object();
	for (size_t i = 0; i < 3; i++) {
		struct json_object *x = get(f, effects[i]);
		add_measure(entry, slugs[i],
		            interval_measure(get(x, "hl_ms"), get(x, "ci_ms"), NS_PER_MS));
	}
	if (json_object_object_length(entry) == 0) {
		json_object_put(entry);
		return;
	}
	char key[512];
	snprintf(key, sizeof(key), "tare.%s.%s.factorial", matrix, gets(cell, "cell"));
	json_object_object_add(bmf, key, entry);
}

/* One benchmark per cell and arm: latency (the median wall time in ns, bounded by its bootstrap
 * interval), memory-peak (the workload tree's median peak in bytes, up to its maximum),
 * capture-memory (bytes), and on a compared arm overhead (the paired delta in ns with its
 * Wilcoxon interval) and min-detectable-overhead (ns). */
static struct json_object *arm_bmf(struct json_object *arm, struct json_object *pairs)
{
	struct json_object *entry = json_object_new_object();
	struct json_object *w = get(arm, "wall_ms"), *mem = get(arm, "memory_peak_kib");
	add_measure(entry, "latency",
	            interval_measure(get(w, "median"), get(w, "median_ci"), NS_PER_MS));
	add_measure(entry, "memory-peak",
	            measure(get(mem, "median"), NULL, get(mem, "max"), BYTES_PER_KIB));
	add_measure(entry, "capture-memory",
	            measure(get(arm, "capture_memory_kib"), NULL, NULL, BYTES_PER_KIB));
	for (size_t p = 0; pairs && p < json_object_array_length(pairs); p++) {
		struct json_object *pr = json_object_array_get_idx(pairs, p);
		if (strcmp(gets(pr, "candidate"), gets(arm, "arm")) != 0)
			continue;
		add_measure(entry, "overhead",
		            interval_measure(get(pr, "hl_ms"), get(pr, "ci_ms"), NS_PER_MS));
		add_measure(entry, "min-detectable-overhead",
		            measure(get(pr, "min_detectable_ms"), NULL, NULL, NS_PER_MS));
	}
	return entry;
}

struct json_object *summary_bmf(struct json_object *summary)
{
	struct json_object *bmf = json_object_new_object();
	const char *matrix = gets(get(summary, "matrix"), "name");
	struct json_object *cells = get(summary, "cells");
	for (size_t i = 0; cells && i < json_object_array_length(cells); i++) {
		struct json_object *c = json_object_array_get_idx(cells, i), *arms = get(c, "arms");
		for (size_t k = 0; arms && k < json_object_array_length(arms); k++) {
			struct json_object *a = json_object_array_get_idx(arms, k);
			struct json_object *entry = arm_bmf(a, get(c, "pairs"));
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
