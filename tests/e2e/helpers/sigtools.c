// SPDX-License-Identifier: GPL-2.0
/*
 * sigtools - the ways a process can make a signal for another, and a program
 * that re-raises, for the attribution tests. Built static so it also runs
 * inside the busybox test image (bind-mounted).
 *
 *   sigtools compat-kill PID SIG    kill(2) through the 32-bit table: int $0x80
 *                                   on x86_64; on arm64 build sigtools for 32-bit
 *                                   ARM (an AArch32 task), where it is kill(2)
 *   sigtools ptrace-kill PID        PTRACE_ATTACH (its SIGSTOP), then PTRACE_KILL
 *   sigtools fown-kill PID SIG      F_SETOWN/F_SETSIG on a pipe, then a write
 *   sigtools reraise                on SIGTERM: reset to default, raise again
 *   sigtools memfd-killer DIR       re-execute from a memfd copy, then kill the
 *                                   pid written to DIR/target with SIGKILL
 *   sigtools itimer USEC SECONDS    SIGALRM every USEC microseconds (raised by
 *                                   the kernel in a timer interrupt), for SECONDS
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "sigtools: %s: %s\n", what, strerror(errno));
	return 1;
}

static int compat_kill(int pid, int sig)
{
#if defined(__x86_64__)
	long ret;

	/* eax = 37 is kill in the i386 table; ebx, ecx are its arguments. */
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(37), "b"(pid), "c"(sig) : "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return die("int $0x80 kill");
	}
	return 0;
#elif defined(__arm__)
	/* A 32-bit ARM program: on an arm64 kernel every call it makes is compat. */
	if (kill(pid, sig))
		return die("kill");
	return 0;
#else
	(void)pid;
	(void)sig;
	fprintf(stderr, "sigtools: compat-kill needs an x86_64 or 32-bit ARM build\n");
	return 2;
#endif
}

static int ptrace_kill(int pid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, pid, 0, 0))
		return die("PTRACE_ATTACH");
	if (waitpid(pid, &status, __WALL) < 0)
		return die("waitpid");
	if (ptrace(PTRACE_KILL, pid, 0, 0))
		return die("PTRACE_KILL");
	return 0;
}

static int fown_kill(int pid, int sig)
{
	int fds[2];

	if (pipe(fds))
		return die("pipe");
	if (fcntl(fds[0], F_SETOWN, pid) || fcntl(fds[0], F_SETSIG, sig) ||
	    fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK))
		return die("fcntl");
	/* The kernel signals the owner from inside this write. */
	if (write(fds[1], "x", 1) != 1)
		return die("write");
	return 0;
}

static void reraise_handler(int sig)
{
	/* The GNU C library manual's idiom: clean up, then die of the signal. */
	signal(sig, SIG_DFL);
	raise(sig);
}

static int reraise(void)
{
	signal(SIGTERM, reraise_handler);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

static int memfd_killer(int argc, char **argv)
{
	char path[4096];
	FILE *f;
	int pid;

	if (argc < 4 || strcmp(argv[3], "reexecuted") != 0) {
		/* First run: copy ourselves into a memfd and run that, as runc does. */
		int in = open("/proc/self/exe", O_RDONLY), fd = memfd_create("lookalike", 0);
		struct stat st;
		char *args[] = { argv[0], argv[1], argv[2], "reexecuted", NULL };

		if (in < 0 || fd < 0 || fstat(in, &st))
			return die("memfd copy");
		if (sendfile(fd, in, NULL, st.st_size) != st.st_size)
			return die("sendfile");
		fexecve(fd, args, environ);
		return die("fexecve");
	}
	snprintf(path, sizeof(path), "%s/target", argv[2]);
	for (;;) {
		f = fopen(path, "r");
		if (f && fscanf(f, "%d", &pid) == 1 && pid > 0) {
			fclose(f);
			break;
		}
		if (f)
			fclose(f);
		usleep(20000);
	}
	if (kill(pid, SIGKILL))
		return die("kill");
	snprintf(path, sizeof(path), "%s/done", argv[2]);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	for (;;)
		pause();
	return 0;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static int itimer(long usec, int seconds)
{
	struct itimerval it = { { 0, usec }, { 0, usec } };
	struct timeval end, now;

	signal(SIGALRM, on_alarm);
	if (setitimer(ITIMER_REAL, &it, NULL))
		return die("setitimer");
	gettimeofday(&end, NULL);
	end.tv_sec += seconds;
	do {
		pause();
		gettimeofday(&now, NULL);
	} while (timercmp(&now, &end, <));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "compat-kill"))
		return compat_kill(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 3 && !strcmp(argv[1], "ptrace-kill"))
		return ptrace_kill(atoi(argv[2]));
	if (argc >= 4 && !strcmp(argv[1], "fown-kill"))
		return fown_kill(atoi(argv[2]), atoi(argv[3]));
	if (argc >= 2 && !strcmp(argv[1], "reraise"))
		return reraise();
	if (argc >= 3 && !strcmp(argv[1], "memfd-killer"))
		return memfd_killer(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "itimer"))
		return itimer(atol(argv[2]), atoi(argv[3]));
	fprintf(stderr, "usage: sigtools compat-kill PID SIG | ptrace-kill PID | fown-kill PID SIG"
			" | reraise | memfd-killer DIR | itimer USEC SECONDS\n");
	return 2;
}
