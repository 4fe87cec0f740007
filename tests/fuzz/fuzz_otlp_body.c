/* libFuzzer target: what the OTLP receiver does with a request body (src/otlp/): gzip inflation
 * within a bound, the strict OTLP/JSON parse, the per-entry walk and the tare.dispatch attribute.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "otlp/dispatch_attr.h"
#include "otlp/gunzip.h"
#include "otlp/traces.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* Small, so that an input inflating past it is found quickly and costs little. */
#define FUZZ_MAX_INFLATED (1u << 20)

static void read_body(const char *buf, size_t len)
{
	struct diag_list d;
	diag_list_init(&d);
	struct json_object *root = NULL;
	int rc = otlp_traces_parse("fuzz", 1, buf, len, &root, &d);
	/* the header's contract: -1 exactly when it reported an error, and then no tree */
	if ((rc < 0) != (diag_error_count(&d) > 0) || (rc < 0 && root))
		__builtin_trap();
	if (rc == 0) {
		struct otlp_resource_spans *entries = NULL;
		size_t n = 0;
		rc = otlp_traces_walk("fuzz", 1, root, &entries, &n, &d);
		if ((rc < 0) != (diag_error_count(&d) > 0) || (rc < 0 && (entries || n)))
			__builtin_trap();
		for (size_t i = 0; i < n; i++) {
			/* a span's events are counted in the totals of the entry that holds it */
			if (entries[i].totals.events_retained > 0 && entries[i].totals.spans == 0)
				__builtin_trap();
			uint64_t dispatch = 0;
			const char *why = NULL;
			if (otlp_dispatch_attr_read(entries[i].entry, &dispatch, &why) ==
			        OTLP_DISPATCH_INVALID &&
			    !why)
				__builtin_trap();
		}
		free(entries);
	}
	json_object_put(root);
	diag_list_release(&d);
}

/* A body starting with gzip's magic bytes is inflated first, as a Content-Encoding: gzip body
 * is; every input is also read as it is. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_body((const char *)data, size);
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		struct strbuf out;
		strbuf_init(&out);
		const char *why = NULL;
		enum otlp_gunzip_result g = otlp_gunzip(data, size, FUZZ_MAX_INFLATED, &out, &why);
		if (out.len > FUZZ_MAX_INFLATED || (g == OTLP_GUNZIP_BAD && !why))
			__builtin_trap();
		if (g == OTLP_GUNZIP_OK)
			read_body(out.buf, out.len);
		strbuf_release(&out);
	}
	return 0;
}
