// SPDX-License-Identifier: GPL-2.0
/* verdict.c - origin and out of band, from the record and the resolved
 * containers alone (see verdict.h). */
#include <signal.h>
#include "verdict.h"

/*
 * Who sent it. The runtime only from outside every container: a process in a
 * container (its cgroup or its PID namespace) is never the runtime, whatever
 * program it runs, so a container cannot borrow the runtime's pass by running
 * a copy of runc, or by re-executing itself from a memfd under the shim.
 */
enum origin verdict_origin(const struct signal_view *s)
{
	const struct lk_proc *sender = s->sender.k;
	bool entered = sender->flags & LK_PF_ENTERED;

	if (!(s->k->how & LK_SIG_BY_SYSCALL))
		return ORIGIN_KERNEL;
	if ((s->k->how & LK_SIG_RUNTIME_EXE) && !s->sender.c && !entered)
		return ORIGIN_RUNTIME;
	/* A host process that joined a container's namespaces is still the host. */
	if (!s->sender.c || entered)
		return ORIGIN_HOST;
	if (s->sender.c == s->target.c)
		return ORIGIN_CONTAINER;
	return ORIGIN_OTHER_CONTAINER;
}

/* Out of band is about containers: into one, from outside it. A signal to a
 * host process never is, and one to lookout itself is tampering instead. */
bool verdict_out_of_band(const struct signal_view *s)
{
	if (!s->target.c || (s->k->target.flags & LK_PF_SELF))
		return false;
	return s->origin == ORIGIN_HOST || s->origin == ORIGIN_OTHER_CONTAINER;
}

bool verdict_tamper(const struct lk_signal_event *k)
{
	if (!(k->target.flags & LK_PF_SELF))
		return false;
	/* the live view follows its terminal: a resize is not an attack */
	return !(k->sig == SIGWINCH && k->code == SI_KERNEL);
}

/* Signals a process gets for its own faults. */
static bool fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE;
}

enum cause verdict_cause(__u32 code, const struct lk_killer *note,
			 const struct signal_view *killer)
{
	int sig = code & 0x7f;

	if (!sig)
		return CAUSE_EXITED;
	if (note && note->sig == (__u32)sig && (note->flags & LK_KILLER_OOM))
		return CAUSE_OOM;
	if (!killer)
		return fault_signal(sig) ? CAUSE_CRASH : CAUSE_KERNEL;
	/* abort() raises SIGABRT at itself: a crash, not a kill. A re-raise
	 * names the outside sender, so it is judged by that sender below. */
	if (sig == SIGABRT && killer->sender.k->pid == killer->target.k->pid)
		return CAUSE_CRASH;
	if (!killer->target.c)
		return CAUSE_KILLED;	/* a host process: no container to be in band of */
	switch (killer->origin) {
	case ORIGIN_RUNTIME:
		return CAUSE_RUNTIME_STOP;
	case ORIGIN_HOST:
	case ORIGIN_OTHER_CONTAINER:
		return CAUSE_OUT_OF_BAND_KILL;
	case ORIGIN_CONTAINER:
		return CAUSE_CONTAINER_KILL;
	case ORIGIN_KERNEL:
	default:
		return CAUSE_KERNEL;
	}
}
