// SPDX-License-Identifier: GPL-2.0
/* outbuf.c - a growable byte buffer. A failed allocation marks the buffer
 * failed instead of aborting, so a writer can drop one line and go on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "outbuf.h"

void outbuf_init(struct outbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void outbuf_free(struct outbuf *b)
{
	if (!b)
		return;
	free(b->data);
	outbuf_init(b);
}

void outbuf_reset(struct outbuf *b)
{
	b->len = 0;
	b->failed = 0;
}

static int outbuf_reserve(struct outbuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void outbuf_put(struct outbuf *b, const void *data, size_t n)
{
	if (outbuf_reserve(b, n))
		return;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void outbuf_putc(struct outbuf *b, char c)
{
	outbuf_put(b, &c, 1);
}

void outbuf_puts(struct outbuf *b, const char *s)
{
	outbuf_put(b, s, strlen(s));
}

void outbuf_printf(struct outbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	/* Format once into the room there is; only a long result formats twice. */
	if (outbuf_reserve(b, 64))
		return;
	room = b->cap - b->len;
	va_start(ap, fmt);
	n = vsnprintf(b->data + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		if (outbuf_reserve(b, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}
