/* SPDX-License-Identifier: GPL-2.0 */
/*
 * router.h - where a finished report goes: the audit log (out-of-band events,
 * and lookout_stop when stdout cannot carry it), then the filters (--container,
 * --event, --signal, --origin, --only-kills), then syslog and metrics, which
 * see exactly the events written, then stdout (JSON lines or the live view).
 * It owns the output buffers and the account of what stdout took.
 */
#ifndef LOOKOUT_ROUTER_H
#define LOOKOUT_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include "outbuf.h"
#include "pipeline.h"
#include "report.h"

struct router {
	const struct pipeline_opts *opts;	/* the pipeline's: audit_fd may change */
	const struct report_host *host;
	struct outbuf out;
	struct outbuf audit;
	struct outbuf line;		/* one JSON line for --syslog in the live view */
	bool header_written;
	size_t out_records;		/* records formatted into `out` since the last flush */
	size_t header_end;		/* the live view's header ends here in `out` (0: not in it) */
	enum pipeline_output out_state;
	__u64 written;			/* whole records stdout took */
	__u64 not_written;		/* records meant for it that it did not take */
};

void router_init(struct router *rt, const struct pipeline_opts *opts,
		 const struct report_host *host);
void router_free(struct router *rt);
/* Route one report; it is buffered until router_flush(). */
void router_write(struct router *rt, const struct report *r);
/* Write the buffers out: stdout until its reader is gone or stalled past the
 * stop's flush time, the audit log. */
void router_flush(struct router *rt);
/* Give back buffers a burst grew past `keep` bytes, after a flush. */
void router_shrink(struct router *rt, size_t keep);

/* The decisions, alone, for tests: does stdout (and syslog, metrics) get it? */
bool router_wanted(const struct pipeline_opts *opts, const struct report *r);
/* Does the audit log get it? */
bool router_audited(const struct report *r);

#endif
