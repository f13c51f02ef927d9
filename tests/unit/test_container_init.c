// SPDX-License-Identifier: GPL-2.0
/* test_container_init.c - the one rule for a container's init, fed made-up
 * processes (no kernel, no /proc): nested PID namespaces, --pid=host, a runtime
 * component in the cgroup, an init gone while others run, a namespace shared with
 * another container, entered processes. Every case is asked in every order: the
 * pipeline meets processes in PID order, ps in /proc's, and both must agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "container_init.h"

#define MAX 6

/* host PID, start, ns_pid, level; the host's namespace is level 0 here */
#define HOSTP(p, t) { .pid = p, .start = t, .ns_pid = p, .ns_level = 0, .host_pidns = true }
#define NSP(p, t, n, l) { .pid = p, .start = t, .ns_pid = n, .ns_level = l }

/* One process at a time, keeping the best so far: how the pipeline's seeding
 * and ps both ask. */
static __u32 picked(const struct init_cand *c, size_t n)
{
	const struct init_cand *best = NULL;
	size_t i;

	for (i = 0; i < n; i++)
		if (container_init_better(&c[i], best))
			best = &c[i];
	return best ? best->pid : 0;
}

static void swap(struct init_cand *a, struct init_cand *b)
{
	struct init_cand t = *a;

	*a = *b;
	*b = t;
}

/* Heap's algorithm: every order of c[0..k) gives `want`. */
static void every_order(struct init_cand *c, size_t k, size_t n, __u32 want)
{
	size_t i;

	if (k <= 1) {
		assert_int_equal(picked(c, n), want);
		return;
	}
	for (i = 0; i < k - 1; i++) {
		every_order(c, k - 1, n, want);
		swap(&c[k % 2 ? 0 : i], &c[k - 1]);
	}
	every_order(c, k - 1, n, want);
}

static void expect_init(const struct init_cand *in, size_t n, __u32 want)
{
	struct init_cand c[MAX];

	assert_true(n <= MAX);
	memcpy(c, in, n * sizeof(*c));
	every_order(c, n, n, want);
}

/* docker run img sh -c 'unshare -pf inner & ...': the deeper namespace's PID 1 is
 * not the container's, even if its start time says it is older (a clock step, or
 * ticks rounding in /proc). */
static void test_nested_namespace(void **state)
{
	const struct init_cand c[] = {
		NSP(100, 1000, 1, 1),	/* the container's init */
		NSP(101, 1010, 2, 1),
		NSP(102, 999, 1, 2),	/* PID 1 of a namespace made inside */
		NSP(103, 1030, 2, 2),
	};

	(void)state;
	expect_init(c, 4, 100);
}

/* --pid=host with a sandbox inside: the host's level is the container's, so its
 * oldest process is the init; the sandbox's PID 1 is not (the old seeding rule
 * took it, and announced the container's end when that sandbox ended). */
static void test_host_pid_with_a_nested_namespace(void **state)
{
	const struct init_cand c[] = {
		HOSTP(400, 4000),	/* sleep 2000: what the runtime started */
		HOSTP(401, 4010),	/* unshare */
		NSP(402, 4020, 1, 1),	/* unshare's child, PID 1 of its own namespace */
	};

	(void)state;
	expect_init(c, 3, 400);
}

/* A runtime component in the container's cgroup, older and shallower than the
 * container's init: systemd-nspawn's supervisor on a v1 host, runc's bootstrap
 * stages. Never the init (ps used to pick it: the shallowest namespace). */
static void test_runtime_in_the_cgroup(void **state)
{
	struct init_cand c[] = {
		HOSTP(500, 5000),	/* systemd-nspawn */
		NSP(501, 5010, 1, 1),	/* the container's init */
		NSP(502, 5020, 2, 1),
	};

	(void)state;
	c[0].runtime = true;
	expect_init(c, 3, 501);
	/* and under --pid=host, the runtime's helper beside the workload */
	c[1] = (struct init_cand)HOSTP(501, 5010);
	c[2] = (struct init_cand)HOSTP(502, 5020);
	expect_init(c, 3, 501);
}

/* Only the runtime's own helper so far (runc init between create and start):
 * no init; ps shows such a container by asking again without rule 1. */
static void test_only_the_runtime(void **state)
{
	struct init_cand c[] = { NSP(600, 6000, 1, 1) };

	(void)state;
	c[0].runtime = true;
	assert_false(container_init_better(&c[0], NULL));
	assert_int_equal(picked(c, 1), 0);
}

/* --pid=host, the first process gone and its children left: the oldest of them. */
static void test_init_gone_children_left(void **state)
{
	const struct init_cand c[] = {
		HOSTP(702, 7020),
		HOSTP(701, 7010),
		HOSTP(703, 7030),
	};

	(void)state;
	expect_init(c, 3, 701);
}

/* --pid=container:other (a pod's shared namespace): no PID 1 of its own, and a
 * sandbox made inside it is deeper; the oldest at the shallowest level. */
static void test_shared_namespace(void **state)
{
	const struct init_cand c[] = {
		NSP(800, 8000, 7, 1),
		NSP(801, 8010, 8, 1),
		NSP(802, 8020, 1, 2),	/* a browser's sandbox, say */
	};

	(void)state;
	expect_init(c, 3, 800);
}

/* nsenter from the host: in the namespace, not the cgroup. Even older than
 * everything, it is never the init. */
static void test_entered_never(void **state)
{
	struct init_cand c[] = {
		NSP(900, 100, 9, 1),
		NSP(901, 9010, 3, 1),
		NSP(902, 9020, 4, 1),
	};

	(void)state;
	c[0].entered = true;
	expect_init(c, 3, 901);
	c[0].ns_pid = 1;	/* not even as a namespace's PID 1 */
	expect_init(c, 3, 901);
}

/* PID 1 of the host's namespace earns no preference (rule 3 is for a namespace
 * of the container's own); equal starts (a tick's resolution in /proc) go to the
 * lower PID. */
static void test_host_pid_one_and_ties(void **state)
{
	const struct init_cand c[] = {
		HOSTP(1, 500),
		HOSTP(20, 10),
		HOSTP(10, 10),
	};

	(void)state;
	expect_init(c, 3, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_namespace),
		cmocka_unit_test(test_host_pid_with_a_nested_namespace),
		cmocka_unit_test(test_runtime_in_the_cgroup),
		cmocka_unit_test(test_only_the_runtime),
		cmocka_unit_test(test_init_gone_children_left),
		cmocka_unit_test(test_shared_namespace),
		cmocka_unit_test(test_entered_never),
		cmocka_unit_test(test_host_pid_one_and_ties),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
