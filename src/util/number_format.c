/* Numbers as people read them in reports, and JSON numbers that are null when undefined. */
#include "util/number_format.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void format_with_minus(char *buf, size_t size, double v, int decimals, bool plus,
                              const char *minus)
{
	if (isnan(v)) {
		snprintf(buf, size, "n/a");
		return;
	}
	char digits[64];
	snprintf(digits, sizeof(digits), "%.*f", decimals, fabs(v));
	bool zero = strspn(digits, "0.") == strlen(digits);
	const char *sign = "";
	if (!zero && v < 0.0)
		sign = minus;
	else if (!zero && plus)
		sign = "+";
	snprintf(buf, size, "%s%s", sign, digits);
}

void format_signed(char *buf, size_t size, double v, int decimals, bool plus)
{
	format_with_minus(buf, size, v, decimals, plus, "\xe2\x88\x92"); /* U+2212 MINUS SIGN */
}

void format_signed_ascii(char *buf, size_t size, double v, int decimals, bool plus)
{
	format_with_minus(buf, size, v, decimals, plus, "-");
}

int decimals_for_interval(double lo, double hi)
{
	double width = hi - lo;
	if (!isfinite(width) || width <= 0.0)
		return 2;
	int d = 2 - (int)floor(log10(width));
	return d < 0 ? 0 : d > 6 ? 6 : d;
}

char *format_ms(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "n/a");
	else
		snprintf(buf, size, "%.3f", v);
	return buf;
}

struct json_object *json_number_or_null(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

struct json_object *json_interval(double lo, double hi)
{
	struct json_object *a = json_object_new_array();
	json_object_array_add(a, json_number_or_null(lo));
	json_object_array_add(a, json_number_or_null(hi));
	return a;
}
