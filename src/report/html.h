/* report.html: one self-contained page per run (inline SVG and CSS, no script, nothing fetched),
 * and one comparing two runs. */
#ifndef TARE_REPORT_HTML_H
#define TARE_REPORT_HTML_H

#include <stddef.h>

#include "gate/verdict.h"
#include "matrix/matrix.h"
#include "report/compare.h"
#include "sample/sample.h"
#include "util/diag.h"
#include "util/strbuf.h"

struct json_object;

#define RUN_REPORT_FILE "report.html"

/* A run as the page reads it; everything borrowed. */
struct report_run {
	const char *dir; /* shown in the header; may be NULL */
	const struct matrix *m;
	const size_t *cells; /* the plan's cells, indices into m->cells */
	size_t n_cells;
	const struct sample *samples;
	size_t n_samples;
	const struct verdict_set *verdicts; /* verdicts_compute of the same cells */
	/* summary_build's object: statistics, pairs, slopes, boundary, provenance. A pair's
	 * optional "min_detectable_ms" is drawn when present. */
	struct json_object *summary;
};

/* The page of one run: boundary and verdicts, the forest plot of paired deltas, per cell the
 * wall-time distributions, overhead against each varied axis, fidelity, memory, tail latency
 * (when the workload reported latency histograms) and provenance. Appended to out. */
void report_html_build(const struct report_run *r, struct strbuf *out);

/* Writes run_dir/report.html (atomically) for a finished run: what `tare run` calls after it has
 * written summary.json. summary and v as in struct report_run. Returns 0, or -1 with a diag. */
int report_html_write(const char *run_dir, const struct matrix *m, const size_t *cells,
                      size_t n_cells, const struct sample *samples, size_t n_samples,
                      const struct verdict_set *v, struct json_object *summary,
                      struct diag_list *d);

/* One side of a comparison; everything borrowed. provenance may be NULL (unknown). */
struct report_compare_side {
	const char *dir;
	const struct matrix *m;
	const size_t *cells;
	size_t n_cells;
	const struct sample *samples;
	size_t n_samples;
	struct json_object *provenance;
};

/* The page comparing two runs: per cell and arm the shift of wall time with its interval (the
 * rows of r, from compare_runs over the same runs) as a forest plot, the two distributions side by
 * side, and both provenances. warnings (may be empty) are shown first: runs of another matrix or
 * host class. Appended to out. */
void report_html_compare_build(const struct report_compare_side *base,
                               const struct report_compare_side *cur,
                               const struct compare_result *r, const struct diag_list *warnings,
                               struct strbuf *out);

#endif
