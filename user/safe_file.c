// SPDX-License-Identifier: GPL-2.0
/*
 * safe_file.c - bounded reads of files lookout does not control.
 *
 * Runtime state files sit in directories a container escape, a confused runtime or a
 * hostile id could shape: a symlink in place of config.json, a FIFO that blocks forever,
 * a file that never ends. Every read of such a file goes through here.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "safe_file.h"

#define READ_CHUNK 4096

/* Read fd to EOF into a malloc'd buffer, failing once more than max bytes arrive. */
static int read_fd(int fd, char **buf, size_t *len, size_t max)
{
	/* read one byte past max to tell "exactly max" from "more than max" */
	size_t limit = max < SIZE_MAX - 1 ? max + 1 : SIZE_MAX - 1;
	size_t cap, used = 0;
	struct stat st;
	char *b;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size < 0 || (uint64_t)st.st_size > max)
		return -EFBIG;
	/* st_size is a hint only: /proc files say 0, and files grow while we read */
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : READ_CHUNK;
	if (cap > limit)
		cap = limit;
	b = malloc(cap + 1);
	if (!b)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (used == cap) {
			size_t ncap = cap > limit / 2 ? limit : cap * 2;
			char *nb;

			if (cap == limit)
				break;
			nb = realloc(b, ncap + 1);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap = ncap;
		}
		r = read(fd, b + used, cap - used);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(b);
			return err;
		}
		if (r == 0)
			break;
		used += (size_t)r;
	}
	if (used > max) {
		free(b);
		return -EFBIG;
	}
	b[used] = '\0';
	*buf = b;
	*len = used;
	return 0;
}

static int read_and_close(int fd, char **buf, size_t *len, size_t max)
{
	int err = read_fd(fd, buf, len, max);

	close(fd);
	return err;
}

int safe_read_file(const char *path, char **buf, size_t *len, size_t max)
{
	size_t dummy;
	int fd;

	if (!buf)
		return -EINVAL;
	*buf = NULL;
	if (!len)
		len = &dummy;
	*len = 0;
	if (!path)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	return read_and_close(fd, buf, len, max);
}

int safe_open_in_root(const char *root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int rootfd, fd, err;

	if (!path)
		return -EINVAL;
	if (!root || !root[0])
		root = "/";
	/* the root itself is trusted (the caller chose it) and may be /proc/1/root */
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return -errno;
	fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	err = fd < 0 ? -errno : 0;
	close(rootfd);
	return fd < 0 ? err : fd;
}

int safe_read_file_in_root(const char *root, const char *path, char **buf, size_t *len,
			   size_t max)
{
	size_t dummy;
	int fd;

	if (!buf)
		return -EINVAL;
	*buf = NULL;
	if (!len)
		len = &dummy;
	*len = 0;
	fd = safe_open_in_root(root, path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	return read_and_close(fd, buf, len, max);
}
