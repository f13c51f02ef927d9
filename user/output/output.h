/* SPDX-License-Identifier: GPL-2.0 */
/*
 * output.h - the writers: JSON lines (EVENTS.md), the live view, and the sinks
 * they write to (stdout, the audit log).
 */
#ifndef LOOKOUT_OUTPUT_H
#define LOOKOUT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include "outbuf.h"
#include "report.h"

void format_rfc3339(char *out, size_t len, const struct report_host *h, __u64 boot_ns);
void format_tty(char *out, size_t len, const char *tty);

/* Append one JSON line for r to b. */
void json_write_report(struct outbuf *b, const struct report_host *h, const struct report *r);

/* The live view's width: the terminal's (followed on SIGWINCH) when fd is one,
 * else $COLUMNS, else TEXT_DEFAULT_WIDTH. Narrower than TEXT_TWO_LINE_MIN,
 * each event takes two lines. no_trunc: wrap what does not fit instead of
 * cutting it; utc: times (and date lines) in UTC rather than local time. */
#define TEXT_DEFAULT_WIDTH 120
#define TEXT_TWO_LINE_MIN 100
void text_view_init(int fd, bool no_trunc, bool utc);
int text_view_width(void);
/* Columns that escaped text (printable ASCII or valid UTF-8) takes. */
size_t text_display_width(const char *s, size_t n);

/* Live view: a header row, then one aligned row per report. `color` adds
 * highlighting for out-of-band signals and kills. */
void text_write_header(struct outbuf *b);
void text_write_report(struct outbuf *b, const struct report_host *h, const struct report *r,
		       bool color);

#endif
