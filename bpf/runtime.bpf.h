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

#endif /* LOOKOUT_RUNTIME_BPF_H */
