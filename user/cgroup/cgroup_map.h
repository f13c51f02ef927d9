/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup_map.h - userspace's half of the kernel's cgroups map: the verdict on
 * each new cgroup, the forgetting of removed ones, and the pending cgroups
 * whose mkdir record was lost.
 *
 * The rules that keep the map and the registry bounded by the cgroups that
 * exist:
 *   - a verdict only changes an entry the kernel still has (BPF_EXIST): once
 *     the rmdir hook removed a cgroup, nothing brings it back;
 *   - a removed cgroup is forgotten in userspace only once every record of
 *     its processes has been handled (they were all written before it could
 *     be removed: at the end of a round that read the process rings empty);
 *   - a container cgroup the kernel could not record (map full) is not kept
 *     here either, unless a later try finds room.
 */
#ifndef LOOKOUT_CGROUP_MAP_H
#define LOOKOUT_CGROUP_MAP_H

#include <stdbool.h>
#include <linux/types.h>
#include "containers.h"

struct cgroup_map;

struct cgroup_map_counts {
	__u64 resolved;		/* pending cgroups classified by id after their record was lost */
};

/* map_fd: the kernel's cgroups map; mount_fd and mount: the tracked hierarchy
 * (-1 and NULL when unknown: lost records then stay unresolved). */
struct cgroup_map *cgroup_map_new(struct containers *cs, int map_fd, int mount_fd,
				  const char *mount);
void cgroup_map_free(struct cgroup_map *m);

/* A mkdir record: classify `path`, settle the kernel's pending entry. */
void cgroup_map_mkdir(struct cgroup_map *m, __u64 id, const char *path, __u32 flags);
/* An rmdir record: the kernel has forgotten it; userspace will after this round. */
void cgroup_map_rmdir(struct cgroup_map *m, __u64 id);
/*
 * A process record names a pending cgroup userspace does not know (its mkdir
 * record was lost or is still unread): classify it by id now. Returns its
 * container, or NULL (host, or gone).
 */
struct container *cgroup_map_resolve(struct cgroup_map *m, __u64 id);
/*
 * After cgroup records were dropped: classify every entry the kernel still
 * holds as pending (its mkdir record may be among them), and forget, once
 * their records are handled, the cgroups the kernel no longer has (their
 * rmdir record may be).
 */
void cgroup_map_recover(struct cgroup_map *m);
/* A round of records was handled; caught_up: the process rings were read empty. */
void cgroup_map_round_end(struct cgroup_map *m, bool caught_up);

void cgroup_map_counts(const struct cgroup_map *m, struct cgroup_map_counts *out);

#endif
