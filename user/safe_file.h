/* SPDX-License-Identifier: GPL-2.0 */
/*
 * safe_file.h - bounded reads of files lookout does not control.
 *
 * Owns opening and slurping state files written by container runtimes (or planted by
 * anyone able to write there): never follows a final symlink, never blocks on a FIFO,
 * never reads more than the caller allows, and, with a root, never leaves that root.
 */
#ifndef LOOKOUT_SAFE_FILE_H
#define LOOKOUT_SAFE_FILE_H

#include <stddef.h>

/*
 * Read a whole regular file of at most max bytes into a malloc'd, NUL-terminated *buf
 * (*len excludes the NUL; the content may itself hold NULs). Opens with
 * O_RDONLY|O_CLOEXEC|O_NOFOLLOW|O_NONBLOCK. Returns 0, or -errno with *buf = NULL:
 * -EFBIG beyond max, -EISDIR for a directory, -EINVAL for other non-regular files,
 * -ELOOP for a symlink.
 */
int safe_read_file(const char *path, char **buf, size_t *len, size_t max);

/*
 * Same, but path is resolved inside root (NULL or "" means "/") with openat2
 * RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS: "..", absolute symlinks and /proc magic links
 * cannot lead out of root. Needs Linux 5.6 (-ENOSYS before).
 */
int safe_read_file_in_root(const char *root, const char *path, char **buf, size_t *len,
			   size_t max);

/*
 * The openat2 step of safe_read_file_in_root() for other uses (listing a directory):
 * opens path inside root with flags | O_CLOEXEC | O_NOFOLLOW and the same resolve rules.
 * Returns the fd or -errno.
 */
int safe_open_in_root(const char *root, const char *path, int flags);

#endif /* LOOKOUT_SAFE_FILE_H */
