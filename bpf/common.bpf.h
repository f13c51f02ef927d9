/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.bpf.h - what every part of the kernel side shares: the settings the
 * loader writes between open and load, and the kernel constants vmlinux.h lacks.
 */
#ifndef LOOKOUT_COMMON_BPF_H
#define LOOKOUT_COMMON_BPF_H

/* Set by the loader between open and load. */
const volatile bool report_all = false;		/* --all: host processes too */
const volatile __u32 host_pidns = 0;		/* inode of the initial PID namespace */
const volatile __u32 self_pid = 0;		/* lookout's own tgid */
const volatile bool cgroup_v1_memory = false;	/* track the v1 memory hierarchy, else v2 */
const volatile __s32 cgroup_hierarchy = 0;	/* its hierarchy id (0 = v2) */
/* --signal and --origin filters, as far as the kernel can apply them. */
const volatile __u64 signal_mask = 0;		/* bit n-1 = signal n wanted; 0 = all */
const volatile bool kernel_signals = true;	/* signals no process sent are wanted */
const volatile __u64 wakeup_bytes = 256 << 10;	/* wake the reader past this much data */

/* Written by the loader after load: a 1,024-bit filter of runtime executables'
 * inode numbers, so an exec of anything else costs two plain loads. */
#define RUNTIME_INO_WORDS 16
__u64 runtime_ino_bits[RUNTIME_INO_WORDS];

static __always_inline bool maybe_runtime_ino(__u64 ino)
{
	return runtime_ino_bits[(ino >> 6) & (RUNTIME_INO_WORDS - 1)] & (1ULL << (ino & 63));
}

/* Flags a process keeps across re-classification and passes to its children:
 * how it got into its container, and whether it runs the runtime's code. */
#define LK_PF_INHERITED	(LK_PF_JOINED | LK_PF_RUNTIME)

#define PF_EXITING	0x00000004
#define PF_IO_WORKER	0x00000010
#define PF_KTHREAD	0x00200000
#define SIGNAL_GROUP_EXIT 0x00000004
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_SIGIO	(-5)
#define POLL_IN		1
#define POLL_HUP	6

#define SIGILL		4
#define SIGTRAP		5
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGSEGV		11
#define SIGCHLD		17
#define SIGURG		23
#define SIGIO		29
#define SIGSYS		31

#endif /* LOOKOUT_COMMON_BPF_H */
