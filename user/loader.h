/* SPDX-License-Identifier: GPL-2.0 */
/*
 * loader.h - getting the BPF side running: checks that name what is missing,
 * open, set the read-only configuration, pick program variants the running
 * kernel supports, load, fill the maps, attach, and seed.
 */
#ifndef LOOKOUT_LOADER_H
#define LOOKOUT_LOADER_H

#include <stdbool.h>
#include <linux/types.h>

struct lookout_bpf;
struct containers;

#define LOADER_MAX_RUNTIME_EXES 64

struct loader_opts {
	bool all;
	bool verbose;
	const char *btf_path;		/* NULL: the running kernel's */
	const char *host_root;		/* "" on the host; /proc/1/root from a container */
	const char *runtime_exes[LOADER_MAX_RUNTIME_EXES];	/* extra runtime executables */
	unsigned int nr_runtime_exes;
	__u64 signal_mask;		/* --signal, bit sig-1; 0 = all */
	bool kernel_signals;		/* --origin lets kernel-raised signals through */
	__u32 events_size;		/* ring buffer bytes, 0 = default */
	__u32 alerts_size;
	__u32 cgroups_size;		/* ring buffer for cgroup records */
	__u32 cgroups_max;		/* entries of the cgroups map, 0 = default */
};

struct loader {
	struct lookout_bpf *skel;
	__u32 host_pidns;
	bool cgroup_v1;
	int hierarchy_id;
	char cgroup_mount[256];		/* where the tracked hierarchy is mounted */
	int cgroup_mount_fd;		/* open on it, -1 before seeding */
	unsigned int nr_runtime_exes;	/* executables recognised as runtime components */
	__u64 cgroups_unrecorded;	/* container cgroups the seed walk found no room for */
};

/* Each returns 0, or prints one line naming the cause and the fix and returns -errno. */
int loader_check_environment(const struct loader_opts *opts);
int loader_open_and_load(struct loader *ld, const struct loader_opts *opts);
/* Fill runtime_exes: the executables whose processes are the container runtime. */
int loader_fill_maps(struct loader *ld, const struct loader_opts *opts);
/*
 * Start-up runs: loader_attach_cgroups (the mkdir and rmdir hooks), then
 * loader_seed_cgroups, then loader_attach (every process hook): by the time a
 * process event can happen, every cgroup that exists is in the cgroups map,
 * found by the walk or by the mkdir hook, and none that is gone stays there.
 */
int loader_attach_cgroups(struct loader *ld);
int loader_attach(struct loader *ld);
/* Record every existing cgroup of the tracked hierarchy that is a container's;
 * leaves ld->cgroup_mount_fd open on the hierarchy. */
int loader_seed_cgroups(struct loader *ld, struct containers *cs);
/* Run the task iterator; fn gets one record per container process running now. */
int loader_seed_tasks(struct loader *ld, void (*fn)(void *ctx, const void *rec, size_t size),
		      void *ctx);
void loader_destroy(struct loader *ld);

/*
 * Everything else reaches the BPF object through these: the loader is the only
 * code that touches the skeleton.
 */
enum loader_ring { LOADER_RING_CGROUPS, LOADER_RING_ALERTS, LOADER_RING_EVENTS, LOADER_RINGS };
/* The ring buffers' map descriptors, in the order a round reads them. */
void loader_ring_fds(const struct loader *ld, int fds[LOADER_RINGS]);
/* The cgroups map, where userspace records its verdict on a new cgroup. */
int loader_cgroups_fd(const struct loader *ld);
__u32 loader_cgroups_max(const struct loader *ld);
/* The kernel's counters (enum lk_stat), summed over CPUs. */
void loader_read_stats(const struct loader *ld, __u64 out[LK_STAT_MAX]);
/* Live container processes and the containers they are in, from the
 * kernel's per-container counts. */
void loader_count_members(const struct loader *ld, unsigned long long *procs,
			  unsigned long long *containers);

/* Records the kernel dropped per container since the last call: key is the
 * container's lk_ckey with flags = enum lk_lost_buffer. Taken out of the map
 * (read and deleted one by one), at most max of them; returns how many. */
size_t loader_take_container_losses(const struct loader *ld, struct lk_lost_entry *out,
				    size_t max);

#endif
