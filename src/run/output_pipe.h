/* The workload's stdout and stderr as pipes that the supervisor drains while it waits: bounded
 * memory (the head and tail of each, run/output_keep.h), every byte counted, and no limit on
 * the files the workload writes itself (docs/dispatch.md, "Output"). */
#ifndef TARE_RUN_OUTPUT_PIPE_H
#define TARE_RUN_OUTPUT_PIPE_H

#include <poll.h>
#include <stdint.h>

#include "run/output_keep.h"

enum { OUTPUT_STDOUT, OUTPUT_STDERR, OUTPUT_STREAMS };

/* Caller-provided: output_pipes_open, then output_pipes_release on every path. */
struct output_pipes {
	int read_fd[OUTPUT_STREAMS];  /* tare's ends: non-blocking, close-on-exec; -1 after EOF */
	int write_fd[OUTPUT_STREAMS]; /* the child's ends (close-on-exec until dup2'd to 1 and 2) */
	struct output_keep kept[OUTPUT_STREAMS];
	char *buf; /* the read buffer, allocated at the first read */
};

/* Creates both pipes; keep as in output_keep_init. Returns 0, or -1 with errno (nothing left
 * open). */
int output_pipes_open(struct output_pipes *p, size_t keep);

/* Closes the child's ends, once the child has them (so that EOF means the writers are gone). */
void output_pipes_close_child_ends(struct output_pipes *p);

/* Fills pfd[0..1] to poll tare's ends for input (fd -1, which poll ignores, after EOF). */
void output_pipes_pollfds(const struct output_pipes *p, struct pollfd pfd[OUTPUT_STREAMS]);

/* Reads every stream whose pfd entry reported an event, until the pipe is empty, at EOF, or a
 * bounded number of bytes was read (a flood must not keep the caller from its other duties). */
void output_pipes_service(struct output_pipes *p, const struct pollfd pfd[OUTPUT_STREAMS]);

/* After the workload ended: reads what is left, waiting up to wait_ms for the writers that are
 * still alive (descendants that kept the pipes) to close them; then stops listening. */
void output_pipes_finish(struct output_pipes *p, int64_t wait_ms);

/* Closes whatever is still open and frees the kept bytes. Accepts a zeroed or released struct
 * only after output_pipes_open. */
void output_pipes_release(struct output_pipes *p);

#endif
