/* SPDX-License-Identifier: GPL-2.0 */
/*
 * components.h - the container runtime's components: the executables lookout
 * takes for the runtime (each known name in each known directory), opened
 * inside the host root. The loader hands them to the kernel by inode (loader.c);
 * lookout ps and inspect compare a process's executable with them (snapshot.c),
 * so that both know a runtime process in a container's cgroup is not its init.
 */
#ifndef LOOKOUT_COMPONENTS_H
#define LOOKOUT_COMPONENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The i-th place a runtime executable may be, into out; false past the last. */
bool component_path(unsigned int i, char *out, size_t len);

/* Open a regular file O_PATH inside host_root (NULL or "": /): symlinks resolve
 * inside that root, not ours (openat2 RESOLVE_IN_ROOT). A descriptor, or -errno. */
int component_open(const char *host_root, const char *path);

/* The runtime executables found under a host root, as stat() shows them. */
#define COMPONENTS_MAX 256

struct component_set {
	struct {
		dev_t dev;
		ino_t ino;
	} exe[COMPONENTS_MAX];
	size_t n;
};

/* Fill set with every component_path() found under host_root. */
void component_set_load(struct component_set *set, const char *host_root);
/* Is (dev, ino) one of them? */
bool component_set_has(const struct component_set *set, dev_t dev, ino_t ino);

#endif
