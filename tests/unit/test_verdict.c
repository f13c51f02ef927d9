// SPDX-License-Identifier: GPL-2.0
/* test_verdict.c - origin and out of band, fed records as the kernel writes
 * them and the containers userspace resolved, with no kernel involved. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "verdict.h"

struct fixture {
	struct lk_signal_event k;
	struct signal_view s;
	struct container web, db;
};

/* A signal from a host process to web's init, sent by a process. */
static void setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->web.id, "web");
	strcpy(f->db.id, "db");
	f->k.sig = 9;
	f->k.how = LK_SIG_BY_SYSCALL;
	f->k.method = LK_SM_KILL;
	f->s.k = &f->k;
	f->s.sender.k = &f->k.sender;
	f->s.target.k = &f->k.target;
	f->s.target.c = &f->web;
}

static void decide(struct fixture *f)
{
	f->s.origin = verdict_origin(&f->s);
	f->s.out_of_band = verdict_out_of_band(&f->s);
}

static void test_host_kill_is_out_of_band(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_HOST);
	assert_true(f.s.out_of_band);
}

static void test_kernel_signal(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	f.k.how = 0;
	f.k.method = LK_SM_NONE;
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_KERNEL);
	assert_false(f.s.out_of_band);
}

static void test_runtime_from_the_host(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	f.k.how |= LK_SIG_RUNTIME_EXE;
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_RUNTIME);
	assert_false(f.s.out_of_band);
}

/* A container running the runtime's executable (or re-executed from a memfd
 * under the shim) never gets the runtime's pass. */
static void test_runtime_lookalike_in_a_container(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	f.k.how |= LK_SIG_RUNTIME_EXE;
	f.s.sender.c = &f.db;
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_OTHER_CONTAINER);
	assert_true(f.s.out_of_band);

	f.s.sender.c = &f.web;
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_CONTAINER);
	assert_false(f.s.out_of_band);
}

/* nsenter'd into web's namespaces: still the host, and a runtime executable
 * run that way is the host too. */
static void test_entered_is_host(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	f.s.sender.c = &f.web;
	f.k.sender.flags = LK_PF_ENTERED;
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_HOST);
	assert_true(f.s.out_of_band);

	f.k.how |= LK_SIG_RUNTIME_EXE;
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_HOST);
}

static void test_host_to_host_is_not_out_of_band(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	f.s.target.c = NULL;
	decide(&f);
	assert_int_equal(f.s.origin, ORIGIN_HOST);
	assert_false(f.s.out_of_band);
}

static void test_signal_to_lookout_is_not_out_of_band(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	f.s.target.c = NULL;
	f.k.target.flags = LK_PF_SELF;
	decide(&f);
	assert_false(f.s.out_of_band);
}

/* A terminal resize reaches lookout as SIGWINCH with SI_KERNEL (the tty layer): not
 * tampering. The same signal from kill(2) (SI_USER), or any other, is. */
static void test_tamper_but_not_a_resize(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	assert_false(verdict_tamper(&f.k));
	f.k.target.flags = LK_PF_SELF;
	assert_true(verdict_tamper(&f.k));
	f.k.sig = SIGWINCH;
	f.k.code = SI_USER;
	assert_true(verdict_tamper(&f.k));
	f.k.code = SI_KERNEL;
	assert_false(verdict_tamper(&f.k));
	f.k.sig = SIGTERM;
	assert_true(verdict_tamper(&f.k));
}

/* Any method counts as sent by a process: the origin does not depend on it. */
static void test_every_method_is_attributed(void **state)
{
	struct fixture f;
	__u32 m;

	(void)state;
	for (m = LK_SM_KILL; m < LK_SM_MAX; m++) {
		setup(&f);
		f.k.method = m;
		decide(&f);
		assert_int_equal(f.s.origin, ORIGIN_HOST);
		assert_non_null(method_name(m));
	}
	assert_null(method_name(LK_SM_NONE));
	assert_null(method_name(LK_SM_MAX));
	assert_string_equal(method_name(LK_SM_CGROUP_KILL), "cgroup.kill");
}

/* The exit of web's init with wait status `code`, killed by the fixture's
 * signal when `sent` (the kernel's note then names its sender). */
static enum cause cause_of(struct fixture *f, __u32 code, bool sent, __u32 note_flags)
{
	struct lk_killer note = { .sig = code & 0x7f, .flags = note_flags };

	decide(f);
	if (sent)
		note.sender = f->k.sender;
	return verdict_cause(code, &note, sent ? &f->s : NULL);
}

static void test_causes(void **state)
{
	struct fixture f;

	(void)state;
	setup(&f);
	assert_int_equal(cause_of(&f, 3 << 8, false, 0), CAUSE_EXITED);
	assert_int_equal(cause_of(&f, 0, false, 0), CAUSE_EXITED);
	assert_int_equal(cause_of(&f, 9, true, 0), CAUSE_OUT_OF_BAND_KILL);
	assert_int_equal(cause_of(&f, 9, false, LK_KILLER_OOM), CAUSE_OOM);
	assert_int_equal(cause_of(&f, 11, false, 0), CAUSE_CRASH);
	assert_int_equal(cause_of(&f, 11 | 0x80, false, 0), CAUSE_CRASH);
	assert_int_equal(cause_of(&f, 9, false, 0), CAUSE_KERNEL);	/* e.g. its namespace ended */
	assert_int_equal(cause_of(&f, 13, false, 0), CAUSE_KERNEL);	/* SIGPIPE */

	f.k.how |= LK_SIG_RUNTIME_EXE;
	assert_int_equal(cause_of(&f, 15, true, 0), CAUSE_RUNTIME_STOP);

	setup(&f);
	f.s.sender.c = &f.web;
	assert_int_equal(cause_of(&f, 15, true, 0), CAUSE_CONTAINER_KILL);
	f.s.sender.c = &f.db;
	assert_int_equal(cause_of(&f, 9, true, 0), CAUSE_OUT_OF_BAND_KILL);

	/* abort(): SIGABRT from itself is a crash; from another, a kill. */
	setup(&f);
	f.s.sender.c = &f.web;
	f.k.sender.pid = f.k.target.pid = 42;
	assert_int_equal(cause_of(&f, 6 | 0x80, true, 0), CAUSE_CRASH);
	f.k.sender.pid = 43;
	assert_int_equal(cause_of(&f, 6, true, 0), CAUSE_CONTAINER_KILL);

	/* A host process killed by a host process (--all): no container to judge. */
	setup(&f);
	f.s.target.c = NULL;
	assert_int_equal(cause_of(&f, 9, true, 0), CAUSE_KILLED);
	assert_string_equal(cause_name(CAUSE_OUT_OF_BAND_KILL), "out_of_band_kill");
	assert_string_equal(cause_name(CAUSE_MAX), "unknown");
}

/* The OOM note wins only for the signal it is on. */
static void test_oom_note_is_for_sigkill(void **state)
{
	struct fixture f;
	struct lk_killer note = { .sig = 9, .flags = LK_KILLER_OOM };

	(void)state;
	setup(&f);
	assert_int_equal(verdict_cause(15, &note, NULL), CAUSE_KERNEL);
	assert_int_equal(verdict_cause(9, &note, NULL), CAUSE_OOM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_kill_is_out_of_band),
		cmocka_unit_test(test_kernel_signal),
		cmocka_unit_test(test_runtime_from_the_host),
		cmocka_unit_test(test_runtime_lookalike_in_a_container),
		cmocka_unit_test(test_entered_is_host),
		cmocka_unit_test(test_host_to_host_is_not_out_of_band),
		cmocka_unit_test(test_signal_to_lookout_is_not_out_of_band),
		cmocka_unit_test(test_tamper_but_not_a_resize),
		cmocka_unit_test(test_every_method_is_attributed),
		cmocka_unit_test(test_causes),
		cmocka_unit_test(test_oom_note_is_for_sigkill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
