// SPDX-License-Identifier: GPL-2.0
/*
 * output_text.c - the live view: aligned columns (time, event, pid, comm,
 * container, details), fitted to the terminal's width. Wide terminals get one
 * row per event; below TEXT_TWO_LINE_MIN columns the details go on a second,
 * indented line. What does not fit is cut with a visible mark (…), or wrapped
 * at spaces with --no-trunc, so no row is wider than the window and the
 * verdict (cause, OUT-OF-BAND, TAMPER) always comes first in the details.
 * Process-controlled strings are escaped for the terminal; out-of-band kills
 * are highlighted.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "escape.h"
#include "output.h"

#define COLOR_ALERT "\033[1;31m"
#define COLOR_RESET "\033[0m"

#define ROW_FMT "%-12s %-15s %7s %-16s %-24s "
#define PREFIX_COLS 79		/* the five columns before DETAILS, with their spaces */
#define NARROW_INDENT "    "
#define NAME_COLS 14		/* a container name in its cell */
#define MARK "\xe2\x80\xa6"	/* …: something was cut here */

static struct text_view {
	int fd;			/* -1: the width is fixed (not a terminal) */
	int width;
	bool no_trunc;
	bool utc;
	long last_day;		/* the day of the last row (to print a date line); -1: none */
	struct outbuf details;	/* scratch: one row's details before fitting */
	struct outbuf cell;	/* scratch: one cell, escaped, before fitting */
	struct outbuf line;	/* scratch: a first line to cut or wrap */
} view = { .fd = -1, .width = TEXT_DEFAULT_WIDTH, .last_day = -1 };

static volatile sig_atomic_t resized;

static void on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

/* COLUMNS when it is a sane number, else the default. */
static int env_columns(void)
{
	const char *s = getenv("COLUMNS");
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return TEXT_DEFAULT_WIDTH;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 10000 ? TEXT_DEFAULT_WIDTH : (int)v;
}

static int terminal_width(int fd)
{
	struct winsize ws;

	if (fd >= 0 && !ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return env_columns();
}

void text_view_init(int fd, bool no_trunc, bool utc)
{
	view.no_trunc = no_trunc;
	view.utc = utc;
	view.last_day = -1;
	view.fd = -1;
	if (isatty(fd)) {
		struct sigaction sa = { .sa_handler = on_winch, .sa_flags = SA_RESTART };

		view.fd = fd;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGWINCH, &sa, NULL);
	}
	view.width = terminal_width(view.fd);
}

int text_view_width(void)
{
	if (resized) {
		resized = 0;
		view.width = terminal_width(view.fd);
	}
	/* below 40 columns nothing is readable anyway: let the terminal wrap */
	return view.width < 40 ? 40 : view.width;
}

/* ---- display width ------------------------------------------------------------ */

/* Columns of the code point at s (escaped text: printable ASCII or valid UTF-8).
 * East Asian wide characters and emoji take two; sets *len to its bytes. */
static int char_cols(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned int cp;
	size_t l = utf8_valid_len(u, n), i;

	if (!l)
		l = 1;
	*len = l;
	if (l == 1)
		return 1;
	cp = u[0] & (l == 2 ? 0x1f : l == 3 ? 0x0f : 0x07);
	for (i = 1; i < l; i++)
		cp = (cp << 6) | (u[i] & 0x3f);
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	if (cp >= 0x300 && cp <= 0x36f)		/* combining marks */
		return 0;
	return 1;
}

size_t text_display_width(const char *s, size_t n)
{
	size_t cols = 0, i = 0, l;

	while (i < n) {
		cols += char_cols(s + i, n - i, &l);
		i += l;
	}
	return cols;
}

/* Bytes of s that fill at most `cols` columns. */
static size_t bytes_for_cols(const char *s, size_t n, size_t cols, size_t *used)
{
	size_t i = 0, c = 0, l;
	int w;

	while (i < n) {
		w = char_cols(s + i, n - i, &l);
		if (c + (size_t)w > cols)
			break;
		c += (size_t)w;
		i += l;
	}
	if (used)
		*used = c;
	return i;
}

/*
 * Append s, escaped already, in at most `cols` columns: whole, or cut with the
 * mark, at a space when one is near the end (a word is not split when a
 * little room can be given up instead). Returns the columns used.
 */
static size_t put_fitted(struct outbuf *b, const char *s, size_t n, size_t cols)
{
	size_t used, keep, sp;

	if (!n)
		return 0;	/* s may be an empty buffer's NULL */
	if (text_display_width(s, n) <= cols) {
		outbuf_put(b, s, n);
		return text_display_width(s, n);
	}
	if (!cols)
		return 0;
	keep = bytes_for_cols(s, n, cols - 1, &used);
	for (sp = keep; sp > 0 && s[sp - 1] != ' '; sp--)
		;
	if (sp > 1 && text_display_width(s, sp) * 3 >= (cols - 1) * 2) {
		keep = sp - 1;		/* drop the space, the mark takes its place */
		used = text_display_width(s, keep);
	}
	outbuf_put(b, s, keep);
	outbuf_puts(b, MARK);
	return used + 1;
}

/* End a line of a row and start the next, indented: the alert colour (NULL:
 * none) is closed before the break and opened again after it, so each line of
 * the row, and nothing else, carries it. */
static void next_line(struct outbuf *b, const char *color, const char *indent)
{
	if (color)
		outbuf_puts(b, COLOR_RESET);
	outbuf_putc(b, '\n');
	if (color)
		outbuf_puts(b, color);
	outbuf_puts(b, indent);
}

/* Append s wrapped at spaces into lines of `cols` columns, each after the
 * first starting with `indent` (and `color`, when set). */
static void put_wrapped(struct outbuf *b, const char *s, size_t n, size_t cols,
			const char *indent, const char *color)
{
	size_t keep, sp;
	bool first = true;

	while (n) {
		if (!first) {
			next_line(b, color, indent);
		}
		first = false;
		keep = bytes_for_cols(s, n, cols, NULL);
		if (keep < n) {
			for (sp = keep; sp > 0 && s[sp] != ' ' && s[sp - 1] != ' '; sp--)
				;
			if (sp > 0)
				keep = sp;
			if (!keep)		/* one character wider than the room */
				keep = bytes_for_cols(s, n, cols + 2, NULL);
		}
		sp = keep;
		while (sp > 0 && s[sp - 1] == ' ')
			sp--;
		outbuf_put(b, s, sp);
		s += keep;
		n -= keep;
		while (n && *s == ' ') {
			s++;
			n--;
		}
	}
}

/* ---- cells ---------------------------------------------------------------------- */

/* Escape s into a cell of `width` columns: cut with the mark unless --no-trunc,
 * then padded (a --no-trunc cell may be wider). */
static void put_cell(struct outbuf *b, const char *s, size_t n, size_t width)
{
	struct outbuf *e = &view.cell;
	size_t cols;

	outbuf_reset(e);
	text_put_string(e, s, n);
	if (e->failed) {
		b->failed = 1;
		return;
	}
	if (view.no_trunc) {
		cols = put_fitted(b, e->data, e->len, e->len);	/* whole */
	} else {
		cols = put_fitted(b, e->data, e->len, width);
	}
	while (!b->failed && cols++ < width)
		outbuf_putc(b, ' ');
	outbuf_putc(b, ' ');
}

/* "/" and the first n bytes of the id, escaped (an id comes from a cgroup path, which a
 * container can name); returns the columns. */
static size_t put_id(struct outbuf *b, const char *id, size_t n)
{
	size_t start;

	outbuf_putc(b, '/');
	start = b->len;
	text_put_string(b, id, strnlen(id, n));
	return b->failed ? 1 : 1 + text_display_width(b->data + start, b->len - start);
}

/*
 * "name/id9": the name cut to NAME_COLS columns with the mark (what --container
 * accepts back), the id to 9 characters; --no-trunc shows both whole (the id
 * as Docker's short id, 12).
 */
static void put_container_cell(struct outbuf *b, const struct container *c)
{
	struct outbuf *e = &view.cell;
	size_t cols, used, keep;

	if (!c) {
		put_cell(b, "-", 1, 24);
		return;
	}
	if (!c->meta.name[0]) {
		put_cell(b, c->id, strlen(c->id), 24);
		return;
	}
	outbuf_reset(e);
	text_put_string(e, c->meta.name, strlen(c->meta.name));
	if (!view.no_trunc && !e->failed && text_display_width(e->data, e->len) > NAME_COLS) {
		/* no word break here: a name is one word */
		keep = bytes_for_cols(e->data, e->len, NAME_COLS - 1, &used);
		e->len = keep;
		outbuf_puts(e, MARK);
	}
	put_id(e, c->id, view.no_trunc ? 12 : 9);
	if (e->failed) {
		b->failed = 1;
		return;
	}
	/* an id escaped (\xNN) can still be too wide: the cell is cut as a whole then */
	cols = put_fitted(b, e->data, e->len, view.no_trunc ? e->len : 24);
	while (!b->failed && cols++ < 24)
		outbuf_putc(b, ' ');
	outbuf_putc(b, ' ');
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
	/* then who, while the row still has room */
	if (r->killed_by) {
		outbuf_puts(b, " killed_by=");
		put_who(b, &r->killed_by->sender);
	}
	outbuf_putc(b, ' ');
	if (r->code & 0x7f) {
		name = signal_name(r->code & 0x7f);
		outbuf_printf(b, "status=%d signal=%s%s", report_exit_status(r->code),
			      name ? name : "?", r->code & 0x80 ? " (core dumped)" : "");
	} else {
		outbuf_printf(b, "status=%d", report_exit_status(r->code));
	}
	if (r->killed_by) {
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

	/* The verdict first, where the eye lands (a cut row keeps it). */
	if (s->tamper)
		outbuf_puts(b, "TAMPER ");
	if (s->out_of_band)
		outbuf_puts(b, "OUT-OF-BAND ");
	/* the target is the row's PID and COMM: the room goes to the sender */
	outbuf_printf(b, "%s from ", name ? name : "?");
	put_who(b, &s->sender);
	outbuf_printf(b, " origin=%s code=%s result=%s", origin_name(s->origin), code ? code : "?",
		      signal_result_name(s->k->result));
	if (method_name(s->k->method))
		outbuf_printf(b, " method=%s%s", method_name(s->k->method),
			      (s->k->how & LK_SIG_COMPAT) ? "(compat)" : "");
	if (s->out_of_band) {
		outbuf_printf(b, " uid=%u", s->sender.k->uid);
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

static void put_details(struct outbuf *b, const struct report *r, const struct proc_view *p)
{
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
		outbuf_printf(b, "LOST %llu events dropped (buffer %s)",
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
}

/* ---- rows ----------------------------------------------------------------------- */

/* Fit what was appended to b from `start` on into `cols` columns: cut, or
 * with --no-trunc wrapped at spaces. */
static void fit_line(struct outbuf *b, size_t start, size_t cols, const char *color)
{
	struct outbuf *t = &view.line;

	if (b->failed || text_display_width(b->data + start, b->len - start) <= cols)
		return;
	outbuf_reset(t);
	outbuf_put(t, b->data + start, b->len - start);
	b->len = start;
	if (t->failed)
		b->failed = 1;
	else if (view.no_trunc)
		put_wrapped(b, t->data, t->len, cols - strlen(NARROW_INDENT), NARROW_INDENT, color);
	else
		put_fitted(b, t->data, t->len, cols);
}

static bool two_lines(int width)
{
	return width < TEXT_TWO_LINE_MIN;
}

void text_write_header(struct outbuf *b)
{
	int width = text_view_width();
	char line[128];
	size_t n;

	n = (size_t)snprintf(line, sizeof(line), ROW_FMT "%s", "TIME", "EVENT", "PID", "COMM",
			     "CONTAINER", two_lines(width) ? "" : "DETAILS");
	while (n && line[n - 1] == ' ')
		n--;
	put_fitted(b, line, n, (size_t)width);
	outbuf_putc(b, '\n');
	if (two_lines(width))
		outbuf_puts(b, NARROW_INDENT "DETAILS\n");
}

/* A line with the date before the first row of each day: rows show only the time. */
static void put_date_line(struct outbuf *b, const struct tm *tm, int width)
{
	char date[96], line[128];
	size_t n;

	if (view.utc)
		strftime(date, sizeof(date), "%a %Y-%m-%d UTC", tm);
	else
		strftime(date, sizeof(date), "%a %Y-%m-%d %Z (UTC%z)", tm);
	n = (size_t)snprintf(line, sizeof(line), "--- %s ---", date);
	put_fitted(b, line, n < sizeof(line) ? n : sizeof(line) - 1, (size_t)width);
	outbuf_putc(b, '\n');
}

/* Append the row's details (in view.details) fitted to `cols` columns: cut with
 * the mark, or wrapped onto lines that start with `indent`. */
static void put_details_fitted(struct outbuf *b, size_t cols, const char *indent,
			       const char *color)
{
	const struct outbuf *d = &view.details;

	if (d->failed) {
		b->failed = 1;
		return;
	}
	if (view.no_trunc)
		put_wrapped(b, d->data, d->len, cols, indent, color);
	else
		put_fitted(b, d->data, d->len, cols);
}

void text_write_report(struct outbuf *b, const struct report_host *h, const struct report *r,
		       bool color)
{
	const struct proc_view *p = r->signal ? &r->signal->target : &r->proc;
	const char *alert = color && report_out_of_band(r) ? COLOR_ALERT : NULL;
	int width = text_view_width();
	char when[64], pid[16], indent[PREFIX_COLS + 1];
	__s64 real = (__s64)r->time_ns + h->boot_to_real_ns;
	time_t secs = (time_t)(real / 1000000000LL);
	size_t start, line_cols;
	struct tm tm;
	long day;

	if (view.utc)
		gmtime_r(&secs, &tm);
	else
		localtime_r(&secs, &tm);
	day = (long)(tm.tm_year + 1900) * 400 + tm.tm_yday;
	if (day != view.last_day) {
		put_date_line(b, &tm, width);
		view.last_day = day;
	}
	snprintf(when, sizeof(when), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)((real / 1000000) % 1000));
	if (alert)
		outbuf_puts(b, alert);
	start = b->len;
	outbuf_printf(b, "%-12s %-15s ", when, report_type_name(r->type));
	if (p->k) {
		snprintf(pid, sizeof(pid), "%u", p->k->pid);
		outbuf_printf(b, "%7s ", pid);
		put_cell(b, p->k->comm, strnlen(p->k->comm, LK_COMM_LEN), 16);
	} else {
		outbuf_printf(b, "%7s %-16s ", "-", "-");
	}
	put_container_cell(b, p->c);

	outbuf_reset(&view.details);
	put_details(&view.details, r, p);
	if (two_lines(width)) {
		/* the first line's trailing padding would only make it wider */
		while (b->len > start && b->data[b->len - 1] == ' ')
			b->len--;
		fit_line(b, start, (size_t)width, alert);
		next_line(b, alert, NARROW_INDENT);
		put_details_fitted(b, (size_t)width - strlen(NARROW_INDENT), NARROW_INDENT, alert);
	} else {
		line_cols = b->failed ? 0 : text_display_width(b->data + start, b->len - start);
		if (line_cols >= (size_t)width - 8) {
			/* --no-trunc cells pushed the details off the row: their own lines */
			while (b->len > start && b->data[b->len - 1] == ' ')
				b->len--;
			next_line(b, alert, NARROW_INDENT);
			line_cols = strlen(NARROW_INDENT);
		}
		memset(indent, ' ', line_cols < PREFIX_COLS ? line_cols : PREFIX_COLS);
		indent[line_cols < PREFIX_COLS ? line_cols : PREFIX_COLS] = '\0';
		put_details_fitted(b, (size_t)width - line_cols, indent, alert);
		while (b->len > start && b->data[b->len - 1] == ' ')
			b->len--;
	}
	if (alert)
		outbuf_puts(b, COLOR_RESET);
	outbuf_putc(b, '\n');
}
