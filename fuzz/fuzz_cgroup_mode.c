// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_cgroup_mode.c - cgroup_mode_decide() on any /proc/self/mountinfo text: mount
 * points can be named by anyone who may mount (a user namespace), in any bytes.
 *
 * Input: one byte choosing the filesystem at the directory (cgroup2, tmpfs, other) and
 * the directory, then the mountinfo text, handed over in an exact-size copy. Checked:
 * only the documented returns; unified is exactly the directory; a v1 mount point is a
 * whole field of a line whose filesystem is "cgroup" with "memory" among its super
 * options; "why" is a terminated sentence only on -ENOENT.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <stdint.h>

#include "cgroup_mode.h"
#include "fuzz.h"

static const char *const dirs[] = { "/sys/fs/cgroup", "/host/sys/fs/cgroup", "/",
				    "/sys/fs/cgroup/" };

/* Does a line of text hold " point " as its fifth field's bytes, and " - cgroup "? */
static bool v1_line_has(const char *t, size_t len, const char *point)
{
	size_t pl = strlen(point), i = 0;

	while (i < len) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - t) : len;
		const char *l = t + i;
		size_t n = end - i;

		if (memmem(l, n, point, pl) && memmem(l, n, " - cgroup ", 10) &&
		    memmem(l, n, "memory", 6))
			return true;
		i = end + 1;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long types[] = { CGROUP_MODE_CGROUP2_MAGIC, CGROUP_MODE_TMPFS_MAGIC,
					       0x62656572UL, 0x27e0ebUL };
	struct cgroup_mode m;
	const char *dir;
	char why[256], *text;
	uint8_t sel;
	int r;

	if (!size)
		return 0;
	sel = data[0];
	dir = dirs[(sel >> 2) % (sizeof(dirs) / sizeof(dirs[0]))];
	text = malloc(size - 1 ? size - 1 : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	memset(why, 'x', sizeof(why));
	r = cgroup_mode_decide(types[sel & 3], dir, text, size - 1, &m, why, sizeof(why));
	FUZZ_CHECK(r == 0 || r == -ENOENT || r == -ENAMETOOLONG, "returned %d", r);
	FUZZ_CHECK(memchr(why, '\0', sizeof(why)), "why is not terminated");
	if (r == 0) {
		FUZZ_CHECK(why[0] == '\0', "a reason on success: %s", why);
		FUZZ_CHECK(memchr(m.mount, '\0', sizeof(m.mount)) && m.mount[0], "empty mount");
		if ((sel & 3) == 0)
			FUZZ_CHECK(!m.v1 && !strcmp(m.mount, dir), "unified at %s, not %s", m.mount,
				   dir);
		else
			FUZZ_CHECK(m.v1 && (sel & 3) == 1 && v1_line_has(text, size - 1, m.mount),
				   "v1 memory at %s, which no cgroup memory line names", m.mount);
	} else if (r == -ENOENT) {
		FUZZ_CHECK(why[0] && strstr(why, dir), "no reason naming %s: %s", dir, why);
	}
	free(text);
	return 0;
}
