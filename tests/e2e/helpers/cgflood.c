// SPDX-License-Identifier: GPL-2.0
/*
 * cgflood - make and remove one cgroup as fast as possible, as a container that
 * may manage its own cgroups (systemd inside, delegation) can: mkdir DIR/x,
 * rmdir DIR/x, for SECONDS or until STOPFILE exists. Prints the number of
 * pairs done every 4096 pairs and at the end. Built static, so it runs inside
 * a busybox container.
 *
 *   cgflood DIR SECONDS [STOPFILE]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[4096];
	struct timespec t0, t;
	unsigned long pairs = 0;
	double secs;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: cgflood DIR SECONDS [STOPFILE]\n");
		return 2;
	}
	secs = atof(argv[2]);
	snprintf(path, sizeof(path), "%s/lk-flood", argv[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (mkdir(path, 0755)) {
			fprintf(stderr, "cgflood: mkdir %s: %s\n", path, strerror(errno));
			return 1;
		}
		if (rmdir(path)) {
			fprintf(stderr, "cgflood: rmdir %s: %s\n", path, strerror(errno));
			return 1;
		}
		pairs++;
		if (pairs % 256)
			continue;
		if (!(pairs % 4096)) {
			printf("%lu\n", pairs);
			fflush(stdout);
		}
		if (argc == 4 && !access(argv[3], F_OK))
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 >= secs)
			break;
	}
	printf("%lu\n", pairs);
	return 0;
}
