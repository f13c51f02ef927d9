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

#include "common.bpf.h"
#include "maps.bpf.h"
#include "emit.bpf.h"
#include "runtime.bpf.h"
#include "identity.bpf.h"
#include "path.bpf.h"
#include "sender.bpf.h"
#include "oom.bpf.h"

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

	runtime_procs_exec(task, bprm);
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
	emit(e, off, false, &key);
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
	if (runs_memfd(parent) &&
	    runtime_mark_is(parent->group_leader, parent->group_leader->self_exec_id))
		runtime_mark_set(child, child->self_exec_id);
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
	emit(e, off, alert, &key);
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
	skey = membership(cur);
	/* Between two host processes only with --all (or to lookout itself):
	 * decided before the costlier question of who sent it. */
	if (tkey.kind == LK_CK_HOST && !report_all && !is_self(target) &&
	    skey.kind == LK_CK_HOST)
		return 0;
	sm = signal_method(ctx_addr(ctx), sig, info_addr, target->tgid);
	method = SM_METHOD(sm);
	nr = SM_NR(sm);
	if (sm & SM_COMPAT)
		how |= LK_SIG_COMPAT;
	by_process = method != LK_SM_NONE;
	if (tkey.kind == LK_CK_HOST && !report_all && !is_self(target) && !by_process)
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
	emit(e, off, crossing || is_self(target), &tkey);
	return 0;
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
	emit(e, off, true, &key);
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
	emit(e, sizeof(*e), true, NULL);
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
static __always_inline void seed_runtime_proc(struct task_struct *task)
{
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (!exe || !file_is_memfd(exe))
		return;
	if (file_is_runtime(BPF_CORE_READ(task, real_parent, mm, exe_file)))
		runtime_mark_set(task, task->self_exec_id);
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
	seed_runtime_proc(task);
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
