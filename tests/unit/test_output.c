// SPDX-License-Identifier: GPL-2.0
/* test_output.c - the JSON and live-view writers: EVENTS.md keys, strict JSON
 * for hostile strings, one line per event, exit status arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output.h"

static const struct report_host host = {
	.hostname = "host\"1", .boot_id = "b00t", .boot_to_real_ns = 1764405234000000000LL,
	.host_pidns = 4026531836u,
};

static struct json_object *parse_strict(const char *line, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, line, (int)len);
	assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
	json_tokener_free(tok);
	return obj;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static const char hostile_argv[] = "/bin/echo\0q\"uote\0back\\slash\0new\nline\0tab\there\0"
				   "esc\x1b[31m\0bad\xff\xfe";

static void make_proc(struct lk_proc *k)
{
	memset(k, 0, sizeof(*k));
	k->pid = 4242;
	k->ns_pid = 1;
	k->ppid = 4000;
	k->start_time = 123456789;
	k->uid = 0;
	k->euid = 0;
	k->gid = 0;
	k->auid = 1000;
	k->session = (__u32)-1;
	k->pidns = 4026532181u;
	k->mntns = 4026532178u;
	memcpy(k->comm, "ev\nil\x1b", 6);
	memcpy(k->tty, "pts1", 4);
}

static void test_exec_json(void **state)
{
	struct lk_proc k;
	struct report r = { .type = REPORT_EXEC, .time_ns = 5 };
	struct outbuf b;
	struct json_object *o, *argv;

	(void)state;
	make_proc(&k);
	r.proc.k = &k;
	r.proc.argv.ptr = hostile_argv;
	r.proc.argv.len = sizeof(hostile_argv) - 1;
	r.filename.ptr = "/bin/echo";
	r.filename.len = 9;
	outbuf_init(&b);
	json_write_report(&b, &host, &r);
	assert_int_equal(b.data[b.len - 1], '\n');
	assert_ptr_equal(strchr(b.data, '\n'), b.data + b.len - 1);
	o = parse_strict(b.data, b.len - 1);
	assert_int_equal(json_object_get_int(get(o, "schema")), 1);
	assert_string_equal(json_object_get_string(get(o, "event")), "exec");
	assert_string_equal(json_object_get_string(get(o, "host")), "host\"1");
	assert_string_equal(json_object_get_string(get(o, "time")), "2025-11-29T08:33:54.000000005Z");
	assert_int_equal(json_object_get_int(get(o, "host_pid")), 4242);
	assert_int_equal(json_object_get_int(get(o, "ns_pid")), 1);
	assert_int_equal(json_object_get_int(get(o, "auid")), 1000);
	assert_true(json_object_is_type(get(o, "session"), json_type_null));
	assert_string_equal(json_object_get_string(get(o, "tty")), "pts/1");
	assert_string_equal(json_object_get_string(get(o, "comm")), "ev\nil\x1b");
	assert_true(json_object_is_type(get(o, "container"), json_type_null));
	assert_true(json_object_is_type(get(o, "exe"), json_type_null));
	argv = get(o, "argv");
	assert_int_equal(json_object_array_length(argv), 7);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 1)), "q\"uote");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 3)), "new\nline");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(argv, 6)),
			    "bad\xef\xbf\xbd\xef\xbf\xbd");
	assert_false(json_object_get_boolean(get(o, "argv_truncated")));
	json_object_put(o);
	outbuf_free(&b);
}

static void test_exit_json_signal(void **state)
{
	struct lk_proc k;
	struct report r = { .type = REPORT_EXIT, .time_ns = 5, .code = 9 };
	struct outbuf b;
	struct json_object *o;

	(void)state;
	make_proc(&k);
	r.proc.k = &k;
	outbuf_init(&b);
	json_write_report(&b, &host, &r);
	o = parse_strict(b.data, b.len - 1);
	assert_true(json_object_is_type(get(o, "exit_code"), json_type_null));
	assert_int_equal(json_object_get_int(get(o, "exit_signal")), 9);
	assert_int_equal(json_object_get_int(get(o, "status")), 137);
	assert_false(json_object_get_boolean(get(o, "core_dumped")));
	assert_true(json_object_is_type(get(o, "killed_by"), json_type_null));
	assert_false(json_object_get_boolean(get(o, "out_of_band")));
	json_object_put(o);
	outbuf_free(&b);
}

static void test_exit_status(void **state)
{
	(void)state;
	assert_int_equal(report_exit_status(7 << 8), 7);
	assert_int_equal(report_exit_status(9), 137);
	assert_int_equal(report_exit_status(11 | 0x80), 139);
	assert_int_equal(report_exit_status(0), 0);
}

static void test_signal_names(void **state)
{
	(void)state;
	assert_string_equal(signal_name(9), "SIGKILL");
	assert_string_equal(signal_name(34), "SIGRT2");
	assert_null(signal_name(0));
	assert_null(signal_name(99));
	assert_string_equal(signal_code_name(9, 0), "SI_USER");
	assert_string_equal(signal_code_name(10, -6), "SI_TKILL");
	assert_string_equal(signal_code_name(11, 1), "SEGV_MAPERR");
	assert_string_equal(signal_code_name(17, 1), "CLD_EXITED");
	assert_null(signal_code_name(10, 12345));
	assert_string_equal(signal_result_name(1), "ignored");
	assert_string_equal(signal_result_name(99), "unknown");
}

static void test_text_one_line(void **state)
{
	struct lk_proc k;
	struct report r = { .type = REPORT_EXEC, .time_ns = 5 };
	struct outbuf b;

	(void)state;
	make_proc(&k);
	r.proc.k = &k;
	r.proc.argv.ptr = hostile_argv;
	r.proc.argv.len = sizeof(hostile_argv) - 1;
	outbuf_init(&b);
	setenv("COLUMNS", "1000", 1);
	text_view_init(-1, false, true);
	unsetenv("COLUMNS");
	text_write_report(&b, &host, &r, false);
	/* a date line first (the first row of a day), then the row */
	assert_memory_equal(b.data, "--- ", 4);
	assert_ptr_equal(strchr(strchr(b.data, '\n') + 1, '\n'), b.data + b.len - 1);
	assert_null(strchr(b.data, '\x1b'));
	assert_non_null(strstr(b.data, "new\\x0aline"));
	outbuf_free(&b);
}

/* A date line before the first row and when the day changes (here in UTC, --utc):
 * 2025-11-29T23:59:59.900Z, then 0.2 s later, the next day. */
static void test_text_date_lines(void **state)
{
	struct lk_proc k;
	struct report r = { .type = REPORT_EXEC };
	struct outbuf b;
	const char *second;

	(void)state;
	make_proc(&k);
	r.proc.k = &k;
	text_view_init(-1, false, true);
	outbuf_init(&b);
	r.time_ns = 1764460799900000000ULL - 1764405234000000000ULL;
	text_write_report(&b, &host, &r, false);
	text_write_report(&b, &host, &r, false);	/* same day: no new date line */
	r.time_ns += 200000000ULL;
	text_write_report(&b, &host, &r, false);
	assert_memory_equal(b.data, "--- Sat 2025-11-29 UTC ---\n23:59:59.900 exec", 44);
	second = strstr(b.data + 1, "--- ");
	assert_non_null(second);
	assert_memory_equal(second, "--- Sun 2025-11-30 UTC ---\n00:00:00.100 exec", 44);
	assert_null(strstr(second + 1, "--- "));
	outbuf_free(&b);
}

/* Every line of b fits in `cols` columns; returns the number of lines. */
static int check_lines_fit(const struct outbuf *b, size_t cols)
{
	const char *p = b->data, *nl;
	int n = 0;

	while (p < b->data + b->len) {
		nl = memchr(p, '\n', (size_t)(b->data + b->len - p));
		assert_non_null(nl);
		if (text_display_width(p, (size_t)(nl - p)) > cols)
			fail_msg("a line of %zu columns in %zu: %.*s",
				 text_display_width(p, (size_t)(nl - p)), cols, (int)(nl - p), p);
		p = nl + 1;
		n++;
	}
	return n;
}

/* A host kill -9 of a container process with a long name, at 80 and 120 columns:
 * no line wider than the window, the verdict first, the name cut with its mark;
 * --no-trunc keeps everything, on more lines. */
static void test_text_fits_width(void **state)
{
	static struct container c;
	struct lk_signal_event ks;
	struct lk_proc sender, target;
	struct signal_view sv;
	struct report r = { .type = REPORT_SIGNAL, .time_ns = 5 };
	struct outbuf b;
	size_t widths[] = { 80, 120 };
	unsigned int i;
	char cols[16];

	(void)state;
	memset(&ks, 0, sizeof(ks));
	memset(&sv, 0, sizeof(sv));
	make_proc(&sender);
	make_proc(&target);
	memcpy(sender.comm, "bash", 5);
	memcpy(target.comm, "sleep", 6);
	ks.sig = 9;
	strcpy(c.id, "ee1c42390abcdef0");
	strcpy(c.meta.name, "payments-worker-blue-7");
	sv.k = &ks;
	sv.sender.k = &sender;
	sv.target.k = &target;
	sv.target.c = &c;
	sv.origin = ORIGIN_HOST;
	sv.out_of_band = true;
	r.signal = &sv;
	for (i = 0; i < 2; i++) {
		snprintf(cols, sizeof(cols), "%zu", widths[i]);
		setenv("COLUMNS", cols, 1);
		text_view_init(-1, false, false);
		assert_int_equal(text_view_width(), (int)widths[i]);
		outbuf_init(&b);
		text_write_header(&b);
		text_write_report(&b, &host, &r, false);
		text_write_report(&b, &host, &r, false);
		/* header (1 or 2), date, and 1 or 2 lines per row */
		assert_int_equal(check_lines_fit(&b, widths[i]), widths[i] < 100 ? 7 : 4);
		assert_non_null(strstr(b.data, "payments-work\xe2\x80\xa6/ee1c42390"));
		assert_non_null(strstr(b.data, widths[i] < 100 ? "\n    OUT-OF-BAND SIGKILL from" :
							      " OUT-OF-BAND SIGKILL from"));
		assert_non_null(strstr(b.data, "\xe2\x80\xa6\n"));	/* details cut, marked */
		outbuf_free(&b);

		text_view_init(-1, true, false);
		outbuf_init(&b);
		text_write_report(&b, &host, &r, false);
		assert_true(check_lines_fit(&b, widths[i]) >= 3);
		assert_non_null(strstr(b.data, "payments-worker-blue-7/ee1c42390abc"));
		assert_non_null(strstr(b.data, "tty=pts/1"));
		assert_null(strstr(b.data, "\xe2\x80\xa6"));
		outbuf_free(&b);
	}
	unsetenv("COLUMNS");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_json),
		cmocka_unit_test(test_exit_json_signal),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_text_one_line),
		cmocka_unit_test(test_text_fits_width),
		cmocka_unit_test(test_text_date_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
