/* Benjamini–Hochberg q-values. */
#include "stats/multiplicity.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>

struct indexed {
	double p;
	size_t i;
};

static int cmp_p(const void *pa, const void *pb)
{
	const struct indexed *a = pa, *b = pb;
	if (a->p != b->p)
		return (a->p > b->p) - (a->p < b->p);
	return (a->i > b->i) - (a->i < b->i); /* stable: equal p keep their order */
}

long stats_bh_qvalues(const double *p, size_t m, double *q)
{
	struct indexed *s = xmalloc((m ? m : 1) * sizeof(*s));
	size_t k = 0;
	for (size_t i = 0; i < m; i++) {
		if (isnan(p[i]))
			continue;
		if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
			free(s);
			return -1;
		}
		s[k].p = p[i];
		s[k].i = i;
		k++;
	}
	for (size_t i = 0; i < m; i++)
		if (isnan(p[i]))
			q[i] = NAN;
	qsort(s, k, sizeof(*s), cmp_p);
	/* step up from the largest p: the running minimum makes q monotone in p */
	double running = 1.0;
	for (size_t j = k; j-- > 0;) {
		double v = (double)k * s[j].p / (double)(j + 1);
		if (v < running)
			running = v;
		q[s[j].i] = running;
	}
	free(s);
	return (long)k;
}
