/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_cache.h - what lookout learned of a process (exe, argv, mount namespace)
 * from its exec, kept until shortly after it exits: exit and signal records do
 * not carry argv, a signal's target is not the current task, and on kernels
 * before 6.16 an exit has no exe either. Keyed by pid and start time, so a
 * reused PID never inherits another process's identity.
 */
#ifndef LOOKOUT_PROC_CACHE_H
#define LOOKOUT_PROC_CACHE_H

#include <stddef.h>
#include "report.h"

#define PROC_CACHE_MAX	65536	/* processes remembered at once */
#define EXITED_KEPT	1024	/* exited processes remembered for the signals that follow */

struct proc_cache;

struct proc_cache *proc_cache_new(void);
void proc_cache_free(struct proc_cache *pc);	/* accepts NULL */

/* Remember what the view carries (an exec's exe and argv, say). */
void proc_cache_remember(struct proc_cache *pc, const struct proc_view *v);
/* It exited: remembered for EXITED_KEPT more exits, for the SIGCHLD after. */
void proc_cache_exited(struct proc_cache *pc, const struct proc_view *v);
/* Fill what the view's record did not carry from what was remembered. */
void proc_cache_complete(struct proc_cache *pc, struct proc_view *v);
/* An exit with no memory left (before 6.16) of a child that never executed:
 * its parent's exe and argv, if the parent is alive, alike and in its container. */
void proc_cache_complete_from_parent(struct proc_cache *pc, struct proc_view *v);
/* The same, reading argv from /proc while the process lives (a signal's
 * target), checked against its start time. */
void proc_cache_complete_from_proc(struct proc_cache *pc, struct proc_view *v);
/* An ancestor's exe, "" when unknown: from an exec, else /proc once. */
void proc_cache_ancestor_exe(struct proc_cache *pc, const struct lk_ancestor *a, char *out,
			     size_t len);
size_t proc_cache_size(const struct proc_cache *pc);

#endif
