/* SPDX-License-Identifier: GPL-2.0 */
/*
 * identity.bpf.h - who a process is and which container it belongs to: its
 * PID namespace, its cgroup, the tracked map and the per-container counts.
 */
#ifndef LOOKOUT_IDENTITY_BPF_H
#define LOOKOUT_IDENTITY_BPF_H

/* ---- process identity ---------------------------------------------------- */

/*
 * The hot helpers below (run for every process event, host ones included)
 * read through the BTF-typed pointers tp_btf and iterator programs get, with
 * plain CO-RE field loads: the verifier turns them into guarded loads, far
 * cheaper than a bpf_probe_read_kernel() call per hop. Only the variable
 * index into pid->numbers[] needs a helper.
 */
static __always_inline struct upid task_upid(struct task_struct *task)
{
	struct pid *pid = task->thread_pid;
	struct upid up = {};
	__u32 level;

	if (!pid)
		return up;
	level = pid->level;
	bpf_core_read(&up, sizeof(up), &pid->numbers[level & 31]);
	return up;
}

/* The PID namespace through thread_pid: nsproxy is already NULL during exit. */
static __always_inline __u32 task_pidns(struct task_struct *task)
{
	struct upid up = task_upid(task);

	return up.ns ? BPF_CORE_READ(up.ns, ns.inum) : 0;	/* up.ns came from a helper */
}

static __always_inline __u64 task_cgroup_id(struct task_struct *task)
{
	struct cgroup *cg;
	int ssid;

	if (cgroup_v1_memory) {
		ssid = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
		cg = task->cgroups->subsys[ssid & 15]->cgroup;
	} else {
		cg = task->cgroups->dfl_cgrp;
	}
	return cg ? cg->kn->id : 0;
}

static __always_inline bool is_self(struct task_struct *task)
{
	return self_pid && task->tgid == self_pid;
}

/* Membership from first principles: the cgroup decides, then the PID namespace. */
static __always_inline struct lk_ckey classify(struct task_struct *task, __u64 cgid, __u32 pidns)
{
	struct lk_ckey key = {};
	struct lk_ckey *owner;
	__u32 *verdict;

	verdict = bpf_map_lookup_elem(&cgroups, &cgid);
	if (verdict) {
		key.kind = LK_CK_CGROUP;
		key.id = cgid;
		if (*verdict == LK_CG_PENDING)
			key.flags |= LK_PF_PENDING;
		return key;
	}
	if (!pidns || pidns == host_pidns)
		return key;
	owner = bpf_map_lookup_elem(&pidns_owner, &pidns);
	if (owner) {
		key = *owner;
		key.flags = LK_PF_ENTERED;
		return key;
	}
	key.kind = LK_CK_PIDNS;
	key.id = pidns;
	return key;
}

static __always_inline struct lk_pkey pkey_of(struct task_struct *task)
{
	struct lk_pkey k = {};

	k.pid = task->tgid;
	k.start_time = task->group_leader->start_boottime;
	return k;
}

static __always_inline void members_add(struct lk_ckey *ckey, __s64 n)
{
	struct lk_ckey k = { .id = ckey->id, .kind = ckey->kind };
	__s64 *count, zero = 0;

	count = bpf_map_lookup_elem(&members, &k);
	if (!count && n > 0) {
		/* Two CPUs may both find no entry: one insert wins, and both
		 * then add to the one that is there, so no count is lost. */
		bpf_map_update_elem(&members, &k, &zero, BPF_NOEXIST);
		count = bpf_map_lookup_elem(&members, &k);
	}
	if (count)
		__sync_fetch_and_add(count, n);
}

/* Remember a container's PID namespace the first time one of its processes is seen in it. */
static __always_inline void note_pidns_owner(struct lk_ckey *ckey, __u32 pidns)
{
	struct lk_ckey owner = { .id = ckey->id, .kind = ckey->kind };

	if (ckey->kind != LK_CK_CGROUP || (ckey->flags & LK_PF_PENDING))
		return;
	if (!pidns || pidns == host_pidns)
		return;
	bpf_map_update_elem(&pidns_owner, &pidns, &owner, BPF_NOEXIST);
	bpf_map_update_elem(&init_pidns, &owner, &pidns, BPF_NOEXIST);
}

/* Is this the init of its container (or sandbox), whose end is the container's? */
static __always_inline bool container_init(struct lk_ckey *ckey, struct lk_proc *p)
{
	struct lk_ckey k = { .id = ckey->id, .kind = ckey->kind };
	__u32 *pidns;

	if (p->ns_pid != 1 || p->pidns == host_pidns)
		return false;
	if (ckey->kind == LK_CK_PIDNS)
		return ckey->id == p->pidns;
	pidns = bpf_map_lookup_elem(&init_pidns, &k);
	return pidns && *pidns == p->pidns;
}

/*
 * Store (or drop) a process's membership; keeps the per-container counts right.
 * Fork and seeding can meet the same new process at once, each believing it is
 * the first: only the one whose insert creates the entry counts it, and only a
 * delete that removes one uncounts it.
 */
static __always_inline void track_set(struct lk_pkey *pk, struct lk_ckey *old, struct lk_ckey *new)
{
	bool same = old && old->kind == new->kind && old->id == new->id;

	if (new->kind == LK_CK_HOST) {
		if (old && !bpf_map_delete_elem(&tracked, pk))
			members_add(old, -1);
		return;
	}
	if (!old) {
		long err = bpf_map_update_elem(&tracked, pk, new, BPF_NOEXIST);

		if (!err)
			members_add(new, 1);
		else if (err != -17)	/* -EEXIST: the other path counted it */
			stat_inc(LK_STAT_TRACK_FULL);
		return;
	}
	if (bpf_map_update_elem(&tracked, pk, new, BPF_EXIST)) {
		/* Gone meanwhile (its exit ran): nothing to move. */
		return;
	}
	if (!same) {
		members_add(old, -1);
		members_add(new, 1);
	}
}

/*
 * Membership of a task now. A tracked entry is trusted unless its cgroup was
 * still pending; then the verdict userspace has given since is applied.
 */
static __always_inline struct lk_ckey membership(struct task_struct *task)
{
	struct lk_pkey pk = pkey_of(task);
	struct lk_ckey *entry = bpf_map_lookup_elem(&tracked, &pk);
	struct lk_ckey key;

	if (entry && !(entry->flags & LK_PF_PENDING))
		return *entry;
	key = classify(task, task_cgroup_id(task), task_pidns(task));
	if (entry) {
		key.flags |= entry->flags & LK_PF_INHERITED;
		track_set(&pk, entry, &key);
	}
	return key;
}

static __always_inline void read_tty(struct task_struct *task, char *out)
{
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);

	if (tty)
		bpf_probe_read_kernel_str(out, LK_TTY_LEN, &tty->name);
}

/* Fill the identity of `task`'s process (not its exe path). */
static __always_inline void read_proc(struct task_struct *task, struct lk_proc *p,
				      struct lk_ckey *ckey)
{
	struct task_struct *leader = task->group_leader;
	const struct cred *cred = BPF_CORE_READ(task, real_cred);
	struct upid up = task_upid(leader);
	struct file *exe;

	p->pid = BPF_CORE_READ(task, tgid);
	p->tid = BPF_CORE_READ(task, pid);
	p->ns_pid = up.nr;
	p->pidns = up.ns ? BPF_CORE_READ(up.ns, ns.inum) : 0;
	p->ns_level = up.ns ? BPF_CORE_READ(up.ns, level) : 0;
	p->ppid = BPF_CORE_READ(leader, real_parent, tgid);
	p->start_time = BPF_CORE_READ(leader, start_boottime);
	p->uid = BPF_CORE_READ(cred, uid.val);
	p->euid = BPF_CORE_READ(cred, euid.val);
	p->gid = BPF_CORE_READ(cred, gid.val);
	if (bpf_core_field_exists(task->loginuid)) {
		p->auid = BPF_CORE_READ(task, loginuid.val);
		p->session = BPF_CORE_READ(task, sessionid);
	} else {
		p->auid = (__u32)-1;
		p->session = (__u32)-1;
	}
	p->mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	p->cgroup_id = task_cgroup_id(task);
	BPF_CORE_READ_STR_INTO(&p->comm, leader, comm);
	read_tty(task, p->tty);
	exe = BPF_CORE_READ(task, mm, exe_file);
	if (exe) {
		p->exe_ino = BPF_CORE_READ(exe, f_inode, i_ino);
		p->exe_dev = inode_dev(BPF_CORE_READ(exe, f_inode));
	} else {
		p->flags |= LK_PF_NO_MM;
	}
	p->ckey = *ckey;
	p->flags |= ckey->flags;
	if (is_self(task))
		p->flags |= LK_PF_SELF;
}

#endif /* LOOKOUT_IDENTITY_BPF_H */
