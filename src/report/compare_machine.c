/* Machine state from provenance, and when two runs' states differ. */
#include "report/compare_machine.h"

#include "util/strbuf.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static char *string_or_null(struct json_object *v)
{
	return v && json_object_is_type(v, json_type_string) ? xstrdup(json_object_get_string(v))
	                                                     : NULL;
}

static double load1(struct json_object *a)
{
	if (!a || !json_object_is_type(a, json_type_array) || json_object_array_length(a) < 1)
		return NAN;
	struct json_object *v = json_object_array_get_idx(a, 0);
	return v && (json_object_is_type(v, json_type_double) ||
	             json_object_is_type(v, json_type_int))
	           ? json_object_get_double(v)
	           : NAN;
}

void compare_machine_read(struct json_object *provenance, struct compare_machine *out)
{
	out->host_class = string_or_null(get(provenance, "host_class"));
	out->governor = string_or_null(get(provenance, "cpu_governor"));
	struct json_object *smt = get(provenance, "smt_active");
	out->smt =
	    smt && json_object_is_type(smt, json_type_boolean) ? json_object_get_boolean(smt) : -1;
	double a = load1(get(provenance, "load_start")), b = load1(get(provenance, "load_end"));
	out->load = isnan(a) ? b : isnan(b) ? a : fmax(a, b);
	struct json_object *other = get(provenance, "other_cpu_fraction");
	out->other_cpu = other && (json_object_is_type(other, json_type_double) ||
	                           json_object_is_type(other, json_type_int))
	                     ? json_object_get_double(other)
	                     : NAN;
	out->cores = 0;
	const char *dash = out->host_class ? strrchr(out->host_class, '-') : NULL;
	if (dash) {
		char *end = NULL;
		long c = strtol(dash + 1, &end, 10);
		if (end && *end == '\0' && c > 0)
			out->cores = c;
	}
}

void compare_machine_release(struct compare_machine *m)
{
	free(m->host_class);
	free(m->governor);
	m->host_class = m->governor = NULL;
}

static void sep(struct strbuf *sb)
{
	if (sb->len)
		strbuf_addstr(sb, "; ");
}

static bool str_differs(const char *a, const char *b)
{
	if (!a && !b)
		return false;
	return !a || !b || strcmp(a, b) != 0;
}

static double per_core(const struct compare_machine *m)
{
	return m->cores > 0 ? m->load / (double)m->cores : m->load;
}

/* The load average lags (its 1-minute figure weighs the last minute, and a hog started during
 * a 15 s run barely moves it) and counts the run's own threads; the CPU time outside the run,
 * measured over the run itself, has neither fault. */
static void other_cpu_differences(struct strbuf *sb, double b, double c)
{
	if (fabs(b - c) > COMPARE_OTHER_CPU_DIFF) {
		sep(sb);
		strbuf_addf(
		    sb,
		    "other CPU %.2f of the machine in the base run, %.2f in the current one "
		    "(differs by more than %.2f)",
		    b, c, COMPARE_OTHER_CPU_DIFF);
	}
	static const char *const which[] = {"base", "current"};
	double v[] = {b, c};
	for (int i = 0; i < 2; i++)
		if (v[i] > COMPARE_OTHER_CPU_BUSY) {
			sep(sb);
			strbuf_addf(sb, "the %s run's machine was busy (other CPU %.2f > %.2f)",
			            which[i], v[i], COMPARE_OTHER_CPU_BUSY);
		}
}

char *compare_machine_differences(const struct compare_machine *base,
                                  const struct compare_machine *cur)
{
	struct strbuf sb;
	strbuf_init(&sb);
	if (str_differs(base->host_class, cur->host_class)) {
		sep(&sb);
		strbuf_addf(&sb, "host class '%s' in the base run, '%s' in the current one",
		            base->host_class ? base->host_class : "unknown",
		            cur->host_class ? cur->host_class : "unknown");
	}
	if (str_differs(base->governor, cur->governor)) {
		sep(&sb);
		strbuf_addf(&sb, "cpu governor '%s' in the base run, '%s' in the current one",
		            base->governor ? base->governor : "unknown",
		            cur->governor ? cur->governor : "unknown");
	}
	if (base->smt != cur->smt) {
		static const char *const smt[] = {"unknown", "off", "on"};
		sep(&sb);
		strbuf_addf(&sb, "SMT %s in the base run, %s in the current one",
		            smt[base->smt + 1], smt[cur->smt + 1]);
	}
	double lb = per_core(base), lc = per_core(cur);
	if (!isnan(base->other_cpu) && !isnan(cur->other_cpu)) {
		other_cpu_differences(&sb, base->other_cpu, cur->other_cpu);
	} else if (isnan(lb) != isnan(lc)) {
		sep(&sb);
		strbuf_addf(&sb, "load average unknown for the %s run",
		            isnan(lb) ? "base" : "current");
	} else if (!isnan(lb)) {
		if (fabs(lb - lc) > COMPARE_LOAD_DIFF_PER_CORE) {
			sep(&sb);
			strbuf_addf(&sb,
			            "load %.2f per core in the base run, %.2f in the current one "
			            "(differs by more than %.2f)",
			            lb, lc, COMPARE_LOAD_DIFF_PER_CORE);
		}
		static const char *const which[] = {"base", "current"};
		double l[] = {lb, lc};
		for (int i = 0; i < 2; i++)
			if (l[i] > COMPARE_LOAD_BUSY_PER_CORE) {
				sep(&sb);
				strbuf_addf(
				    &sb,
				    "the %s run's machine was busy (load %.2f per core > %.2f)",
				    which[i], l[i], COMPARE_LOAD_BUSY_PER_CORE);
			}
	}
	if (sb.len == 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}
