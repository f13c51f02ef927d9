// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_proc_stat.c - the start time out of /proc/PID/stat, whose comm (field 2) the
 * process chooses: spaces, parentheses, digits, newlines.
 *
 * Checked against a reference that cuts the text after the last ')' into fields at runs
 * of spaces: a success is field 22's leading digits, exactly; a field 22 that starts
 * with a digit and is not near the top of the 64-bit range must succeed.
 */
#include <errno.h>
#include <stdint.h>

#include "fuzz.h"
#include "proc.h"

/* 0 with the value, -EINVAL when there is no field 22 starting with a digit, -ERANGE. */
static int ref_stat_start(const char *t, size_t len, unsigned __int128 *v)
{
	size_t i = len, field = 2;

	while (i > 0 && t[i - 1] != ')')
		i--;
	if (i == 0)
		return -EINVAL;
	/* i: just past the last ')', the end of field 2 */
	while (i < len) {
		while (i < len && t[i] == ' ')
			i++;
		if (i == len)
			break;
		if (++field == 22)
			break;
		while (i < len && t[i] != ' ')
			i++;
	}
	if (field != 22 || i == len || t[i] < '0' || t[i] > '9')
		return -EINVAL;
	*v = 0;
	for (; i < len && t[i] >= '0' && t[i] <= '9'; i++) {
		*v = *v * 10 + (unsigned)(t[i] - '0');
		if (*v > UINT64_MAX)
			return -ERANGE;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	unsigned long long ticks = 0x5a5a5a5a;
	unsigned __int128 want = 0;
	int r, ref;

	r = proc_parse_stat_start(text, size, &ticks);
	ref = ref_stat_start(text, size, &want);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "returned %d", r);
	if (r == 0)
		FUZZ_CHECK(ref == 0 && ticks == want, "parsed %llu, field 22 is %llu (ref %d)", ticks,
			   (unsigned long long)want, ref);
	if (ref == 0 && want < 1000000000000000000ULL)
		FUZZ_CHECK(r == 0, "field 22 is %llu but the parse failed",
			   (unsigned long long)want);
	return 0;
}
