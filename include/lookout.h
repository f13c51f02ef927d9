/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lookout.h - the records the BPF programs write and the loader reads.
 *
 * Everything both sides need lives here once: sizes, enums, flags and the
 * wire format of each event. The BPF side includes vmlinux.h first, userspace
 * includes <linux/types.h>; either way only fixed-width __u* types are used,
 * so the layout is the same on both sides.
 *
 * Events are variable-length: a fixed part followed by a string tail. Each
 * string in the tail is described by a struct lk_str (offset from the start
 * of the record, length without NUL), so an event costs only the bytes it
 * carries, and a reader can never index past the record it was handed.
 */
#ifndef LOOKOUT_H
#define LOOKOUT_H

#define LK_COMM_LEN		16
#define LK_TTY_LEN		16
#define LK_PATH_MAX		256	/* exe and filename, bytes incl. NUL */
#define LK_ARGV_MAX		1024	/* argument bytes carried per exec */
#define LK_PATH_DEPTH		24	/* dentry and mount hops walked for a path */
#define LK_ANCESTRY_MAX		8	/* parents recorded for a signal's sender */
#define LK_TAIL_MAX		2048	/* string tail of one event, bytes */
#define LK_MEMCG_DEPTH		8	/* memory cgroups read for an OOM victim, leaf up */
#define LK_RECORD_MAX		8192	/* one record, bytes: the kernel builds it in this much */

/* Event types: the first field of every record. */
enum lk_event_type {
	LK_EV_EXEC = 1,
	LK_EV_EXIT,
	LK_EV_SIGNAL,
	LK_EV_OOM,
	LK_EV_CGROUP_MKDIR,	/* a cgroup appeared: userspace must classify it */
	LK_EV_CGROUP_RMDIR,	/* a container cgroup went away */
};

/* How a process relates to containers, as the kernel decided it. */
enum lk_ckind {
	LK_CK_HOST = 0,		/* no container */
	LK_CK_CGROUP,		/* in a container cgroup; key is the cgroup id */
	LK_CK_PIDNS,		/* in a PID namespace no container cgroup claims */
};

/* struct lk_proc.flags */
#define LK_PF_PENDING		(1u << 0)	/* its cgroup is new and not yet classified */
#define LK_PF_ENTERED		(1u << 1)	/* in a container's pidns, not in its cgroup */
#define LK_PF_JOINED		(1u << 2)	/* joined a running container from outside (docker exec) */
#define LK_PF_RUNTIME		(1u << 3)	/* runs a container runtime's executable */
#define LK_PF_SELF		(1u << 4)	/* lookout itself */
#define LK_PF_EXE_TRUNC		(1u << 6)	/* exe path deeper than LK_PATH_DEPTH */
#define LK_PF_NO_MM		(1u << 7)	/* mm already gone: exe unknown here */
#define LK_PF_ARGV_TRUNC	(1u << 8)	/* argv longer than LK_ARGV_MAX: cut */

/* Values of the cgroups map: the verdict on one cgroup of the tracked hierarchy. */
enum lk_cgroup_verdict {
	LK_CG_PENDING = 1,	/* created while running, not yet classified */
	LK_CG_CONTAINER,
};

/* Counters in the per-CPU stats map. */
enum lk_stat {
	LK_STAT_DROP_EVENTS = 0,	/* ring buffer `events` full */
	LK_STAT_DROP_ALERTS,		/* ring buffer `alerts` full */
	LK_STAT_EMITTED,		/* records written */
	LK_STAT_TRACK_FULL,		/* tracked map full: process untracked */
	LK_STAT_DROP_CGROUPS,		/* ring buffer `cgroup_events` full */
	LK_STAT_CGROUPS_FULL,		/* cgroups map full: a new cgroup went unrecorded */
	LK_STAT_MAX,
};

/* The buffers of the lost_by_container map's keys (lk_ckey.flags there). */
enum lk_lost_buffer {
	LK_LOST_EVENTS = 0,
	LK_LOST_ALERTS,
};

/* Where a string lives in the record's tail. */
struct lk_str {
	__u16 off;
	__u16 len;
};

/* Header of every record. */
struct lk_hdr {
	__u32 type;		/* enum lk_event_type */
	__u32 size;		/* whole record, bytes */
	__u64 time_ns;		/* bpf_ktime_get_boot_ns() when it happened */
};

/* An executable as the kernel knows it: the key of the runtime_exes map, and
 * what the key_open_files iterator reports for each of lookout's open files. */
struct lk_exe_key {
	__u64 ino;
	__u32 dev;		/* stat()'s device: the superblock's, a btrfs subvolume's */
	__u32 pad;
};

/* One record of the key_open_files iterator. */
struct lk_fd_key {
	__u32 fd;
	__u32 pad;
	struct lk_exe_key key;
};

/* Key of the tracked map: pid plus start time, so a reused PID never matches. */
struct lk_pkey {
	__u32 pid;
	__u32 pad;
	__u64 start_time;
};

/* Which container a process belongs to. */
struct lk_ckey {
	__u64 id;		/* cgroup id (LK_CK_CGROUP) or pidns inode (LK_CK_PIDNS) */
	__u32 kind;		/* enum lk_ckind */
	__u32 flags;		/* LK_PF_PENDING, LK_PF_ENTERED, LK_PF_JOINED */
};

/* A key and value of lost_by_container, as userspace takes them out. */
struct lk_lost_entry {
	struct lk_ckey key;	/* flags: enum lk_lost_buffer */
	__u64 count;
};

/* Identity of a process at the moment of an event. */
struct lk_proc {
	__u64 start_time;	/* ns since boot */
	__u64 cgroup_id;	/* in the tracked hierarchy */
	__u64 exe_ino;
	struct lk_ckey ckey;
	__u32 pid;		/* tgid, host namespace */
	__u32 tid;
	__u32 ns_pid;
	__u32 ppid;
	__u32 uid, euid, gid;
	__u32 auid, session;	/* (u32)-1 when unset */
	__u32 pidns, mntns;
	__u32 exe_dev;		/* kernel dev_t of the executable's superblock */
	__u32 flags;		/* LK_PF_* */
	__u32 ns_level;		/* depth of its PID namespace: 0 is the initial one */
	char comm[LK_COMM_LEN];
	char tty[LK_TTY_LEN];
	struct lk_str exe;
	struct lk_str argv;	/* NUL-separated; carried by exec and a signal's sender */
};

struct lk_exec_event {
	struct lk_hdr hdr;
	struct lk_proc proc;
	struct lk_str filename;
	char tail[];
};

/* One memory cgroup of an OOM victim's, as the kernel had it when the OOM
 * killer chose the victim. Sizes are in pages (userspace knows the page size). */
struct lk_memcg {
	__u64 cgroup_id;
	__u64 usage_pages;
	__u64 max_pages;	/* huge when unlimited */
};

/* lk_killer.flags */
#define LK_KILLER_CROSSING	(1u << 0)	/* sent from outside the target's container */
#define LK_KILLER_RERAISED	(1u << 1)	/* the target raised the same signal again itself */
#define LK_KILLER_OOM		(1u << 2)	/* the kernel's OOM killer chose it: no sender */

/* The last process-sent signal that was queued for a process, with its sender as
 * the kernel saw it: kept by the kernel so an exit can name its killer in full
 * even when the signal's own event was lost or went through the other buffer. */
struct lk_killer {
	__u64 signal_time;	/* lk_hdr.time_ns of that signal event */
	__u32 sig;
	__u32 flags;		/* LK_KILLER_* */
	__u32 how;		/* that signal's lk_signal_event.how */
	__u32 method;		/* and its enum lk_sig_method */
	struct lk_memcg oom_limit;	/* LK_KILLER_OOM: the limit that fired; id 0 = none (global) */
	struct lk_proc sender;	/* exe and argv are not kept: their offsets are 0 */
};

struct lk_exit_event {
	struct lk_hdr hdr;
	struct lk_proc proc;
	struct lk_killer killer;	/* pid 0 when none */
	__u32 code;		/* wait status: exit code << 8 | core 0x80 | signal */
	__u32 last_in_container;	/* no tracked process of its container is left */
	char tail[];
};

struct lk_ancestor {
	__u64 start_time;
	__u64 exe_ino;
	__u32 pid;
	__u32 exe_dev;
	__u32 flags;		/* LK_PF_RUNTIME */
	__u32 pad;
	char comm[LK_COMM_LEN];
};

/* struct lk_signal_event.how */
#define LK_SIG_BY_SYSCALL	(1u << 0)	/* a process sent it (method says how) */
#define LK_SIG_COMPAT		(1u << 1)	/* through the 32-bit compat system call table */
#define LK_SIG_RUNTIME_EXE	(1u << 2)	/* the sender runs a runtime's executable */

/*
 * How a process made a signal (struct lk_signal_event.method): the system call
 * it was in when the kernel generated the signal for another process. NONE for
 * the kernel's own signals. One table of names in userspace follows this order.
 */
enum lk_sig_method {
	LK_SM_NONE = 0,
	LK_SM_KILL,
	LK_SM_TKILL,
	LK_SM_TGKILL,
	LK_SM_RT_SIGQUEUEINFO,
	LK_SM_RT_TGSIGQUEUEINFO,
	LK_SM_PIDFD_SEND_SIGNAL,
	LK_SM_CGROUP_KILL,	/* a write of 1 to cgroup.kill */
	LK_SM_PTRACE,		/* PTRACE_KILL, PTRACE_ATTACH's SIGSTOP */
	LK_SM_FOWN,		/* F_SETOWN/F_SETSIG: I/O, lease or dnotify on another's file */
	LK_SM_IO_URING,		/* an io_uring worker acting for its process */
	LK_SM_SYSCALL,		/* another system call (lk_signal_event.syscall) */
	LK_SM_MAX,
};

struct lk_signal_event {
	struct lk_hdr hdr;
	struct lk_proc sender;
	struct lk_proc target;
	__s32 sig;
	__s32 code;		/* si_code, SI_USER for SEND_SIG_NOINFO, SI_KERNEL for SEND_SIG_PRIV */
	__s32 result;		/* the kernel's enum trace_signal_result */
	__u32 group;
	__u32 how;		/* LK_SIG_* */
	__s32 syscall;		/* sender's syscall number, -1 outside one */
	__u32 nr_ancestors;
	__u32 method;		/* enum lk_sig_method */
	struct lk_ancestor ancestry[LK_ANCESTRY_MAX];
	char tail[];
};

struct lk_oom_event {
	struct lk_hdr hdr;
	struct lk_proc proc;	/* the victim; pid only on kernels whose tracepoint has no task */
	struct lk_memcg levels[LK_MEMCG_DEPTH];	/* its memory cgroup, then each parent */
	__u32 nr_levels;
	__s32 fired;		/* index of the limit that fired, -1: none (global OOM) */
	char tail[];
};

/* struct lk_cgroup_event.flags */
#define LK_CGF_UNRECORDED	(1u << 0)	/* mkdir: the cgroups map was full, no entry made */

struct lk_cgroup_event {
	struct lk_hdr hdr;
	__u64 cgroup_id;
	struct lk_str path;
	__u32 flags;		/* LK_CGF_* */
	char tail[];
};

#endif /* LOOKOUT_H */
