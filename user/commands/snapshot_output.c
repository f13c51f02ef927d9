// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_output.c - `lookout ps` and `lookout inspect` output: aligned tables for a
 * terminal and JSON for programs.
 *
 * Names, images, comms, argv and cgroup paths are whatever a runtime or a process made
 * them: each goes through text_put_string() or json_put_string(), never printf("%s").
 * Column widths are measured on the escaped text, so a hostile name can widen its
 * column but never shift another row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "output.h"
#include "report.h"
#include "snapshot_output.h"

#define NSEC_PER_SEC 1000000000ULL
/* deeper processes are still listed, just not indented further */
#define TREE_INDENT_MAX 32

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * NSEC_PER_SEC + (__u64)ts.tv_nsec;
}

void snap_clock_now(struct snap_clock *clk)
{
	clk->now_boot_ns = clock_ns(CLOCK_BOOTTIME);
	clk->boot_to_real_ns = (__s64)(clock_ns(CLOCK_REALTIME) - clk->now_boot_ns);
}

void format_uptime(char *out, size_t len, __u64 ns)
{
	unsigned long long s = ns / NSEC_PER_SEC;

	if (s < 60)
		snprintf(out, len, "%llus", s);
	else if (s < 3600)
		snprintf(out, len, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, len, "%lluh%02llum", s / 3600, s / 60 % 60);
	else
		snprintf(out, len, "%llud%02lluh", s / 86400, s / 3600 % 24);
}

static void format_started(char *out, size_t len, const struct snap_clock *clk, __u64 boot_ns)
{
	/* whole seconds: the start time comes from clock ticks (10 ms), and boot
	 * time to wall time is a difference of two clocks read apart; nanoseconds
	 * would claim a precision it does not have */
	time_t secs = (time_t)(((__s64)boot_ns + clk->boot_to_real_ns) / 1000000000LL);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static __u64 age_ns(const struct snap_clock *clk, __u64 start_ns)
{
	/* a start rounded to clock ticks can be a little after "now" */
	return clk->now_boot_ns > start_ns ? clk->now_boot_ns - start_ns : 0;
}

/* ---- aligned tables ---- */

struct table {
	size_t ncols, nrows;
	struct outbuf *cells;	/* nrows * ncols, escaped text */
	size_t *width;
	unsigned int right;	/* bit per right-aligned column */
};

static int table_init(struct table *t, size_t ncols, size_t nrows, unsigned int right)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->nrows = nrows;
	t->right = right;
	t->cells = calloc(ncols * nrows, sizeof(*t->cells));
	t->width = calloc(ncols, sizeof(*t->width));
	return t->cells && t->width ? 0 : -1;
}

static void table_free(struct table *t)
{
	size_t i;

	if (t->cells)
		for (i = 0; i < t->ncols * t->nrows; i++)
			outbuf_free(&t->cells[i]);
	free(t->cells);
	free(t->width);
}

static struct outbuf *cell(struct table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

/* Terminal columns of escaped text: one per UTF-8 character (wide CJK is rare here). */
static size_t display_width(const struct outbuf *o)
{
	size_t i, w = 0;

	for (i = 0; i < o->len; i++)
		if (((unsigned char)o->data[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void pad(struct outbuf *b, size_t n)
{
	while (n--)
		outbuf_putc(b, ' ');
}

/* Rows as columns two spaces apart; the last column is not padded. */
static void table_write(struct outbuf *b, struct table *t, const char *indent)
{
	size_t r, c;

	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t w = display_width(cell(t, r, c));

			if (w > t->width[c])
				t->width[c] = w;
		}
	for (r = 0; r < t->nrows; r++) {
		outbuf_puts(b, indent);
		for (c = 0; c < t->ncols; c++) {
			struct outbuf *o = cell(t, r, c);
			size_t w = display_width(o);
			bool last = c + 1 == t->ncols;

			if (t->right & (1u << c))
				pad(b, t->width[c] - w);
			if (o->len)
				outbuf_put(b, o->data, o->len);
			if (!last && !(t->right & (1u << c)))
				pad(b, t->width[c] - w);
			if (!last)
				outbuf_puts(b, "  ");
		}
		outbuf_putc(b, '\n');
	}
}

static void put_text(struct outbuf *o, const char *s)
{
	if (s && s[0])
		text_put_string(o, s, strlen(s));
	else
		outbuf_putc(o, '-');
}

/* argv as one line: each argument escaped, joined by spaces. */
static void put_argv_text(struct outbuf *o, const struct snap_proc *p)
{
	if (!p->argv) {
		outbuf_puts(o, "?");
		return;
	}
	put_nul_separated(o, p->argv, p->argv_len, " ", text_put_string);
	if (p->argv_truncated)
		outbuf_puts(o, " ...");
}

/* ---- JSON helpers ---- */

static void json_key(struct outbuf *b, bool *first, const char *key)
{
	outbuf_printf(b, "%s\"%s\":", *first ? "" : ",", key);
	*first = false;
}

static void json_str(struct outbuf *b, bool *first, const char *key, const char *s)
{
	json_key(b, first, key);
	json_put_string(b, s, strlen(s));
}

/* "" means unknown: null */
static void json_str_or_null(struct outbuf *b, bool *first, const char *key, const char *s)
{
	json_key(b, first, key);
	if (s && s[0])
		json_put_string(b, s, strlen(s));
	else
		outbuf_puts(b, "null");
}

static void json_u64(struct outbuf *b, bool *first, const char *key, unsigned long long v)
{
	json_key(b, first, key);
	outbuf_printf(b, "%llu", v);
}

/* an inode or id where 0 means "could not be read" */
static void put_u64_or_null(struct outbuf *b, unsigned long long v)
{
	if (v)
		outbuf_printf(b, "%llu", v);
	else
		outbuf_puts(b, "null");
}

static void json_u64_or_null(struct outbuf *b, bool *first, const char *key,
			     unsigned long long v)
{
	json_key(b, first, key);
	put_u64_or_null(b, v);
}

/* "labels": {"key": "value", ...}, or null when the runtime's state does not say; and
 * "labels_truncated": whether some were left out. */
static void json_labels(struct outbuf *b, bool *first, const struct labels *l)
{
	const char *k, *v;
	size_t pos = 0;

	json_key(b, first, "labels");
	if (l->known) {
		outbuf_putc(b, '{');
		while (labels_next(l, &pos, &k, &v)) {
			if (k != l->buf)
				outbuf_putc(b, ',');
			json_put_string(b, k, strlen(k));
			outbuf_putc(b, ':');
			json_put_string(b, v, strlen(v));
		}
		outbuf_putc(b, '}');
	} else {
		outbuf_puts(b, "null");
	}
	json_key(b, first, "labels_truncated");
	outbuf_puts(b, l->truncated ? "true" : "false");
}

/* The keys `lookout ps --json` and `lookout inspect --json` share; inspect's "processes"
 * is the list itself, so there the count is "process_count". */
static void json_container_keys(struct outbuf *b, bool *first, const struct snapshot *s,
				const struct snap_container *c, const struct snap_clock *clk,
				const char *count_key)
{
	const struct snap_proc *init = &s->procs[c->init];
	__u64 start = snapshot_start_ns(s, init);
	char buf[64], sid[sizeof(c->id)];

	json_str(b, first, "id", c->id);
	snapshot_short_id(c->id, sid, sizeof(sid));
	json_str(b, first, "short_id", sid);
	json_str_or_null(b, first, "name", c->meta.name);
	json_str_or_null(b, first, "image", c->meta.image);
	json_str(b, first, "runtime", runtime_kind_name(c->runtime));
	if (c->meta.pod[0])
		json_str(b, first, "pod", c->meta.pod);
	if (c->meta.k8s_namespace[0])
		json_str(b, first, "namespace", c->meta.k8s_namespace);
	json_labels(b, first, &c->meta.labels);
	json_u64(b, first, "init_pid", init->pid);
	json_u64(b, first, count_key, c->nprocs);
	/* one name, one shape, in ps and inspect: ps's "processes" is kept as it was */
	if (strcmp(count_key, "process_count"))
		json_u64(b, first, "process_count", c->nprocs);
	json_u64(b, first, "entered", c->nentered);
	format_started(buf, sizeof(buf), clk, start);
	json_str(b, first, "started", buf);
	json_u64(b, first, "uptime_seconds", age_ns(clk, start) / NSEC_PER_SEC);
	snprintf(buf, sizeof(buf), "/proc/%u/root", init->pid);
	json_str(b, first, "root", buf);
	/* 0: the init's namespace links were not readable (not root): null, not a guess */
	json_u64_or_null(b, first, "pidns", c->pidns);
	json_u64_or_null(b, first, "mntns", c->mntns);
	json_str(b, first, "cgroup", c->cgroup);
}

/* ---- lookout ps ---- */

enum { PS_RUNTIME, PS_ID, PS_NAME, PS_IMAGE, PS_PID, PS_PROCS, PS_UPTIME, PS_ROOT, PS_COLS };

void snapshot_write_ps_text(struct outbuf *b, const struct snapshot *s,
			    const struct snap_clock *clk)
{
	static const char *const head[PS_COLS] = {
		"RUNTIME", "ID", "NAME", "IMAGE", "PID", "PROCS", "UPTIME", "ROOT",
	};
	struct table t;
	size_t i, c;

	if (table_init(&t, PS_COLS, s->nctrs + 1, 1u << PS_PID | 1u << PS_PROCS)) {
		b->failed = 1;
		table_free(&t);
		return;
	}
	for (c = 0; c < PS_COLS; c++)
		outbuf_puts(cell(&t, 0, c), head[c]);
	for (i = 0; i < s->nctrs; i++) {
		const struct snap_container *ct = &s->ctrs[i];
		const struct snap_proc *init = &s->procs[ct->init];
		char buf[64], sid[sizeof(ct->id)];

		outbuf_puts(cell(&t, i + 1, PS_RUNTIME), runtime_kind_name(ct->runtime));
		snapshot_short_id(ct->id, sid, sizeof(sid));
		put_text(cell(&t, i + 1, PS_ID), sid);
		put_text(cell(&t, i + 1, PS_NAME), ct->meta.name);
		put_text(cell(&t, i + 1, PS_IMAGE), ct->meta.image);
		outbuf_printf(cell(&t, i + 1, PS_PID), "%u", init->pid);
		outbuf_printf(cell(&t, i + 1, PS_PROCS), "%zu", ct->nprocs);
		format_uptime(buf, sizeof(buf), age_ns(clk, snapshot_start_ns(s, init)));
		outbuf_puts(cell(&t, i + 1, PS_UPTIME), buf);
		outbuf_printf(cell(&t, i + 1, PS_ROOT), "/proc/%u/root", init->pid);
	}
	table_write(b, &t, "");
	table_free(&t);
}

void snapshot_write_ps_json(struct outbuf *b, const struct snapshot *s,
			    const struct snap_clock *clk)
{
	size_t i;

	outbuf_putc(b, '[');
	for (i = 0; i < s->nctrs; i++) {
		bool first = true;

		outbuf_puts(b, i ? ",\n{" : "\n{");
		json_container_keys(b, &first, s, &s->ctrs[i], clk, "processes");
		outbuf_putc(b, '}');
	}
	outbuf_puts(b, s->nctrs ? "\n]\n" : "]\n");
}

/* ---- lookout inspect ---- */

static bool ns_shared(const struct snap_namespaces *ns, int i)
{
	return ns->ctr[i] && ns->ctr[i] == ns->host[i];
}

static void text_field(struct outbuf *b, const char *key, const char *value)
{
	outbuf_printf(b, "  %-11s", key);
	put_text(b, value);
	outbuf_putc(b, '\n');
}

/* One key=value a line under "labels", escaped; nothing when they are not known. */
static void text_labels(struct outbuf *b, const struct labels *l)
{
	const char *k, *v, *head = "labels";
	size_t pos = 0;

	if (!l->known)
		return;
	if (!l->n && !l->truncated)
		text_field(b, head, "");
	while (labels_next(l, &pos, &k, &v)) {
		outbuf_printf(b, "  %-11s", head);
		text_put_string(b, k, strlen(k));
		outbuf_putc(b, '=');
		text_put_string(b, v, strlen(v));
		outbuf_putc(b, '\n');
		head = "";
	}
	if (l->truncated)
		outbuf_printf(b, "  %-11s(some not kept: over lookout's bounds, or not text)\n",
			      head);
}

enum { PR_PID, PR_NSPID, PR_PPID, PR_UID, PR_COMM, PR_ARGS, PR_COLS };

static void write_tree_text(struct outbuf *b, const struct snapshot *s,
			    const struct snap_container *c)
{
	static const char *const head[PR_COLS] = {
		"HOST_PID", "NS_PID", "PPID", "UID", "COMM", "ARGS",
	};
	unsigned int *depth = NULL;
	size_t *order = NULL;
	struct table t;
	int n, i, col;

	n = snapshot_tree(s, c, &order, &depth);
	if (n < 0 || table_init(&t, PR_COLS, (size_t)n + 1,
				1u << PR_PID | 1u << PR_NSPID | 1u << PR_PPID | 1u << PR_UID)) {
		if (n >= 0)
			table_free(&t);
		outbuf_puts(b, "  (out of memory)\n");
		free(order);
		free(depth);
		return;
	}
	for (col = 0; col < PR_COLS; col++)
		outbuf_puts(cell(&t, 0, (size_t)col), head[col]);
	for (i = 0; i < n; i++) {
		const struct snap_proc *p = &s->procs[order[i]];
		struct outbuf *args = cell(&t, (size_t)i + 1, PR_ARGS);
		unsigned int d = depth[i] < TREE_INDENT_MAX ? depth[i] : TREE_INDENT_MAX;

		outbuf_printf(cell(&t, (size_t)i + 1, PR_PID), "%u", p->pid);
		outbuf_printf(cell(&t, (size_t)i + 1, PR_NSPID), "%u", p->ns_pid);
		outbuf_printf(cell(&t, (size_t)i + 1, PR_PPID), "%u", p->ppid);
		outbuf_printf(cell(&t, (size_t)i + 1, PR_UID), "%u", p->uid);
		text_put_string(cell(&t, (size_t)i + 1, PR_COMM), p->comm, strlen(p->comm));
		if (d) {
			pad(args, 2 * (d - 1));
			outbuf_puts(args, "\\_ ");
		}
		put_argv_text(args, p);
		if (p->entered)
			outbuf_puts(args, "  (entered from the host)");
	}
	table_write(b, &t, "  ");
	table_free(&t);
	free(order);
	free(depth);
}

void snapshot_write_inspect_text(struct outbuf *b, const struct snapshot *s,
				 const struct snap_container *c, const struct snap_namespaces *ns,
				 const struct snap_clock *clk)
{
	const struct snap_proc *init = &s->procs[c->init];
	__u64 start = snapshot_start_ns(s, init);
	char when[64], up[32], sid[sizeof(c->id)];
	int i;

	snapshot_short_id(c->id, sid, sizeof(sid));
	outbuf_printf(b, "%s container ", runtime_kind_name(c->runtime));
	put_text(b, c->meta.name[0] ? c->meta.name : sid);
	outbuf_puts(b, "\n");
	text_field(b, "id", c->id);
	text_field(b, "name", c->meta.name);
	text_field(b, "image", c->meta.image);
	text_field(b, "runtime", runtime_kind_name(c->runtime));
	if (c->meta.pod[0])
		text_field(b, "pod", c->meta.pod);
	if (c->meta.k8s_namespace[0])
		text_field(b, "namespace", c->meta.k8s_namespace);
	text_labels(b, &c->meta.labels);
	format_started(when, sizeof(when), clk, start);
	format_uptime(up, sizeof(up), age_ns(clk, start));
	outbuf_printf(b, "  %-11shost pid %u, started %s (up %s)\n", "init", init->pid, when, up);
	outbuf_printf(b, "  %-11s%zu", "processes", c->nprocs);
	if (c->nentered)
		outbuf_printf(b, " (%zu entered its namespaces from outside its cgroup)",
			      c->nentered);
	outbuf_putc(b, '\n');
	outbuf_printf(b, "  %-11s/proc/%u/root\n", "root", init->pid);
	text_field(b, "cgroup", c->cgroup);

	outbuf_puts(b, "\nnamespaces\n");
	for (i = 0; i < SNAP_NS_COUNT; i++) {
		outbuf_printf(b, "  %-8s", snapshot_ns_names[i]);
		const char *how = !ns->host[i] ? "" : ns_shared(ns, i) ? "shared with the host" :
					  "own";

		if (!ns->ctr[i])
			outbuf_puts(b, "unreadable\n");
		else if (!how[0])
			outbuf_printf(b, "%llu\n", (unsigned long long)ns->ctr[i]);
		else
			outbuf_printf(b, "%-12llu%s\n", (unsigned long long)ns->ctr[i], how);
	}

	outbuf_puts(b, "\nprocesses\n");
	write_tree_text(b, s, c);

	outbuf_puts(b, "\ncommands\n");
	outbuf_printf(b, "  %-18snsenter -t %u -a\n", "enter it", init->pid);
	outbuf_printf(b, "  %-18sls /proc/%u/root/\n", "list its files", init->pid);
	outbuf_printf(b, "  %-18scat /proc/%u/cgroup\n", "see its cgroup", init->pid);
}

void snapshot_write_inspect_json(struct outbuf *b, const struct snapshot *s,
				 const struct snap_container *c, const struct snap_namespaces *ns,
				 const struct snap_clock *clk)
{
	__u32 pid = s->procs[c->init].pid;
	unsigned int *depth = NULL;
	size_t *order = NULL;
	bool first = true;
	char cmd[64];
	int n, i;

	outbuf_putc(b, '{');
	json_container_keys(b, &first, s, c, clk, "process_count");

	json_key(b, &first, "namespaces");
	outbuf_putc(b, '{');
	for (i = 0; i < SNAP_NS_COUNT; i++) {
		outbuf_printf(b, "%s\"%s\":{\"inode\":", i ? "," : "", snapshot_ns_names[i]);
		put_u64_or_null(b, ns->ctr[i]);
		outbuf_printf(b, ",\"shared_with_host\":%s}",
			      !ns->ctr[i] || !ns->host[i] ? "null" :
			      ns_shared(ns, i) ? "true" : "false");
	}
	outbuf_putc(b, '}');

	json_key(b, &first, "processes");
	outbuf_putc(b, '[');
	n = snapshot_tree(s, c, &order, &depth);
	if (n < 0)
		b->failed = 1;
	for (i = 0; i < n; i++) {
		const struct snap_proc *p = &s->procs[order[i]];

		outbuf_printf(b, "%s{\"host_pid\":%u,\"ns_pid\":%u,\"ppid\":%u,\"depth\":%u,"
			      "\"start_time\":%llu,\"comm\":", i ? "," : "", p->pid, p->ns_pid,
			      p->ppid, depth[i], (unsigned long long)snapshot_start_ns(s, p));
		json_put_string(b, p->comm, strlen(p->comm));
		outbuf_puts(b, ",\"argv\":");
		json_put_argv(b, p->argv, p->argv_len, p->argv_truncated);
		outbuf_printf(b, ",\"uid\":%u,", p->uid);
		outbuf_puts(b, "\"pidns\":");
		put_u64_or_null(b, p->pidns);
		outbuf_puts(b, ",\"mntns\":");
		put_u64_or_null(b, p->mntns);
		outbuf_printf(b, ",\"entered_namespaces\":%s}", p->entered ? "true" : "false");
	}
	outbuf_putc(b, ']');
	free(order);
	free(depth);

	snprintf(cmd, sizeof(cmd), "nsenter -t %u -a", pid);
	json_str(b, &first, "enter", cmd);
	json_key(b, &first, "commands");
	outbuf_printf(b, "{\"enter\":\"nsenter -t %u -a\",\"files\":\"ls /proc/%u/root/\","
		      "\"cgroup\":\"cat /proc/%u/cgroup\"}", pid, pid, pid);
	outbuf_puts(b, "}\n");
}

/* Enough of an id to tell it from the others listed: 12 characters, or more. */
static size_t distinct_len(const struct snapshot *s, const size_t *idx, size_t n, size_t i)
{
	const char *id = s->ctrs[idx[i]].id;
	size_t best = 12, j, k;

	for (j = 0; j < n; j++) {
		const char *other = s->ctrs[idx[j]].id;

		if (j == i)
			continue;
		for (k = 0; id[k] && id[k] == other[k]; k++)
			;
		if (k + 1 > best)
			best = k + 1;
	}
	return best;
}

void snapshot_write_candidates(struct outbuf *b, const struct snapshot *s, const size_t *idx,
			       size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct snap_container *c = &s->ctrs[idx[i]];
		size_t len = strlen(c->id), want = distinct_len(s, idx, n, i);

		if (i)
			outbuf_puts(b, ", ");
		text_put_string(b, c->id, want < len ? want : len);
		outbuf_puts(b, " (");
		put_text(b, c->meta.name);
		outbuf_printf(b, ", %s)", runtime_kind_name(c->runtime));
	}
}

void snapshot_report_skipped(const struct snapshot *s, const char *who)
{
	if (s->unreadable)
		fprintf(stderr, "%s: %zu process%s could not be read%s\n", who, s->unreadable,
			s->unreadable == 1 ? "" : "es",
			geteuid() ? " (run as root to see every container)" : "");
	if (s->ns_unreadable)
		fprintf(stderr, "%s: the PID namespace of %zu process%s could not be read: "
			"sandboxes among them are not shown%s\n", who, s->ns_unreadable,
			s->ns_unreadable == 1 ? "" : "es", geteuid() ? " (run as root)" : "");
	if (s->meta_denied)
		fprintf(stderr, "%s: the runtimes' state of %d container%s could not be read "
			"(permission denied): names and images unknown%s\n", who, s->meta_denied,
			s->meta_denied == 1 ? "" : "s", geteuid() ? " (run as root)" : "");
}
