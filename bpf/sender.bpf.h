/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sender.bpf.h - who sent a signal, and how: the rule for "sent by a
 * process", the sender's ancestry, and the notes an exit reads its killer from.
 */
#ifndef LOOKOUT_SENDER_BPF_H
#define LOOKOUT_SENDER_BPF_H

/* ---- signals ------------------------------------------------------------------ */

/*
 * The kill family, by table: the signal argument's position, and the method.
 * A kill-family call counts only for the signal number it asked for (a
 * dying task raises SIGCHLD while its last syscall may still read kill(2)).
 */
static __always_inline enum lk_sig_method kill_family(long nr, bool compat, int *sig_arg)
{
	*sig_arg = 1;
	if (nr == NR_pidfd_send_signal)
		return LK_SM_PIDFD_SEND_SIGNAL;
	if (compat) {
		switch (nr) {
		case NR32_kill: return LK_SM_KILL;
		case NR32_tkill: return LK_SM_TKILL;
		case NR32_rt_sigqueueinfo: return LK_SM_RT_SIGQUEUEINFO;
		case NR32_tgkill: *sig_arg = 2; return LK_SM_TGKILL;
		case NR32_rt_tgsigqueueinfo: *sig_arg = 2; return LK_SM_RT_TGSIGQUEUEINFO;
		}
		return LK_SM_NONE;
	}
	switch (nr) {
	case NR64_kill: return LK_SM_KILL;
	case NR64_tkill: return LK_SM_TKILL;
	case NR64_rt_sigqueueinfo: return LK_SM_RT_SIGQUEUEINFO;
	case NR64_tgkill: *sig_arg = 2; return LK_SM_TGKILL;
	case NR64_rt_tgsigqueueinfo: *sig_arg = 2; return LK_SM_RT_TGSIGQUEUEINFO;
	}
	return LK_SM_NONE;
}

static __always_inline bool is_ptrace(long nr, bool compat)
{
	return nr == (compat ? NR32_ptrace : NR64_ptrace);
}

static __always_inline bool is_write(long nr, bool compat)
{
	if (compat)
		return nr == NR32_write || nr == NR32_writev || nr == NR32_pwrite64 ||
		       nr == NR32_pwritev || nr == NR32_pwritev2;
	return nr == NR64_write || nr == NR64_writev || nr == NR64_pwrite64 ||
	       nr == NR64_pwritev || nr == NR64_pwritev2;
}

/*
 * The siginfo argument as a number. SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1)
 * are markers, not pointers, but the verifier takes a tp_btf pointer argument
 * for a valid one and would drop a comparison with 0 as always false: read it
 * through the helper, and read the siginfo itself only with helpers too.
 */
#define SEND_SIG_NOINFO	0UL
#define SEND_SIG_PRIV	1UL

static __always_inline unsigned long info_value(struct kernel_siginfo *info)
{
	unsigned long v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &info);
	return v;
}

static __always_inline int signal_code(unsigned long info)
{
	if (info == SEND_SIG_NOINFO)
		return SI_USER;
	if (info == SEND_SIG_PRIV)
		return SI_KERNEL;
	return BPF_CORE_READ((struct kernel_siginfo *)info, si_code);
}

/* Raised through a file's owner (F_SETOWN): SIGIO or SIGURG without a
 * siginfo, or the F_SETSIG signal with an I/O band code. */
static __always_inline bool fown_shaped(int sig, unsigned long info, int code)
{
	if (info == SEND_SIG_PRIV)
		return sig == SIGIO || sig == SIGURG;
	return info > SEND_SIG_PRIV && (code == SI_SIGIO || (code >= POLL_IN && code <= POLL_HUP));
}

/* Signals the kernel raises for reasons of its own even inside another task's
 * system call: a child's stop or continue (SIGCHLD), faults and hardware
 * errors sent to other processes (memory failure), and the OOM killer's
 * SIGKILL, which it sends without a siginfo from the allocating task. */
static __always_inline bool kernel_reason(int sig, unsigned long info)
{
	switch (sig) {
	case SIGCHLD:
	case SIGSEGV:
	case SIGBUS:
	case SIGILL:
	case SIGFPE:
	case SIGTRAP:
	case SIGSYS:
		return true;
	case SIGKILL:
		return info == SEND_SIG_PRIV;
	}
	return false;
}

/*
 * Did the current process send this signal, and how? The rule: a signal the
 * kernel generates inside a user process's system call, for a process other
 * than itself, was sent by that process, whatever the system call (cgroup.kill,
 * ptrace, F_SETOWN, the compat table's kill, ...). A kill-family call for this
 * very signal counts even when aimed at itself. Never in an interrupt (the task
 * was only what the CPU was running), never from an exiting task (SIGCHLD and
 * the parent-death signal), never for the kernel's own reasons (above). si_code
 * proves nothing: rt_sigqueueinfo forges it.
 */
/* signal_method()'s answer, packed: a global function returns one scalar. */
#define SM_METHOD(r)	((r) & 0xff)
#define SM_COMPAT	(1 << 8)
#define SM_NR(r)	((int)(((r) >> 16) & 0x7fff) - 1)	/* -1: not in a syscall */

/*
 * A global function, verified once: inlined, each method it can return led the
 * verifier through the rest of the signal program again (seconds to load).
 * The current task is the sender; ctx_at is where the tracepoint's arguments
 * lie (see in_task_context()).
 */
__noinline int signal_method(__u64 ctx_at, int sig, __u64 info, __u32 target_tgid)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	enum lk_sig_method kf, m = LK_SM_NONE;
	struct pt_regs *regs;
	bool compat, other;
	int arg, r = 0;
	long nr;

	if (cur->flags & (PF_EXITING | PF_KTHREAD))
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(cur);
	if (!regs || !in_task_context(ctx_at, cur, regs))
		return 0;
	other = target_tgid != cur->tgid;
	/* An io_uring worker is a thread of the process that queued the work. */
	if (cur->flags & PF_IO_WORKER)
		return other && !kernel_reason(sig, info) ? LK_SM_IO_URING : 0;
	compat = arch_compat(cur, regs);
	nr = arch_syscall_nr(regs);
	if (nr < 0 || nr > 0x7ffe || !arch_in_syscall(regs, compat))
		return 0;
	r = (int)((nr + 1) << 16) | (compat ? SM_COMPAT : 0);
	kf = kill_family(nr, compat, &arg);
	if (kf != LK_SM_NONE && (int)arch_syscall_arg(regs, compat, arg) == sig)
		m = kf;
	else if (!other || kernel_reason(sig, info))
		m = LK_SM_NONE;
	else if (fown_shaped(sig, info, signal_code(info)))
		m = LK_SM_FOWN;
	else if (is_ptrace(nr, compat))
		m = LK_SM_PTRACE;
	else if (sig == SIGKILL && info == SEND_SIG_NOINFO && is_write(nr, compat))
		m = LK_SM_CGROUP_KILL;
	else
		m = LK_SM_SYSCALL;
	return r | m;
}

/* Parents of the sender, up to the first runtime component or PID 1. */
/* A global function (verified once, not inline in the signal handler); the
 * task arrives as an address read with BPF_CORE_READ. */
__noinline int read_ancestry(struct lk_signal_event *e, __u64 parent_addr)
{
	struct task_struct *t = (struct task_struct *)parent_addr;
	int i;

	if (!e)
		return 0;
	for (i = 0; i < LK_ANCESTRY_MAX; i++) {
		struct lk_ancestor *a = &e->ancestry[i];
		struct file *exe;

		if (!t)
			break;
		a->pid = BPF_CORE_READ(t, tgid);
		if (!a->pid)
			break;
		a->start_time = BPF_CORE_READ(t, start_boottime);
		BPF_CORE_READ_STR_INTO(&a->comm, t, comm);
		exe = BPF_CORE_READ(t, mm, exe_file);
		if (exe) {
			a->exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
			a->exe_dev = inode_dev(BPF_CORE_READ(exe, f_inode));
		}
		if (ancestor_is_runtime(a))
			a->flags |= LK_PF_RUNTIME;
		e->nr_ancestors = i + 1;
		if ((a->flags & LK_PF_RUNTIME) || a->pid == 1)
			break;
		t = BPF_CORE_READ(t, real_parent);
	}
	return 0;
}

static __always_inline bool same_container(struct lk_ckey *a, struct lk_ckey *b)
{
	return a->kind != LK_CK_HOST && a->kind == b->kind && a->id == b->id &&
	       !(a->flags & LK_PF_ENTERED);
}

/* Remember who sent a queued signal, per target and signal, so the target's
 * exit can name them. The target raising the same signal again itself (a
 * handler that resets it to the default and re-raises, as glibc's manual and
 * Go's runtime do) keeps the outside sender's note and marks it re-raised. */
static __always_inline void note_killer(struct lk_signal_event *e, bool crossing)
{
	struct note_key nk = { .pid = e->target.pid, .sig = e->sig,
			       .start_time = e->target.start_time };
	/* Built in the scratch area past the event: too big for the stack. */
	struct lk_killer *k = (void *)e + KILLER_SCRATCH_OFF, *prev;

	prev = bpf_map_lookup_elem(&killers, &nk);
	if (prev && e->sender.pid == e->target.pid && prev->sender.pid != e->target.pid) {
		prev->flags |= LK_KILLER_RERAISED;	/* only this bit is ever added */
		return;
	}
	k->signal_time = e->hdr.time_ns;
	k->sig = e->sig;
	k->flags = crossing ? LK_KILLER_CROSSING : 0;
	k->how = e->how;
	k->method = e->method;
	k->sender = e->sender;
	k->sender.exe.off = k->sender.exe.len = 0;
	k->sender.argv.off = k->sender.argv.len = 0;
	bpf_map_update_elem(&killers, &nk, k, BPF_ANY);
}

#endif /* LOOKOUT_SENDER_BPF_H */
