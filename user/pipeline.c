// SPDX-License-Identifier: GPL-2.0
/*
 * pipeline.c - kernel records in, reports out.
 *
 * Records from every ring buffer are queued per poll round and handled in
 * kernel time order, so a signal is always seen before the exit it caused even
 * when the two travelled through different buffers. Nothing here trusts a
 * record's inner offsets: every string is checked against the record's size.
 * Each record becomes a report: its processes completed from the process cache
 * (proc_cache.c), its container resolved (containers.c, cgroup_map.c), its
 * verdicts taken (verdict.c, oom.c); the router (router.c) sends it on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgroup_map.h"
#include "pipeline.h"
#include "proc.h"
#include "proc_cache.h"
#include "router.h"
#include "verdict.h"

#define RECENT_SIGNALS	1024
#define ENDED_KEPT	256

struct queued {
	__u64 time_ns;
	size_t seq;
	size_t size;
	size_t off;		/* in the arena */
	bool alert;
};

struct pipeline {
	struct pipeline_opts opts;
	long page_size;			/* the kernel counts memory cgroups in pages */
	struct containers *cs;
	struct cgroup_map *cgroups;
	struct report_host host;
	struct router out;		/* audit log, filters, syslog, metrics, stdout */

	/* One poll round's records, copied into one arena (no allocation per
	 * record once it has grown) and indexed for sorting. */
	struct queued *queue;
	size_t queued, queue_cap, seq;
	char *arena;
	size_t arena_len, arena_cap;

	struct proc_cache *procs;

	/* Recent signal records, so an exit can show its killer in full. */
	struct lk_signal_event *recent[RECENT_SIGNALS];
	size_t recent_size[RECENT_SIGNALS];
	size_t recent_next;
	struct lk_signal_event *self_signal;	/* last signal sent to lookout itself */

	struct pipeline_counts counts;
	/* Containers that ended lately, so a loss counted after their end still
	 * names them (their records may be dropped up to the very end). */
	struct ended {
		struct lk_ckey key;
		char id[CONTAINER_ID_MAX];
		char name[256];
	} ended[ENDED_KEPT];
	size_t ended_next;
};

/* ---- record checking ----------------------------------------------------- */

static struct bytes rec_str(const void *rec, size_t size, struct lk_str s)
{
	struct bytes b = { NULL, 0 };

	if (!s.off || (size_t)s.off + s.len > size)
		return b;
	b.ptr = (const char *)rec + s.off;
	b.len = s.len;
	return b;
}

static size_t min_size(__u32 type)
{
	switch (type) {
	case LK_EV_EXEC:
		return sizeof(struct lk_exec_event);
	case LK_EV_EXIT:
		return sizeof(struct lk_exit_event);
	case LK_EV_SIGNAL:
		return sizeof(struct lk_signal_event);
	case LK_EV_OOM:
		return sizeof(struct lk_oom_event);
	case LK_EV_CGROUP_MKDIR:
	case LK_EV_CGROUP_RMDIR:
		return sizeof(struct lk_cgroup_event);
	}
	return 0;
}

/* ---- views ------------------------------------------------------------------ */

/* Its name and image came after container_start went out without them: say so
 * now, in the order it happened (Falco's users see <NA> for this). */
static void announce_update(struct pipeline *pl, struct container *c, __u64 now_ns)
{
	struct report r = { .type = REPORT_CONTAINER_UPDATE, .time_ns = now_ns };
	struct lk_proc k = { .pid = c->init_pid, .start_time = c->init_start };

	if (!c->announced_nameless)
		return;
	c->announced_nameless = false;
	r.proc.k = &k;
	r.proc.c = c;
	router_write(&pl->out, &r);
}

static void refresh_meta(struct pipeline *pl, struct container *c, __u64 now_ns)
{
	if (container_refresh_meta(pl->cs, c, now_ns))
		announce_update(pl, c, now_ns);
}

static struct container *proc_container(struct pipeline *pl, const struct lk_proc *k,
					__u64 now_ns)
{
	struct container *c = containers_resolve(pl->cs, &k->ckey);

	/* A new cgroup userspace has not heard of: its mkdir record was lost. */
	if (!c && k->ckey.kind == LK_CK_CGROUP && (k->ckey.flags & LK_PF_PENDING))
		c = cgroup_map_resolve(pl->cgroups, k->ckey.id);
	refresh_meta(pl, c, now_ns);
	return c;
}

static void view_proc(struct pipeline *pl, struct proc_view *v, const void *rec, size_t size,
		      const struct lk_proc *k, __u64 now_ns)
{
	memset(v, 0, sizeof(*v));
	v->k = k;
	v->c = proc_container(pl, k, now_ns);
	v->exe = rec_str(rec, size, k->exe);
	v->exe_truncated = v->exe.ptr && (k->flags & LK_PF_EXE_TRUNC);
	v->argv = rec_str(rec, size, k->argv);
	v->argv_truncated = k->flags & LK_PF_ARGV_TRUNC;
	v->mntns = k->mntns;
	proc_cache_complete(pl->procs, v);
}

static void view_signal(struct pipeline *pl, struct signal_view *s,
			const struct lk_signal_event *k, size_t size)
{
	unsigned int i, n = k->nr_ancestors;

	memset(s, 0, sizeof(*s));
	s->k = k;
	view_proc(pl, &s->sender, k, size, &k->sender, k->hdr.time_ns);
	view_proc(pl, &s->target, k, size, &k->target, k->hdr.time_ns);
	s->origin = verdict_origin(s);
	s->tamper = verdict_tamper(k);
	s->out_of_band = verdict_out_of_band(s);
	/* Reading /proc costs three file reads: spend them on signals from outside
	 * the container, not on a container's own (possibly flooding) signals. */
	if (s->origin != ORIGIN_KERNEL && s->origin != ORIGIN_CONTAINER)
		proc_cache_complete_from_proc(pl->procs, &s->target);
	if (n > LK_ANCESTRY_MAX)
		n = LK_ANCESTRY_MAX;
	for (i = 0; i < n; i++) {
		s->ancestry[i].k = &k->ancestry[i];
		proc_cache_ancestor_exe(pl->procs, &k->ancestry[i], s->ancestry[i].exe, sizeof(s->ancestry[i].exe));
	}
	s->nr_ancestors = n;
}

/*
 * The runtime's own helpers (runc init before it executes the container's
 * program) sit in the container's cgroup for a moment; they are not the
 * workload, and only --all reports them.
 */
static bool runtime_helper(const struct pipeline *pl, const struct lk_proc *k)
{
	return !pl->opts.all && (k->flags & LK_PF_RUNTIME) && k->ckey.kind != LK_CK_HOST;
}

/* ---- handlers -------------------------------------------------------------------- */

static void start_container(struct pipeline *pl, const struct proc_view *v, __u64 time_ns,
			    bool existing)
{
	struct report r = { .type = REPORT_CONTAINER_START, .time_ns = time_ns };
	struct container *c = v->c;

	c->started = true;
	c->existing = existing;
	c->init_pid = v->k->pid;
	c->init_start = v->k->start_time;
	c->pidns = v->k->pidns;
	c->own_pidns = v->k->ns_pid == 1 && v->k->pidns != pl->host.host_pidns;
	c->announced_nameless = !c->have_meta;
	r.proc = *v;
	r.existing = existing;
	router_write(&pl->out, &r);
}

static void handle_cgroup(struct pipeline *pl, const struct lk_cgroup_event *e, size_t size)
{
	struct bytes path = rec_str(e, size, e->path);
	char buf[4096];

	if (!path.ptr || path.len >= sizeof(buf)) {
		pl->counts.bad_records++;
		return;
	}
	memcpy(buf, path.ptr, path.len);
	buf[path.len] = '\0';
	cgroup_map_mkdir(pl->cgroups, e->cgroup_id, buf, e->flags);
}

static void handle_exec(struct pipeline *pl, const struct lk_exec_event *e, size_t size)
{
	struct report r = { .type = REPORT_EXEC, .time_ns = e->hdr.time_ns };

	view_proc(pl, &r.proc, e, size, &e->proc, e->hdr.time_ns);
	if (!r.proc.c && !pl->opts.all && !(e->proc.flags & LK_PF_SELF))
		return;		/* its new cgroup turned out to be the host's */
	proc_cache_remember(pl->procs, &r.proc);
	if (runtime_helper(pl, &e->proc))
		return;
	/* Its first program, not the runtime's helper (--all writes that one too): the
	 * init as container_init.h has it, and as seeding would announce it. */
	if (r.proc.c && !r.proc.c->started && !(e->proc.flags & (LK_PF_ENTERED | LK_PF_RUNTIME)))
		start_container(pl, &r.proc, e->hdr.time_ns, false);
	r.filename = rec_str(e, size, e->filename);
	r.via_exec = r.proc.c && (e->proc.flags & LK_PF_JOINED) &&
		     !(e->proc.flags & LK_PF_ENTERED);
	router_write(&pl->out, &r);
}

static const struct lk_signal_event *recent_find(struct pipeline *pl, const struct lk_killer *k,
						 size_t *size)
{
	size_t i;

	for (i = 0; i < RECENT_SIGNALS; i++) {
		const struct lk_signal_event *s = pl->recent[i];

		if (s && s->hdr.time_ns == k->signal_time && s->sender.pid == k->sender.pid) {
			*size = pl->recent_size[i];
			return s;
		}
	}
	return NULL;
}

/* Did this exit end the container? Its init, when that is PID 1 of its own PID
 * namespace; otherwise (--pid=host, a namespace shared with another container) its
 * last process. */
static bool ends_container(const struct container *c, const struct lk_exit_event *e)
{
	if (!c || !c->started || (e->proc.flags & LK_PF_ENTERED))
		return false;
	/* Its init, in its own namespace: not a namespace one of its processes made. */
	if (c->own_pidns)
		return e->proc.ns_pid == 1 && e->proc.pidns == c->pidns;
	return e->last_in_container;
}

static void remember_end(struct pipeline *pl, const struct lk_ckey *key,
			 const struct container *c)
{
	struct ended *x = &pl->ended[pl->ended_next++ % ENDED_KEPT];

	x->key = *key;
	x->key.flags = 0;
	snprintf(x->id, sizeof(x->id), "%s", c->id);
	snprintf(x->name, sizeof(x->name), "%s", c->meta.name);
}

/* Name the container of a loss: a live one, one that ended lately, or its key. */
static void place_loss(struct pipeline *pl, const struct lk_ckey *k, struct lost_place *lp)
{
	const struct container *c = containers_find(pl->cs, k);
	size_t i;

	if (c) {
		snprintf(lp->id, sizeof(lp->id), "%s", c->id);
		snprintf(lp->name, sizeof(lp->name), "%s", c->meta.name);
		return;
	}
	for (i = 0; i < ENDED_KEPT; i++) {
		const struct ended *x = &pl->ended[i];

		if (x->id[0] && x->key.kind == k->kind && x->key.id == k->id) {
			snprintf(lp->id, sizeof(lp->id), "%s", x->id);
			snprintf(lp->name, sizeof(lp->name), "%s", x->name);
			return;
		}
	}
	snprintf(lp->id, sizeof(lp->id), "%s:%llu", k->kind == LK_CK_PIDNS ? "pidns" : "cgroup",
		 (unsigned long long)k->id);
}

static void handle_exit(struct pipeline *pl, const struct lk_exit_event *e, size_t size)
{
	struct report r = { .type = REPORT_EXIT, .time_ns = e->hdr.time_ns };
	const struct lk_signal_event *sig = NULL;
	struct lk_signal_event note;
	struct signal_view killer;
	struct oom_limit oom;
	size_t sig_size = 0;

	view_proc(pl, &r.proc, e, size, &e->proc, e->hdr.time_ns);
	if ((!r.proc.c && !pl->opts.all && !(e->proc.flags & LK_PF_SELF)) ||
	    runtime_helper(pl, &e->proc))
		goto forget;
	proc_cache_complete_from_parent(pl->procs, &r.proc);
	r.code = e->code;
	/* Only the signal that actually ended it, and only one a process sent. */
	if (e->killer.sender.pid && (e->code & 0x7f) == e->killer.sig) {
		sig = recent_find(pl, &e->killer, &sig_size);
		if (!sig) {
			/* Its event was dropped, filtered or is still on its way: the
			 * kernel's note names the sender; exe and argv come from what
			 * lookout saw of it, the ancestry is unknown. */
			memset(&note, 0, sizeof(note));
			note.hdr.type = LK_EV_SIGNAL;
			note.hdr.size = sizeof(note);
			note.hdr.time_ns = e->killer.signal_time;
			note.sender = e->killer.sender;
			note.target = e->proc;
			note.target.exe.off = note.target.argv.off = 0;
			note.sig = (__s32)e->killer.sig;
			note.how = e->killer.how;
			note.method = e->killer.method;
			sig = &note;
			sig_size = sizeof(note);
		}
		view_signal(pl, &killer, sig, sig_size);
		killer.reraised = e->killer.flags & LK_KILLER_RERAISED;
		r.killed_by = &killer;
	}
	r.cause = verdict_cause(e->code, &e->killer, r.killed_by);
	if (r.cause == CAUSE_OOM) {
		oom_limit_place(&oom, &e->killer.oom_limit, r.proc.c, pl->opts.cgroup_mount,
				pl->page_size);
		r.oom = &oom;
	}
	router_write(&pl->out, &r);
	if (ends_container(r.proc.c, e)) {
		r.type = REPORT_CONTAINER_EXIT;
		r.proc.c->started = false;
		router_write(&pl->out, &r);
		remember_end(pl, &e->proc.ckey, r.proc.c);
		/* A sandbox is its PID namespace, which ends with its init. */
		if (r.proc.c->match.runtime == RUNTIME_SANDBOX)
			containers_remove(pl->cs, r.proc.c);
	}
forget:
	proc_cache_exited(pl->procs, &r.proc);
}

static void recent_add(struct pipeline *pl, const struct lk_signal_event *e, size_t size)
{
	size_t i = pl->recent_next++ % RECENT_SIGNALS;
	void *copy = malloc(size);

	if (!copy)
		return;
	memcpy(copy, e, size);
	free(pl->recent[i]);
	pl->recent[i] = copy;
	pl->recent_size[i] = size;
}

/*
 * A signal the kernel raised at lookout for lookout's own system call: SIGPIPE
 * for a write to a closed output, SIGXFSZ for one past the file size limit
 * (both ignored, so the write fails instead). Reporting it would mean one more
 * write, so one more signal, for ever. The write's failure is reported instead
 * (lookout_stop's reason, its totals). Anyone else's signal to lookout, these
 * two sent with kill(2) included, is still reported.
 */
static bool raised_by_own_write(const struct lk_signal_event *e)
{
	return (e->target.flags & LK_PF_SELF) && (e->sender.flags & LK_PF_SELF) &&
	       !(e->how & LK_SIG_BY_SYSCALL) && (e->sig == SIGPIPE || e->sig == SIGXFSZ);
}

static void handle_signal(struct pipeline *pl, const struct lk_signal_event *e, size_t size)
{
	struct report r = { .type = REPORT_SIGNAL, .time_ns = e->hdr.time_ns };
	struct signal_view s;
	bool to_self = e->target.flags & LK_PF_SELF;

	if (raised_by_own_write(e)) {
		pl->counts.own_signals++;
		return;
	}
	view_signal(pl, &s, e, size);
	/* The same rule the kernel applied, now that pending cgroups are settled. */
	if (!s.target.c && !pl->opts.all && !to_self &&
	    !(s.sender.c && (e->how & LK_SIG_BY_SYSCALL)))
		return;
	if (runtime_helper(pl, &e->target))
		return;
	if (e->how & LK_SIG_BY_SYSCALL)
		recent_add(pl, e, size);
	if (to_self) {
		free(pl->self_signal);
		pl->self_signal = malloc(size);
		if (pl->self_signal)
			memcpy(pl->self_signal, e, size);
	}
	r.signal = &s;
	router_write(&pl->out, &r);
}

static void handle_oom(struct pipeline *pl, const struct lk_oom_event *e, size_t size)
{
	struct report r = { .type = REPORT_OOM, .time_ns = e->hdr.time_ns };
	struct oom_limit oom;

	view_proc(pl, &r.proc, e, size, &e->proc, e->hdr.time_ns);
	/* Kernels whose tracepoint gives only a pid read no cgroups: unknown. */
	if (e->nr_levels && e->nr_levels <= LK_MEMCG_DEPTH) {
		oom_limit_place(&oom, e->fired >= 0 && (__u32)e->fired < e->nr_levels ?
				&e->levels[e->fired] : NULL,
				r.proc.c, pl->opts.cgroup_mount, pl->page_size);
		r.oom = &oom;
	}
	router_write(&pl->out, &r);
}

static void handle(struct pipeline *pl, const void *data, size_t size)
{
	const struct lk_hdr *h = data;

	pl->counts.records++;
	if (size < sizeof(*h) || h->size > size || size < min_size(h->type) ||
	    !min_size(h->type)) {
		pl->counts.bad_records++;
		return;
	}
	switch (h->type) {
	case LK_EV_EXEC:
		handle_exec(pl, data, h->size);
		break;
	case LK_EV_EXIT:
		handle_exit(pl, data, h->size);
		break;
	case LK_EV_SIGNAL:
		handle_signal(pl, data, h->size);
		break;
	case LK_EV_OOM:
		handle_oom(pl, data, h->size);
		break;
	case LK_EV_CGROUP_MKDIR:
		handle_cgroup(pl, data, h->size);
		break;
	case LK_EV_CGROUP_RMDIR:
		cgroup_map_rmdir(pl->cgroups, ((const struct lk_cgroup_event *)data)->cgroup_id);
		break;
	}
}

/* ---- public ------------------------------------------------------------------------- */

struct pipeline *pipeline_new(const struct pipeline_opts *opts, struct containers *cs,
			      const struct report_host *host)
{
	struct pipeline *pl = calloc(1, sizeof(*pl));

	if (!pl)
		return NULL;
	pl->opts = *opts;
	pl->page_size = sysconf(_SC_PAGESIZE);
	pl->cs = cs;
	pl->host = *host;
	pl->cgroups = cgroup_map_new(cs, opts->cgroups_map_fd, opts->cgroup_mount_fd,
				     opts->cgroup_mount);
	pl->procs = proc_cache_new();
	if (!pl->cgroups || !pl->procs) {
		cgroup_map_free(pl->cgroups);
		proc_cache_free(pl->procs);
		free(pl);
		return NULL;
	}
	router_init(&pl->out, &pl->opts, &pl->host);
	return pl;
}

void pipeline_free(struct pipeline *pl)
{
	size_t i;

	if (!pl)
		return;
	proc_cache_free(pl->procs);
	for (i = 0; i < RECENT_SIGNALS; i++)
		free(pl->recent[i]);
	free(pl->arena);
	free(pl->queue);
	free(pl->self_signal);
	cgroup_map_free(pl->cgroups);
	router_free(&pl->out);
	free(pl);
}

int pipeline_queue(struct pipeline *pl, const void *data, size_t size, bool alert)
{
	struct queued *q;

	if (size < sizeof(struct lk_hdr)) {
		pl->counts.bad_records++;
		return 0;
	}
	if (pl->queued == pl->queue_cap) {
		size_t cap = pl->queue_cap ? pl->queue_cap * 2 : 256;

		q = realloc(pl->queue, cap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		pl->queue = q;
		pl->queue_cap = cap;
	}
	if (pl->arena_len + size + 8 > pl->arena_cap) {
		size_t cap = pl->arena_cap ? pl->arena_cap : 1 << 16;
		char *a;

		while (cap < pl->arena_len + size + 8)
			cap *= 2;
		a = realloc(pl->arena, cap);
		if (!a)
			return -ENOMEM;
		pl->arena = a;
		pl->arena_cap = cap;
	}
	q = &pl->queue[pl->queued];
	q->off = pl->arena_len;
	memcpy(pl->arena + q->off, data, size);
	pl->arena_len += (size + 7) & ~(size_t)7;	/* keep every record 8-aligned */
	q->size = size;
	q->alert = alert;
	q->time_ns = ((const struct lk_hdr *)data)->time_ns;
	q->seq = pl->seq++;
	pl->queued++;
	return 0;
}

static int queued_cmp(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* After a burst, give back what the round's buffers grew to: the steady state
 * needs little, and a monitor should not keep its worst moment's memory. */
#define KEEP_BYTES (1u << 20)

static void shrink(struct pipeline *pl)
{
	if (pl->arena_cap > KEEP_BYTES) {
		free(pl->arena);
		pl->arena = NULL;
		pl->arena_cap = 0;
	}
	if (pl->queue_cap > 4096) {
		free(pl->queue);
		pl->queue = NULL;
		pl->queue_cap = 0;
	}
	router_shrink(&pl->out, KEEP_BYTES);
}

/* Keep the queued records from `from` on for the next round, packed at the
 * front of a fresh arena. */
static void hold_back(struct pipeline *pl, size_t from)
{
	size_t i, n = pl->queued - from, len = 0;
	char *arena;

	for (i = from; i < pl->queued; i++)
		len += (pl->queue[i].size + 7) & ~(size_t)7;
	arena = malloc(len ? len : 8);
	if (!arena) {
		/* No room to wait: handle them now, out of order, rather than lose them. */
		for (i = from; i < pl->queued; i++)
			handle(pl, pl->arena + pl->queue[i].off, pl->queue[i].size);
		pl->queued = 0;
		pl->arena_len = 0;
		return;
	}
	for (len = 0, i = from; i < pl->queued; i++) {
		memcpy(arena + len, pl->arena + pl->queue[i].off, pl->queue[i].size);
		pl->queue[i].off = len;
		len += (pl->queue[i].size + 7) & ~(size_t)7;
	}
	memmove(pl->queue, pl->queue + from, n * sizeof(*pl->queue));
	free(pl->arena);
	pl->arena = arena;
	pl->arena_cap = len ? len : 8;
	pl->arena_len = len;
	pl->queued = n;
}

void pipeline_drain(struct pipeline *pl, bool caught_up, __u64 upto_ns)
{
	size_t i;

	if (pl->queued > 1)
		qsort(pl->queue, pl->queued, sizeof(*pl->queue), queued_cmp);
	for (i = 0; i < pl->queued && pl->queue[i].time_ns <= upto_ns; i++) {
		handle(pl, pl->arena + pl->queue[i].off, pl->queue[i].size);
		/* Someone may be waiting for this one: out now, not after the round. */
		if (pl->queue[i].alert)
			router_flush(&pl->out);
	}
	if (i < pl->queued) {
		hold_back(pl, i);
		caught_up = false;
	} else {
		pl->queued = 0;
		pl->arena_len = 0;
	}
	router_flush(&pl->out);
	if (!pl->queued)
		shrink(pl);
	cgroup_map_round_end(pl->cgroups, caught_up);
}

void pipeline_cgroups_lost(struct pipeline *pl)
{
	cgroup_map_recover(pl->cgroups);
}

/* A process running at start, one record from the seed iterator: queued until
 * pipeline_seed_done() has seen them all. */
void pipeline_seed(struct pipeline *pl, const void *data, size_t size)
{
	const struct lk_exec_event *e = data;

	if (size < sizeof(*e) || e->hdr.size > size || e->hdr.type != LK_EV_EXEC)
		return;
	pipeline_queue(pl, data, e->hdr.size, false);
}

/* A process the seed iterator found, as container_init.h weighs it. */
static void seed_candidate(const struct pipeline *pl, const struct lk_proc *k,
			   struct init_cand *cand)
{
	cand->start = k->start_time;
	cand->pid = k->pid;
	cand->ns_pid = k->ns_pid;
	cand->ns_level = k->ns_level;
	cand->host_pidns = k->pidns == pl->host.host_pidns;
	cand->runtime = k->flags & LK_PF_RUNTIME;
	cand->entered = k->flags & LK_PF_ENTERED;
}

/*
 * Remember every process running at start (argv from /proc), and announce each
 * container with its init, chosen by the rule lookout ps and inspect use too
 * (container_init.h). The iterator's order (by PID) says nothing about which
 * one that is.
 */
void pipeline_seed_done(struct pipeline *pl)
{
	struct proc_view v;
	size_t i;

	for (i = 0; i < pl->queued; i++) {
		const struct lk_exec_event *e = (const void *)(pl->arena + pl->queue[i].off);
		char *argv = NULL;
		size_t argv_len = 0;
		struct init_cand cand;
		struct container *c;

		view_proc(pl, &v, e, e->hdr.size, &e->proc, e->hdr.time_ns);
		c = v.c;
		if (!c)
			continue;
		if (proc_read_cmdline(e->proc.pid, e->proc.start_time, &argv, &argv_len) == 0) {
			v.argv.ptr = argv;
			v.argv.len = argv_len;
		}
		proc_cache_remember(pl->procs, &v);
		free(argv);
		if (c->started)
			continue;
		seed_candidate(pl, &e->proc, &cand);
		if (container_init_better(&cand, c->seed ? &c->seed_best : NULL)) {
			c->seed = i + 1;
			c->seed_best = cand;
		}
	}
	for (i = 0; i < pl->queued; i++) {
		const struct lk_exec_event *e = (const void *)(pl->arena + pl->queue[i].off);

		view_proc(pl, &v, e, e->hdr.size, &e->proc, e->hdr.time_ns);
		if (!v.c || v.c->seed != i + 1)
			continue;
		v.c->seed = 0;
		start_container(pl, &v, e->hdr.time_ns, true);
	}
	pl->queued = 0;
	pl->arena_len = 0;
	router_flush(&pl->out);
}

void pipeline_lookout_start(struct pipeline *pl, __u64 now_ns)
{
	struct report r = { .type = REPORT_LOOKOUT_START, .time_ns = now_ns };

	r.options = pl->opts.options;
	router_write(&pl->out, &r);
	router_flush(&pl->out);
}

void pipeline_lookout_stop(struct pipeline *pl, __u64 now_ns, const char *reason,
			   const struct lookout_totals *totals)
{
	struct report r = { .type = REPORT_LOOKOUT_STOP, .time_ns = now_ns };
	struct signal_view s;

	r.options = pl->opts.options;
	r.stop_reason = reason;
	r.totals = totals;
	if (pl->self_signal) {
		view_signal(pl, &s, pl->self_signal, pl->self_signal->hdr.size);
		r.stopped_by = &s;
	}
	router_write(&pl->out, &r);
	router_flush(&pl->out);
}

void pipeline_lost(struct pipeline *pl, __u64 now_ns, __u64 count, __u64 since_ns,
		   const char *buffer, const struct lk_lost_entry *places, size_t nr_places)
{
	struct report r = { .type = REPORT_LOST, .time_ns = now_ns };
	struct lost_place *lp = nr_places ? calloc(nr_places, sizeof(*lp)) : NULL;
	__u64 placed = 0;
	size_t i, n = 0;

	for (i = 0; lp && i < nr_places; i++) {
		const struct lk_lost_entry *p = &places[i];
		struct lk_ckey k = p->key;

		if (!p->count)
			continue;
		k.flags = 0;
		place_loss(pl, &k, &lp[n]);
		lp[n].count = p->count;
		placed += p->count;
		n++;
	}
	r.lost_count = count;
	r.lost_since_ns = since_ns;
	r.buffer = buffer;
	r.lost_places = lp;
	r.nr_lost_places = n;
	/* The per-container counts trail the buffer's by a record or two at
	 * most (counted just after it): never more placed than lost. */
	r.lost_unplaced = count > placed ? count - placed : 0;
	router_write(&pl->out, &r);
	router_flush(&pl->out);
	free(lp);
}

void pipeline_set_audit_fd(struct pipeline *pl, int fd)
{
	if (pl->opts.audit_fd >= 0)
		close(pl->opts.audit_fd);
	pl->opts.audit_fd = fd;
}

static void count_only(void *ctx, struct container *c)
{
	(void)ctx;
	(void)c;
}

void pipeline_counts(const struct pipeline *pl, struct pipeline_counts *out)
{
	struct cgroup_map_counts cg;

	*out = pl->counts;
	/* Counted now, not at the last tick: a container named since is not pending. */
	out->metadata_pending = containers_each_pending_meta(pl->cs, count_only, NULL);
	out->written = pl->out.written;
	out->not_written = pl->out.not_written;
	cgroup_map_counts(pl->cgroups, &cg);
	out->cgroups_resolved = cg.resolved;
}

enum pipeline_output pipeline_output_state(const struct pipeline *pl)
{
	return pl->out.out_state;
}

void pipeline_output_closed(struct pipeline *pl)
{
	pl->out.out_state = PIPELINE_OUTPUT_CLOSED;
}

struct tick {
	struct pipeline *pl;
	__u64 now_ns;
};

static void tick_one(void *ctx, struct container *c)
{
	struct tick *t = ctx;

	refresh_meta(t->pl, c, t->now_ns);
}

void pipeline_tick(struct pipeline *pl, __u64 now_ns)
{
	struct tick t = { pl, now_ns };

	/* A container with no events since its start still gets its name. */
	containers_each_pending_meta(pl->cs, tick_one, &t);
	router_flush(&pl->out);
}
