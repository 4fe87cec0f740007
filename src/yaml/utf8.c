/* UTF-8 well-formedness and byte-offset-to-position conversion for the YAML loader. */
#include "yaml/utf8.h"

#include <string.h>

/* Number of continuation bytes after lead byte c and the allowed range of the first of them
 * (RFC 3629 table 3-7); 0 continuation bytes with lo > hi marks an invalid lead byte. */
static int utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c < 0x80)
		return 0;
	if (c >= 0xC2 && c <= 0xDF)
		return 1;
	if (c == 0xE0) {
		*lo = 0xA0;
		return 2;
	}
	if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
		return 2;
	if (c == 0xED) {
		*hi = 0x9F; /* excludes the UTF-16 surrogates */
		return 2;
	}
	if (c == 0xF0) {
		*lo = 0x90;
		return 3;
	}
	if (c >= 0xF1 && c <= 0xF3)
		return 3;
	if (c == 0xF4) {
		*hi = 0x8F; /* nothing above U+10FFFF */
		return 3;
	}
	return -1;
}

bool yaml_utf8_valid(const char *buf, size_t len, size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0;
	while (i < len) {
		unsigned char lo, hi;
		int more = utf8_lead(s[i], &lo, &hi);
		if (more < 0 || len - i - 1 < (size_t)more)
			goto bad;
		for (int k = 1; k <= more; k++) {
			unsigned char c = s[i + (size_t)k];
			if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF))
				goto bad;
		}
		i += (size_t)more + 1;
		continue;
	bad:
		*bad_offset = i;
		return false;
	}
	return true;
}

struct source_pos yaml_utf8_pos(const char *buf, size_t offset)
{
	struct source_pos p = {1, 1};
	size_t i = 0;
	/* a byte order mark takes no column, as in libyaml's marks */
	if (offset >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (; i < offset; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n') {
			p.line++;
			p.column = 1;
		} else if ((c & 0xC0) != 0x80) {
			p.column++;
		}
	}
	return p;
}
