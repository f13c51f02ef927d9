/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.bpf.h - which processes run the container runtime's code: known by
 * the executable the kernel ran (its inode, as stat() shows it), or as a
 * runtime process re-executed from a memfd copy of itself.
 */
#ifndef LOOKOUT_RUNTIME_BPF_H
#define LOOKOUT_RUNTIME_BPF_H

/* ---- runtime recognition ------------------------------------------------- */

#define BTRFS_SUPER_MAGIC 0x9123683E

/* What lookout reads of btrfs, matched by CO-RE against the running kernel's
 * BTF, the vmlinux's or the btrfs module's: btrfs is a module on many kernels
 * (Debian's arm64 cloud image), so the build's vmlinux.h may not have it. */
struct btrfs_root___lk {
	dev_t anon_dev;
} __attribute__((preserve_access_index));

struct btrfs_inode___lk {
	struct btrfs_root___lk *root;
	struct inode vfs_inode;
} __attribute__((preserve_access_index));

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

	if (bpf_core_type_exists(struct btrfs_inode___lk) &&
	    BPF_CORE_READ(sb, s_magic) == BTRFS_SUPER_MAGIC) {
		struct btrfs_inode___lk *bi = (void *)((char *)inode -
			bpf_core_field_offset(struct btrfs_inode___lk, vfs_inode));
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

/* Every exec asks this: the inode number alone rules out nearly every file, so
 * the device (a pointer chase, and btrfs's subvolume) is read only for the few
 * whose number a runtime executable has. */
static __always_inline bool file_is_runtime(struct file *exe)
{
	struct inode *inode = BPF_CORE_READ(exe, f_inode);
	__u64 ino = BPF_CORE_READ(inode, i_ino);

	if (!exe || !bpf_map_lookup_elem(&runtime_inos, &ino))
		return false;
	return exe_is_runtime(inode_dev(inode), ino);
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
/*
 * The runtime mark of a process lives on its leader (task storage: it goes with
 * the task) and names the program it holds for by the task's exec count
 * (self_exec_id, one more at every exec, copied by fork). A later exec of
 * anything else makes it stale without anyone having to clear it, so an
 * ordinary exec never looks at it.
 */
static __always_inline bool runtime_mark_is(struct task_struct *leader, __u64 exec_id)
{
	__u64 *m = bpf_task_storage_get(&runtime_procs, leader, 0, 0);

	return m && *m == exec_id;
}

static __always_inline void runtime_mark_set(struct task_struct *leader, __u64 exec_id)
{
	__u64 *m = bpf_task_storage_get(&runtime_procs, leader, 0,
					BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (m)
		*m = exec_id;
}

/* Only a program run from a memfd can hold a mark that matters (a runtime
 * executable is known by its inode): a cheap test, plain loads, for every fork. */
static __always_inline bool runs_memfd(struct task_struct *task)
{
	struct mm_struct *mm = task->mm;
	struct file *exe = mm ? mm->exe_file : NULL;
	struct dentry *d = exe ? exe->f_path.dentry : NULL;

	return d && d->d_parent == d;
}

static __always_inline bool task_is_runtime(struct task_struct *task)
{
	struct task_struct *leader = task->group_leader;
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (!exe)
		return false;
	if (file_is_runtime(exe))
		return true;
	return runtime_mark_is(leader, leader->self_exec_id);
}

/* The same for an ancestor already read, by its exe's key (a memfd ancestor is
 * not marked here: the walk reads tasks the helpers above cannot take). */
static __always_inline bool ancestor_is_runtime(struct lk_ancestor *a)
{
	return exe_is_runtime(a->exe_dev, a->exe_ino);
}

/* At exec (the task is its process's leader by now): the new program is the
 * runtime's when it is a runtime executable, or a memfd the runtime itself
 * executed (the process ran the runtime before). */
static __always_inline void runtime_procs_exec(struct task_struct *task, struct linux_binprm *bprm)
{
	/* Every exec runs this: plain loads through the typed bprm, no helper
	 * but the map lookup, until a file's inode number or its being a
	 * memfd (one dentry, its own root) makes it worth a closer look. */
	struct file *file = bprm->file;
	struct dentry *d = file->f_path.dentry;
	__u64 id = task->self_exec_id;	/* this exec's: counted before the tracepoint */
	__u64 ino = file->f_inode->i_ino;

	if (maybe_runtime_ino(ino) && file_is_runtime(file))
		runtime_mark_set(task, id);
	else if (d->d_parent == d && file_is_memfd(file) && runtime_mark_is(task, id - 1))
		runtime_mark_set(task, id);	/* the runtime re-executed itself */
}

#endif /* LOOKOUT_RUNTIME_BPF_H */
