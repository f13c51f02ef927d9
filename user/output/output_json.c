// SPDX-License-Identifier: GPL-2.0
/*
 * output_json.c - one JSON object per line, as the README's event contract fixes it.
 * Every string a process or a runtime controls goes through json_put_string,
 * so no byte can break the line or the JSON.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "escape.h"
#include "output.h"
#include "version.h"


void format_rfc3339(char *out, size_t len, const struct report_host *h, __u64 boot_ns)
{
	__s64 real = (__s64)boot_ns + h->boot_to_real_ns;
	time_t secs = (time_t)(real / 1000000000LL);
	long nsec = (long)(real % 1000000000LL);
	struct tm tm;

	if (nsec < 0) {
		nsec += 1000000000L;
		secs--;
	}
	gmtime_r(&secs, &tm);
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nsec);
}

static void put_key(struct outbuf *b, const char *key)
{
	outbuf_printf(b, ",\"%s\":", key);
}

static void put_cstr(struct outbuf *b, const char *key, const char *s)
{
	put_key(b, key);
	if (s)
		json_put_string(b, s, strlen(s));
	else
		outbuf_puts(b, "null");
}

static void put_bytes(struct outbuf *b, const char *key, struct bytes s)
{
	put_key(b, key);
	if (s.ptr)
		json_put_string(b, s.ptr, s.len);
	else
		outbuf_puts(b, "null");
}

static void put_u64(struct outbuf *b, const char *key, unsigned long long v)
{
	outbuf_printf(b, ",\"%s\":%llu", key, v);
}

static void put_bool(struct outbuf *b, const char *key, bool v)
{
	outbuf_printf(b, ",\"%s\":%s", key, v ? "true" : "false");
}

/* An audit id that is (u32)-1 was never set. */
static void put_audit_id(struct outbuf *b, const char *key, __u32 v)
{
	if (v == (__u32)-1)
		outbuf_printf(b, ",\"%s\":null", key);
	else
		put_u64(b, key, v);
}

static void put_argv(struct outbuf *b, const struct proc_view *p)
{
	put_key(b, "argv");
	json_put_argv(b, p->argv.ptr, p->argv.len, p->argv_truncated);
}

/* "pts1" from the kernel reads "pts/1", as ps and who print it. */
void format_tty(char *out, size_t len, const char *tty)
{
	if (!strncmp(tty, "pts", 3) && tty[3] >= '0' && tty[3] <= '9')
		snprintf(out, len, "pts/%.*s", (int)strnlen(tty + 3, LK_TTY_LEN - 3), tty + 3);
	else
		snprintf(out, len, "%.*s", (int)strnlen(tty, LK_TTY_LEN), tty);
}

static void put_container(struct outbuf *b, const struct container *c)
{
	put_key(b, "container");
	if (!c) {
		outbuf_puts(b, "null");
		return;
	}
	outbuf_puts(b, "{\"id\":");
	json_put_string(b, c->id, strlen(c->id));
	put_cstr(b, "name", c->meta.name[0] ? c->meta.name : NULL);
	put_cstr(b, "image", c->meta.image[0] ? c->meta.image : NULL);
	/* The runtime that answered for it (Kubernetes on Docker looks like containerd). */
	put_cstr(b, "runtime", runtime_kind_name(c->meta.runtime != RUNTIME_NONE ?
						 c->meta.runtime : c->match.runtime));
	if (c->meta.pod[0])
		put_cstr(b, "pod", c->meta.pod);
	if (c->meta.k8s_namespace[0])
		put_cstr(b, "namespace", c->meta.k8s_namespace);
	outbuf_putc(b, '}');
}

/* The process keys of the event contract, without the surrounding braces. */
static void put_proc_fields(struct outbuf *b, const struct proc_view *p)
{
	const struct lk_proc *k = p->k;
	char tty[LK_TTY_LEN + 8];

	put_u64(b, "host_pid", k->pid);
	put_u64(b, "ns_pid", k->ns_pid);
	put_u64(b, "ppid", k->ppid);
	put_u64(b, "start_time", k->start_time);
	put_key(b, "comm");
	json_put_string(b, k->comm, strnlen(k->comm, LK_COMM_LEN));
	put_bytes(b, "exe", p->exe);
	/* A path deeper than the kernel-side walk keeps only its last components. */
	put_bool(b, "exe_truncated", p->exe_truncated);
	put_argv(b, p);
	put_u64(b, "uid", k->uid);
	put_u64(b, "euid", k->euid);
	put_u64(b, "gid", k->gid);
	put_audit_id(b, "auid", k->auid);
	put_audit_id(b, "session", k->session);
	format_tty(tty, sizeof(tty), k->tty);
	put_cstr(b, "tty", tty[0] ? tty : NULL);
	put_u64(b, "pidns", k->pidns);
	if (p->mntns)
		put_u64(b, "mntns", p->mntns);
	else
		outbuf_puts(b, ",\"mntns\":null");
	put_bool(b, "entered_namespaces", k->flags & LK_PF_ENTERED);
	put_container(b, p->c);
}

/* A process object; `,"host_pid"...` becomes `{"host_pid"...}`. */
static void put_proc_object(struct outbuf *b, const char *key, const struct proc_view *p)
{
	size_t at;

	put_key(b, key);
	at = b->len;
	put_proc_fields(b, p);
	if (!b->failed && b->len > at)
		b->data[at] = '{';
	outbuf_putc(b, '}');
}

static void put_sender(struct outbuf *b, const char *key, const struct signal_view *s)
{
	unsigned int i;
	size_t at;

	put_key(b, key);
	at = b->len;
	put_proc_fields(b, &s->sender);
	if (!b->failed && b->len > at)
		b->data[at] = '{';
	put_cstr(b, "origin", origin_name(s->origin));
	put_key(b, "ancestry");
	outbuf_putc(b, '[');
	for (i = 0; i < s->nr_ancestors; i++) {
		const struct ancestor_view *a = &s->ancestry[i];

		outbuf_printf(b, "%s{\"host_pid\":%u,\"comm\":", i ? "," : "", a->k->pid);
		json_put_string(b, a->k->comm, strnlen(a->k->comm, LK_COMM_LEN));
		put_cstr(b, "exe", a->exe[0] ? a->exe : NULL);
		put_bool(b, "runtime", a->k->flags & LK_PF_RUNTIME);
		outbuf_putc(b, '}');
	}
	outbuf_puts(b, "]}");
}

/* "oom": which limit the OOM kill answered to; null when the kernel did not say. */
static void put_oom(struct outbuf *b, const struct oom_limit *o)
{
	put_key(b, "oom");
	if (!o) {
		outbuf_puts(b, "null");
		return;
	}
	outbuf_putc(b, '{');
	outbuf_printf(b, "\"scope\":\"%s\"", oom_scope_name(o->scope));
	put_cstr(b, "cgroup", o->cgroup[0] ? o->cgroup : NULL);
	if (o->scope == OOM_SCOPE_GLOBAL) {
		outbuf_puts(b, ",\"limit_bytes\":null,\"usage_bytes\":null}");
		return;
	}
	put_u64(b, "limit_bytes", o->limit_bytes);
	put_u64(b, "usage_bytes", o->usage_bytes);
	outbuf_putc(b, '}');
}

static void put_exit_fields(struct outbuf *b, const struct report *r)
{
	int sig = r->code & 0x7f;

	if (sig) {
		outbuf_puts(b, ",\"exit_code\":null");
		put_u64(b, "exit_signal", sig);
	} else {
		put_u64(b, "exit_code", (r->code >> 8) & 0xff);
		outbuf_puts(b, ",\"exit_signal\":null");
	}
	put_bool(b, "core_dumped", r->code & 0x80);
	put_u64(b, "status", report_exit_status(r->code));
	put_cstr(b, "cause", cause_name(r->cause));
	if (r->cause == CAUSE_OOM)
		put_oom(b, r->oom);
	if (r->killed_by)
		put_sender(b, "killed_by", r->killed_by);
	else
		outbuf_puts(b, ",\"killed_by\":null");
	put_bool(b, "reraised", r->killed_by && r->killed_by->reraised);
	put_bool(b, "out_of_band", report_out_of_band(r));
}

/* Whose records a `lost` event counts: "containers" and "unplaced". */
static void put_lost_places(struct outbuf *b, const struct report *r)
{
	size_t i;

	put_key(b, "containers");
	outbuf_putc(b, '[');
	for (i = 0; i < r->nr_lost_places; i++) {
		const struct lost_place *p = &r->lost_places[i];

		outbuf_puts(b, i ? ",{" : "{");
		outbuf_puts(b, "\"id\":");
		json_put_string(b, p->id, strlen(p->id));
		put_cstr(b, "name", p->name[0] ? p->name : NULL);
		put_u64(b, "count", p->count);
		outbuf_putc(b, '}');
	}
	outbuf_putc(b, ']');
	put_u64(b, "unplaced", r->lost_unplaced);
}

static void put_signal_fields(struct outbuf *b, const struct signal_view *s)
{
	const struct lk_signal_event *k = s->k;

	put_u64(b, "signal", k->sig);
	put_cstr(b, "signal_name", signal_name(k->sig));
	put_key(b, "code");
	if (signal_code_name(k->sig, k->code))
		json_put_string(b, signal_code_name(k->sig, k->code),
				strlen(signal_code_name(k->sig, k->code)));
	else
		outbuf_printf(b, "\"%d\"", k->code);
	put_bool(b, "group", k->group);
	put_cstr(b, "result", signal_result_name(k->result));
	put_cstr(b, "origin", origin_name(s->origin));
	put_bool(b, "out_of_band", s->out_of_band);
	put_bool(b, "entered_namespaces", k->sender.flags & LK_PF_ENTERED);
	put_bool(b, "sent_by_process", k->how & LK_SIG_BY_SYSCALL);
	put_cstr(b, "method", method_name(k->method));
	put_bool(b, "compat", k->how & LK_SIG_COMPAT);
	put_bool(b, "tamper", s->tamper);
	put_sender(b, "sender", s);
	put_proc_object(b, "target", &s->target);
	put_container(b, s->target.c);
}

/* lookout_stop's account of every record: what the kernel wrote, what was read,
 * what was dropped where, and what the kernel could not keep track of. */
static void put_totals(struct outbuf *b, const struct lookout_totals *t)
{
	outbuf_printf(b, ",\"totals\":{\"events\":%llu,\"written\":%llu,\"not_written\":%llu,"
			 "\"dropped\":{\"events\":%llu,\"alerts\":%llu,\"cgroups\":%llu},"
			 "\"emitted\":%llu,\"bad_records\":%llu,\"tracked_full\":%llu,"
			 "\"cgroups_full\":%llu,\"cgroups_resolved\":%llu,\"metadata_pending\":%llu}",
		      (unsigned long long)t->events, (unsigned long long)t->written,
		      (unsigned long long)t->not_written, (unsigned long long)t->dropped_events, (unsigned long long)t->dropped_alerts,
		      (unsigned long long)t->dropped_cgroups, (unsigned long long)t->emitted,
		      (unsigned long long)t->bad_records, (unsigned long long)t->tracked_full,
		      (unsigned long long)t->cgroups_full, (unsigned long long)t->cgroups_resolved,
		      (unsigned long long)t->metadata_pending);
}

void json_write_report(struct outbuf *b, const struct report_host *h, const struct report *r)
{
	char when[64];

	format_rfc3339(when, sizeof(when), h, r->time_ns);
	outbuf_printf(b, "{\"schema\":1,\"time\":\"%s\"", when);
	put_cstr(b, "host", h->hostname);
	put_cstr(b, "boot_id", h->boot_id);
	put_cstr(b, "event", report_type_name(r->type));

	switch (r->type) {
	case REPORT_EXEC:
		put_proc_fields(b, &r->proc);
		put_bytes(b, "filename", r->filename);
		put_cstr(b, "via", r->via_exec ? "exec" : NULL);
		break;
	case REPORT_CONTAINER_START:
		put_proc_fields(b, &r->proc);
		put_bool(b, "existing", r->existing);
		break;
	case REPORT_EXIT:
	case REPORT_CONTAINER_EXIT:
		put_proc_fields(b, &r->proc);
		put_exit_fields(b, r);
		break;
	case REPORT_OOM:
		put_proc_fields(b, &r->proc);
		put_oom(b, r->oom);
		break;
	case REPORT_CONTAINER_UPDATE:
		/* No process record: only which one is its init, and the container. */
		put_u64(b, "host_pid", r->proc.k->pid);
		put_container(b, r->proc.c);
		break;
	case REPORT_SIGNAL:
		put_signal_fields(b, r->signal);
		break;
	case REPORT_LOST:
		put_u64(b, "count", r->lost_count);
		format_rfc3339(when, sizeof(when), h, r->lost_since_ns);
		put_cstr(b, "since", when);
		put_cstr(b, "buffer", r->buffer);
		put_lost_places(b, r);
		break;
	case REPORT_LOOKOUT_START:
	case REPORT_LOOKOUT_STOP:
		put_cstr(b, "version", LOOKOUT_VERSION);
		put_cstr(b, "options", r->options);
		if (r->type == REPORT_LOOKOUT_START)
			break;
		put_cstr(b, "reason", r->stop_reason);
		if (r->stopped_by)
			put_sender(b, "stopped_by", r->stopped_by);
		else
			outbuf_puts(b, ",\"stopped_by\":null");
		put_totals(b, r->totals);
		break;
	}
	outbuf_puts(b, "}\n");
}
