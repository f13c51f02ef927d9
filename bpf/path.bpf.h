/* SPDX-License-Identifier: GPL-2.0 */
/*
 * path.bpf.h - the strings of a record: an executable's path built from
 * dentries and mounts, and the current task's arguments.
 */
#ifndef LOOKOUT_PATH_BPF_H
#define LOOKOUT_PATH_BPF_H

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

#endif /* LOOKOUT_PATH_BPF_H */
