/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup_mode.h - which cgroup hierarchy decides container membership on this host.
 *
 * Decided as runc and systemd decide it: from the filesystem mounted at /sys/fs/cgroup,
 * not from /proc/self/cgroup. On a hybrid kernel /proc/self/cgroup lists the v1
 * hierarchies in every mount namespace, even one that shows only cgroup2 at
 * /sys/fs/cgroup, where the runtimes place containers in the v2 tree alone.
 * Pure decision: the caller does the statfs and reads mountinfo.
 */
#ifndef LOOKOUT_CGROUP_MODE_H
#define LOOKOUT_CGROUP_MODE_H

#include <stdbool.h>
#include <stddef.h>

/* statfs f_type values (linux/magic.h) */
#define CGROUP_MODE_CGROUP2_MAGIC 0x63677270UL
#define CGROUP_MODE_TMPFS_MAGIC 0x01021994UL

struct cgroup_mode {
	bool v1;		/* the v1 memory hierarchy (legacy, hybrid); else unified (v2) */
	char mount[256];	/* where the tracked hierarchy is mounted */
};

/*
 * fs_type: statfs(2) f_type of the cgroup directory dir (/sys/fs/cgroup, under the host
 * root if there is one). mountinfo: len bytes of /proc/self/mountinfo, used to find the v1
 * memory hierarchy and to say what is mounted.
 *
 *   cgroup2 at dir            unified: mount = dir
 *   tmpfs at dir              legacy or hybrid: mount = the v1 memory hierarchy's mount
 *                             point (one under dir preferred), which must exist
 *
 * Returns 0, or -ENOENT with why (a sentence naming what is mounted, no trailing newline)
 * when neither fits, -EINVAL on bad arguments, -ENAMETOOLONG when a mount point does not
 * fit in mount.
 */
int cgroup_mode_decide(unsigned long fs_type, const char *dir, const char *mountinfo, size_t len,
		       struct cgroup_mode *out, char *why, size_t whylen);

#endif /* LOOKOUT_CGROUP_MODE_H */
