// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - lookout's command line and main loop: parse options, start the
 * BPF side, poll the ring buffers, report drops, stop cleanly on SIGINT or
 * SIGTERM and reopen the audit log on SIGHUP.
 */
#include <argp.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "containers.h"
#include "loader.h"
#include "metrics.h"
#include "options.h"
#include "output.h"
#include "pipeline.h"
#include "privileges.h"
#include "proc.h"
#include "syslog_sink.h"

#define POLL_MS 100
#define LOST_CHECK_NS (1000ULL * 1000 * 1000)
#define LOST_CHECK_MAX_NS (5 * LOST_CHECK_NS)
/* What a stop spends on an output that does not take its records: then lookout
 * gives up on it, counts what it did not write, and exits. */
#define STOP_FLUSH_MS 2000
#define GIVE_UP_TICK_MS 100
/* The live output's reader went away: lookout ended cleanly (lookout_stop went
 * to the other outputs) but could not write all it saw; sysexits' EX_IOERR,
 * not 141 (128 + SIGPIPE), since no signal ended it. */
#define EXIT_OUTPUT_CLOSED EX_IOERR

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t reopen_audit;
static volatile sig_atomic_t give_up;	/* the stop's flush time is up */
static timer_t give_up_timer;

/*
 * The first SIGINT or SIGTERM starts the stop's clock: STOP_FLUSH_MS from now,
 * then every GIVE_UP_TICK_MS, SIGALRM interrupts whatever write blocks (a reader
 * that stopped reading), so no write outlasts the stop by more than a tick. A
 * second one stops waiting at once. timer_settime is async-signal-safe.
 */
static void on_stop(int sig)
{
	struct itimerspec its = {
		.it_value = { STOP_FLUSH_MS / 1000, (STOP_FLUSH_MS % 1000) * 1000000L },
		.it_interval = { 0, GIVE_UP_TICK_MS * 1000000L },
	};

	if (stop_signal)
		give_up = 1;
	else
		timer_settime(give_up_timer, 0, &its, NULL);
	stop_signal = sig;
}

static void on_give_up(int sig)
{
	(void)sig;
	give_up = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reopen_audit = 1;
}

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* No SA_RESTART: a signal must interrupt a write that blocks. */
static int install_signals(void)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	struct sigaction sa = { .sa_handler = on_give_up };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) ||
	    timer_create(CLOCK_MONOTONIC, &sev, &give_up_timer))
		return -errno;
	sa.sa_handler = on_stop;
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	sa.sa_handler = on_hup;
	if (sigaction(SIGHUP, &sa, NULL))
		return -errno;
	/* A write to a closed output, or past a file size limit, fails with
	 * EPIPE or EFBIG instead of ending lookout without its lookout_stop. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	return 0;
}

static void stop_give_up_timer(void)
{
	struct itimerspec off = {};

	timer_settime(give_up_timer, 0, &off, NULL);
}

static int fill_host(struct report_host *h, __u32 host_pidns)
{
	if (gethostname(h->hostname, sizeof(h->hostname) - 1))
		snprintf(h->hostname, sizeof(h->hostname), "unknown");
	if (proc_read_boot_id(h->boot_id, sizeof(h->boot_id)))
		h->boot_id[0] = '\0';
	h->boot_to_real_ns = (__s64)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));
	h->host_pidns = host_pidns;
	return 0;
}

/* In a container that shares the host's PIDs, the host's files are under
 * /proc/1/root; on the host that is our own root. */
static const char *default_host_root(void)
{
	struct stat ours, host;

	if (stat("/", &ours))
		return "";
	if (stat("/proc/1/root", &host)) {
		/* PID 1 may hold capabilities we lack (then its root is out of reach
		 * even on the host). That matters only where no runtime state is in
		 * sight, as in lookout's own image: say how to show it the host's. */
		if (!access("/var/lib/docker", F_OK) || !access("/var/lib/containers", F_OK) ||
		    !access("/run/containerd", F_OK) || !access("/var/lib/lxc", F_OK))
			return "";
		fprintf(stderr, "lookout: warning: cannot look through /proc/1/root (%s): if "
				"lookout runs in a container, mount the host's / (-v /:/host:ro) "
				"and pass --host-root /host\n", strerror(errno));
		return "";
	}
	return ours.st_dev == host.st_dev && ours.st_ino == host.st_ino ? "" : "/proc/1/root";
}

/* Gauges for --metrics: tracked processes and containers. */
static void count_members(const struct loader *ld, struct metrics *m)
{
	unsigned long long procs, containers;

	if (!m)
		return;
	loader_count_members(ld, &procs, &containers);
	metrics_set_tracked(m, procs);
	metrics_set_containers(m, containers);
}

/*
 * One round takes at most ROUND_MAX records from each ring. libbpf drains a
 * ring until it stays empty, which under a sustained flood is never: the round
 * would not end, alerts and drop reports would wait, and SIGINT would go
 * unanswered. A budget per ring keeps a flood in one (cgroup churn, say) from
 * starving the others. Returning an error from the callback stops the drain
 * after this record (already taken).
 */
#define ROUND_MAX 4096
#define ROUND_FULL (-E2BIG)

/* The rings, in the order a round reads them: cgroup records first, so a new
 * cgroup's verdict is in before its processes' records; then alerts. */
enum { RING_CGROUPS = LOADER_RING_CGROUPS, RING_ALERTS = LOADER_RING_ALERTS,
       RING_EVENTS = LOADER_RING_EVENTS, RINGS = LOADER_RINGS };

struct reader {
	struct pipeline *pl;
	struct ring_buffer *rb;
	bool alert;			/* write each record out as soon as it is handled */
	unsigned int taken;
	__u64 last_ns;			/* time of the last record taken */
};

struct round {
	struct reader ring[RINGS];
	int epfd;			/* every ring's epoll descriptor */
};

static int take(void *ctx, void *data, size_t size)
{
	struct reader *r = ctx;

	if (pipeline_queue(r->pl, data, size, r->alert))
		return -ENOMEM;
	if (size >= sizeof(struct lk_hdr))
		r->last_ns = ((const struct lk_hdr *)data)->time_ns;
	return ++r->taken >= ROUND_MAX ? ROUND_FULL : 0;
}

/*
 * Wait until a ring has data (alerts wake at once, events once a batch has
 * built up, cgroup records when the reader has caught up) or the timeout, then
 * take each ring in turn, up to ROUND_MAX records from each, and write them: in
 * kernel time order, each alert written out as soon as it is handled. Returns
 * the records taken, ROUND_MAX when a ring had more, or -errno.
 */
static int take_round(struct round *r, int timeout_ms)
{
	struct epoll_event ev[RINGS + 1];
	bool full = false, caught_up = true;
	int i, n = 0, err = 0, taken = 0;
	__u64 upto = UINT64_MAX;

	if (timeout_ms) {
		n = epoll_wait(r->epfd, ev, RINGS + 1, timeout_ms);
		if (n < 0 && errno != EINTR)
			return -errno;
	}
	for (i = 0; i < n; i++)
		if (ev[i].data.fd == STDOUT_FILENO && (ev[i].events & EPOLLERR))
			pipeline_output_closed(r->ring[0].pl);
	for (i = 0; i < RINGS; i++) {
		r->ring[i].taken = 0;
		err = ring_buffer__consume(r->ring[i].rb);
		taken += r->ring[i].taken;
		if (err == ROUND_FULL) {
			full = true;
			/* It may hold older records than the others gave: wait for them. */
			if (r->ring[i].last_ns < upto)
				upto = r->ring[i].last_ns;
			/* Records of processes may be left: removed cgroups must wait. */
			caught_up = caught_up && i == RING_CGROUPS;
			err = 0;
		}
		if (err < 0)
			break;
	}
	pipeline_drain(r->ring[0].pl, caught_up && err >= 0, upto);
	if (err < 0)
		return err;
	return full ? ROUND_MAX : taken;
}

/*
 * One epoll descriptor that wakes for any ring, and for an error on stdout: a
 * pipe whose reader went away says so at once, so `lookout | head -1` ends on a
 * quiet host too, without waiting for an event to fail to write. (A file or
 * /dev/null cannot be watched, and need not be.)
 */
static int round_open(struct round *r, struct pipeline *pl, const struct loader *ld)
{
	int fds[LOADER_RINGS];
	struct epoll_event out = { .events = 0, .data.fd = STDOUT_FILENO };
	struct epoll_event ev = { .events = EPOLLIN };
	int i;

	loader_ring_fds(ld, fds);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0)
		return -errno;
	for (i = 0; i < RINGS; i++) {
		r->ring[i].pl = pl;
		r->ring[i].alert = i == RING_ALERTS;
		r->ring[i].rb = ring_buffer__new(fds[i], take, &r->ring[i], NULL);
		if (!r->ring[i].rb)
			return -errno;
		ev.data.fd = ring_buffer__epoll_fd(r->ring[i].rb);
		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, ev.data.fd, &ev))
			return -errno;
	}
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, STDOUT_FILENO, &out);	/* EPOLLERR is always reported */
	return 0;
}

static void round_close(struct round *r)
{
	int i;

	if (r->epfd >= 0)
		close(r->epfd);
	r->epfd = -1;
	for (i = 0; i < RINGS; i++) {
		ring_buffer__free(r->ring[i].rb);
		r->ring[i].rb = NULL;
	}
}

static void on_seed(void *ctx, const void *rec, size_t size)
{
	pipeline_seed(ctx, rec, size);
}

/* Containers one check can name in its `lost` events; the rest is unplaced. */
#define LOST_PLACES_MAX 256

/* Kernel counters, and how much of each the last check had seen. */
struct drop_watch {
	__u64 seen[3];
	__u64 since_ns;
	__u64 cgroups_full;
};

/* Turn new kernel-side drops into `lost` events, so gaps are visible in the log,
 * and bring the totals up to date with the kernel's counters. */
static void check_drops(struct pipeline *pl, const struct loader *ld, struct drop_watch *w,
			struct lookout_totals *t)
{
	static const char *const names[] = { "events", "alerts", "cgroups" };
	static const __u32 stat[] = { LK_STAT_DROP_EVENTS, LK_STAT_DROP_ALERTS,
				      LK_STAT_DROP_CGROUPS };
	__u64 now = clock_ns(CLOCK_BOOTTIME);
	bool cgroups_lost = false;
	__u64 stats[LK_STAT_MAX];
	static struct lk_lost_entry all[LOST_PLACES_MAX], places[2][LOST_PLACES_MAX];
	size_t n_all, nr_places[2] = { 0, 0 };
	unsigned int i;

	/* Per container first, then per buffer: the kernel counts a drop per
	 * buffer just before per container, so the buffer's count covers these. */
	n_all = loader_take_container_losses(ld, all, LOST_PLACES_MAX);
	for (i = 0; i < n_all; i++) {
		__u32 b = all[i].key.flags;

		if (b < 2)
			places[b][nr_places[b]++] = all[i];
	}
	loader_read_stats(ld, stats);
	for (i = 0; i < 3; i++) {
		__u64 n = stats[stat[i]];

		if (n > w->seen[i]) {
			pipeline_lost(pl, now, n - w->seen[i], w->since_ns, names[i],
				      i < 2 ? places[i] : NULL, i < 2 ? nr_places[i] : 0);
			cgroups_lost = cgroups_lost || i == 2;
		}
		w->seen[i] = n;
	}
	/* A dropped mkdir record leaves its cgroup pending, a dropped rmdir record
	 * leaves it mapped: settle both now. */
	if (cgroups_lost)
		pipeline_cgroups_lost(pl);
	w->since_ns = now;
	t->dropped_events = w->seen[0];
	t->dropped_alerts = w->seen[1];
	t->dropped_cgroups = w->seen[2];
	t->emitted = stats[LK_STAT_EMITTED];
	t->tracked_full = stats[LK_STAT_TRACK_FULL];
	t->cgroups_full = w->cgroups_full + stats[LK_STAT_CGROUPS_FULL];
}

/* The counters lookout_stop, the stderr summary and --metrics all show. */
static void update_totals(struct pipeline *pl, struct lookout_totals *t, struct metrics *m)
{
	struct pipeline_counts counts;

	pipeline_counts(pl, &counts);
	t->events = counts.records;
	t->written = counts.written;
	t->not_written = counts.not_written;
	t->bad_records = counts.bad_records;
	t->cgroups_resolved = counts.cgroups_resolved;
	t->metadata_pending = counts.metadata_pending;
	metrics_set_metadata_pending(m, t->metadata_pending);
	metrics_set_dropped(m, "events", t->dropped_events);
	metrics_set_dropped(m, "alerts", t->dropped_alerts);
	metrics_set_dropped(m, "cgroups", t->dropped_cgroups);
	metrics_set_counter(m, METRICS_EMITTED, t->emitted);
	metrics_set_counter(m, METRICS_BAD_RECORDS, t->bad_records);
	metrics_set_counter(m, METRICS_TRACKED_FULL, t->tracked_full);
	metrics_set_counter(m, METRICS_CGROUPS_FULL, t->cgroups_full);
	metrics_set_counter(m, METRICS_CGROUPS_RESOLVED, t->cgroups_resolved);
}

/* Once per run: a full cgroups map is a state to act on, not only a count. */
static void warn_cgroups_full(const struct lookout_totals *t, __u32 max, bool *warned)
{
	if (*warned || !t->cgroups_full)
		return;
	*warned = true;
	fprintf(stderr, "lookout: warning: the cgroups map is full (%u live cgroups): processes "
			"of cgroups made now are not attributed to their container; restart "
			"lookout with a larger --cgroups-max\n", max);
}

/* The stderr summary. `not written`: records the live output did not take
 * (its reader went away, or stalled through the stop), counting lookout_stop. */
static void print_summary(const struct lookout_totals *t, enum pipeline_output out)
{
	static const char *const why[] = {
		[PIPELINE_OUTPUT_OK] = "",
		[PIPELINE_OUTPUT_CLOSED] = ": the output's reader went away",
		[PIPELINE_OUTPUT_STALLED] = ": the output's reader took nothing for 2 s after the stop",
	};

	fprintf(stderr, "lookout: %llu records read from the kernel, %llu events written (lookout's "
			"own included), %llu not written%s, %llu "
			"dropped in the kernel (events %llu, alerts %llu, cgroups %llu); the kernel "
			"wrote %llu; %llu bad records; %llu processes untracked (tracked map full), "
			"%llu cgroups made while the cgroups map was full, %llu pending cgroups "
			"settled by id\n",
		(unsigned long long)t->events, (unsigned long long)t->written,
		(unsigned long long)t->not_written, t->not_written ? why[out] : "",
		(unsigned long long)(t->dropped_events + t->dropped_alerts + t->dropped_cgroups),
		(unsigned long long)t->dropped_events, (unsigned long long)t->dropped_alerts,
		(unsigned long long)t->dropped_cgroups, (unsigned long long)t->emitted,
		(unsigned long long)t->bad_records, (unsigned long long)t->tracked_full,
		(unsigned long long)t->cgroups_full, (unsigned long long)t->cgroups_resolved);
}

/* What is left of the stop's time for the syslog queue, but never less than a
 * moment (lookout_stop has its chance when stdout took all the time) nor more
 * than the second the sink allows itself. */
static unsigned int syslog_wait_ms(__u64 stop_ns)
{
	__u64 spent = (clock_ns(CLOCK_BOOTTIME) - stop_ns) / 1000000;
	__u64 left = give_up || spent >= STOP_FLUSH_MS ? 0 : STOP_FLUSH_MS - spent;

	return left < 250 ? 250 : left > 1000 ? 1000 : (unsigned int)left;
}

static int open_audit(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		fprintf(stderr, "lookout: cannot open audit log %s: %s: give a writable path "
				"that is not a symlink\n", path, strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	struct lookout_options o;
	struct loader ld = { .cgroup_mount_fd = -1 };
	struct report_host host = {};
	struct containers *cs = NULL;
	struct pipeline *pl = NULL;
	struct lookout_totals totals = {};
	struct drop_watch drops = {};
	struct pipeline_opts popts = {};
	struct round round = { .epfd = -1 };
	bool warned_full = false;
	__u64 stop_ns;
	int err, audit_fd = -1, status;
	__u64 now, backlog_ns;		/* since when every round has been full (0: not) */
	struct syslog_sink *sink = NULL;
	struct metrics *metrics = NULL;
	char oerr[1024];
	const char *reason = "interrupted";

	/* Snapshots need no BPF: they read /proc and the runtimes' state. */
	if (argc > 1 && !strcmp(argv[1], "ps"))
		return cmd_ps(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "why"))
		return cmd_why(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "vocabulary"))
		return cmd_vocabulary(argc - 1, argv + 1);

	err = options_parse(argc, argv, &o);
	if (err)
		return err > 0 ? 0 : EX_USAGE;
	o.loader.signal_mask = o.filter.signals;
	o.loader.kernel_signals = !o.filter.origins || (o.filter.origins & (1u << ORIGIN_KERNEL));
	err = loader_check_environment(&o.loader);
	if (err)
		goto fail;
	if (!o.loader.host_root)
		o.loader.host_root = default_host_root();
	if (o.audit_log) {
		audit_fd = open_audit(o.audit_log);
		if (audit_fd < 0)
			goto fail;
	}
	if (o.metrics_listen) {
		metrics = metrics_start(o.metrics_listen, oerr, sizeof(oerr));
		if (!metrics) {
			fprintf(stderr, "lookout: %s\n", oerr);
			goto fail;
		}
	}
	if (install_signals()) {
		fprintf(stderr, "lookout: cannot install signal handlers: %s\n", strerror(errno));
		goto fail;
	}
	if (loader_open_and_load(&ld, &o.loader) || loader_fill_maps(&ld, &o.loader))
		goto fail;
	fill_host(&host, ld.host_pidns);
	if (o.syslog_url) {
		sink = syslog_sink_open(o.syslog_url, host.hostname, oerr, sizeof(oerr));
		if (!sink) {
			fprintf(stderr, "lookout: %s\n", oerr);
			goto fail;
		}
	}
	cs = containers_new(o.loader.host_root);
	if (!cs)
		goto nomem;
	popts.json = o.json;
	popts.format = o.format;
	popts.all = o.loader.all;
	popts.only_kills = o.only_kills;
	popts.filter = &o.filter;
	popts.color = !o.json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	if (!o.json)
		text_view_init(STDOUT_FILENO, o.no_trunc, o.utc);
	popts.out_fd = STDOUT_FILENO;
	popts.audit_fd = audit_fd;
	popts.cgroups_map_fd = loader_cgroups_fd(&ld);
	popts.options = o.command_line;
	popts.syslog = sink;
	popts.metrics = metrics;
	/* The cgroup hooks, then the walk, then the process hooks: see loader.h. */
	if (loader_attach_cgroups(&ld) || loader_seed_cgroups(&ld, cs))
		goto fail;
	popts.cgroup_mount_fd = ld.cgroup_mount_fd;
	popts.cgroup_mount = ld.cgroup_mount;
	drops.cgroups_full = ld.cgroups_unrecorded;
	popts.give_up = &give_up;
	pl = pipeline_new(&popts, cs, &host);
	if (!pl)
		goto nomem;
	audit_fd = -1;	/* the pipeline owns it now */

	if (round_open(&round, pl, &ld)) {
		fprintf(stderr, "lookout: cannot map the ring buffers: %s\n", strerror(errno));
		goto fail;
	}
	/* Process hooks first, then the task walk: see seed_tasks in lookout.bpf.c. */
	if (loader_attach(&ld))
		goto fail;
	pipeline_lookout_start(pl, clock_ns(CLOCK_BOOTTIME));
	if (loader_seed_tasks(&ld, on_seed, pl))
		goto fail;
	pipeline_seed_done(pl);
	if (privileges_drop())
		goto fail;

	drops.since_ns = clock_ns(CLOCK_BOOTTIME);
	backlog_ns = 0;
	while (!stop_signal && pipeline_output_state(pl) == PIPELINE_OUTPUT_OK) {
		err = take_round(&round, POLL_MS);
		if (err < 0) {
			fprintf(stderr, "lookout: reading the ring buffers failed: %s\n",
				strerror(-err));
			reason = "error";
			break;
		}
		if (reopen_audit && o.audit_log) {
			reopen_audit = 0;
			audit_fd = open_audit(o.audit_log);
			if (audit_fd >= 0)
				pipeline_set_audit_fd(pl, audit_fd);
			audit_fd = -1;
		}
		/* Drops are reported once the rings are read through, so the
		 * containers they name are known by then (a backlog may still hold
		 * their first records), or after LOST_CHECK_MAX_NS of backlog. */
		now = clock_ns(CLOCK_BOOTTIME);
		/* A round that waited on a stalled output says nothing of what
		 * piled up meanwhile: read once more, without waiting, to know. */
		if (now - drops.since_ns >= LOST_CHECK_NS && err != ROUND_MAX)
			err = take_round(&round, 0);
		if (err != ROUND_MAX)
			backlog_ns = 0;
		else if (!backlog_ns)
			backlog_ns = now;
		if (now - drops.since_ns >= LOST_CHECK_NS && err >= 0 &&
		    (!backlog_ns || now - backlog_ns >= LOST_CHECK_MAX_NS)) {
			pipeline_tick(pl, clock_ns(CLOCK_BOOTTIME));
			check_drops(pl, &ld, &drops, &totals);
			update_totals(pl, &totals, metrics);
			warn_cgroups_full(&totals, loader_cgroups_max(&ld), &warned_full);
			if (sink)
				metrics_set_dropped(metrics, "syslog", syslog_sink_dropped(sink));
			count_members(&ld, metrics);
		}
		syslog_sink_flush(sink);
	}
	if (stop_signal)
		reason = stop_signal == SIGTERM ? "SIGTERM" : "SIGINT";
	else if (pipeline_output_state(pl) == PIPELINE_OUTPUT_CLOSED)
		reason = "output_closed";
	/* What the kernel wrote before we stopped, including the signal that stopped
	 * us; bounded, so a flood cannot keep lookout from stopping. */
	stop_ns = clock_ns(CLOCK_BOOTTIME);
	while (take_round(&round, 0) == ROUND_MAX &&
	       clock_ns(CLOCK_BOOTTIME) - stop_ns < LOST_CHECK_NS)
		;
	pipeline_drain(pl, false, UINT64_MAX);	/* what waited for a ring left unread */
	check_drops(pl, &ld, &drops, &totals);
	update_totals(pl, &totals, metrics);
	warn_cgroups_full(&totals, loader_cgroups_max(&ld), &warned_full);
	pipeline_lookout_stop(pl, clock_ns(CLOCK_BOOTTIME), reason, &totals);
	stop_give_up_timer();
	update_totals(pl, &totals, metrics);
	print_summary(&totals, pipeline_output_state(pl));
	if (!strcmp(reason, "error"))
		status = 1;
	else if (!strcmp(reason, "output_closed"))
		status = EXIT_OUTPUT_CLOSED;
	else
		status = 0;
	/* What is left of the stop's time for the syslog queue (never less than a
	 * moment, so lookout_stop has its chance when stdout took all the time). */
	syslog_sink_close_wait(sink, syslog_wait_ms(stop_ns));
	sink = NULL;
	goto cleanup;

nomem:
	fprintf(stderr, "lookout: out of memory\n");
fail:
	status = 1;
cleanup:
	if (audit_fd >= 0)
		close(audit_fd);
	round_close(&round);
	pipeline_free(pl);
	syslog_sink_close(sink);
	metrics_stop(metrics);
	containers_free(cs);
	loader_destroy(&ld);
	options_free(&o);
	return status;
}
