// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c - the host's view of its containers, read from /proc without BPF.
 *
 * One pass reads every /proc/PID; then processes are grouped the way the kernel side
 * decides membership (README, "How it works"): the cgroup first (v2 on a unified host,
 * else the v1 memory hierarchy when the host has one, else v2), then a process in a
 * container's PID namespace but not its cgroup counts as having entered it, then any
 * other process outside the host's PID namespace is a sandbox named pidns:<inode>.
 *
 * A PID names nothing for long: each process's files are read between two reads of its
 * stat, and a changed start time means it ended mid-scan and is left out, never mixed
 * with its successor's files.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup_mode.h"
#include "components.h"
#include "container_init.h"
#include "proc.h"
#include "safe_file.h"
#include "snapshot.h"

#define NSEC_PER_SEC 1000000000ULL
#define STAT_MAX 8192
/* status grows with supplementary groups; cgroup with hierarchies times path length */
#define STATUS_MAX (256u << 10)
#define CGROUP_FILE_MAX (256u << 10)
/* What we accept of a cmdline before giving up on it (the kernel's cap is the stack's) */
#define CMDLINE_MAX (4u << 20)

/* ---- parsers ---- */

int snapshot_parse_stat(const char *text, size_t len, char *comm, size_t commlen, char *state,
			__u32 *ppid, unsigned long long *start_ticks)
{
	const char *open, *close = NULL, *p, *end = text + len;
	unsigned long long v = 0;
	size_t n, i;

	if (!text || !comm || !commlen)
		return -EINVAL;
	comm[0] = '\0';
	open = memchr(text, '(', len);
	if (!open)
		return -EINVAL;
	/* comm may hold ')' itself: it ends at the last one */
	for (i = len; i > (size_t)(open - text); i--) {
		if (text[i - 1] == ')') {
			close = text + i - 1;
			break;
		}
	}
	if (!close || close <= open)
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n >= commlen)
		n = commlen - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	/* " S 1234 ": state and ppid follow */
	p = close + 1;
	if (end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return -EINVAL;
	*state = p[1];
	p += 3;
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	if (p >= end || *p != ' ')
		return -EINVAL;
	*ppid = (__u32)v;
	return proc_parse_stat_start(text, len, start_ticks);
}

/* Parse a run of unsigned decimals separated by blanks (positive ones only with
 * nonzero: PIDs); the first, the last, and how many. */
static int parse_u32_list(const char *p, const char *end, bool nonzero, __u32 *first,
			  __u32 *last, unsigned int *count)
{
	unsigned int n = 0;

	for (;;) {
		unsigned long long v = 0;
		const char *start;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		start = p;
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (unsigned long long)(*p - '0');
			if (v > UINT32_MAX)
				return -EINVAL;
		}
		if (p == start || (p < end && *p != ' ' && *p != '\t') || (nonzero && !v))
			return -EINVAL;
		if (!n && first)
			*first = (__u32)v;
		*last = (__u32)v;
		n++;
	}
	if (!n)
		return -EINVAL;
	*count = n;
	return 0;
}

int snapshot_parse_status(const char *text, size_t len, __u32 *ns_pid, unsigned int *depth,
			  __u32 *uid)
{
	bool have_uid = false, have_nspid = false;
	size_t i = 0;

	if (!text)
		return -EINVAL;
	*ns_pid = 0;
	*depth = 1;
	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		const char *end = nl ? nl : text + len;
		size_t n = (size_t)(end - line);
		unsigned int cnt;
		__u32 a, b;

		if (n > 4 && !memcmp(line, "Uid:", 4) && !have_uid) {
			if (parse_u32_list(line + 4, end, false, &a, &b, &cnt))
				return -EINVAL;
			*uid = a;
			have_uid = true;
		} else if (n > 6 && !memcmp(line, "NSpid:", 6) && !have_nspid) {
			if (parse_u32_list(line + 6, end, true, &a, &b, &cnt))
				return -EINVAL;
			*ns_pid = b;
			*depth = cnt;
			have_nspid = true;
		}
		i = (size_t)(end - text) + 1;
	}
	return have_uid ? 0 : -EINVAL;
}

int snapshot_parse_ns_link(const char *text, size_t len, const char *name, __u64 *inode)
{
	size_t nl = strlen(name), i;
	unsigned long long v = 0;

	/* "pid:[4026531836]", exactly as the kernel writes it: no sign, no leading zero */
	if (len < nl + 4 || memcmp(text, name, nl) || text[nl] != ':' || text[nl + 1] != '[' ||
	    text[len - 1] != ']' || text[nl + 2] == '0')
		return -EINVAL;
	for (i = nl + 2; i < len - 1; i++) {
		if (text[i] < '0' || text[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long long)(text[i] - '0');
	}
	if (i == nl + 2 || !v)
		return -EINVAL;
	*inode = v;
	return 0;
}

/* ---- reading one process ---- */

static int proc_path(const struct snapshot *s, char *out, size_t outlen, __u32 pid,
		     const char *file)
{
	int n = snprintf(out, outlen, "%s/%u/%s", s->proc_root, pid, file);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

/* who: a PID, or "self" */
static int read_ns_of(const struct snapshot *s, const char *who, const char *name,
		      __u64 *inode)
{
	char path[512], link[64];
	ssize_t n;
	int len;

	len = snprintf(path, sizeof(path), "%s/%s/ns/%s", s->proc_root, who, name);
	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	n = readlink(path, link, sizeof(link));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(link))
		return -EINVAL;
	return snapshot_parse_ns_link(link, (size_t)n, name, inode);
}

static int read_ns(const struct snapshot *s, __u32 pid, const char *name, __u64 *inode)
{
	char who[16];

	snprintf(who, sizeof(who), "%u", pid);
	return read_ns_of(s, who, name, inode);
}

/*
 * The host's namespace `name`: init's, or else ours. An init may refuse to be read (a
 * hardened one, or a sandbox's supervisor); lookout itself runs in the host's namespaces.
 */
static __u64 host_ns(const struct snapshot *s, const char *name)
{
	__u64 ino = 0;

	if (!read_ns_of(s, "1", name, &ino) || !read_ns_of(s, "self", name, &ino))
		return ino;
	return 0;
}

__u64 snapshot_ns_inode(const struct snapshot *s, __u32 pid, const char *name)
{
	__u64 ino = 0;

	return read_ns(s, pid, name, &ino) ? 0 : ino;
}

static int same_process(const struct snapshot *s, const struct snap_proc *p);

const char *const snapshot_ns_names[SNAP_NS_COUNT] = {
	"pid", "mnt", "net", "uts", "ipc", "user", "cgroup",
};

void snapshot_namespaces(const struct snapshot *s, const struct snap_container *c,
			 struct snap_namespaces *ns)
{
	__u32 pid = s->procs[c->init].pid;
	int i;

	for (i = 0; i < SNAP_NS_COUNT; i++) {
		ns->ctr[i] = snapshot_ns_inode(s, pid, snapshot_ns_names[i]);
		ns->host[i] = host_ns(s, snapshot_ns_names[i]);
	}
	/* read after the scan: the init may have ended and its PID gone to another */
	if (same_process(s, &s->procs[c->init]))
		memset(ns->ctr, 0, sizeof(ns->ctr));
}

static int read_stat(const struct snapshot *s, __u32 pid, struct snap_proc *p)
{
	char path[512], *text = NULL;
	size_t len;
	int err;

	if (proc_path(s, path, sizeof(path), pid, "stat"))
		return -ENAMETOOLONG;
	err = safe_read_file(path, &text, &len, STAT_MAX);
	if (err)
		return err;
	err = snapshot_parse_stat(text, len, p->comm, sizeof(p->comm), &p->state, &p->ppid,
				  &p->start_ticks);
	free(text);
	return err;
}

/* Still the process whose stat we read first? */
static int same_process(const struct snapshot *s, const struct snap_proc *p)
{
	struct snap_proc again = {};
	int err = read_stat(s, p->pid, &again);

	if (err)
		return err;
	return again.start_ticks == p->start_ticks ? 0 : -ESRCH;
}

static int read_cgroup(const struct snapshot *s, struct snap_proc *p)
{
	char path[512], *text = NULL, *cg;
	size_t len;
	int err;

	if (proc_path(s, path, sizeof(path), p->pid, "cgroup"))
		return -ENAMETOOLONG;
	err = safe_read_file(path, &text, &len, CGROUP_FILE_MAX);
	if (err)
		return err;
	cg = malloc(CGROUP_PATH_MAX + 1);
	if (!cg) {
		free(text);
		return -ENOMEM;
	}
	/* the hierarchy the kernel side decides on: v2 on unified hosts, v1 memory on
	 * legacy and hybrid ones (else v2) */
	err = s->unified ? -ENOENT : cgroup_proc_path(text, len, "memory", cg,
						      CGROUP_PATH_MAX + 1);
	if (err == -ENOENT)
		err = cgroup_proc_path(text, len, NULL, cg, CGROUP_PATH_MAX + 1);
	free(text);
	if (err == -ENAMETOOLONG) {
		/* longer than any container path cgroup_classify() accepts: a host cgroup */
		strcpy(cg, "");
		err = 0;
	}
	if (err) {
		free(cg);
		return err;
	}
	/* keep what the path needs, not the worst case, for every process on the host */
	p->cgroup = realloc(cg, strlen(cg) + 1);
	if (!p->cgroup)
		p->cgroup = cg;
	cg = p->cgroup;
	if (!cgroup_classify(cg, strlen(cg), &p->match))
		p->match.runtime = RUNTIME_NONE;
	return 0;
}

static bool ns_unknown(int err)
{
	return err == -EACCES || err == -EPERM || err == -ENOENT;
}

/* A runtime executable, or a memfd (whose runner decides: find_memfd_runtime()). Needs ptrace
 * access, like the namespace links: without it neither is known. */
static void read_exe(const struct snapshot *s, const struct component_set *rt,
		     struct snap_proc *p)
{
	char path[512], link[16];
	struct stat st;
	ssize_t n;

	if (proc_path(s, path, sizeof(path), p->pid, "exe"))
		return;
	if (!stat(path, &st) && component_set_has(rt, st.st_dev, st.st_ino)) {
		p->runtime = true;
		return;
	}
	/* "/memfd:runc_cloned:/proc/self/exe (deleted)"; the rest of the name is cut */
	n = readlink(path, link, sizeof(link));
	p->exe_memfd = n >= 7 && !memcmp(link, "/memfd:", 7);
}

static int read_process(const struct snapshot *s, const struct component_set *rt, __u32 pid,
			struct snap_proc *p)
{
	char path[512], *text = NULL;
	size_t len;
	int err;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->ctr = -1;
	err = read_stat(s, pid, p);
	if (err)
		return err;
	if (proc_path(s, path, sizeof(path), pid, "status"))
		return -ENAMETOOLONG;
	err = safe_read_file(path, &text, &len, STATUS_MAX);
	if (err)
		return err;
	err = snapshot_parse_status(text, len, &p->ns_pid, &p->ns_depth, &p->uid);
	free(text);
	if (err)
		return err;
	if (!p->ns_pid)
		p->ns_pid = pid;	/* no NSpid line: one namespace only */
	/*
	 * Namespace links need ptrace access, which stat, status and cgroup do not: without
	 * it the inode stays 0 (unknown) and the cgroup still decides. A zombie keeps its PID
	 * namespace but has dropped its mount namespace (-ENOENT). A process that ended is
	 * caught by the last stat read below.
	 */
	err = read_ns(s, pid, "pid", &p->pidns);
	if (err && !ns_unknown(err))
		return err;
	err = read_ns(s, pid, "mnt", &p->mntns);
	if (err && !ns_unknown(err))
		return err;
	err = read_cgroup(s, p);
	if (err)
		return err;
	read_exe(s, rt, p);
	return same_process(s, p);
}

static void proc_clear(struct snap_proc *p)
{
	free(p->cgroup);
	free(p->argv);
	p->cgroup = NULL;
	p->argv = NULL;
}

/* ---- grouping ---- */

struct scan {
	struct snapshot *s;
	const struct snapshot_opts *o;
	size_t cap;		/* of s->ctrs */
};

static int key_cmp(const struct cgroup_match *a, const struct cgroup_match *b)
{
	int r;

	if (a->runtime != b->runtime)
		return a->runtime < b->runtime ? -1 : 1;
	r = strcmp(a->ctr_namespace, b->ctr_namespace);
	return r ? r : strcmp(a->id, b->id);
}

static struct snapshot *sort_ctx;

static int by_key(const void *x, const void *y)
{
	const struct snap_proc *a = &sort_ctx->procs[*(const size_t *)x];
	const struct snap_proc *b = &sort_ctx->procs[*(const size_t *)y];

	return key_cmp(&a->match, &b->match);
}

static int by_pidns(const void *x, const void *y)
{
	const struct snap_proc *a = &sort_ctx->procs[*(const size_t *)x];
	const struct snap_proc *b = &sort_ctx->procs[*(const size_t *)y];

	return a->pidns < b->pidns ? -1 : a->pidns > b->pidns;
}

/* A member as container_init.h weighs it; `any` forgets rule 1's runtime test. */
static void init_candidate(const struct snap_proc *p, bool any, struct init_cand *c)
{
	c->start = p->start_ticks;
	c->pid = p->pid;
	c->ns_pid = p->ns_pid;
	c->ns_level = p->ns_depth;
	c->host_pidns = p->ns_depth == 1;	/* one NSpid field: /proc's own namespace */
	c->runtime = p->runtime && !any;
	c->entered = false;			/* members only: entered ones come later */
}

/*
 * The init of members idx[0..n), by the rule the live events use (container_init.h).
 * A container that holds only its runtime's helpers (runc init between create and
 * start) is still listed: then the rule is asked again as if they were not.
 */
static size_t pick_init(const struct snapshot *s, const size_t *idx, size_t n)
{
	struct init_cand best = {}, cand;
	size_t i, init = SIZE_MAX;
	int any;

	for (any = 0; any < 2 && init == SIZE_MAX; any++) {
		for (i = 0; i < n; i++) {
			init_candidate(&s->procs[idx[i]], any, &cand);
			if (container_init_better(&cand, init == SIZE_MAX ? NULL : &best)) {
				init = idx[i];
				best = cand;
			}
		}
	}
	return init;
}

static struct snap_container *add_container(struct scan *sc)
{
	struct snapshot *s = sc->s;
	struct snap_container *c;

	if (s->nctrs == sc->cap) {
		size_t ncap = sc->cap ? sc->cap * 2 : 16;
		struct snap_container *n = realloc(s->ctrs, ncap * sizeof(*n));

		if (!n)
			return NULL;
		s->ctrs = n;
		sc->cap = ncap;
	}
	c = &s->ctrs[s->nctrs++];
	memset(c, 0, sizeof(*c));
	return c;
}

/* Make a container of members idx[0..n), all with the same key (or pidns). */
static int make_container(struct scan *sc, const size_t *idx, size_t n, bool sandbox)
{
	struct snapshot *s = sc->s;
	struct snap_container *c = add_container(sc);
	const char *cg = NULL;
	size_t i, ci;

	if (!c)
		return -ENOMEM;
	ci = s->nctrs - 1;
	c->init = pick_init(s, idx, n);
	c->pidns = s->procs[c->init].pidns;
	c->mntns = s->procs[c->init].mntns;
	c->nprocs = n;
	if (sandbox) {
		c->runtime = RUNTIME_SANDBOX;
		c->match.runtime = RUNTIME_SANDBOX;
		snprintf(c->id, sizeof(c->id), "pidns:%llu", (unsigned long long)c->pidns);
		cg = s->procs[c->init].cgroup;
	} else {
		c->match = s->procs[c->init].match;
		c->runtime = c->match.runtime;
		snprintf(c->id, sizeof(c->id), "%s", c->match.id);
		/* podman puts the payload in .../libpod-<id>/container: name the top one */
		for (i = 0; i < n; i++) {
			const char *pc = s->procs[idx[i]].cgroup;

			if (!cg || strlen(pc) < strlen(cg))
				cg = pc;
		}
	}
	c->cgroup = strdup(cg ? cg : "");
	if (!c->cgroup)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		s->procs[idx[i]].ctr = (int)ci;
	return 0;
}

static int group_by_cgroup(struct scan *sc, size_t *idx)
{
	struct snapshot *s = sc->s;
	size_t i, j, n = 0;
	int err;

	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].match.runtime != RUNTIME_NONE)
			idx[n++] = i;
	sort_ctx = s;
	qsort(idx, n, sizeof(*idx), by_key);
	for (i = 0; i < n; i = j) {
		const struct cgroup_match *m = &s->procs[idx[i]].match;

		for (j = i + 1; j < n && !key_cmp(&s->procs[idx[j]].match, m); j++)
			;
		/* any two-level path looks like plain ctr's /<ns>/<id>: ask containerd */
		if (m->needs_confirm &&
		    !runtime_containerd_exists(sc->o->state_root, m->ctr_namespace, m->id)) {
			for (size_t k = i; k < j; k++)
				s->procs[idx[k]].match.runtime = RUNTIME_NONE;
			continue;
		}
		err = make_container(sc, idx + i, j - i, false);
		if (err)
			return err;
	}
	return 0;
}

struct ns_owner {
	__u64 pidns;
	size_t ctr;
	unsigned long long init_start;
};

static int by_owner(const void *x, const void *y)
{
	const struct ns_owner *a = x, *b = y;

	if (a->pidns != b->pidns)
		return a->pidns < b->pidns ? -1 : 1;
	/* containers sharing a namespace (a pod): the one that made it, the oldest */
	return (a->init_start > b->init_start) - (a->init_start < b->init_start);
}

static int find_owner(const void *key, const void *elem)
{
	__u64 ns = *(const __u64 *)key;
	const struct ns_owner *o = elem;

	return (ns > o->pidns) - (ns < o->pidns);
}

/* Processes outside every container cgroup: entered ones, then sandboxes. */
static int group_by_pidns(struct scan *sc, size_t *idx)
{
	struct snapshot *s = sc->s;
	struct ns_owner *own;
	size_t i, j, n = 0, nown = 0, ncgroup = s->nctrs;
	int err = 0;

	/* without the host's namespace every process would look sandboxed */
	if (!s->host_pidns)
		return 0;
	own = calloc(ncgroup ? ncgroup : 1, sizeof(*own));
	if (!own)
		return -ENOMEM;
	for (i = 0; i < ncgroup; i++) {
		if (s->ctrs[i].pidns == s->host_pidns || !s->ctrs[i].pidns)
			continue;
		own[nown].pidns = s->ctrs[i].pidns;
		own[nown].ctr = i;
		own[nown].init_start = s->procs[s->ctrs[i].init].start_ticks;
		nown++;
	}
	qsort(own, nown, sizeof(*own), by_owner);
	for (i = 0; i < s->nprocs; i++) {
		struct snap_proc *p = &s->procs[i];
		const struct ns_owner *o;

		if (p->ctr >= 0 || !p->pidns || p->pidns == s->host_pidns)
			continue;
		o = nown ? bsearch(&p->pidns, own, nown, sizeof(*own), find_owner) : NULL;
		/* bsearch may land on any of equal keys: take the first, the oldest */
		while (o && o > own && o[-1].pidns == p->pidns)
			o--;
		if (o) {
			p->ctr = (int)o->ctr;
			p->entered = true;
			s->ctrs[o->ctr].nprocs++;
			s->ctrs[o->ctr].nentered++;
			continue;
		}
		idx[n++] = i;
	}
	free(own);
	sort_ctx = s;
	qsort(idx, n, sizeof(*idx), by_pidns);
	for (i = 0; i < n && !err; i = j) {
		for (j = i + 1; j < n && s->procs[idx[j]].pidns == s->procs[idx[i]].pidns; j++)
			;
		err = make_container(sc, idx + i, j - i, true);
	}
	return err;
}

static int by_start(const void *x, const void *y)
{
	const struct snap_container *a = &sort_ctx->ctrs[*(const size_t *)x];
	const struct snap_container *b = &sort_ctx->ctrs[*(const size_t *)y];
	unsigned long long sa = sort_ctx->procs[a->init].start_ticks;
	unsigned long long sb = sort_ctx->procs[b->init].start_ticks;

	if (sa != sb)
		return sa < sb ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Oldest container first, so the order does not change from one run to the next. */
static int sort_containers(struct snapshot *s)
{
	size_t *order, *where, i;
	struct snap_container *sorted;

	if (s->nctrs < 2)
		return 0;
	order = calloc(s->nctrs, sizeof(*order));
	where = calloc(s->nctrs, sizeof(*where));
	sorted = calloc(s->nctrs, sizeof(*sorted));
	if (!order || !where || !sorted) {
		free(order);
		free(where);
		free(sorted);
		return -ENOMEM;
	}
	for (i = 0; i < s->nctrs; i++)
		order[i] = i;
	sort_ctx = s;
	qsort(order, s->nctrs, sizeof(*order), by_start);
	for (i = 0; i < s->nctrs; i++) {
		sorted[i] = s->ctrs[order[i]];
		where[order[i]] = i;
	}
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].ctr >= 0)
			s->procs[i].ctr = (int)where[s->procs[i].ctr];
	free(s->ctrs);
	s->ctrs = sorted;
	free(order);
	free(where);
	return 0;
}

static void lookup_meta(struct scan *sc)
{
	struct snapshot *s = sc->s;
	size_t i;

	for (i = 0; i < s->nctrs; i++) {
		struct snap_container *c = &s->ctrs[i];

		if (c->runtime == RUNTIME_SANDBOX)
			continue;
		c->meta_err = runtime_lookup(sc->o->state_root, &c->match, &c->meta);
		if (c->meta_err == -EACCES || c->meta_err == -EPERM)
			s->meta_denied++;
		/* Kubernetes on Docker has containerd-looking paths: the state knows better */
		if (!c->meta_err && c->meta.runtime != RUNTIME_NONE)
			c->runtime = c->meta.runtime;
	}
}

/* ---- the scan ---- */

static bool pid_name(const char *s, __u32 *pid)
{
	unsigned long long v = 0;

	if (!*s || *s == '0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long long)(*s - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*pid = (__u32)v;
	return true;
}

static int read_all(struct snapshot *s, const struct component_set *rt)
{
	size_t cap = 0;
	struct dirent *de;
	DIR *d;
	int err = 0;

	d = opendir(s->proc_root);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct snap_proc *p;
		__u32 pid;
		int r;

		if (!pid_name(de->d_name, &pid))
			continue;
		if (s->nprocs == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct snap_proc *n = realloc(s->procs, ncap * sizeof(*n));

			if (!n) {
				err = -ENOMEM;
				break;
			}
			s->procs = n;
			cap = ncap;
		}
		p = &s->procs[s->nprocs];
		r = read_process(s, rt, pid, p);
		if (!r) {
			s->nprocs++;
			continue;
		}
		proc_clear(p);
		if (r == -ENOMEM) {
			err = r;
			break;
		}
		/* gone between readdir and read, or reused: not an error, just churn */
		if (r == -ENOENT || r == -ESRCH)
			s->vanished++;
		else
			s->unreadable++;
	}
	closedir(d);
	return err;
}

/*
 * The host's PID namespace is the one this /proc was mounted for: init's, and that of
 * every process whose NSpid line has a single field. That also gives the namespace of a
 * host process whose link we may not read (ptrace rules), like a hardened init.
 */
static void find_host_pidns(struct snapshot *s)
{
	size_t i;

	if (read_ns(s, 1, "pid", &s->host_pidns))
		s->host_pidns = 0;
	for (i = 0; i < s->nprocs && !s->host_pidns; i++)
		if (s->procs[i].ns_depth == 1)
			s->host_pidns = s->procs[i].pidns;
	for (i = 0; i < s->nprocs && s->host_pidns; i++)
		if (s->procs[i].ns_depth == 1 && !s->procs[i].pidns)
			s->procs[i].pidns = s->host_pidns;
}

static struct snap_proc *find_pid(struct snapshot *s, __u32 pid)
{
	size_t i;

	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

/*
 * A memfd program is the runtime's when the process that made it ran the runtime:
 * runc 1.1 re-executes itself from a memfd copy (runc init), and its children run
 * that copy too. Up the parents through memfd programs to a runtime executable, as
 * the kernel side marks them (bpf/runtime.bpf.h).
 */
static void find_memfd_runtime(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nprocs; i++) {
		struct snap_proc *p = &s->procs[i], *q = p;
		int hops;

		if (!p->exe_memfd || p->runtime)
			continue;
		for (hops = 0; q && q->exe_memfd && !q->runtime && hops < 8; hops++)
			q = find_pid(s, q->ppid);
		p->runtime = q && q->runtime;
	}
}

/* Processes outside the host's PID namespace that no container claims and whose
 * namespace we could not read: a sandbox we cannot see. */
static void count_unknown_ns(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].ctr < 0 && !s->procs[i].pidns)
			s->ns_unreadable++;
}

bool snapshot_host_unified(void)
{
	struct statfs sfs;

	return !statfs("/sys/fs/cgroup", &sfs) &&
	       (unsigned long)sfs.f_type == CGROUP_MODE_CGROUP2_MAGIC;
}

int snapshot_scan(const struct snapshot_opts *o, struct snapshot **out)
{
	static const struct snapshot_opts defaults;
	struct component_set rt;
	struct scan sc = {};
	struct snapshot *s;
	const char *root;
	size_t *idx = NULL;
	int err;

	*out = NULL;
	if (!o)
		o = &defaults;
	root = o->proc_root && o->proc_root[0] ? o->proc_root : "/proc";
	if (strlen(root) >= sizeof(s->proc_root))
		return -ENAMETOOLONG;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	snprintf(s->proc_root, sizeof(s->proc_root), "%s", root);
	s->unified = o->unified;
	s->ticks_per_sec = sysconf(_SC_CLK_TCK);
	if (s->ticks_per_sec <= 0)
		s->ticks_per_sec = 100;
	sc.s = s;
	sc.o = o;
	component_set_load(&rt, o->state_root);
	err = read_all(s, &rt);
	if (err)
		goto fail;
	find_host_pidns(s);
	find_memfd_runtime(s);
	idx = calloc(s->nprocs ? s->nprocs : 1, sizeof(*idx));
	if (!idx) {
		err = -ENOMEM;
		goto fail;
	}
	sc.cap = 0;
	err = group_by_cgroup(&sc, idx);
	if (!err)
		err = group_by_pidns(&sc, idx);
	if (err)
		goto fail;
	count_unknown_ns(s);
	if (!o->no_meta)
		lookup_meta(&sc);
	err = sort_containers(s);
	if (err)
		goto fail;
	free(idx);
	*out = s;
	return 0;
fail:
	free(idx);
	snapshot_free(s);
	return err;
}

void snapshot_free(struct snapshot *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nprocs; i++)
		proc_clear(&s->procs[i]);
	for (i = 0; i < s->nctrs; i++)
		free(s->ctrs[i].cgroup);
	free(s->procs);
	free(s->ctrs);
	free(s);
}

/* ---- queries ---- */

size_t snapshot_find(const struct snapshot *s, const char *query, size_t *idx, size_t max)
{
	size_t i, n, qlen;
	int rule;

	if (!s || !query || !query[0])
		return 0;
	qlen = strlen(query);
	/* Docker's order: full id, then name, then id prefix; the first rule that hits wins.
	 * Then a name's start, as the live view shows a long one (cut, with "…"), or as
	 * typed: one hit is the container, more are listed as ambiguous. */
	for (rule = 0; rule < 4; rule++) {
		if (rule == 3 && qlen > 3 && !strcmp(query + qlen - 3, "\xe2\x80\xa6"))
			qlen -= 3;
		n = 0;
		for (i = 0; i < s->nctrs; i++) {
			const struct snap_container *c = &s->ctrs[i];
			bool hit;

			if (rule == 0)
				hit = !strcmp(c->id, query);
			else if (rule == 1)
				hit = c->meta.name[0] && !strcmp(c->meta.name, query);
			else if (rule == 2)
				hit = !strncmp(c->id, query, qlen);
			else
				hit = c->meta.name[0] && !strncmp(c->meta.name, query, qlen);
			if (!hit)
				continue;
			if (n < max && idx)
				idx[n] = i;
			n++;
		}
		if (n)
			return n;
	}
	return 0;
}

void snapshot_short_id(const char *id, char *out, size_t outlen)
{
	size_t n = strlen(id), i;
	bool hex = n == 64;

	for (i = 0; hex && i < n; i++)
		hex = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f');
	snprintf(out, outlen, "%.*s", hex ? 12 : (int)n, id);
}

__u64 snapshot_start_ns(const struct snapshot *s, const struct snap_proc *p)
{
	return p->start_ticks * (NSEC_PER_SEC / (unsigned long long)s->ticks_per_sec);
}

struct tree_node {
	size_t proc;
	size_t parent;		/* index into the member array, SIZE_MAX for a root */
	size_t first_child, next_sibling;
	bool seen;
};

static const struct snapshot *tree_ctx;

static int member_by_pid(const void *x, const void *y)
{
	__u32 a = tree_ctx->procs[*(const size_t *)x].pid;
	__u32 b = tree_ctx->procs[*(const size_t *)y].pid;

	return (a > b) - (a < b);
}

static int member_find(const void *key, const void *elem)
{
	__u32 a = *(const __u32 *)key, b = tree_ctx->procs[*(const size_t *)elem].pid;

	return (a > b) - (a < b);
}

int snapshot_tree(const struct snapshot *s, const struct snap_container *c, size_t **order,
		  unsigned int **depth)
{
	size_t ci = (size_t)(c - s->ctrs), n = 0, i, out = 0, *stack = NULL, *m = NULL;
	struct tree_node *t = NULL;
	unsigned int *dstack = NULL;

	*order = NULL;
	*depth = NULL;
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].ctr == (int)ci)
			n++;
	m = calloc(n + 1, sizeof(*m));
	t = calloc(n + 1, sizeof(*t));
	stack = calloc(n + 1, sizeof(*stack));
	dstack = calloc(n + 1, sizeof(*dstack));
	*order = calloc(n + 1, sizeof(**order));
	*depth = calloc(n + 1, sizeof(**depth));
	if (!m || !t || !stack || !dstack || !*order || !*depth)
		goto nomem;
	n = 0;
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].ctr == (int)ci)
			m[n++] = i;
	tree_ctx = s;
	qsort(m, n, sizeof(*m), member_by_pid);
	for (i = 0; i < n; i++) {
		t[i].proc = m[i];
		t[i].parent = t[i].first_child = t[i].next_sibling = SIZE_MAX;
	}
	/* prepending in PID order leaves each child list in reverse: pushed onto the
	 * stack in that order, children pop in PID order */
	for (i = 0; i < n; i++) {
		const struct snap_proc *p = &s->procs[m[i]];
		size_t *hit;

		hit = bsearch(&p->ppid, m, n, sizeof(*m), member_find);
		/* a parent must be older than its child: a reused PID is nobody's parent */
		if (!hit || *hit == m[i] || p->start_ticks < s->procs[*hit].start_ticks)
			continue;
		t[i].parent = (size_t)(hit - m);
		t[i].next_sibling = t[t[i].parent].first_child;
		t[t[i].parent].first_child = i;
	}
	/* roots first in PID order; then whatever a cycle of reused PIDs left unreached */
	for (int pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			size_t sp = 0;

			if (t[i].seen || (pass == 0 && t[i].parent != SIZE_MAX))
				continue;
			stack[sp] = i;
			dstack[sp++] = 0;
			while (sp) {
				size_t k = stack[--sp], ch;
				unsigned int d = dstack[sp];

				if (t[k].seen)
					continue;
				t[k].seen = true;
				(*order)[out] = t[k].proc;
				(*depth)[out++] = d;
				for (ch = t[k].first_child; ch != SIZE_MAX; ch = t[ch].next_sibling)
					if (!t[ch].seen && sp < n) {
						stack[sp] = ch;
						dstack[sp++] = d + 1;
					}
			}
		}
	}
	free(m);
	free(t);
	free(stack);
	free(dstack);
	return (int)out;
nomem:
	free(m);
	free(t);
	free(stack);
	free(dstack);
	free(*order);
	free(*depth);
	*order = NULL;
	*depth = NULL;
	return -ENOMEM;
}

int snapshot_read_argv(struct snapshot *s, size_t i)
{
	struct snap_proc *p = &s->procs[i];
	char path[512], *text = NULL;
	size_t len;
	int err;

	free(p->argv);
	p->argv = NULL;
	p->argv_len = 0;
	p->argv_truncated = false;
	if (proc_path(s, path, sizeof(path), p->pid, "cmdline"))
		return -ENAMETOOLONG;
	err = safe_read_file(path, &text, &len, CMDLINE_MAX);
	if (err == -EFBIG)
		p->argv_truncated = true;
	if (err)
		return err;
	err = same_process(s, p);
	if (err) {
		free(text);
		return err;
	}
	if (len > SNAP_ARGV_MAX) {
		len = SNAP_ARGV_MAX;
		p->argv_truncated = true;
	}
	p->argv = text;
	p->argv_len = len;
	return 0;
}
