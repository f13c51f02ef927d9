// SPDX-License-Identifier: GPL-2.0
/*
 * proc.c - readers of /proc. A PID alone names nothing for long: every read
 * about another process is checked against the start time the kernel reported,
 * and a mismatch means "gone", never a guess.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "proc.h"
#include "safe_file.h"

#define NSEC_PER_SEC 1000000000ULL

int proc_parse_stat_start(const char *text, size_t len, unsigned long long *ticks)
{
	const char *p = NULL, *end = text + len;
	size_t i;
	int field;

	/* comm (field 2) may hold spaces and parentheses: fields resume after the last ')'. */
	for (i = len; i > 0; i--) {
		if (text[i - 1] == ')') {
			p = text + i;
			break;
		}
	}
	if (!p)
		return -EINVAL;
	for (field = 3; field < 22; field++) {	/* skip fields 3..21 */
		while (p < end && *p == ' ')
			p++;
		while (p < end && *p != ' ')
			p++;
		if (p >= end)
			return -EINVAL;
	}
	while (p < end && *p == ' ')
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return -EINVAL;
	*ticks = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (*ticks > (~0ULL - 9) / 10)
			return -EINVAL;
		*ticks = *ticks * 10 + (unsigned long long)(*p - '0');
	}
	return 0;
}

int proc_start_time(__u32 pid, __u64 *start_ns)
{
	char path[64], *text = NULL;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	size_t len;
	int err;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	err = safe_read_file(path, &text, &len, 4096);
	if (err)
		return err;
	err = proc_parse_stat_start(text, len, &ticks);
	free(text);
	if (err)
		return err;
	*start_ns = ticks * (NSEC_PER_SEC / (unsigned long long)(hz > 0 ? hz : 100));
	return 0;
}

bool proc_is_same(__u32 pid, __u64 start_ns)
{
	long hz = sysconf(_SC_CLK_TCK);
	__u64 tick = NSEC_PER_SEC / (__u64)(hz > 0 ? hz : 100), seen;

	/* /proc rounds the kernel's nanoseconds down to clock ticks. */
	return pid && !proc_start_time(pid, &seen) && seen == start_ns / tick * tick;
}

bool proc_exe_if_same(__u32 pid, __u64 start_ns, char *out, size_t len)
{
	char path[64];
	ssize_t n;

	out[0] = '\0';
	if (!len || !proc_is_same(pid, start_ns))
		return false;
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, out, len - 1);
	if (n <= 0) {
		out[0] = '\0';
		return false;
	}
	out[n] = '\0';
	/* Checked again: the PID could have been reused between the two reads. */
	if (!proc_is_same(pid, start_ns)) {
		out[0] = '\0';
		return false;
	}
	return true;
}

int proc_read_cmdline(__u32 pid, __u64 start_ns, char **argv, size_t *len)
{
	char path[64];
	int err;

	if (!proc_is_same(pid, start_ns))
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	err = safe_read_file(path, argv, len, 1 << 16);
	if (err)
		return err;
	if (!proc_is_same(pid, start_ns)) {
		free(*argv);
		*argv = NULL;
		return -ESRCH;
	}
	if (*len > 1024)
		*len = 1024;
	return 0;
}

__u32 proc_self_ns(const char *name)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &st))
		return 0;
	return (__u32)st.st_ino;
}

int proc_read_boot_id(char *out, size_t len)
{
	char *text = NULL;
	size_t n;
	int err;

	err = safe_read_file("/proc/sys/kernel/random/boot_id", &text, &n, 128);
	if (err)
		return err;
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	snprintf(out, len, "%.*s", (int)n, text);
	free(text);
	return 0;
}
