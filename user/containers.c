// SPDX-License-Identifier: GPL-2.0
/*
 * containers.c - the registry of containers: cgroup ids to containers, sandboxes
 * by PID namespace, and metadata looked up once per container when its events
 * need it, with a bounded retry while the runtime has not written its state yet
 * (the pipeline's tick retries too, for a container with no events since).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "containers.h"

#define ID_BUCKETS	1024
#define CG_BUCKETS	1024
#define META_TRIES	8
#define META_RETRY_NS	(250ULL * 1000 * 1000)

struct cgroup_entry {
	struct cgroup_entry *next;
	__u64 cgid;
	struct container *c;
};

struct containers {
	struct container *by_id[ID_BUCKETS];
	struct cgroup_entry *by_cgroup[CG_BUCKETS];
	char host_root[256];
};

static unsigned int hash_str(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static unsigned int hash_u64(__u64 v)
{
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (unsigned int)v;
}

struct containers *containers_new(const char *host_root)
{
	struct containers *cs = calloc(1, sizeof(*cs));

	if (!cs)
		return NULL;
	snprintf(cs->host_root, sizeof(cs->host_root), "%s", host_root ? host_root : "");
	return cs;
}

void containers_free(struct containers *cs)
{
	unsigned int i;

	if (!cs)
		return;
	for (i = 0; i < ID_BUCKETS; i++) {
		struct container *c = cs->by_id[i], *next;

		for (; c; c = next) {
			next = c->next;
			free(c);
		}
	}
	for (i = 0; i < CG_BUCKETS; i++) {
		struct cgroup_entry *e = cs->by_cgroup[i], *next;

		for (; e; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(cs);
}

static struct container *find_by_id(struct containers *cs, const char *id)
{
	struct container *c = cs->by_id[hash_str(id) % ID_BUCKETS];

	for (; c; c = c->next)
		if (!strcmp(c->id, id))
			return c;
	return NULL;
}

static struct container *get_by_id(struct containers *cs, const char *id)
{
	struct container *c = find_by_id(cs, id);
	unsigned int b;

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	snprintf(c->id, sizeof(c->id), "%s", id);
	b = hash_str(c->id) % ID_BUCKETS;
	c->next = cs->by_id[b];
	cs->by_id[b] = c;
	return c;
}

static struct cgroup_entry *find_cgroup(struct containers *cs, __u64 cgid)
{
	struct cgroup_entry *e = cs->by_cgroup[hash_u64(cgid) % CG_BUCKETS];

	for (; e; e = e->next)
		if (e->cgid == cgid)
			return e;
	return NULL;
}

/* The plain-ctr form (/<ns>/<id>) looks like any two-level path: believe it
 * only when containerd has that container. */
static bool match_confirmed(struct containers *cs, const struct cgroup_match *m)
{
	if (!m->needs_confirm)
		return true;
	return runtime_containerd_exists(cs->host_root, m->ctr_namespace, m->id);
}

struct container *containers_add_cgroup(struct containers *cs, __u64 cgid, const char *path)
{
	struct cgroup_match m;
	struct cgroup_entry *e;
	struct container *c;
	unsigned int b;

	e = find_cgroup(cs, cgid);
	if (e)
		return e->c;
	if (!cgroup_classify(path, strlen(path), &m) || !match_confirmed(cs, &m))
		return NULL;
	c = get_by_id(cs, m.id);
	if (!c)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	c->match = m;
	if (!c->cgroup_id || strlen(path) < strlen(c->cgroup_path)) {
		/* Nested cgroups (podman's .../container) name the container's top one. */
		c->cgroup_id = cgid;
		snprintf(c->cgroup_path, sizeof(c->cgroup_path), "%s", path);
	}
	e->cgid = cgid;
	e->c = c;
	c->nr_cgroups++;
	b = hash_u64(cgid) % CG_BUCKETS;
	e->next = cs->by_cgroup[b];
	cs->by_cgroup[b] = e;
	return c;
}

void containers_remove(struct containers *cs, struct container *c)
{
	struct container **pp = &cs->by_id[hash_str(c->id) % ID_BUCKETS];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			free(c);
			return;
		}
	}
}

void containers_remove_cgroup(struct containers *cs, __u64 cgid)
{
	struct cgroup_entry **pp = &cs->by_cgroup[hash_u64(cgid) % CG_BUCKETS], *e;
	struct container *c;

	for (; (e = *pp); pp = &e->next) {
		if (e->cgid != cgid)
			continue;
		*pp = e->next;
		c = e->c;
		free(e);
		if (c->nr_cgroups)
			c->nr_cgroups--;
		if (c->cgroup_id == cgid)
			c->cgroup_id = 0;
		/* A cgroup is removed only when empty, after its exits. */
		if (!c->nr_cgroups)
			containers_remove(cs, c);
		return;
	}
}

/* The container of a key; a sandbox is made on first sight when `create`. */
static struct container *key_lookup(struct containers *cs, const struct lk_ckey *key, bool create)
{
	struct cgroup_entry *e;
	struct container *c;
	char id[CONTAINER_ID_MAX];

	switch (key->kind) {
	case LK_CK_CGROUP:
		e = find_cgroup(cs, key->id);
		return e ? e->c : NULL;
	case LK_CK_PIDNS:
		snprintf(id, sizeof(id), "pidns:%llu", (unsigned long long)key->id);
		if (!create)
			return find_by_id(cs, id);
		c = get_by_id(cs, id);
		if (c && c->match.runtime == RUNTIME_NONE) {
			c->match.runtime = RUNTIME_SANDBOX;
			c->pidns = (__u32)key->id;
			c->have_meta = true;	/* a sandbox has no runtime to ask */
		}
		return c;
	default:
		return NULL;
	}
}

struct container *containers_resolve(struct containers *cs, const struct lk_ckey *key)
{
	return key_lookup(cs, key, true);
}

struct container *containers_find(struct containers *cs, const struct lk_ckey *key)
{
	return key_lookup(cs, key, false);
}

bool container_refresh_meta(struct containers *cs, struct container *c, __u64 now_ns)
{
	int err;

	if (!c || c->have_meta || c->meta_tries >= META_TRIES || now_ns < c->meta_retry_ns)
		return false;
	c->meta_tries++;
	err = runtime_lookup(cs->host_root, &c->match, &c->meta);
	if (!err && c->meta.name[0]) {
		c->have_meta = true;
		return true;
	}
	/* Not written yet, or the daemon is restarting: ask again later, a few times,
	 * then keep reporting the id. */
	c->meta_retry_ns = now_ns + META_RETRY_NS * c->meta_tries;
	return false;
}

size_t containers_each_pending_meta(struct containers *cs,
				    void (*fn)(void *ctx, struct container *c), void *ctx)
{
	struct container *c, *next;
	size_t i, n = 0;

	for (i = 0; i < ID_BUCKETS; i++) {
		for (c = cs->by_id[i]; c; c = next) {
			next = c->next;
			if (!c->started || c->have_meta)
				continue;
			n++;
			fn(ctx, c);
		}
	}
	return n;
}

void containers_for_each_cgroup(struct containers *cs, void (*fn)(__u64 cgid, void *arg),
				void *arg)
{
	unsigned int i;

	for (i = 0; i < CG_BUCKETS; i++) {
		struct cgroup_entry *e;

		for (e = cs->by_cgroup[i]; e; e = e->next)
			fn(e->cgid, arg);
	}
}
