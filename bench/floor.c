// SPDX-License-Identifier: GPL-2.0
/*
 * floor.c - loads and attaches floor.bpf.c's empty programs, says "ready" on
 * stdout, and waits for SIGTERM or SIGINT.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "floor.skel.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(void)
{
	struct floor_bpf *skel = NULL;
	struct bpf_program *prog;
	struct sigaction sa;
	int n = 0, err = 1;

	libbpf_set_print(quiet);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL)) {
		fprintf(stderr, "floor: sigaction: %s\n", strerror(errno));
		return 1;
	}
	skel = floor_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "floor: cannot load the programs: %s\n", strerror(errno));
		goto cleanup;
	}
	if (floor_bpf__attach(skel)) {
		fprintf(stderr, "floor: cannot attach: %s\n", strerror(errno));
		goto cleanup;
	}
	bpf_object__for_each_program(prog, skel->obj)
		n++;
	printf("floor: ready, %d empty programs attached\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	err = 0;
cleanup:
	floor_bpf__destroy(skel);
	return err;
}
