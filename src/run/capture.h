/* eBPF capture of one cgroup's openat/openat2 calls (and process fork/exec/exit) through a ring
 * buffer, with the counters that decide whether a capture is clean (ARCHITECTURE §5). */
#ifndef TARE_RUN_CAPTURE_H
#define TARE_RUN_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

#define CAPTURE_DEFAULT_RINGBUF_BYTES (UINT64_C(16) << 20)
#define CAPTURE_DEFAULT_POLL_MS       5
/* Longest path an event carries, terminating NUL included; longer ones are cut and flagged. */
#define CAPTURE_EVENT_PATH_MAX 4096

struct capture_opts {
	/* Ring buffer size in bytes: a power of two and a multiple of the page size; 0 means
	 * CAPTURE_DEFAULT_RINGBUF_BYTES. */
	uint64_t ringbuf_bytes;
	/* How often the consumer thread drains the ring when no forced wake-up came; 0 means
	 * CAPTURE_DEFAULT_POLL_MS. */
	int poll_ms;
};

enum capture_event_type {
	CAPTURE_EVENT_OPEN = 1, /* openat/openat2 entry: path and open flags */
	CAPTURE_EVENT_FORK = 2, /* a task of the cgroup forked: aux = the child's pid */
	CAPTURE_EVENT_EXEC = 3, /* a task of the cgroup exec'd: path = the file, aux = old pid */
	CAPTURE_EVENT_EXIT = 4, /* a task of the cgroup exited: aux = its exit code (wait form) */
};

/* One captured event, handed to the callback. path is borrowed: valid only during the call,
 * NUL-terminated, path_len bytes long (without the NUL); "" when the event has none. */
struct capture_event {
	uint64_t ts_ns; /* CLOCK_MONOTONIC */
	uint32_t type;  /* enum capture_event_type */
	uint32_t pid;   /* thread id */
	uint32_t tgid;  /* process id */
	int32_t flags;  /* open(2) flags for CAPTURE_EVENT_OPEN, else 0 */
	bool openat2;   /* the open came from openat2 */
	bool truncated; /* the path was longer than CAPTURE_EVENT_PATH_MAX - 1 bytes and was cut */
	bool fault;     /* the path pointer could not be read; path is "" */
	int64_t aux;
	const char *path;
	size_t path_len;
};

/* Called on the consumer thread (between capture_attach and capture_drain) or on the caller's
 * thread (inside capture_drain), never on two threads at once. */
typedef void (*capture_event_fn)(void *ctx, const struct capture_event *ev);

/* What one attach..drain window saw. */
struct capture_counts {
	uint64_t emitted;          /* records the BPF side put in the ring */
	uint64_t dropped;          /* records lost because the ring was full */
	uint64_t filtered_in;      /* syscall entries (any syscall) made by tasks of the cgroup */
	uint64_t received;         /* records user space read */
	uint64_t filter_cgroup_id; /* the cgroup id the programs filtered on, read back */
	uint64_t requested_cgroup_id;
	bool drain_timed_out; /* the drain stopped at max_wait_ms with received < emitted */
	/* dropped == 0 && received == emitted && filter_cgroup_id == requested_cgroup_id */
	bool clean;
	uint64_t attach_ns, drain_ns, detach_ns;
};

struct capture;

/* Opens and loads the capture programs (once per run); nothing is attached yet. Returns NULL
 * and appends an error saying what to do when the machine cannot (no privileges, no BTF, bad
 * ring size), followed by a note with what libbpf said. Installs a libbpf print hook that
 * collects libbpf's warnings for those notes rather than printing them (libbpf has one hook per
 * process). The caller owns the result: capture_free. */
struct capture *capture_open(const struct capture_opts *opts, struct diag_list *d);

/* Starts a capture window for the tasks of cgroup v2 id cgroup_id: discards anything left in
 * the ring, zeroes the counters, attaches the programs unless the previous window kept them
 * attached, sets the filter and starts the consumer thread, which calls fn(ctx, ev) for every
 * record. Returns 0, or -1 with a diag. */
int capture_attach(struct capture *c, uint64_t cgroup_id, capture_event_fn fn, void *ctx,
                   struct diag_list *d);

/* After the workload has exited: stops the consumer thread and consumes on the caller's thread
 * until the ring is empty and received == emitted, waiting at most max_wait_ms for records
 * still being committed (no fixed sleep). Fills out (all but detach_ns). A drain that times out
 * is not an error of tare: it returns 0 with out->clean false and out->drain_timed_out set.
 * Returns -1 with a diag when the counters cannot be read. The programs stay attached. */
int capture_drain(struct capture *c, int64_t max_wait_ms, struct capture_counts *out,
                  struct diag_list *d);

/* Ends the window: the filter goes back to 0 (no task matches), the consumer thread stops, and
 * unless keep_attached the programs are detached. Keeping them attached saves the next window
 * the attach (a syscall tracepoint's 0→1 transition waits for an RCU grace period when it comes
 * soon after a 1→0 one: 0.4 ms to 20 ms here); the filtered-out programs still run on every
 * syscall of the host, so a caller keeps them only when the next window follows directly.
 * Sets out->detach_ns (the time this took) when out is not NULL. Safe when no window is open. */
void capture_end(struct capture *c, bool keep_attached, struct capture_counts *out);

/* capture_end without keeping the programs: after it nothing of tare is attached. */
void capture_detach(struct capture *c, struct capture_counts *out);

/* Whether the programs are attached (a window is open, or the last one kept them). */
bool capture_programs_attached(const struct capture *c);

/* Reads the BPF counters of the current window without consuming anything (emitted, dropped,
 * filtered_in, filter_cgroup_id; received as counted so far). Returns 0 or -1 with a diag. */
int capture_read_counts(struct capture *c, struct capture_counts *out, struct diag_list *d);

/* What the capture holds in memory, in bytes: every map of the loaded BPF object as the kernel
 * accounts it (the "memlock" of its fdinfo; by its declared sizes where /proc cannot tell) plus
 * the consumer's own buffers. It is the same for every window of a run. */
uint64_t capture_memory_bytes(const struct capture *c);

/* Detaches and frees. Accepts NULL. */
void capture_free(struct capture *c);

/* The BPF object embedded in tare (for its sha256 in provenance). Borrowed, static storage. */
const void *capture_object_bytes(size_t *len);

/* Checks that ring sizes are a power of two and a multiple of the page size. Returns 0, or -1
 * with a diag that suggests the nearest valid size. */
int capture_check_ringbuf_bytes(uint64_t bytes, struct diag_list *d);

/* The cgroup v2 id of this process (its cgroup directory's inode number under the cgroup2
 * mount that cgroup_hierarchy_find names). Returns 0 and sets *id, or -1 with a diag. */
int capture_self_cgroup_id(uint64_t *id, struct diag_list *d);

/* For `tare doctor`: loads the programs with a small ring, attaches them to this process's own
 * cgroup, opens a marker path and checks that the record comes back through the ring.
 * Returns 0, or -1 with a diag saying what failed and what to do. */
int capture_probe(struct diag_list *d);

#endif
