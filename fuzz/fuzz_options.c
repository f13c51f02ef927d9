// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_options.c - --events-buffer and --alerts-buffer values (options_parse_size).
 *
 * A reference computes the value the text means with no wrap-around: decimal digits, an
 * optional k/M/G, nothing before or after (as the README writes them: 4M, 65536, 1G).
 * The parser must accept exactly the powers of two from 4K to 1G written that way, and
 * store that value: never one a wrapped multiplication or strtoull's negation gave.
 */
#include <errno.h>
#include <stdint.h>

#include "fuzz.h"
#include "options.h"

#define CAP (1ULL << 40)

/* The value s means, saturated at CAP; false when it is not digits and a suffix. */
static bool ref_size(const char *s, uint64_t *v)
{
	const uint64_t cap = CAP;
	unsigned shift = 0;
	bool digits = false;

	*v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		digits = true;
		*v = *v * 10 + (uint64_t)(*s - '0');
		if (*v > cap)
			*v = cap;
	}
	if (!digits)
		return false;
	switch (*s) {
	case 'k': case 'K':
		shift = 10;
		s++;
		break;
	case 'm': case 'M':
		shift = 20;
		s++;
		break;
	case 'g': case 'G':
		shift = 30;
		s++;
		break;
	}
	if (*s)
		return false;
	*v = *v >= cap >> shift ? cap : *v << shift;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	__u32 out = 0xa5a5a5a5;
	uint64_t want;
	bool ok;
	int r;

	r = options_parse_size(s, &out);
	ok = ref_size(s, &want) && want >= 4096 && want <= (1ULL << 30) && !(want & (want - 1));
	FUZZ_CHECK(r == 0 || r == -EINVAL, "returned %d", r);
	if (r == 0)
		FUZZ_CHECK(ok && out == want, "'%s' accepted as %u, but it is %s (%s%llu)", s,
			   (unsigned)out, ok ? "another value" : "not a size",
			   want == CAP ? ">= " : "", (unsigned long long)want);
	else
		FUZZ_CHECK(!ok, "'%s' (%llu) refused", s, (unsigned long long)want);
	free(s);
	return 0;
}
