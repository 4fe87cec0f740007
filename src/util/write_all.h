/* Writing a whole buffer to a file descriptor, across short writes and signals. */
#ifndef TARE_UTIL_WRITE_ALL_H
#define TARE_UTIL_WRITE_ALL_H

#include <stddef.h>

/* Writes len bytes of buf to fd, retrying short writes and EINTR. Returns 0, or -1 with errno
 * set (EIO when the descriptor accepts nothing). */
int write_all(int fd, const void *buf, size_t len);

#endif
