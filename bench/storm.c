// SPDX-License-Identifier: GPL-2.0
/*
 * storm.c - a process-lifecycle storm, the workload of the benchmark.
 *
 * Each round: fork; the child execs the static `tiny` (which exits 0); the
 * parent sends SIGUSR1 to a helper it started (the helper catches it and lives
 * on); the parent reaps the child. Every round makes the kernel run the hooks a
 * process tracer attaches to: fork, exec, exit, signal_generate (SIGUSR1, and
 * the SIGCHLD of the child's exit). Built static: it runs unchanged on the host
 * and inside a busybox container.
 *
 * Prints one line of key=value pairs: the rate, and with --counts what it
 * caused, so a tracer's output can be checked against it.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *argp_program_version = "storm (lookout bench)";

static const char doc[] =
	"storm: fork, exec a tiny static program, signal a helper, reap; repeat.\n"
	"\n"
	"EXAMPLES:\n"
	"  storm -n 5000                     5000 rounds, SIGUSR1 to the helper each round\n"
	"  storm -n 5000 --signal-every 10   a signal every 10th round\n"
	"  storm --seconds 20 --counts       rounds for 20 s, then what they caused\n"
	"\v"
	"Output: rounds=N seconds=S rounds_per_sec=R cpu_us_per_round=C sys_us_per_round=K "
	"[execs=.. exits=.. sigusr1=.. sigchld=.. storm_pid=.. helper_pid=..]. The CPU "
	"time is storm's, its children's and its helper's (getrusage), user and system: "
	"BPF programs on the hooks run in these processes and count there. Pids are as "
	"storm sees them (its PID namespace).";

static const struct argp_option option_table[] = {
	{ "rounds", 'n', "N", 0, "Rounds to run (default 1000; 0 = no limit with --seconds)", 0 },
	{ "signal-every", 's', "N", 0, "Signal the helper every N rounds (default 1; 0 = never)",
	  0 },
	{ "seconds", 't', "S", 0, "Stop after S seconds even if rounds remain", 0 },
	{ "tiny", 'x', "PATH", 0, "Program to exec (default: tiny beside storm)", 0 },
	{ "counts", 'c', NULL, 0, "Also print the execs, exits and signals the run caused", 0 },
	{},
};

struct options {
	unsigned long rounds;
	unsigned long signal_every;
	double seconds;
	const char *tiny;
	int counts;
};

static int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || end == s || *end || *s == '-' ? -1 : 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct options *o = state->input;
	char *end;

	switch (key) {
	case 'n':
		if (parse_ulong(arg, &o->rounds))
			argp_error(state, "invalid round count '%s'", arg);
		break;
	case 's':
		if (parse_ulong(arg, &o->signal_every))
			argp_error(state, "invalid --signal-every '%s'", arg);
		break;
	case 't':
		o->seconds = strtod(arg, &end);
		if (end == arg || *end || o->seconds <= 0)
			argp_error(state, "invalid --seconds '%s'", arg);
		break;
	case 'x':
		o->tiny = arg;
		break;
	case 'c':
		o->counts = 1;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv_us(const struct timeval *tv)
{
	return tv->tv_sec * 1e6 + tv->tv_usec;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* tiny sits beside storm unless --tiny says otherwise. */
static int tiny_path(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + sizeof("/tiny") > size)
		return -1;
	strcpy(slash, "/tiny");
	return 0;
}

int main(int argc, char **argv)
{
	struct options o = { .rounds = 1000, .signal_every = 1 };
	struct argp argp = { option_table, parse_opt, NULL, doc, NULL, NULL, NULL };
	unsigned long i, execs = 0, failures = 0, sigusr1 = 0;
	char path[PATH_MAX];
	struct sigaction sa;
	pid_t helper, child;
	struct rusage self, kids;
	double t0, t1, user, sys;
	int status;

	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 2;
	if (!o.rounds && !o.seconds) {
		fprintf(stderr, "storm: --rounds 0 needs --seconds\n");
		return 2;
	}
	if (!o.tiny) {
		if (tiny_path(path, sizeof(path))) {
			fprintf(stderr, "storm: cannot find tiny beside storm: give --tiny\n");
			return 1;
		}
		o.tiny = path;
	}
	if (access(o.tiny, X_OK)) {
		fprintf(stderr, "storm: %s: %s\n", o.tiny, strerror(errno));
		return 1;
	}

	/* The helper inherits the handler at fork, so a signal sent before it
	 * runs is caught too: it never dies of SIGUSR1. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL)) {
		perror("storm: sigaction");
		return 1;
	}
	fflush(NULL);
	helper = fork();
	if (helper < 0) {
		perror("storm: fork");
		return 1;
	}
	if (helper == 0) {
		for (;;)
			pause();
	}

	t0 = now_s();
	for (i = 0; !o.rounds || i < o.rounds; i++) {
		if (o.seconds && (i & 15) == 0 && now_s() - t0 >= o.seconds)
			break;
		child = fork();
		if (child < 0) {
			perror("storm: fork");
			break;
		}
		if (child == 0) {
			char *cargv[] = { "tiny", NULL };
			char *cenv[] = { NULL };

			execve(o.tiny, cargv, cenv);
			_exit(127);
		}
		if (o.signal_every && i % o.signal_every == 0) {
			if (kill(helper, SIGUSR1) == 0)
				sigusr1++;
		}
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			execs++;
		else
			failures++;
	}
	t1 = now_s();

	kill(helper, SIGKILL);
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;

	/* Every child and the helper are reaped: RUSAGE_CHILDREN holds them all.
	 * The few ms of setup before t0 are negligible against thousands of rounds. */
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	user = tv_us(&self.ru_utime) + tv_us(&kids.ru_utime);
	sys = tv_us(&self.ru_stime) + tv_us(&kids.ru_stime);
	printf("rounds=%lu seconds=%.6f rounds_per_sec=%.1f cpu_us_per_round=%.2f "
	       "sys_us_per_round=%.2f", i, t1 - t0, t1 > t0 ? i / (t1 - t0) : 0.0,
	       i ? (user + sys) / i : 0.0, i ? sys / i : 0.0);
	/* Per round: one exec (a failed one execs nothing), one exit of tiny, one
	 * SIGCHLD (the kernel's, to storm), and SIGUSR1 on every signal_every-th
	 * round. Outside the rounds: the helper's SIGKILL, its exit (comm storm)
	 * and its SIGCHLD, counted in sigchld. */
	if (o.counts)
		printf(" execs=%lu exec_failures=%lu exits=%lu sigusr1=%lu sigchld=%lu"
		       " storm_pid=%d helper_pid=%d",
		       execs, failures, i, sigusr1, i + 1, (int)getpid(), (int)helper);
	printf("\n");
	return failures ? 1 : 0;
}
