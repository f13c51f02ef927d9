// SPDX-License-Identifier: GPL-2.0
/*
 * lookout.bpf.c - the kernel side: process exec, fork, exit, signal generation,
 * cgroup changes and OOM victims.
 *
 * Every decision that can be made here is: which processes belong to a container
 * (the tracked map, kept current at fork, exec, cgroup attach and exit), whether
 * an event is worth a ring-buffer write at all, and whether a signal was sent by
 * a process (a kill-family system call) or raised by the kernel. Userspace only
 * names things (container ids, images) and formats.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "lookout.h"
#include "arch.bpf.h"

char LICENSE[] SEC("license") = "GPL";

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

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/* Boundary-crossing signals and container ends: a container flooding `events`
 * with its own activity cannot crowd these out. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} alerts SEC(".maps");

/* cgroup mkdir and rmdir records: a container churning cgroups fills this one,
 * never the buffers that carry kills and other containers' processes. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} cgroup_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LK_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* Container processes, by pid and start time. Host processes are not stored:
 * absence means "classify from the task", which is what a host process costs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct lk_pkey);
	__type(value, struct lk_ckey);
} tracked SEC(".maps");

/* Container cgroups of the tracked hierarchy, by cgroup id. Absent = host.
 * Only mkdir (pending) and the loader's walk add entries; rmdir removes them, and
 * userspace only changes entries that still exist, so a removed cgroup never
 * comes back. The loader sets the size (--cgroups-max). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);		/* enum lk_cgroup_verdict */
} cgroups SEC(".maps");

/* Which container owns a PID namespace, so nsenter from the host is recognised. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct lk_ckey);
} pidns_owner SEC(".maps");

/* The PID namespace a container's init lives in: the first one seen for it.
 * Namespaces its processes create later are not its own end. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lk_ckey);
	__type(value, __u32);
} init_pidns SEC(".maps");

/* Live processes per container, so a --pid=host container's end is its last exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lk_ckey);
	__type(value, __s64);
} members SEC(".maps");

/* Executables of container runtimes, by (dev, inode), filled by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct lk_exe_key);
	__type(value, __u8);
} runtime_exes SEC(".maps");

/* Processes running the runtime's code from a memfd copy of its executable
 * (runc re-executes itself so for `runc init`): only a runtime process that
 * execs a memfd, and its forks, are marked. A container's own program that
 * re-executes itself from a memfd is not. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lk_pkey);
	__type(value, __u8);
} runtime_procs SEC(".maps");

/* A note per target and per signal: the last process that sent it and had
 * it queued. Per signal, so a SIGTERM's sender is not overwritten by a SIGKILL
 * or by the target raising the SIGTERM again itself. */
struct note_key {
	__u32 pid;
	__u32 sig;
	__u64 start_time;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct note_key);
	__type(value, struct lk_killer);
} killers SEC(".maps");

/* Processes whose exit was reported. Two threads can each find signal->live
 * at zero (each read follows both decrements), so the first one reports. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lk_pkey);
	__type(value, __u8);
} exit_seen SEC(".maps");

/*
 * Per-CPU room to build one event (too big for the 512-byte stack), one slot
 * per context that can interrupt another on the same CPU. signal_generate runs
 * with interrupts off (under the target's siglock) but can itself fire in a
 * hard or soft interrupt (timers, SIGIO) on top of an exec or exit program;
 * the task iterator runs preemptibly, so any tracepoint program may run on
 * its CPU midway. Each gets its own slot, so no record is overwritten halfway.
 * An event never reaches KILLER_SCRATCH_OFF; the killer note is built past it.
 */
#define SCRATCH_SIZE LK_RECORD_MAX
#define KILLER_SCRATCH_OFF 6144
struct scratch {
	char buf[SCRATCH_SIZE];
};

enum scratch_slot {
	SLOT_TASK,	/* exec, exit, OOM and cgroup programs: process context */
	SLOT_SIGNAL,	/* signal_generate: may interrupt SLOT_TASK */
	SLOT_ITER,	/* seeding: may be preempted by either */
	SLOT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLOT_MAX);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* Per-CPU room for one path walk. Components are met leaf first, so the path
 * is written back to front, ending at LK_PATH_MAX; the extra room lets the
 * verifier see every masked write stay inside. */
struct path_walk {
	char path[3 * LK_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLOT_MAX);
	__type(key, __u32);
	__type(value, struct path_walk);
} walk_map SEC(".maps");

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		*v += 1;
}

static __always_inline void *scratch_slot(enum scratch_slot slot)
{
	__u32 key = slot;

	return bpf_map_lookup_elem(&scratch_map, &key);
}

/* The process-context programs' slot. */
static __always_inline void *scratch_get(void)
{
	return scratch_slot(SLOT_TASK);
}

/* Write a finished record; a full buffer is counted, never silent. */
static __always_inline void emit(void *rec, __u32 size, bool alert)
{
	long err;

	if (size > SCRATCH_SIZE)
		return;
	((struct lk_hdr *)rec)->size = size;
	if (alert) {
		/* Alerts wake the reader at once: they are what someone waits for. */
		err = bpf_ringbuf_output(&alerts, rec, size, BPF_RB_FORCE_WAKEUP);
	} else {
		/* Ordinary events wake it only when a batch has built up; the reader
		 * also polls every 100 ms, which bounds their delay. */
		__u64 flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
				      BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;

		err = bpf_ringbuf_output(&events, rec, size, flags);
	}
	if (err)
		stat_inc(alert ? LK_STAT_DROP_ALERTS : LK_STAT_DROP_EVENTS);
	else
		stat_inc(LK_STAT_EMITTED);
}

/* ---- runtime recognition ------------------------------------------------- */

#define BTRFS_SUPER_MAGIC 0x9123683E

/*
 * The device number stat() reports for an inode, which is what the loader
 * stores for each runtime executable. It is the superblock's, except on btrfs,
 * where every subvolume has an anonymous device of its own (and inode numbers
 * repeat across subvolumes, so the superblock's would confuse two files).
 */
__noinline __u32 inode_dev_of(__u64 inode_addr)
{
	struct inode *inode = (struct inode *)inode_addr;
	struct super_block *sb = BPF_CORE_READ(inode, i_sb);

	if (bpf_core_type_exists(struct btrfs_inode) &&
	    BPF_CORE_READ(sb, s_magic) == BTRFS_SUPER_MAGIC) {
		struct btrfs_inode *bi = container_of(inode, struct btrfs_inode, vfs_inode);
		__u32 dev = BPF_CORE_READ(bi, root, anon_dev);

		if (dev)
			return dev;
	}
	return BPF_CORE_READ(sb, s_dev);
}

/* A global function, verified once: inlined, its branch doubled the states of
 * every caller's loop (the ancestry walk took seconds to verify). */
static __always_inline __u32 inode_dev(struct inode *inode)
{
	__u64 addr = 0;

	/* As a number: a global function takes no typed kernel pointer. */
	bpf_probe_read_kernel(&addr, sizeof(addr), &inode);
	return inode_dev_of(addr);
}

static __always_inline bool exe_is_runtime(__u32 dev, __u64 ino)
{
	struct lk_exe_key k = { .ino = ino, .dev = dev };

	return ino && bpf_map_lookup_elem(&runtime_exes, &k);
}

static __always_inline bool file_is_runtime(struct file *exe)
{
	struct inode *inode = BPF_CORE_READ(exe, f_inode);

	return exe && exe_is_runtime(inode_dev(inode), BPF_CORE_READ(inode, i_ino));
}

static __always_inline bool file_is_memfd(struct file *file)
{
	const unsigned char *leaf = BPF_CORE_READ(file, f_path.dentry, d_name.name);
	char head[6] = {};

	bpf_probe_read_kernel(head, sizeof(head), leaf);
	return head[0] == 'm' && head[1] == 'e' && head[2] == 'm' && head[3] == 'f' &&
	       head[4] == 'd' && head[5] == ':';
}

/*
 * A runtime component is known by the inode of the executable the kernel ran,
 * never by a name, or by being a runtime process that re-executed itself from
 * a memfd copy (runc 1.1's `runc init`): see runtime_procs. Whether it may act
 * as the runtime is decided with its container: inside one, it never does.
 */
static __always_inline bool task_is_runtime(struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	struct lk_pkey pk;

	if (!exe)
		return false;
	if (file_is_runtime(exe))
		return true;
	/* Read with helpers: the ancestry walk passes tasks the verifier
	 * cannot type. */
	pk.pid = BPF_CORE_READ(task, tgid);
	pk.pad = 0;
	pk.start_time = BPF_CORE_READ(task, group_leader, start_boottime);
	return bpf_map_lookup_elem(&runtime_procs, &pk);
}

/* The same for an ancestor already read: by its exe's key, or its mark. */
static __always_inline bool ancestor_is_runtime(struct lk_ancestor *a)
{
	struct lk_pkey pk = { .pid = a->pid, .start_time = a->start_time };

	return exe_is_runtime(a->exe_dev, a->exe_ino) || bpf_map_lookup_elem(&runtime_procs, &pk);
}

/* At exec: the new program is the runtime's when it is a runtime executable, or
 * a memfd the runtime itself executed (the process ran the runtime before). */
static __always_inline void runtime_procs_exec(struct lk_pkey *pk, struct file *file)
{
	__u8 one = 1;
	bool was = bpf_map_lookup_elem(&runtime_procs, pk);

	if (file_is_runtime(file) || (was && file_is_memfd(file)))
		bpf_map_update_elem(&runtime_procs, pk, &one, BPF_ANY);
	else if (was)
		bpf_map_delete_elem(&runtime_procs, pk);
}

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

/* ---- paths ---------------------------------------------------------------- */

/*
 * The path of `file` as `task` sees it, built from dentries and mounts because
 * bpf_d_path() is refused in tp_btf programs. Walks at most LK_PATH_DEPTH hops
 * and stops at the task's root, so a container process's exe reads /bin/sleep.
 * The path is written back to front into this CPU's walk_map entry and ends at
 * path[LK_PATH_MAX]. Returns where it starts (LK_PATH_MAX when nothing was
 * written), with PATH_TRUNCATED set when the walk ran out of hops or room
 * before reaching a root.
 *
 * A global function, verified once on its own rather than at every call site
 * (that alone took a second of load time). Its arguments are addresses the
 * caller read with BPF_CORE_READ (the verifier passes only scalars to a global
 * function) and are only ever read through it here: the file, and the task's
 * root (dentry and mount) where the walk stops.
 */
#define PATH_TRUNCATED (1u << 16)
#define DELETED_LEN 10	/* " (deleted)" */

__noinline int file_path(__u64 file_addr, __u64 root_dentry_addr, __u64 root_mnt_addr, __u32 slot)
{
	struct file *file = (struct file *)file_addr;
	struct dentry *root_dentry = (struct dentry *)root_dentry_addr;
	struct vfsmount *root_mnt = (struct vfsmount *)root_mnt_addr;
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	__u32 pos = LK_PATH_MAX, leaf_end, n;
	struct path_walk *walk;
	bool truncated = true;
	int i, j;

	walk = bpf_map_lookup_elem(&walk_map, &slot);
	if (!walk)
		return LK_PATH_MAX | PATH_TRUNCATED;
	/* As the kernel shows it: a file unlinked since it was opened ends in
	 * " (deleted)", and so does a memfd, whose one dentry is its own root. */
	if (!BPF_CORE_READ(dentry, d_hash.pprev) && dentry != BPF_CORE_READ(vfsmnt, mnt_root)) {
		const char deleted[DELETED_LEN] = " (deleted)";

		pos -= DELETED_LEN;
		for (j = 0; j < DELETED_LEN; j++)
			walk->path[pos + j] = deleted[j];
	}
	leaf_end = pos;
	for (i = 0; i < LK_PATH_DEPTH; i++) {
		struct dentry *mnt_root, *parent;

		if (dentry == root_dentry && vfsmnt == root_mnt) {
			truncated = false;
			break;
		}
		mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
		if (dentry == mnt_root) {
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

			if (up == mnt) {
				truncated = false;
				break;
			}
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vfsmnt = &up->mnt;
			continue;
		}
		parent = BPF_CORE_READ(dentry, d_parent);
		n = BPF_CORE_READ(dentry, d_name.len);
		if (parent == dentry && i > 0) {
			truncated = false;
			break;
		}
		if (n + 1 >= pos)
			break;
		pos -= n + 1;
		barrier_var(pos);
		pos &= 2 * LK_PATH_MAX - 1;
		barrier_var(n);
		n &= LK_PATH_MAX - 1;
		walk->path[pos] = '/';
		if (bpf_probe_read_kernel(&walk->path[pos + 1], n, BPF_CORE_READ(dentry, d_name.name)))
			break;
		if (parent == dentry) {
			/* A pseudo file (memfd): named, with no directory above. */
			truncated = false;
			break;
		}
		dentry = parent;
	}
	if (pos == leaf_end && !truncated) {
		pos--;
		walk->path[pos & (2 * LK_PATH_MAX - 1)] = '/';
	}
	return pos | (truncated ? PATH_TRUNCATED : 0);
}

/* Append `n` bytes from kernel memory at `src` to the record's tail at *off. */
static __always_inline void tail_put(void *rec, __u32 *off, struct lk_str *s, const void *src,
				     __u32 n, __u32 limit)
{
	__u32 at = *off;

	if (n > limit)
		n = limit;
	if (at > SCRATCH_SIZE - LK_ARGV_MAX - 1 || n > LK_ARGV_MAX - 1)
		return;
	barrier_var(n);
	n &= LK_ARGV_MAX - 1;
	if (bpf_probe_read_kernel((char *)rec + at, n, src))
		return;
	((char *)rec)[(at + n) & (SCRATCH_SIZE - 1)] = '\0';
	s->off = at;
	s->len = n;
	*off = at + n + 1;
}

/* Append the path of `file` (an executable) and note a memfd or a cut walk. */
static __always_inline void tail_put_file(void *rec, __u32 *off, struct lk_proc *p,
					  struct file *file, struct task_struct *task,
					  enum scratch_slot slot)
{
	__u32 key = slot, start;
	struct path_walk *walk = bpf_map_lookup_elem(&walk_map, &key);
	int ret;

	if (!walk || !file)
		return;
	ret = file_path((__u64)file, (__u64)BPF_CORE_READ(task, fs, root.dentry),
			(__u64)BPF_CORE_READ(task, fs, root.mnt), slot);
	if (ret & PATH_TRUNCATED)
		p->flags |= LK_PF_EXE_TRUNC;
	start = ret & ~PATH_TRUNCATED;
	if (start >= LK_PATH_MAX)
		return;
	barrier_var(start);
	start &= LK_PATH_MAX - 1;
	tail_put(rec, off, &p->exe, &walk->path[start], LK_PATH_MAX - start, LK_PATH_MAX - 1);
}

static __always_inline void tail_put_exe(void *rec, __u32 *off, struct lk_proc *p,
					 struct task_struct *task, enum scratch_slot slot)
{
	tail_put_file(rec, off, p, BPF_CORE_READ(task, mm, exe_file), task, slot);
}

/* ---- exec ------------------------------------------------------------------ */

/* The current task's arguments, read from its own memory (only `current`'s
 * user memory is readable from here). */
static __always_inline void tail_put_argv(void *rec, __u32 *off, struct lk_proc *p,
					  struct task_struct *task)
{
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long end = BPF_CORE_READ(task, mm, arg_end);
	__u32 n = end - start, at = *off;

	if (end <= start)
		return;
	if (n > LK_ARGV_MAX - 1) {
		n = LK_ARGV_MAX - 1;
		p->flags |= LK_PF_ARGV_TRUNC;
	}
	if (at > SCRATCH_SIZE - LK_ARGV_MAX - 1)
		return;
	/* The mask only convinces the verifier: n is already at most LK_ARGV_MAX - 1. */
	barrier_var(n);
	n &= LK_ARGV_MAX - 1;
	if (bpf_probe_read_user((char *)rec + at, n, (void *)start))
		return;
	p->argv.off = at;
	p->argv.len = n;
	*off = at + n + 1;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_sched_process_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct lk_pkey pk = pkey_of(task);
	struct lk_ckey *entry = bpf_map_lookup_elem(&tracked, &pk);
	struct lk_ckey key;
	struct lk_exec_event *e;
	const char *filename;
	__u32 off, n;

	runtime_procs_exec(&pk, BPF_CORE_READ(bprm, file));
	/* Exec re-checks membership: runc moves a container's first process into
	 * its cgroup after forking it, and --pid=host containers share the host's
	 * PID namespace, so fork alone cannot tell. */
	key = classify(task, task_cgroup_id(task), task_pidns(task));
	if (entry)
		key.flags |= entry->flags & LK_PF_JOINED;
	if (key.kind != LK_CK_HOST && task_is_runtime(task))
		key.flags |= LK_PF_RUNTIME;	/* the new program decides */
	track_set(&pk, entry, &key);
	note_pidns_owner(&key, task_pidns(task));

	if (key.kind == LK_CK_HOST && !report_all && !is_self(task))
		return 0;
	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_EXEC;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	read_proc(task, &e->proc, &key);
	off = sizeof(*e);
	tail_put_file(e, &off, &e->proc, BPF_CORE_READ(bprm, file), task, SLOT_TASK);
	filename = BPF_CORE_READ(bprm, filename);
	if (off <= SCRATCH_SIZE - LK_ARGV_MAX - 1) {
		long r = bpf_probe_read_kernel_str((char *)e + off, LK_PATH_MAX, filename);

		if (r > 0) {
			n = r - 1;
			e->filename.off = off;
			e->filename.len = n;
			off += r;
		}
	}
	tail_put_argv(e, &off, &e->proc, task);
	emit(e, off, false);
	return 0;
}

/* What entering container cgroup `cgid` makes of a task whose membership was
 * `entry` (NULL: a new process) and is now `key`. */
static __always_inline void entering_cgroup(struct task_struct *task, struct lk_ckey *entry,
					    __u64 cgid, struct lk_ckey *key)
{
	struct lk_ckey mk = { .id = cgid, .kind = LK_CK_CGROUP };
	__s64 *count;

	if (key->kind != LK_CK_CGROUP)
		return;
	count = bpf_map_lookup_elem(&members, &mk);
	/* Moved in from outside into a container that already has processes:
	 * `docker exec`. The container's first process joins an empty one. */
	if (!entry || entry->kind != LK_CK_CGROUP || entry->id != cgid ||
	    (entry->flags & LK_PF_ENTERED))
		key->flags |= (count && *count > 0) ? LK_PF_JOINED : 0;
	else
		key->flags |= entry->flags & LK_PF_JOINED;
	/* The runtime's own init helpers enter the cgroup before the container's
	 * program runs: mark them so they are not taken for the workload. */
	if (task_is_runtime(task))
		key->flags |= LK_PF_RUNTIME;
}

/* ---- fork ------------------------------------------------------------------ */

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct lk_pkey ppk, cpk;
	struct lk_ckey *entry, key;
	bool moved;
	__u64 cgid;

	/* A new thread shares its process's entry. */
	if (child->tgid == parent->tgid)
		return 0;
	ppk = pkey_of(parent);
	cpk.pid = child->tgid;
	cpk.pad = 0;
	cpk.start_time = child->start_boottime;
	/* runc's init stages fork without exec: they still run runc's code. */
	if (bpf_map_lookup_elem(&runtime_procs, &ppk)) {
		__u8 one = 1;

		bpf_map_update_elem(&runtime_procs, &cpk, &one, BPF_ANY);
	}
	entry = bpf_map_lookup_elem(&tracked, &ppk);
	cgid = task_cgroup_id(child);
	moved = cgid != task_cgroup_id(parent);
	if (entry && !(entry->flags & LK_PF_PENDING) && !moved &&
	    task_pidns(child) == task_pidns(parent)) {
		key = *entry;		/* the child inherits its parent's container */
	} else {
		/* Untracked parent (a host process, or one not seeded yet), a
		 * pending cgroup, a new PID namespace, or a child created straight
		 * into another cgroup: decide from the child. */
		key = classify(child, cgid, task_pidns(child));
		if (entry)
			key.flags |= entry->flags & LK_PF_INHERITED;
		/* clone3(CLONE_INTO_CGROUP), as crun and runc 1.4 use on cgroup
		 * v2, is a cgroup attach that cgroup_attach_task never sees. */
		if (moved)
			entering_cgroup(child, NULL, cgid, &key);
	}
	if (key.kind == LK_CK_HOST)
		return 0;
	track_set(&cpk, NULL, &key);
	note_pidns_owner(&key, task_pidns(child));
	return 0;
}

/* ---- cgroups ---------------------------------------------------------------- */

static __always_inline bool in_tracked_hierarchy(struct cgroup *cg)
{
	return BPF_CORE_READ(cg, root, hierarchy_id) == cgroup_hierarchy;
}

/* A task moved cgroup (runc placing a container's first process, docker exec
 * joining a running one): re-decide its membership now. */
SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(handle_cgroup_attach_task, struct cgroup *dst, const char *path,
	     struct task_struct *task, bool threadgroup)
{
	struct lk_pkey pk;
	struct lk_ckey *entry, key;
	__u64 cgid;

	if (!in_tracked_hierarchy(dst))
		return 0;
	pk = pkey_of(task);
	entry = bpf_map_lookup_elem(&tracked, &pk);
	cgid = BPF_CORE_READ(dst, kn, id);
	key = classify(task, cgid, task_pidns(task));
	entering_cgroup(task, entry, cgid, &key);
	track_set(&pk, entry, &key);
	note_pidns_owner(&key, task_pidns(task));
	return 0;
}

#define EEXIST 17

/* Write a cgroup record to its own ring: a drop is counted, never silent. The
 * reader is woken when it has caught up (the default): it reads this ring first. */
static __always_inline void emit_cgroup(struct lk_cgroup_event *e, __u32 size)
{
	if (size > SCRATCH_SIZE)
		return;
	e->hdr.size = size;
	if (bpf_ringbuf_output(&cgroup_events, e, size, 0))
		stat_inc(LK_STAT_DROP_CGROUPS);
	else
		stat_inc(LK_STAT_EMITTED);
}

/* New cgroups are pending until userspace has classified their path. Until then
 * their processes are reported (flagged pending) rather than missed. A full map
 * is counted and said in the record: its processes cannot be attributed. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(handle_cgroup_mkdir, struct cgroup *cg, const char *path)
{
	__u32 pending = LK_CG_PENDING, flags = 0;
	struct lk_cgroup_event *e;
	__u64 cgid;
	__u32 off;
	long r;

	if (!in_tracked_hierarchy(cg))
		return 0;
	cgid = BPF_CORE_READ(cg, kn, id);
	/* -EEXIST: the loader's walk met it first, with its verdict. */
	r = bpf_map_update_elem(&cgroups, &cgid, &pending, BPF_NOEXIST);
	if (r && r != -EEXIST) {
		stat_inc(LK_STAT_CGROUPS_FULL);
		flags = LK_CGF_UNRECORDED;
	}
	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_CGROUP_MKDIR;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = cgid;
	e->flags = flags;
	off = sizeof(*e);
	r = bpf_probe_read_kernel_str((char *)e + off, LK_ARGV_MAX, path);
	if (r <= 0)
		return 0;
	e->path.off = off;
	e->path.len = r - 1;
	emit_cgroup(e, off + r);
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(handle_cgroup_rmdir, struct cgroup *cg, const char *path)
{
	struct lk_ckey mk = {};
	struct lk_cgroup_event *e;
	__u32 *verdict;
	__u64 cgid;

	if (!in_tracked_hierarchy(cg))
		return 0;
	cgid = BPF_CORE_READ(cg, kn, id);
	verdict = bpf_map_lookup_elem(&cgroups, &cgid);
	if (!verdict)
		return 0;		/* a host cgroup, or one never recorded: nothing to forget */
	bpf_map_delete_elem(&cgroups, &cgid);
	/* An empty cgroup is the only kind that can go: its count is settled. */
	mk.id = cgid;
	mk.kind = LK_CK_CGROUP;
	bpf_map_delete_elem(&members, &mk);
	bpf_map_delete_elem(&init_pidns, &mk);
	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_CGROUP_RMDIR;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = cgid;
	emit_cgroup(e, sizeof(*e));
	return 0;
}

/* ---- exit ------------------------------------------------------------------- */

/* The wait status the parent will see, computed as wait_task_zombie() does. */
static __always_inline __u32 exit_status(struct task_struct *task)
{
	struct signal_struct *sig = BPF_CORE_READ(task, signal);

	if (BPF_CORE_READ(sig, flags) & SIGNAL_GROUP_EXIT)
		return BPF_CORE_READ(sig, group_exit_code);
	return BPF_CORE_READ(task, exit_code);
}

/* Only the last thread's exit is the process's: signal->live reaches zero
 * there. Read from the task, not the tracepoint's group_dead argument, which
 * older kernels do not pass. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_sched_process_exit, struct task_struct *task)
{
	struct lk_pkey pk;
	struct lk_ckey *entry, key;
	struct lk_killer *killer = NULL;
	struct lk_exit_event *e;
	struct note_key nk;
	__u8 seen = 1;
	__s64 *left;
	__u32 off, code;
	bool alert;

	if (task->signal->live.counter != 0)
		return 0;
	pk = pkey_of(task);
	entry = bpf_map_lookup_elem(&tracked, &pk);
	if (entry)
		key = *entry;
	else
		key = classify(task, task_cgroup_id(task), task_pidns(task));
	/* A host process's end is not reported: no killer lookup either (a note
	 * a container process left on it ages out of the LRU map, and its key,
	 * pid and start time, can never match another process). */
	if (key.kind == LK_CK_HOST && !report_all && !is_self(task))
		return 0;
	if (bpf_map_update_elem(&exit_seen, &pk, &seen, BPF_NOEXIST))
		return 0;	/* another thread of it got here first */
	/* The note of the very signal that ended it, if a process sent one. */
	code = exit_status(task);
	nk.pid = pk.pid;
	nk.sig = code & 0x7f;
	nk.start_time = pk.start_time;
	if (nk.sig)
		killer = bpf_map_lookup_elem(&killers, &nk);
	e = scratch_get();
	if (!e)
		goto forget;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_EXIT;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	read_proc(task, &e->proc, &key);
	e->code = code;
	if (killer)
		e->killer = *killer;
	if (entry) {
		struct lk_ckey mk = { .id = key.id, .kind = key.kind };

		left = bpf_map_lookup_elem(&members, &mk);
		e->last_in_container = left && *left <= 1;
	}
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->proc, task, SLOT_TASK);
	if (task == bpf_get_current_task_btf())
		tail_put_argv(e, &off, &e->proc, task);
	/* A container's end, or a death someone outside the container caused,
	 * must not be lost to a flood inside it: it goes on the alert path. */
	alert = e->last_in_container || container_init(&key, &e->proc) ||
		(killer && killer->sig == (e->code & 0x7f) && (killer->flags & LK_KILLER_CROSSING));
	emit(e, off, alert);
forget:
	/* Notes of other signals it survived age out of the LRU map; their key
	 * (pid and start time) can never match another process. */
	if (killer)
		bpf_map_delete_elem(&killers, &nk);
	if (entry) {
		if (e && e->proc.ns_pid == 1 && e->proc.pidns != host_pidns) {
			__u32 pidns = e->proc.pidns;
			struct lk_ckey sk = { .id = pidns, .kind = LK_CK_PIDNS };

			/* The namespace ends with its init; its inode may be reused. */
			bpf_map_delete_elem(&pidns_owner, &pidns);
			bpf_map_delete_elem(&members, &sk);
			bpf_map_delete_elem(&init_pidns, &sk);
		}
		key.kind = LK_CK_HOST;
		track_set(&pk, entry, &key);
	}
	return 0;
}

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
	compat = arch_compat(cur);
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

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *target, int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	unsigned long info_addr = info_value(info);
	enum lk_sig_method method;
	struct lk_ckey tkey, skey;
	struct lk_signal_event *e;
	bool by_process, crossing;
	__u32 off, how = 0;
	__s32 nr;
	int sm;

	/* The README: signals to container processes; signals from container
	 * processes only when a process sent them; everything with --all; and
	 * anything sent to lookout itself (tamper evidence). The cheap questions
	 * first: most signals on a host are the kernel's, between host processes. */
	tkey = membership(target);
	sm = signal_method(ctx_addr(ctx), sig, info_addr, target->tgid);
	method = SM_METHOD(sm);
	nr = SM_NR(sm);
	if (sm & SM_COMPAT)
		how |= LK_SIG_COMPAT;
	by_process = method != LK_SM_NONE;
	if (tkey.kind == LK_CK_HOST && !report_all && !is_self(target) && !by_process)
		return 0;
	skey = membership(cur);
	if (tkey.kind == LK_CK_HOST && !report_all && !is_self(target) &&
	    skey.kind == LK_CK_HOST)
		return 0;
	/* Filters. A signal a process sent that was queued may still end its
	 * target, and the exit will want to name it: userspace filters those. */
	if (!is_self(target) && !(by_process && result == 0)) {
		if (!by_process && !kernel_signals)
			return 0;
		if (signal_mask && !(signal_mask & (1ULL << ((sig - 1) & 63))))
			return 0;
	}

	e = scratch_slot(SLOT_SIGNAL);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_SIGNAL;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->sig = sig;
	e->group = group;
	e->result = result;
	e->syscall = nr;
	e->code = signal_code(info_addr);
	e->method = method;
	if (by_process)
		how |= LK_SIG_BY_SYSCALL;
	if (task_is_runtime(cur))
		how |= LK_SIG_RUNTIME_EXE;	/* userspace weighs it with the container */
	e->how = how;
	read_proc(cur, &e->sender, &skey);
	read_proc(target, &e->target, &tkey);
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->sender, cur, SLOT_SIGNAL);
	tail_put_exe(e, &off, &e->target, target, SLOT_SIGNAL);
	tail_put_argv(e, &off, &e->sender, cur);	/* gone once an exiting sender lost its mm */
	if (by_process)
		read_ancestry(e, (__u64)BPF_CORE_READ(cur, group_leader, real_parent));

	/* Sent from outside the target's container (the runtime included): a
	 * flood inside a container must not be able to crowd it out. */
	crossing = by_process && !same_container(&skey, &tkey);
	if (by_process && result == 0)
		note_killer(e, crossing);
	emit(e, off, crossing || is_self(target));
	return 0;
}

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

/* mark_victim passes the task since 6.x and only a pid before: the loader
 * enables the variant the running kernel's BTF describes. */
SEC("tp_btf/mark_victim")
int BPF_PROG(handle_mark_victim, struct task_struct *task)
{
	struct lk_ckey key = membership(task);
	struct lk_oom_event *e;
	__u32 off;

	if (key.kind == LK_CK_HOST && !report_all)
		return 0;
	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_OOM;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	read_proc(task, &e->proc, &key);
	e->fired = read_memcg_levels(task, e->levels, &e->nr_levels);
	note_oom(task, e);
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->proc, task, SLOT_TASK);
	emit(e, off, true);
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(handle_mark_victim_pid, int pid)
{
	struct lk_oom_event *e;

	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_OOM;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->proc.pid = pid;
	e->proc.flags = LK_PF_NO_MM;
	e->fired = -1;	/* unknown here: no task to read */
	emit(e, sizeof(*e), true);
	return 0;
}

/* ---- seeding ----------------------------------------------------------------------- */

/*
 * Processes that exist at start are tracked exactly like new ones. The loader
 * attaches every hook above first and runs this iterator after, so a process
 * created meanwhile is met by the fork hook or by this walk or both (both
 * write the same verdict: track_set is idempotent), and none falls between.
 * One that exits meanwhile is skipped here (PF_EXITING) or removed by the exit
 * hook. The iterator reads the kernel's own start time in nanoseconds, which
 * /proc (clock ticks) cannot give.
 */
/* A memfd program already running at start has no exec to judge it by. runc
 * init waits in one until `runc start`, its parent by then the shim: take a
 * memfd whose parent runs a runtime executable as the runtime's, this once. */
static __always_inline void seed_runtime_proc(struct task_struct *task, struct lk_pkey *pk)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	__u8 one = 1;

	if (!exe || !file_is_memfd(exe))
		return;
	if (file_is_runtime(BPF_CORE_READ(task, real_parent, mm, exe_file)))
		bpf_map_update_elem(&runtime_procs, pk, &one, BPF_ANY);
}

SEC("iter/task")
int seed_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct lk_exec_event *e;
	struct lk_pkey pk;
	struct lk_ckey *entry, key;
	__u32 off;

	if (!task || task->pid != task->tgid)
		return 0;
	if (task->flags & (PF_EXITING | PF_KTHREAD))
		return 0;
	pk = pkey_of(task);
	seed_runtime_proc(task, &pk);
	entry = bpf_map_lookup_elem(&tracked, &pk);
	key = classify(task, task_cgroup_id(task), task_pidns(task));
	if (entry)
		key.flags |= entry->flags & LK_PF_JOINED;
	if (key.kind != LK_CK_HOST && task_is_runtime(task))
		key.flags |= LK_PF_RUNTIME;
	track_set(&pk, entry, &key);
	note_pidns_owner(&key, task_pidns(task));
	if (key.kind == LK_CK_HOST)
		return 0;
	/* Hand userspace the same identity an exec would carry (argv it reads from
	 * /proc: another process's memory is not readable from here). */
	e = scratch_slot(SLOT_ITER);
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_EXEC;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	read_proc(task, &e->proc, &key);
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->proc, task, SLOT_ITER);
	if (off > SCRATCH_SIZE)
		return 0;
	e->hdr.size = off;
	bpf_seq_write(ctx->meta->seq, e, off);
	return 0;
}

/*
 * The keys of lookout's own open files, by descriptor: the loader opens each
 * runtime executable and reads here what the kernel will see when it runs.
 * The kernel computes both sides, so they agree on every filesystem: overlayfs
 * (whose stat() shows another inode number than its inode holds), btrfs
 * subvolumes, and whatever comes next.
 */
SEC("iter/task_file")
int key_open_files(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct lk_fd_key r = {};
	struct inode *inode;

	if (!task || !file || task->tgid != self_pid)
		return 0;
	inode = file->f_inode;
	r.fd = ctx->fd;
	r.key.ino = BPF_CORE_READ(inode, i_ino);
	r.key.dev = inode_dev(inode);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}
