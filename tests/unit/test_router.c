// SPDX-License-Identifier: GPL-2.0
/* test_router.c - which reports reach stdout (and syslog, metrics) and which
 * reach the audit log, decided from the report alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "router.h"

static void test_only_kills(void **state)
{
	struct pipeline_opts o = { .only_kills = true };
	struct lk_signal_event k = {};
	struct signal_view s = { .k = &k };
	struct report r = {};

	(void)state;
	r.type = REPORT_EXEC;
	assert_false(router_wanted(&o, &r));
	r.type = REPORT_EXIT;
	r.cause = CAUSE_EXITED;
	assert_false(router_wanted(&o, &r));
	/* Every death that is not exit(): a crash and an OOM too, not only kills. */
	r.cause = CAUSE_CRASH;
	assert_true(router_wanted(&o, &r));
	r.type = REPORT_CONTAINER_EXIT;
	r.cause = CAUSE_OOM;
	assert_true(router_wanted(&o, &r));
	r.type = REPORT_SIGNAL;
	r.signal = &s;
	s.origin = ORIGIN_KERNEL;
	assert_false(router_wanted(&o, &r));
	s.origin = ORIGIN_CONTAINER;
	assert_true(router_wanted(&o, &r));
	r.type = REPORT_LOST;
	assert_true(router_wanted(&o, &r));
	o.only_kills = false;
	r.type = REPORT_EXEC;
	assert_true(router_wanted(&o, &r));
}

static void test_audit_takes_out_of_band_only(void **state)
{
	struct lk_signal_event k = {};
	struct signal_view s = { .k = &k }, killer = { .k = &k };
	struct report r = {};

	(void)state;
	r.type = REPORT_SIGNAL;
	r.signal = &s;
	assert_false(router_audited(&r));
	s.out_of_band = true;
	assert_true(router_audited(&r));
	r.type = REPORT_EXIT;
	r.signal = NULL;
	assert_false(router_audited(&r));
	r.killed_by = &killer;
	killer.out_of_band = true;
	assert_true(router_audited(&r));
	r.type = REPORT_OOM;
	assert_false(router_audited(&r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_kills),
		cmocka_unit_test(test_audit_takes_out_of_band_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
