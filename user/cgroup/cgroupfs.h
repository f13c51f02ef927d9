/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroupfs.h - the mounted cgroup hierarchy lookout tracks, asked by cgroup id:
 * does that cgroup still exist, and what is its path. A cgroup's id (the one
 * BPF reads from kn->id) is its directory's inode number and, on cgroup v1 and
 * v2 alike, a kernfs file handle, so open_by_handle_at() finds it without a
 * walk. Needs CAP_DAC_READ_SEARCH, which lookout keeps.
 */
#ifndef LOOKOUT_CGROUPFS_H
#define LOOKOUT_CGROUPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/*
 * The path of cgroup `id` inside its hierarchy ("/docker/<id>"), given the
 * hierarchy's mount (an open directory and where it is mounted). Returns 0,
 * -ENOENT when the cgroup is gone, -ENAMETOOLONG, or another -errno.
 */
int cgroupfs_path(int mount_fd, const char *mount_path, __u64 id, char *out, size_t len);

/* Does cgroup `id` exist now? */
bool cgroupfs_exists(int mount_fd, __u64 id);

#endif
