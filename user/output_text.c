// SPDX-License-Identifier: GPL-2.0
/*
 * output_text.c - the live view: aligned columns (time, event, pid, comm,
 * container, details), one line per event. Process-controlled strings are
 * escaped for the terminal; out-of-band kills are highlighted.
 */
#include <string.h>
#include <time.h>
#include "escape.h"
#include "output.h"

#define COLOR_ALERT "\033[1;31m"
#define COLOR_RESET "\033[0m"

#define ROW_FMT "%-12s %-15s %7s %-16s %-24s "

void text_write_header(struct outbuf *b)
{
	outbuf_printf(b, ROW_FMT "%s\n", "TIME", "EVENT", "PID", "COMM", "CONTAINER", "DETAILS");
}

/* Pad an escaped cell to `width` columns (escapes make it longer, never shorter). */
static void put_cell(struct outbuf *b, const char *s, size_t n, size_t width)
{
	size_t start = b->len;

	text_put_string(b, s, n);
	while (!b->failed && b->len - start < width) {
		outbuf_putc(b, ' ');
	}
	outbuf_putc(b, ' ');
}

static void put_container_cell(struct outbuf *b, const struct container *c)
{
	char cell[64];

	if (!c) {
		put_cell(b, "-", 1, 24);
		return;
	}
	if (c->meta.name[0])
		snprintf(cell, sizeof(cell), "%.14s/%.9s", c->meta.name, c->id);
	else
		snprintf(cell, sizeof(cell), "%.22s", c->id);
	put_cell(b, cell, strlen(cell), 24);
}

static void put_argv_text(struct outbuf *b, const struct proc_view *p)
{
	if (!p->argv.ptr)
		return;
	put_nul_separated(b, p->argv.ptr, p->argv.len, " ", text_put_string);
	if (p->argv_truncated)
		outbuf_puts(b, " ...");
}

static void put_who(struct outbuf *b, const struct proc_view *p)
{
	outbuf_printf(b, "%u(", p->k->pid);
	text_put_string(b, p->k->comm, strnlen(p->k->comm, LK_COMM_LEN));
	outbuf_putc(b, ')');
}

/* Which memory limit fired: " scope=container limit=32.0MiB cgroup=/docker/…". */
static void put_oom_scope(struct outbuf *b, const struct oom_limit *o)
{
	if (!o)
		return;
	outbuf_printf(b, " scope=%s", oom_scope_name(o->scope));
	if (o->scope != OOM_SCOPE_GLOBAL)
		outbuf_printf(b, " limit=%.1fMiB", (double)o->limit_bytes / (1 << 20));
	if (o->cgroup[0]) {
		outbuf_puts(b, " cgroup=");
		text_put_string(b, o->cgroup, strlen(o->cgroup));
	}
}

/* " of web/3f2a1b 120, db 4": whose records they were. */
static void put_lost_places(struct outbuf *b, const struct report *r)
{
	size_t i;

	for (i = 0; i < r->nr_lost_places; i++) {
		const struct lost_place *p = &r->lost_places[i];
		const char *name = p->name[0] ? p->name : p->id;

		outbuf_puts(b, i ? ", " : " of ");
		text_put_string(b, name, strlen(name));
		outbuf_printf(b, " %llu", (unsigned long long)p->count);
	}
}

static void put_exit_details(struct outbuf *b, const struct report *r)
{
	const char *name;

	/* The verdict first: it is what the reader came for. */
	outbuf_printf(b, "%s", cause_name(r->cause));
	if (r->cause == CAUSE_OOM)
		put_oom_scope(b, r->oom);
	outbuf_putc(b, ' ');
	if (r->code & 0x7f) {
		name = signal_name(r->code & 0x7f);
		outbuf_printf(b, "status=%d signal=%s%s", report_exit_status(r->code),
			      name ? name : "?", r->code & 0x80 ? " (core dumped)" : "");
	} else {
		outbuf_printf(b, "status=%d", report_exit_status(r->code));
	}
	if (r->killed_by) {
		outbuf_puts(b, " killed_by=");
		put_who(b, &r->killed_by->sender);
		outbuf_printf(b, " origin=%s", origin_name(r->killed_by->origin));
		if (r->killed_by->reraised)
			outbuf_puts(b, " reraised");
	}
}

static void put_signal_details(struct outbuf *b, const struct signal_view *s)
{
	const char *name = signal_name(s->k->sig);
	const char *code = signal_code_name(s->k->sig, s->k->code);
	char tty[LK_TTY_LEN + 8];
	unsigned int i;

	outbuf_printf(b, "%s from ", name ? name : "?");
	put_who(b, &s->sender);
	outbuf_puts(b, " to ");
	put_who(b, &s->target);
	outbuf_printf(b, " origin=%s code=%s result=%s", origin_name(s->origin), code ? code : "?",
		      signal_result_name(s->k->result));
	if (method_name(s->k->method))
		outbuf_printf(b, " method=%s%s", method_name(s->k->method),
			      (s->k->how & LK_SIG_COMPAT) ? "(compat)" : "");
	if (s->tamper)
		outbuf_puts(b, " TAMPER");
	if (s->out_of_band) {
		outbuf_printf(b, " OUT-OF-BAND uid=%u", s->sender.k->uid);
		if (s->sender.k->auid != (__u32)-1)
			outbuf_printf(b, " auid=%u", s->sender.k->auid);
		format_tty(tty, sizeof(tty), s->sender.k->tty);
		if (tty[0]) {
			outbuf_puts(b, " tty=");
			text_put_string(b, tty, strlen(tty));
		}
	}
	if (s->k->sender.flags & LK_PF_ENTERED)
		outbuf_puts(b, " entered_namespaces");
	if (s->nr_ancestors) {
		outbuf_puts(b, " via");
		for (i = 0; i < s->nr_ancestors; i++) {
			outbuf_printf(b, "%s%u(", i ? "<" : " ", s->ancestry[i].k->pid);
			text_put_string(b, s->ancestry[i].k->comm,
					strnlen(s->ancestry[i].k->comm, LK_COMM_LEN));
			outbuf_putc(b, ')');
		}
	}
}

void text_write_report(struct outbuf *b, const struct report_host *h, const struct report *r,
		       bool color)
{
	const struct proc_view *p = r->signal ? &r->signal->target : &r->proc;
	bool alert = color && report_out_of_band(r);
	char when[64], pid[16];
	__s64 real = (__s64)r->time_ns + h->boot_to_real_ns;
	time_t secs = (time_t)(real / 1000000000LL);
	struct tm tm;

	localtime_r(&secs, &tm);
	snprintf(when, sizeof(when), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)((real / 1000000) % 1000));
	if (alert)
		outbuf_puts(b, COLOR_ALERT);
	outbuf_printf(b, "%-12s %-15s ", when, report_type_name(r->type));
	if (p->k) {
		snprintf(pid, sizeof(pid), "%u", p->k->pid);
		outbuf_printf(b, "%7s ", pid);
		put_cell(b, p->k->comm, strnlen(p->k->comm, LK_COMM_LEN), 16);
	} else {
		outbuf_printf(b, "%7s %-16s ", "-", "-");
	}
	put_container_cell(b, p->c);

	switch (r->type) {
	case REPORT_EXEC:
		if (r->via_exec)
			outbuf_puts(b, "[exec] ");
		if (p->k->flags & LK_PF_ENTERED)
			outbuf_puts(b, "[nsenter] ");
		put_argv_text(b, p);
		break;
	case REPORT_CONTAINER_START:
		if (p->c && p->c->meta.image[0]) {
			outbuf_puts(b, "image=");
			text_put_string(b, p->c->meta.image, strlen(p->c->meta.image));
			outbuf_putc(b, ' ');
		}
		if (r->existing)
			outbuf_puts(b, "(running before lookout) ");
		put_argv_text(b, p);
		break;
	case REPORT_EXIT:
	case REPORT_CONTAINER_EXIT:
		put_exit_details(b, r);
		break;
	case REPORT_SIGNAL:
		put_signal_details(b, r->signal);
		break;
	case REPORT_OOM:
		outbuf_puts(b, "chosen by the OOM killer");
		put_oom_scope(b, r->oom);
		break;
	case REPORT_CONTAINER_UPDATE:
		outbuf_puts(b, "metadata came: ");
		if (p->c && p->c->meta.image[0]) {
			outbuf_puts(b, "image=");
			text_put_string(b, p->c->meta.image, strlen(p->c->meta.image));
		}
		break;
	case REPORT_LOST:
		outbuf_printf(b, "%llu events dropped (buffer %s)",
			      (unsigned long long)r->lost_count, r->buffer);
		put_lost_places(b, r);
		break;
	case REPORT_LOOKOUT_START:
		outbuf_puts(b, "watching");
		break;
	case REPORT_LOOKOUT_STOP:
		outbuf_printf(b, "stopped: %s", r->stop_reason ? r->stop_reason : "");
		break;
	}
	if (alert)
		outbuf_puts(b, COLOR_RESET);
	outbuf_putc(b, '\n');
}
