/* SPDX-License-Identifier: GPL-2.0 */
/*
 * containers.h - the containers lookout knows of: which cgroups belong to which
 * container, sandboxes known only by their PID namespace, and each one's
 * runtime metadata (looked up once, retried while the runtime has not written
 * it yet, and falling back to the id).
 */
#ifndef LOOKOUT_CONTAINERS_H
#define LOOKOUT_CONTAINERS_H

#include <stdbool.h>
#include <linux/types.h>
#include "lookout.h"
#include "cgroup.h"
#include "container_init.h"
#include "runtime.h"

#define CONTAINER_ID_MAX (CGROUP_ID_MAX + 16)

struct container {
	struct container *next;		/* hash chain by id */
	char id[CONTAINER_ID_MAX];	/* runtime's full id, or "pidns:<inode>" */
	struct cgroup_match match;
	struct container_meta meta;
	bool have_meta;
	unsigned int meta_tries;
	__u64 meta_retry_ns;		/* boot-time ns of the next lookup */
	char cgroup_path[512];
	__u64 cgroup_id;
	unsigned int nr_cgroups;	/* cgroups mapped to it; it is freed with the last */
	bool started;			/* container_start written, no container_exit since */
	bool announced_nameless;	/* container_start went out before its metadata */
	bool existing;			/* running before lookout started */
	__u32 init_pid;
	__u64 init_start;
	__u32 pidns;			/* its init's: the namespace whose end is its end */
	bool own_pidns;			/* its init is that namespace's PID 1, not the host's */
	/* While seeding: the best candidate for its init seen so far. */
	size_t seed;			/* 1 + index in the seed queue; 0 none */
	struct init_cand seed_best;
};

struct containers;

struct containers *containers_new(const char *host_root);
void containers_free(struct containers *cs);

/* A cgroup of the tracked hierarchy was seen (at start or created later): returns the
 * container it belongs to, or NULL when it is a host cgroup. */
struct container *containers_add_cgroup(struct containers *cs, __u64 cgid, const char *path);
/* The cgroup went away; the container is freed with its last cgroup. */
void containers_remove_cgroup(struct containers *cs, __u64 cgid);
/* Call fn for every cgroup id mapped to a container; fn must not add or remove any. */
void containers_for_each_cgroup(struct containers *cs, void (*fn)(__u64 cgid, void *arg),
				void *arg);
/* Forget a container (a sandbox whose namespace ended). */
void containers_remove(struct containers *cs, struct container *c);

/* The container of a kernel membership key, or NULL for the host. Sandboxes
 * (LK_CK_PIDNS) are created on first sight. */
struct container *containers_resolve(struct containers *cs, const struct lk_ckey *key);
/* The same, but never creates one: NULL when unknown (or ended and forgotten). */
struct container *containers_find(struct containers *cs, const struct lk_ckey *key);

/* Fill c->meta if the runtime has it now; cheap when already known or not yet due.
 * True when this call found it. */
bool container_refresh_meta(struct containers *cs, struct container *c, __u64 now_ns);
/* Call fn for each started container whose metadata has not come yet; returns
 * how many there are. */
size_t containers_each_pending_meta(struct containers *cs,
				    void (*fn)(void *ctx, struct container *c), void *ctx);

#endif
