// SPDX-License-Identifier: GPL-2.0
/* test_escape.c - JSON and terminal escaping of hostile bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"

static char *json_of(const char *s, size_t n)
{
	static struct outbuf b;

	outbuf_free(&b);
	json_put_string(&b, s, n);
	return b.data;
}

static char *text_of(const char *s, size_t n)
{
	static struct outbuf b;

	outbuf_free(&b);
	text_put_string(&b, s, n);
	return b.data;
}

static void test_json_plain(void **state)
{
	(void)state;
	assert_string_equal(json_of("sleep", 5), "\"sleep\"");
	assert_string_equal(json_of("", 0), "\"\"");
}

static void test_json_specials(void **state)
{
	const char in[] = "a\"b\\c\nd\te\rf\x1bg\x7fh";

	(void)state;
	assert_string_equal(json_of(in, sizeof(in) - 1),
			    "\"a\\\"b\\\\c\\nd\\te\\rf\\u001bg\\u007fh\"");
}

static void test_json_embedded_nul(void **state)
{
	(void)state;
	assert_string_equal(json_of("a\0b", 3), "\"a\\u0000b\"");
}

static void test_json_invalid_utf8(void **state)
{
	(void)state;
	/* lone continuation, truncated sequence, overlong, surrogate, > U+10FFFF */
	assert_string_equal(json_of("\x80", 1), "\"\\ufffd\"");
	assert_string_equal(json_of("\xe2\x82", 2), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json_of("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");
	assert_string_equal(json_of("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json_of("\xf4\x90\x80\x80", 4), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	assert_string_equal(json_of("\xff\xfe", 2), "\"\\ufffd\\ufffd\"");
}

static void test_json_valid_utf8_kept(void **state)
{
	static const char in[] = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3";

	(void)state;
	assert_string_equal(json_of(in, sizeof(in) - 1),
			    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\"");
}

static void test_json_all_bytes_single_line(void **state)
{
	char in[256];
	const char *out;
	int i;

	(void)state;
	for (i = 0; i < 256; i++)
		in[i] = (char)i;
	out = json_of(in, sizeof(in));
	assert_null(strchr(out, '\n'));
	assert_null(strchr(out, '\r'));
	for (i = 0; out[i]; i++)
		assert_true((unsigned char)out[i] >= 0x20);
}

static void test_text_controls(void **state)
{
	(void)state;
	assert_string_equal(text_of("a\nb", 3), "a\\x0ab");
	assert_string_equal(text_of("\x1b[31mred", 8), "\\x1b[31mred");
	assert_string_equal(text_of("back\\slash", 10), "back\\\\slash");
	/* C1 control U+009B (CSI) must not reach the terminal */
	assert_string_equal(text_of("\xc2\x9b", 2), "\\xc2\\x9b");
	assert_string_equal(text_of("\xff", 1), "\\xff");
	assert_string_equal(text_of("\xc3\xa9", 2), "\xc3\xa9");
}

static void test_utf8_valid_len(void **state)
{
	(void)state;
	assert_int_equal(utf8_valid_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(utf8_valid_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(utf8_valid_len((const unsigned char *)"\xc3", 1), 0);
	assert_int_equal(utf8_valid_len((const unsigned char *)"\xe0\x80\x80", 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_plain),
		cmocka_unit_test(test_json_specials),
		cmocka_unit_test(test_json_embedded_nul),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_json_valid_utf8_kept),
		cmocka_unit_test(test_json_all_bytes_single_line),
		cmocka_unit_test(test_text_controls),
		cmocka_unit_test(test_utf8_valid_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
