/* A provenance value (summary.json's provenance block) as plain text, for summary.md and
 * report.html. */
#ifndef TARE_REPORT_PROVENANCE_TEXT_H
#define TARE_REPORT_PROVENANCE_TEXT_H

struct json_object;
struct strbuf;

/* Appends v as plain, unescaped text: strings as they are, booleans yes/no, numbers with two
 * decimals, arrays joined with ", ", objects as "key value; key value", NULL or null "unknown".
 * The caller escapes the result for its format. */
void provenance_text(struct strbuf *out, struct json_object *v);

#endif
