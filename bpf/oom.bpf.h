/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oom.bpf.h - an OOM victim's memory cgroups, and the note that lets its exit
 * say "oom" and which limit fired.
 */
#ifndef LOOKOUT_OOM_BPF_H
#define LOOKOUT_OOM_BPF_H

/* ---- OOM ------------------------------------------------------------------------ */

/* Within this many pages of its limit, a memory cgroup's limit is the one
 * that fired: a charge fails when it would cross the limit, and reclaim may have
 * freed a little since (a charge batch is 64 pages). */
#define OOM_SLACK_PAGES 256

/*
 * The victim's memory cgroup and its parents, with usage and limit as the
 * kernel had them: the lowest one at its limit is the one whose limit fired
 * (the container's, its pod's, a --cgroup-parent's); none means the machine
 * ran out. Returns that index, or -1.
 */
static __always_inline int read_memcg_levels(struct task_struct *task, struct lk_memcg *out,
					     __u32 *nr)
{
	int ssid = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[ssid & 15]);
	int i, fired = -1;

	*nr = 0;
	for (i = 0; i < LK_MEMCG_DEPTH && css; i++) {
		struct mem_cgroup *memcg = container_of(css, struct mem_cgroup, css);

		out[i].cgroup_id = BPF_CORE_READ(css, cgroup, kn, id);
		out[i].usage_pages = BPF_CORE_READ(memcg, memory.usage.counter);
		out[i].max_pages = BPF_CORE_READ(memcg, memory.max);
		if (fired < 0 && out[i].max_pages < (1ULL << 50) &&
		    out[i].usage_pages + OOM_SLACK_PAGES >= out[i].max_pages)
			fired = i;
		*nr = i + 1;
		css = BPF_CORE_READ(css, parent);
	}
	return fired;
}

/* The OOM killer's SIGKILL is the kernel's own (no process sent it), queued
 * just before mark_victim and, since the victim takes task_lock to drop its
 * memory, always before its exit: a note on that SIGKILL, with the limit that
 * fired, lets the exit say "oom" and where, whichever ring its records travel. */
static __always_inline void note_oom(struct task_struct *task, struct lk_oom_event *e)
{
	struct note_key nk = { .pid = task->tgid, .sig = SIGKILL,
			       .start_time = task->group_leader->start_boottime };
	/* Built in this context's scratch, past where the OOM event goes. */
	struct lk_killer *k = (void *)e + KILLER_SCRATCH_OFF;
	int fired = e->fired;

	__builtin_memset(k, 0, sizeof(*k));
	k->signal_time = e->hdr.time_ns;
	k->sig = SIGKILL;
	k->flags = LK_KILLER_OOM;
	if (fired >= 0 && fired < LK_MEMCG_DEPTH)
		k->oom_limit = e->levels[fired];
	bpf_map_update_elem(&killers, &nk, k, BPF_ANY);
}

#endif /* LOOKOUT_OOM_BPF_H */
