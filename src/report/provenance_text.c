/* A provenance value as plain text: one rendering for the Markdown and the HTML report. */
#include "report/provenance_text.h"

#include "util/strbuf.h"

#include <json-c/json.h>

void provenance_text(struct strbuf *out, struct json_object *v)
{
	if (!v || json_object_is_type(v, json_type_null)) {
		strbuf_addstr(out, "unknown");
	} else if (json_object_is_type(v, json_type_boolean)) {
		strbuf_addstr(out, json_object_get_boolean(v) ? "yes" : "no");
	} else if (json_object_is_type(v, json_type_double)) {
		strbuf_addf(out, "%.2f", json_object_get_double(v));
	} else if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			if (i)
				strbuf_addstr(out, ", ");
			provenance_text(out, json_object_array_get_idx(v, i));
		}
	} else if (json_object_is_type(v, json_type_object)) {
		const char *sep = "";
		json_object_object_foreach(v, k, sub)
		{
			strbuf_addf(out, "%s%s ", sep, k);
			provenance_text(out, sub);
			sep = "; ";
		}
	} else {
		strbuf_addstr(out, json_object_get_string(v));
	}
}
