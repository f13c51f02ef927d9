/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot_output.h - how `lookout ps` and `lookout inspect` print a snapshot: aligned
 * columns for a terminal, JSON for programs. Pure formatting into a struct outbuf, so
 * tests feed it hostile names without a real host; every byte a process or a runtime
 * chose goes through escape.h.
 */
#ifndef LOOKOUT_SNAPSHOT_OUTPUT_H
#define LOOKOUT_SNAPSHOT_OUTPUT_H

#include <linux/types.h>

#include "outbuf.h"
#include "snapshot.h"

/* The two clocks that turn a start time (ns since boot) into a date and an age. */
struct snap_clock {
	__s64 boot_to_real_ns;	/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	__u64 now_boot_ns;	/* CLOCK_BOOTTIME now */
};

void snap_clock_now(struct snap_clock *clk);

/* "45s", "12m03s", "5h02m", "3d07h" */
void format_uptime(char *out, size_t len, __u64 ns);

/* lookout ps: a header row and one row per container (RUNTIME ID NAME IMAGE PID PROCS
 * UPTIME ROOT), or a JSON array with one object per container on its own line. */
void snapshot_write_ps_text(struct outbuf *b, const struct snapshot *s,
			    const struct snap_clock *clk);
void snapshot_write_ps_json(struct outbuf *b, const struct snapshot *s,
			    const struct snap_clock *clk);

/* lookout inspect: one container, its process tree (argv read beforehand with
 * snapshot_read_argv(), else shown as unknown), namespaces and the commands to reach it. */
void snapshot_write_inspect_text(struct outbuf *b, const struct snapshot *s,
				 const struct snap_container *c, const struct snap_namespaces *ns,
				 const struct snap_clock *clk);
void snapshot_write_inspect_json(struct outbuf *b, const struct snapshot *s,
				 const struct snap_container *c, const struct snap_namespaces *ns,
				 const struct snap_clock *clk);

/* One line naming containers idx[0..n) for an "ambiguous" error: "id (name, runtime), ..." */
void snapshot_write_candidates(struct outbuf *b, const struct snapshot *s, const size_t *idx,
			       size_t n);

/* On stderr, and only when something was skipped: processes that could not be read, runtime
 * state we were not allowed to read. `who` starts the line ("lookout ps"). */
void snapshot_report_skipped(const struct snapshot *s, const char *who);

#endif /* LOOKOUT_SNAPSHOT_OUTPUT_H */
