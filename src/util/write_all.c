/* Whole-buffer writes. */
#include "util/write_all.h"

#include <errno.h>
#include <unistd.h>

/* Linux writes at most 0x7ffff000 bytes at a time; asking for 1 GiB keeps each call's size
 * representable in ssize_t everywhere. */
#define WRITE_CHUNK ((size_t)1 << 30)

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len > WRITE_CHUNK ? WRITE_CHUNK : len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
