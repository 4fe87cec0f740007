/* What report.html's pages share: the document shell and style sheet, sections, the provenance
 * table, interval formatting and the per-arm values the plots are drawn from. */
#include "report/html_page.h"

#include "report/provenance_text.h"

#include "report/svg.h"
#include "util/number_format.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* One style sheet for every page, inline: the file must read the same offline, in a mail
 * attachment or a CI artifact viewer. Colours are the Okabe–Ito set (safe for colour-blind
 * readers) for arms, and red/amber/green only where a verdict is meant. */
static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
    "color:#1f2328;background:#fff;margin:0;line-height:1.45}\n"
    "main{max-width:920px;margin:0 auto;padding:20px 24px 48px}\n"
    "h1{font-size:1.6em;margin:0.2em 0 0.1em}h2{font-size:1.25em;margin:1.8em 0 0.4em;"
    "padding-bottom:0.2em;border-bottom:1px solid #d0d7de}h3{font-size:1.02em;margin:1.2em 0 "
    "0.2em}\n"
    "p{margin:0.4em 0}.sub{color:#57606a;margin-top:0}.intro{color:#424a53;font-size:0.93em}\n"
    ".boundary{font-size:1.1em;font-weight:600;padding:10px 14px;border-left:4px solid #0969da;"
    "background:#f6f8fa}\n"
    ".warning{padding:8px 14px;border-left:4px solid #bf8700;background:#fff8c5}\n"
    "table{border-collapse:collapse;font-size:0.92em;margin:0.6em 0;max-width:100%}"
    "th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #d8dee4;vertical-align:top;"
    "overflow-wrap:anywhere}"
    "th{background:#f6f8fa;white-space:nowrap;overflow-wrap:normal}td:first-child{white-space:"
    "nowrap}td.num{font-variant-numeric:tabular-"
    "nums;white-space:nowrap}\n"
    ".badge{display:inline-block;padding:1px "
    "8px;border-radius:10px;font-size:0.85em;white-space:nowrap;"
    "font-weight:600;color:#fff;background:#57606a}\n"
    ".badge.healthy{background:#1a7f37}.badge.lossy{background:#9a6700}"
    ".badge.unhealthy,.badge.uncalibrated{background:#cf222e}.badge.inconclusive{background:#"
    "6e7781}"
    ".badge.regression{background:#cf222e}.badge.improvement{background:#1a7f37}\n"
    ".legend{font-size:0.9em;color:#424a53}.key{display:inline-block;width:10px;height:10px;"
    "border-radius:5px;margin:0 5px 0 12px}\n"
    ".key.s0{background:#0072b2}.key.s1{background:#e69f00}.key.s2{background:#009e73}"
    ".key.s3{background:#cc79a7}.key.s4{background:#56b4e9}.key.s5{background:#d55e00}"
    ".key.s6{background:#f0e442}.key.s7{background:#000}\n"
    ".key.match{background:#1a7f37}.key.clipped{background:#bf8700}.key.drift{background:#cf222e}"
    ".key.failed{background:#82071e}\n"
    "svg.plot{display:block;max-width:100%;height:auto;margin:0.3em 0 0.6em}\n"
    "svg text{font-family:inherit;fill:#1f2328}"
    "svg .tick{font-size:11px;fill:#57606a}svg .label{font-size:12px;fill:#424a53}"
    "svg .row{font-size:13px;font-weight:600}svg .detail{font-size:11px;fill:#57606a}"
    "svg .note{font-size:12px;font-variant-numeric:tabular-nums}"
    "svg .point{font-size:12px}svg .empty{font-size:12px;fill:#6e7781;font-style:italic}"
    "svg .limit-label{font-size:10px;fill:#9a6700}\n"
    "svg .grid{stroke:#eaeef2}svg .axis{stroke:#8c959f}"
    "svg .zero{stroke:#424a53;stroke-dasharray:4 3}svg .mde{fill:#0969da;fill-opacity:0.1}"
    "svg .target{stroke:#1a7f37;stroke-width:1.5}"
    "svg .limit{stroke:#bf8700;stroke-width:1.5;stroke-dasharray:3 3}\n"
    "svg .box{fill:#f6f8fa;stroke:#8c959f}svg .median{stroke:#1f2328;stroke-width:2}"
    "svg .band{fill:#0969da;fill-opacity:0.12}svg .fit{stroke:#0969da;stroke-width:2}\n"
    "svg .ci{stroke-width:2;stroke:#57606a}svg .est{stroke:#fff;stroke-width:1;fill:#57606a}\n"
    "svg .higher,svg .regression{stroke:#cf222e}svg .est.higher,svg .est.regression"
    "{fill:#cf222e;stroke:#fff}"
    "svg .lower,svg .improvement{stroke:#1a7f37}svg .est.lower,svg .est.improvement"
    "{fill:#1a7f37;stroke:#fff}"
    "svg .within{stroke:#9a6700}svg .est.within{fill:#9a6700;stroke:#fff}\n"
    "svg .dot{fill-opacity:0.8;stroke:#fff;stroke-width:0.5}"
    "svg .series{fill:none;stroke-width:2}svg .whisker{stroke-width:1.5;stroke-opacity:0.6}\n"
    "svg .s0{fill:#0072b2;stroke:#0072b2}svg .s1{fill:#e69f00;stroke:#e69f00}"
    "svg .s2{fill:#009e73;stroke:#009e73}svg .s3{fill:#cc79a7;stroke:#cc79a7}"
    "svg .s4{fill:#56b4e9;stroke:#56b4e9}svg .s5{fill:#d55e00;stroke:#d55e00}"
    "svg .s6{fill:#f0e442;stroke:#f0e442}svg .s7{fill:#000;stroke:#000}"
    "svg .series.s0,svg .series.s1,svg .series.s2,svg .series.s3,svg .series.s4,"
    "svg .series.s5,svg .series.s6,svg .series.s7{fill:none}"
    "svg .dot{stroke:#fff}\n"
    "svg .fid{stroke:#fff;stroke-width:0.5}svg .fid.match{fill:#1a7f37}"
    "svg .fid.clipped{fill:#bf8700}svg .fid.drift{fill:#cf222e}svg .fid.failed{fill:#82071e}\n"
    "@media print{main{max-width:none}}\n";

void html_page_begin(struct strbuf *out, const char *title)
{
	strbuf_addstr(out,
	              "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
	              "<meta name=\"viewport\" content=\"width=device-width, "
	              "initial-scale=1\"/>\n<title>");
	svg_escape(out, title);
	strbuf_addstr(out, "</title>\n<style>\n");
	strbuf_addstr(out, style);
	strbuf_addstr(out, "</style>\n</head>\n<body>\n<main>\n<h1>");
	svg_escape(out, title);
	strbuf_addstr(out, "</h1>\n");
}

void html_page_end(struct strbuf *out)
{
	strbuf_addstr(out, "</main>\n</body>\n</html>\n");
}

void html_section_begin(struct strbuf *out, const char *id, const char *title, const char *intro)
{
	strbuf_addstr(out, "<section id=\"");
	svg_escape(out, id);
	strbuf_addstr(out, "\">\n<h2>");
	svg_escape(out, title);
	strbuf_addstr(out, "</h2>\n");
	if (intro)
		html_paragraph(out, "intro", intro);
}

void html_section_end(struct strbuf *out)
{
	strbuf_addstr(out, "</section>\n");
}

void html_paragraph(struct strbuf *out, const char *cls, const char *text)
{
	strbuf_addstr(out, "<p");
	if (cls) {
		strbuf_addstr(out, " class=\"");
		svg_escape(out, cls);
		strbuf_addch(out, '"');
	}
	strbuf_addch(out, '>');
	svg_escape(out, text);
	strbuf_addstr(out, "</p>\n");
}

void html_legend(struct strbuf *out, const char *const *names, size_t n)
{
	strbuf_addstr(out, "<p class=\"legend\">");
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(out, "<span class=\"key s%zu\"></span>", i % 8);
		svg_escape(out, names[i]);
	}
	strbuf_addstr(out, "</p>\n");
}

void html_provenance(struct strbuf *out, struct json_object *const *prov, const char *const *heads,
                     size_t n)
{
	struct json_object *keys = NULL;
	for (size_t i = 0; i < n && !keys; i++)
		if (prov[i] && json_object_is_type(prov[i], json_type_object))
			keys = prov[i];
	if (!keys) {
		html_paragraph(out, NULL, "no provenance recorded (the run has no summary.json)");
		return;
	}
	strbuf_addstr(out, "<table class=\"provenance\">\n<tr><th></th>");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(out, "<th>");
		svg_escape(out, heads[i]);
		strbuf_addstr(out, "</th>");
	}
	strbuf_addstr(out, "</tr>\n");
	json_object_object_foreach(keys, key, unused)
	{
		(void)unused;
		strbuf_addstr(out, "<tr><th>");
		svg_escape(out, key);
		strbuf_addstr(out, "</th>");
		for (size_t i = 0; i < n; i++) {
			struct json_object *v = NULL;
			if (prov[i])
				json_object_object_get_ex(prov[i], key, &v);
			strbuf_addstr(out, "<td>");
			struct strbuf text;
			strbuf_init(&text);
			provenance_text(&text, v);
			svg_escape(out, text.buf);
			strbuf_release(&text);
			strbuf_addstr(out, "</td>");
		}
		strbuf_addstr(out, "</tr>\n");
	}
	strbuf_addstr(out, "</table>\n");
}

int html_decimals_for(double width)
{
	if (!isfinite(width) || width <= 0.0)
		return 3;
	int d = 1 - (int)floor(log10(width));
	return d < 0 ? 0 : d > 3 ? 3 : d;
}

void html_format_interval(char *buf, size_t size, double est, double lo, double hi,
                          const char *unit)
{
	int dec = html_decimals_for(hi - lo);
	char e[64], l[64], h[64];
	format_signed(e, sizeof(e), est, dec, true);
	format_signed(l, sizeof(l), lo, dec, true);
	format_signed(h, sizeof(h), hi, dec, true);
	snprintf(buf, size, "%s %s [%s, %s]", e, unit, l, h);
}

size_t html_arm_values(const struct sample *const *cs, size_t n_cs, const char *arm,
                       double (*field)(const struct sample *), double *out, size_t *discarded)
{
	size_t k = 0;
	*discarded = 0;
	for (size_t i = 0; i < n_cs; i++) {
		if (cs[i]->phase != PHASE_MEASURE || strcmp(cs[i]->arm, arm) != 0)
			continue;
		double v = cs[i]->valid ? field(cs[i]) : NAN;
		/* a figure the run could not measure (NaN) is left out, as a discarded sample is */
		if (!isnan(v))
			out[k++] = v;
		else
			(*discarded)++;
	}
	return k;
}

double html_wall_ms(const struct sample *s)
{
	return (double)s->wall_ns / 1e6;
}

double html_memory_mib(const struct sample *s)
{
	return s->resources.memory_peak_kib < 0 ? NAN
	                                        : (double)s->resources.memory_peak_kib / 1024.0;
}
