// SPDX-License-Identifier: GPL-2.0
/* proc_cache.c - what lookout learned of each process, by pid and start time
 * (see proc_cache.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "proc.h"
#include "proc_cache.h"

#define PROC_BUCKETS	4096

/* What an exec told us about a process, kept until it exits: exit and signal
 * records do not carry argv, and on older kernels exit has no exe either. */
struct proc_entry {
	struct proc_entry *next;
	__u32 pid;
	__u64 start_time;
	char *exe;
	size_t exe_len;
	bool exe_truncated;
	char *argv;
	size_t argv_len;
	bool argv_truncated;
	__u32 mntns;
	bool exited;
	bool exe_known;		/* exe (maybe NULL: gone) was looked up */
	struct lk_ckey ckey;	/* its container, and comm, when an event showed them */
	char comm[LK_COMM_LEN];
};

struct proc_cache {
	struct proc_entry *procs[PROC_BUCKETS];
	size_t nr_procs;
	/* An exit is followed by SIGCHLD "from" the exited task, which by then has
	 * no mm or namespaces: keep the last exited processes a little longer. */
	struct lk_pkey exited[EXITED_KEPT];
	size_t exited_next;
};

/* By pid alone, so a child can find its parent (whose start time it does not know). */
static unsigned int proc_hash(__u32 pid, __u64 start)
{
	(void)start;
	return (pid * 2654435761u) % PROC_BUCKETS;
}

static struct proc_entry **proc_find(struct proc_cache *pc, __u32 pid, __u64 start)
{
	struct proc_entry **pp = &pc->procs[proc_hash(pid, start)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->pid == pid && (*pp)->start_time == start)
			return pp;
	return pp;
}

static char *dup_bytes(struct bytes b)
{
	char *p;

	if (!b.ptr)
		return NULL;
	p = malloc(b.len + 1);
	if (!p)
		return NULL;
	memcpy(p, b.ptr, b.len);
	p[b.len] = '\0';
	return p;
}

static void proc_entry_free(struct proc_entry *e)
{
	if (!e)
		return;
	free(e->exe);
	free(e->argv);
	free(e);
}

/* The entry of that process, made empty when there is none; NULL when the
 * cache is full (or out of memory). */
static struct proc_entry *proc_get(struct proc_cache *pc, __u32 pid, __u64 start)
{
	struct proc_entry **pp = proc_find(pc, pid, start), *e = *pp;

	if (e)
		return e;
	if (pc->nr_procs >= PROC_CACHE_MAX)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pid = pid;
	e->start_time = start;
	*pp = e;
	pc->nr_procs++;
	return e;
}

/* proc_cache_remember(), answering with the entry (NULL: the cache is full). */
static struct proc_entry *remember(struct proc_cache *pc, const struct proc_view *v)
{
	struct proc_entry *e = proc_get(pc, v->k->pid, v->k->start_time);

	if (!e)
		return NULL;
	if (v->exe.ptr && v->exe.ptr != e->exe) {
		e->exe_known = true;
		free(e->exe);
		e->exe = dup_bytes(v->exe);
		e->exe_len = e->exe ? v->exe.len : 0;
		e->exe_truncated = v->exe_truncated;
	}
	if (v->mntns)
		e->mntns = v->mntns;
	e->ckey = v->k->ckey;
	memcpy(e->comm, v->k->comm, sizeof(e->comm));
	if (v->argv.ptr && v->argv.ptr != e->argv) {
		free(e->argv);
		e->argv = dup_bytes(v->argv);
		e->argv_len = e->argv ? v->argv.len : 0;
		e->argv_truncated = v->argv_truncated;
	}
	return e;
}

void proc_cache_remember(struct proc_cache *pc, const struct proc_view *v)
{
	remember(pc, v);
}

static void proc_forget(struct proc_cache *pc, __u32 pid, __u64 start)
{
	struct proc_entry **pp = proc_find(pc, pid, start), *e = *pp;

	if (!e || !e->exited)
		return;
	*pp = e->next;
	proc_entry_free(e);
	pc->nr_procs--;
}

/* Mark a process exited; it is forgotten EXITED_KEPT exits later. */
void proc_cache_exited(struct proc_cache *pc, const struct proc_view *v)
{
	struct lk_pkey *slot = &pc->exited[pc->exited_next++ % EXITED_KEPT];
	struct proc_entry *e;

	if (slot->pid)
		proc_forget(pc, slot->pid, slot->start_time);
	e = remember(pc, v);
	if (!e)
		return;
	e->exited = true;
	slot->pid = v->k->pid;
	slot->start_time = v->k->start_time;
}

/* Fill what a record did not carry from what an earlier exec told us. */
void proc_cache_complete(struct proc_cache *pc, struct proc_view *v)
{
	struct proc_entry *e = *proc_find(pc, v->k->pid, v->k->start_time);

	if (!e)
		return;
	if (!v->exe.ptr && e->exe) {
		v->exe.ptr = e->exe;
		v->exe.len = e->exe_len;
		v->exe_truncated = e->exe_truncated;
	}
	if (!v->argv.ptr && e->argv) {
		v->argv.ptr = e->argv;
		v->argv.len = e->argv_len;
		v->argv_truncated = e->argv_truncated;
	}
	if (!v->mntns)
		v->mntns = e->mntns;
}

/*
 * A child that never executed anything runs its parent's program. Before Linux 6.16 its
 * exit comes when its memory is gone (no exe, no argv to read) and no exec told us
 * about it: take them from its parent's entry, the newest live one of that pid that
 * started before it, in the same container and with the same comm (a reaper that
 * adopted an orphan usually runs something else).
 */
void proc_cache_complete_from_parent(struct proc_cache *pc, struct proc_view *v)
{
	const struct lk_proc *k = v->k;
	struct proc_entry *e, *best = NULL;

	if (v->exe.ptr || v->argv.ptr || !(k->flags & LK_PF_NO_MM) || !k->ppid)
		return;
	for (e = pc->procs[proc_hash(k->ppid, 0)]; e; e = e->next) {
		if (e->pid == k->ppid && !e->exited && e->start_time < k->start_time &&
		    (!best || e->start_time > best->start_time))
			best = e;
	}
	if (!best || best->ckey.kind != k->ckey.kind || best->ckey.id != k->ckey.id ||
	    strncmp(best->comm, k->comm, sizeof(best->comm)))
		return;
	if (best->exe) {
		v->exe.ptr = best->exe;
		v->exe.len = best->exe_len;
		v->exe_truncated = best->exe_truncated;
	}
	if (best->argv) {
		v->argv.ptr = best->argv;
		v->argv.len = best->argv_len;
		v->argv_truncated = best->argv_truncated;
	}
}

/* A signal's target is not the current task, so the kernel could not read its
 * arguments: take them from /proc while it lives (checked against its start
 * time) and remember them. */
void proc_cache_complete_from_proc(struct proc_cache *pc, struct proc_view *v)
{
	char *argv = NULL;
	size_t len = 0;

	if (v->argv.ptr || proc_read_cmdline(v->k->pid, v->k->start_time, &argv, &len))
		return;
	v->argv.ptr = argv;
	v->argv.len = len;
	proc_cache_remember(pc, v);
	free(argv);
	v->argv.ptr = NULL;
	proc_cache_complete(pc, v);
}

/* An ancestor's exe: what an exec showed, else /proc once (checked against its
 * start time), remembered either way: the same shells send signal after signal. */
void proc_cache_ancestor_exe(struct proc_cache *pc, const struct lk_ancestor *a, char *out, size_t len)
{
	struct proc_entry *e = *proc_find(pc, a->pid, a->start_time);

	out[0] = '\0';
	if (e && e->exe_known) {
		snprintf(out, len, "%s", e->exe ? e->exe : "");
		return;
	}
	proc_exe_if_same(a->pid, a->start_time, out, len);
	e = proc_get(pc, a->pid, a->start_time);
	if (!e)
		return;
	free(e->exe);
	e->exe = out[0] ? strdup(out) : NULL;
	e->exe_len = e->exe ? strlen(e->exe) : 0;
	e->exe_known = true;
}

struct proc_cache *proc_cache_new(void)
{
	return calloc(1, sizeof(struct proc_cache));
}

void proc_cache_free(struct proc_cache *pc)
{
	size_t i;

	if (!pc)
		return;
	for (i = 0; i < PROC_BUCKETS; i++) {
		struct proc_entry *e = pc->procs[i], *next;

		for (; e; e = next) {
			next = e->next;
			proc_entry_free(e);
		}
	}
	free(pc);
}

size_t proc_cache_size(const struct proc_cache *pc)
{
	return pc->nr_procs;
}
