/* Loads the capture programs once; per dispatch points them at one cgroup (attaching them when
 * they are not attached yet), consumes the ring buffer on a thread, drains it to an exact count
 * and ends the window, detaching unless the next window follows (ARCHITECTURE §5). */
#include "run/capture.h"
#include "run/cgroup.h"

#include "bpf/capture.h"
#include "capture.skel.h"
#include "util/clock.h"
#include "util/xalloc.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(CAPTURE_EVENT_PATH_MAX == CAPTURE_PATH_MAX, "path limits differ");
_Static_assert((int)CAPTURE_EVENT_OPEN == CAPTURE_REC_OPEN &&
                   (int)CAPTURE_EVENT_FORK == CAPTURE_REC_FORK &&
                   (int)CAPTURE_EVENT_EXEC == CAPTURE_REC_EXEC &&
                   (int)CAPTURE_EVENT_EXIT == CAPTURE_REC_EXIT,
               "event types differ from the BPF record types");

/* The kernel accepts larger rings, but a capture that needs more than this is mis-sized. */
#define MAX_RINGBUF_BYTES (UINT64_C(1) << 30)

/* The largest record the programs write, and room to copy one that wraps the ring's end. */
#define BOUNCE_BYTES (sizeof(struct capture_record) + CAPTURE_PATH_MAX + 8)

struct capture {
	struct capture_bpf *skel;
	/* The ring, read without libbpf's ring_buffer: that maps the data area twice (so a record
	 * that wraps reads contiguously), and the kernel inserts every page of both mappings at
	 * mmap time, so a 16 MiB ring cost 32 MiB of tare's resident memory. Mapped once here; a
	 * record that wraps is copied into bounce. */
	int ring_fd;
	size_t page;
	uint64_t ring_bytes;
	unsigned long *consumer_pos;       /* the consumer page (read-write) */
	const unsigned long *producer_pos; /* the producer page, the data right after it */
	const uint8_t *data;
	uint8_t *bounce;
	int wake_fd; /* an eventfd: wakes the consumer thread at once when the window ends */
	int poll_ms;
	int ncpus;
	uint64_t *percpu; /* ncpus values: the buffer per-CPU counter reads go through */
	bool linked;      /* the programs are attached (they may outlive a window) */
	bool attached;    /* a window is open */
	bool thread_running;
	pthread_t thread;
	atomic_bool stop;
	int thread_err;  /* negative errno from the consumer's poll; read after the join */
	bool discarding; /* consuming leftovers of an earlier window: neither count nor deliver */
	capture_event_fn fn;
	void *fn_ctx;
	/* written by whichever thread consumes; atomic so capture_read_counts may look meanwhile */
	_Atomic uint64_t received;
	uint64_t requested_cgroup_id;
	uint64_t attach_ns;
};

/* libbpf reports through one process-wide print hook. Its warnings (a verifier log, a missing
 * kernel feature) are collected here, per thread, and attached to the diagnostic of the failed
 * step instead of being printed over tare's own output. */
static _Thread_local char libbpf_log[4096];
static _Thread_local size_t libbpf_log_len;

static int collect_libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || libbpf_log_len + 1 >= sizeof(libbpf_log))
		return 0;
	int n =
	    vsnprintf(libbpf_log + libbpf_log_len, sizeof(libbpf_log) - libbpf_log_len, fmt, ap);
	if (n > 0)
		libbpf_log_len += (size_t)n;
	if (libbpf_log_len >= sizeof(libbpf_log))
		libbpf_log_len = sizeof(libbpf_log) - 1;
	return n;
}

static void libbpf_log_reset(void)
{
	libbpf_set_print(collect_libbpf_log);
	libbpf_log_len = 0;
	libbpf_log[0] = '\0';
}

/* Adds what libbpf said, if anything, as a note to the error just appended. */
static void libbpf_log_note(struct diag_list *d)
{
	while (libbpf_log_len > 0 && libbpf_log[libbpf_log_len - 1] == '\n')
		libbpf_log[--libbpf_log_len] = '\0';
	if (libbpf_log_len > 0)
		diag_note(d, NULL, "libbpf said:\n%s", libbpf_log);
}

static void on_record(struct capture *c, const void *data, size_t size)
{
	if (c->discarding)
		return;
	atomic_fetch_add_explicit(&c->received, 1, memory_order_relaxed);
	const struct capture_record *r = data;
	/* a record that does not hold together is counted (it was emitted) but not delivered */
	if (!data || size < sizeof(*r) || r->path_len > size - sizeof(*r) ||
	    (r->path_len > 0 && r->path[r->path_len - 1] != '\0'))
		return;
	struct capture_event ev = {
	    .ts_ns = r->ts_ns,
	    .type = r->type,
	    .pid = r->pid,
	    .tgid = r->tgid,
	    .flags = r->flags,
	    .openat2 = (r->rec_flags & CAPTURE_F_OPENAT2) != 0,
	    .truncated = (r->rec_flags & CAPTURE_F_TRUNCATED) != 0,
	    .fault = (r->rec_flags & CAPTURE_F_FAULT) != 0,
	    .aux = r->aux,
	    .path = r->path_len ? r->path : "",
	    .path_len = r->path_len ? strlen(r->path) : 0,
	};
	if (c->fn)
		c->fn(c->fn_ctx, &ev);
}

/* The body of the record at ring position pos: in place, or copied into bounce when it wraps
 * the end of the single mapping; NULL when it is larger than any record the programs write. */
static const void *record_body(struct capture *c, uint64_t pos, uint32_t len)
{
	uint64_t off = pos & (c->ring_bytes - 1);
	if (off + len <= c->ring_bytes)
		return c->data + off;
	if (len > BOUNCE_BYTES)
		return NULL;
	size_t first = (size_t)(c->ring_bytes - off);
	memcpy(c->bounce, c->data + off, first);
	memcpy(c->bounce + first, c->data, len - first);
	return c->bounce;
}

/* Consumes every committed record, in order, up to the first one still being written (the
 * protocol of the kernel's BPF ring buffer, as libbpf's ringbuf.c reads it). The consumer
 * position is published after each record, so the producer gets the space back at once. */
static void ring_consume(struct capture *c)
{
	uint64_t cons = __atomic_load_n(c->consumer_pos, __ATOMIC_ACQUIRE);
	for (;;) {
		uint64_t prod = __atomic_load_n(c->producer_pos, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			return;
		while (cons < prod) {
			/* headers are 8-byte aligned and the ring a multiple of the page: a header
			 * never wraps */
			const uint32_t *hdr =
			    (const uint32_t *)(c->data + (cons & (c->ring_bytes - 1)));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			if (len & BPF_RINGBUF_BUSY_BIT)
				return;
			uint32_t body =
			    len & ~(uint32_t)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			if (!(len & BPF_RINGBUF_DISCARD_BIT))
				on_record(c, record_body(c, cons + BPF_RINGBUF_HDR_SZ, body), body);
			cons += ((uint64_t)body + BPF_RINGBUF_HDR_SZ + 7) & ~(uint64_t)7;
			__atomic_store_n(c->consumer_pos, (unsigned long)cons, __ATOMIC_RELEASE);
		}
	}
}

/* Waits up to timeout_ms for the ring to have data (or for the wake-up eventfd). Returns 0, or a
 * negative errno. */
static int ring_wait(struct capture *c, int timeout_ms)
{
	struct pollfd fds[2] = {{.fd = c->ring_fd, .events = POLLIN},
	                        {.fd = c->wake_fd, .events = POLLIN}};
	if (poll(fds, 2, timeout_ms) < 0 && errno != EINTR)
		return -errno;
	return 0;
}

/* Maps the ring: the consumer page read-write, the producer page and the data once, read-only. */
static int ring_map(struct capture *c, struct diag_list *d)
{
	c->ring_fd = bpf_map__fd(c->skel->maps.events);
	void *cons = mmap(NULL, c->page, PROT_READ | PROT_WRITE, MAP_SHARED, c->ring_fd, 0);
	if (cons == MAP_FAILED)
		return diag_error(d, "capture.ringbuf", NULL, "cannot map the ring buffer: %s",
		                  strerror(errno));
	c->consumer_pos = cons;
	void *prod =
	    mmap(NULL, c->page + c->ring_bytes, PROT_READ, MAP_SHARED, c->ring_fd, (off_t)c->page);
	if (prod == MAP_FAILED)
		return diag_error(d, "capture.ringbuf", NULL, "cannot map the ring buffer: %s",
		                  strerror(errno));
	c->producer_pos = prod;
	c->data = (const uint8_t *)prod + c->page;
	return 0;
}

static void ring_unmap(struct capture *c)
{
	if (c->consumer_pos)
		munmap(c->consumer_pos, c->page);
	if (c->producer_pos)
		munmap((void *)c->producer_pos, c->page + c->ring_bytes);
}

int capture_check_ringbuf_bytes(uint64_t bytes, struct diag_list *d)
{
	long page_l = sysconf(_SC_PAGESIZE);
	uint64_t page = page_l > 0 ? (uint64_t)page_l : 4096;
	/* the page size is a power of two, so a power of two at least that large is a multiple */
	if (bytes >= page && bytes <= MAX_RINGBUF_BYTES && (bytes & (bytes - 1)) == 0)
		return 0;
	if (bytes > MAX_RINGBUF_BYTES)
		return diag_error(
		    d, "capture.ringbuf-size", NULL,
		    "ring buffer size %llu bytes is larger than the limit of %llu bytes",
		    (unsigned long long)bytes, (unsigned long long)MAX_RINGBUF_BYTES);
	uint64_t next = page;
	while (next < bytes)
		next <<= 1;
	return diag_error(d, "capture.ringbuf-size", NULL,
	                  "ring buffer size %llu bytes is not a power of two multiple of the page "
	                  "size (%llu bytes); use %llu",
	                  (unsigned long long)bytes, (unsigned long long)page,
	                  (unsigned long long)next);
}

/* Why a load failed, and what to do about it. */
static const char *load_advice(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return "run as root, or with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN";
	case ENOENT:
	case ESRCH:
	case ENOTSUP:
	case EINVAL:
		return "the kernel needs BTF (/sys/kernel/btf/vmlinux) and BPF ring buffers (5.8 "
		       "or "
		       "later); see 'tare doctor'";
	case ENOMEM:
		return "the ring buffer may be too large for the memory limit; try a smaller "
		       "capture.ringbuf_size";
	default:
		return "see 'tare doctor'";
	}
}

struct capture *capture_open(const struct capture_opts *opts, struct diag_list *d)
{
	uint64_t bytes =
	    opts && opts->ringbuf_bytes ? opts->ringbuf_bytes : CAPTURE_DEFAULT_RINGBUF_BYTES;
	if (capture_check_ringbuf_bytes(bytes, d))
		return NULL;
	struct capture *c = xcalloc(1, sizeof(*c));
	c->ring_fd = -1;
	c->wake_fd = -1;
	long page = sysconf(_SC_PAGESIZE);
	c->page = page > 0 ? (size_t)page : 4096;
	c->ring_bytes = bytes;
	c->bounce = xmalloc(BOUNCE_BYTES);
	c->poll_ms = opts && opts->poll_ms > 0 ? opts->poll_ms : CAPTURE_DEFAULT_POLL_MS;
	atomic_init(&c->stop, false);
	atomic_init(&c->received, 0);

	libbpf_log_reset();
	c->skel = capture_bpf__open();
	if (!c->skel) {
		int err = errno;
		diag_error(d, "capture.open", NULL, "cannot open the capture object: %s",
		           strerror(err));
		libbpf_log_note(d);
		goto fail;
	}
	int err = bpf_map__set_max_entries(c->skel->maps.events, (uint32_t)bytes);
	if (err) {
		diag_error(d, "capture.open", NULL, "cannot size the ring buffer to %llu bytes: %s",
		           (unsigned long long)bytes, strerror(-err));
		goto fail;
	}
	/* a quarter full: the consumer's timer normally gets there first; this keeps a burst
	 * from filling the ring between two timer ticks */
	c->skel->rodata->wakeup_threshold = bytes / 4;
	err = capture_bpf__load(c->skel);
	if (err) {
		diag_error(d, "capture.load", NULL, "loading the capture programs failed: %s; %s",
		           strerror(-err), load_advice(-err));
		libbpf_log_note(d);
		goto fail;
	}
	if (ring_map(c, d))
		goto fail;
	c->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->wake_fd < 0) {
		diag_error(d, "capture.thread", NULL, "cannot create the consumer's eventfd: %s",
		           strerror(errno));
		goto fail;
	}
	c->ncpus = libbpf_num_possible_cpus();
	if (c->ncpus <= 0) {
		diag_error(d, "capture.cpus", NULL, "cannot count the possible cpus: %s",
		           strerror(-c->ncpus));
		goto fail;
	}
	c->percpu = xcalloc((size_t)c->ncpus, sizeof(uint64_t));
	return c;
fail:
	capture_free(c);
	return NULL;
}

/* The kernel's own accounting of a map's memory: "memlock" in the map fd's fdinfo (its
 * map_mem_usage since Linux 6.4: the ring's pages and the page array that maps them, an
 * mmapable array rounded up to pages, ...). -1 when /proc cannot tell. */
static int64_t map_memlock(int fd)
{
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	int64_t v = -1;
	unsigned long long n;
	while (v < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &n) == 1)
			v = (int64_t)n;
	fclose(f);
	return v;
}

/* What a map holds by its declared sizes, where fdinfo is not readable: a lower bound, without
 * the kernel's own structures around the data. */
static uint64_t map_estimate(const struct bpf_map *map, uint64_t page, int ncpus)
{
	uint64_t entries = bpf_map__max_entries(map);
	uint64_t key = bpf_map__key_size(map), value = bpf_map__value_size(map);
	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_RINGBUF:
		return entries + 2 * page;
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		/* the kernel rounds each cpu's value up to 8 bytes */
		return ((value + 7) & ~UINT64_C(7)) * entries * (uint64_t)ncpus;
	case BPF_MAP_TYPE_ARRAY:
		return value * entries;
	default:
		return (key + value) * entries;
	}
}

uint64_t capture_memory_bytes(const struct capture *c)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), total = 0;
	struct bpf_map *map;
	bpf_object__for_each_map(map, c->skel->obj)
	{
		int64_t memlock = map_memlock(bpf_map__fd(map));
		total += memlock >= 0 ? (uint64_t)memlock : map_estimate(map, page, c->ncpus);
	}
	return total + sizeof(*c) + (uint64_t)c->ncpus * sizeof(*c->percpu) + BOUNCE_BYTES;
}

static int counter_sum(struct capture *c, uint32_t idx, uint64_t *sum, struct diag_list *d)
{
	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.counters), &idx, c->percpu))
		return diag_error(d, "capture.counters", NULL,
		                  "cannot read the capture counters: %s", strerror(errno));
	*sum = 0;
	for (int i = 0; i < c->ncpus; i++)
		*sum += c->percpu[i];
	return 0;
}

static int counters_zero(struct capture *c, struct diag_list *d)
{
	memset(c->percpu, 0, (size_t)c->ncpus * sizeof(uint64_t));
	for (uint32_t idx = 0; idx < CAPTURE_CNT_N; idx++)
		if (bpf_map_update_elem(bpf_map__fd(c->skel->maps.counters), &idx, c->percpu,
		                        BPF_ANY))
			return diag_error(d, "capture.counters", NULL,
			                  "cannot reset the capture counters: %s", strerror(errno));
	return 0;
}

int capture_read_counts(struct capture *c, struct capture_counts *out, struct diag_list *d)
{
	if (counter_sum(c, CAPTURE_CNT_EMITTED, &out->emitted, d) ||
	    counter_sum(c, CAPTURE_CNT_DROPPED, &out->dropped, d) ||
	    counter_sum(c, CAPTURE_CNT_FILTERED_IN, &out->filtered_in, d))
		return -1;
	out->received = atomic_load_explicit(&c->received, memory_order_relaxed);
	/* read back through the map's memory, which is what the programs compare against */
	out->filter_cgroup_id = c->skel->bss->filter_cgroup_id;
	out->requested_cgroup_id = c->requested_cgroup_id;
	out->clean = out->dropped == 0 && out->received == out->emitted &&
	             out->filter_cgroup_id == out->requested_cgroup_id;
	return 0;
}

static void *consume_loop(void *arg)
{
	struct capture *c = arg;
	while (!atomic_load(&c->stop)) {
		ring_consume(c);
		int err = ring_wait(c, c->poll_ms);
		if (err) {
			c->thread_err = err;
			break;
		}
	}
	return NULL;
}

/* The eventfd ends the thread's wait at once: waiting out its poll period made every drain
 * 2.5 ms longer on average. */
static void stop_thread(struct capture *c)
{
	if (!c->thread_running)
		return;
	atomic_store(&c->stop, true);
	/* should the write fail (it cannot, short of a bad descriptor), the poll period still
	 * ends the wait */
	uint64_t one = 1;
	ssize_t n = write(c->wake_fd, &one, sizeof(one));
	pthread_join(c->thread, NULL);
	/* reset the eventfd for the next window (nonblocking: EAGAIN when the write failed) */
	n = read(c->wake_fd, &one, sizeof(one));
	(void)n;
	c->thread_running = false;
}

/* Attaches the programs; the filter is 0 (nothing captured) until a window sets it. */
static int link_programs(struct capture *c, struct diag_list *d)
{
	libbpf_log_reset();
	int err = capture_bpf__attach(c->skel);
	if (err) {
		capture_bpf__detach(c->skel);
		diag_error(d, "capture.attach", NULL,
		           "attaching the capture programs failed: %s; %s", strerror(-err),
		           load_advice(-err));
		libbpf_log_note(d);
		return -1;
	}
	c->linked = true;
	return 0;
}

int capture_attach(struct capture *c, uint64_t cgroup_id, capture_event_fn fn, void *ctx,
                   struct diag_list *d)
{
	if (c->attached)
		return diag_error(d, "capture.state", NULL, "the capture is already attached");
	uint64_t t0 = (uint64_t)clock_monotonic_ns();
	/* records a timed-out drain left behind belong to an earlier window */
	c->discarding = true;
	ring_consume(c);
	c->discarding = false;
	/* the filter is 0 between windows, so no program counts while the counters are reset */
	c->skel->bss->filter_cgroup_id = 0;
	if (counters_zero(c, d))
		return -1;
	atomic_store(&c->received, 0);
	c->thread_err = 0;
	c->fn = fn;
	c->fn_ctx = ctx;
	c->requested_cgroup_id = cgroup_id;
	if (!c->linked && link_programs(c, d) < 0)
		return -1;
	c->skel->bss->filter_cgroup_id = cgroup_id;
	atomic_store(&c->stop, false);
	int err = pthread_create(&c->thread, NULL, consume_loop, c);
	if (err) {
		c->skel->bss->filter_cgroup_id = 0;
		return diag_error(d, "capture.thread", NULL, "cannot start the consumer thread: %s",
		                  strerror(err));
	}
	c->thread_running = true;
	c->attached = true;
	c->attach_ns = (uint64_t)clock_monotonic_ns() - t0;
	return 0;
}

int capture_drain(struct capture *c, int64_t max_wait_ms, struct capture_counts *out,
                  struct diag_list *d)
{
	uint64_t t0 = (uint64_t)clock_monotonic_ns();
	memset(out, 0, sizeof(*out));
	stop_thread(c);
	if (c->thread_err)
		return diag_error(d, "capture.ringbuf", NULL, "reading the ring buffer failed: %s",
		                  strerror(-c->thread_err));
	uint64_t deadline = t0 + (uint64_t)(max_wait_ms > 0 ? max_wait_ms : 0) * 1000000u;
	for (;;) {
		ring_consume(c);
		if (capture_read_counts(c, out, d))
			return -1;
		if (out->received >= out->emitted)
			break;
		if ((uint64_t)clock_monotonic_ns() >= deadline) {
			out->drain_timed_out = true;
			break;
		}
		/* records reserved but not yet committed are the only reason to be here: a forced
		 * wake-up or 1 ms, whichever comes first */
		ring_wait(c, 1);
	}
	out->clean = out->clean && !out->drain_timed_out;
	out->attach_ns = c->attach_ns;
	out->drain_ns = (uint64_t)clock_monotonic_ns() - t0;
	return 0;
}

void capture_end(struct capture *c, bool keep_attached, struct capture_counts *out)
{
	if (!c)
		return;
	uint64_t t0 = (uint64_t)clock_monotonic_ns();
	if (c->skel && c->skel->bss)
		c->skel->bss->filter_cgroup_id = 0;
	if (!keep_attached && c->linked) {
		capture_bpf__detach(c->skel);
		c->linked = false;
	}
	stop_thread(c);
	c->attached = false;
	if (out)
		out->detach_ns = (uint64_t)clock_monotonic_ns() - t0;
}

void capture_detach(struct capture *c, struct capture_counts *out)
{
	capture_end(c, false, out);
}

bool capture_programs_attached(const struct capture *c)
{
	return c && c->linked;
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	if (c->skel)
		capture_detach(c, NULL);
	ring_unmap(c);
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	capture_bpf__destroy(c->skel);
	free(c->bounce);
	free(c->percpu);
	free(c);
}

const void *capture_object_bytes(size_t *len)
{
	return capture_bpf__elf_bytes(len);
}

/* The "0::/path" line of /proc/self/cgroup, path only; NULL when there is none. */
static char *self_cgroup2_path(void)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return NULL;
	char *line = NULL, *path = NULL;
	size_t cap = 0;
	ssize_t n;
	while (!path && (n = getline(&line, &cap, f)) >= 0) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		path = xstrdup(line + 3);
	}
	free(line);
	fclose(f);
	return path;
}

int capture_self_cgroup_id(uint64_t *id, struct diag_list *d)
{
	char *mount = NULL;
	if (cgroup_hierarchy_find(&mount, d))
		return -1;
	char *rel = self_cgroup2_path();
	if (!rel) {
		free(mount);
		return diag_error(d, "capture.cgroup", NULL,
		                  "'/proc/self/cgroup' has no cgroup v2 line (\"0::\")");
	}
	char *path = xasprintf("%s%s", mount, strcmp(rel, "/") == 0 ? "" : rel);
	struct stat st;
	int rc = 0;
	if (stat(path, &st) != 0) {
		rc = diag_error(d, "capture.cgroup", NULL, "cannot stat cgroup '%s': %s", path,
		                strerror(errno));
	} else {
		/* on 64-bit kernels a cgroup2 directory's inode number is its kernfs id, which is
		 * what bpf_get_current_cgroup_id returns */
		*id = (uint64_t)st.st_ino;
	}
	free(path);
	free(rel);
	free(mount);
	return rc;
}

struct probe_ctx {
	uint32_t tgid;
	const char *marker;
	bool seen;
};

static void probe_event(void *ctx, const struct capture_event *ev)
{
	struct probe_ctx *p = ctx;
	if (ev->type == CAPTURE_EVENT_OPEN && ev->tgid == p->tgid &&
	    strcmp(ev->path, p->marker) == 0)
		p->seen = true;
}

int capture_probe(struct diag_list *d)
{
	struct capture *c = capture_open(&(struct capture_opts){.ringbuf_bytes = 1u << 20}, d);
	if (!c)
		return -1;
	uint64_t id = 0;
	int rc = capture_self_cgroup_id(&id, d);
	char marker[64];
	snprintf(marker, sizeof(marker), "/nonexistent/tare-doctor-probe-%ld", (long)getpid());
	struct probe_ctx p = {.tgid = (uint32_t)getpid(), .marker = marker, .seen = false};
	struct capture_counts counts = {0};
	if (rc == 0)
		rc = capture_attach(c, id, probe_event, &p, d);
	if (rc == 0) {
		/* the path does not exist: the syscall entry is what is captured, not its result */
		int fd = open(marker, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		rc = capture_drain(c, 1000, &counts, d);
		capture_detach(c, &counts);
	}
	if (rc == 0 && !p.seen)
		rc = diag_error(
		    d, "capture.probe", NULL,
		    "the probe's own open of '%s' did not come back through the ring "
		    "buffer (cgroup id %llu, emitted %llu, received %llu, dropped %llu)",
		    marker, (unsigned long long)id, (unsigned long long)counts.emitted,
		    (unsigned long long)counts.received, (unsigned long long)counts.dropped);
	capture_free(c);
	return rc;
}
