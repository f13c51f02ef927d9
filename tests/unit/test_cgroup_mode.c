// SPDX-License-Identifier: GPL-2.0
/*
 * test_cgroup_mode.c - unified or legacy/hybrid, from the filesystem at /sys/fs/cgroup.
 *
 * The mountinfo texts are real: the development machine's hybrid host (v1 controllers
 * plus cgroup2 at /sys/fs/cgroup/unified), and a private mount namespace on it with only
 * cgroup2 at /sys/fs/cgroup (where a second dockerd runs cgroup v2 containers). Both
 * list every v1 hierarchy in /proc/self/cgroup: only the mount tells them apart.
 * Every text is handed over in a heap buffer of exactly its length, so ASan catches a
 * read past len.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include <cmocka.h>

#include "cgroup_mode.h"

#define ROOTFS "21 1 0:20 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u\n"
#define SYSFS "22 21 0:21 / /sys rw,nosuid,nodev,noexec,relatime - sysfs sysfs rw\n"
#define TMPFS "30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
#define V1(id, name, opts) \
	#id " 30 0:" #id " / /sys/fs/cgroup/" name " rw,relatime - cgroup cgroup rw," opts "\n"
#define UNIFIED "40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"

static const char hybrid[] = ROOTFS SYSFS TMPFS V1(31, "cpu", "cpu") V1(32, "cpuacct", "cpuacct")
	V1(34, "memory", "memory") V1(39, "systemd", "name=systemd") UNIFIED;

/* unshare -m; umount -l /sys/fs/cgroup; mount -t cgroup2 none /sys/fs/cgroup */
static const char v2ns[] = ROOTFS SYSFS
	"1071 22 0:37 / /sys/fs/cgroup rw,relatime - cgroup2 none rw\n";

static int decide(unsigned long type, const char *dir, const char *text, struct cgroup_mode *m,
		  char *why, size_t whylen)
{
	size_t n = strlen(text);
	char *buf = malloc(n ? n : 1);
	int r;

	assert_non_null(buf);
	memcpy(buf, text, n);
	r = cgroup_mode_decide(type, dir, buf, n, m, why, whylen);
	free(buf);
	return r;
}

static void test_magics_match_the_kernel(void **state)
{
	(void)state;
	assert_int_equal(CGROUP_MODE_CGROUP2_MAGIC, CGROUP2_SUPER_MAGIC);
	assert_int_equal(CGROUP_MODE_TMPFS_MAGIC, TMPFS_MAGIC);
}

/* What used to refuse to start: v1 hierarchies exist, but only cgroup2 is mounted. */
static void test_unified(void **state)
{
	struct cgroup_mode m;
	char why[512];

	(void)state;
	assert_int_equal(decide(CGROUP2_SUPER_MAGIC, "/sys/fs/cgroup", v2ns, &m, why,
				sizeof(why)), 0);
	assert_false(m.v1);
	assert_string_equal(m.mount, "/sys/fs/cgroup");
	/* the hybrid host's mounts do not matter once cgroup2 is what is there */
	assert_int_equal(decide(CGROUP2_SUPER_MAGIC, "/host/sys/fs/cgroup", hybrid, &m, why,
				sizeof(why)), 0);
	assert_false(m.v1);
	assert_string_equal(m.mount, "/host/sys/fs/cgroup");
}

static void test_hybrid(void **state)
{
	struct cgroup_mode m;
	char why[512];

	(void)state;
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", hybrid, &m, why, sizeof(why)), 0);
	assert_true(m.v1);
	assert_string_equal(m.mount, "/sys/fs/cgroup/memory");
	/* a trailing slash on the directory changes nothing */
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup/", hybrid, &m, why, sizeof(why)), 0);
	assert_string_equal(m.mount, "/sys/fs/cgroup/memory");
}

/* Controllers co-mounted in one hierarchy, the memory one under another name. */
static void test_legacy_comounted(void **state)
{
	static const char text[] = ROOTFS SYSFS TMPFS V1(31, "cpu,cpuacct", "cpu,cpuacct")
		V1(33, "memory_and_more", "blkio,memory,pids") V1(35, "x", "name=memoryish");
	struct cgroup_mode m;
	char why[512];

	(void)state;
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", text, &m, why, sizeof(why)), 0);
	assert_true(m.v1);
	assert_string_equal(m.mount, "/sys/fs/cgroup/memory_and_more");
}

/* Under a host root: the memory hierarchy below it wins over one elsewhere. */
static void test_prefers_below_dir(void **state)
{
	static const char text[] = ROOTFS SYSFS
		"50 21 0:31 / /mnt/memcg rw - cgroup cgroup rw,memory\n"
		"60 21 0:31 /sub /host/sys/fs/cgroup/memsub rw - cgroup cgroup rw,memory\n"
		"61 21 0:31 / /host/sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
	struct cgroup_mode m;
	char why[512];

	(void)state;
	assert_int_equal(decide(TMPFS_MAGIC, "/host/sys/fs/cgroup", text, &m, why, sizeof(why)),
			 0);
	assert_string_equal(m.mount, "/host/sys/fs/cgroup/memory");
	/* /proc/1/root paths are not in our mountinfo: fall back to where we see it */
	assert_int_equal(decide(TMPFS_MAGIC, "/proc/1/root/sys/fs/cgroup", text, &m, why,
				sizeof(why)), 0);
	assert_string_equal(m.mount, "/mnt/memcg");
	/* a "/sys/fs/cgroupX" sibling is not below /sys/fs/cgroup */
	assert_int_equal(decide(TMPFS_MAGIC, "/host/sys/fs/cgrou", text, &m, why, sizeof(why)), 0);
	assert_string_equal(m.mount, "/mnt/memcg");
}

static void test_tmpfs_without_memory(void **state)
{
	static const char text[] = ROOTFS SYSFS TMPFS V1(31, "cpu", "cpu")
		V1(39, "systemd", "name=systemd") UNIFIED;
	struct cgroup_mode m;
	char why[512];

	(void)state;
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", text, &m, why, sizeof(why)),
			 -ENOENT);
	assert_non_null(strstr(why, "no v1 hierarchy with the memory controller"));
	assert_non_null(strstr(why, "there: cpu (cgroup), systemd (cgroup), unified (cgroup2)"));
	/* nothing mounted at all below the tmpfs */
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", ROOTFS SYSFS TMPFS, &m, why,
				sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "there: nothing"));
	/* a short buffer still ends in a NUL */
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", text, &m, why, 16), -ENOENT);
	assert_int_equal(strlen(why), 15);
}

static void test_neither(void **state)
{
	struct cgroup_mode m;
	char why[512];

	(void)state;
	assert_int_equal(decide(SYSFS_MAGIC, "/sys/fs/cgroup", hybrid, &m, why, sizeof(why)),
			 -ENOENT);
	assert_non_null(strstr(why, "/sys/fs/cgroup is plain sysfs"));
	assert_int_equal(decide(CGROUP_SUPER_MAGIC, "/sys/fs/cgroup", hybrid, &m, why,
				sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "a single cgroup v1 hierarchy"));
	assert_int_equal(decide(0x12345678, "/sys/fs/cgroup", hybrid, &m, why, sizeof(why)),
			 -ENOENT);
	assert_non_null(strstr(why, "type 0x12345678"));
}

/* Lines that do not parse are skipped, never read past. */
static void test_malformed_mountinfo(void **state)
{
	static const char text[] = "garbage\n\n"
		"34 30 0:31 / /sys/fs/cgroup/memory rw,relatime cgroup cgroup rw,memory\n"
		"34 30 0:31 /\n"
		"35 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory";
	struct cgroup_mode m;
	char why[512], big[8192];

	(void)state;
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", text, &m, why, sizeof(why)), 0);
	assert_string_equal(m.mount, "/sys/fs/cgroup/memory");
	/* a line longer than any real one */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", big, &m, why, sizeof(why)),
			 -ENOENT);
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", "", &m, why, sizeof(why)),
			 -ENOENT);
	assert_int_equal(cgroup_mode_decide(TMPFS_MAGIC, NULL, "", 0, &m, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(cgroup_mode_decide(TMPFS_MAGIC, "/sys/fs/cgroup", "", 0, &m, why, 0),
			 -EINVAL);
}

static void test_long_mount_point(void **state)
{
	char dir[400], text[1024];
	struct cgroup_mode m;
	char why[512];

	(void)state;
	memset(dir, 'd', sizeof(dir) - 1);
	dir[0] = '/';
	dir[sizeof(dir) - 1] = '\0';
	assert_int_equal(decide(CGROUP2_SUPER_MAGIC, dir, "", &m, why, sizeof(why)),
			 -ENAMETOOLONG);
	snprintf(text, sizeof(text), "1 0 0:1 / /sys/fs/cgroup/%.250s rw - cgroup c rw,memory\n",
		 dir);
	assert_int_equal(decide(TMPFS_MAGIC, "/sys/fs/cgroup", text, &m, why, sizeof(why)),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magics_match_the_kernel),
		cmocka_unit_test(test_unified),
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_legacy_comounted),
		cmocka_unit_test(test_prefers_below_dir),
		cmocka_unit_test(test_tmpfs_without_memory),
		cmocka_unit_test(test_neither),
		cmocka_unit_test(test_malformed_mountinfo),
		cmocka_unit_test(test_long_mount_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
