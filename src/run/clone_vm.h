/* clone3 with a child that shares the caller's memory (CLONE_VM | CLONE_VFORK) and runs a
 * function on a stack of its own: the vfork semantics glibc's posix_spawn uses, with clone3's
 * CLONE_INTO_CGROUP and CLONE_PIDFD, which posix_spawn cannot pass (docs/dispatch.md). */
#ifndef TARE_RUN_CLONE_VM_H
#define TARE_RUN_CLONE_VM_H

#include <linux/sched.h>
#include <stdbool.h>
#include <sys/types.h>

/* True when this build has a clone3 entry for the machine's architecture (x86_64, aarch64). */
bool clone_vm_available(void);

/* Runs clone3(args) with args->stack and args->stack_size set to a child stack of CLONE_VM_STACK
 * bytes (mmap'd on first use with a guard page below it, then reused: CLONE_VFORK suspends the
 * caller until the child has exec'd or exited, and a lock keeps two callers from sharing it).
 * args->flags must contain CLONE_VM and CLONE_VFORK. The child starts on that stack and calls
 * fn(arg); if fn returns, the child exits (SYS_exit) with its return value. fn runs in the
 * caller's address space with the caller's TLS: until it execs it may only make
 * async-signal-safe calls and must write nothing the caller relies on (errno of the calling
 * thread is overwritten). Returns the child's pid in the caller, or -1 with errno (ENOSYS on
 * other architectures and kernels without clone3, EINVAL when the flags are not as above). */
pid_t clone_vm(struct clone_args *args, int (*fn)(void *), void *arg);

/* the child stack: sanitizer builds need far more than the ~4 KiB the child uses */
#define CLONE_VM_STACK (256u << 10)

#endif
