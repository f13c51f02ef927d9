/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz.h - what the libFuzzer targets (fuzz/fuzz_*.c) share: an abort() that names the
 * broken invariant, a reader that cuts the fuzz input into fields, exact-size copies (so
 * AddressSanitizer sees a read one byte past a field), and reference UTF-8 rules written
 * from the Unicode standard (Table 3-7), not from user/output/escape.c, to check the writers by.
 */
#ifndef LOOKOUT_FUZZ_H
#define LOOKOUT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer reports an abort() as a crash and saves the input. */
#define FUZZ_CHECK(cond, ...)                                                              \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__, \
				#cond);                                                    \
			fprintf(stderr, __VA_ARGS__);                                      \
			fputc('\n', stderr);                                               \
			abort();                                                           \
		}                                                                          \
	} while (0)

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	uint16_t v = fuzz_u8(in);

	return (uint16_t)(v | (uint16_t)fuzz_u8(in) << 8);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	uint32_t v = fuzz_u16(in);

	return v | (uint32_t)fuzz_u16(in) << 16;
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	uint64_t v = fuzz_u32(in);

	return v | (uint64_t)fuzz_u32(in) << 32;
}

/* A field of at most max bytes (its length from one byte, two when max > 255), copied to
 * an exact-size allocation (one byte more when nul is set, for a terminator). free() it. */
static inline char *fuzz_field(struct fuzz_in *in, size_t max, size_t *len, bool nul)
{
	size_t n = max > 255 ? fuzz_u16(in) : fuzz_u8(in);
	char *s;

	n %= max + 1;
	if (n > in->n)
		n = in->n;
	s = malloc(n + nul > 0 ? n + nul : 1);
	if (!s)
		abort();
	memcpy(s, in->p, n);
	if (nul)
		s[n] = '\0';
	in->p += n;
	in->n -= n;
	*len = n;
	return s;
}

/* Fill dst (exactly n bytes) from the input, zeros once it runs out. */
static inline void fuzz_fill(struct fuzz_in *in, void *dst, size_t n)
{
	size_t k = n < in->n ? n : in->n;

	memset(dst, 0, n);
	memcpy(dst, in->p, k);
	in->p += k;
	in->n -= k;
}

/* data as a C string in an exact-size allocation (it ends at its first NUL, if any). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Length of the well-formed UTF-8 sequence at s (Unicode 15, Table 3-7), 0 if none. */
static inline size_t ref_utf8_len(const uint8_t *s, size_t n)
{
	uint8_t b = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (b <= 0x7f)
		return 1;
	if (b >= 0xc2 && b <= 0xdf)
		len = 2;
	else if (b >= 0xe0 && b <= 0xef)
		len = 3;
	else if (b >= 0xf0 && b <= 0xf4)
		len = 4;
	else
		return 0;
	if (b == 0xe0)
		lo = 0xa0;
	else if (b == 0xed)
		hi = 0x9f;
	else if (b == 0xf0)
		lo = 0x90;
	else if (b == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	return len;
}

static inline bool ref_utf8_valid(const uint8_t *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k) {
		k = ref_utf8_len(s + i, n - i);
		if (!k)
			return false;
	}
	return true;
}

/* s with each byte that starts no well-formed sequence replaced by U+FFFD (malloc'd). */
static inline char *ref_replace_invalid(const char *s, size_t n, size_t *outlen)
{
	const uint8_t *u = (const uint8_t *)s;
	char *out = malloc(n * 3 + 1);
	size_t o = 0;

	if (!out)
		abort();
	for (size_t i = 0, k; i < n; i += k) {
		k = ref_utf8_len(u + i, n - i);
		if (!k) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			k = 1;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k;
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* Does [s, s + n) hold the UTF-8 form of a C0 or C1 control character, or DEL? */
static inline bool ref_has_control(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return true;
		if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			return true;
	}
	return false;
}

#endif /* LOOKOUT_FUZZ_H */
