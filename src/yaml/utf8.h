/* UTF-8 checks the YAML loader runs before libyaml, whose own encoding errors are hard to read. */
#ifndef TARE_YAML_UTF8_H
#define TARE_YAML_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "util/source_map.h"

/* Returns true when buf[0..len) is well-formed UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF). Otherwise returns false and sets *bad_offset to the byte offset of the first
 * byte of the offending sequence. */
bool yaml_utf8_valid(const char *buf, size_t len, size_t *bad_offset);

/* The 1-based line and column (in characters, counting each byte that does not continue a UTF-8
 * sequence as one) of byte offset in buf; lines end at '\n'. A leading UTF-8 byte order mark takes
 * no column. */
struct source_pos yaml_utf8_pos(const char *buf, size_t offset);

#endif
