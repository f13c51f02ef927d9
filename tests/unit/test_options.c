// SPDX-License-Identifier: GPL-2.0
/* test_options.c - command-line parsing: good values accepted, bad ones refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "options.h"

static int parse(struct lookout_options *o, int argc, const char **argv)
{
	/* argp reports errors on stderr and exits: run it in a child for bad input. */
	return options_parse(argc, (char **)argv, o);
}

static void test_defaults(void **state)
{
	const char *argv[] = { "lookout" };
	struct lookout_options o;

	(void)state;
	assert_int_equal(parse(&o, 1, argv), 0);
	assert_false(o.json);
	assert_false(o.loader.all);
	assert_false(o.only_kills);
	assert_null(o.audit_log);
	assert_string_equal(o.command_line, "lookout");
	options_free(&o);
}

static void test_flags(void **state)
{
	const char *argv[] = { "lookout", "--json", "--all", "--only-kills", "--audit-log",
			       "/tmp/a.json", "--runtime-exe", "/usr/bin/true",
			       "--events-buffer", "8M", "-v" };
	struct lookout_options o;

	(void)state;
	assert_int_equal(parse(&o, 11, argv), 0);
	assert_true(o.json);
	assert_true(o.loader.all);
	assert_true(o.only_kills);
	assert_true(o.loader.verbose);
	assert_string_equal(o.audit_log, "/tmp/a.json");
	assert_int_equal(o.loader.nr_runtime_exes, 1);
	assert_string_equal(o.loader.runtime_exes[0], "/usr/bin/true");
	assert_int_equal(o.loader.events_size, 8 << 20);
	options_free(&o);
}

static void test_sizes(void **state)
{
	__u32 v = 0;

	(void)state;
	assert_int_equal(options_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(options_parse_size("64k", &v), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(options_parse_size("1G", &v), 0);
	assert_int_equal(v, 1u << 30);
	assert_int_not_equal(options_parse_size("", &v), 0);
	assert_int_not_equal(options_parse_size("-4096", &v), 0);
	assert_int_not_equal(options_parse_size("3M", &v), 0);	/* not a power of two */
	assert_int_not_equal(options_parse_size("1024", &v), 0);	/* too small */
	assert_int_not_equal(options_parse_size("2G", &v), 0);	/* too big */
	assert_int_not_equal(options_parse_size("4Mx", &v), 0);
	assert_int_not_equal(options_parse_size("99999999999999999999999", &v), 0);
	assert_int_not_equal(options_parse_size(NULL, &v), 0);
}

static void test_cgroups_options(void **state)
{
	char *argv[] = { "lookout", "--cgroups-max", "100000", "--cgroups-buffer", "256K" };
	struct lookout_options o;
	__u32 v = 0;

	(void)state;
	assert_int_equal(options_parse(5, argv, &o), 0);
	assert_int_equal(o.loader.cgroups_max, 100000);
	assert_int_equal(o.loader.cgroups_size, 256u << 10);
	options_free(&o);
	assert_int_equal(options_parse_count("16", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(options_parse_count("4194304", &v), 0);
	assert_int_not_equal(options_parse_count("15", &v), 0);		/* too few */
	assert_int_not_equal(options_parse_count("4194305", &v), 0);	/* too many */
	assert_int_not_equal(options_parse_count("16k", &v), 0);
	assert_int_not_equal(options_parse_count("-16", &v), 0);
	assert_int_not_equal(options_parse_count(" 16", &v), 0);
	assert_int_not_equal(options_parse_count("", &v), 0);
	assert_int_not_equal(options_parse_count("99999999999999999999999", &v), 0);
	assert_int_not_equal(options_parse_count(NULL, &v), 0);
}

static void make_dir(const char *root, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0700), 0);
}

static void remove_path(const char *root, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(remove(path), 0);
}

/* A --host-root must look like a root: proc/, or a runtime's state, under it. */
static void test_host_root(void **state)
{
	char root[] = "/tmp/lk-root-XXXXXX", why[256], link[256];

	(void)state;
	assert_non_null(mkdtemp(root));
	assert_int_equal(options_check_host_root(root, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "proc/"));
	make_dir(root, "var");
	make_dir(root, "var/lib");
	make_dir(root, "var/lib/docker");
	assert_int_equal(options_check_host_root(root, why, sizeof(why)), 0);
	remove_path(root, "var/lib/docker");
	/* a symlink planted as proc does not count, even to a real /proc */
	snprintf(link, sizeof(link), "%s/proc", root);
	assert_int_equal(symlink("/proc", link), 0);
	assert_int_equal(options_check_host_root(root, why, sizeof(why)), -ENOENT);
	remove_path(root, "proc");
	make_dir(root, "proc");
	assert_int_equal(options_check_host_root(root, why, sizeof(why)), 0);
	remove_path(root, "proc");
	remove_path(root, "var/lib");
	remove_path(root, "var");
	assert_int_equal(rmdir(root), 0);
	assert_int_equal(options_check_host_root(root, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "cannot open it"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_cgroups_options),
		cmocka_unit_test(test_host_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
