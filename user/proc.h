/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc.h - what lookout reads from /proc: a process's exe and cmdline, checked
 * against the kernel's start time so a reused PID is never mistaken for the
 * process an event named; and facts about this host.
 */
#ifndef LOOKOUT_PROC_H
#define LOOKOUT_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Start time of /proc/PID in ns since boot (clock-tick precision), or -errno. */
int proc_start_time(__u32 pid, __u64 *start_ns);
/* Whether /proc/PID is still the process that started at start_ns (ns since boot). */
bool proc_is_same(__u32 pid, __u64 start_ns);
/* Copy the exe path of that process into out; "" and false when it is gone or unknown. */
bool proc_exe_if_same(__u32 pid, __u64 start_ns, char *out, size_t len);
/* Its cmdline (NUL-separated, malloc'd) if it is still that process. 0 or -errno. */
int proc_read_cmdline(__u32 pid, __u64 start_ns, char **argv, size_t *len);

/* Parse the start time (field 22, clock ticks) out of the text of /proc/PID/stat. */
int proc_parse_stat_start(const char *text, size_t len, unsigned long long *ticks);

/* The inode of a namespace of this process ("pid", "mnt"), or 0. */
__u32 proc_self_ns(const char *name);
int proc_read_boot_id(char *out, size_t len);

#endif
