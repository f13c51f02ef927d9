// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_escape.c - json_put_string() and text_put_string() on any bytes.
 *
 * JSON: one quoted string that json-c parses strictly (UTF-8 validated) into the input
 * with each byte that starts no valid UTF-8 sequence replaced by U+FFFD, and nothing raw
 * below 0x20 or DEL. Text: valid UTF-8 without C0, C1 or DEL, so nothing can move the
 * cursor, change colours or split the line; and reversible (\\ and \xNN undone give the
 * input back). utf8_valid_len() agrees with the Unicode table at every offset.
 */
#include <json-c/json.h>
#include <stdint.h>

#include "escape.h"
#include "fuzz.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void check_json(const char *s, size_t n)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;
	struct outbuf b;
	size_t wantlen;
	char *want;

	outbuf_init(&b);
	json_put_string(&b, s, n);
	FUZZ_CHECK(!b.failed && b.len >= 2 && b.data[0] == '"' && b.data[b.len - 1] == '"',
		   "not a quoted string");
	for (size_t i = 0; i < b.len; i++)
		FUZZ_CHECK((unsigned char)b.data[i] >= 0x20 && b.data[i] != 0x7f,
			   "raw byte %#x at %zu", (unsigned char)b.data[i], i);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, b.data, (int)b.len);
	FUZZ_CHECK(obj && json_tokener_get_error(tok) == json_tokener_success &&
			   json_tokener_get_parse_end(tok) == b.len &&
			   json_object_is_type(obj, json_type_string),
		   "json-c: %s", json_tokener_error_desc(json_tokener_get_error(tok)));
	want = ref_replace_invalid(s, n, &wantlen);
	FUZZ_CHECK((size_t)json_object_get_string_len(obj) == wantlen &&
			   !memcmp(json_object_get_string(obj), want, wantlen),
		   "string does not round-trip");
	free(want);
	json_object_put(obj);
	json_tokener_free(tok);
	outbuf_free(&b);
}

static void check_text(const char *s, size_t n)
{
	const uint8_t *o;
	struct outbuf b;
	size_t j = 0;

	outbuf_init(&b);
	text_put_string(&b, s, n);
	FUZZ_CHECK(!b.failed, "allocation failed");
	o = (const uint8_t *)b.data;
	FUZZ_CHECK(ref_utf8_valid(o, b.len), "output is not valid UTF-8");
	FUZZ_CHECK(!ref_has_control(o, b.len), "a control character got through");
	/* undo the escapes: the input comes back */
	for (size_t i = 0; i < b.len; i++) {
		char c = b.data[i];

		if (c == '\\') {
			FUZZ_CHECK(i + 1 < b.len, "lone backslash at the end");
			if (b.data[i + 1] == '\\') {
				c = '\\';
				i++;
			} else {
				FUZZ_CHECK(b.data[i + 1] == 'x' && i + 3 < b.len &&
						   hexval(b.data[i + 2]) >= 0 &&
						   hexval(b.data[i + 3]) >= 0,
					   "bad escape at %zu", i);
				c = (char)(hexval(b.data[i + 2]) << 4 | hexval(b.data[i + 3]));
				i += 3;
			}
		}
		FUZZ_CHECK(j < n && s[j] == c, "text escape is lossy at input byte %zu", j);
		j++;
	}
	FUZZ_CHECK(j == n, "text escape dropped %zu bytes", n - j);
	outbuf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	for (size_t i = 0; i < size; i++) {
		size_t got = utf8_valid_len(data + i, size - i), want = ref_utf8_len(data + i, size - i);

		FUZZ_CHECK(got == want, "utf8_valid_len at %zu is %zu, not %zu", i, got, want);
	}
	check_json(s, size);
	check_text(s, size);
	return 0;
}
