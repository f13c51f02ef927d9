// SPDX-License-Identifier: GPL-2.0
/*
 * pidreuse.c - three different programs run, one after the other, under the
 * same host PID (for tests/e2e/test_hardening.py; needs root).
 *
 *   A  first child, any PID P: PID 1 of a new PID namespace (a sandbox); it
 *      execs ARGV_A and is SIGKILLed by this (host) process once it runs
 *   B  a host process (no new namespace) that gets P again; execs ARGV_B
 *   C  PID 1 of another new PID namespace that gets P again; execs ARGV_C
 *
 * P is reused by writing P-1 to the host's /proc/sys/kernel/ns_last_pid just
 * before the clone, retried while another process on the machine wins the race.
 * Each child waits on a pipe before its exec, so a child that got the wrong PID
 * never runs its program (it _exits 100).
 *
 * Prints one line: "pid P ns_a NS ns_c NS status_a S status_b S status_c S tries N"
 * (wait statuses as the kernel gives them). Exit 0, or 2 with a message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TRIES 2000

static char *const argv_a[] = { "/bin/sleep", "30", NULL };
static char *const argv_b[] = { "/bin/sh", "-c", "exit 7", NULL };
static char *const argv_c[] = { "/bin/false", NULL };

static void die(const char *what)
{
	fprintf(stderr, "pidreuse: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* fork(), or fork into a new PID namespace; the child waits for 'g' on a pipe. */
static pid_t spawn(int newpid, char *const argv[], int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		die("pipe2");
	pid = syscall(SYS_clone, (newpid ? CLONE_NEWPID : 0) | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1 || c != 'g')
			_exit(100);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void set_last_pid(pid_t last)
{
	char buf[32];
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
	int n = snprintf(buf, sizeof(buf), "%d", (int)last);

	if (fd < 0)
		die("open /proc/sys/kernel/ns_last_pid");
	if (write(fd, buf, n) != n)
		die("write /proc/sys/kernel/ns_last_pid");
	close(fd);
}

static unsigned long pidns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if (stat(path, &st))
		die("stat ns/pid");
	return (unsigned long)st.st_ino;
}

static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	return status;
}

static void go(int fd)
{
	if (write(fd, "g", 1) != 1)
		die("write go");
	close(fd);
}

/* Spawn a child that gets PID `want`; returns the number of tries. */
static int spawn_at(pid_t want, int newpid, char *const argv[], int *gofd)
{
	int tries;

	for (tries = 1; tries <= MAX_TRIES; tries++) {
		pid_t pid;

		set_last_pid(want - 1);
		pid = spawn(newpid, argv, gofd);
		if (pid == want)
			return tries;
		close(*gofd);	/* EOF: the child exits without running anything */
		reap(pid);
	}
	fprintf(stderr, "pidreuse: PID %d not reused in %d tries\n", (int)want, MAX_TRIES);
	exit(2);
}

/* Waits until `pid` runs `comm` (its exec is done). */
static void wait_comm(pid_t pid, const char *comm)
{
	char path[64], buf[32];
	int i;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (i = 0; i < 5000; i++) {
		FILE *f = fopen(path, "r");

		if (f) {
			int ok = fgets(buf, sizeof(buf), f) && !strncmp(buf, comm, strlen(comm)) &&
				 buf[strlen(comm)] == '\n';

			fclose(f);
			if (ok)
				return;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 1000 * 1000 }, NULL);
	}
	fprintf(stderr, "pidreuse: PID %d never ran %s\n", (int)pid, comm);
	exit(2);
}

int main(void)
{
	unsigned long ns_a, ns_c;
	int gofd, st_a, st_b, st_c, tries = 0;
	pid_t p;

	setvbuf(stdout, NULL, _IONBF, 0);
	p = spawn(1, argv_a, &gofd);
	ns_a = pidns_of(p);
	go(gofd);
	wait_comm(p, "sleep");
	if (kill(p, SIGKILL))
		die("kill");
	st_a = reap(p);

	tries += spawn_at(p, 0, argv_b, &gofd);
	go(gofd);
	st_b = reap(p);

	tries += spawn_at(p, 1, argv_c, &gofd);
	ns_c = pidns_of(p);
	go(gofd);
	st_c = reap(p);

	printf("pid %d ns_a %lu ns_c %lu status_a %d status_b %d status_c %d tries %d\n",
	       (int)p, ns_a, ns_c, st_a, st_b, st_c, tries);
	return 0;
}
