/* SPDX-License-Identifier: GPL-2.0 */
/* outbuf.h - a growable byte buffer that writers format lines into. */
#ifndef LOOKOUT_OUTBUF_H
#define LOOKOUT_OUTBUF_H

#include <stdarg.h>
#include <stddef.h>

struct outbuf {
	char *data;
	size_t len;
	size_t cap;
	int failed;	/* an allocation failed: the content is incomplete */
};

void outbuf_init(struct outbuf *b);
void outbuf_free(struct outbuf *b);
void outbuf_reset(struct outbuf *b);
void outbuf_put(struct outbuf *b, const void *data, size_t n);
void outbuf_putc(struct outbuf *b, char c);
void outbuf_puts(struct outbuf *b, const char *s);
void outbuf_printf(struct outbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
