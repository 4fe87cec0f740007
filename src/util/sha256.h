/* SHA-256 (FIPS 180-4), for the matrix and BPF object digests recorded as provenance. */
#ifndef TARE_UTIL_SHA256_H
#define TARE_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL to hex. */
void sha256_final_hex(struct sha256 *s, char hex[65]);
/* One call: digest of data as hex. */
void sha256_hex(const void *data, size_t len, char hex[65]);
/* Digest of a whole file; returns -1 when it cannot be read. */
int sha256_file_hex(const char *path, char hex[65]);

#endif
