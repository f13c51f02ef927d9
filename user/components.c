// SPDX-License-Identifier: GPL-2.0
/*
 * components.c - where the container runtime's executables are, and opening
 * them inside the host root: one table for the loader (the kernel's runtime
 * test) and for lookout ps and inspect.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "components.h"

/* Container runtime components, recognised by the inode of their executable. */
static const char *const names[] = {
	"dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v1",
	"containerd-shim-runc-v2", "runc", "crun", "conmon", "podman", "crio", "kubelet",
	"lxc-start", "lxc-stop", "lxc-attach", "lxc-execute", "lxc-monitord", "systemd-nspawn",
	"docker-proxy",
};

static const char *const dirs[] = {
	"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
	"/usr/libexec/podman", "/usr/lib/podman", "/usr/libexec/docker",
	"/usr/lib/cri-o-runc/sbin", "/usr/libexec/crio",
};

#define NR_NAMES (sizeof(names) / sizeof(names[0]))
#define NR_DIRS (sizeof(dirs) / sizeof(dirs[0]))

bool component_path(unsigned int i, char *out, size_t len)
{
	if (i >= NR_NAMES * NR_DIRS)
		return false;
	snprintf(out, len, "%s/%s", dirs[i % NR_DIRS], names[i / NR_DIRS]);
	return true;
}

int component_open(const char *host_root, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	struct stat st;
	int root, fd;

	if (!host_root || !*host_root) {
		fd = open(path, O_PATH | O_CLOEXEC);
	} else {
		root = open(host_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			return -errno;
		fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
		if (fd < 0)
			fd = -errno;
		close(root);
		if (fd < 0)
			return fd;
	}
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

void component_set_load(struct component_set *set, const char *host_root)
{
	char path[256];
	unsigned int i;
	struct stat st;
	int fd;

	set->n = 0;
	for (i = 0; component_path(i, path, sizeof(path)) && set->n < COMPONENTS_MAX; i++) {
		/* most are absent on a given host */
		fd = component_open(host_root, path);
		if (fd < 0)
			continue;
		if (!fstat(fd, &st) && !component_set_has(set, st.st_dev, st.st_ino)) {
			set->exe[set->n].dev = st.st_dev;
			set->exe[set->n].ino = st.st_ino;
			set->n++;
		}
		close(fd);
	}
}

bool component_set_has(const struct component_set *set, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (set->exe[i].dev == dev && set->exe[i].ino == ino)
			return true;
	return false;
}
