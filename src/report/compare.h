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
	/* two-sided Mann–Whitney test of no shift: exact (the same null distribution as the
	 * interval) when neither run has more than COMPARE_EXACT_MAX_N samples and no value is tied
	 * across the runs, else normal with the tie-corrected variance and a continuity correction
	 * of ½ (scipy's mannwhitneyu(method="asymptotic")); NaN without an interval */
	double p_value;
	bool p_exact;
	/* pyperf's stability rule, per run: the standard deviation is more than 10% of the mean
	 * (COMPARE_UNSTABLE_CV); cv is stdev/mean, NaN with fewer than 2 samples */
	double cv_base, cv_cur;
};

/* pyperf ("the benchmark seems unstable") calls a result unstable when its standard deviation is
 * more than 10% of its mean. */
#define COMPARE_UNSTABLE_CV 0.10

/* Fills *out. An empty side gives NaN fields and COMPARE_CI_NONE (and returns 0). Returns -1 on
 * a non-finite value, conf outside (0, 1) or m·n > COMPARE_MAX_PAIRS. */
int compare_shift(const double *base, size_t m, const double *cur, size_t n, double conf,
                  struct compare_shift *out);

enum compare_status {
	COMPARE_NO_CHANGE,    /* the interval includes zero, is undefined or below its confidence */
	COMPARE_INCONCLUSIVE, /* rows only: no interval, or too few samples to reach its confidence
	                       */
	COMPARE_NOT_SIGNIFICANT, /* rows only: the interval excludes zero, but q ≥ STATS_FDR_Q */
	COMPARE_WITHIN,      /* the interval excludes zero but the change is within the threshold */
	COMPARE_REGRESSION,  /* lo > 0 and rel_pct > the threshold */
	COMPARE_IMPROVEMENT, /* hi < 0 and −rel_pct > the threshold */
	COMPARE_WITHIN_DRIFT, /* rows only: a regression or improvement by the interval whose bound
	                         nearer zero does not clear the two runs' own drift */
	COMPARE_WITHIN_RUNS,  /* rows only: one whose bound nearer zero does not clear the spread of
	                         the per-run medians among the replicate runs of a side */
};

/* The interval rule alone: a change is only claimed when the interval reached its confidence and
 * excludes zero; it is a regression (improvement) only when it also exceeds max_pct. */
enum compare_status compare_classify(const struct compare_shift *s, double max_pct);

/* The status of a row of a comparison: INCONCLUSIVE when the interval is missing or below its
 * confidence; otherwise compare_classify, except that a change whose Benjamini–Hochberg q-value
 * over the comparison's rows is not below STATS_FDR_Q is NOT_SIGNIFICANT (with many rows, some
 * intervals exclude zero by chance). q NaN: no correction. */
enum compare_status compare_row_status(const struct compare_shift *s, double q, double max_pct);
/* A run's drift: the Hodges–Lehmann shift from the first to the second half of its values in time
 * (record) order (the middle value of an odd count left out), the run-to-run variation a run
 * shows within itself. NaN with fewer than 4 values. */
double compare_drift(const double *x, size_t n);

/* The run-to-run rule on top of compare_row_status: a REGRESSION (IMPROVEMENT) stays one only when
 * the interval's lower (upper) bound is farther from zero than |drift_base| + |drift_cur|, the
 * shift two runs of the same code show within themselves; otherwise WITHIN_DRIFT. A NaN drift
 * counts as 0 (too few values to estimate it). Other statuses pass unchanged. */
enum compare_status compare_drift_status(enum compare_status st, const struct compare_shift *s,
                                         double drift_base, double drift_cur);

/* The run-to-run spread of one side's replicate runs: the range (largest minus smallest) of the
 * per-run medians; NaN with fewer than 2 runs (a single run cannot show its own run-level shift).
 */
double compare_run_range(const double *run_medians, size_t n_runs);

/* The replicate rule on top of compare_drift_status (which, with replicates, takes only the
 * drift of a side that has one run: a side with several shows its run-level variation directly): a
 * REGRESSION (IMPROVEMENT) stays one only when the interval's lower (upper) bound is farther from
 * zero than run_spread, the larger of the two sides' compare_run_range (a side with one run
 * contributes nothing); otherwise WITHIN_RUNS. NaN (no side has two runs): no rule, the status
 * passes unchanged. */
enum compare_status compare_runs_status(enum compare_status st, const struct compare_shift *s,
                                        double run_spread);

/* "regression", "improvement", "within threshold", "no detectable change", "inconclusive",
 * "not significant (q)", "within drift", "within run-to-run variation" */
const char *compare_status_name(enum compare_status s);

/* Whether two runs may be compared: equal matrix sha256 and equal host class. A NULL host class
 * (no summary.json) is unknown and never equal. Appends one error per mismatch; returns 0 or -1. */
int compare_check_compatible(const char *base_sha, const char *base_host, const char *cur_sha,
                             const char *cur_host, struct diag_list *d);

/* Why a row cannot be trusted, as bits. */
enum compare_unreliable {
	COMPARE_UNSTABLE_BASE = 1 << 0,    /* the base run's samples fail pyperf's rule */
	COMPARE_UNSTABLE_CURRENT = 1 << 1, /* the current run's samples fail it */
	COMPARE_MACHINE_DIFFERS = 1 << 2,  /* the runs' machine state differs (compare_machine.h) */
};

struct compare_row {
	const char *cell, *arm; /* borrowed from the base matrix */
	struct compare_shift shift;
	double
	    q_value; /* Benjamini–Hochberg over the comparison's conclusive rows; NaN otherwise */
	enum compare_status status;
	unsigned unreliable;          /* enum compare_unreliable bits; 0: reliable */
	double drift_base, drift_cur; /* compare_drift of each run's values, ms; with replicates the
	                                 run's drift of largest magnitude on that side */
	/* the side's per-run medians, ms, in the order the runs were given (owned; n_runs_* of
	 * them: only the runs that have valid samples of this cell and arm) */
	double *run_medians_base, *run_medians_cur;
	size_t n_runs_base, n_runs_cur;
	double run_spread; /* max of the sides' compare_run_range, ms; NaN when not estimated */
};

struct compare_result {
	struct compare_row *rows; /* base cell order, then the cell's arm order */
	size_t n_rows;
	size_t n_regressions, n_improvements; /* rows with that status, reliable or not */
	size_t n_unreliable_regressions;      /* of n_regressions, those on unreliable rows */
	size_t n_within, n_no_change, n_not_significant, n_inconclusive, n_unreliable;
	size_t n_within_drift, n_within_runs;
	size_t n_base_runs, n_cur_runs; /* runs given per side */
	size_t family;                  /* conclusive rows, the rows the q-values are taken over */
	double max_pct;
	char *machine_reasons; /* "; "-separated, why the machine state differs; NULL when it does
	                          not */
};

/* One run's samples, borrowed. */
struct compare_run {
	const struct sample *samples;
	size_t n;
};

/* Rows for every cell of base_cells (indices into base->cells) and compared arm that has valid
 * measured samples on both sides; each side is one or more replicate runs of the same matrix, whose
 * samples are pooled for the shift and its interval, and whose per-run medians give the run-to-run
 * rule (compare_runs_status). Runs are matched by cell and arm name. pyperf's rule and the drift
 * are judged per run (a side is unstable when the median of its runs' stdev/mean exceeds the
 * limit). machine_reasons (borrowed, copied; NULL when the runs' machine state agrees) marks every
 * row unreliable. Returns 0, or -1 with a diag. Release with compare_result_release. */
int compare_replicates(const struct matrix *base, const size_t *base_cells, size_t n_base_cells,
                       const struct compare_run *base_runs, size_t n_base_runs,
                       const struct compare_run *cur_runs, size_t n_cur_runs, double max_pct,
                       const char *machine_reasons, struct compare_result *out,
                       struct diag_list *d);

/* compare_replicates with one run per side. */
int compare_runs(const struct matrix *base, const size_t *base_cells, size_t n_base_cells,
                 const struct sample *base_samples, size_t n_base_samples,
                 const struct sample *cur_samples, size_t n_cur_samples, double max_pct,
                 const char *machine_reasons, struct compare_result *out, struct diag_list *d);
void compare_result_release(struct compare_result *r);

/* The method, in one sentence, as the output states it. */
const char *compare_method_sentence(void);

/* "+1.23 ms [0.40, 2.10] (+4.1% [1.3, 6.9])", minus signs as U+2212. */
int compare_change_format(const struct compare_shift *s, char *buf, size_t size);

/* The row's unreliability in words ("base run unstable: stdev 14.2% of the mean; machine state
 * differs"), into buf; "" when reliable. Returns what snprintf returns. */
int compare_unreliable_format(const struct compare_row *row, const char *machine_reasons, char *buf,
                              size_t size);

/* The closing sentence, agreeing with the rows: counts per status, reliable and not. The text
 * table, the JSON and the HTML page all print this one. */
int compare_summary_sentence(const struct compare_result *r, char *buf, size_t size);

/* Under the table when run-to-run variation was not estimated on a side (one run there): what
 * cannot be told apart, and what to do; "" when both sides have replicates. */
int compare_replicate_note(const struct compare_result *r, char *buf, size_t size);

/* The exit rule: whether the comparison fails a gate: a reliable regression, or with
 * fail_on_unreliable any unreliable row. */
bool compare_fails(const struct compare_result *r, bool fail_on_unreliable);

/* The result as JSON (tare.compare.v1). New object. */
struct json_object *compare_result_to_json(const struct compare_result *r);

#endif
