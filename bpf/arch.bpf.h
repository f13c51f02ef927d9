/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch.bpf.h - what the sender rule needs to know about the CPU the kernel runs
 * on: the system call a task is in (native or compat table, and its arguments),
 * and whether the current CPU is serving an interrupt.
 *
 * x86_64 and arm64 (with their 32-bit tables: ia32 and AArch32). Another
 * architecture fails to build here rather than guessing registers. Each one
 * gives the same five answers: arch_syscall_nr(), arch_syscall_arg(),
 * arch_compat(), arch_in_syscall(), and the NR64_/NR32_ numbers below.
 */
#ifndef LOOKOUT_ARCH_BPF_H
#define LOOKOUT_ARCH_BPF_H

#if defined(__TARGET_ARCH_x86)

/* Kill-family system calls and the few others the method names, by table. */
#define NR64_write		1
#define NR64_pwrite64		18
#define NR64_writev		20
#define NR64_kill		62
#define NR64_ptrace		101
#define NR64_rt_sigqueueinfo	129
#define NR64_tkill		200
#define NR64_tgkill		234
#define NR64_rt_tgsigqueueinfo	297
#define NR64_pwritev		296
#define NR64_pwritev2		328
#define NR_pidfd_send_signal	424	/* the same in both tables */

#define NR32_write		4
#define NR32_ptrace		26
#define NR32_kill		37
#define NR32_writev		146
#define NR32_rt_sigqueueinfo	178
#define NR32_pwrite64		181
#define NR32_tkill		238
#define NR32_tgkill		270
#define NR32_pwritev		334
#define NR32_rt_tgsigqueueinfo	335
#define NR32_pwritev2		379

#define TS_COMPAT		0x0002	/* thread_info.status: a 32-bit syscall is active */

/* The system call the task entered the kernel for, as the syscall entry saved
 * it. Whether it really is one (and not an exception's error code or an
 * interrupt vector in the same slot) is the caller's question: see
 * arch_in_syscall(). */
static __always_inline long arch_syscall_nr(struct pt_regs *regs)
{
	return (long)BPF_CORE_READ(regs, orig_ax);
}

/* Argument n (0-based) of the system call, for either table. */
static __always_inline long arch_syscall_arg(struct pt_regs *regs, bool compat, int n)
{
	if (compat) {
		switch (n) {
		case 0: return (long)(int)BPF_CORE_READ(regs, bx);
		case 1: return (long)(int)BPF_CORE_READ(regs, cx);
		case 2: return (long)(int)BPF_CORE_READ(regs, dx);
		default: return (long)(int)BPF_CORE_READ(regs, si);
		}
	}
	switch (n) {
	case 0: return BPF_CORE_READ(regs, di);
	case 1: return BPF_CORE_READ(regs, si);
	case 2: return BPF_CORE_READ(regs, dx);
	default: return BPF_CORE_READ(regs, r10);
	}
}

static __always_inline bool arch_compat(struct task_struct *task, struct pt_regs *regs)
{
	return task->thread_info.status & TS_COMPAT;
}

/*
 * Is the task's latest entry into the kernel a system call (asked once
 * arch_syscall_nr() gave a number that is not negative)? A compat one sets
 * TS_COMPAT until it returns. A native one comes through the SYSCALL
 * instruction, which hands the kernel the user's return address in rcx and its
 * flags in r11, saved as they were: an exception or an interrupt taken in user
 * mode leaves the user's own rcx and r11 there instead, which match only if
 * the program arranged them to, and then it gains nothing but blame.
 */
static __always_inline bool arch_in_syscall(struct pt_regs *regs, bool compat)
{
	if (compat)
		return true;
	return BPF_CORE_READ(regs, cx) == BPF_CORE_READ(regs, ip) &&
	       BPF_CORE_READ(regs, r11) == BPF_CORE_READ(regs, flags);
}

#elif defined(__TARGET_ARCH_arm64)

/* The generic table (include/uapi/asm-generic/unistd.h). */
#define NR64_write		64
#define NR64_writev		66
#define NR64_pwrite64		68
#define NR64_pwritev		70
#define NR64_ptrace		117
#define NR64_kill		129
#define NR64_tkill		130
#define NR64_tgkill		131
#define NR64_rt_sigqueueinfo	138
#define NR64_rt_tgsigqueueinfo	240
#define NR64_pwritev2		287
#define NR_pidfd_send_signal	424	/* the same in both tables */

/* AArch32 tasks (ARM EABI, arch/arm/tools/syscall.tbl). */
#define NR32_write		4
#define NR32_ptrace		26
#define NR32_kill		37
#define NR32_writev		146
#define NR32_rt_sigqueueinfo	178
#define NR32_pwrite64		181
#define NR32_tkill		238
#define NR32_tgkill		268
#define NR32_pwritev		362
#define NR32_rt_tgsigqueueinfo	363
#define NR32_pwritev2		393

#define PSR_MODE32_BIT		0x10	/* pstate: the task runs AArch32 code */

/*
 * The kernel's entry from user mode stores NO_SYSCALL (-1) in syscallno for
 * every exception and interrupt, and the SVC path then overwrites it with the
 * number: it is the system call the task is in, or negative.
 */
static __always_inline long arch_syscall_nr(struct pt_regs *regs)
{
	return (long)BPF_CORE_READ(regs, syscallno);
}

/*
 * Argument n (0-based). x0 (r0) is also where the result goes, so the entry
 * keeps the first argument in orig_x0 too. An AArch32 task's registers are
 * 32 bits wide.
 */
static __always_inline long arch_syscall_arg(struct pt_regs *regs, bool compat, int n)
{
	long v;

	switch (n) {
	case 0: v = BPF_CORE_READ(regs, orig_x0); break;
	case 1: v = BPF_CORE_READ(regs, regs[1]); break;
	case 2: v = BPF_CORE_READ(regs, regs[2]); break;
	default: v = BPF_CORE_READ(regs, regs[3]); break;
	}
	return compat ? (long)(int)v : v;
}

/* The saved user pstate says which instruction set the task left: unlike
 * the TIF_32BIT thread flag, whose bit number moves between kernels, it is
 * the architecture's own. */
static __always_inline bool arch_compat(struct task_struct *task, struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, pstate) & PSR_MODE32_BIT;
}

/* syscallno is set by the SVC path alone (above): the number the caller read
 * from it, when not negative, already says the task is in a system call. */
static __always_inline bool arch_in_syscall(struct pt_regs *regs, bool compat)
{
	return true;
}

#else
#error "lookout's sender rule knows x86_64 and arm64 registers only: see bpf/arch.bpf.h"
#endif

/*
 * In a hard or soft interrupt (or an NMI) the current task is only the one the
 * CPU happened to be running: it sent nothing. Interrupts, softirqs and NMIs
 * run on stacks of their own (x86_64 and arm64 both switch), so a tracepoint
 * fired in the task's own context exactly when the arguments the kernel built
 * for it (the program's ctx, on the kernel's stack; the program's own frame
 * may be a private per-CPU stack since 6.13) lie inside the task's kernel
 * stack, below the user registers saved at its top. The preempt count would
 * say it too, but the kernel gives BPF per-CPU symbols only with
 * CONFIG_KALLSYMS_ALL, which many kernels (this one) leave out.
 */
static __always_inline bool in_task_context(__u64 ctx_at, struct task_struct *cur,
					    struct pt_regs *regs)
{
	__u64 top = 0, base = (__u64)BPF_CORE_READ(cur, stack);

	/* An address as a number, through the helper: the verifier keeps
	 * pointers to the task's registers apart from numbers. */
	bpf_probe_read_kernel(&top, sizeof(top), &regs);
	return base && ctx_at > base && ctx_at < top;
}

/* The program's context (the tracepoint's arguments) as an address. */
static __always_inline __u64 ctx_addr(void *ctx)
{
	__u64 at = 0;

	bpf_probe_read_kernel(&at, sizeof(at), &ctx);
	return at;
}

#endif /* LOOKOUT_ARCH_BPF_H */
