/* Numbers as people read them in reports: signed with a real minus sign, and JSON numbers that
 * turn undefined statistics into null. */
#ifndef TARE_UTIL_NUMBER_FORMAT_H
#define TARE_UTIL_NUMBER_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* "+1.23", "−0.40" (U+2212), "0.00" (a value that rounds to zero carries no sign), "n/a" for NaN;
 * plus asks for '+' on positive values. */
void format_signed(char *buf, size_t size, double v, int decimals, bool plus);

/* The same with an ASCII '-' for negative values: for terminals and Markdown that people copy
 * numbers from. */
void format_signed_ascii(char *buf, size_t size, double v, int decimals, bool plus);

/* Digits after the point that an interval [lo, hi] supports: its width to three significant
 * digits (a width of 1.31 gives 2, of 0.05 gives 4, of 230 gives 0), between 0 and 6; 2 when the
 * width is zero or not finite. More would be noise, fewer would hide the interval's own size. */
int decimals_for_interval(double lo, double hi);

/* Milliseconds for a table column: "12.345" (three decimals), or "n/a" for NaN. Returns buf. */
char *format_ms(char *buf, size_t size, double v);

/* A JSON number, or NULL (JSON null) when v is not finite: JSON has no NaN. */
struct json_object *json_number_or_null(double v);

/* [lo, hi] as a JSON array of two json_number_or_null values. */
struct json_object *json_interval(double lo, double hi);

#endif
