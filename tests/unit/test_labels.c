// SPDX-License-Identifier: GPL-2.0
/* test_labels.c - the bounded label set: adding within the bounds, leaving out and
 * marking what does not fit, lookup, order, and hostile keys and values. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <string.h>
#include "labels.h"

static int add(struct labels *l, const char *k, const char *v)
{
	return labels_add(l, k, strlen(k), v, strlen(v));
}

static const char *get(const struct labels *l, const char *k)
{
	return labels_get(l, k, strlen(k));
}

static void test_add_get_order(void **state)
{
	struct labels l = {};
	const char *k, *v;
	size_t pos = 0;

	(void)state;
	assert_false(labels_next(&l, &pos, &k, &v));
	assert_null(get(&l, "a"));
	assert_int_equal(add(&l, "app", "web"), 0);
	assert_int_equal(add(&l, "empty", ""), 0);
	assert_int_equal(add(&l, "", "empty key"), 0);
	assert_int_equal(add(&l, "team=x", "a=b"), 0);
	assert_int_equal(add(&l, "app", "other"), -EEXIST);
	assert_false(l.truncated);
	assert_int_equal(l.n, 4);
	assert_string_equal(get(&l, "app"), "web");
	assert_string_equal(get(&l, "empty"), "");
	assert_string_equal(get(&l, ""), "empty key");
	assert_string_equal(get(&l, "team=x"), "a=b");
	assert_null(get(&l, "ap"));
	assert_null(get(&l, "apps"));
	assert_null(get(&l, "web"));	/* a value is not a key */
	/* a key given by length, not by terminator */
	assert_string_equal(labels_get(&l, "appendix", 3), "web");
	/* the runtime's order */
	assert_true(labels_next(&l, &pos, &k, &v));
	assert_string_equal(k, "app");
	assert_string_equal(v, "web");
	assert_true(labels_next(&l, &pos, &k, &v));
	assert_string_equal(k, "empty");
	assert_true(labels_next(&l, &pos, &k, &v));
	assert_string_equal(k, "");
	assert_true(labels_next(&l, &pos, &k, &v));
	assert_string_equal(k, "team=x");
	assert_false(labels_next(&l, &pos, &k, &v));
}

/* What does not fit is left out whole and marked, never cut; the rest is kept. */
static void test_bounds(void **state)
{
	static char big[LABELS_SIZE + 100];
	struct labels l = {};
	char key[32];

	(void)state;
	memset(big, 'k', sizeof(big) - 1);
	assert_int_equal(labels_add(&l, big, LABEL_KEY_MAX + 1, "v", 1), -E2BIG);
	assert_true(l.truncated);
	assert_int_equal(l.n, 0);
	assert_int_equal(labels_add(&l, "k", 1, big, LABEL_VALUE_MAX + 1), -E2BIG);
	assert_null(get(&l, "k"));
	assert_int_equal(labels_add(&l, big, LABEL_KEY_MAX, big, LABEL_VALUE_MAX), 0);
	assert_int_equal(strlen(labels_get(&l, big, LABEL_KEY_MAX)), LABEL_VALUE_MAX);

	/* too many */
	memset(&l, 0, sizeof(l));
	for (int i = 0; i < LABELS_MAX; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(add(&l, key, "v"), 0);
	}
	assert_false(l.truncated);
	assert_int_equal(add(&l, "one-more", "v"), -E2BIG);
	assert_true(l.truncated);
	assert_null(get(&l, "one-more"));
	assert_string_equal(get(&l, "k63"), "v");

	/* the byte budget: full labels until one no longer fits, then the next smaller
	 * one still does */
	memset(&l, 0, sizeof(l));
	while (labels_add(&l, big, 100 + l.n, big, LABEL_VALUE_MAX) == 0)
		;
	assert_true(l.truncated);
	assert_true(l.used <= LABELS_SIZE);
	assert_int_equal(add(&l, "small", "v"), 0);
	assert_string_equal(get(&l, "small"), "v");
}

static void test_hostile(void **state)
{
	struct labels l = {};
	const char *k, *v;
	size_t pos = 0;

	(void)state;
	/* a NUL would make the key or value read as a shorter one: another label */
	assert_int_equal(labels_add(&l, "a\0b", 3, "v", 1), -E2BIG);
	assert_null(get(&l, "a"));
	assert_int_equal(labels_add(&l, "a", 1, "x\0y", 3), -E2BIG);
	assert_null(get(&l, "a"));
	/* a key that is not UTF-8 would escape to the same text as another */
	assert_int_equal(add(&l, "k\xff", "v"), -E2BIG);
	assert_int_equal(add(&l, "k\xc3", "v"), -E2BIG);
	assert_true(l.truncated);
	/* control characters and UTF-8 are kept as they are: the writers escape them */
	assert_int_equal(add(&l, "esc\x1b[31m", "line\nbreak"), 0);
	assert_int_equal(add(&l, "caf\xc3\xa9", "\xff"), 0);
	assert_true(labels_next(&l, &pos, &k, &v));
	assert_string_equal(k, "esc\x1b[31m");
	assert_string_equal(v, "line\nbreak");
	assert_string_equal(get(&l, "caf\xc3\xa9"), "\xff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_get_order),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
