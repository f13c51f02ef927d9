// SPDX-License-Identifier: GPL-2.0
/*
 * pipeline.c - kernel records in, lines out.
 *
 * Records from every ring buffer are queued per poll round and handled in
 * kernel time order, so a signal is always seen before the exit it caused even
 * when the two travelled through different buffers. Nothing here trusts a
 * record's inner offsets: every string is checked against the record's size.
 */
#include <bpf/bpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgroup_map.h"
#include "output.h"
#include <syslog.h>
#include "metrics.h"
#include "pipeline.h"
#include "template.h"
#include "verdict.h"
#include "syslog_sink.h"
#include "proc.h"

#define PROC_BUCKETS	4096
#define PROC_CACHE_MAX	65536
#define RECENT_SIGNALS	1024
#define EXITED_KEPT	1024	/* exited processes remembered for the signals that follow */

/* What an exec told us about a process, kept until it exits: exit and signal
 * records do not carry argv, and on older kernels exit has no exe either. */
struct proc_entry {
	struct proc_entry *next;
	__u32 pid;
	__u64 start_time;
	char *exe;
	size_t exe_len;
	bool exe_truncated;
	char *argv;
	size_t argv_len;
	bool argv_truncated;
	__u32 mntns;
	bool exited;
	bool exe_known;		/* exe (maybe NULL: gone) was looked up */
};

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
	struct outbuf out;
	struct outbuf audit;
	struct outbuf line;		/* one JSON line for --syslog in the live view */
	bool header_written;
	size_t out_records;		/* records formatted into `out` since the last flush */
	size_t header_end;		/* the live view's header ends here in `out` (0: not in it) */
	enum pipeline_output out_state;

	/* One poll round's records, copied into one arena (no allocation per
	 * record once it has grown) and indexed for sorting. */
	struct queued *queue;
	size_t queued, queue_cap, seq;
	char *arena;
	size_t arena_len, arena_cap;

	struct proc_entry *procs[PROC_BUCKETS];
	size_t nr_procs;
	/* An exit is followed by SIGCHLD "from" the exited task, which by then has
	 * no mm or namespaces: keep the last exited processes a little longer. */
	struct lk_pkey exited[EXITED_KEPT];
	size_t exited_next;

	/* Recent signal records, so an exit can show its killer in full. */
	struct lk_signal_event *recent[RECENT_SIGNALS];
	size_t recent_size[RECENT_SIGNALS];
	size_t recent_next;
	struct lk_signal_event *self_signal;	/* last signal sent to lookout itself */

	struct pipeline_counts counts;
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

/* ---- process cache -------------------------------------------------------- */

static unsigned int proc_hash(__u32 pid, __u64 start)
{
	return (pid * 2654435761u ^ (unsigned int)(start >> 7)) % PROC_BUCKETS;
}

static struct proc_entry **proc_find(struct pipeline *pl, __u32 pid, __u64 start)
{
	struct proc_entry **pp = &pl->procs[proc_hash(pid, start)];

	for (; *pp; pp = &(*pp)->next)
		if ((*pp)->pid == pid && (*pp)->start_time == start)
			return pp;
	return pp;
}

static char *dup_bytes(struct bytes b)
{
	char *p;

	if (!b.ptr)
		return NULL;
	p = malloc(b.len + 1);
	if (!p)
		return NULL;
	memcpy(p, b.ptr, b.len);
	p[b.len] = '\0';
	return p;
}

static void proc_entry_free(struct proc_entry *e)
{
	if (!e)
		return;
	free(e->exe);
	free(e->argv);
	free(e);
}

static void proc_remember(struct pipeline *pl, const struct proc_view *v)
{
	struct proc_entry **pp = proc_find(pl, v->k->pid, v->k->start_time), *e = *pp;

	if (!e) {
		if (pl->nr_procs >= PROC_CACHE_MAX)
			return;
		e = calloc(1, sizeof(*e));
		if (!e)
			return;
		e->pid = v->k->pid;
		e->start_time = v->k->start_time;
		*pp = e;
		pl->nr_procs++;
	}
	if (v->exe.ptr && v->exe.ptr != e->exe) {
		e->exe_known = true;
		free(e->exe);
		e->exe = dup_bytes(v->exe);
		e->exe_len = e->exe ? v->exe.len : 0;
		e->exe_truncated = v->exe_truncated;
	}
	if (v->mntns)
		e->mntns = v->mntns;
	if (v->argv.ptr && v->argv.ptr != e->argv) {
		free(e->argv);
		e->argv = dup_bytes(v->argv);
		e->argv_len = e->argv ? v->argv.len : 0;
		e->argv_truncated = v->argv_truncated;
	}
}

static void proc_forget(struct pipeline *pl, __u32 pid, __u64 start)
{
	struct proc_entry **pp = proc_find(pl, pid, start), *e = *pp;

	if (!e || !e->exited)
		return;
	*pp = e->next;
	proc_entry_free(e);
	pl->nr_procs--;
}

/* Mark a process exited; it is forgotten EXITED_KEPT exits later. */
static void proc_exited(struct pipeline *pl, const struct proc_view *v)
{
	struct lk_pkey *slot = &pl->exited[pl->exited_next++ % EXITED_KEPT];
	struct proc_entry *e;

	if (slot->pid)
		proc_forget(pl, slot->pid, slot->start_time);
	proc_remember(pl, v);
	e = *proc_find(pl, v->k->pid, v->k->start_time);
	if (!e)
		return;
	e->exited = true;
	slot->pid = v->k->pid;
	slot->start_time = v->k->start_time;
}

/* Fill what a record did not carry from what an earlier exec told us. */
static void proc_complete(struct pipeline *pl, struct proc_view *v)
{
	struct proc_entry *e = *proc_find(pl, v->k->pid, v->k->start_time);

	if (!e)
		return;
	if (!v->exe.ptr && e->exe) {
		v->exe.ptr = e->exe;
		v->exe.len = e->exe_len;
		v->exe_truncated = e->exe_truncated;
	}
	if (!v->argv.ptr && e->argv) {
		v->argv.ptr = e->argv;
		v->argv.len = e->argv_len;
		v->argv_truncated = e->argv_truncated;
	}
	if (!v->mntns)
		v->mntns = e->mntns;
}

/* A signal's target is not the current task, so the kernel could not read its
 * arguments: take them from /proc while it lives (checked against its start
 * time) and remember them. */
static void proc_complete_from_proc(struct pipeline *pl, struct proc_view *v)
{
	char *argv = NULL;
	size_t len = 0;

	if (v->argv.ptr || proc_read_cmdline(v->k->pid, v->k->start_time, &argv, &len))
		return;
	v->argv.ptr = argv;
	v->argv.len = len;
	proc_remember(pl, v);
	free(argv);
	v->argv.ptr = NULL;
	proc_complete(pl, v);
}

/* ---- views ------------------------------------------------------------------ */

static struct container *proc_container(struct pipeline *pl, const struct lk_proc *k,
					__u64 now_ns)
{
	struct container *c = containers_resolve(pl->cs, &k->ckey);

	/* A new cgroup userspace has not heard of: its mkdir record was lost. */
	if (!c && k->ckey.kind == LK_CK_CGROUP && (k->ckey.flags & LK_PF_PENDING))
		c = cgroup_map_resolve(pl->cgroups, k->ckey.id);
	container_refresh_meta(pl->cs, c, now_ns);
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
	proc_complete(pl, v);
}

/* An ancestor's exe: what an exec showed, else /proc once (checked against its
 * start time), remembered either way: the same shells send signal after signal. */
static void ancestor_exe(struct pipeline *pl, const struct lk_ancestor *a, char *out, size_t len)
{
	struct proc_entry **pp = proc_find(pl, a->pid, a->start_time), *e = *pp;

	out[0] = '\0';
	if (e && e->exe_known) {
		snprintf(out, len, "%s", e->exe ? e->exe : "");
		return;
	}
	proc_exe_if_same(a->pid, a->start_time, out, len);
	if (!e) {
		if (pl->nr_procs >= PROC_CACHE_MAX)
			return;
		e = calloc(1, sizeof(*e));
		if (!e)
			return;
		e->pid = a->pid;
		e->start_time = a->start_time;
		*pp = e;
		pl->nr_procs++;
	}
	free(e->exe);
	e->exe = out[0] ? strdup(out) : NULL;
	e->exe_len = e->exe ? strlen(e->exe) : 0;
	e->exe_known = true;
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
		proc_complete_from_proc(pl, &s->target);
	if (n > LK_ANCESTRY_MAX)
		n = LK_ANCESTRY_MAX;
	for (i = 0; i < n; i++) {
		s->ancestry[i].k = &k->ancestry[i];
		ancestor_exe(pl, &k->ancestry[i], s->ancestry[i].exe, sizeof(s->ancestry[i].exe));
	}
	s->nr_ancestors = n;
}

/* ---- writing ------------------------------------------------------------------ */

/*
 * Write it all, or as much as the reader takes. A blocked write that a signal
 * interrupts goes on until the stop's flush time is up (give_up): from then on
 * main's timer interrupts every blocked write, so none outlasts it by much.
 * Returns the bytes written; errno says why the rest was not.
 */
static size_t write_all(const struct pipeline *pl, int fd, const char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);

		if (w < 0) {
			if (errno == EINTR && !(pl->opts.give_up && *pl->opts.give_up))
				continue;
			if (errno == EINTR)
				errno = ETIMEDOUT;
			break;
		}
		done += (size_t)w;
	}
	return done;
}

/* Records from `done` on in `out` (one line each, the header aside) were not
 * written: a record cut in the middle counts as not written. */
static size_t records_after(const struct pipeline *pl, size_t done)
{
	const char *p = pl->out.data + done, *end = pl->out.data + pl->out.len;
	size_t n = 0;

	if (pl->out.failed)
		return pl->out_records;
	for (; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	if (pl->header_end > done)
		n--;
	return n < pl->out_records ? n : pl->out_records;
}

/* The live output: once its reader is gone (EPIPE) or stalled past the stop's
 * flush time, nothing more is tried, and what it misses is counted. */
static void flush_out(struct pipeline *pl)
{
	size_t done = 0, lost;

	if (pl->out_state == PIPELINE_OUTPUT_OK && pl->out.len && !pl->out.failed) {
		done = write_all(pl, pl->opts.out_fd, pl->out.data, pl->out.len);
		if (done < pl->out.len && (errno == EPIPE || errno == ECONNRESET))
			pl->out_state = PIPELINE_OUTPUT_CLOSED;
		else if (done < pl->out.len && errno == ETIMEDOUT)
			pl->out_state = PIPELINE_OUTPUT_STALLED;
	}
	lost = pl->out.len || pl->out.failed ? records_after(pl, done) : 0;
	pl->counts.written -= lost;
	pl->counts.not_written += lost;
	outbuf_reset(&pl->out);
	pl->out_records = 0;
	pl->header_end = 0;
}

static bool wanted(const struct pipeline *pl, const struct report *r)
{
	if (pl->opts.filter && !filter_match(pl->opts.filter, r))
		return false;
	if (!pl->opts.only_kills)
		return true;
	switch (r->type) {
	case REPORT_SIGNAL:
		return r->signal->origin != ORIGIN_KERNEL;
	case REPORT_EXIT:
	case REPORT_CONTAINER_EXIT:
		return r->cause != CAUSE_EXITED;
	case REPORT_OOM:
	case REPORT_LOOKOUT_START:
	case REPORT_LOOKOUT_STOP:
	case REPORT_LOST:
		return true;
	default:
		return false;
	}
}

static bool audited(const struct report *r)
{
	switch (r->type) {
	case REPORT_SIGNAL:
	case REPORT_EXIT:
	case REPORT_CONTAINER_EXIT:
		return report_out_of_band(r);
	default:
		return false;
	}
}

/* lookout_stop goes to the audit log too when the live output cannot carry it:
 * an audit trail must show that lookout stopped, and why. */
static bool audited_stop(const struct pipeline *pl, const struct report *r)
{
	return r->type == REPORT_LOOKOUT_STOP && pl->out_state != PIPELINE_OUTPUT_OK;
}

/* --syslog and --metrics see exactly the events written. */
static void export_report(struct pipeline *pl, const struct report *r)
{
	const char *name = report_type_name(r->type);
	bool oob = report_out_of_band(r);

	if (pl->opts.syslog) {
		outbuf_reset(&pl->line);
		json_write_report(&pl->line, &pl->host, r);
		if (!pl->line.failed)
			syslog_sink_send(pl->opts.syslog, oob ? LOG_WARNING : LOG_INFO, name,
					 pl->line.data, pl->line.len);
	}
	if (pl->opts.metrics) {
		metrics_event(pl->opts.metrics, name);
		if (r->type == REPORT_CONTAINER_EXIT)
			metrics_container_exit(pl->opts.metrics, cause_name(r->cause));
		if (r->type == REPORT_SIGNAL) {
			const struct container *c = r->signal->target.c;

			metrics_signal(pl->opts.metrics, origin_name(r->signal->origin));
			if (oob)
				metrics_out_of_band(pl->opts.metrics,
						    c ? (c->meta.name[0] ? c->meta.name : c->id) : NULL);
		}
	}
}

static void write_report(struct pipeline *pl, const struct report *r)
{
	if (pl->opts.audit_fd >= 0 && (audited(r) || audited_stop(pl, r)))
		json_write_report(&pl->audit, &pl->host, r);
	if (!wanted(pl, r))
		return;
	export_report(pl, r);
	if (pl->out_state != PIPELINE_OUTPUT_OK) {
		pl->counts.not_written++;
		return;
	}
	if (pl->opts.format) {
		outbuf_reset(&pl->line);
		json_write_report(&pl->line, &pl->host, r);
		if (pl->line.failed || template_render_json(pl->opts.format, pl->line.data,
							    pl->line.len, &pl->out))
			pl->out.failed = 1;
	} else if (pl->opts.json) {
		json_write_report(&pl->out, &pl->host, r);
	} else {
		if (!pl->header_written) {
			text_write_header(&pl->out);
			pl->header_end = pl->out.len;
			pl->header_written = true;
		}
		text_write_report(&pl->out, &pl->host, r, pl->opts.color);
	}
	pl->out_records++;
	pl->counts.written++;
}

static void flush(struct pipeline *pl)
{
	flush_out(pl);
	if (pl->opts.audit_fd >= 0 && pl->audit.len && !pl->audit.failed)
		write_all(pl, pl->opts.audit_fd, pl->audit.data, pl->audit.len);
	outbuf_reset(&pl->audit);
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
	r.proc = *v;
	r.existing = existing;
	write_report(pl, &r);
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
	proc_remember(pl, &r.proc);
	if (runtime_helper(pl, &e->proc))
		return;
	if (r.proc.c && !r.proc.c->started && !(e->proc.flags & LK_PF_ENTERED))
		start_container(pl, &r.proc, e->hdr.time_ns, false);
	r.filename = rec_str(e, size, e->filename);
	r.via_exec = r.proc.c && (e->proc.flags & LK_PF_JOINED) &&
		     !(e->proc.flags & LK_PF_ENTERED);
	write_report(pl, &r);
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

/* Did this exit end the container? Its init, when it has its own PID namespace;
 * otherwise (--pid=host) its last process. */
static bool ends_container(const struct pipeline *pl, const struct lk_exit_event *e,
			   const struct container *c)
{
	if (!c || !c->started || (e->proc.flags & LK_PF_ENTERED))
		return false;
	/* Its init, in its own namespace: not a namespace one of its processes made. */
	if (c->pidns != pl->host.host_pidns)
		return e->proc.ns_pid == 1 && e->proc.pidns == c->pidns;
	return e->last_in_container;
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
	write_report(pl, &r);
	if (ends_container(pl, e, r.proc.c)) {
		r.type = REPORT_CONTAINER_EXIT;
		r.proc.c->started = false;
		write_report(pl, &r);
		/* A sandbox is its PID namespace, which ends with its init. */
		if (r.proc.c->match.runtime == RUNTIME_SANDBOX)
			containers_remove(pl->cs, r.proc.c);
	}
forget:
	proc_exited(pl, &r.proc);
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
	write_report(pl, &r);
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
	write_report(pl, &r);
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
	if (!pl->cgroups) {
		free(pl);
		return NULL;
	}
	outbuf_init(&pl->out);
	outbuf_init(&pl->audit);
	outbuf_init(&pl->line);
	return pl;
}

void pipeline_free(struct pipeline *pl)
{
	size_t i;

	if (!pl)
		return;
	for (i = 0; i < PROC_BUCKETS; i++) {
		struct proc_entry *e = pl->procs[i], *next;

		for (; e; e = next) {
			next = e->next;
			proc_entry_free(e);
		}
	}
	for (i = 0; i < RECENT_SIGNALS; i++)
		free(pl->recent[i]);
	free(pl->arena);
	free(pl->queue);
	free(pl->self_signal);
	cgroup_map_free(pl->cgroups);
	outbuf_free(&pl->out);
	outbuf_free(&pl->audit);
	outbuf_free(&pl->line);
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
	if (pl->out.cap > KEEP_BYTES)
		outbuf_free(&pl->out);
	if (pl->audit.cap > KEEP_BYTES)
		outbuf_free(&pl->audit);
}

void pipeline_drain(struct pipeline *pl, bool caught_up)
{
	size_t i;

	if (pl->queued > 1)
		qsort(pl->queue, pl->queued, sizeof(*pl->queue), queued_cmp);
	for (i = 0; i < pl->queued; i++) {
		handle(pl, pl->arena + pl->queue[i].off, pl->queue[i].size);
		/* Someone may be waiting for this one: out now, not after the round. */
		if (pl->queue[i].alert)
			flush(pl);
	}
	pl->queued = 0;
	pl->arena_len = 0;
	flush(pl);
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

static bool seed_is_init(const struct pipeline *pl, const struct lk_proc *k)
{
	return k->ns_pid == 1 && k->pidns != pl->host.host_pidns;
}

/*
 * Remember every process running at start (argv from /proc), and announce each
 * container with its init: the oldest process that is PID 1 of its namespace,
 * else (--pid=host) its oldest process. The iterator's order (by PID) says
 * nothing about which one that is.
 */
void pipeline_seed_done(struct pipeline *pl)
{
	struct proc_view v;
	size_t i;

	for (i = 0; i < pl->queued; i++) {
		const struct lk_exec_event *e = (const void *)(pl->arena + pl->queue[i].off);
		char *argv = NULL;
		size_t argv_len = 0;
		struct container *c;
		bool init;

		view_proc(pl, &v, e, e->hdr.size, &e->proc, e->hdr.time_ns);
		c = v.c;
		if (!c)
			continue;
		if (proc_read_cmdline(e->proc.pid, e->proc.start_time, &argv, &argv_len) == 0) {
			v.argv.ptr = argv;
			v.argv.len = argv_len;
		}
		proc_remember(pl, &v);
		free(argv);
		if (c->started || (e->proc.flags & (LK_PF_ENTERED | LK_PF_RUNTIME)))
			continue;
		init = seed_is_init(pl, &e->proc);
		if (!c->seed || (init && !c->seed_init) ||
		    (init == c->seed_init && e->proc.start_time < c->seed_start)) {
			c->seed = i + 1;
			c->seed_init = init;
			c->seed_start = e->proc.start_time;
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
	flush(pl);
}

void pipeline_lookout_start(struct pipeline *pl, __u64 now_ns)
{
	struct report r = { .type = REPORT_LOOKOUT_START, .time_ns = now_ns };

	r.options = pl->opts.options;
	write_report(pl, &r);
	flush(pl);
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
	write_report(pl, &r);
	flush(pl);
}

void pipeline_lost(struct pipeline *pl, __u64 now_ns, __u64 count, __u64 since_ns,
		   const char *buffer)
{
	struct report r = { .type = REPORT_LOST, .time_ns = now_ns };

	r.lost_count = count;
	r.lost_since_ns = since_ns;
	r.buffer = buffer;
	write_report(pl, &r);
	flush(pl);
}

void pipeline_set_audit_fd(struct pipeline *pl, int fd)
{
	if (pl->opts.audit_fd >= 0)
		close(pl->opts.audit_fd);
	pl->opts.audit_fd = fd;
}

void pipeline_counts(const struct pipeline *pl, struct pipeline_counts *out)
{
	struct cgroup_map_counts cg;

	*out = pl->counts;
	cgroup_map_counts(pl->cgroups, &cg);
	out->cgroups_resolved = cg.resolved;
}

enum pipeline_output pipeline_output_state(const struct pipeline *pl)
{
	return pl->out_state;
}

void pipeline_output_closed(struct pipeline *pl)
{
	pl->out_state = PIPELINE_OUTPUT_CLOSED;
}
