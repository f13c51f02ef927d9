// SPDX-License-Identifier: GPL-2.0
/* test_filter.c - parsing and matching of --event, --signal, --origin, --container, --pid,
 * --image, --pod, --namespace, --label, --out-of-band. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "filter.h"
#include "labels.h"

static void test_signal_numbers(void **state)
{
	(void)state;
	assert_int_equal(filter_signal_number("9"), 9);
	assert_int_equal(filter_signal_number("KILL"), 9);
	assert_int_equal(filter_signal_number("SIGKILL"), 9);
	assert_int_equal(filter_signal_number("sigterm"), 15);
	assert_int_equal(filter_signal_number("usr1"), 10);
	assert_int_equal(filter_signal_number("SIGRTMIN+2"), 34);
	assert_int_equal(filter_signal_number("RT0"), 32);
	assert_int_equal(filter_signal_number("64"), 64);
	assert_int_equal(filter_signal_number("0"), -1);
	assert_int_equal(filter_signal_number("65"), -1);
	assert_int_equal(filter_signal_number("9x"), -1);
	assert_int_equal(filter_signal_number("SIGNOPE"), -1);
	assert_int_equal(filter_signal_number("RTMIN"), -1);
	assert_int_equal(filter_signal_number("RTMIN+"), -1);
	assert_int_equal(filter_signal_number("RT33"), -1);
	assert_int_equal(filter_signal_number(""), -1);
	assert_int_equal(filter_signal_number(NULL), -1);
}

static void test_lists(void **state)
{
	struct filter f;
	char err[256];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_int_equal(filter_parse_events(&f, "exec,container_exit", err, sizeof(err)), 0);
	assert_int_equal(f.events, (1u << REPORT_EXEC) | (1u << REPORT_CONTAINER_EXIT));
	assert_int_equal(filter_parse_signals(&f, "KILL,15", err, sizeof(err)), 0);
	assert_true(f.signals == ((1ULL << 8) | (1ULL << 14)));
	assert_int_equal(filter_parse_origins(&f, "host,other_container", err, sizeof(err)), 0);
	assert_int_equal(f.origins, (1u << ORIGIN_HOST) | (1u << ORIGIN_OTHER_CONTAINER));

	assert_int_not_equal(filter_parse_events(&f, "exec,", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "empty item"));
	assert_int_not_equal(filter_parse_events(&f, "", err, sizeof(err)), 0);
	assert_int_not_equal(filter_parse_events(&f, "lookout_start", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "events are"));
	assert_int_not_equal(filter_parse_origins(&f, "HOST", err, sizeof(err)), 0);
	assert_int_not_equal(filter_parse_signals(&f, ",", err, sizeof(err)), 0);
	assert_int_not_equal(filter_add_container(&f, "", err, sizeof(err)), 0);
	assert_int_not_equal(filter_add_container(&f, "a\nb", err, sizeof(err)), 0);
	assert_int_equal(filter_add_container(&f, "web", err, sizeof(err)), 0);
}

static void test_match(void **state)
{
	struct filter f;
	struct container c;
	struct lk_proc k;
	struct report r;
	char err[64];

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	memset(&k, 0, sizeof(k));
	memset(&r, 0, sizeof(r));
	strcpy(c.id, "abcdef0123");
	strcpy(c.meta.name, "web");
	r.type = REPORT_EXEC;
	r.proc.k = &k;
	r.proc.c = &c;
	assert_true(filter_match(&f, &r));
	filter_add_container(&f, "abc", err, sizeof(err));
	assert_true(filter_match(&f, &r));
	f.containers[0] = "we";		/* a name matches exactly, not by prefix */
	assert_false(filter_match(&f, &r));
	f.containers[0] = "web";
	assert_true(filter_match(&f, &r));
	/* what the live view shows of a long name, its cell, and globs */
	strcpy(c.meta.name, "payments-worker-blue");
	f.containers[0] = "payments-work\xe2\x80\xa6";
	assert_true(filter_match(&f, &r));
	f.containers[0] = "payments-work\xe2\x80\xa6/abcdef012";
	assert_true(filter_match(&f, &r));
	f.containers[0] = "payments-work\xe2\x80\xa6/abcdef999";	/* another id */
	assert_false(filter_match(&f, &r));
	f.containers[0] = "payments-work";	/* plain: still exact */
	assert_false(filter_match(&f, &r));
	f.containers[0] = "orders-w\xe2\x80\xa6";
	assert_false(filter_match(&f, &r));
	f.containers[0] = "payments-*";
	assert_true(filter_match(&f, &r));
	f.containers[0] = "*-blu[de]";
	assert_true(filter_match(&f, &r));
	f.containers[0] = "*-green";
	assert_false(filter_match(&f, &r));
	f.containers[0] = "\xe2\x80\xa6";		/* the mark alone names nothing */
	assert_false(filter_match(&f, &r));
	r.proc.c = NULL;		/* a host process has no container */
	assert_false(filter_match(&f, &r));
	r.type = REPORT_LOST;		/* gaps always show */
	assert_true(filter_match(&f, &r));
}

static void test_new_filters(void **state)
{
	struct filter f;
	struct container c, other;
	struct lk_proc k, sender, target;
	struct lk_signal_event ks;
	struct signal_view sv;
	struct report r, sig;
	char err[256];

	(void)state;
	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	memset(&other, 0, sizeof(other));
	memset(&k, 0, sizeof(k));
	memset(&r, 0, sizeof(r));
	strcpy(c.id, "abcdef0123");
	strcpy(c.meta.name, "web");
	strcpy(c.meta.image, "registry.local/shop/web:1.2");
	strcpy(c.meta.pod, "web-5d9f");
	strcpy(c.meta.k8s_namespace, "shop");
	k.pid = 300;
	r.type = REPORT_EXIT;
	r.proc.k = &k;
	r.proc.c = &c;

	/* parsing */
	assert_int_not_equal(filter_parse_pids(&f, "0", err, sizeof(err)), 0);
	assert_int_not_equal(filter_parse_pids(&f, "-1", err, sizeof(err)), 0);
	assert_int_not_equal(filter_parse_pids(&f, "4194305", err, sizeof(err)), 0);
	assert_int_not_equal(filter_parse_pids(&f, "12x", err, sizeof(err)), 0);
	assert_int_not_equal(filter_add_glob(&f, FILTER_IMAGE, "", err, sizeof(err)), 0);
	assert_int_not_equal(filter_add_glob(&f, FILTER_POD, "a\x1b" "b", err, sizeof(err)), 0);
	memset(&f, 0, sizeof(f));

	/* --image */
	assert_int_equal(filter_add_glob(&f, FILTER_IMAGE, "*/shop/web:*", err, sizeof(err)), 0);
	assert_true(filter_match(&f, &r));
	f.images[0] = "*/shop/api:*";
	assert_false(filter_match(&f, &r));
	r.proc.c = &other;		/* an image not known yet never matches */
	f.images[0] = "*";
	assert_false(filter_match(&f, &r));
	r.proc.c = NULL;
	assert_false(filter_match(&f, &r));
	r.proc.c = &c;
	assert_true(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));

	/* --pod, --namespace */
	assert_int_equal(filter_add_glob(&f, FILTER_NAMESPACE, "shop", err, sizeof(err)), 0);
	assert_true(filter_match(&f, &r));
	assert_int_equal(filter_add_glob(&f, FILTER_POD, "api-*", err, sizeof(err)), 0);
	assert_false(filter_match(&f, &r));
	f.pods[0] = "web-*";
	assert_true(filter_match(&f, &r));
	f.namespaces[0] = "kube-system";
	assert_false(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));

	/* --pid: the process, the killer of an exit, a signal's sender or target */
	memset(&ks, 0, sizeof(ks));
	memset(&sv, 0, sizeof(sv));
	memset(&sender, 0, sizeof(sender));
	memset(&target, 0, sizeof(target));
	sender.pid = 100;
	target.pid = 200;
	ks.sig = 9;
	sv.k = &ks;
	sv.sender.k = &sender;
	sv.target.k = &target;
	sv.target.c = &c;
	sv.origin = ORIGIN_HOST;
	memset(&sig, 0, sizeof(sig));
	sig.type = REPORT_SIGNAL;
	sig.signal = &sv;
	assert_int_equal(filter_parse_pids(&f, "100", err, sizeof(err)), 0);
	assert_true(filter_match(&f, &sig));
	assert_false(filter_match(&f, &r));
	r.killed_by = &sv;		/* killed by 100 */
	assert_true(filter_match(&f, &r));
	r.killed_by = NULL;
	f.pids[0] = 200;
	assert_true(filter_match(&f, &sig));
	f.pids[0] = 300;
	assert_false(filter_match(&f, &sig));
	assert_true(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));

	/* --out-of-band: out-of-band signals and exits, tamper, and the bookends */
	f.out_of_band = true;
	assert_false(filter_match(&f, &sig));
	sv.out_of_band = true;
	assert_true(filter_match(&f, &sig));
	sv.out_of_band = false;
	sv.tamper = true;
	assert_true(filter_match(&f, &sig));
	sv.tamper = false;
	r.cause = CAUSE_EXITED;
	assert_false(filter_match(&f, &r));
	sv.out_of_band = true;
	r.killed_by = &sv;
	r.cause = CAUSE_OUT_OF_BAND_KILL;
	assert_int_equal(filter_match(&f, &r), report_out_of_band(&r));
	assert_true(filter_match(&f, &r));
	r.type = REPORT_EXEC;
	r.killed_by = NULL;
	assert_false(filter_match(&f, &r));
	r.type = REPORT_LOST;
	assert_true(filter_match(&f, &r));
	r.type = REPORT_LOOKOUT_START;
	assert_true(filter_match(&f, &r));
}

/* --label KEY and KEY=VALUE, as docker ps --filter label= takes them: all must match. */
static void test_label_filter(void **state)
{
	static char big[LABEL_VALUE_MAX + 16];
	struct container c = { .id = "abcdef0123", .meta.name = "web" }, other = {};
	struct lk_proc k = {};
	struct filter f = {};
	struct report r = {};
	char err[256];

	(void)state;
	c.meta.labels.known = true;
	labels_add(&c.meta.labels, "app", 3, "web", 3);
	labels_add(&c.meta.labels, "tier", 4, "", 0);
	labels_add(&c.meta.labels, "url", 3, "a=b", 3);
	r.type = REPORT_EXEC;
	r.proc.k = &k;
	r.proc.c = &c;

	/* parsing: a key of 1 to LABEL_KEY_MAX bytes, a value up to LABEL_VALUE_MAX */
	assert_int_not_equal(filter_add_label(&f, "", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "KEY=VALUE"));
	assert_int_not_equal(filter_add_label(&f, "=web", err, sizeof(err)), 0);
	assert_int_not_equal(filter_add_label(&f, NULL, err, sizeof(err)), 0);
	assert_int_not_equal(filter_add_label(&f, "app=w\x1b" "b", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "control"));
	assert_int_not_equal(filter_add_label(&f, "a\nb", err, sizeof(err)), 0);
	memset(big, 'v', sizeof(big) - 1);
	big[0] = 'k';
	big[1] = '=';
	big[LABEL_VALUE_MAX + 3] = '\0';	/* a value one byte over */
	assert_int_not_equal(filter_add_label(&f, big, err, sizeof(err)), 0);
	big[LABEL_VALUE_MAX + 2] = '\0';
	assert_int_equal(filter_add_label(&f, big, err, sizeof(err)), 0);
	assert_int_equal(f.labels[0].key_len, 1);
	assert_int_equal(strlen(f.labels[0].value), LABEL_VALUE_MAX);
	memset(&f, 0, sizeof(f));
	for (int i = 0; i < FILTER_MAX_CONTAINERS; i++)
		assert_int_equal(filter_add_label(&f, "app", err, sizeof(err)), 0);
	assert_int_not_equal(filter_add_label(&f, "app", err, sizeof(err)), 0);
	assert_true(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));

	/* KEY: present, whatever the value ("" too) */
	assert_int_equal(filter_add_label(&f, "tier", err, sizeof(err)), 0);
	assert_null(f.labels[0].value);
	assert_true(filter_match(&f, &r));
	f.labels[0].key = "tie";
	f.labels[0].key_len = 3;
	assert_false(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));

	/* KEY=VALUE: exactly; split at the first '=' */
	assert_int_equal(filter_add_label(&f, "app=web", err, sizeof(err)), 0);
	assert_true(filter_match(&f, &r));
	f.labels[0].value = "we";
	assert_false(filter_match(&f, &r));
	f.labels[0].value = "web*";		/* no globs */
	assert_false(filter_match(&f, &r));
	f.labels[0].value = "WEB";
	assert_false(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));
	assert_int_equal(filter_add_label(&f, "url=a=b", err, sizeof(err)), 0);
	assert_true(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));
	assert_int_equal(filter_add_label(&f, "tier=", err, sizeof(err)), 0);
	assert_string_equal(f.labels[0].value, "");
	assert_true(filter_match(&f, &r));
	assert_int_equal(filter_add_label(&f, "app=", err, sizeof(err)), 0);
	assert_false(filter_match(&f, &r));	/* app is "web", not "" */
	memset(&f, 0, sizeof(f));

	/* repeated: all must match, not any */
	assert_int_equal(filter_add_label(&f, "app=web", err, sizeof(err)), 0);
	assert_int_equal(filter_add_label(&f, "tier", err, sizeof(err)), 0);
	assert_true(filter_match(&f, &r));
	assert_int_equal(filter_add_label(&f, "missing", err, sizeof(err)), 0);
	assert_false(filter_match(&f, &r));
	memset(&f, 0, sizeof(f));

	/* labels not known (podman), none, or a host process: no match */
	assert_int_equal(filter_add_label(&f, "app", err, sizeof(err)), 0);
	r.proc.c = &other;
	assert_false(filter_match(&f, &r));
	r.proc.c = NULL;
	assert_false(filter_match(&f, &r));
	/* lookout's own events and lost always pass */
	r.type = REPORT_LOST;
	assert_true(filter_match(&f, &r));
	r.type = REPORT_LOOKOUT_STOP;
	assert_true(filter_match(&f, &r));
	/* with the other filters: and */
	r.type = REPORT_EXEC;
	r.proc.c = &c;
	assert_true(filter_match(&f, &r));
	assert_int_equal(filter_add_container(&f, "db", err, sizeof(err)), 0);
	assert_false(filter_match(&f, &r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signal_numbers),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_new_filters),
		cmocka_unit_test(test_label_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
