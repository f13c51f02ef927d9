// SPDX-License-Identifier: GPL-2.0
/* report.c - names for the numbers in a report: origins, signals, si_codes,
 * the kernel's signal results and the wait status. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "report.h"

const char *origin_name(enum origin o)
{
	switch (o) {
	case ORIGIN_RUNTIME:
		return "runtime";
	case ORIGIN_CONTAINER:
		return "container";
	case ORIGIN_OTHER_CONTAINER:
		return "other_container";
	case ORIGIN_HOST:
		return "host";
	case ORIGIN_KERNEL:
	default:
		return "kernel";
	}
}

/*
 * One table per vocabulary: the writers, the filters, the metrics and
 * `lookout vocabulary` (which the end-to-end tests check against their own
 * lists, so a drift fails a test) all read these.
 */
static const char *const type_names[REPORT_TYPES] = {
	[REPORT_EXEC] = "exec",
	[REPORT_EXIT] = "exit",
	[REPORT_SIGNAL] = "signal",
	[REPORT_CONTAINER_START] = "container_start",
	[REPORT_CONTAINER_EXIT] = "container_exit",
	[REPORT_OOM] = "oom",
	[REPORT_LOOKOUT_START] = "lookout_start",
	[REPORT_LOOKOUT_STOP] = "lookout_stop",
	[REPORT_LOST] = "lost",
	[REPORT_CONTAINER_UPDATE] = "container_update",
};

const char *report_type_name(enum report_type t)
{
	return (unsigned int)t < REPORT_TYPES ? type_names[t] : "unknown";
}

int report_type_from_name(const char *name)
{
	int t;

	for (t = 0; t < REPORT_TYPES; t++)
		if (name && !strcmp(name, type_names[t]))
			return t;
	return -1;
}

/* In enum lk_sig_method order, checked by its designators. */
static const char *const method_names[LK_SM_MAX] = {
	[LK_SM_KILL] = "kill",
	[LK_SM_TKILL] = "tkill",
	[LK_SM_TGKILL] = "tgkill",
	[LK_SM_RT_SIGQUEUEINFO] = "rt_sigqueueinfo",
	[LK_SM_RT_TGSIGQUEUEINFO] = "rt_tgsigqueueinfo",
	[LK_SM_PIDFD_SEND_SIGNAL] = "pidfd_send_signal",
	[LK_SM_CGROUP_KILL] = "cgroup.kill",
	[LK_SM_PTRACE] = "ptrace",
	[LK_SM_FOWN] = "fown",
	[LK_SM_IO_URING] = "io_uring",
	[LK_SM_SYSCALL] = "syscall",
};

static const char *const cause_names[CAUSE_MAX] = {
	[CAUSE_EXITED] = "exited",
	[CAUSE_RUNTIME_STOP] = "runtime_stop",
	[CAUSE_OUT_OF_BAND_KILL] = "out_of_band_kill",
	[CAUSE_CONTAINER_KILL] = "container_kill",
	[CAUSE_OOM] = "oom",
	[CAUSE_CRASH] = "crash",
	[CAUSE_KERNEL] = "kernel",
	[CAUSE_UNKNOWN] = "unknown",
	[CAUSE_KILLED] = "killed",
};

const char *cause_name(enum cause c)
{
	return (unsigned int)c < CAUSE_MAX ? cause_names[c] : "unknown";
}

const char *method_name(__u32 method)
{
	return method < LK_SM_MAX ? method_names[method] : NULL;
}

bool report_out_of_band(const struct report *r)
{
	if (r->signal)
		return r->signal->out_of_band;
	return r->killed_by && r->killed_by->out_of_band;
}

static const char *const sig_names[] = {
	[SIGHUP] = "SIGHUP",	[SIGINT] = "SIGINT",	 [SIGQUIT] = "SIGQUIT",
	[SIGILL] = "SIGILL",	[SIGTRAP] = "SIGTRAP",	 [SIGABRT] = "SIGABRT",
	[SIGBUS] = "SIGBUS",	[SIGFPE] = "SIGFPE",	 [SIGKILL] = "SIGKILL",
	[SIGUSR1] = "SIGUSR1",	[SIGSEGV] = "SIGSEGV",	 [SIGUSR2] = "SIGUSR2",
	[SIGPIPE] = "SIGPIPE",	[SIGALRM] = "SIGALRM",	 [SIGTERM] = "SIGTERM",
	[SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT",
	[SIGSTOP] = "SIGSTOP",	[SIGTSTP] = "SIGTSTP",	 [SIGTTIN] = "SIGTTIN",
	[SIGTTOU] = "SIGTTOU",	[SIGURG] = "SIGURG",	 [SIGXCPU] = "SIGXCPU",
	[SIGXFSZ] = "SIGXFSZ",	[SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
	[SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO",	 [SIGPWR] = "SIGPWR",
	[SIGSYS] = "SIGSYS",
};

const char *signal_name(int sig)
{
	static __thread char rt[16];

	if (sig > 0 && sig < (int)(sizeof(sig_names) / sizeof(sig_names[0])) && sig_names[sig])
		return sig_names[sig];
	if (sig >= 32 && sig <= 64) {
		snprintf(rt, sizeof(rt), "SIGRT%d", sig - 32);
		return rt;
	}
	return NULL;
}

/* si_code values: the generic ones (<= 0, and SI_KERNEL), then the per-signal
 * ones for the signals the kernel raises itself. */
const char *signal_code_name(int sig, int code)
{
	static const char *const segv[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR",
					    "SEGV_PKUERR", "SEGV_ACCADI", "SEGV_ADIDERR",
					    "SEGV_ADIPERR", "SEGV_MTEAERR", "SEGV_MTESERR",
					    "SEGV_CPERR" };
	static const char *const bus[] = { NULL, "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR",
					   "BUS_MCEERR_AR", "BUS_MCEERR_AO" };
	static const char *const ill[] = { NULL, "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR",
					   "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG",
					   "ILL_COPROC", "ILL_BADSTK", "ILL_BADIADDR" };
	static const char *const fpe[] = { NULL, "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV",
					   "FPE_FLTOVF", "FPE_FLTUND", "FPE_FLTRES",
					   "FPE_FLTINV", "FPE_FLTSUB" };
	static const char *const chld[] = { NULL, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
					    "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
	static const char *const poll[] = { NULL, "POLL_IN", "POLL_OUT", "POLL_MSG",
					    "POLL_ERR", "POLL_PRI", "POLL_HUP" };
	static const char *const trap[] = { NULL, "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH",
					    "TRAP_HWBKPT", "TRAP_UNK", "TRAP_PERF" };
#define PICK(t) (code > 0 && code < (int)(sizeof(t) / sizeof(t[0])) ? t[code] : NULL)

	switch (code) {
	case 0:
		return "SI_USER";
	case 0x80:
		return "SI_KERNEL";
	case -1:
		return "SI_QUEUE";
	case -2:
		return "SI_TIMER";
	case -3:
		return "SI_MESGQ";
	case -4:
		return "SI_ASYNCIO";
	case -5:
		return "SI_SIGIO";
	case -6:
		return "SI_TKILL";
	case -7:
		return "SI_DETHREAD";
	case -60:
		return "SI_ASYNCNL";
	}
	switch (sig) {
	case SIGSEGV:
		return PICK(segv);
	case SIGBUS:
		return PICK(bus);
	case SIGILL:
		return PICK(ill);
	case SIGFPE:
		return PICK(fpe);
	case SIGCHLD:
		return PICK(chld);
	case SIGIO:
		return PICK(poll);
	case SIGTRAP:
		return PICK(trap);
	case SIGSYS:
		return code == 1 ? "SYS_SECCOMP" : NULL;
	}
	return NULL;
#undef PICK
}

/* The kernel's enum trace_signal_result. */
const char *signal_result_name(int result)
{
	static const char *const names[] = { "delivered", "ignored", "already_pending",
					     "overflow", "lost_info" };

	if (result >= 0 && result < (int)(sizeof(names) / sizeof(names[0])))
		return names[result];
	return "unknown";
}

int report_exit_status(__u32 code)
{
	if (code & 0x7f)
		return 128 + (int)(code & 0x7f);
	return (int)((code >> 8) & 0xff);
}
