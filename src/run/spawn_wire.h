/* The spawn helper's messages: a spawn_request and what spawn_run made of it (spawn_result, its
 * return value and diagnostics) as flat bytes, between two processes of the same binary
 * (docs/dispatch.md, "The spawn helper"). */
#ifndef TARE_RUN_SPAWN_WIRE_H
#define TARE_RUN_SPAWN_WIRE_H

#include <stddef.h>

#include "run/spawn.h"
#include "util/diag.h"
#include "util/strbuf.h"

/* A request as the helper decodes it: req's pointers point into the owned fields below.
 * Caller-provided: spawn_wire_request_decode, then spawn_wire_request_release. */
struct spawn_wire_request {
	struct spawn_request req;
	char **argv, **env;
	char *cwd, *stdout_path, *stderr_path;
	/* the dispatch's cgroup v2 leaf, when the request names one: path and id travel in the
	 * message, the directory fd beside it (SCM_RIGHTS); dir_fd -1 until the caller sets it */
	struct cgroup_leaf leaf;
	bool has_leaf;
};

/* Appends req to out. req->interrupted and req->memory_leaf do not travel: the helper has its own
 * interruption flag, and a process that spawns through the helper has no memory leaf (its
 * figure is the helper's wait4). The leaf's fd travels beside the bytes. */
void spawn_wire_request_encode(const struct spawn_request *req, struct strbuf *out);

/* Decodes a request from buf[0..len). Returns 0, or -1 with a diag when the bytes are not a
 * whole request (nothing is left owned then). */
int spawn_wire_request_decode(const void *buf, size_t len, struct spawn_wire_request *out,
                              struct diag_list *d);
void spawn_wire_request_release(struct spawn_wire_request *r);

/* Appends spawn_run's outcome: its return value rc, res, and the diagnostics it appended (d's
 * items from first on). */
void spawn_wire_result_encode(int rc, const struct spawn_result *res, const struct diag_list *d,
                              size_t first, struct strbuf *out);

/* Decodes an outcome into *rc, res (initialised here; release with spawn_result_release) and d
 * (the helper's diagnostics appended). Returns 0, or -1 with a diag when the bytes are not a
 * whole result. */
int spawn_wire_result_decode(const void *buf, size_t len, int *rc, struct spawn_result *res,
                             struct diag_list *d);

#endif
