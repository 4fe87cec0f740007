/* Comparing two independent runs: per cell and arm, the Hodges–Lehmann shift of wall time with a
 * Mann–Whitney (Wilcoxon rank-sum) interval, and the regression rule built on it. */
#ifndef TARE_REPORT_COMPARE_H
#define TARE_REPORT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "sample/sample.h"
#include "matrix/matrix.h"
#include "util/diag.h"

struct json_object;

/* Up to this many observations in each run the null distribution of the rank-sum statistic U is
 * computed exactly (as R's wilcox.test without ties); above it the normal approximation. */
#define COMPARE_EXACT_MAX_N 50

/* All m·n pairwise differences are held in memory; larger inputs are refused. */
#define COMPARE_MAX_PAIRS ((size_t)4000000)

#define COMPARE_CONF                       0.95
#define COMPARE_DEFAULT_MAX_REGRESSION_PCT 5.0

enum compare_ci_method {
	COMPARE_CI_NONE,   /* a run has no valid sample: no interval */
	COMPARE_CI_EXACT,  /* exact null distribution of U */
	COMPARE_CI_NORMAL, /* normal approximation of U with continuity correction */
};

/* Critical rank k of the two-sample interval, as R's wilcox.test(conf.int = TRUE): with U the
 * Mann–Whitney statistic of m and n untied observations and α = 1 − conf, k is the smallest q
 * with P(U ≤ q) ≥ α/2, raised to 1 if it is 0; the interval [D_(k), D_(mn−k+1)] over the sorted
 * pairwise differences then has confidence 1 − 2·P(U ≤ k − 1), returned in *achieved (below conf
 * when the runs are too small to reach it). Exact when m and n are at most COMPARE_EXACT_MAX_N;
 * otherwise P(U ≤ q) is Φ((q + ½ − mn/2) / √(mn(m + n + 1)/12)). Returns 0, or -1 for m or n 0 or
 * conf outside (0, 1). */
int compare_ranksum_ci_rank(size_t m, size_t n, double conf, size_t *k, double *achieved,
                            enum compare_ci_method *method);

/* The change from base (m values) to current (n values). */
struct compare_shift {
	size_t n_base, n_cur;
	double median_base, median_cur; /* type-7 medians */
	double estimate;                /* Hodges–Lehmann: median of all current_j − base_i */
	double lo, hi;                  /* D_(k), D_(mn−k+1) */
	double conf, conf_achieved;
	size_t k; /* 1-based; 0 without an interval */
	enum compare_ci_method method;
	/* estimate and interval as % of median_base (the interval scaled the same way, not a ratio
	 * interval); NaN when median_base is 0 or undefined */
	double rel_pct, rel_lo, rel_hi;
};

/* Fills *out. An empty side gives NaN fields and COMPARE_CI_NONE (and returns 0). Returns -1 on
 * a non-finite value, conf outside (0, 1) or m·n > COMPARE_MAX_PAIRS. */
int compare_shift(const double *base, size_t m, const double *cur, size_t n, double conf,
                  struct compare_shift *out);

enum compare_status {
	COMPARE_NO_CHANGE,   /* the interval includes zero, is undefined or below its confidence */
	COMPARE_WITHIN,      /* the interval excludes zero but the change is within the threshold */
	COMPARE_REGRESSION,  /* lo > 0 and rel_pct > the threshold */
	COMPARE_IMPROVEMENT, /* hi < 0 and −rel_pct > the threshold */
};

/* The regression rule: a change is only claimed when the interval reached its confidence and
 * excludes zero; it is a regression (improvement) only when it also exceeds max_pct. */
enum compare_status compare_classify(const struct compare_shift *s, double max_pct);
const char *compare_status_name(enum compare_status s); /* "regression", "no detectable change" */

/* Whether two runs may be compared: equal matrix sha256 and equal host class. A NULL host class
 * (no summary.json) is unknown and never equal. Appends one error per mismatch; returns 0 or -1. */
int compare_check_compatible(const char *base_sha, const char *base_host, const char *cur_sha,
                             const char *cur_host, struct diag_list *d);

struct compare_row {
	const char *cell, *arm; /* borrowed from the base matrix */
	struct compare_shift shift;
	enum compare_status status;
};

struct compare_result {
	struct compare_row *rows; /* base cell order, then the cell's arm order */
	size_t n_rows;
	size_t n_regressions, n_improvements;
	double max_pct;
};

/* Rows for every cell of base_cells (indices into base->cells) and compared arm that has valid
 * measured samples in both runs; cur is matched by cell and arm name. Returns 0, or -1 with a
 * diag. Release with compare_result_release. */
int compare_runs(const struct matrix *base, const size_t *base_cells, size_t n_base_cells,
                 const struct sample *base_samples, size_t n_base_samples,
                 const struct sample *cur_samples, size_t n_cur_samples, double max_pct,
                 struct compare_result *out, struct diag_list *d);
void compare_result_release(struct compare_result *r);

/* The method, in one sentence, as the output states it. */
const char *compare_method_sentence(void);

/* "+1.23 ms [0.40, 2.10] (+4.1% [1.3, 6.9])", minus signs as U+2212. */
int compare_change_format(const struct compare_shift *s, char *buf, size_t size);

/* The result as JSON (tare.compare.v1). New object. */
struct json_object *compare_result_to_json(const struct compare_result *r);

#endif
