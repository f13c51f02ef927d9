// SPDX-License-Identifier: GPL-2.0
/* escape.c - escaping for JSON strings and terminal text. Everything lookout
 * prints that a process controls (comm, argv, paths, container names) passes
 * through here. */
#include <stdio.h>
#include <string.h>
#include "escape.h"

size_t utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void json_put_string(struct outbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run;

	outbuf_putc(b, '"');
	while (i < n) {
		unsigned char c = u[i];

		switch (c) {
		case '"':
			outbuf_puts(b, "\\\"");
			break;
		case '\\':
			outbuf_puts(b, "\\\\");
			break;
		case '\n':
			outbuf_puts(b, "\\n");
			break;
		case '\r':
			outbuf_puts(b, "\\r");
			break;
		case '\t':
			outbuf_puts(b, "\\t");
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				outbuf_printf(b, "\\u%04x", c);
				break;
			}
			run = utf8_valid_len(u + i, n - i);
			if (!run) {
				outbuf_puts(b, "\\ufffd");
				break;
			}
			outbuf_put(b, u + i, run);
			i += run;
			continue;
		}
		i++;
	}
	outbuf_putc(b, '"');
}

void text_put_string(struct outbuf *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run;

	while (i < n) {
		unsigned char c = u[i];

		if (c == '\\') {
			outbuf_puts(b, "\\\\");
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			outbuf_printf(b, "\\x%02x", c);
			i++;
			continue;
		}
		run = utf8_valid_len(u + i, n - i);
		/* C1 controls (U+0080-U+009F) act on terminals too. */
		if (!run || (run == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0)) {
			outbuf_printf(b, "\\x%02x", c);
			i++;
			continue;
		}
		outbuf_put(b, u + i, run);
		i += run;
	}
}

void put_nul_separated(struct outbuf *b, const char *args, size_t len, const char *sep,
		       void (*put)(struct outbuf *, const char *, size_t))
{
	size_t i = 0;

	while (i < len) {
		const char *a = args + i;
		const char *z = memchr(a, '\0', len - i);
		size_t n = z ? (size_t)(z - a) : len - i;

		if (i)
			outbuf_puts(b, sep);
		put(b, a, n);
		i += n + 1;
	}
}

void json_put_argv(struct outbuf *b, const char *args, size_t len, bool truncated)
{
	if (!args) {
		/* Not carried and not seen before: an empty list, said to be unknown. */
		outbuf_puts(b, "[],\"argv_truncated\":false,\"argv_unknown\":true");
		return;
	}
	outbuf_putc(b, '[');
	put_nul_separated(b, args, len, ",", json_put_string);
	outbuf_printf(b, "],\"argv_truncated\":%s", truncated ? "true" : "false");
}
