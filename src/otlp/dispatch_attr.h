/* Reading the tare.dispatch resource attribute that names the dispatch a resourceSpans entry
 * belongs to. */
#ifndef TARE_OTLP_DISPATCH_ATTR_H
#define TARE_OTLP_DISPATCH_ATTR_H

#include <stdint.h>

struct json_object;

enum otlp_dispatch_attr {
	OTLP_DISPATCH_FOUND,   /* *dispatch holds the index */
	OTLP_DISPATCH_ABSENT,  /* no resource, or no tare.dispatch among its attributes */
	OTLP_DISPATCH_INVALID, /* tare.dispatch is there but not a decimal index: *why says how */
};

/* Looks in entry (a resourceSpans object) at resource.attributes[] for the key
 * OTLP_DISPATCH_ATTRIBUTE whose value is {"stringValue": "<decimal>"} or {"intValue": <decimal
 * number or string>} (protobuf JSON writes 64-bit integers as strings). Parts of the resource of
 * another shape than OTLP's count as no attribute: attribution is tare's, not a check of the
 * producer. *why is a static string, set only for OTLP_DISPATCH_INVALID. */
enum otlp_dispatch_attr otlp_dispatch_attr_read(struct json_object *entry, uint64_t *dispatch,
                                                const char **why);

#endif
