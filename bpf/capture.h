/* The records the capture programs write to the ring buffer and the counters they keep, shared
 * by capture.bpf.c and src/run/capture.c. Fixed-width fields only: both sides read the same
 * bytes. */
#ifndef TARE_BPF_CAPTURE_H
#define TARE_BPF_CAPTURE_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Longest path copied into a record, terminating NUL included (the kernel's PATH_MAX). A longer
 * user string is cut to CAPTURE_PATH_MAX - 1 bytes and the record carries CAPTURE_F_TRUNCATED.
 * Records are variable length: only path_len bytes of the path travel through the ring. */
#define CAPTURE_PATH_MAX 4096

/* Syscall numbers of the architecture the object is built for (cmake/bpf.cmake passes
 * -D__TARGET_ARCH_<arch>); user space does not need them. arm64 uses the generic table of
 * include/uapi/asm-generic/unistd.h. 32-bit (compat) tasks number their syscalls differently on
 * both, so their openat is not seen. */
#ifdef __bpf__
#if defined(__TARGET_ARCH_x86)
#define CAPTURE_NR_OPENAT  257
#define CAPTURE_NR_OPENAT2 437
#elif defined(__TARGET_ARCH_arm64)
#define CAPTURE_NR_OPENAT  56
#define CAPTURE_NR_OPENAT2 437
#else
#error "capture.h: no syscall numbers for this __TARGET_ARCH_ (x86 and arm64 are known)"
#endif
#endif

enum capture_record_type {
	CAPTURE_REC_OPEN = 1, /* openat/openat2 entry: path, flags */
	CAPTURE_REC_FORK = 2, /* sched_process_fork: aux = child pid, tgid = parent tgid */
	CAPTURE_REC_EXEC = 3, /* sched_process_exec: path = the file executed */
	CAPTURE_REC_EXIT = 4, /* sched_process_exit: aux = exit code (wait status form) */
};

/* Record flags. */
#define CAPTURE_F_TRUNCATED 1u /* the path did not fit CAPTURE_PATH_MAX */
#define CAPTURE_F_OPENAT2   2u /* the open came from openat2 */
#define CAPTURE_F_FAULT     4u /* the path could not be read (bad pointer); path_len is 0 */

/* The head of every record; path_len bytes of path (NUL included when non-zero) follow. */
struct capture_record {
	__u64 ts_ns;     /* bpf_ktime_get_ns: CLOCK_MONOTONIC */
	__u32 type;      /* enum capture_record_type */
	__u32 pid;       /* thread id */
	__u32 tgid;      /* process id */
	__s32 flags;     /* open(2) flags for CAPTURE_REC_OPEN, else 0 */
	__u32 rec_flags; /* CAPTURE_F_* */
	__u32 path_len;  /* bytes of path that follow, NUL included; 0 when none */
	__s64 aux;       /* per type, see enum capture_record_type */
	char path[];
};

/* Indexes of the per-CPU counter array. */
enum capture_counter {
	CAPTURE_CNT_EMITTED = 0,     /* records submitted to the ring */
	CAPTURE_CNT_DROPPED = 1,     /* records lost: the ring had no room */
	CAPTURE_CNT_FILTERED_IN = 2, /* syscall entries that passed the cgroup filter */
	CAPTURE_CNT_N = 3,
};

#endif
