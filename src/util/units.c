/* Parsing durations and byte sizes written by people. */
#include "util/units.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

int parse_duration_ms(const char *s, int64_t *out_ms)
{
	if (!*s)
		return -1;
	int64_t total = 0;
	const char *p = s;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		int64_t n = 0;
		while (isdigit((unsigned char)*p)) {
			if (n > (INT64_MAX - 9) / 10)
				return -1;
			n = n * 10 + (*p++ - '0');
		}
		int64_t unit;
		if (strncmp(p, "ms", 2) == 0) {
			unit = 1;
			p += 2;
		} else if (*p == 's') {
			unit = 1000;
			p++;
		} else if (*p == 'm') {
			unit = 60 * 1000;
			p++;
		} else if (*p == 'h') {
			unit = 3600 * 1000;
			p++;
		} else {
			return -1;
		}
		if (n > (INT64_MAX - total) / unit)
			return -1;
		total += n * unit;
	}
	*out_ms = total;
	return 0;
}

int parse_size_bytes(const char *s, uint64_t *out)
{
	const char *p = s;
	uint64_t whole = 0, frac = 0, frac_scale = 1;
	if (!isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		if (whole > (UINT64_MAX - 9) / 10)
			return -1;
		whole = whole * 10 + (uint64_t)(*p++ - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			if (frac_scale > UINT64_MAX / 100)
				return -1; /* more fraction digits than any unit can make whole */
			frac = frac * 10 + (uint64_t)(*p++ - '0');
			frac_scale *= 10;
		}
	}
	if (*p == ' ')
		p++;
	static const struct {
		const char *name;
		uint64_t mult;
	} units[] = {
	    {"", 1},
	    {"B", 1},
	    {"KiB", 1024ULL},
	    {"MiB", 1024ULL * 1024},
	    {"GiB", 1024ULL * 1024 * 1024},
	    {"KB", 1000ULL},
	    {"MB", 1000ULL * 1000},
	    {"GB", 1000ULL * 1000 * 1000},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].name) != 0)
			continue;
		uint64_t mult = units[i].mult;
		if (whole > UINT64_MAX / mult)
			return -1;
		/* the fraction must come out as whole bytes: 1.5KiB is 1536, 1.3B is an error */
		if (frac && (mult > UINT64_MAX / frac || (frac * mult) % frac_scale != 0))
			return -1;
		uint64_t frac_bytes = frac * mult / frac_scale;
		if (whole * mult > UINT64_MAX - frac_bytes)
			return -1;
		*out = whole * mult + frac_bytes;
		return 0;
	}
	return -1;
}

void format_duration_ms(int64_t ms, char *buf, unsigned long size)
{
	if (ms < 1000) {
		snprintf(buf, size, "%lldms", (long long)ms);
		return;
	}
	long long s = (long long)(ms / 1000);
	long long h = s / 3600, m = (s / 60) % 60, sec = s % 60;
	if (h)
		snprintf(buf, size, sec ? "%lldh%lldm%llds" : "%lldh%lldm", h, m, sec);
	else if (m)
		snprintf(buf, size, sec ? "%lldm%llds" : "%lldm", m, sec);
	else
		snprintf(buf, size, "%llds", sec);
}
