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
};

struct loader {
	struct lookout_bpf *skel;
	__u32 host_pidns;
	bool cgroup_v1;
	int hierarchy_id;
	char cgroup_mount[256];		/* where the tracked hierarchy is mounted */
	unsigned int nr_runtime_exes;	/* executables recognised as runtime components */
};

/* Each returns 0, or prints one line naming the cause and the fix and returns -errno. */
int loader_check_environment(const struct loader_opts *opts);
int loader_open_and_load(struct loader *ld, const struct loader_opts *opts);
/* Fill runtime_exes: the executables whose processes are the container runtime. */
int loader_fill_maps(struct loader *ld, const struct loader_opts *opts);
int loader_attach(struct loader *ld);
/* Record every existing cgroup of the tracked hierarchy that is a container's. */
int loader_seed_cgroups(struct loader *ld, struct containers *cs);
/* Run the task iterator; fn gets one record per container process running now. */
int loader_seed_tasks(struct loader *ld, void (*fn)(void *ctx, const void *rec, size_t size),
		      void *ctx);
void loader_destroy(struct loader *ld);

#endif
