/* Two independent runs compared: Hodges–Lehmann shift with a Mann–Whitney interval per cell and
 * arm, the regression rule, and the refusal to compare runs of different matrices or hosts. */
#include "report/compare.h"

#include "stats/describe.h"
#include "stats/dist.h"
#include "stats/multiplicity.h"
#include "util/number_format.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* P(U ≤ q) for q = 0..mn, exactly: cnt[s][u] counts the ways to choose s of the first r ranks for
 * the current run with u (rank of a chosen element − its position among the chosen) summed; the
 * chosen element at rank r, s-th among the chosen, has r − s base values below it, which is its
 * contribution to U. Doubles keep the counts exact up to 2^53 and relatively exact beyond. */
static double *ranksum_cdf(size_t m, size_t n)
{
	size_t mn = m * n;
	double *cnt = xcalloc((m + 1) * (mn + 1), sizeof(*cnt));
	double *cdf = xcalloc(mn + 1, sizeof(*cdf));
	cnt[0] = 1.0;
	for (size_t r = 1; r <= m + n; r++) {
		size_t top = r < m ? r : m;
		for (size_t s = top; s >= 1; s--) {
			size_t add = r - s;
			if (add > n)
				continue;
			const double *from = cnt + (s - 1) * (mn + 1);
			double *to = cnt + s * (mn + 1);
			for (size_t u = mn - add + 1; u-- > 0;)
				to[u + add] += from[u];
		}
	}
	const double *last = cnt + m * (mn + 1);
	double total = 0.0;
	for (size_t u = 0; u <= mn; u++)
		total += last[u];
	double acc = 0.0;
	for (size_t u = 0; u <= mn; u++) {
		acc += last[u];
		cdf[u] = acc / total;
	}
	free(cnt);
	return cdf;
}

int compare_ranksum_ci_rank(size_t m, size_t n, double conf, size_t *k, double *achieved,
                            enum compare_ci_method *method)
{
	if (m == 0 || n == 0 || !(conf > 0.0 && conf < 1.0))
		return -1;
	double alpha = 1.0 - conf;
	size_t mn = m * n;
	size_t q;
	if (m <= COMPARE_EXACT_MAX_N && n <= COMPARE_EXACT_MAX_N) {
		double *cdf = ranksum_cdf(m, n);
		/* a small tolerance so that a probability equal to α/2 in exact arithmetic counts
		 */
		for (q = 0; q < mn && cdf[q] < alpha / 2.0 - 1e-12; q++)
			;
		if (q == 0)
			q = 1;
		*achieved = 1.0 - 2.0 * cdf[q - 1];
		*method = COMPARE_CI_EXACT;
		free(cdf);
	} else {
		double mu = (double)mn / 2.0;
		double sigma = sqrt((double)mn * (double)(m + n + 1) / 12.0);
		double qq = ceil(mu + sigma * stats_norm_quantile(alpha / 2.0) - 0.5);
		q = qq < 1.0 ? 1 : (size_t)qq;
		*achieved = 1.0 - 2.0 * stats_norm_cdf(((double)q - 1.0 + 0.5 - mu) / sigma);
		*method = COMPARE_CI_NORMAL;
	}
	if (q > (mn + 1) / 2)
		q = (mn + 1) / 2;
	*k = q;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void shift_nan(struct compare_shift *out)
{
	out->p_value = out->cv_base = out->cv_cur = NAN;
	out->p_exact = false;
	out->median_base = out->median_cur = out->estimate = NAN;
	out->lo = out->hi = out->conf_achieved = NAN;
	out->rel_pct = out->rel_lo = out->rel_hi = NAN;
	out->k = 0;
	out->method = COMPARE_CI_NONE;
}

/* U = #{current_j > base_i} + ½·#{current_j = base_i}, and the tie term Σ(t³ − t) over groups
 * of equal values in the pooled sample. O((m + n) log(m + n)). */
static double mann_whitney_u(const double *base, size_t m, const double *cur, size_t n,
                             double *tie_term)
{
	size_t total = m + n;
	double *vals = xmalloc(total * sizeof(*vals));
	memcpy(vals, base, m * sizeof(*vals));
	memcpy(vals + m, cur, n * sizeof(*vals));
	qsort(vals, total, sizeof(*vals), cmp_double);
	/* rank sum of the current run by midranks: rank of v = (#less) + (#equal + 1)/2 */
	double rank_sum = 0.0;
	*tie_term = 0.0;
	for (size_t i = 0; i < total;) {
		size_t j = i;
		while (j + 1 < total && vals[j + 1] == vals[i])
			j++;
		double t = (double)(j - i + 1);
		*tie_term += t * t * t - t;
		i = j + 1;
	}
	for (size_t j = 0; j < n; j++) {
		size_t lo = 0, hi = total;
		while (lo < hi) { /* first index with vals >= cur[j] */
			size_t mid = (lo + hi) / 2;
			if (vals[mid] < cur[j])
				lo = mid + 1;
			else
				hi = mid;
		}
		size_t eq = lo;
		while (eq < total && vals[eq] == cur[j])
			eq++;
		rank_sum += (double)lo + (double)(eq - lo + 1) / 2.0;
	}
	free(vals);
	return rank_sum - (double)n * (double)(n + 1) / 2.0;
}

static double coefficient_of_variation(const double *x, size_t k)
{
	struct stats_describe d;
	if (k < 2 || stats_describe(x, k, &d) < 0 || d.mean == 0.0)
		return NAN;
	return d.stdev / fabs(d.mean);
}

/* The two-sided p-value of the Mann–Whitney test; see struct compare_shift. */
static int mann_whitney_p(const double *base, size_t m, const double *cur, size_t n,
                          struct compare_shift *out)
{
	double ties;
	double u = mann_whitney_u(base, m, cur, n, &ties);
	double mn = (double)m * (double)n;
	if (ties == 0.0 && m <= COMPARE_EXACT_MAX_N && n <= COMPARE_EXACT_MAX_N) {
		double *cdf = ranksum_cdf(m, n);
		if (!cdf)
			return -1;
		/* U is an integer without ties; the distribution is symmetric about mn/2 */
		size_t hi = (size_t)fmax(u, mn - u);
		double upper = hi == 0 ? 1.0 : 1.0 - cdf[hi - 1];
		out->p_value = fmin(1.0, 2.0 * upper);
		out->p_exact = true;
		free(cdf);
		return 0;
	}
	double total = (double)(m + n);
	double var = mn / 12.0 * ((total + 1.0) - ties / (total * (total - 1.0)));
	out->p_exact = false;
	if (!(var > 0.0)) {
		out->p_value = 1.0;
		return 0;
	}
	double z = (fabs(u - mn / 2.0) - 0.5) / sqrt(var);
	out->p_value = z <= 0.0 ? 1.0 : fmin(1.0, erfc(z / M_SQRT2));
	return 0;
}

int compare_shift(const double *base, size_t m, const double *cur, size_t n, double conf,
                  struct compare_shift *out)
{
	memset(out, 0, sizeof(*out));
	out->n_base = m;
	out->n_cur = n;
	out->conf = conf;
	shift_nan(out);
	if (!(conf > 0.0 && conf < 1.0))
		return -1;
	if (m == 0 || n == 0)
		return 0;
	if (m > COMPARE_MAX_PAIRS / n)
		return -1;
	if (stats_median(base, m, &out->median_base) < 0 ||
	    stats_median(cur, n, &out->median_cur) < 0)
		return -1;
	double *d = xmalloc(m * n * sizeof(*d));
	for (size_t j = 0; j < n; j++)
		for (size_t i = 0; i < m; i++)
			d[j * m + i] = cur[j] - base[i];
	size_t mn = m * n;
	qsort(d, mn, sizeof(*d), cmp_double);
	out->estimate = stats_quantile_sorted(d, mn, 0.5);
	if (compare_ranksum_ci_rank(m, n, conf, &out->k, &out->conf_achieved, &out->method) < 0) {
		free(d);
		shift_nan(out);
		return -1;
	}
	out->lo = d[out->k - 1];
	out->hi = d[mn - out->k];
	free(d);
	if (mann_whitney_p(base, m, cur, n, out) < 0) {
		shift_nan(out);
		return -1;
	}
	out->cv_base = coefficient_of_variation(base, m);
	out->cv_cur = coefficient_of_variation(cur, n);
	if (isfinite(out->median_base) && out->median_base != 0.0) {
		out->rel_pct = out->estimate / out->median_base * 100.0;
		out->rel_lo = out->lo / out->median_base * 100.0;
		out->rel_hi = out->hi / out->median_base * 100.0;
	}
	return 0;
}

enum compare_status compare_classify(const struct compare_shift *s, double max_pct)
{
	if (s->method == COMPARE_CI_NONE || !(s->conf_achieved >= s->conf - 1e-12))
		return COMPARE_NO_CHANGE;
	if (!(s->lo > 0.0) && !(s->hi < 0.0))
		return COMPARE_NO_CHANGE;
	if (s->lo > 0.0 && s->rel_pct > max_pct)
		return COMPARE_REGRESSION;
	if (s->hi < 0.0 && -s->rel_pct > max_pct)
		return COMPARE_IMPROVEMENT;
	return COMPARE_WITHIN;
}

enum compare_status compare_row_status(const struct compare_shift *s, double q, double max_pct)
{
	if (s->method == COMPARE_CI_NONE || !(s->conf_achieved >= s->conf - 1e-12))
		return COMPARE_INCONCLUSIVE;
	enum compare_status st = compare_classify(s, max_pct);
	if (st != COMPARE_NO_CHANGE && !isnan(q) && q >= STATS_FDR_Q)
		return COMPARE_NOT_SIGNIFICANT;
	return st;
}

double compare_drift(const double *x, size_t n)
{
	if (n < 4)
		return NAN;
	size_t h = n / 2;
	double *d = xmalloc(h * h * sizeof(*d));
	for (size_t j = 0; j < h; j++)
		for (size_t i = 0; i < h; i++)
			d[j * h + i] = x[n - h + j] - x[i];
	qsort(d, h * h, sizeof(*d), cmp_double);
	double est = stats_quantile_sorted(d, h * h, 0.5);
	free(d);
	return est;
}

enum compare_status compare_drift_status(enum compare_status st, const struct compare_shift *s,
                                         double drift_base, double drift_cur)
{
	double drift = (isnan(drift_base) ? 0.0 : fabs(drift_base)) +
	               (isnan(drift_cur) ? 0.0 : fabs(drift_cur));
	if (st == COMPARE_REGRESSION && !(s->lo > drift))
		return COMPARE_WITHIN_DRIFT;
	if (st == COMPARE_IMPROVEMENT && !(s->hi < -drift))
		return COMPARE_WITHIN_DRIFT;
	return st;
}

double compare_run_range(const double *run_medians, size_t n_runs)
{
	if (n_runs < 2)
		return NAN;
	double lo = run_medians[0], hi = run_medians[0];
	for (size_t i = 1; i < n_runs; i++) {
		lo = fmin(lo, run_medians[i]);
		hi = fmax(hi, run_medians[i]);
	}
	return hi - lo;
}

enum compare_status compare_runs_status(enum compare_status st, const struct compare_shift *s,
                                        double run_spread)
{
	if (isnan(run_spread))
		return st;
	/* a shift between the sides that one aberrant run could make is as large as that run's
	 * distance from the others of its side, which the range of its side's medians holds */
	if (st == COMPARE_REGRESSION && !(s->lo > run_spread))
		return COMPARE_WITHIN_RUNS;
	if (st == COMPARE_IMPROVEMENT && !(s->hi < -run_spread))
		return COMPARE_WITHIN_RUNS;
	return st;
}

static const char *const status_names[] = {
    "no detectable change", "inconclusive", "not significant (q)", "within threshold",
    "regression",           "improvement",  "within drift",        "within run-to-run variation"};

const char *compare_status_name(enum compare_status s)
{
	return status_names[s];
}

int compare_check_compatible(const char *base_sha, const char *base_host, const char *cur_sha,
                             const char *cur_host, struct diag_list *d)
{
	int rc = 0;
	if (!base_sha || !cur_sha || strcmp(base_sha, cur_sha) != 0)
		rc = diag_error(
		    d, "compare.matrix-differs", NULL,
		    "matrix differs between the runs: sha256 %.12s in the base, %.12s in the "
		    "current run",
		    base_sha ? base_sha : "unknown", cur_sha ? cur_sha : "unknown");
	if (!base_host || !cur_host)
		rc =
		    diag_error(d, "compare.host-unknown", NULL,
		               "host class unknown for the %s run (no summary.json): wall times of "
		               "different machines are not comparable",
		               !base_host ? "base" : "current");
	else if (strcmp(base_host, cur_host) != 0)
		rc =
		    diag_error(d, "compare.host-differs", NULL,
		               "host class differs between the runs: '%s' in the base, '%s' in the "
		               "current run",
		               base_host, cur_host);
	return rc;
}

/* Wall times in ms of the valid measured samples of (cell, arm); returns how many. */
static size_t arm_walls(const struct sample *s, size_t n, const char *cell, const char *arm,
                        double *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i].phase == PHASE_MEASURE && s[i].valid && strcmp(s[i].cell, cell) == 0 &&
		    strcmp(s[i].arm, arm) == 0)
			out[k++] = (double)s[i].wall_ns / 1e6;
	return k;
}

/* q-values over the conclusive rows, then each row's status and the counts. */
static void classify_rows(struct compare_result *r)
{
	double *p = xcalloc(r->n_rows + 1, sizeof(*p));
	double *q = xcalloc(r->n_rows + 1, sizeof(*q));
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_shift *s = &r->rows[i].shift;
		bool conclusive =
		    s->method != COMPARE_CI_NONE && s->conf_achieved >= s->conf - 1e-12;
		p[i] = conclusive ? s->p_value : NAN;
	}
	long family = stats_bh_qvalues(p, r->n_rows, q);
	r->family = family > 0 ? (size_t)family : 0;
	for (size_t i = 0; i < r->n_rows; i++) {
		struct compare_row *row = &r->rows[i];
		row->q_value = family >= 0 ? q[i] : NAN;
		/* a side with replicates shows its run-level variation directly, in the spread of
		 * its runs' medians; its drift is the within-run proxy for a side that has one run
		 */
		enum compare_status st =
		    compare_drift_status(compare_row_status(&row->shift, row->q_value, r->max_pct),
		                         &row->shift, row->n_runs_base > 1 ? NAN : row->drift_base,
		                         row->n_runs_cur > 1 ? NAN : row->drift_cur);
		row->status = compare_runs_status(st, &row->shift, row->run_spread);
		bool reliable = row->unreliable == 0;
		r->n_unreliable += !reliable;
		switch (row->status) {
		case COMPARE_REGRESSION:
			r->n_regressions++;
			r->n_unreliable_regressions += !reliable;
			break;
		case COMPARE_IMPROVEMENT:
			r->n_improvements++;
			break;
		case COMPARE_WITHIN:
			r->n_within++;
			break;
		case COMPARE_INCONCLUSIVE:
			r->n_inconclusive++;
			break;
		case COMPARE_NOT_SIGNIFICANT:
			r->n_not_significant++;
			break;
		case COMPARE_NO_CHANGE:
			r->n_no_change++;
			break;
		case COMPARE_WITHIN_DRIFT:
			r->n_within_drift++;
			break;
		case COMPARE_WITHIN_RUNS:
			r->n_within_runs++;
			break;
		}
	}
	free(p);
	free(q);
}

/* The median of the finite values of x (reordered); NaN when there is none. */
static double finite_median(double *x, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			x[k++] = x[i];
	if (k == 0)
		return NAN;
	qsort(x, k, sizeof(*x), cmp_double);
	return stats_quantile_sorted(x, k, 0.5);
}

/* One side of a row: the pooled values of (cell, arm) over the side's runs into pooled, each
 * run's median into medians (only runs that have values), and the per-run figures pyperf's rule
 * and the drift rule judge: the median of the runs' coefficients of variation (a typical run of the
 * side; one noisy run among several widens the run-to-run range instead) and the drift of largest
 * magnitude. Returns the pooled count. */
static size_t side_values(const struct compare_run *runs, size_t n_runs, const char *cell,
                          const char *arm, double *pooled, double *medians, size_t *n_medians,
                          double *cv, double *drift)
{
	size_t k = 0;
	*n_medians = 0;
	*drift = NAN;
	double *cvs = xcalloc(n_runs + 1, sizeof(*cvs));
	for (size_t r = 0; r < n_runs; r++) {
		double *x = pooled + k;
		size_t n = arm_walls(runs[r].samples, runs[r].n, cell, arm, x);
		if (n == 0)
			continue;
		double dr = compare_drift(x, n);
		if (!isnan(dr) && !(fabs(dr) <= fabs(*drift)))
			*drift = dr;
		cvs[*n_medians] = coefficient_of_variation(x, n);
		double *sorted = xmalloc(n * sizeof(*sorted));
		memcpy(sorted, x, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), cmp_double);
		medians[(*n_medians)++] = stats_quantile_sorted(sorted, n, 0.5);
		free(sorted);
		k += n;
	}
	*cv = finite_median(cvs, *n_medians);
	free(cvs);
	return k;
}

static size_t total_samples(const struct compare_run *runs, size_t n_runs)
{
	size_t t = 0;
	for (size_t r = 0; r < n_runs; r++)
		t += runs[r].n;
	return t;
}

/* Fills one row from both sides' values; -1 when compare_shift refuses them. */
static int fill_row(struct compare_row *row, const double *a, size_t m, const double *b, size_t n,
                    const double *med_a, size_t ka, const double *med_b, size_t kb, double cv_a,
                    double cv_b, const char *machine_reasons)
{
	if (compare_shift(a, m, b, n, COMPARE_CONF, &row->shift) < 0)
		return -1;
	/* pyperf's rule is about one run's dispatches: pooled replicates would count the run-level
	 * shifts the replicate rule handles as instability */
	row->shift.cv_base = cv_a;
	row->shift.cv_cur = cv_b;
	row->run_medians_base = xcalloc(ka + 1, sizeof(double));
	memcpy(row->run_medians_base, med_a, ka * sizeof(double));
	row->run_medians_cur = xcalloc(kb + 1, sizeof(double));
	memcpy(row->run_medians_cur, med_b, kb * sizeof(double));
	row->n_runs_base = ka;
	row->n_runs_cur = kb;
	double ra = compare_run_range(med_a, ka), rb = compare_run_range(med_b, kb);
	row->run_spread = isnan(ra) ? rb : isnan(rb) ? ra : fmax(ra, rb);
	row->unreliable = (cv_a > COMPARE_UNSTABLE_CV ? COMPARE_UNSTABLE_BASE : 0u) |
	                  (cv_b > COMPARE_UNSTABLE_CV ? COMPARE_UNSTABLE_CURRENT : 0u) |
	                  (machine_reasons ? COMPARE_MACHINE_DIFFERS : 0u);
	return 0;
}

int compare_replicates(const struct matrix *base, const size_t *base_cells, size_t n_base_cells,
                       const struct compare_run *base_runs, size_t n_base_runs,
                       const struct compare_run *cur_runs, size_t n_cur_runs, double max_pct,
                       const char *machine_reasons, struct compare_result *out, struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	out->max_pct = max_pct;
	out->n_base_runs = n_base_runs;
	out->n_cur_runs = n_cur_runs;
	out->machine_reasons = machine_reasons ? xstrdup(machine_reasons) : NULL;
	double *a = xmalloc((total_samples(base_runs, n_base_runs) + 1) * sizeof(*a));
	double *b = xmalloc((total_samples(cur_runs, n_cur_runs) + 1) * sizeof(*b));
	double *med_a = xmalloc((n_base_runs + 1) * sizeof(*med_a));
	double *med_b = xmalloc((n_cur_runs + 1) * sizeof(*med_b));
	size_t cap = 0;
	for (size_t c = 0; c < n_base_cells; c++)
		cap += base->cells[base_cells[c]].n_compare;
	out->rows = xcalloc(cap + 1, sizeof(*out->rows));
	int rc = 0;
	for (size_t c = 0; c < n_base_cells && rc == 0; c++) {
		const struct matrix_cell *cell = &base->cells[base_cells[c]];
		for (size_t k = 0; k < cell->n_compare; k++) {
			const char *arm = base->arms[cell->compare[k]].name;
			size_t ka, kb;
			double cv_a, cv_b, dr_a, dr_b;
			size_t m = side_values(base_runs, n_base_runs, cell->name, arm, a, med_a,
			                       &ka, &cv_a, &dr_a);
			size_t n = side_values(cur_runs, n_cur_runs, cell->name, arm, b, med_b, &kb,
			                       &cv_b, &dr_b);
			if (m == 0 || n == 0)
				continue;
			struct compare_row *row = &out->rows[out->n_rows];
			row->cell = cell->name;
			row->arm = arm;
			row->drift_base = dr_a;
			row->drift_cur = dr_b;
			if (fill_row(row, a, m, b, n, med_a, ka, med_b, kb, cv_a, cv_b,
			             machine_reasons) < 0) {
				rc = diag_error(
				    d, "compare.statistics", NULL,
				    "cannot compare cell '%s' arm '%s': %zu × %zu samples "
				    "exceed the limit or a wall time is not finite",
				    cell->name, arm, m, n);
				break;
			}
			out->n_rows++;
		}
	}
	if (rc == 0)
		classify_rows(out);
	free(a);
	free(b);
	free(med_a);
	free(med_b);
	if (rc < 0)
		compare_result_release(out);
	return rc;
}

int compare_runs(const struct matrix *base, const size_t *base_cells, size_t n_base_cells,
                 const struct sample *base_samples, size_t n_base_samples,
                 const struct sample *cur_samples, size_t n_cur_samples, double max_pct,
                 const char *machine_reasons, struct compare_result *out, struct diag_list *d)
{
	struct compare_run b = {base_samples, n_base_samples}, c = {cur_samples, n_cur_samples};
	return compare_replicates(base, base_cells, n_base_cells, &b, 1, &c, 1, max_pct,
	                          machine_reasons, out, d);
}

void compare_result_release(struct compare_result *r)
{
	free(r->machine_reasons);
	r->machine_reasons = NULL;
	for (size_t i = 0; r->rows && i < r->n_rows; i++) {
		free(r->rows[i].run_medians_base);
		free(r->rows[i].run_medians_cur);
	}
	free(r->rows);
	r->rows = NULL;
	r->n_rows = 0;
}

const char *compare_method_sentence(void)
{
	return "change = Hodges-Lehmann shift of wall time (median of all current - base "
	       "differences) with a 95% Mann-Whitney interval (exact for n <= 50 per run, normal "
	       "approximation above); the runs are independent samples; a change needs its "
	       "Benjamini-Hochberg q < 0.05 over the rows; a regression's lower bound must exceed "
	       "the two runs' own drift (first-half to second-half shift) added up, and with "
	       "several "
	       "runs on a side the range of that side's per-run medians; a row is unreliable when "
	       "either run's stdev exceeds 10% of its mean (pyperf) or the machine state differs";
}

/* "base run unstable: stdev 14.2% of the mean", or with replicates "base runs unstable: stdev
 * 14.2% of the mean (the median of 3 runs)". */
static void unstable_phrase(struct strbuf *sb, const char *side, double cv, size_t n_runs)
{
	strbuf_addf(sb, "%s%s run%s unstable: stdev %.1f%% of the mean", sb->len ? "; " : "", side,
	            n_runs > 1 ? "s" : "", cv * 100);
	if (n_runs > 1)
		strbuf_addf(sb, " (the median of %zu runs)", n_runs);
}

int compare_unreliable_format(const struct compare_row *row, const char *machine_reasons, char *buf,
                              size_t size)
{
	struct strbuf sb;
	strbuf_init(&sb);
	if (row->unreliable & COMPARE_UNSTABLE_BASE)
		unstable_phrase(&sb, "base", row->shift.cv_base, row->n_runs_base);
	if (row->unreliable & COMPARE_UNSTABLE_CURRENT)
		unstable_phrase(&sb, "current", row->shift.cv_cur, row->n_runs_cur);
	if (row->unreliable & COMPARE_MACHINE_DIFFERS)
		strbuf_addf(&sb, "%smachine state differs: %s", sb.len ? "; " : "",
		            machine_reasons ? machine_reasons : "see above");
	int len = snprintf(buf, size, "%s", sb.buf);
	strbuf_release(&sb);
	return len;
}

static void count_phrase(struct strbuf *sb, size_t n, const char *what)
{
	if (n)
		strbuf_addf(sb, "%s%zu %s", sb->len ? ", " : "", n, what);
}

int compare_summary_sentence(const struct compare_result *r, char *buf, size_t size)
{
	struct strbuf list;
	strbuf_init(&list);
	size_t reliable_regressions = r->n_regressions - r->n_unreliable_regressions;
	count_phrase(&list, r->n_regressions, r->n_regressions == 1 ? "regression" : "regressions");
	count_phrase(&list, r->n_improvements,
	             r->n_improvements == 1 ? "improvement" : "improvements");
	count_phrase(&list, r->n_within, "within the threshold");
	count_phrase(&list, r->n_no_change, "no detectable change");
	count_phrase(&list, r->n_not_significant, "not significant after Benjamini-Hochberg");
	count_phrase(&list, r->n_within_drift, "within the runs' own drift");
	count_phrase(&list, r->n_within_runs, "within run-to-run variation");
	count_phrase(&list, r->n_inconclusive, "inconclusive (too few samples for a 95% interval)");
	const char *head = reliable_regressions          ? "regression"
	                   : r->n_unreliable_regressions ? "no reliable regression"
	                                                 : "no regression";
	int len;
	if (reliable_regressions)
		len = snprintf(
		    buf, size,
		    "%s: %zu of %zu rows slower by more than %g%% with an interval above "
		    "zero, q < %g and both runs reliable (%s)",
		    head, reliable_regressions, r->n_rows, r->max_pct, STATS_FDR_Q, list.buf);
	else
		len = snprintf(buf, size, "%s: %zu rows compared (%s)", head, r->n_rows,
		               r->n_rows ? list.buf : "none");
	if (r->n_unreliable && len >= 0 && (size_t)len < size)
		len +=
		    snprintf(buf + len, size - (size_t)len, "; %zu of %zu rows unreliable%s",
		             r->n_unreliable, r->n_rows,
		             r->n_unreliable_regressions
		                 ? ", their regressions not counted (--fail-on-unreliable counts "
		                   "them)"
		                 : "");
	strbuf_release(&list);
	return len;
}

int compare_replicate_note(const struct compare_result *r, char *buf, size_t size)
{
	if (r->n_base_runs < 2 && r->n_cur_runs < 2)
		return snprintf(
		    buf, size,
		    "one run per side: run-level shifts (measured up to 34%% on an idle "
		    "machine) cannot be told from regressions; give >= 2 runs per side or "
		    "use a paired run");
	if (r->n_base_runs < 2 || r->n_cur_runs < 2)
		return snprintf(
		    buf, size,
		    "one %s run: its own run-level shift (measured up to 34%% on an idle "
		    "machine) cannot be told from a regression, only the other side's "
		    "run-to-run variation is; give >= 2 runs per side",
		    r->n_base_runs < 2 ? "base" : "current");
	return snprintf(buf, size, "%s", "");
}

bool compare_fails(const struct compare_result *r, bool fail_on_unreliable)
{
	return r->n_regressions > r->n_unreliable_regressions ||
	       (fail_on_unreliable && r->n_unreliable > 0);
}

int compare_change_format(const struct compare_shift *s, char *buf, size_t size)
{
	char est[80], lo[80], hi[80], pct[80], plo[80], phi[80];
	format_signed(est, sizeof(est), s->estimate, 3, true);
	format_signed(lo, sizeof(lo), s->lo, 3, false);
	format_signed(hi, sizeof(hi), s->hi, 3, false);
	format_signed(pct, sizeof(pct), s->rel_pct, 1, true);
	format_signed(plo, sizeof(plo), s->rel_lo, 1, false);
	format_signed(phi, sizeof(phi), s->rel_hi, 1, false);
	int len = snprintf(buf, size, "%s ms [%s, %s] (%s%% [%s, %s])", est, lo, hi, pct, plo, phi);
	if (s->method == COMPARE_CI_NONE)
		return snprintf(buf, size, "n/a (a run has no valid sample)");
	if (s->method != COMPARE_CI_NONE && !(s->conf_achieved >= s->conf - 1e-12) && len >= 0 &&
	    (size_t)len < size)
		len += snprintf(buf + len, size - (size_t)len,
		                " (%.1f%% interval: %zu and %zu samples "
		                "cannot reach %g%%)",
		                s->conf_achieved * 100.0, s->n_base, s->n_cur, s->conf * 100.0);
	return len;
}

static struct json_object *json_numbers(const double *x, size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_number_or_null(x[i]));
	return a;
}

static const char *const method_names[] = {"none", "exact Mann-Whitney",
                                           "normal approximation of Mann-Whitney"};

static const char *method_name(enum compare_ci_method m)
{
	return method_names[m];
}

struct json_object *compare_result_to_json(const struct compare_result *r)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("tare.compare.v1"));
	json_object_object_add(o, "method", json_object_new_string(compare_method_sentence()));
	json_object_object_add(o, "max_regression_pct", json_object_new_double(r->max_pct));
	struct json_object *rows = json_object_new_array();
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct compare_row *row = &r->rows[i];
		const struct compare_shift *s = &row->shift;
		struct json_object *x = json_object_new_object();
		json_object_object_add(x, "cell", json_object_new_string(row->cell));
		json_object_object_add(x, "arm", json_object_new_string(row->arm));
		json_object_object_add(x, "n_base", json_object_new_int64((int64_t)s->n_base));
		json_object_object_add(x, "n_current", json_object_new_int64((int64_t)s->n_cur));
		json_object_object_add(x, "base_median_ms", json_number_or_null(s->median_base));
		json_object_object_add(x, "current_median_ms", json_number_or_null(s->median_cur));
		json_object_object_add(x, "shift_ms", json_number_or_null(s->estimate));
		json_object_object_add(x, "ci_ms", json_interval(s->lo, s->hi));
		json_object_object_add(x, "rel_pct", json_number_or_null(s->rel_pct));
		json_object_object_add(x, "rel_ci_pct", json_interval(s->rel_lo, s->rel_hi));
		json_object_object_add(x, "conf", json_number_or_null(s->conf));
		json_object_object_add(x, "conf_achieved", json_number_or_null(s->conf_achieved));
		json_object_object_add(x, "ci_method",
		                       json_object_new_string(method_name(s->method)));
		json_object_object_add(x, "p_value", json_number_or_null(s->p_value));
		json_object_object_add(x, "q_value", json_number_or_null(row->q_value));
		json_object_object_add(x, "cv_base", json_number_or_null(s->cv_base));
		json_object_object_add(x, "cv_current", json_number_or_null(s->cv_cur));
		json_object_object_add(x, "drift_base_ms", json_number_or_null(row->drift_base));
		json_object_object_add(x, "drift_current_ms", json_number_or_null(row->drift_cur));
		json_object_object_add(x, "runs_base",
		                       json_object_new_int64((int64_t)row->n_runs_base));
		json_object_object_add(x, "runs_current",
		                       json_object_new_int64((int64_t)row->n_runs_cur));
		json_object_object_add(x, "run_medians_base_ms",
		                       json_numbers(row->run_medians_base, row->n_runs_base));
		json_object_object_add(x, "run_medians_current_ms",
		                       json_numbers(row->run_medians_cur, row->n_runs_cur));
		json_object_object_add(x, "run_to_run_ms", json_number_or_null(row->run_spread));
		json_object_object_add(x, "run_to_run_estimated",
		                       json_object_new_boolean(!isnan(row->run_spread)));
		json_object_object_add(x, "status",
		                       json_object_new_string(compare_status_name(row->status)));
		json_object_object_add(x, "reliable",
		                       json_object_new_boolean(row->unreliable == 0));
		char why[1024];
		compare_unreliable_format(row, r->machine_reasons, why, sizeof(why));
		json_object_object_add(x, "unreliable_because",
		                       row->unreliable ? json_object_new_string(why) : NULL);
		json_object_array_add(rows, x);
	}
	json_object_object_add(o, "rows", rows);
	json_object_object_add(o, "regressions", json_object_new_int64((int64_t)r->n_regressions));
	json_object_object_add(
	    o, "reliable_regressions",
	    json_object_new_int64((int64_t)(r->n_regressions - r->n_unreliable_regressions)));
	json_object_object_add(o, "unreliable_regressions",
	                       json_object_new_int64((int64_t)r->n_unreliable_regressions));
	json_object_object_add(o, "improvements",
	                       json_object_new_int64((int64_t)r->n_improvements));
	json_object_object_add(o, "within_drift",
	                       json_object_new_int64((int64_t)r->n_within_drift));
	json_object_object_add(o, "within_run_to_run",
	                       json_object_new_int64((int64_t)r->n_within_runs));
	json_object_object_add(o, "runs_base", json_object_new_int64((int64_t)r->n_base_runs));
	json_object_object_add(o, "runs_current", json_object_new_int64((int64_t)r->n_cur_runs));
	char note[512];
	compare_replicate_note(r, note, sizeof(note));
	json_object_object_add(o, "replicate_note", note[0] ? json_object_new_string(note) : NULL);
	json_object_object_add(o, "unreliable", json_object_new_int64((int64_t)r->n_unreliable));
	json_object_object_add(o, "machine_differs",
	                       r->machine_reasons ? json_object_new_string(r->machine_reasons)
	                                          : NULL);
	struct json_object *mult = json_object_new_object();
	json_object_object_add(
	    mult, "method",
	    json_object_new_string("Benjamini-Hochberg over the rows whose interval reached 95% "
	                           "(Mann-Whitney p-values)"));
	json_object_object_add(mult, "family", json_object_new_int64((int64_t)r->family));
	json_object_object_add(mult, "q_threshold", json_object_new_double(STATS_FDR_Q));
	json_object_object_add(o, "multiplicity", mult);
	char sentence[1024];
	compare_summary_sentence(r, sentence, sizeof(sentence));
	json_object_object_add(o, "sentence", json_object_new_string(sentence));
	return o;
}
