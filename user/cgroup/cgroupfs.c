// SPDX-License-Identifier: GPL-2.0
/*
 * cgroupfs.c - a cgroup of the tracked hierarchy found by its id, through a
 * kernfs file handle: how lookout classifies a cgroup whose mkdir record was
 * lost, and checks that a cgroup it recorded still exists.
 */
#define _GNU_SOURCE /* open_by_handle_at */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cgroupfs.h"

#define FILEID_KERNFS 0xfe	/* include/linux/exportfs.h: a 64-bit kernfs id */

static int open_by_id(int mount_fd, __u64 id)
{
	struct {
		struct file_handle h;
		__u64 id;
	} fh = { .h = { .handle_bytes = sizeof(__u64), .handle_type = FILEID_KERNFS } };
	int fd;

	fh.id = id;
	fd = open_by_handle_at(mount_fd, &fh.h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	/* A handle to a removed kernfs node is stale, not missing. */
	return errno == ESTALE ? -ENOENT : -errno;
}

bool cgroupfs_exists(int mount_fd, __u64 id)
{
	int fd = open_by_id(mount_fd, id);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int cgroupfs_path(int mount_fd, const char *mount_path, __u64 id, char *out, size_t len)
{
	static const char deleted[] = " (deleted)";
	size_t mlen = strlen(mount_path), n;
	char link[64], buf[4096 + 64];
	ssize_t r;
	int fd;

	fd = open_by_id(mount_fd, id);
	if (fd < 0)
		return fd;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	r = readlink(link, buf, sizeof(buf) - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	n = (size_t)r;
	/* Removed after it was opened. */
	if (n >= sizeof(deleted) - 1 && !strcmp(buf + n - (sizeof(deleted) - 1), deleted))
		return -ENOENT;
	if (strncmp(buf, mount_path, mlen) || (buf[mlen] != '/' && buf[mlen] != '\0'))
		return -ENOENT;		/* not under the mount we asked through */
	if (!buf[mlen])
		return snprintf(out, len, "/") >= (int)len ? -ENAMETOOLONG : 0;
	if (n - mlen >= len)
		return -ENAMETOOLONG;
	memcpy(out, buf + mlen, n - mlen + 1);
	return 0;
}
