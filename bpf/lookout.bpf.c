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
#define PF_KTHREAD	0x00200000
#define SIGNAL_GROUP_EXIT 0x00000004
#define SI_USER		0
#define SI_KERNEL	0x80

/* Kill-family system calls (x86_64 numbers; vmlinux.h is per architecture). */
#define NR_kill			62
#define NR_rt_sigqueueinfo	129
#define NR_tkill		200
#define NR_tgkill		234
#define NR_rt_tgsigqueueinfo	297
#define NR_pidfd_send_signal	424

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

/* Container cgroups of the tracked hierarchy, by cgroup id. Absent = host. */
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
struct exe_key {
	__u64 ino;
	__u32 dev;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct exe_key);
	__type(value, __u8);
} runtime_exes SEC(".maps");

/* The last process-sent signal queued for each watched process. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lk_pkey);
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

/* Per-CPU room to build one event (too big for the 512-byte stack). An event
 * never reaches KILLER_SCRATCH_OFF; the killer note is built past it. */
#define SCRATCH_SIZE 8192
#define KILLER_SCRATCH_OFF 6144
struct scratch {
	char buf[SCRATCH_SIZE];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
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
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct path_walk);
} walk_map SEC(".maps");

static __always_inline void stat_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		*v += 1;
}

static __always_inline void *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_map, &zero);
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

static __always_inline bool exe_is_runtime(__u32 dev, __u64 ino)
{
	struct exe_key k = { .ino = ino, .dev = dev };

	return ino && bpf_map_lookup_elem(&runtime_exes, &k);
}

static __always_inline bool file_is_runtime(struct file *exe)
{
	return exe && exe_is_runtime(BPF_CORE_READ(exe, f_inode, i_sb, s_dev),
				     BPF_CORE_READ(exe, f_inode, i_ino));
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
 * never by a name. runc 1.1 re-executes itself from a memfd copy for `runc
 * init`: a memfd executable whose parent runs a runtime binary counts too.
 */
static __always_inline bool task_is_runtime(struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (!exe)
		return false;
	if (file_is_runtime(exe))
		return true;
	if (!file_is_memfd(exe))
		return false;
	return file_is_runtime(BPF_CORE_READ(task, group_leader, real_parent, mm, exe_file));
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
	__s64 *count, one = n;

	count = bpf_map_lookup_elem(&members, &k);
	if (count)
		__sync_fetch_and_add(count, n);
	else if (n > 0)
		bpf_map_update_elem(&members, &k, &one, BPF_NOEXIST);
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

/* Store (or drop) a process's membership; keeps the per-container counts right. */
static __always_inline void track_set(struct lk_pkey *pk, struct lk_ckey *old, struct lk_ckey *new)
{
	bool same = old && old->kind == new->kind && old->id == new->id;

	if (old && !same)
		members_add(old, -1);
	if (new->kind == LK_CK_HOST) {
		if (old)
			bpf_map_delete_elem(&tracked, pk);
		return;
	}
	if (bpf_map_update_elem(&tracked, pk, new, BPF_ANY)) {
		stat_inc(LK_STAT_TRACK_FULL);
		return;
	}
	if (!same)
		members_add(new, 1);
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
		p->exe_dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
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

__noinline int file_path(__u64 file_addr, __u64 root_dentry_addr, __u64 root_mnt_addr)
{
	struct file *file = (struct file *)file_addr;
	struct dentry *root_dentry = (struct dentry *)root_dentry_addr;
	struct vfsmount *root_mnt = (struct vfsmount *)root_mnt_addr;
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(file, f_path.mnt);
	struct mount *mnt = container_of(vfsmnt, struct mount, mnt);
	__u32 pos = LK_PATH_MAX, n, zero = 0;
	struct path_walk *walk;
	bool truncated = true;
	int i;

	walk = bpf_map_lookup_elem(&walk_map, &zero);
	if (!walk)
		return LK_PATH_MAX | PATH_TRUNCATED;
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
		if (parent == dentry) {
			truncated = false;
			break;
		}
		n = BPF_CORE_READ(dentry, d_name.len);
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
		dentry = parent;
	}
	if (pos == LK_PATH_MAX && !truncated) {
		pos = LK_PATH_MAX - 1;
		walk->path[pos] = '/';
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
					  struct file *file, struct task_struct *task)
{
	__u32 zero = 0, start;
	struct path_walk *walk = bpf_map_lookup_elem(&walk_map, &zero);
	int ret;

	if (!walk || !file)
		return;
	ret = file_path((__u64)file, (__u64)BPF_CORE_READ(task, fs, root.dentry),
			(__u64)BPF_CORE_READ(task, fs, root.mnt));
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
					 struct task_struct *task)
{
	tail_put_file(rec, off, p, BPF_CORE_READ(task, mm, exe_file), task);
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
	tail_put_file(e, &off, &e->proc, BPF_CORE_READ(bprm, file), task);
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

/* ---- fork ------------------------------------------------------------------ */

/*
 * A child born into another cgroup than its parent's: clone3(CLONE_INTO_CGROUP), as crun
 * starts a container's processes on cgroup v2. No cgroup_attach_task fires for it, so
 * decide here what that hook would: whether it joins a container that already has
 * processes (crun exec), and whether it is the runtime's own helper.
 */
static __always_inline void born_into_cgroup(struct task_struct *parent,
					     struct task_struct *child, struct lk_ckey *key)
{
	struct lk_ckey mk = { .id = key->id, .kind = LK_CK_CGROUP };
	__s64 *count;

	if (key->kind != LK_CK_CGROUP || task_cgroup_id(parent) == key->id)
		return;
	count = bpf_map_lookup_elem(&members, &mk);
	if (count && *count > 0)
		key->flags |= LK_PF_JOINED;
	if (task_is_runtime(child))
		key->flags |= LK_PF_RUNTIME;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct lk_pkey ppk, cpk;
	struct lk_ckey *entry, key;

	/* A new thread shares its process's entry. */
	if (child->tgid == parent->tgid)
		return 0;
	ppk = pkey_of(parent);
	cpk.pid = child->tgid;
	cpk.pad = 0;
	cpk.start_time = child->start_boottime;
	entry = bpf_map_lookup_elem(&tracked, &ppk);
	if (entry && !(entry->flags & LK_PF_PENDING) &&
	    task_pidns(child) == task_pidns(parent)) {
		key = *entry;		/* the child inherits its parent's container */
	} else {
		/* Untracked parent (a host process, or one not seeded yet), a
		 * pending cgroup, or a new PID namespace: decide from the child. */
		key = classify(child, task_cgroup_id(child), task_pidns(child));
		if (entry)
			key.flags |= entry->flags & LK_PF_INHERITED;
		born_into_cgroup(parent, child, &key);
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
	if (key.kind == LK_CK_CGROUP) {
		struct lk_ckey mk = { .id = cgid, .kind = LK_CK_CGROUP };
		__s64 *count = bpf_map_lookup_elem(&members, &mk);

		/* Moved in from outside into a container that already has processes:
		 * `docker exec`. The container's first process joins an empty one. */
		if (!entry || entry->kind != LK_CK_CGROUP || entry->id != cgid ||
		    (entry->flags & LK_PF_ENTERED))
			key.flags |= (count && *count > 0) ? LK_PF_JOINED : 0;
		else
			key.flags |= entry->flags & LK_PF_JOINED;
		/* runc's own init helpers enter the cgroup before the container's
		 * program runs: mark them so they are not taken for the workload. */
		if (task_is_runtime(task))
			key.flags |= LK_PF_RUNTIME;
	}
	track_set(&pk, entry, &key);
	note_pidns_owner(&key, task_pidns(task));
	return 0;
}

/* New cgroups are pending until userspace has classified their path. Until then
 * their processes are reported (flagged pending) rather than missed. */
SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(handle_cgroup_mkdir, struct cgroup *cg, const char *path)
{
	__u32 pending = LK_CG_PENDING;
	struct lk_cgroup_event *e;
	__u64 cgid;
	__u32 off;
	long r;

	if (!in_tracked_hierarchy(cg))
		return 0;
	cgid = BPF_CORE_READ(cg, kn, id);
	bpf_map_update_elem(&cgroups, &cgid, &pending, BPF_NOEXIST);
	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_CGROUP_MKDIR;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = cgid;
	off = sizeof(*e);
	r = bpf_probe_read_kernel_str((char *)e + off, LK_ARGV_MAX, path);
	if (r <= 0)
		return 0;
	e->path.off = off;
	e->path.len = r - 1;
	/* Not an alert, but the same path as container ends: ordered before them. */
	emit(e, off + r, true);
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
		return 0;		/* a host cgroup: nothing to forget */
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
	emit(e, sizeof(*e), true);
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
	struct lk_killer *killer;
	struct lk_exit_event *e;
	__u8 seen = 1;
	__s64 *left;
	__u32 off;
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
	killer = bpf_map_lookup_elem(&killers, &pk);
	e = scratch_get();
	if (!e)
		goto forget;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_EXIT;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	read_proc(task, &e->proc, &key);
	e->code = exit_status(task);
	if (killer)
		e->killer = *killer;
	if (entry) {
		struct lk_ckey mk = { .id = key.id, .kind = key.kind };

		left = bpf_map_lookup_elem(&members, &mk);
		e->last_in_container = left && *left <= 1;
	}
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->proc, task);
	if (task == bpf_get_current_task_btf())
		tail_put_argv(e, &off, &e->proc, task);
	/* A container's end, or a death someone outside the container caused,
	 * must not be lost to a flood inside it: it goes on the alert path. */
	alert = e->last_in_container || container_init(&key, &e->proc) ||
		(killer && killer->sig == (e->code & 0x7f) && (killer->flags & LK_KILLER_CROSSING));
	emit(e, off, alert);
forget:
	if (killer)
		bpf_map_delete_elem(&killers, &pk);
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
 * Was this signal sent by the current process? Only when it is inside a
 * kill-family system call for this very signal number and not exiting: a dying
 * task raises SIGCHLD for its parent while its last syscall may still read
 * kill(2), and timer, I/O, tty and fault signals run in whatever task the
 * kernel happens to be in. si_code proves nothing: rt_sigqueueinfo forges it.
 */
static __always_inline bool sent_by_syscall(struct task_struct *cur, int sig, __s32 *nr_out)
{
	struct pt_regs *regs;
	long nr, want;

	*nr_out = -1;
	if (cur->flags & (PF_EXITING | PF_KTHREAD))
		return false;
	regs = (struct pt_regs *)bpf_task_pt_regs(cur);
	if (!regs)
		return false;
	nr = regs->orig_ax;
	*nr_out = nr;
	switch (nr) {
	case NR_kill:
	case NR_tkill:
	case NR_rt_sigqueueinfo:
	case NR_pidfd_send_signal:
		want = BPF_CORE_READ(regs, si);
		break;
	case NR_tgkill:
	case NR_rt_tgsigqueueinfo:
		want = BPF_CORE_READ(regs, dx);
		break;
	default:
		return false;
	}
	return (int)want == sig;
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
			a->exe_dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
		}
		if (exe_is_runtime(a->exe_dev, a->exe_ino))
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

SEC("tp_btf/signal_generate")
int BPF_PROG(handle_signal_generate, int sig, struct kernel_siginfo *info,
	     struct task_struct *target, int group, int result)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct lk_ckey tkey, skey;
	struct lk_signal_event *e;
	bool by_syscall, crossing;
	__s32 nr;
	__u32 off;

	/* EVENTS.md: signals to container processes; signals from container
	 * processes only when a process sent them; everything with --all; and
	 * anything sent to lookout itself (tamper evidence). The cheap questions
	 * first: most signals on a host are the kernel's, between host processes. */
	tkey = membership(target);
	by_syscall = sent_by_syscall(cur, sig, &nr);
	if (tkey.kind == LK_CK_HOST && !report_all && !is_self(target) && !by_syscall)
		return 0;
	skey = membership(cur);
	if (tkey.kind == LK_CK_HOST && !report_all && !is_self(target) &&
	    skey.kind == LK_CK_HOST)
		return 0;
	/* Filters. A signal a process sent that was queued may still end its
	 * target, and the exit will want to name it: userspace filters those. */
	if (!is_self(target) && !(by_syscall && result == 0)) {
		if (!by_syscall && !kernel_signals)
			return 0;
		if (signal_mask && !(signal_mask & (1ULL << ((sig - 1) & 63))))
			return 0;
	}

	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_SIGNAL;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	e->sig = sig;
	e->group = group;
	e->result = result;
	e->syscall = nr;
	/* SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) are markers, not pointers. */
	if ((unsigned long)info == 0)
		e->code = SI_USER;
	else if ((unsigned long)info == 1)
		e->code = SI_KERNEL;
	else
		e->code = BPF_CORE_READ(info, si_code);
	if (by_syscall)
		e->how |= LK_SIG_BY_SYSCALL;
	read_proc(cur, &e->sender, &skey);
	read_proc(target, &e->target, &tkey);
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->sender, cur);
	tail_put_exe(e, &off, &e->target, target);
	tail_put_argv(e, &off, &e->sender, cur);	/* gone once an exiting sender lost its mm */
	if (task_is_runtime(cur))
		e->sender.flags |= LK_PF_RUNTIME;
	if (by_syscall)
		read_ancestry(e, (__u64)BPF_CORE_READ(cur, group_leader, real_parent));

	/* Remember who sent a queued signal so the target's exit can name them. */
	/* Sent from outside the target's container (the runtime included): a
	 * flood inside a container must not be able to crowd it out. */
	crossing = by_syscall && !same_container(&skey, &tkey);
	if (by_syscall && result == 0) {
		struct lk_pkey tk = { .pid = e->target.pid, .start_time = e->target.start_time };
		/* Built in the scratch area past the event: too big for the stack. */
		struct lk_killer *k = (void *)e + KILLER_SCRATCH_OFF;

		k->signal_time = e->hdr.time_ns;
		k->sig = sig;
		k->flags = crossing ? LK_KILLER_CROSSING : 0;
		k->sender = e->sender;
		k->sender.exe.off = k->sender.exe.len = 0;
		k->sender.argv.off = k->sender.argv.len = 0;
		bpf_map_update_elem(&killers, &tk, k, BPF_ANY);
	}
	emit(e, off, crossing || is_self(target));
	return 0;
}

/* ---- OOM ------------------------------------------------------------------------ */

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
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->proc, task);
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
	e = scratch_get();
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->hdr.type = LK_EV_EXEC;
	e->hdr.time_ns = bpf_ktime_get_boot_ns();
	read_proc(task, &e->proc, &key);
	off = sizeof(*e);
	tail_put_exe(e, &off, &e->proc, task);
	if (off > SCRATCH_SIZE)
		return 0;
	e->hdr.size = off;
	bpf_seq_write(ctx->meta->seq, e, off);
	return 0;
}
