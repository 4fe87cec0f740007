/* clone3(CLONE_VM | CLONE_VFORK) onto a separate stack, with a per-architecture entry: glibc has no
 * clone3 wrapper, and syscall(SYS_clone3) with CLONE_VM would return into the caller's C frame
 * on the new, empty stack in the child, so the child's first instructions must be assembly. */
#include "run/clone_vm.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define HAVE_CLONE_VM 1

/* The numbers are written into the assembly below: clone3 has the same number in both tables
 * (435), exit does not (x86_64 60, aarch64 93). */
_Static_assert(SYS_clone3 == 435, "clone3 is syscall 435");
#if defined(__x86_64__)
_Static_assert(SYS_exit == 60, "exit is syscall 60 on x86_64");
#else
_Static_assert(SYS_exit == 93, "exit is syscall 93 on aarch64");
#endif

/* Returns the raw syscall result in the caller (pid, or -errno); the child never returns. */
long tare_clone3_raw(struct clone_args *args, size_t size, int (*fn)(void *), void *arg);

/* x86_64: args rdi, size rsi, fn rdx, arg rcx. syscall clobbers only rax, rcx and r11, and the
 * child starts with the caller's other registers, so fn and arg travel in r8 and r9. The child's
 * rsp is stack + stack_size, page aligned: 16-byte aligned before the call, as the ABI wants.
 * aarch64: args x0..x3; svc preserves everything but x0, so fn and arg travel in x10 and x11.
 * In the child the return address is marked undefined so that unwinders stop there. */
#if defined(__x86_64__)
__asm__(".text\n"
        ".globl tare_clone3_raw\n"
        ".hidden tare_clone3_raw\n"
        ".type tare_clone3_raw, @function\n"
        "tare_clone3_raw:\n"
        ".cfi_startproc\n"
        "	endbr64\n"
        "	mov %rdx, %r8\n"
        "	mov %rcx, %r9\n"
        "	mov $435, %eax\n"
        "	syscall\n"
        "	test %rax, %rax\n"
        "	jz 1f\n"
        "	ret\n"
        "1:\n"
        ".cfi_undefined %rip\n"
        "	xor %ebp, %ebp\n"
        "	mov %r9, %rdi\n"
        "	call *%r8\n"
        "	mov %eax, %edi\n"
        "	mov $60, %eax\n"
        "	syscall\n"
        "	hlt\n"
        ".cfi_endproc\n"
        ".size tare_clone3_raw, .-tare_clone3_raw\n");
#else
__asm__(".text\n"
        ".globl tare_clone3_raw\n"
        ".hidden tare_clone3_raw\n"
        ".type tare_clone3_raw, %function\n"
        "tare_clone3_raw:\n"
        ".cfi_startproc\n"
        "	hint #34\n" /* bti c: a no-op without BTI */
        "	mov x10, x2\n"
        "	mov x11, x3\n"
        "	mov x8, #435\n"
        "	svc #0\n"
        "	cbz x0, 1f\n"
        "	ret\n"
        "1:\n"
        ".cfi_undefined x30\n"
        "	mov x29, xzr\n"
        "	mov x30, xzr\n"
        "	mov x0, x11\n"
        "	blr x10\n"
        "	mov x8, #93\n"
        "	svc #0\n"
        "	brk #0\n"
        ".cfi_endproc\n"
        ".size tare_clone3_raw, .-tare_clone3_raw\n");
#endif

static pthread_mutex_t stack_lock = PTHREAD_MUTEX_INITIALIZER;
static char *stack_bottom; /* the usable stack; a PROT_NONE guard page lies below it */

/* The child stack, mapped once and kept for the life of the process (called under stack_lock). */
static char *child_stack(void)
{
	if (stack_bottom)
		return stack_bottom;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, CLONE_VM_STACK + page, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* a child overflowing its stack faults here instead of writing into another mapping */
	if (mprotect(p, page, PROT_NONE) < 0) {
		int err = errno;
		munmap(p, CLONE_VM_STACK + page);
		errno = err;
		return NULL;
	}
	stack_bottom = p + page;
	return stack_bottom;
}
#endif

bool clone_vm_available(void)
{
#ifdef HAVE_CLONE_VM
	return true;
#else
	return false;
#endif
}

pid_t clone_vm(struct clone_args *args, int (*fn)(void *), void *arg)
{
#ifdef HAVE_CLONE_VM
	if ((args->flags & (CLONE_VM | CLONE_VFORK)) != (CLONE_VM | CLONE_VFORK)) {
		errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&stack_lock);
	char *stack = child_stack();
	long rc;
	if (stack) {
		args->stack = (uint64_t)(uintptr_t)stack;
		args->stack_size = CLONE_VM_STACK;
		rc = tare_clone3_raw(args, sizeof(*args), fn, arg);
	} else {
		rc = -errno;
	}
	pthread_mutex_unlock(&stack_lock);
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return (pid_t)rc;
#else
	(void)args;
	(void)fn;
	(void)arg;
	errno = ENOSYS;
	return -1;
#endif
}
