/* Two independent runs compared: Hodges–Lehmann shift with a Mann–Whitney interval per cell and
 * arm, the regression rule, and the refusal to compare runs of different matrices or hosts. */
#include "report/compare.h"

#include "stats/describe.h"
#include "stats/dist.h"
#include "util/number_format.h"
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
	out->median_base = out->median_cur = out->estimate = NAN;
	out->lo = out->hi = out->conf_achieved = NAN;
	out->rel_pct = out->rel_lo = out->rel_hi = NAN;
	out->k = 0;
	out->method = COMPARE_CI_NONE;
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

static const char *const status_names[] = {"no detectable change", "within threshold", "regression",
                                           "improvement"};

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

int compare_runs(const struct matrix *base, const size_t *base_cells, size_t n_base_cells,
                 const struct sample *base_samples, size_t n_base_samples,
                 const struct sample *cur_samples, size_t n_cur_samples, double max_pct,
                 struct compare_result *out, struct diag_list *d)
{
	memset(out, 0, sizeof(*out));
	out->max_pct = max_pct;
	double *a = xmalloc((n_base_samples + 1) * sizeof(*a));
	double *b = xmalloc((n_cur_samples + 1) * sizeof(*b));
	size_t cap = 0;
	for (size_t c = 0; c < n_base_cells; c++)
		cap += base->cells[base_cells[c]].n_compare;
	out->rows = xcalloc(cap + 1, sizeof(*out->rows));
	int rc = 0;
	for (size_t c = 0; c < n_base_cells && rc == 0; c++) {
		const struct matrix_cell *cell = &base->cells[base_cells[c]];
		for (size_t k = 0; k < cell->n_compare; k++) {
			const char *arm = base->arms[cell->compare[k]].name;
			size_t m = arm_walls(base_samples, n_base_samples, cell->name, arm, a);
			size_t n = arm_walls(cur_samples, n_cur_samples, cell->name, arm, b);
			if (m == 0 || n == 0)
				continue;
			struct compare_row *row = &out->rows[out->n_rows];
			row->cell = cell->name;
			row->arm = arm;
			if (compare_shift(a, m, b, n, COMPARE_CONF, &row->shift) < 0) {
				rc = diag_error(
				    d, "compare.statistics", NULL,
				    "cannot compare cell '%s' arm '%s': %zu × %zu samples "
				    "exceed the limit or a wall time is not finite",
				    cell->name, arm, m, n);
				break;
			}
			row->status = compare_classify(&row->shift, max_pct);
			out->n_regressions += row->status == COMPARE_REGRESSION;
			out->n_improvements += row->status == COMPARE_IMPROVEMENT;
			out->n_rows++;
		}
	}
	free(a);
	free(b);
	if (rc < 0)
		compare_result_release(out);
	return rc;
}

void compare_result_release(struct compare_result *r)
{
	free(r->rows);
	r->rows = NULL;
	r->n_rows = 0;
}

const char *compare_method_sentence(void)
{
	return "change = Hodges-Lehmann shift of wall time (median of all current - base "
	       "differences) with a 95% Mann-Whitney interval (exact for n <= 50 per run, normal "
	       "approximation above); the runs are independent samples";
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
	if (s->method != COMPARE_CI_NONE && !(s->conf_achieved >= s->conf - 1e-12) && len >= 0 &&
	    (size_t)len < size)
		len += snprintf(buf + len, size - (size_t)len,
		                " (%.1f%% interval: %zu and %zu samples "
		                "cannot reach %g%%)",
		                s->conf_achieved * 100.0, s->n_base, s->n_cur, s->conf * 100.0);
	return len;
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
		json_object_object_add(x, "status",
		                       json_object_new_string(compare_status_name(row->status)));
		json_object_array_add(rows, x);
	}
	json_object_object_add(o, "rows", rows);
	json_object_object_add(o, "regressions", json_object_new_int64((int64_t)r->n_regressions));
	json_object_object_add(o, "improvements",
	                       json_object_new_int64((int64_t)r->n_improvements));
	return o;
}
