// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_map.c - userspace's half of the kernel's cgroups map (see
 * cgroup_map.h for the rules): verdicts on new cgroups, removals deferred
 * until the records of their processes are handled, and pending cgroups
 * classified by id when their mkdir record was lost.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup_map.h"
#include "cgroupfs.h"

#define HOST_KEPT	256	/* cgroups recently found to be the host's, or gone */
/* Keys one pending scan looks at: a key deleted under the scan restarts it
 * from the first, so churn could otherwise keep it going. */
#define SCAN_MAX	(1u << 18)

struct gone {
	__u64 id;
	__u64 round;		/* forget it at the end of this round, once caught up */
};

struct cgroup_map {
	struct containers *cs;
	int map_fd;
	int mount_fd;
	const char *mount;
	__u64 round;
	struct gone *gone;
	size_t nr_gone, gone_cap;
	/* Process records of a host cgroup can follow its mkdir record by a
	 * while; one path lookup per cgroup, not per record. */
	__u64 host[HOST_KEPT];
	size_t host_next;
	struct cgroup_map_counts counts;
};

struct cgroup_map *cgroup_map_new(struct containers *cs, int map_fd, int mount_fd,
				  const char *mount)
{
	struct cgroup_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->cs = cs;
	m->map_fd = map_fd;
	m->mount_fd = mount ? mount_fd : -1;
	m->mount = mount;
	return m;
}

void cgroup_map_free(struct cgroup_map *m)
{
	if (!m)
		return;
	free(m->gone);
	free(m);
}

static bool host_known(const struct cgroup_map *m, __u64 id)
{
	size_t i;

	for (i = 0; i < HOST_KEPT; i++)
		if (m->host[i] == id)
			return true;
	return false;
}

static void host_add(struct cgroup_map *m, __u64 id)
{
	m->host[m->host_next++ % HOST_KEPT] = id;
}

/* Forget `id` at the end of round `round` or a later one that is caught up. */
static void gone_add(struct cgroup_map *m, __u64 id, __u64 round)
{
	if (m->nr_gone == m->gone_cap) {
		size_t cap = m->gone_cap ? m->gone_cap * 2 : 64;
		struct gone *g = realloc(m->gone, cap * sizeof(*g));

		if (!g) {
			/* No room to wait: forgetting early costs a name, keeping costs memory. */
			containers_remove_cgroup(m->cs, id);
			return;
		}
		m->gone = g;
		m->gone_cap = cap;
	}
	m->gone[m->nr_gone].id = id;
	m->gone[m->nr_gone].round = round;
	m->nr_gone++;
}

/*
 * The map had no room when the cgroup was made: try again now. Insert, then
 * check it still exists, so a cgroup removed in between is not brought back
 * (removed after the insert, the rmdir hook deletes it).
 */
static struct container *record_late(struct cgroup_map *m, __u64 id, struct container *c)
{
	__u32 verdict = LK_CG_CONTAINER;

	if (bpf_map_update_elem(m->map_fd, &id, &verdict, BPF_NOEXIST) && errno != EEXIST) {
		containers_remove_cgroup(m->cs, id);	/* no record can name it */
		return NULL;
	}
	if (m->mount_fd >= 0 && !cgroupfs_exists(m->mount_fd, id)) {
		bpf_map_delete_elem(m->map_fd, &id);
		containers_remove_cgroup(m->cs, id);
		return NULL;
	}
	return c;
}

static struct container *settle(struct cgroup_map *m, __u64 id, const char *path, __u32 flags)
{
	__u32 verdict = LK_CG_CONTAINER;
	struct container *c = containers_add_cgroup(m->cs, id, path);

	if (!c) {
		/* The host's: its processes are the kernel's to drop from now on. */
		bpf_map_delete_elem(m->map_fd, &id);
		host_add(m, id);
		return NULL;
	}
	if (flags & LK_CGF_UNRECORDED)
		return record_late(m, id, c);
	/* Never BPF_ANY: an entry the rmdir hook removed must stay removed. The
	 * cgroup is gone, but records of its processes may still be on their way:
	 * keep it until they are handled. */
	if (bpf_map_update_elem(m->map_fd, &id, &verdict, BPF_EXIST) && errno == ENOENT)
		gone_add(m, id, m->round + 1);
	return c;
}

void cgroup_map_mkdir(struct cgroup_map *m, __u64 id, const char *path, __u32 flags)
{
	settle(m, id, path, flags);
}

void cgroup_map_rmdir(struct cgroup_map *m, __u64 id)
{
	/* Every record of its processes was written before the rmdir record: by
	 * the end of a round that read the process rings empty, all are handled. */
	gone_add(m, id, m->round);
}

struct container *cgroup_map_resolve(struct cgroup_map *m, __u64 id)
{
	char path[4096];

	if (m->mount_fd < 0 || host_known(m, id))
		return NULL;
	if (cgroupfs_path(m->mount_fd, m->mount, id, path, sizeof(path))) {
		host_add(m, id);	/* gone: nothing left to ask */
		return NULL;
	}
	m->counts.resolved++;
	return settle(m, id, path, 0);
}

static void scan_pending(struct cgroup_map *m)
{
	struct lk_ckey ck = { .kind = LK_CK_CGROUP };
	__u64 key, next, *prev = NULL;
	unsigned int n = 0;
	__u32 verdict;

	while (n++ < SCAN_MAX && !bpf_map_get_next_key(m->map_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m->map_fd, &key, &verdict) || verdict != LK_CG_PENDING)
			continue;
		ck.id = key;
		if (!containers_resolve(m->cs, &ck))
			cgroup_map_resolve(m, key);
	}
}

/* A cgroup userspace maps whose kernel entry is gone: only the rmdir hook
 * removes the entry of a container cgroup, so the cgroup is gone too. */
static void forget_if_removed(__u64 id, void *arg)
{
	struct cgroup_map *m = arg;
	__u32 verdict;

	if (bpf_map_lookup_elem(m->map_fd, &id, &verdict) && errno == ENOENT)
		gone_add(m, id, m->round + 1);
}

void cgroup_map_recover(struct cgroup_map *m)
{
	scan_pending(m);
	containers_for_each_cgroup(m->cs, forget_if_removed, m);
}

void cgroup_map_round_end(struct cgroup_map *m, bool caught_up)
{
	size_t i, kept = 0;

	if (caught_up) {
		for (i = 0; i < m->nr_gone; i++) {
			if (m->gone[i].round <= m->round)
				containers_remove_cgroup(m->cs, m->gone[i].id);
			else
				m->gone[kept++] = m->gone[i];
		}
		m->nr_gone = kept;
		if (!kept && m->gone_cap > 4096) {
			free(m->gone);
			m->gone = NULL;
			m->gone_cap = 0;
		}
	}
	m->round++;
}

void cgroup_map_counts(const struct cgroup_map *m, struct cgroup_map_counts *out)
{
	*out = m->counts;
}
