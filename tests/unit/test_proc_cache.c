// SPDX-License-Identifier: GPL-2.0
/* test_proc_cache.c - an exec's identity completes the later records of the
 * same process, never those of another one under a reused PID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "proc_cache.h"

static void view(struct proc_view *v, struct lk_proc *k, __u32 pid, __u64 start)
{
	memset(v, 0, sizeof(*v));
	memset(k, 0, sizeof(*k));
	k->pid = pid;
	k->start_time = start;
	v->k = k;
}

static void test_exec_completes_exit(void **state)
{
	struct proc_cache *pc = proc_cache_new();
	static const char argv[] = "sleep\0" "600";
	struct proc_view v;
	struct lk_proc k;

	(void)state;
	assert_non_null(pc);
	view(&v, &k, 42, 1000);
	v.exe.ptr = "/bin/sleep";
	v.exe.len = 10;
	v.argv.ptr = argv;
	v.argv.len = sizeof(argv) - 1;
	v.mntns = 7;
	proc_cache_remember(pc, &v);

	view(&v, &k, 42, 1000);			/* its exit: no argv in the record */
	proc_cache_complete(pc, &v);
	assert_non_null(v.exe.ptr);
	assert_memory_equal(v.exe.ptr, "/bin/sleep", 10);
	assert_int_equal(v.argv.len, sizeof(argv) - 1);
	assert_int_equal(v.mntns, 7);

	view(&v, &k, 42, 2000);			/* the PID reused: nothing */
	proc_cache_complete(pc, &v);
	assert_null(v.exe.ptr);
	assert_null(v.argv.ptr);
	proc_cache_free(pc);
}

static void test_exited_are_forgotten_later(void **state)
{
	struct proc_cache *pc = proc_cache_new();
	struct proc_view v;
	struct lk_proc k;
	__u32 i;

	(void)state;
	view(&v, &k, 1, 1);
	v.exe.ptr = "/bin/true";
	v.exe.len = 9;
	proc_cache_exited(pc, &v);
	view(&v, &k, 1, 1);			/* the SIGCHLD after its exit */
	proc_cache_complete(pc, &v);
	assert_non_null(v.exe.ptr);
	for (i = 2; i < EXITED_KEPT + 2; i++) {
		view(&v, &k, i, i);
		proc_cache_exited(pc, &v);
	}
	assert_int_equal(proc_cache_size(pc), EXITED_KEPT);
	view(&v, &k, 1, 1);
	proc_cache_complete(pc, &v);
	assert_null(v.exe.ptr);
	proc_cache_free(pc);
	proc_cache_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_completes_exit),
		cmocka_unit_test(test_exited_are_forgotten_later),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
