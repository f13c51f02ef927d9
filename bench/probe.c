// SPDX-License-Identifier: GPL-2.0
/*
 * probe.c - measures lookout from the outside, for bench/run.sh.
 *
 *   probe startup [--settle-ms N] [--stderr FILE] -- LOOKOUT [ARGS]
 *	Starts LOOKOUT with stdout on a pipe it reads, and times (monotonic clock,
 *	from just before fork) the arrival of the `lookout_start` line and the
 *	moment lookout is ready: it drops its capabilities right after the task
 *	walk that seeds the processes already running, which /proc/PID/status
 *	shows. Then its memory, then SIGTERM.
 *
 *   probe latency --pids FILE [--gap-ms MIN-MAX] [--timeout-ms N] [--raw FILE]
 *		   [--stderr FILE] [--format lookout|sigsnoop] -- LOOKOUT --json [ARGS]
 *	Starts LOOKOUT the same way; once ready, sends SIGKILL to each pid in FILE,
 *	one at a time, and measures from just before kill(2) to the return of the
 *	read(2) that brought the matching `signal` line (SIGKILL, target host_pid).
 *	Both stamps are taken in this process, on one clock. --format sigsnoop
 *	reads libbpf-tools' sigsnoop instead (run it line-buffered: stdbuf -oL),
 *	the same path with the smallest consumer, as a reference.
 *
 *   probe count --container ID --storm-pid P --helper-pid H < LOOKOUT.json
 *	Counts what lookout reported of a storm (see storm.c) in one container:
 *	execs of tiny, exits of tiny, SIGUSR1 to the helper, SIGCHLD to storm
 *	(pids as storm printed them: its own PID namespace), and the drops lookout
 *	admitted (`lost` events, `lookout_stop` totals).
 *
 *   probe mem PID	heap and other memory of PID without its BPF map
 *			mappings (ring buffers), from /proc/PID/smaps
 *   probe progs PID	per BPF program of PID: prog_id, hook, run_cnt, run_time_ns
 *
 * Output is one line of key=value pairs (progs: one line per program).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#define LINE_MAX_BYTES	(1 << 20)

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- memory ------------------------------------------------------------------------ */

struct mem {
	long rss_kb;		/* every mapping but BPF maps */
	long bpf_kb;		/* BPF map mappings: the ring buffers, global data */
	long hwm_kb;		/* VmHWM, which counts both */
};

/* BPF maps mmapped into a process show as anon_inode:bpf-map (the ring buffers'
 * consumer, producer and data pages, and mmapable arrays): kernel memory that
 * the process only maps. Everything else is the process's own. */
static int mem_read(pid_t pid, struct mem *m)
{
	char path[64], line[512];
	bool bpf = false;
	FILE *f;
	long kb;

	memset(m, 0, sizeof(*m));
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char perms[8];

		/* A mapping's header: "lo-hi perms offset dev inode [path]". */
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) == 3) {
			bpf = strstr(line, "anon_inode:bpf-map") != NULL;
			continue;
		}
		if (sscanf(line, "Rss: %ld kB", &kb) == 1) {
			if (bpf)
				m->bpf_kb += kb;
			else
				m->rss_kb += kb;
		}
	}
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			m->hwm_kb = kb;
	fclose(f);
	return 0;
}

static int cmd_mem(int argc, char **argv)
{
	struct mem m;

	if (argc != 2) {
		fprintf(stderr, "usage: probe mem PID\n");
		return 2;
	}
	if (mem_read(atoi(argv[1]), &m)) {
		fprintf(stderr, "probe: cannot read the memory of %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	printf("rss_kb=%ld bpf_map_kb=%ld hwm_kb=%ld\n", m.rss_kb, m.bpf_kb, m.hwm_kb);
	return 0;
}

/* ---- BPF programs ------------------------------------------------------------------- */

static bool fdinfo_u64(const char *text, const char *key, unsigned long long *out)
{
	const char *p = strstr(text, key);

	return p && sscanf(p + strlen(key), " %llu", out) == 1;
}

static int cmd_progs(int argc, char **argv)
{
	struct { unsigned long long id, cnt, ns; char hook[64]; } progs[256];
	struct { unsigned long long prog; char hook[64]; } links[256];
	int nprogs = 0, nlinks = 0, i, j;
	char path[64], text[4096];
	struct dirent *de;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: probe progs PID\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%s/fdinfo", argv[1]);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "probe: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		unsigned long long v;
		char fpath[400];
		const char *tp;
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(fpath, sizeof(fpath), "%s/%s", path, de->d_name);
		fd = open(fpath, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n <= 0)
			continue;
		text[n] = '\0';
		if (strstr(text, "link_type:") && fdinfo_u64(text, "prog_id:", &v) &&
		    nlinks < 256) {
			links[nlinks].prog = v;
			tp = strstr(text, "tp_name:");
			if (!tp || sscanf(tp + 8, " %63s", links[nlinks].hook) != 1)
				strcpy(links[nlinks].hook, "-");
			nlinks++;
		} else if (strstr(text, "prog_type:") && fdinfo_u64(text, "prog_id:", &v) &&
			   nprogs < 256) {
			progs[nprogs].id = v;
			progs[nprogs].cnt = progs[nprogs].ns = 0;
			fdinfo_u64(text, "run_cnt:", &progs[nprogs].cnt);
			fdinfo_u64(text, "run_time_ns:", &progs[nprogs].ns);
			strcpy(progs[nprogs].hook, "-");
			nprogs++;
		}
	}
	closedir(d);
	for (i = 0; i < nprogs; i++) {
		for (j = 0; j < nlinks; j++)
			if (links[j].prog == progs[i].id)
				strcpy(progs[i].hook, links[j].hook);
		printf("prog_id=%llu hook=%s run_cnt=%llu run_time_ns=%llu\n", progs[i].id,
		       progs[i].hook, progs[i].cnt, progs[i].ns);
	}
	return 0;
}

/* ---- a running lookout whose stdout we read ------------------------------------------- */

struct tracer {
	pid_t pid;
	int fd;
	char *buf;		/* bytes read, not yet a whole line */
	size_t len;
	bool eof;
	uint64_t t_fork;	/* monotonic, just before fork */
	uint64_t t_start_line;	/* arrival of lookout_start */
	uint64_t t_ready;	/* capabilities dropped: seeding done */
	unsigned long lines;
	unsigned long existing;	/* container_start lines with "existing":true */
	char caps0[32];		/* CapEff before lookout dropped anything */
	long peak_rss_kb;
	uint64_t t_mem;		/* last memory sample */
	bool sigsnoop;		/* a peer: ready at its header line with a BPF link held */
};

static int read_caps(pid_t pid, char *out, size_t size)
{
	char path[64], line[256];
	FILE *f;
	int found = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %31s", out) == 1 && size >= 32) {
			found = 0;
			break;
		}
	fclose(f);
	return found;
}

static int tracer_start(struct tracer *t, char **cmd, const char *stderr_file)
{
	int p[2];

	memset(t, 0, sizeof(*t));
	t->buf = malloc(LINE_MAX_BYTES);
	if (!t->buf || pipe2(p, O_CLOEXEC))
		return -1;
	if (read_caps(getpid(), t->caps0, sizeof(t->caps0)))
		return -1;
	t->t_fork = now_ns(CLOCK_MONOTONIC);
	t->pid = fork();
	if (t->pid < 0)
		return -1;
	if (t->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		if (stderr_file) {
			int fd = open(stderr_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd >= 0)
				dup2(fd, STDERR_FILENO);
		}
		execvp(cmd[0], cmd);
		fprintf(stderr, "probe: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	t->fd = p[0];
	return 0;
}

typedef void (*line_fn)(struct tracer *t, char *line, uint64_t t_read, void *ctx);

static void sample_mem(struct tracer *t, uint64_t now)
{
	struct mem m;

	if (now - t->t_mem < 20000000ULL)
		return;
	t->t_mem = now;
	if (mem_read(t->pid, &m) == 0 && m.rss_kb > t->peak_rss_kb)
		t->peak_rss_kb = m.rss_kb;
}

/* Waits up to timeout_ms for output, reads what is there, hands every whole
 * line to fn with the time the read returned. Returns the lines handled. */
static int tracer_pump(struct tracer *t, int timeout_ms, line_fn fn, void *ctx)
{
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	uint64_t t_read;
	char *start, *nl;
	ssize_t n;
	int handled = 0;

	if (t->eof)
		return 0;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = read(t->fd, t->buf + t->len, LINE_MAX_BYTES - 1 - t->len);
	t_read = now_ns(CLOCK_MONOTONIC);
	if (n <= 0) {
		if (n == 0 || errno != EINTR)
			t->eof = true;
		return 0;
	}
	t->len += n;
	start = t->buf;
	while ((nl = memchr(start, '\n', t->buf + t->len - start))) {
		*nl = '\0';
		t->lines++;
		if (!t->t_start_line && strstr(start, "\"event\":\"lookout_start\""))
			t->t_start_line = t_read;
		if (strstr(start, "\"event\":\"container_start\"") &&
		    strstr(start, "\"existing\":true"))
			t->existing++;
		if (fn)
			fn(t, start, t_read, ctx);
		handled++;
		start = nl + 1;
	}
	t->len -= start - t->buf;
	memmove(t->buf, start, t->len);
	if (t->len == LINE_MAX_BYTES - 1)
		t->len = 0;	/* a line longer than the buffer: drop it */
	return handled;
}

static bool holds_bpf_link(pid_t pid)
{
	char path[64], target[64];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char fpath[400];
		ssize_t n;

		snprintf(fpath, sizeof(fpath), "%s/%s", path, de->d_name);
		n = readlink(fpath, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			found = strstr(target, "bpf_link") != NULL;
		}
	}
	closedir(d);
	return found;
}

/* Until the lookout_start line has come and the capabilities are dropped. */
static int tracer_wait_ready(struct tracer *t, int timeout_ms)
{
	uint64_t deadline = t->t_fork + (uint64_t)timeout_ms * 1000000ULL;
	char caps[32];

	while (!t->t_ready) {
		uint64_t now = now_ns(CLOCK_MONOTONIC);

		if (now > deadline || t->eof)
			return -1;
		tracer_pump(t, 1, NULL, NULL);
		sample_mem(t, now);
		if (t->sigsnoop) {
			if (t->lines && holds_bpf_link(t->pid))
				t->t_ready = now_ns(CLOCK_MONOTONIC);
		} else if (read_caps(t->pid, caps, sizeof(caps)) == 0 &&
			   strcmp(caps, t->caps0) && t->t_start_line) {
			t->t_ready = now_ns(CLOCK_MONOTONIC);
		}
	}
	return 0;
}

/* Reads for ms milliseconds, whatever comes. */
static void tracer_drain_for(struct tracer *t, unsigned ms, line_fn fn, void *ctx)
{
	uint64_t end = now_ns(CLOCK_MONOTONIC) + ms * 1000000ULL, now;

	while ((now = now_ns(CLOCK_MONOTONIC)) < end && !t->eof) {
		tracer_pump(t, (int)((end - now) / 1000000ULL) + 1, fn, ctx);
		sample_mem(t, now);
	}
}

static int tracer_stop(struct tracer *t)
{
	int status = 0;

	if (t->pid <= 0)
		return -1;
	kill(t->pid, SIGTERM);
	while (!t->eof)
		tracer_pump(t, 1000, NULL, NULL);
	while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(t->fd);
	free(t->buf);
	t->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Common options of startup and latency. */
struct run_opts {
	const char *stderr_file;
	const char *pids_file;
	const char *raw_file;
	unsigned settle_ms;
	unsigned gap_min, gap_max;
	unsigned timeout_ms;
	bool sigsnoop;
	char **cmd;
};

static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--")) {
			o->cmd = argv + i + 1;
			return argv[i + 1] ? 0 : -1;
		}
		if (!v)
			return -1;
		if (!strcmp(a, "--stderr"))
			o->stderr_file = v;
		else if (!strcmp(a, "--pids"))
			o->pids_file = v;
		else if (!strcmp(a, "--raw"))
			o->raw_file = v;
		else if (!strcmp(a, "--settle-ms"))
			o->settle_ms = atoi(v);
		else if (!strcmp(a, "--timeout-ms"))
			o->timeout_ms = atoi(v);
		else if (!strcmp(a, "--format")) {
			if (!strcmp(v, "sigsnoop"))
				o->sigsnoop = true;
			else if (strcmp(v, "lookout"))
				return -1;
		}
		else if (!strcmp(a, "--gap-ms")) {
			if (sscanf(v, "%u-%u", &o->gap_min, &o->gap_max) != 2 ||
			    o->gap_max < o->gap_min)
				return -1;
		} else
			return -1;
		i++;
	}
	return -1;
}

static int cmd_startup(int argc, char **argv)
{
	struct run_opts o = { .settle_ms = 500 };
	struct tracer t;
	struct mem m = { 0 };
	int rc;

	if (parse_run_opts(argc, argv, &o)) {
		fprintf(stderr, "usage: probe startup [--settle-ms N] [--stderr FILE] -- CMD...\n");
		return 2;
	}
	if (tracer_start(&t, o.cmd, o.stderr_file)) {
		fprintf(stderr, "probe: cannot start %s: %s\n", o.cmd[0], strerror(errno));
		return 1;
	}
	if (tracer_wait_ready(&t, 120000)) {
		fprintf(stderr, "probe: %s did not become ready\n", o.cmd[0]);
		tracer_stop(&t);
		return 1;
	}
	tracer_drain_for(&t, o.settle_ms, NULL, NULL);
	mem_read(t.pid, &m);
	if (m.rss_kb > t.peak_rss_kb)
		t.peak_rss_kb = m.rss_kb;
	printf("start_line_ms=%.3f ready_ms=%.3f existing_containers=%lu lines=%lu "
	       "rss_kb=%ld peak_rss_kb=%ld bpf_map_kb=%ld hwm_kb=%ld",
	       (t.t_start_line - t.t_fork) / 1e6, (t.t_ready - t.t_fork) / 1e6, t.existing,
	       t.lines, m.rss_kb, t.peak_rss_kb, m.bpf_kb, m.hwm_kb);
	rc = tracer_stop(&t);
	printf(" exit=%d\n", rc);
	return rc ? 1 : 0;
}

/* ---- alert latency ----------------------------------------------------------------- */

struct wait_kill {
	long pid;		/* target we wait for */
	bool found;
	uint64_t t_read;
	uint64_t event_rt;	/* the event's "time", ns since the epoch */
};

/* "2026-11-29T09:45:06.967123456Z" -> ns since the epoch. */
static uint64_t parse_rfc3339(const char *s)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	uint64_t ns = 0;
	int digits = 0;

	if (!p)
		return 0;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 9)
				ns = ns * 10 + (*p - '0');
	for (; digits < 9; digits++)
		ns *= 10;
	return (uint64_t)timegm(&tm) * 1000000000ULL + ns;
}

static void on_kill_line(struct tracer *t, char *line, uint64_t t_read, void *ctx)
{
	struct wait_kill *w = ctx;
	struct json_object *j, *v, *target;

	(void)t;
	if (w->found || !strstr(line, "\"SIGKILL\""))
		return;
	j = json_tokener_parse(line);
	if (!j)
		return;
	if (json_object_object_get_ex(j, "event", &v) &&
	    !strcmp(json_object_get_string(v), "signal") &&
	    json_object_object_get_ex(j, "signal", &v) && json_object_get_int(v) == SIGKILL &&
	    json_object_object_get_ex(j, "target", &target) &&
	    json_object_object_get_ex(target, "host_pid", &v) &&
	    json_object_get_int64(v) == w->pid) {
		w->found = true;
		w->t_read = t_read;
		if (json_object_object_get_ex(j, "time", &v))
			w->event_rt = parse_rfc3339(json_object_get_string(v));
	}
	json_object_put(j);
}

/* sigsnoop's line: TIME PID COMM SIG TPID RESULT (comm may hold spaces: read
 * from the end). It carries no time of its own. */
static void on_kill_line_sigsnoop(struct tracer *t, char *line, uint64_t t_read, void *ctx)
{
	struct wait_kill *w = ctx;
	char *tok[64];
	int n = 0;
	char *save, *p;

	(void)t;
	if (w->found)
		return;
	for (p = strtok_r(line, " \t", &save); p && n < 64; p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	if (n >= 6 && atoi(tok[n - 3]) == SIGKILL && atol(tok[n - 2]) == w->pid) {
		w->found = true;
		w->t_read = t_read;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_ms(const int64_t *v, size_t n, double p)
{
	size_t i;

	if (!n)
		return 0;
	i = (size_t)(p / 100.0 * (n - 1) + 0.5);
	return v[i < n ? i : n - 1] / 1e6;
}

static int cmd_latency(int argc, char **argv)
{
	struct run_opts o = { .settle_ms = 500, .gap_min = 5, .gap_max = 25,
			      .timeout_ms = 3000 };
	size_t npids = 0, cap = 0, matched = 0, missing = 0, skipped = 0, i;
	int64_t *lat = NULL, *klat = NULL;
	long *pids = NULL, pid;
	FILE *f, *raw = NULL;
	struct tracer t;
	int rc, ended_early;

	if (parse_run_opts(argc, argv, &o) || !o.pids_file) {
		fprintf(stderr, "usage: probe latency --pids FILE [--gap-ms MIN-MAX] "
				"[--timeout-ms N] [--raw FILE] [--stderr FILE] "
				"[--format lookout|sigsnoop] -- CMD...\n");
		return 2;
	}
	f = fopen(o.pids_file, "r");
	if (!f) {
		fprintf(stderr, "probe: %s: %s\n", o.pids_file, strerror(errno));
		return 1;
	}
	while (fscanf(f, "%ld", &pid) == 1) {
		if (npids == cap) {
			cap = cap ? cap * 2 : 256;
			pids = realloc(pids, cap * sizeof(*pids));
			if (!pids)
				return 1;
		}
		pids[npids++] = pid;
	}
	fclose(f);
	lat = calloc(npids + 1, sizeof(*lat));
	klat = calloc(npids + 1, sizeof(*klat));
	if (!lat || !klat)
		return 1;
	if (o.raw_file)
		raw = fopen(o.raw_file, "w");
	if (tracer_start(&t, o.cmd, o.stderr_file)) {
		fprintf(stderr, "probe: cannot start %s: %s\n", o.cmd[0], strerror(errno));
		return 1;
	}
	t.sigsnoop = o.sigsnoop;
	if (tracer_wait_ready(&t, 120000)) {
		fprintf(stderr, "probe: %s did not become ready\n", o.cmd[0]);
		tracer_stop(&t);
		return 1;
	}
	tracer_drain_for(&t, o.settle_ms, NULL, NULL);
	srand(getpid());
	for (i = 0; i < npids && !t.eof; i++) {
		struct wait_kill w = { .pid = pids[i] };
		uint64_t t0, t0_rt, deadline;

		/* Random gaps: no phase lock with lookout's poll timeout. */
		tracer_drain_for(&t, o.gap_min + rand() % (o.gap_max - o.gap_min + 1), NULL, NULL);
		t0_rt = now_ns(CLOCK_REALTIME);
		t0 = now_ns(CLOCK_MONOTONIC);
		if (kill(pids[i], SIGKILL)) {
			skipped++;
			continue;
		}
		deadline = t0 + o.timeout_ms * 1000000ULL;
		while (!w.found && !t.eof && now_ns(CLOCK_MONOTONIC) < deadline)
			tracer_pump(&t, 10, o.sigsnoop ? on_kill_line_sigsnoop : on_kill_line, &w);
		if (!w.found) {
			missing++;
			continue;
		}
		lat[matched] = w.t_read - t0;
		klat[matched] = w.event_rt ? (int64_t)(w.event_rt - t0_rt) : 0;
		if (raw)
			fprintf(raw, "%ld %lld %lld\n", pids[i], (long long)lat[matched],
				(long long)klat[matched]);
		matched++;
	}
	ended_early = t.eof;
	rc = tracer_stop(&t);
	if (raw)
		fclose(raw);
	qsort(lat, matched, sizeof(*lat), cmp_i64);
	qsort(klat, matched, sizeof(*klat), cmp_i64);
	printf("kills=%zu matched=%zu missing=%zu skipped=%zu p50_ms=%.3f p90_ms=%.3f "
	       "p99_ms=%.3f max_ms=%.3f min_ms=%.3f kernel_stamp_p50_ms=%.3f exit=%d "
	       "ended_early=%d\n",
	       npids, matched, missing, skipped, pct_ms(lat, matched, 50),
	       pct_ms(lat, matched, 90), pct_ms(lat, matched, 99),
	       matched ? lat[matched - 1] / 1e6 : 0, matched ? lat[0] / 1e6 : 0,
	       pct_ms(klat, matched, 50), rc, ended_early);
	free(lat);
	free(klat);
	free(pids);
	return rc || missing ? 1 : 0;
}

/* ---- counting a storm in lookout's output ----------------------------------------------- */

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static long long jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return -1;
	return json_object_get_int64(v);
}

static struct json_object *jobj(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static int cmd_count(int argc, char **argv)
{
	unsigned long long lines = 0, in_container = 0, execs = 0, exits = 0, usr1 = 0, chld = 0;
	unsigned long long lost_events = 0, lost_alerts = 0, lost_lines = 0;
	long long stop_events = -1, stop_written = -1, drop_events = -1, drop_alerts = -1;
	const char *container = NULL;
	long storm = -1, helper = -1;
	char *line = NULL;
	size_t cap = 0;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--container"))
			container = argv[i + 1];
		else if (!strcmp(argv[i], "--storm-pid"))
			storm = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--helper-pid"))
			helper = atol(argv[i + 1]);
		else
			break;
	}
	if (i != argc || !container || storm < 0 || helper < 0) {
		fprintf(stderr, "usage: probe count --container ID --storm-pid P --helper-pid H "
				"< lookout.json\n");
		return 2;
	}
	while (getline(&line, &cap, stdin) > 0) {
		struct json_object *j, *c, *target;
		const char *ev, *s;

		lines++;
		/* Only lines that can matter are parsed: a loss run writes 400,000. */
		if (!strstr(line, container) && !strstr(line, "\"event\":\"lost\"") &&
		    !strstr(line, "\"event\":\"lookout_stop\""))
			continue;
		j = json_tokener_parse(line);
		if (!j)
			continue;
		ev = jstr(j, "event");
		if (!ev)
			goto next;
		if (!strcmp(ev, "lost")) {
			s = jstr(j, "buffer");
			if (s && !strcmp(s, "alerts"))
				lost_alerts += jint(j, "count");
			else
				lost_events += jint(j, "count");
			lost_lines++;
			goto next;
		}
		if (!strcmp(ev, "lookout_stop")) {
			struct json_object *tot = jobj(j, "totals");

			stop_events = jint(tot, "events");
			stop_written = jint(tot, "written");
			drop_events = jint(jobj(tot, "dropped"), "events");
			drop_alerts = jint(jobj(tot, "dropped"), "alerts");
			goto next;
		}
		c = jobj(j, "container");
		s = jstr(c, "id");
		if (!s || strcmp(s, container))
			goto next;
		in_container++;
		if (!strcmp(ev, "exec")) {
			s = jstr(j, "filename");
			if (s && strlen(s) >= 5 && !strcmp(s + strlen(s) - 5, "/tiny"))
				execs++;
		} else if (!strcmp(ev, "exit")) {
			s = jstr(j, "comm");
			if (s && !strcmp(s, "tiny"))
				exits++;
		} else if (!strcmp(ev, "signal")) {
			target = jobj(j, "target");
			s = jstr(j, "signal_name");
			if (s && !strcmp(s, "SIGUSR1") && jint(target, "ns_pid") == helper)
				usr1++;
			else if (s && !strcmp(s, "SIGCHLD") && jint(target, "ns_pid") == storm)
				chld++;
		}
next:
		json_object_put(j);
	}
	free(line);
	printf("lines=%llu container_lines=%llu execs=%llu exits=%llu sigusr1=%llu sigchld=%llu "
	       "lost_lines=%llu lost_events=%llu lost_alerts=%llu stop_events=%lld "
	       "stop_written=%lld dropped_events=%lld dropped_alerts=%lld\n",
	       lines, in_container, execs, exits, usr1, chld, lost_lines, lost_events,
	       lost_alerts, stop_events, stop_written, drop_events, drop_alerts);
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && !strcmp(argv[1], "startup"))
		return cmd_startup(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "latency"))
		return cmd_latency(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "count"))
		return cmd_count(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "mem"))
		return cmd_mem(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "progs"))
		return cmd_progs(argc - 1, argv + 1);
	fprintf(stderr, "usage: probe startup|latency|count|mem|progs ... (see probe.c)\n");
	return 2;
}
