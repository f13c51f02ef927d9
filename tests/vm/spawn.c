// SPDX-License-Identifier: GPL-2.0
/*
 * spawn.c - start a program straight inside a cgroup, as crun does on cgroup v2:
 * clone3(CLONE_INTO_CGROUP), so no process is ever moved and cgroup_attach_task never
 * fires. Waits for it and exits with its status.
 *
 * Usage: spawn CGROUP_DIR PROGRAM [ARG...]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct clone_args ca = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	int fd, status;
	long pid;

	if (argc < 3) {
		fprintf(stderr, "usage: spawn CGROUP_DIR PROGRAM [ARG...]\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	ca.cgroup = (unsigned int)fd;
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0) {
		perror("clone3");
		return 1;
	}
	if (pid == 0) {
		execv(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (waitpid((pid_t)pid, &status, 0) < 0)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
