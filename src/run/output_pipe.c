/* Draining the workload's output pipes into the head-and-tail keepers. */
#include "run/output_pipe.h"

#include "util/clock.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define READ_CHUNK (64u << 10)
/* Chunks read from one stream before the caller looks at the clock, the pidfd and the
 * interruption flag again: a writer as fast as tare never leaves the pipe empty. */
#define READS_PER_SERVICE 16
/* A bigger pipe lets a workload write a burst without waiting for tare to be scheduled; the
 * request is best effort (pipe-max-size, the per-user pipe budget). */
#define PIPE_BYTES (1 << 20)

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int output_pipes_open(struct output_pipes *p, size_t keep)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < OUTPUT_STREAMS; i++) {
		p->read_fd[i] = p->write_fd[i] = -1;
		output_keep_init(&p->kept[i], keep);
	}
	for (int i = 0; i < OUTPUT_STREAMS; i++) {
		int fds[2];
		if (pipe2(fds, O_CLOEXEC) < 0) {
			int err = errno;
			output_pipes_release(p);
			errno = err;
			return -1;
		}
		p->read_fd[i] = fds[0];
		p->write_fd[i] = fds[1];
		(void)fcntl(fds[0], F_SETPIPE_SZ, PIPE_BYTES);
		if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
			int err = errno;
			output_pipes_release(p);
			errno = err;
			return -1;
		}
	}
	return 0;
}

void output_pipes_close_child_ends(struct output_pipes *p)
{
	for (int i = 0; i < OUTPUT_STREAMS; i++)
		close_fd(&p->write_fd[i]);
}

void output_pipes_pollfds(const struct output_pipes *p, struct pollfd pfd[OUTPUT_STREAMS])
{
	for (int i = 0; i < OUTPUT_STREAMS; i++)
		pfd[i] = (struct pollfd){.fd = p->read_fd[i], .events = POLLIN};
}

/* Reads stream i until the pipe is empty (EAGAIN), closed by every writer (EOF), or
 * READS_PER_SERVICE chunks were read. */
static void read_stream(struct output_pipes *p, int i)
{
	if (!p->buf)
		p->buf = xmalloc(READ_CHUNK);
	for (int reads = 0; p->read_fd[i] >= 0 && reads < READS_PER_SERVICE;) {
		ssize_t n = read(p->read_fd[i], p->buf, READ_CHUNK);
		if (n > 0) {
			reads++;
			output_keep_add(&p->kept[i], p->buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close_fd(&p->read_fd[i]); /* EOF, or an error no later read would cure */
	}
}

void output_pipes_service(struct output_pipes *p, const struct pollfd pfd[OUTPUT_STREAMS])
{
	for (int i = 0; i < OUTPUT_STREAMS; i++)
		if (pfd[i].fd >= 0 && pfd[i].revents)
			read_stream(p, i);
}

void output_pipes_finish(struct output_pipes *p, int64_t wait_ms)
{
	int64_t deadline = clock_monotonic_ns() + wait_ms * 1000000;
	for (;;) {
		for (int i = 0; i < OUTPUT_STREAMS; i++)
			read_stream(p, i);
		if (p->read_fd[OUTPUT_STDOUT] < 0 && p->read_fd[OUTPUT_STDERR] < 0)
			return;
		int64_t left = deadline - clock_monotonic_ns();
		if (left <= 0)
			break;
		struct pollfd pfd[OUTPUT_STREAMS];
		output_pipes_pollfds(p, pfd);
		struct timespec ts = {(time_t)(left / 1000000000), (long)(left % 1000000000)};
		if (ppoll(pfd, OUTPUT_STREAMS, &ts, NULL) < 0 && errno != EINTR)
			break;
	}
	/* a writer outlived the bound: what it writes from now on is not the dispatch's */
	for (int i = 0; i < OUTPUT_STREAMS; i++)
		close_fd(&p->read_fd[i]);
}

void output_pipes_release(struct output_pipes *p)
{
	for (int i = 0; i < OUTPUT_STREAMS; i++) {
		close_fd(&p->read_fd[i]);
		close_fd(&p->write_fd[i]);
		output_keep_release(&p->kept[i]);
	}
	free(p->buf);
	p->buf = NULL;
}
