/* The report page comparing two runs: per cell and arm the shift of wall time with its interval,
 * the two distributions side by side, and where each run came from. */
#include "report/html.h"

#include "report/html_page.h"
#include "report/plot.h"
#include "report/svg.h"
#include "util/number_format.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_class(enum compare_status s)
{
	switch (s) {
	case COMPARE_REGRESSION:
		return "regression";
	case COMPARE_IMPROVEMENT:
		return "improvement";
	case COMPARE_WITHIN:
		return "within";
	case COMPARE_NO_CHANGE:
	case COMPARE_INCONCLUSIVE:
	case COMPARE_NOT_SIGNIFICANT:
	case COMPARE_WITHIN_DRIFT:
	case COMPARE_WITHIN_RUNS:
		break;
	}
	return "none";
}

static void shifts_section(struct strbuf *out, const struct compare_result *r)
{
	char *intro = xasprintf(
	    "Per cell and arm, the change of wall time from the base run to the current one: %s. "
	    "Red: a regression (the whole interval above zero and the change above %g%% of the "
	    "base median); green: an improvement by the same rule; amber: a change inside the "
	    "threshold; grey: no detectable change, too few samples to reach the interval's "
	    "confidence, a change that is not significant over all rows "
	    "(Benjamini\xe2\x80\x93Hochberg q \xe2\x89\xa5 0.05), or one within the two runs' own "
	    "drift or the run-to-run variation of replicate runs.",
	    compare_method_sentence(), r->max_pct);
	html_section_begin(out, "shifts", "Shift of wall time, current − base", intro);
	free(intro);
	/* the sentence `tare compare` closes with, so that page and gate never disagree (an
	 * unreliable regression is shown, not counted) */
	char verdict[1024];
	compare_summary_sentence(r, verdict, sizeof(verdict));
	html_paragraph(out, "boundary", verdict);
	char note[512];
	if (compare_replicate_note(r, note, sizeof(note)) > 0)
		html_paragraph(out, "intro", note);
	struct plot_forest_row *rows = xcalloc(r->n_rows + 1, sizeof(*rows));
	char **notes = xcalloc(r->n_rows + 1, sizeof(*notes));
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		char iv[160], rel[64];
		html_format_interval(iv, sizeof(iv), row->shift.estimate, row->shift.lo,
		                     row->shift.hi, "ms");
		format_signed(rel, sizeof(rel), row->shift.rel_pct, 1, true);
		/* the row's status in words: colour alone cannot say "not significant" or
		 * "unreliable" */
		notes[i] = xasprintf("%s (%s%%): %s%s", iv, rel, compare_status_name(row->status),
		                     row->unreliable ? ", unreliable" : "");
		rows[i] = (struct plot_forest_row){
		    .label = row->cell,
		    .detail = row->arm,
		    .est = row->shift.estimate,
		    .lo = row->shift.lo,
		    .hi = row->shift.hi,
		    .mde = NAN,
		    .status = status_class(row->status),
		    .note = notes[i],
		};
	}
	plot_forest(out, "shift", "shift of wall time per cell and arm",
	            "current − base, ms per dispatch", rows, r->n_rows);
	for (size_t i = 0; i < r->n_rows; i++)
		free(notes[i]);
	free(notes);
	free(rows);
	html_section_end(out);
}

/* The valid measured wall times of a cell's arm in one run's groups; returns how many (out has
 * room for every sample of the run). */
static size_t side_values(const struct sample_groups *g, const char *cell, const char *arm,
                          double *out, size_t *discarded)
{
	const struct sample *const *cs;
	size_t n_cs = sample_groups_find(g, cell, &cs);
	return html_arm_values(cs, n_cs, arm, html_wall_ms, out, discarded);
}

static void distributions_section(struct strbuf *out, const struct report_compare_side *base,
                                  const struct report_compare_side *cur)
{
	html_section_begin(out, "distributions", "Wall time, base and current",
	                   "Per cell, each arm's valid measured dispatches in the base run and in "
	                   "the current one, on one axis: every dispatch a dot, the median a line, "
	                   "the quartiles a box.");
	const char *const names[] = {"base", "current"};
	html_legend(out, names, 2);
	struct sample_groups gb, gc;
	sample_groups_init(&gb, base->samples, base->n_samples);
	sample_groups_init(&gc, cur->samples, cur->n_samples);
	size_t room = (base->n_samples > cur->n_samples ? base->n_samples : cur->n_samples) + 1;
	for (size_t i = 0; i < base->n_cells; i++) {
		const struct matrix_cell *c = &base->m->cells[base->cells[i]];
		size_t n = 2 * c->n_compare;
		struct plot_strip_group *groups = xcalloc(n + 1, sizeof(*groups));
		double *values = xcalloc(n * room, sizeof(*values));
		char **texts = xcalloc(2 * n + 1, sizeof(*texts));
		size_t any = 0;
		for (size_t k = 0; k < n; k++) {
			const char *arm = base->m->arms[c->compare[k / 2]].name;
			bool is_cur = k % 2;
			size_t discarded;
			double *vals = values + k * room;
			size_t nv = side_values(is_cur ? &gc : &gb, c->name, arm, vals, &discarded);
			any += nv;
			texts[2 * k] = xasprintf("%s, %s", arm, names[is_cur]);
			texts[2 * k + 1] = discarded
			                       ? xasprintf("n = %zu, %zu discarded", nv, discarded)
			                       : xasprintf("n = %zu", nv);
			groups[k] = (struct plot_strip_group){
			    .label = texts[2 * k],
			    .detail = texts[2 * k + 1],
			    .values = vals,
			    .n = nv,
			    .series = is_cur,
			};
		}
		strbuf_addstr(out, "<h3>");
		svg_escape(out, c->name);
		strbuf_addstr(out, "</h3>\n");
		if (any) {
			char id[32], title[256];
			snprintf(id, sizeof(id), "dist-%zu", i);
			snprintf(title, sizeof(title), "wall time of %s, base and current",
			         c->name);
			plot_strip(out, id, title, "wall time per dispatch, ms", "ms", 3, false,
			           groups, n);
		} else {
			html_paragraph(out, "intro", "no valid measured dispatch in either run");
		}
		for (size_t k = 0; k < 2 * n; k++)
			free(texts[k]);
		free(texts);
		free(values);
		free(groups);
	}
	sample_groups_release(&gb);
	sample_groups_release(&gc);
	html_section_end(out);
}

void report_html_compare_build(const struct report_compare_side *base,
                               const struct report_compare_side *cur,
                               const struct compare_result *r, const struct diag_list *warnings,
                               struct strbuf *out)
{
	char *title = xasprintf("tare comparison: %s", base->m->name);
	html_page_begin(out, title);
	free(title);
	char *sub = xasprintf("base %s · current %s", base->dir ? base->dir : "?",
	                      cur->dir ? cur->dir : "?");
	html_paragraph(out, "sub", sub);
	free(sub);
	for (size_t i = 0; warnings && i < warnings->len; i++)
		html_paragraph(out, "warning", warnings->items[i].message);
	shifts_section(out, r);
	distributions_section(out, base, cur);
	html_section_begin(out, "provenance", "Provenance", NULL);
	struct json_object *prov[] = {base->provenance, cur->provenance};
	const char *const heads[] = {"base", "current"};
	html_provenance(out, prov, heads, 2);
	html_section_end(out);
	html_page_end(out);
}
