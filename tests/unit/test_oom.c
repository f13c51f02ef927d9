// SPDX-License-Identifier: GPL-2.0
/* test_oom.c - placing the limit an OOM kill answered to on a container's
 * cgroup path, with a directory tree standing in for the memory hierarchy. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "oom.h"

static char root[64];

static __u64 ino_of(const char *rel)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	assert_int_equal(stat(p, &st), 0);
	return st.st_ino;
}

static int setup(void **state)
{
	char p[256];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/lk-oom-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/kubepods", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/kubepods/podabc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/kubepods/podabc/ctr", root);
	return mkdir(p, 0755);
}

static int teardown(void **state)
{
	char p[256];

	(void)state;
	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	return system(p);
}

static void container_at(struct container *c, const char *path, bool in_pod)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->cgroup_path, sizeof(c->cgroup_path), "%s", path);
	c->cgroup_id = ino_of(path);
	if (in_pod)
		strcpy(c->meta.pod, "web-0");
}

static void test_scopes(void **state)
{
	struct lk_memcg fired = { .usage_pages = 8000, .max_pages = 8192 };
	struct container c;
	struct oom_limit o;

	(void)state;
	container_at(&c, "/kubepods/podabc/ctr", true);

	oom_limit_place(&o, NULL, &c, root, 4096);
	assert_int_equal(o.scope, OOM_SCOPE_GLOBAL);
	assert_string_equal(oom_scope_name(o.scope), "global");

	fired.cgroup_id = c.cgroup_id;
	oom_limit_place(&o, &fired, &c, root, 4096);
	assert_int_equal(o.scope, OOM_SCOPE_CONTAINER);
	assert_string_equal(o.cgroup, "/kubepods/podabc/ctr");
	assert_true(o.limit_bytes == 8192ULL * 4096 && o.usage_bytes == 8000ULL * 4096);

	fired.cgroup_id = ino_of("/kubepods/podabc");
	oom_limit_place(&o, &fired, &c, root, 4096);
	assert_int_equal(o.scope, OOM_SCOPE_POD);
	assert_string_equal(o.cgroup, "/kubepods/podabc");

	fired.cgroup_id = ino_of("/kubepods");
	oom_limit_place(&o, &fired, &c, root, 4096);
	assert_int_equal(o.scope, OOM_SCOPE_PARENT);
	assert_string_equal(o.cgroup, "/kubepods");

	/* Not in a pod: the first parent is just a parent. */
	container_at(&c, "/kubepods/podabc/ctr", false);
	fired.cgroup_id = ino_of("/kubepods/podabc");
	oom_limit_place(&o, &fired, &c, root, 4096);
	assert_int_equal(o.scope, OOM_SCOPE_PARENT);

	/* Below the container (a cgroup it made itself): still its own. */
	fired.cgroup_id = 1;
	oom_limit_place(&o, &fired, &c, root, 4096);
	assert_int_equal(o.scope, OOM_SCOPE_CONTAINER);

	/* The hierarchy out of sight: not its own, place unknown. */
	oom_limit_place(&o, &fired, &c, "/nonexistent", 4096);
	assert_int_equal(o.scope, OOM_SCOPE_PARENT);
	assert_string_equal(o.cgroup, "");

	/* No container (a host process, --all). */
	oom_limit_place(&o, &fired, NULL, root, 4096);
	assert_int_equal(o.scope, OOM_SCOPE_PARENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scopes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
