/* SPDX-License-Identifier: GPL-2.0 */
/* escape.h - make untrusted bytes safe for a JSON string or a terminal line. */
#ifndef LOOKOUT_ESCAPE_H
#define LOOKOUT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include "outbuf.h"

/* Append `s` (n bytes, any content) as a quoted JSON string: valid UTF-8,
 * control characters escaped, each invalid UTF-8 byte replaced by U+FFFD. */
void json_put_string(struct outbuf *b, const char *s, size_t n);

/* Append `s` for a terminal: printable UTF-8 kept, control characters and
 * invalid bytes shown as \xNN, backslash doubled, so nothing can move the
 * cursor, change colours or split the line. */
void text_put_string(struct outbuf *b, const char *s, size_t n);

/* Append an argument area (arguments separated by NULs, a final NUL optional):
 * each argument through `put` (json_put_string or text_put_string), `sep`
 * between them. */
void put_nul_separated(struct outbuf *b, const char *args, size_t len, const char *sep,
		       void (*put)(struct outbuf *, const char *, size_t));

/* Append the event contract's argv value and the keys that qualify it:
 * `[...],"argv_truncated":B`, or for args NULL (lookout could not know them)
 * `[],"argv_truncated":false,"argv_unknown":true`. The one writer of that
 * shape, for the events and for lookout inspect alike. */
void json_put_argv(struct outbuf *b, const char *args, size_t len, bool truncated);

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if the bytes there are
 * not one (overlong, surrogate, beyond U+10FFFF, or cut short). */
size_t utf8_valid_len(const unsigned char *s, size_t n);

#endif
