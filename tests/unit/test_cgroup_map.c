// SPDX-License-Identifier: GPL-2.0
/*
 * test_cgroup_map.c - userspace's half of the cgroups map, against a real BPF
 * hash map (the kernel's side played by the test: it inserts pending entries
 * and deletes removed ones as the hooks would) and the real cgroup v1 memory
 * hierarchy for lookups by id. Skipped without the privilege to create a map.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup_map.h"
#include "cgroupfs.h"

#define MAP_MAX 64
#define MEMCG "/sys/fs/cgroup/memory"
#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

struct fixture {
	int map_fd;
	struct containers *cs;
	struct cgroup_map *m;
};

static int setup(void **state)
{
	static struct fixture f;

	f.map_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "lk_test_cg", sizeof(__u64), sizeof(__u32),
				  MAP_MAX, NULL);
	f.cs = containers_new("/nonexistent-lk-root");
	f.m = f.cs ? cgroup_map_new(f.cs, f.map_fd, -1, NULL) : NULL;
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cgroup_map_free(f->m);
	containers_free(f->cs);
	if (f->map_fd >= 0)
		close(f->map_fd);
	return 0;
}

static struct fixture *fixture(void **state)
{
	struct fixture *f = *state;

	if (f->map_fd < 0) {
		print_message("cannot create a BPF map (%s): skipped\n", strerror(errno));
		skip();
	}
	assert_non_null(f->m);
	return f;
}

static void kernel_put(int fd, __u64 id, __u32 verdict)
{
	assert_int_equal(bpf_map_update_elem(fd, &id, &verdict, BPF_ANY), 0);
}

/* The verdict in the map, 0 when there is no entry. */
static __u32 kernel_get(int fd, __u64 id)
{
	__u32 v = 0;

	if (bpf_map_lookup_elem(fd, &id, &v))
		return 0;
	return v;
}

static struct container *known(struct fixture *f, __u64 id)
{
	struct lk_ckey k = { .id = id, .kind = LK_CK_CGROUP };

	return containers_resolve(f->cs, &k);
}

static void test_pending_is_settled(void **state)
{
	struct fixture *f = fixture(state);

	kernel_put(f->map_fd, 11, LK_CG_PENDING);
	cgroup_map_mkdir(f->m, 11, "/docker/" HEX_A, 0);
	assert_int_equal(kernel_get(f->map_fd, 11), LK_CG_CONTAINER);
	assert_non_null(known(f, 11));
	assert_string_equal(known(f, 11)->id, HEX_A);
	/* A host cgroup's pending entry goes. */
	kernel_put(f->map_fd, 12, LK_CG_PENDING);
	cgroup_map_mkdir(f->m, 12, "/user.slice/user-0.slice", 0);
	assert_int_equal(kernel_get(f->map_fd, 12), 0);
	assert_null(known(f, 12));
}

/* The old bug: the verdict came after the kernel's rmdir and put the entry back. */
static void test_verdict_never_brings_back_a_removed_cgroup(void **state)
{
	struct fixture *f = fixture(state);

	cgroup_map_mkdir(f->m, 21, "/docker/" HEX_B, 0);	/* the kernel removed it first */
	assert_int_equal(kernel_get(f->map_fd, 21), 0);
	/* Records of its processes may still be on their way: it is kept a round. */
	assert_non_null(known(f, 21));
	cgroup_map_round_end(f->m, true);
	assert_non_null(known(f, 21));
	cgroup_map_round_end(f->m, true);
	assert_null(known(f, 21));
	assert_int_equal(kernel_get(f->map_fd, 21), 0);
}

static void test_rmdir_waits_for_a_caught_up_round(void **state)
{
	struct fixture *f = fixture(state);

	kernel_put(f->map_fd, 31, LK_CG_PENDING);
	cgroup_map_mkdir(f->m, 31, "/docker/" HEX_C, 0);
	assert_non_null(known(f, 31));
	assert_int_equal(bpf_map_delete_elem(f->map_fd, &(__u64){ 31 }), 0);	/* rmdir hook */
	cgroup_map_rmdir(f->m, 31);
	cgroup_map_round_end(f->m, false);	/* process records were left in their rings */
	assert_non_null(known(f, 31));
	cgroup_map_round_end(f->m, true);
	assert_null(known(f, 31));
}

static void test_full_map_keeps_nothing(void **state)
{
	struct fixture *f = fixture(state);
	__u64 id;

	for (id = 1000; id < 1000 + MAP_MAX; id++)
		if (bpf_map_update_elem(f->map_fd, &id, &(__u32){ LK_CG_CONTAINER }, BPF_NOEXIST))
			break;
	/* The kernel could not record it: nor does userspace, with no room either. */
	cgroup_map_mkdir(f->m, 41, "/docker/" HEX_A "/sub", LK_CGF_UNRECORDED);
	assert_int_equal(kernel_get(f->map_fd, 41), 0);
	assert_null(known(f, 41));
	/* With room again, a late try records it. */
	id = 1000;
	assert_int_equal(bpf_map_delete_elem(f->map_fd, &id), 0);
	cgroup_map_mkdir(f->m, 42, "/docker/" HEX_A "/sub2", LK_CGF_UNRECORDED);
	assert_int_equal(kernel_get(f->map_fd, 42), LK_CG_CONTAINER);
	assert_non_null(known(f, 42));
	for (id = 1001; id < 1000 + MAP_MAX; id++)
		bpf_map_delete_elem(f->map_fd, &id);
}

/* A pending cgroup whose mkdir record was lost is found by its id. */
static void test_lost_record_resolved_by_id(void **state)
{
	struct fixture *f = fixture(state);
	char top[256], dock[300], leaf[400], path[4096];
	struct cgroup_map *m;
	struct container *c;
	struct stat st;
	int mfd;

	(void)f;
	mfd = open(MEMCG, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(top, sizeof(top), MEMCG "/lk-unit-%d", (int)getpid());
	if (mfd < 0 || mkdir(top, 0755)) {
		print_message("no writable cgroup v1 memory hierarchy at " MEMCG ": skipped\n");
		if (mfd >= 0)
			close(mfd);
		skip();
	}
	snprintf(dock, sizeof(dock), "%s/docker", top);
	snprintf(leaf, sizeof(leaf), "%s/" HEX_B, dock);
	assert_int_equal(mkdir(dock, 0755), 0);
	assert_int_equal(mkdir(leaf, 0755), 0);
	assert_int_equal(stat(leaf, &st), 0);

	assert_int_equal(cgroupfs_path(mfd, MEMCG, st.st_ino, path, sizeof(path)), 0);
	assert_string_equal(path, leaf + strlen(MEMCG));
	assert_true(cgroupfs_exists(mfd, st.st_ino));

	m = cgroup_map_new(f->cs, f->map_fd, mfd, MEMCG);
	assert_non_null(m);
	kernel_put(f->map_fd, st.st_ino, LK_CG_PENDING);
	c = cgroup_map_resolve(m, st.st_ino);
	assert_non_null(c);
	assert_string_equal(c->id, HEX_B);
	assert_int_equal(kernel_get(f->map_fd, st.st_ino), LK_CG_CONTAINER);

	/* The same, found by the scan after drops; then its removal, by the sweep. */
	assert_int_equal(bpf_map_delete_elem(f->map_fd, &(__u64){ st.st_ino }), 0);
	cgroup_map_recover(m);
	cgroup_map_round_end(m, true);
	cgroup_map_round_end(m, true);
	assert_null(known(f, st.st_ino));

	assert_int_equal(rmdir(leaf), 0);
	assert_int_equal(rmdir(dock), 0);
	assert_int_equal(rmdir(top), 0);
	assert_false(cgroupfs_exists(mfd, st.st_ino));
	assert_int_equal(cgroupfs_path(mfd, MEMCG, st.st_ino, path, sizeof(path)), -ENOENT);
	assert_null(cgroup_map_resolve(m, st.st_ino));	/* gone: nothing to attribute */
	cgroup_map_free(m);
	close(mfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_is_settled),
		cmocka_unit_test(test_verdict_never_brings_back_a_removed_cgroup),
		cmocka_unit_test(test_rmdir_waits_for_a_caught_up_round),
		cmocka_unit_test(test_full_map_keeps_nothing),
		cmocka_unit_test(test_lost_record_resolved_by_id),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
