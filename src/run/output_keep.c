/* Keeping the head and tail of an output stream and writing them with a marker between. */
#include "run/output_keep.h"

#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void output_keep_init(struct output_keep *k, size_t keep)
{
	memset(k, 0, sizeof(*k));
	if (keep == 0)
		keep = OUTPUT_KEEP_DEFAULT;
	if (keep < OUTPUT_KEEP_MIN)
		keep = OUTPUT_KEEP_MIN;
	if (keep > OUTPUT_KEEP_MAX)
		keep = OUTPUT_KEEP_MAX;
	k->keep = keep;
}

void output_keep_release(struct output_keep *k)
{
	free(k->head);
	free(k->tail);
	memset(k, 0, sizeof(*k));
}

/* Appends to the tail ring; only the last keep bytes of a large chunk can survive, so only
 * those are copied. */
static void tail_add(struct output_keep *k, const char *buf, size_t n)
{
	if (!k->tail)
		k->tail = xmalloc(k->keep);
	if (n >= k->keep) {
		memcpy(k->tail, buf + (n - k->keep), k->keep);
		k->tail_len = k->keep;
		k->tail_next = 0;
		return;
	}
	if (k->tail_len < k->keep) {
		size_t room = k->keep - k->tail_len;
		size_t first = n < room ? n : room;
		memcpy(k->tail + k->tail_len, buf, first);
		k->tail_len += first;
		buf += first;
		n -= first;
		k->tail_next = 0;
		if (n == 0)
			return;
	}
	size_t upto_end = k->keep - k->tail_next;
	size_t first = n < upto_end ? n : upto_end;
	memcpy(k->tail + k->tail_next, buf, first);
	memcpy(k->tail, buf + first, n - first);
	k->tail_next = (k->tail_next + n) % k->keep;
}

void output_keep_add(struct output_keep *k, const char *buf, size_t n)
{
	k->total += n;
	if (k->head_len < k->keep) {
		if (!k->head)
			k->head = xmalloc(k->keep);
		size_t room = k->keep - k->head_len;
		size_t take = n < room ? n : room;
		memcpy(k->head + k->head_len, buf, take);
		k->head_len += take;
		buf += take;
		n -= take;
	}
	if (n > 0)
		tail_add(k, buf, n);
}

bool output_keep_truncated(const struct output_keep *k)
{
	return k->total > 2 * (uint64_t)k->keep;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The ring in order: from tail_next to the end, then from the start (a ring that never wrapped
 * has tail_next 0). */
static int write_tail(const struct output_keep *k, int fd)
{
	if (k->tail_len < k->keep || k->tail_next == 0)
		return write_all(fd, k->tail, k->tail_len);
	if (write_all(fd, k->tail + k->tail_next, k->keep - k->tail_next) < 0)
		return -1;
	return write_all(fd, k->tail, k->tail_next);
}

int output_keep_write(const struct output_keep *k, int fd)
{
	if (!output_keep_truncated(k)) {
		if (write_all(fd, k->head, k->head_len) < 0)
			return -1;
		return k->tail ? write_tail(k, fd) : 0;
	}
	/* The marker takes the place of the head's last bytes, so that the file stays within
	 * 2 × keep: reserve the longest it can be (a leading newline and the digits of the total),
	 * then say how many bytes are really missing. */
	char marker[96];
	int reserve = snprintf(marker, sizeof(marker), "\n[… %llu bytes not kept …]\n",
	                       (unsigned long long)k->total);
	size_t head = k->head_len - (size_t)reserve;
	uint64_t dropped = k->total - head - k->tail_len;
	int len = snprintf(marker, sizeof(marker), "%s[… %llu bytes not kept …]\n",
	                   head > 0 && k->head[head - 1] == '\n' ? "" : "\n",
	                   (unsigned long long)dropped);
	if (write_all(fd, k->head, head) < 0 || write_all(fd, marker, (size_t)len) < 0)
		return -1;
	return write_tail(k, fd);
}
