/* SPDX-License-Identifier: GPL-2.0 */
/*
 * container_init.h - which of a container's processes is its init: one rule, for
 * the containers lookout announces at start (pipeline.c, from the kernel's task
 * walk) and for lookout ps and inspect (snapshot.c, from /proc). Both describe each
 * process as an init_cand and ask this module; nothing here reads the kernel or
 * /proc, so the tests feed it made-up processes.
 *
 * The rule:
 *   1. Never a runtime component (a shim, runc init, systemd-nspawn's supervisor)
 *      that sits in the container's cgroup, nor a process that entered its
 *      namespaces from outside its cgroup (nsenter, a host-side exec).
 *   2. The shallowest PID namespace among the rest is the container's own: deeper
 *      ones were made by its processes (unshare, bwrap, a browser's sandbox).
 *   3. In it, the namespace's PID 1, unless that namespace is the host's
 *      (--pid=host: the host's PID 1 is never a container's).
 *   4. Else the oldest process at that depth (start time, then PID): --pid=host,
 *      a namespace shared with another container (--pid=container:, a pod's), or
 *      a namespace whose PID 1 is gone while others still run there.
 */
#ifndef LOOKOUT_CONTAINER_INIT_H
#define LOOKOUT_CONTAINER_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct init_cand {
	__u64 start;		/* start time, in one unit for all candidates of a call */
	__u32 pid;		/* host PID */
	__u32 ns_pid;		/* PID in its own PID namespace */
	__u32 ns_level;		/* depth of that namespace; only compared with the others' */
	bool host_pidns;	/* that namespace is the host's */
	bool runtime;		/* runs a container runtime's executable */
	bool entered;		/* in its namespaces without being in its cgroup */
};

/* Is a a better init than b (b NULL: none yet)? An ineligible a (rule 1) never
 * is; an eligible one always beats an ineligible b. Asked once per process, it
 * picks the same init whatever order the processes come in. */
bool container_init_better(const struct init_cand *a, const struct init_cand *b);

#endif
