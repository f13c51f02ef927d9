/* SPDX-License-Identifier: GPL-2.0 */
/*
 * oom.h - which memory limit an OOM kill answered to: the container's own, its
 * Kubernetes pod's, another ancestor's (a --cgroup-parent slice), or none (the
 * machine ran out). The kernel reports the limit that fired by cgroup id; this
 * places it on the container's cgroup path.
 */
#ifndef LOOKOUT_OOM_H
#define LOOKOUT_OOM_H

#include <stdbool.h>
#include <linux/types.h>
#include "containers.h"
#include "lookout.h"

enum oom_scope {
	OOM_SCOPE_GLOBAL,	/* no limit was at its edge: the machine ran out */
	OOM_SCOPE_CONTAINER,	/* the container's own memory cgroup (or one inside it) */
	OOM_SCOPE_POD,		/* the parent cgroup of a Kubernetes pod's container */
	OOM_SCOPE_PARENT,	/* any other ancestor with a limit */
};

struct oom_limit {
	enum oom_scope scope;
	char cgroup[512];	/* path in the memory hierarchy, "" when not found */
	__u64 limit_bytes;	/* 0 for global */
	__u64 usage_bytes;
};

/* fired: the limit the kernel found at its edge, or NULL (or id 0) for none.
 * cgroup_mount: where the memory hierarchy is mounted, to match ancestors of
 * the container's path by inode (a cgroup's id is its directory's inode). */
void oom_limit_place(struct oom_limit *out, const struct lk_memcg *fired,
		     const struct container *c, const char *cgroup_mount, long page_size);
const char *oom_scope_name(enum oom_scope s);

#endif
