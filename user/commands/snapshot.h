/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snapshot.h - the host's view of its containers, read from /proc without BPF.
 *
 * Owns one pass over a /proc tree (every /proc/PID: stat, status, cgroup, ns/pid,
 * ns/mnt, exe), the grouping of those processes into containers (cgroup first, then
 * PID-namespace sandboxes and processes that entered a container's namespaces), the
 * lookup of a container by name or id prefix, and the parsers of those /proc files.
 * Each container's init is container_init.h's choice, as for the live events. Output is snapshot_output.c's; the commands
 * are cmd_ps.c and cmd_inspect.c.
 *
 * The /proc root and the runtimes' state root are parameters, so tests point the
 * scanner at a fake tree. Nothing is ever opened through /proc/PID/root.
 */
#ifndef LOOKOUT_SNAPSHOT_H
#define LOOKOUT_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "cgroup.h"
#include "runtime.h"

/* comm as /proc/PID/stat shows it; the kernel's is 16 bytes, a kthread's up to 64 */
#define SNAP_COMM_MAX 64
/* Bytes of /proc/PID/cmdline kept for a process's argv; more sets argv_truncated. */
#define SNAP_ARGV_MAX 4096

struct snap_proc {
	__u32 pid;		/* host PID (thread-group id) */
	__u32 ppid;		/* parent's host PID, 0 for none */
	__u32 ns_pid;		/* PID in its own PID namespace (last NSpid field) */
	__u32 uid;		/* real uid as the host sees it */
	unsigned int ns_depth;	/* fields on the NSpid line: 1 = the host's namespace */
	char state;		/* R, S, Z, ... from stat */
	unsigned long long start_ticks;	/* field 22 of stat: clock ticks since boot */
	__u64 pidns, mntns;	/* namespace inodes */
	char comm[SNAP_COMM_MAX];	/* raw bytes: escape before printing */
	char *cgroup;		/* container-deciding cgroup path (see snapshot_opts.unified) */
	struct cgroup_match match;	/* cgroup_classify() of cgroup */
	int ctr;		/* index into snapshot.ctrs, -1 for a host process */
	bool entered;		/* in ctr's PID namespace but not its cgroup (nsenter) */
	bool runtime;		/* runs a runtime executable (components.h), or a memfd
				 * program a runtime process ran (runc 1.1's runc init) */
	bool exe_memfd;		/* its executable is a memfd */
	/* filled by snapshot_read_argv() only */
	char *argv;		/* NUL-separated, argv_len bytes; NULL unknown */
	size_t argv_len;
	bool argv_truncated;
};

struct snap_container {
	char id[CGROUP_ID_MAX + 32];	/* runtime's full id, or pidns:<inode> */
	enum runtime_kind runtime;	/* the state's answer when it differs from the cgroup's */
	struct cgroup_match match;	/* RUNTIME_SANDBOX with id "" for a sandbox */
	struct container_meta meta;	/* "" fields when unknown */
	int meta_err;			/* runtime_lookup()'s result */
	char *cgroup;			/* shallowest member cgroup (podman nests .../container) */
	size_t init;			/* index into snapshot.procs */
	__u64 pidns, mntns;		/* the init's */
	size_t nprocs;			/* members, entered ones included */
	size_t nentered;
};

struct snapshot {
	struct snap_proc *procs;
	size_t nprocs;
	struct snap_container *ctrs;	/* sorted by the init's start, then id */
	size_t nctrs;
	char proc_root[256];
	bool unified;			/* snapshot_opts.unified */
	__u64 host_pidns;		/* <proc_root>/1/ns/pid */
	size_t unreadable;		/* processes skipped for permission or damage */
	size_t vanished;		/* processes that ended (or were reused) mid-scan */
	size_t ns_unreadable;		/* in no container, PID namespace not readable */
	int meta_denied;		/* runtime lookups refused with -EACCES/-EPERM */
	long ticks_per_sec;		/* USER_HZ of stat's start time */
};

struct snapshot_opts {
	const char *proc_root;	/* NULL or "" means "/proc" */
	const char *state_root;	/* runtime state prefix, runtime.h's `root`: "" for /;
				 * runtime executables are looked for under it too */
	bool no_meta;		/* skip runtime_lookup() (names and images stay "") */
	/* the host's cgroup mode is unified (snapshot_host_unified()): the v2 line of
	 * /proc/PID/cgroup decides, not the v1 memory one a hybrid kernel still lists */
	bool unified;
};

/*
 * Scan proc_root and build *out (free with snapshot_free()). Processes that cannot be
 * read are counted, not fatal. Returns 0, -ENOMEM, or -errno when proc_root itself
 * cannot be listed.
 */
int snapshot_scan(const struct snapshot_opts *o, struct snapshot **out);
/* Is cgroup2 what is mounted at /sys/fs/cgroup (as the loader decides, cgroup_mode.h)? */
bool snapshot_host_unified(void);
void snapshot_free(struct snapshot *s);

/*
 * Find containers by query, Docker's way: an exact full id, else an exact name, else a
 * unique id prefix. Returns how many containers matched at the first rule that matched
 * any (0 none, 1 found, more: ambiguous) and writes up to max of their indices into idx.
 */
size_t snapshot_find(const struct snapshot *s, const char *query, size_t *idx, size_t max);

/* Indices of c's processes (members and entered) in parent-before-child, PID order,
 * with each one's depth in the tree (0 for a process whose parent is outside c).
 * Arrays of c->nprocs entries, malloc'd; returns how many were written, or -ENOMEM. */
int snapshot_tree(const struct snapshot *s, const struct snap_container *c, size_t **order,
		  unsigned int **depth);

/* Read cmdline into s->procs[i].argv, checked against its start time. 0 or -errno. */
int snapshot_read_argv(struct snapshot *s, size_t i);

/* Inode of <proc_root>/<pid>/ns/<name> from its link text "name:[N]"; 0 when unreadable. */
__u64 snapshot_ns_inode(const struct snapshot *s, __u32 pid, const char *name);

/* The namespaces `lookout inspect` shows, in this order, and whether the host shares them. */
#define SNAP_NS_COUNT 7
/* pid mnt net uts ipc user cgroup */
extern const char *const snapshot_ns_names[SNAP_NS_COUNT];

struct snap_namespaces {
	__u64 ctr[SNAP_NS_COUNT];	/* the init's; 0 unreadable */
	__u64 host[SNAP_NS_COUNT];	/* <proc_root>/1's; 0 unreadable */
};

void snapshot_namespaces(const struct snapshot *s, const struct snap_container *c,
			 struct snap_namespaces *ns);

/* Start of process p as nanoseconds since boot. */
__u64 snapshot_start_ns(const struct snapshot *s, const struct snap_proc *p);

/* "12 hex" for a 64-hex id, else the whole id (lxc names, pidns:<inode>, ctr ids). */
void snapshot_short_id(const char *id, char *out, size_t outlen);

/* ---- parsers, exposed for tests and the fuzzer ---- */

/* /proc/PID/stat: comm (between the first '(' and the last ')'), state, ppid, start. */
int snapshot_parse_stat(const char *text, size_t len, char *comm, size_t commlen, char *state,
			__u32 *ppid, unsigned long long *start_ticks);
/* /proc/PID/status: last NSpid field, how many there are (1 when there is no NSpid line,
 * kernels before 4.1: ns_pid = pid then) and the real uid. */
int snapshot_parse_status(const char *text, size_t len, __u32 *ns_pid, unsigned int *depth,
			  __u32 *uid);
/* A namespace link's text "name:[N]" (len bytes) into *inode. 0 or -EINVAL. */
int snapshot_parse_ns_link(const char *text, size_t len, const char *name, __u64 *inode);

#endif /* LOOKOUT_SNAPSHOT_H */
