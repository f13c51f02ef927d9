// SPDX-License-Identifier: GPL-2.0
/* router.c - a report's way out: audit log, filters, syslog, metrics, stdout
 * (see router.h). */
#include <errno.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include "filter.h"
#include "metrics.h"
#include "output.h"
#include "router.h"
#include "syslog_sink.h"
#include "template.h"

void router_init(struct router *rt, const struct pipeline_opts *opts,
		 const struct report_host *host)
{
	memset(rt, 0, sizeof(*rt));
	rt->opts = opts;
	rt->host = host;
	outbuf_init(&rt->out);
	outbuf_init(&rt->audit);
	outbuf_init(&rt->line);
}

void router_free(struct router *rt)
{
	outbuf_free(&rt->out);
	outbuf_free(&rt->audit);
	outbuf_free(&rt->line);
}

/*
 * Write it all, or as much as the reader takes. A blocked write that a signal
 * interrupts goes on until the stop's flush time is up (give_up): from then on
 * main's timer interrupts every blocked write, so none outlasts it by much.
 * Returns the bytes written; errno says why the rest was not.
 */
static size_t write_all(const struct router *rt, int fd, const char *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);

		if (w < 0) {
			if (errno == EINTR && !(rt->opts->give_up && *rt->opts->give_up))
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
static size_t records_after(const struct router *rt, size_t done)
{
	const char *p = rt->out.data + done, *end = rt->out.data + rt->out.len;
	size_t n = 0;

	if (rt->out.failed)
		return rt->out_records;
	for (; (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	if (rt->header_end > done)
		n--;
	return n < rt->out_records ? n : rt->out_records;
}

/* The live output: once its reader is gone (EPIPE) or stalled past the stop's
 * flush time, nothing more is tried, and what it misses is counted. */
static void flush_out(struct router *rt)
{
	size_t done = 0, lost;

	if (rt->out_state == PIPELINE_OUTPUT_OK && rt->out.len && !rt->out.failed) {
		done = write_all(rt, rt->opts->out_fd, rt->out.data, rt->out.len);
		if (done < rt->out.len && (errno == EPIPE || errno == ECONNRESET))
			rt->out_state = PIPELINE_OUTPUT_CLOSED;
		else if (done < rt->out.len && errno == ETIMEDOUT)
			rt->out_state = PIPELINE_OUTPUT_STALLED;
	}
	lost = rt->out.len || rt->out.failed ? records_after(rt, done) : 0;
	rt->written -= lost;
	rt->not_written += lost;
	outbuf_reset(&rt->out);
	rt->out_records = 0;
	rt->header_end = 0;
}

bool router_wanted(const struct pipeline_opts *opts, const struct report *r)
{
	if (opts->filter && !filter_match(opts->filter, r))
		return false;
	if (!opts->only_kills)
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

bool router_audited(const struct report *r)
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
static bool audited_stop(const struct router *rt, const struct report *r)
{
	return r->type == REPORT_LOOKOUT_STOP && rt->out_state != PIPELINE_OUTPUT_OK;
}

/* --syslog and --metrics see exactly the events written. */
static void export_report(struct router *rt, const struct report *r)
{
	const char *name = report_type_name(r->type);
	bool oob = report_out_of_band(r);

	if (rt->opts->syslog) {
		outbuf_reset(&rt->line);
		json_write_report(&rt->line, rt->host, r);
		if (!rt->line.failed)
			syslog_sink_send(rt->opts->syslog, oob ? LOG_WARNING : LOG_INFO, name,
					 rt->line.data, rt->line.len);
	}
	if (rt->opts->metrics) {
		metrics_event(rt->opts->metrics, name);
		if (r->type == REPORT_CONTAINER_EXIT)
			metrics_container_exit(rt->opts->metrics, cause_name(r->cause));
		if (r->type == REPORT_SIGNAL) {
			const struct container *c = r->signal->target.c;

			metrics_signal(rt->opts->metrics, origin_name(r->signal->origin));
			if (oob)
				metrics_out_of_band(rt->opts->metrics,
						    c ? (c->meta.name[0] ? c->meta.name : c->id) : NULL);
		}
	}
}

void router_write(struct router *rt, const struct report *r)
{
	if (rt->opts->audit_fd >= 0 && (router_audited(r) || audited_stop(rt, r)))
		json_write_report(&rt->audit, rt->host, r);
	if (!router_wanted(rt->opts, r))
		return;
	export_report(rt, r);
	if (rt->out_state != PIPELINE_OUTPUT_OK) {
		rt->not_written++;
		return;
	}
	if (rt->opts->format) {
		outbuf_reset(&rt->line);
		json_write_report(&rt->line, rt->host, r);
		if (rt->line.failed || template_render_json(rt->opts->format, rt->line.data,
							    rt->line.len, &rt->out))
			rt->out.failed = 1;
	} else if (rt->opts->json) {
		json_write_report(&rt->out, rt->host, r);
	} else {
		if (!rt->header_written) {
			text_write_header(&rt->out);
			rt->header_end = rt->out.len;
			rt->header_written = true;
		}
		text_write_report(&rt->out, rt->host, r, rt->opts->color);
	}
	rt->out_records++;
	rt->written++;
}

void router_flush(struct router *rt)
{
	flush_out(rt);
	if (rt->opts->audit_fd >= 0 && rt->audit.len && !rt->audit.failed)
		write_all(rt, rt->opts->audit_fd, rt->audit.data, rt->audit.len);
	outbuf_reset(&rt->audit);
}

/* Give back buffers a burst grew past `keep` bytes (they are empty now). */
void router_shrink(struct router *rt, size_t keep)
{
	if (rt->out.cap > keep)
		outbuf_free(&rt->out);
	if (rt->audit.cap > keep)
		outbuf_free(&rt->audit);
}
