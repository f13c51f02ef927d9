/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps.bpf.h - every map of the kernel side, in one place: the ring buffers,
 * the counters, what is tracked, the notes on signals, and per-CPU scratch.
 */
#ifndef LOOKOUT_MAPS_BPF_H
#define LOOKOUT_MAPS_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/* Boundary-crossing signals and container ends: a container flooding `events`
 * with its own activity cannot crowd these out. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} alerts SEC(".maps");

/* cgroup mkdir and rmdir records: a container churning cgroups fills this one,
 * never the buffers that carry kills and other containers' processes. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} cgroup_events SEC(".maps");

/* Records dropped per container and buffer: key is the container's lk_ckey with
 * flags = enum lk_lost_buffer. Entries of ended containers are few and small;
 * userspace reads and deletes them. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lk_ckey);
	__type(value, __u64);
} lost_by_container SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LK_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

/* Container processes, by pid and start time. Host processes are not stored:
 * absence means "classify from the task", which is what a host process costs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct lk_pkey);
	__type(value, struct lk_ckey);
} tracked SEC(".maps");

/* Container cgroups of the tracked hierarchy, by cgroup id. Absent = host.
 * Only mkdir (pending) and the loader's walk add entries; rmdir removes them, and
 * userspace only changes entries that still exist, so a removed cgroup never
 * comes back. The loader sets the size (--cgroups-max). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);		/* enum lk_cgroup_verdict */
} cgroups SEC(".maps");

/* Which container owns a PID namespace, so nsenter from the host is recognised. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct lk_ckey);
} pidns_owner SEC(".maps");

/* The PID namespace a container's init lives in: the first one seen for it.
 * Namespaces its processes create later are not its own end. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lk_ckey);
	__type(value, __u32);
} init_pidns SEC(".maps");

/* Live processes per container, so a --pid=host container's end is its last exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lk_ckey);
	__type(value, __s64);
} members SEC(".maps");

/* Executables of container runtimes, by (dev, inode), filled by the loader. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct lk_exe_key);
	__type(value, __u8);
} runtime_exes SEC(".maps");

/* The inode numbers of runtime_exes' keys: a cheap first test (runtime.bpf.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} runtime_inos SEC(".maps");

/* Processes running the runtime's code from a memfd copy of its executable
 * (runc re-executes itself so for `runc init`): only a runtime process that
 * execs a memfd, and its forks, are marked. A container's own program that
 * re-executes itself from a memfd is not. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);		/* the self_exec_id of the program that is the runtime's */
} runtime_procs SEC(".maps");

/* A note per target and per signal: the last process that sent it and had
 * it queued. Per signal, so a SIGTERM's sender is not overwritten by a SIGKILL
 * or by the target raising the SIGTERM again itself. */
struct note_key {
	__u32 pid;
	__u32 sig;
	__u64 start_time;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct note_key);
	__type(value, struct lk_killer);
} killers SEC(".maps");

/* Processes whose exit was reported. Two threads can each find signal->live
 * at zero (each read follows both decrements), so the first one reports. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct lk_pkey);
	__type(value, __u8);
} exit_seen SEC(".maps");

/*
 * Per-CPU room to build one event (too big for the 512-byte stack), one slot
 * per context that can interrupt another on the same CPU. signal_generate runs
 * with interrupts off (under the target's siglock) but can itself fire in a
 * hard or soft interrupt (timers, SIGIO) on top of an exec or exit program;
 * the task iterator runs preemptibly, so any tracepoint program may run on
 * its CPU midway. Each gets its own slot, so no record is overwritten halfway.
 * An event never reaches KILLER_SCRATCH_OFF; the killer note is built past it.
 */
#define SCRATCH_SIZE LK_RECORD_MAX
#define KILLER_SCRATCH_OFF 6144
struct scratch {
	char buf[SCRATCH_SIZE];
};

enum scratch_slot {
	SLOT_TASK,	/* exec, exit, OOM and cgroup programs: process context */
	SLOT_SIGNAL,	/* signal_generate: may interrupt SLOT_TASK */
	SLOT_ITER,	/* seeding: may be preempted by either */
	SLOT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLOT_MAX);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* Per-CPU room for one path walk. Components are met leaf first, so the path
 * is written back to front, ending at LK_PATH_MAX; the extra room lets the
 * verifier see every masked write stay inside. */
struct path_walk {
	char path[3 * LK_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SLOT_MAX);
	__type(key, __u32);
	__type(value, struct path_walk);
} walk_map SEC(".maps");

#endif /* LOOKOUT_MAPS_BPF_H */
