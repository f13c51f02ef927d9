// SPDX-License-Identifier: GPL-2.0
/*
 * metrics.c - the `--metrics` endpoint: lookout's counters in the Prometheus
 * text format, served by libmicrohttpd (no HTTP parsing of our own).
 *
 * The main loop counts; MHD's thread renders. One mutex guards the numbers:
 * an update is a few compares under an uncontended lock, and a scrape holds it
 * only while formatting a few kilobytes. Label values come from processes and
 * runtimes (container names), so each is made valid UTF-8 without control
 * bytes when stored, escaped when rendered, and their number is capped so a
 * flood of short-lived containers cannot grow the scrape without bound.
 *
 * The HTTP thread is the one part of lookout that talks to the network, so it
 * runs with no capabilities at all, whenever metrics_start() is called:
 * capabilities belong to each thread, a new thread inherits its creator's, and
 * privileges_drop() only changes the main thread's. MHD's thread is therefore
 * created from a short-lived launcher thread that first empties its own sets.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include "escape.h"
#include "metrics.h"
#include "report.h"
#include "netaddr.h"
#include "outbuf.h"
#include "version.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define OTHER_LABEL "other"

struct series {
	char *label;
	unsigned long long value;
};

struct family {
	struct series *s;
	size_t n, cap, max;
	bool other;	/* values past max are counted under "other" */
};

struct metrics {
	pthread_mutex_t lock;
	struct MHD_Daemon *daemon;
	struct family events, signals, oob, dropped, exits;
	unsigned long long tracked, containers, meta_pending;
	unsigned long long counters[METRICS_COUNTERS];
};

/* The plain counters: one name each, no label. */
static const struct {
	const char *name;
	const char *help;
} counter_info[METRICS_COUNTERS] = {
	[METRICS_EMITTED] = { "lookout_kernel_records_total",
			      "Records the kernel wrote to its ring buffers." },
	[METRICS_BAD_RECORDS] = { "lookout_bad_records_total",
				  "Records lookout read and rejected as malformed." },
	[METRICS_TRACKED_FULL] = { "lookout_tracked_full_total",
				   "Container processes the kernel could not track: its tracked "
				   "map was full." },
	[METRICS_CGROUPS_FULL] = { "lookout_cgroups_full_total",
				   "Cgroups created while the kernel's cgroups map was full "
				   "(--cgroups-max): their processes may not be attributed." },
	[METRICS_CGROUPS_RESOLVED] = { "lookout_cgroups_resolved_total",
				       "New cgroups classified by id because their mkdir record "
				       "was lost." },
};

/* Store a label value: valid UTF-8 (each bad byte becomes U+FFFD), control
 * bytes other than '\n' (which the format escapes) replaced too, at most
 * METRICS_LABEL_MAX bytes cut at a character boundary. */
static char *label_copy(const char *v)
{
	static const char repl[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)(v && v[0] ? v : "unknown");
	size_t n = strlen((const char *)p), i = 0;
	struct outbuf b;

	outbuf_init(&b);
	while (i < n) {
		size_t l = utf8_valid_len(p + i, n - i);
		size_t add = l ? l : 3;

		if (b.len + add > METRICS_LABEL_MAX)
			break;
		if (!l || (l == 1 && ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)))
			outbuf_put(&b, repl, 3);
		else
			outbuf_put(&b, p + i, l);
		i += l ? l : 1;
	}
	outbuf_putc(&b, '\0');
	if (b.failed) {
		outbuf_free(&b);
		return NULL;
	}
	return b.data;
}

static struct series *family_find(struct family *f, const char *label)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->s[i].label, label))
			return &f->s[i];
	return NULL;
}

/* The series for a raw label value, added when new; past the cap, "other". */
static struct series *family_get(struct family *f, const char *raw)
{
	struct series *s;
	char *label = label_copy(raw);

	if (!label)
		return NULL;
	s = family_find(f, label);
	if (s) {
		free(label);
		return s;
	}
	if (f->n >= f->max) {
		free(label);
		if (!f->other)
			return NULL;
		return family_find(f, OTHER_LABEL);	/* added first by family_init */
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct series *ns = realloc(f->s, cap * sizeof(*ns));

		if (!ns) {
			free(label);
			return NULL;
		}
		f->s = ns;
		f->cap = cap;
	}
	s = &f->s[f->n++];
	s->label = label;
	s->value = 0;
	return s;
}

static void family_init(struct family *f, size_t max, bool other, const char *const *seed)
{
	memset(f, 0, sizeof(*f));
	f->other = other;
	/* room for "other" beyond the cap: it is added first, so it always exists */
	f->max = max + (other ? 1 : 0);
	if (other)
		family_get(f, OTHER_LABEL);
	for (; seed && *seed; seed++)
		family_get(f, *seed);
}

static void family_free(struct family *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->s[i].label);
	free(f->s);
	memset(f, 0, sizeof(*f));
}

static void add(struct metrics *m, struct family *f, const char *label)
{
	struct series *s;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	s = family_get(f, label);
	if (s)
		s->value++;
	pthread_mutex_unlock(&m->lock);
}

void metrics_event(struct metrics *m, const char *event)
{
	if (m)
		add(m, &m->events, event);
}

void metrics_signal(struct metrics *m, const char *origin)
{
	if (m)
		add(m, &m->signals, origin);
}

void metrics_container_exit(struct metrics *m, const char *cause)
{
	if (m)
		add(m, &m->exits, cause);
}

void metrics_out_of_band(struct metrics *m, const char *container)
{
	if (m)
		add(m, &m->oob, container);
}

void metrics_set_dropped(struct metrics *m, const char *buffer, unsigned long long total)
{
	struct series *s;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	s = family_get(&m->dropped, buffer);
	/* a counter never goes down, even if a caller's total does */
	if (s && total > s->value)
		s->value = total;
	pthread_mutex_unlock(&m->lock);
}

void metrics_set_counter(struct metrics *m, enum metrics_counter which,
			 unsigned long long total)
{
	if (!m || which >= METRICS_COUNTERS)
		return;
	pthread_mutex_lock(&m->lock);
	if (total > m->counters[which])
		m->counters[which] = total;
	pthread_mutex_unlock(&m->lock);
}

void metrics_set_tracked(struct metrics *m, unsigned long long n)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->tracked = n;
	pthread_mutex_unlock(&m->lock);
}

void metrics_set_metadata_pending(struct metrics *m, unsigned long long n)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->meta_pending = n;
	pthread_mutex_unlock(&m->lock);
}

void metrics_set_containers(struct metrics *m, unsigned long long n)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->containers = n;
	pthread_mutex_unlock(&m->lock);
}

/* Label value escaping of the text format: backslash, double quote, newline. */
static void put_label(struct outbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			outbuf_puts(b, "\\\\");
		else if (*v == '"')
			outbuf_puts(b, "\\\"");
		else if (*v == '\n')
			outbuf_puts(b, "\\n");
		else
			outbuf_putc(b, *v);
	}
}

static void render_series(struct outbuf *b, const char *name, const char *label,
			  const struct series *s)
{
	outbuf_printf(b, "%s{%s=\"", name, label);
	put_label(b, s->label);
	outbuf_printf(b, "\"} %llu\n", s->value);
}

static void render_family(struct outbuf *b, const char *name, const char *help,
			  const char *label, const struct family *f)
{
	const struct series *other = NULL;
	size_t i;

	outbuf_printf(b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
	for (i = 0; i < f->n; i++) {
		if (f->other && !strcmp(f->s[i].label, OTHER_LABEL)) {
			other = &f->s[i];
			continue;
		}
		render_series(b, name, label, &f->s[i]);
	}
	/* "other" comes last, once it holds something, not as a standing zero */
	if (other && other->value)
		render_series(b, name, label, other);
}

/* The start of this process in seconds since the epoch: its start in clock ticks
 * after boot (/proc/self/stat field 22) plus the boot time (/proc/stat btime). */
static double process_start_time(void)
{
	unsigned long long start = 0, btime = 0;
	char buf[1024], *p;
	FILE *f;
	int i;

	f = fopen("/proc/self/stat", "re");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after the comm: field 3 on; start time is field 22 */
	for (i = 3; p && i <= 22; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start) != 1)
		return 0;
	f = fopen("/proc/stat", "re");
	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "btime %llu", &btime) == 1)
			break;
	fclose(f);
	return (double)btime + (double)start / (double)sysconf(_SC_CLK_TCK);
}

static unsigned long long open_fds(void)
{
	unsigned long long n = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return 0;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n ? n - 1 : 0;		/* not the one opendir holds */
}

/* The process metrics every Prometheus client exports, from /proc/self. */
static void render_process(struct outbuf *b)
{
	unsigned long long pages = 0, rss = 0;
	struct rusage ru;
	FILE *f;

	getrusage(RUSAGE_SELF, &ru);
	f = fopen("/proc/self/statm", "re");
	if (f) {
		if (fscanf(f, "%llu %llu", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	outbuf_printf(b, "# HELP process_cpu_seconds_total Total user and system CPU time spent "
			 "in seconds.\n# TYPE process_cpu_seconds_total counter\n"
			 "process_cpu_seconds_total %.6f\n",
		      (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		      (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	outbuf_printf(b, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
			 "# TYPE process_resident_memory_bytes gauge\n"
			 "process_resident_memory_bytes %llu\n",
		      rss * (unsigned long long)sysconf(_SC_PAGESIZE));
	outbuf_printf(b, "# HELP process_open_fds Number of open file descriptors.\n"
			 "# TYPE process_open_fds gauge\nprocess_open_fds %llu\n", open_fds());
	outbuf_printf(b, "# HELP process_start_time_seconds Start time of the process since unix "
			 "epoch in seconds.\n# TYPE process_start_time_seconds gauge\n"
			 "process_start_time_seconds %.2f\n", process_start_time());
}

/* lookout_build_info{version,commit,libbpf} 1: what runs, for alerts and dashboards. */
static void render_build_info(struct outbuf *b)
{
	outbuf_puts(b, "# HELP lookout_build_info lookout's version, the git commit it was built "
		       "from and the libbpf version it runs with.\n"
		       "# TYPE lookout_build_info gauge\nlookout_build_info{version=\"");
	put_label(b, LOOKOUT_VERSION);
	outbuf_puts(b, "\",commit=\"");
	put_label(b, lookout_commit());
	outbuf_puts(b, "\",libbpf=\"");
	put_label(b, lookout_libbpf_version());
	outbuf_puts(b, "\"} 1\n");
}

char *metrics_render(struct metrics *m, size_t *len)
{
	struct outbuf b;
	unsigned int i;

	outbuf_init(&b);
	pthread_mutex_lock(&m->lock);
	render_family(&b, "lookout_events_total", "Events lookout wrote, by event name.",
		      "event", &m->events);
	render_family(&b, "lookout_signals_total",
		      "Signal events, by origin (runtime, container, other_container, host, "
		      "kernel).", "origin", &m->signals);
	render_family(&b, "lookout_out_of_band_total",
		      "Out-of-band signals (from the host or another container), by the "
		      "target's container name or id; at most 1000 values, then \"other\".",
		      "container", &m->oob);
	render_family(&b, "lookout_container_exits_total",
		      "Container ends, by cause (exited, runtime_stop, out_of_band_kill, "
		      "container_kill, oom, crash, kernel, unknown).", "cause", &m->exits);
	render_family(&b, "lookout_dropped_total",
		      "Records lost, by buffer (events and alerts: kernel ring buffers; syslog: "
		      "messages the receiver did not get).", "buffer", &m->dropped);
	for (i = 0; i < METRICS_COUNTERS; i++)
		outbuf_printf(&b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n",
			      counter_info[i].name, counter_info[i].help, counter_info[i].name,
			      counter_info[i].name, m->counters[i]);
	outbuf_printf(&b, "# HELP lookout_tracked_processes Processes lookout tracks now.\n"
			  "# TYPE lookout_tracked_processes gauge\n"
			  "lookout_tracked_processes %llu\n", m->tracked);
	outbuf_printf(&b, "# HELP lookout_containers Containers lookout knows now.\n"
			  "# TYPE lookout_containers gauge\n"
			  "lookout_containers %llu\n", m->containers);
	outbuf_printf(&b, "# HELP lookout_containers_metadata_pending Started containers whose "
			  "name and image the runtime has not given yet.\n"
			  "# TYPE lookout_containers_metadata_pending gauge\n"
			  "lookout_containers_metadata_pending %llu\n", m->meta_pending);
	pthread_mutex_unlock(&m->lock);
	render_build_info(&b);
	render_process(&b);
	if (b.failed || !b.data) {
		outbuf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, char *body,
			     size_t len, const char *type, bool must_free)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, body, must_free ? MHD_RESPMEM_MUST_FREE :
								     MHD_RESPMEM_PERSISTENT);
	if (!r) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req)
{
	static char not_found[] = "not found: lookout serves /metrics\n";
	static char bad_method[] = "only GET and HEAD\n";
	static char no_memory[] = "out of memory\n";
	static char index_page[] = "lookout: metrics at /metrics\n";
	struct metrics *m = cls;
	size_t len = 0;
	char *body;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, bad_method, sizeof(bad_method) - 1,
			     "text/plain", false);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, index_page, sizeof(index_page) - 1, "text/plain",
			     false);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, not_found, sizeof(not_found) - 1,
			     "text/plain", false);
	body = metrics_render(m, &len);
	if (!body)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, no_memory, sizeof(no_memory) - 1,
			     "text/plain", false);
	return reply(c, MHD_HTTP_OK, body, len, CONTENT_TYPE, true);
}

/* Our own listening socket, so a bind error names its cause and a name
 * resolves the same way as for --syslog. */
static int listen_on(const struct netaddr *a, char *err, size_t errlen)
{
	struct addrinfo *res, *ai;
	char shown[NETADDR_MAX_LEN + 16], why[512];
	int fd = -1, e = 0, one = 1;

	netaddr_format(a, shown, sizeof(shown));
	e = netaddr_resolve(a, SOCK_STREAM, true, &res, why, sizeof(why));
	if (e) {
		snprintf(err, errlen, "--metrics: %s", why);
		return e;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			e = -errno;
			continue;
		}
		/* a restarted lookout must get its port back despite TIME_WAIT */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) && !listen(fd, 32))
			break;
		e = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	if (e == -EADDRINUSE)
		snprintf(err, errlen, "--metrics %s: the port is in use: choose another port",
			 shown);
	else if (e == -EACCES)
		snprintf(err, errlen, "--metrics %s: no permission to bind: ports below 1024 "
				      "need a privilege lookout gives up; use a port above 1023",
			 shown);
	else if (e == -EADDRNOTAVAIL)
		snprintf(err, errlen, "--metrics %s: no interface of this host has that "
				      "address: use one it has, or 0.0.0.0", shown);
	else
		snprintf(err, errlen, "--metrics %s: cannot listen: %s", shown, strerror(-e));
	return e;
}

struct launcher {
	struct metrics *m;
	int fd;
	int err;	/* errno of dropping capabilities */
};

/* Empty this thread's capabilities, then start MHD, whose thread inherits none.
 * It inherits this thread's blocked signals too: SIGINT, SIGTERM and the stop's
 * SIGALRM must reach the main thread, to interrupt a write that blocks there. */
static void *launch(void *arg)
{
	struct launcher *l = arg;
	cap_t none = cap_init();
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	if (!none || cap_set_proc(none)) {
		l->err = errno ? errno : EPERM;
		cap_free(none);
		return NULL;
	}
	cap_free(none);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		l->err = errno;
		return NULL;
	}
	l->m->daemon = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
					NULL, handle, l->m, MHD_OPTION_LISTEN_SOCKET, l->fd,
					/* a scraper or two, not a crowd: bound what one holds */
					MHD_OPTION_CONNECTION_LIMIT, (unsigned int)32,
					MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)8,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
					MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
					MHD_OPTION_END);
	return NULL;
}

struct metrics *metrics_start(const char *listen, char *err, size_t errlen)
{
	static const char *const buffers[] = { "events", "alerts", "cgroups", NULL };
	const char *events[REPORT_TYPES + 1] = {}, *origins[ORIGINS + 1] = {};
	const char *causes[CAUSE_MAX + 1] = {};
	int i;
	struct launcher l = {};
	struct metrics *m;
	struct netaddr a;
	char why[512];
	pthread_t t;
	int fd, e;

	if (!listen || netaddr_parse_listen(listen, strlen(listen), &a, why, sizeof(why))) {
		snprintf(err, errlen, "--metrics %s", listen ? why : "needs ADDR:PORT");
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "--metrics: out of memory");
		return NULL;
	}
	pthread_mutex_init(&m->lock, NULL);
	/* Known names start at zero, so rate() and absent() work from the first
	 * scrape rather than from the first occurrence: every name of each
	 * vocabulary, from its one table (report.c). */
	for (i = 0; i < REPORT_TYPES; i++)
		events[i] = report_type_name(i);
	for (i = 0; i < ORIGINS; i++)
		origins[i] = origin_name(i);
	for (i = 0; i < CAUSE_MAX; i++)
		causes[i] = cause_name(i);
	family_init(&m->events, METRICS_MAX_NAMES, false, events);
	family_init(&m->signals, METRICS_MAX_NAMES, false, origins);
	family_init(&m->oob, METRICS_MAX_CONTAINERS, true, NULL);
	family_init(&m->dropped, METRICS_MAX_NAMES, false, buffers);
	family_init(&m->exits, METRICS_MAX_NAMES, false, causes);

	fd = listen_on(&a, err, errlen);
	if (fd < 0) {
		metrics_stop(m);
		return NULL;
	}
	l.m = m;
	l.fd = fd;
	e = pthread_create(&t, NULL, launch, &l);
	if (!e)
		e = pthread_join(t, NULL);
	if (!e)
		e = l.err;
	if (e || !m->daemon) {
		snprintf(err, errlen, "--metrics %s: cannot start the HTTP server%s%s", listen,
			 e ? ": " : "", e ? strerror(e) : "");
		if (m->daemon) {
			MHD_stop_daemon(m->daemon);	/* closes fd */
			m->daemon = NULL;
		} else {
			close(fd);
		}
		metrics_stop(m);
		return NULL;
	}
	return m;
}

void metrics_stop(struct metrics *m)
{
	if (!m)
		return;
	/* stops the thread and closes the listening socket */
	if (m->daemon)
		MHD_stop_daemon(m->daemon);
	family_free(&m->events);
	family_free(&m->signals);
	family_free(&m->oob);
	family_free(&m->dropped);
	family_free(&m->exits);
	pthread_mutex_destroy(&m->lock);
	free(m);
}
