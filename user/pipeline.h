/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pipeline.h - from kernel records to written lines: checks each record,
 * joins it with what userspace knows (containers, argv seen at exec, the
 * signal that killed a process), decides origin and filters, and hands the
 * result to the writers.
 */
#ifndef LOOKOUT_PIPELINE_H
#define LOOKOUT_PIPELINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "containers.h"
#include "filter.h"
#include "report.h"

struct pipeline_opts {
	bool json;
	bool all;
	bool only_kills;
	const struct filter *filter;	/* NULL: keep everything */
	bool color;
	const struct template *format;	/* --format: instead of JSON or the live view */
	int out_fd;			/* live view or JSON lines */
	int audit_fd;			/* -1: no audit log */
	int cgroups_map_fd;		/* the kernel's verdicts on cgroups */
	int cgroup_mount_fd;		/* the tracked hierarchy, to find a cgroup by id */
	const char *cgroup_mount;	/* where it is mounted; NULL: unknown */
	const char *options;		/* the command line, for lookout_start */
	struct syslog_sink *syslog;	/* NULL: no --syslog */
	struct metrics *metrics;	/* NULL: no --metrics */
	/* Set once a stop's flush time is up: a blocked write is then abandoned
	 * at its next interruption. NULL: writes wait for the reader. */
	const volatile sig_atomic_t *give_up;
};

struct pipeline;
struct syslog_sink;
struct metrics;

struct pipeline *pipeline_new(const struct pipeline_opts *opts, struct containers *cs,
			      const struct report_host *host);
void pipeline_free(struct pipeline *pl);

/* Queue one ring-buffer record (copied); `alert` if it came through the alerts
 * ring, to be written out as soon as it is handled. Returns 0, or -ENOMEM. */
int pipeline_queue(struct pipeline *pl, const void *data, size_t size, bool alert);
/* Handle the queued records in kernel time order, up to upto_ns, and write the
 * result; later ones wait for the next round. A ring the round left unfinished
 * may still hold records older than what the others gave: upto_ns is the time
 * of the last record taken from it, so a container's end (an alert) is never
 * handled before its own older events (a backlog in the events ring).
 * caught_up: the rings that carry process records were read empty this round,
 * so removed cgroups can be forgotten (see cgroup_map.h). */
void pipeline_drain(struct pipeline *pl, bool caught_up, __u64 upto_ns);
/* Cgroup records were dropped: settle what they would have (cgroup_map_recover). */
void pipeline_cgroups_lost(struct pipeline *pl);

/* Processes found running at start, one record each from the seed iterator;
 * then pipeline_seed_done() to announce the containers they make up. */
void pipeline_seed(struct pipeline *pl, const void *data, size_t size);
void pipeline_seed_done(struct pipeline *pl);

void pipeline_lookout_start(struct pipeline *pl, __u64 now_ns);
void pipeline_lookout_stop(struct pipeline *pl, __u64 now_ns, const char *reason,
			   const struct lookout_totals *totals);
/* `count` records dropped from `buffer` since since_ns; `places` lists the
 * kernel's count per container for them (what it does not cover is unplaced). */
struct lk_lost_entry;
void pipeline_lost(struct pipeline *pl, __u64 now_ns, __u64 count, __u64 since_ns,
		   const char *buffer, const struct lk_lost_entry *places, size_t nr_places);
/* Point the audit log at a new file descriptor (SIGHUP reopen); closes the old. */
void pipeline_set_audit_fd(struct pipeline *pl, int fd);

struct pipeline_counts {
	__u64 records;
	__u64 written;		/* whole records the live output took */
	__u64 not_written;	/* records meant for it that it did not take */
	__u64 bad_records;
	__u64 cgroups_resolved;		/* pending cgroups classified by id, their record lost */
	__u64 own_signals;	/* SIGPIPE/SIGXFSZ from lookout's own writes, not reported */
	__u64 metadata_pending;	/* started containers whose name and image have not come */
};
void pipeline_counts(const struct pipeline *pl, struct pipeline_counts *out);
/* Once in a while: retry metadata still missing (container_update when it comes). */
void pipeline_tick(struct pipeline *pl, __u64 now_ns);

/* The live output (stdout): lookout stops once it is not OK. */
enum pipeline_output {
	PIPELINE_OUTPUT_OK,
	PIPELINE_OUTPUT_CLOSED,		/* the reader went away (EPIPE) */
	PIPELINE_OUTPUT_STALLED,	/* the reader took nothing until the stop's flush time was up */
};
enum pipeline_output pipeline_output_state(const struct pipeline *pl);
/* The live output's reader is gone (seen by polling it): write no more to it. */
void pipeline_output_closed(struct pipeline *pl);

#endif
