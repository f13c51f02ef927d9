/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - one event as the writers see it: the kernel's record, already
 * checked and joined with what userspace knows (the container, the killer's
 * signal, the origin). Writers only format; they decide nothing.
 */
#ifndef LOOKOUT_REPORT_H
#define LOOKOUT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "lookout.h"
#include "containers.h"
#include "oom.h"

enum report_type {
	REPORT_EXEC,
	REPORT_EXIT,
	REPORT_SIGNAL,
	REPORT_CONTAINER_START,
	REPORT_CONTAINER_EXIT,
	REPORT_OOM,
	REPORT_LOOKOUT_START,
	REPORT_LOOKOUT_STOP,
	REPORT_LOST,
	REPORT_CONTAINER_UPDATE,	/* name and image came after its first events */
};
#define REPORT_TYPES (REPORT_CONTAINER_UPDATE + 1)

/* Why a process ended: one verdict per exit, from what lookout saw. */
enum cause {
	CAUSE_EXITED,		/* it called exit */
	CAUSE_RUNTIME_STOP,	/* a signal from the runtime */
	CAUSE_OUT_OF_BAND_KILL,	/* a signal from the host or another container */
	CAUSE_CONTAINER_KILL,	/* a signal from inside its own container */
	CAUSE_OOM,		/* the kernel's OOM killer */
	CAUSE_CRASH,		/* a fault of its own, or SIGABRT it raised itself */
	CAUSE_KERNEL,		/* any other signal the kernel raised */
	CAUSE_UNKNOWN,		/* lookout lost the records that would decide it */
	CAUSE_KILLED,		/* a process's signal, to a process in no container (--all) */
	CAUSE_MAX,
};

enum origin {
	ORIGIN_KERNEL,
	ORIGIN_RUNTIME,
	ORIGIN_CONTAINER,
	ORIGIN_OTHER_CONTAINER,
	ORIGIN_HOST,
};
#define ORIGINS (ORIGIN_HOST + 1)

/* A string taken from a record (not NUL-terminated necessarily); ptr NULL = unknown. */
struct bytes {
	const char *ptr;
	size_t len;
};

struct proc_view {
	const struct lk_proc *k;
	struct container *c;		/* NULL: a host process */
	struct bytes exe;
	bool exe_truncated;		/* the path's leading directories did not fit */
	struct bytes argv;		/* NUL-separated; ptr NULL when not known */
	bool argv_truncated;
	__u32 mntns;			/* 0 when not known (an exiting task has no nsproxy) */
};

struct ancestor_view {
	const struct lk_ancestor *k;
	char exe[256];			/* "" when unknown */
};

struct signal_view {
	const struct lk_signal_event *k;
	struct proc_view sender;
	struct proc_view target;
	enum origin origin;
	bool out_of_band;		/* from outside the target's container, into one */
	bool tamper;			/* sent to lookout itself */
	bool reraised;			/* killed_by: the target raised it again itself */
	struct ancestor_view ancestry[LK_ANCESTRY_MAX];
	unsigned int nr_ancestors;
};

struct report {
	enum report_type type;
	__u64 time_ns;			/* boot-time ns */
	struct proc_view proc;		/* exec, exit, container_*, oom */

	/* exec */
	struct bytes filename;
	bool via_exec;
	bool existing;			/* container_start: running before lookout */

	/* exit, container_exit */
	__u32 code;
	const struct signal_view *killed_by;
	enum cause cause;
	const struct oom_limit *oom;	/* oom, and an exit whose cause is oom; NULL: unknown */

	/* signal */
	const struct signal_view *signal;

	/* lost */
	__u64 lost_count;
	__u64 lost_since_ns;
	const char *buffer;
	const struct lost_place *lost_places;	/* whose records they were */
	size_t nr_lost_places;
	__u64 lost_unplaced;			/* of no container, or not counted per container */

	/* lookout_start, lookout_stop */
	const char *options;		/* the command line, as given */
	const struct lookout_totals *totals;
	const struct signal_view *stopped_by;
	const char *stop_reason;
};

/* Records of one container that a `lost` event counts. */
struct lost_place {
	char id[CONTAINER_ID_MAX];	/* its id, or pidns:<inode> */
	char name[256];			/* "" when not known */
	__u64 count;
};

struct lookout_totals {
	__u64 events;
	__u64 dropped_events;
	__u64 dropped_alerts;
	__u64 written;
	__u64 dropped_cgroups;		/* ring buffer of cgroup records full */
	__u64 emitted;			/* records the kernel wrote to its ring buffers */
	__u64 bad_records;		/* records userspace rejected as malformed */
	__u64 tracked_full;		/* processes left untracked: tracked map full */
	__u64 cgroups_full;		/* cgroups made while the cgroups map was full */
	__u64 cgroups_resolved;		/* pending cgroups settled by id, their record lost */
	__u64 metadata_pending;		/* started containers whose name and image have not come */
	__u64 not_written;	/* meant for the live output, which did not take them */
};

/* Context every line carries. */
struct report_host {
	char hostname[256];
	char boot_id[64];
	__s64 boot_to_real_ns;		/* add to boot-time ns for wall-clock ns */
	__u32 host_pidns;
};

const char *origin_name(enum origin o);
const char *report_type_name(enum report_type t);	/* "exec", ... */
int report_type_from_name(const char *name);		/* enum report_type, or -1 */
const char *method_name(__u32 method);		/* enum lk_sig_method; NULL for none */
const char *cause_name(enum cause c);
bool report_out_of_band(const struct report *r);
const char *signal_name(int sig);		/* "SIGKILL", or NULL */
const char *signal_code_name(int sig, int code);	/* "SI_USER", or NULL */
const char *signal_result_name(int result);
int report_exit_status(__u32 code);		/* exit code, or 128 + signal */

#endif
