/* The parts report.html's pages share: the document shell with its style sheet, sections, the
 * provenance table, number formatting for notes, and the per-arm values plots are drawn from. */
#ifndef TARE_REPORT_HTML_PAGE_H
#define TARE_REPORT_HTML_PAGE_H

#include <stddef.h>

#include "sample/sample.h"
#include "util/strbuf.h"

struct json_object;

/* Opens the document: doctype, <head> with the inline style sheet (no script, no font or any
 * other file from anywhere), and <body> with an <h1>. Everything escaped. */
void html_page_begin(struct strbuf *out, const char *title);
void html_page_end(struct strbuf *out);

/* <section id="id"><h2>title</h2> and, when intro is not NULL, a paragraph of it. */
void html_section_begin(struct strbuf *out, const char *id, const char *title, const char *intro);
void html_section_end(struct strbuf *out);

/* <p class="cls">text</p>, escaped. */
void html_paragraph(struct strbuf *out, const char *cls, const char *text);

/* A key for the arm colours of the plots: one swatch per name, colour s<i>. */
void html_legend(struct strbuf *out, const char *const *names, size_t n);

/* A table of one or more provenance objects side by side (columns headed by heads, rows by the
 * keys of the first object that has them); strings as they are, numbers plainly, arrays joined.
 * A NULL object is a column of "unknown". */
void html_provenance(struct strbuf *out, struct json_object *const *prov, const char *const *heads,
                     size_t n);

/* "+1.23 ms [−0.40, +2.10]" with as many decimals as the interval's width supports (at least 0,
 * at most 3), "n/a" parts for NaN. Appended to buf. */
void html_format_interval(char *buf, size_t size, double est, double lo, double hi,
                          const char *unit);

/* Digits after the point that a spread of this width supports: 2 significant digits of it. */
int html_decimals_for(double width);

/* The measured samples of one arm among a cell's samples: field of each valid one into out (in
 * record order), the invalid ones counted in *discarded. Returns how many values. out has room
 * for n_cs values. */
size_t html_arm_values(const struct sample *const *cs, size_t n_cs, const char *arm,
                       double (*field)(const struct sample *), double *out, size_t *discarded);

/* Fields for html_arm_values. */
double html_wall_ms(const struct sample *s);
double html_memory_mib(const struct sample *s);

#endif
