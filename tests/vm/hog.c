// SPDX-License-Identifier: GPL-2.0
/*
 * hog.c - takes memory a page at a time until the kernel's OOM killer ends it: the
 * VM lane's OOM victim, inside a memory-limited cgroup. Exits 1 if it never is.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1 << 20)
#define LIMIT 512	/* MiB: far above the cgroup's memory.max */

int main(void)
{
	sleep(1);	/* let the test see it run before it grows */
	for (int i = 0; i < LIMIT; i++) {
		char *p = malloc(CHUNK);

		if (!p)
			return 1;
		memset(p, i + 1, CHUNK);	/* touch every page */
	}
	return 1;
}
