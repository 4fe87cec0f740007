/* The capture programs: openat/openat2 entries and process fork/exec/exit of one cgroup, written
 * to a ring buffer with counters that let user space prove nothing was lost. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "capture.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Unread bytes in the ring at which a submit wakes the consumer. Below it records go in with
 * BPF_RB_NO_WAKEUP and user space drains on a short timer: waking the consumer for each record
 * costs several microseconds per event (docs/capture.md). Set before load from the ring size. */
const volatile __u64 wakeup_threshold = 1;

/* The cgroup v2 id whose tasks are captured; 0 captures nothing. A global in .bss rather than a
 * const volatile because it changes per dispatch without reloading: user space writes it through
 * the skeleton's mmap'ed .bss before each attach. */
__u64 filter_cgroup_id = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* resized by user space before load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CAPTURE_CNT_N);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

#define SCRATCH_BYTES (sizeof(struct capture_record) + CAPTURE_PATH_MAX)

/* A record is assembled here and copied into the ring at its real length, so a short path costs
 * a short record however long CAPTURE_PATH_MAX is. Too big for the 512-byte BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[SCRATCH_BYTES]);
} scratch SEC(".maps");

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);
	/* atomic: programs may be preempted (migration is disabled, preemption is not) */
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline bool in_cgroup(void)
{
	return bpf_get_current_cgroup_id() == filter_cgroup_id;
}

static __always_inline void fill_head(struct capture_record *r, __u32 type)
{
	__u64 id = bpf_get_current_pid_tgid();
	r->ts_ns = bpf_ktime_get_ns();
	r->type = type;
	r->pid = (__u32)id;
	r->tgid = (__u32)(id >> 32);
	r->flags = 0;
	r->rec_flags = 0;
	r->path_len = 0;
	r->aux = 0;
}

static __always_inline void submit(void *rec, __u64 size)
{
	__u64 flags = BPF_RB_NO_WAKEUP;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) + size >= wakeup_threshold)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&events, rec, size, flags) == 0)
		count(CAPTURE_CNT_EMITTED);
	else
		count(CAPTURE_CNT_DROPPED);
}

/* Copies a string (user or kernel) into the scratch record and submits it. */
static __always_inline void submit_with_path(struct capture_record *r, const void *src, bool user)
{
	long n = user ? bpf_probe_read_user_str(r->path, CAPTURE_PATH_MAX, src)
	              : bpf_probe_read_kernel_str(r->path, CAPTURE_PATH_MAX, src);
	if (n <= 0) {
		r->rec_flags |= CAPTURE_F_FAULT;
		n = 0;
	} else if (n >= CAPTURE_PATH_MAX) {
		/* n counts the NUL; a full buffer may mean the string went on */
		r->rec_flags |= CAPTURE_F_TRUNCATED;
		n = CAPTURE_PATH_MAX;
	}
	__u64 len = (__u64)n & (2 * CAPTURE_PATH_MAX - 1); /* a bound the verifier can see */
	if (len > CAPTURE_PATH_MAX)
		len = CAPTURE_PATH_MAX;
	r->path_len = (__u32)len;
	submit(r, sizeof(*r) + len);
}

static __always_inline struct capture_record *scratch_record(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch, &zero);
}

/* The raw tracepoint needs no tracefs (which is often not mounted) and costs less per syscall
 * than the syscalls:sys_enter_* tracepoints. It runs for every syscall on the host, so the
 * cheapest test that rejects most of them comes first: the cgroup, then the syscall number. */
SEC("tp_btf/sys_enter")
int BPF_PROG(on_sys_enter, struct pt_regs *regs, long id)
{
	if (!in_cgroup())
		return 0;
	count(CAPTURE_CNT_FILTERED_IN);
	if (id != CAPTURE_NR_OPENAT && id != CAPTURE_NR_OPENAT2)
		return 0;
	struct capture_record *r = scratch_record();
	if (!r)
		return 0;
	fill_head(r, CAPTURE_REC_OPEN);
	/* openat(dfd, path, flags, mode) and openat2(dfd, path, how, size): the second and third
	 * syscall arguments (rsi, rdx on x86; x1, x2 on arm64), read through libbpf's per-arch
	 * register names. regs are the syscall's own registers here, not a wrapper's. */
	const char *path = (const char *)PT_REGS_PARM2_CORE_SYSCALL(regs);
	if (id == CAPTURE_NR_OPENAT) {
		r->flags = (__s32)PT_REGS_PARM3_CORE_SYSCALL(regs);
	} else {
		__u64 how_flags = 0;
		bpf_probe_read_user(
		    &how_flags, sizeof(how_flags),
		    (const void *)PT_REGS_PARM3_CORE_SYSCALL(regs)); /* open_how.flags first */
		r->flags = (__s32)how_flags;
		r->rec_flags |= CAPTURE_F_OPENAT2;
	}
	submit_with_path(r, path, true);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	if (!in_cgroup())
		return 0;
	struct capture_record r;
	fill_head(&r, CAPTURE_REC_FORK);
	r.aux = BPF_CORE_READ(child, pid);
	submit(&r, sizeof(r));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!in_cgroup())
		return 0;
	struct capture_record *r = scratch_record();
	if (!r)
		return 0;
	fill_head(r, CAPTURE_REC_EXEC);
	r->aux = old_pid;
	submit_with_path(r, BPF_CORE_READ(bprm, filename), false);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	if (!in_cgroup())
		return 0;
	struct capture_record r;
	fill_head(&r, CAPTURE_REC_EXIT);
	r.aux = BPF_CORE_READ(p, exit_code);
	submit(&r, sizeof(r));
	return 0;
}
