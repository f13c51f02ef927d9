// SPDX-License-Identifier: GPL-2.0
/*
 * test_pipeline_output.c - what the pipeline does when its live output stops taking
 * lines: a pipe whose reader is gone (EPIPE) closes it and counts what it missed; a
 * full pipe whose writer is told to give up (the stop's flush time is up) stalls it;
 * lookout_stop then goes to the audit log. Real pipes, real writes.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "pipeline.h"

static volatile sig_atomic_t give_up;

static struct pipeline *new_pipeline(bool json, int out_fd, int audit_fd, struct containers **cs)
{
	struct pipeline_opts o = { .json = json, .out_fd = out_fd, .audit_fd = audit_fd,
				   .cgroups_map_fd = -1, .options = "lookout", .give_up = &give_up };
	struct report_host h = { .hostname = "h", .boot_id = "b" };

	*cs = containers_new("");
	assert_non_null(*cs);
	return pipeline_new(&o, *cs, &h);
}

static char *slurp(int fd)
{
	static char buf[8192];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static void check_closed(bool json)
{
	struct lookout_totals t = {};
	struct pipeline_counts c;
	struct containers *cs;
	struct pipeline *pl;
	char path[] = "/tmp/lk-audit-XXXXXX";
	int p[2], audit = mkstemp(path);

	assert_true(audit >= 0);
	unlink(path);
	assert_int_equal(pipe(p), 0);
	close(p[0]);	/* the reader went away */
	pl = new_pipeline(json, p[1], audit, &cs);
	assert_non_null(pl);
	pipeline_lookout_start(pl, 1);
	assert_int_equal(pipeline_output_state(pl), PIPELINE_OUTPUT_CLOSED);
	pipeline_counts(pl, &c);
	assert_int_equal(c.written, 0);
	assert_int_equal(c.not_written, 1);	/* lookout_start (and the live view's header) */
	/* nothing more is tried, but everything is counted */
	pipeline_lost(pl, 2, 5, 1, "events", NULL, 0);
	pipeline_lookout_stop(pl, 3, "output_closed", &t);
	pipeline_counts(pl, &c);
	assert_int_equal(c.written, 0);
	assert_int_equal(c.not_written, 3);
	/* the audit log, which takes no lookout_stop otherwise, says why lookout stopped */
	assert_non_null(strstr(slurp(audit), "\"event\":\"lookout_stop\""));
	assert_non_null(strstr(slurp(audit), "\"reason\":\"output_closed\""));
	pipeline_free(pl);
	containers_free(cs);
	close(p[1]);
	close(audit);
}

static void test_closed_json(void **state)
{
	(void)state;
	check_closed(true);
}

static void test_closed_live_view(void **state)
{
	(void)state;
	check_closed(false);
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* A reader that takes nothing: the write blocks until a signal interrupts it; once
 * give_up is set that ends the write, and the output counts as stalled. */
static void test_stalled_gives_up(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval tick = { { 0, 50000 }, { 0, 50000 } }, off = {};
	struct pipeline_counts c;
	struct containers *cs;
	struct pipeline *pl;
	static char fill[4096];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 4096) >= 0);
	assert_int_equal(write(p[1], fill, sizeof(fill)), (int)sizeof(fill));	/* full */
	pl = new_pipeline(true, p[1], -1, &cs);
	assert_non_null(pl);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	give_up = 1;
	setitimer(ITIMER_REAL, &tick, NULL);
	pipeline_lookout_start(pl, 1);	/* returns: that is the test */
	setitimer(ITIMER_REAL, &off, NULL);
	assert_int_equal(pipeline_output_state(pl), PIPELINE_OUTPUT_STALLED);
	pipeline_counts(pl, &c);
	assert_int_equal(c.written, 0);
	assert_int_equal(c.not_written, 1);
	pipeline_free(pl);
	containers_free(cs);
	close(p[0]);
	close(p[1]);
	give_up = 0;
}

/* A reader that reads: every record is written and counted so. */
static void test_open_output_counts_written(void **state)
{
	struct lookout_totals t = {};
	struct pipeline_counts c;
	struct containers *cs;
	struct pipeline *pl;
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	pl = new_pipeline(false, p[1], -1, &cs);
	pipeline_lookout_start(pl, 1);
	pipeline_lookout_stop(pl, 2, "SIGINT", &t);
	assert_int_equal(pipeline_output_state(pl), PIPELINE_OUTPUT_OK);
	pipeline_counts(pl, &c);
	assert_int_equal(c.written, 2);
	assert_int_equal(c.not_written, 0);
	pipeline_free(pl);
	containers_free(cs);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closed_json),
		cmocka_unit_test(test_closed_live_view),
		cmocka_unit_test(test_stalled_gives_up),
		cmocka_unit_test(test_open_output_counts_written),
	};

	signal(SIGPIPE, SIG_IGN);	/* as lookout does: EPIPE, not death */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
