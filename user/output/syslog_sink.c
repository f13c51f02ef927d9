// SPDX-License-Identifier: GPL-2.0
/*
 * syslog_sink.c - the `--syslog` output: RFC 5424 messages over UDP, TCP
 * (RFC 6587 octet counting) or /dev/log. Message layout and the choices behind
 * it are in syslog_sink.h.
 *
 * lookout's main loop must keep draining the ring buffers whatever the
 * receiver does, so nothing here waits: sockets are non-blocking, a TCP
 * connect finishes on a later call, and what the receiver cannot take yet
 * waits in a bounded queue. Every message that cannot be sent or queued is
 * counted (syslog_sink_dropped()) rather than silently lost.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "netaddr.h"
#include "syslog_sink.h"

#define LOCAL_PATH "/dev/log"
#define APP_NAME "lookout"
#define FACILITY LOG_DAEMON
#define HOSTNAME_MAX 255	/* RFC 5424 HOSTNAME */
#define MSGID_MAX 32		/* RFC 5424 MSGID */
#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 10000
#define CONNECT_TIMEOUT_MS 5000	/* a connect still pending after this is abandoned */
#define CLOSE_WAIT_MS 1000	/* what close spends pushing out the queue */

enum conn_state { CONN_DOWN, CONN_CONNECTING, CONN_UP };

struct syslog_sink {
	enum netaddr_kind kind;
	char shown[NETADDR_MAX_LEN + 16];	/* the url, for messages */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct addrinfo *ai;		/* udp, tcp: resolved at open */
	struct addrinfo *next_ai;	/* tcp: the address the next connect tries */
	int fd;
	enum conn_state state;
	char hostname[HOSTNAME_MAX + 1];
	int pid;
	struct outbuf msg;		/* scratch: one formatted message */
	/* tcp queue: frames q[qoff, qlen); head_sent bytes of the first are out */
	char *q;
	size_t qcap, qlen, qoff, head_sent;
	unsigned long long dropped;
	unsigned long long connect_started_ms, next_try_ms;
	unsigned int backoff_ms;
	bool was_up;			/* connected at least once */
	bool warned;			/* the current outage was reported */
};

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

/* ---- formatting ---------------------------------------------------------- */

/* A header field: PRINTUSASCII (33-126) only, so a hostile hostname or event
 * name can neither add fields (space) nor split the message; '-' when empty. */
static void put_field(struct outbuf *b, const char *s, size_t max)
{
	size_t i, n = s ? strnlen(s, max) : 0;

	if (!n) {
		outbuf_putc(b, '-');
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		outbuf_putc(b, c >= 33 && c <= 126 ? (char)c : '_');
	}
}

/* MSG: the JSON line as it is, but a raw control byte (never in lookout's
 * escaped JSON) becomes a space, which is still valid JSON wherever it lands,
 * so a receiver that writes messages one per line cannot be fed a forged one. */
static void put_msg(struct outbuf *b, const char *json, size_t len)
{
	size_t i, start = 0;

	if (!json)
		return;
	if (len && json[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)json[i];

		if (c < 0x20 || c == 0x7f) {
			outbuf_put(b, json + start, i - start);
			outbuf_putc(b, ' ');
			start = i + 1;
		}
	}
	outbuf_put(b, json + start, len - start);
}

void syslog_format(struct outbuf *b, const struct timespec *now, int severity,
		   const char *hostname, int pid, const char *event, const char *json,
		   size_t len)
{
	struct tm tm;
	time_t t = now->tv_sec;

	outbuf_reset(b);
	gmtime_r(&t, &tm);
	outbuf_printf(b, "<%d>1 %04d-%02d-%02dT%02d:%02d:%02d.%06ldZ ",
		      FACILITY | (severity & LOG_PRIMASK), tm.tm_year + 1900, tm.tm_mon + 1,
		      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now->tv_nsec / 1000);
	put_field(b, hostname, HOSTNAME_MAX);
	outbuf_printf(b, " " APP_NAME " %d ", pid);
	put_field(b, event, MSGID_MAX);
	outbuf_puts(b, " - ");
	put_msg(b, json, len);
}

void syslog_format_local(struct outbuf *b, const struct timespec *now, int severity, int pid,
			 const char *json, size_t len)
{
	/* spelled out: strftime's %b follows the locale, RFC 3164 wants English */
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	time_t t = now->tv_sec;

	outbuf_reset(b);
	localtime_r(&t, &tm);
	outbuf_printf(b, "<%d>%s %2d %02d:%02d:%02d " APP_NAME "[%d]: ",
		      FACILITY | (severity & LOG_PRIMASK), months[tm.tm_mon % 12], tm.tm_mday,
		      tm.tm_hour, tm.tm_min, tm.tm_sec, pid);
	put_msg(b, json, len);
}

/* ---- connections ----------------------------------------------------------- */

static void warn_down(struct syslog_sink *s, const char *what, int err)
{
	if (s->warned)
		return;
	s->warned = true;
	fprintf(stderr, "lookout: syslog %s: %s%s%s; retrying in the background, %s\n",
		s->shown, what, err ? ": " : "", err ? strerror(err) : "",
		s->kind == NETADDR_TCP ? "messages wait in a 1 MiB queue" :
					 "messages are dropped and counted meanwhile");
}

static void schedule_retry(struct syslog_sink *s)
{
	unsigned long long now = now_ms();

	/* The first retry after a working connection is immediate: a restarted
	 * receiver is usually back by the next event. */
	s->next_try_ms = now + (s->backoff_ms ? s->backoff_ms : 0);
	s->backoff_ms = s->backoff_ms ? s->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (s->backoff_ms > BACKOFF_MAX_MS)
		s->backoff_ms = BACKOFF_MAX_MS;
}

/* Size of the octet-counted frame at p ("LEN SP MSG"), as this file wrote it. */
static size_t frame_size(const char *p)
{
	size_t n = 0, digits = 0;

	while (p[digits] >= '0' && p[digits] <= '9')
		n = n * 10 + (size_t)(p[digits++] - '0');
	return digits + 1 + n;
}

static void disconnect(struct syslog_sink *s, const char *what, int err)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->state = CONN_DOWN;
	/* A frame cut in the middle cannot be finished on a new connection: the
	 * receiver would read its tail as a frame of its own. */
	if (s->head_sent) {
		s->qoff += frame_size(s->q + s->qoff) - s->head_sent;
		s->head_sent = 0;
		s->dropped++;
	}
	if (s->kind == NETADDR_TCP && s->ai) {
		s->next_ai = s->next_ai && s->next_ai->ai_next ? s->next_ai->ai_next : s->ai;
	}
	warn_down(s, what, err);
	schedule_retry(s);
}

static void now_up(struct syslog_sink *s)
{
	s->state = CONN_UP;
	s->backoff_ms = 0;
	if (s->warned)
		fprintf(stderr, "lookout: syslog %s: connected again (%llu messages dropped so "
				"far)\n", s->shown, s->dropped);
	s->warned = false;
	s->was_up = true;
}

static int open_local(struct syslog_sink *s)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	memcpy(sun.sun_path, s->path, sizeof(s->path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		err = -errno;
		close(fd);
		return err;
	}
	s->fd = fd;
	now_up(s);
	return 0;
}

/* udp: connect() only fixes the peer; it cannot tell whether anyone listens. */
static int open_udp(struct syslog_sink *s, char *err, size_t errlen)
{
	struct addrinfo *ai;
	int fd, e = -EINVAL;

	for (ai = s->ai; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			e = -errno;
			continue;
		}
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
			s->fd = fd;
			s->state = CONN_UP;
			return 0;
		}
		e = -errno;
		close(fd);
	}
	snprintf(err, errlen, "syslog %s: cannot open a UDP socket to it: %s", s->shown,
		 strerror(-e));
	return e;
}

/* Start a non-blocking connect to the next address; it completes later. */
static void tcp_start(struct syslog_sink *s)
{
	struct addrinfo *ai = s->next_ai ? s->next_ai : s->ai;
	int fd;

	s->next_ai = ai;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		disconnect(s, "cannot make a socket", errno);
		return;
	}
	s->fd = fd;
	s->connect_started_ms = now_ms();
	if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		now_up(s);
	} else if (errno == EINPROGRESS) {
		s->state = CONN_CONNECTING;
	} else {
		disconnect(s, "cannot connect", errno);
	}
}

static void tcp_check_connect(struct syslog_sink *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (poll(&p, 1, 0) <= 0) {
		if (now_ms() - s->connect_started_ms > CONNECT_TIMEOUT_MS)
			disconnect(s, "cannot connect", ETIMEDOUT);
		return;
	}
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		soerr = errno;
	if (soerr)
		disconnect(s, "cannot connect", soerr);
	else
		now_up(s);
}

/* A syslog receiver never talks back: if the socket reads as EOF or an error,
 * the receiver went away (restart), and writing would only feed a dead socket. */
static bool tcp_alive(struct syslog_sink *s)
{
	char buf[256];
	ssize_t r;

	for (;;) {
		r = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r > 0)
			continue;	/* unexpected chatter: discard it */
		if (r == 0) {
			disconnect(s, "the receiver closed the connection", 0);
			return false;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return true;
		if (errno == EINTR)
			continue;
		disconnect(s, "connection lost", errno);
		return false;
	}
}

static void tcp_write(struct syslog_sink *s)
{
	while (s->qoff < s->qlen) {
		ssize_t w = send(s->fd, s->q + s->qoff, s->qlen - s->qoff,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		size_t left;

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				disconnect(s, "connection lost", errno);
			return;
		}
		/* keep head_sent pointing into the frame now at the head */
		left = (size_t)w;
		while (left) {
			size_t rest = frame_size(s->q + s->qoff) - s->head_sent;

			if (left < rest) {
				s->head_sent += left;
				break;
			}
			left -= rest;
			s->qoff += rest;
			s->head_sent = 0;
		}
	}
	s->qoff = s->qlen = 0;
}

static void tcp_progress(struct syslog_sink *s)
{
	if (s->state == CONN_DOWN && now_ms() >= s->next_try_ms)
		tcp_start(s);
	if (s->state == CONN_CONNECTING)
		tcp_check_connect(s);
	if (s->state == CONN_UP && tcp_alive(s))
		tcp_write(s);
	/* the receiver went away just now: one immediate retry */
	if (s->state == CONN_DOWN && now_ms() >= s->next_try_ms) {
		tcp_start(s);
		if (s->state == CONN_CONNECTING)
			tcp_check_connect(s);
		if (s->state == CONN_UP)
			tcp_write(s);
	}
}

/* Append one frame, or drop it when the queue is full. */
static int tcp_enqueue(struct syslog_sink *s, const char *m, size_t n)
{
	char hdr[24];
	int hl = snprintf(hdr, sizeof(hdr), "%zu ", n);
	size_t need = (size_t)hl + n;

	if (s->qlen - s->qoff + need > SYSLOG_QUEUE_MAX)
		return -ENOBUFS;
	if (s->qoff && s->qlen + need > s->qcap) {
		memmove(s->q, s->q + s->qoff, s->qlen - s->qoff);
		s->qlen -= s->qoff;
		s->qoff = 0;
	}
	if (s->qlen + need > s->qcap) {
		size_t cap = s->qcap ? s->qcap : 64 * 1024;
		char *nq;

		while (cap < s->qlen + need)
			cap *= 2;
		if (cap > SYSLOG_QUEUE_MAX)
			cap = SYSLOG_QUEUE_MAX;
		nq = realloc(s->q, cap);
		if (!nq)
			return -ENOMEM;
		s->q = nq;
		s->qcap = cap;
	}
	memcpy(s->q + s->qlen, hdr, (size_t)hl);
	memcpy(s->q + s->qlen + hl, m, n);
	s->qlen += need;
	return 0;
}

static int dgram_send(struct syslog_sink *s, const char *m, size_t n)
{
	ssize_t w;
	int e;

	if (s->state != CONN_UP) {
		if (now_ms() < s->next_try_ms)
			return -ENOTCONN;
		e = open_local(s);
		if (e) {
			warn_down(s, "cannot connect", -e);
			schedule_retry(s);
			return e;
		}
	}
	do
		w = send(s->fd, m, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w >= 0)
		return 0;
	e = -errno;
	/* A /dev/log reader that restarted left our socket connected to nothing:
	 * connect again (next time, so a dead reader costs one attempt per backoff). */
	if (s->kind == NETADDR_LOCAL && e != -EAGAIN && e != -ENOBUFS && e != -EMSGSIZE) {
		disconnect(s, "the /dev/log reader went away", -e);
		s->next_try_ms = now_ms();
	}
	return e;
}

/* ---- API ------------------------------------------------------------------- */

static struct syslog_sink *sink_new(const char *hostname)
{
	struct syslog_sink *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->fd = -1;
	s->pid = (int)getpid();
	outbuf_init(&s->msg);
	if (hostname)
		snprintf(s->hostname, sizeof(s->hostname), "%s", hostname);
	else if (gethostname(s->hostname, sizeof(s->hostname) - 1))
		s->hostname[0] = '\0';
	return s;
}

struct syslog_sink *syslog_sink_open_local(const char *path, const char *hostname, char *err,
					   size_t errlen)
{
	struct syslog_sink *s;
	int e;

	if (!path || !path[0] || strlen(path) >= sizeof(s->path)) {
		snprintf(err, errlen, "syslog: socket path empty or longer than %zu bytes",
			 sizeof(s->path) - 1);
		return NULL;
	}
	s = sink_new(hostname);
	if (!s) {
		snprintf(err, errlen, "syslog: out of memory");
		return NULL;
	}
	s->kind = NETADDR_LOCAL;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (strcmp(path, LOCAL_PATH))
		snprintf(s->shown, sizeof(s->shown), "local (%s)", path);
	else
		snprintf(s->shown, sizeof(s->shown), "local (" LOCAL_PATH ")");
	e = open_local(s);
	if (e) {
		/* no reader yet (journald or rsyslog starting after us): keep trying */
		warn_down(s, "cannot connect", -e);
		schedule_retry(s);
	}
	return s;
}

struct syslog_sink *syslog_sink_open(const char *url, const char *hostname, char *err,
				     size_t errlen)
{
	struct syslog_sink *s;
	struct netaddr a;
	char why[512];

	if (!url) {
		snprintf(err, errlen, "syslog: no url");
		return NULL;
	}
	if (netaddr_parse_syslog(url, strlen(url), &a, why, sizeof(why))) {
		snprintf(err, errlen, "--syslog %s", why);
		return NULL;
	}
	if (a.kind == NETADDR_LOCAL)
		return syslog_sink_open_local(LOCAL_PATH, hostname, err, errlen);
	s = sink_new(hostname);
	if (!s) {
		snprintf(err, errlen, "syslog: out of memory");
		return NULL;
	}
	s->kind = a.kind;
	netaddr_format(&a, s->shown, sizeof(s->shown));
	if (netaddr_resolve(&a, a.kind == NETADDR_TCP ? SOCK_STREAM : SOCK_DGRAM, false, &s->ai,
			    why, sizeof(why))) {
		snprintf(err, errlen, "--syslog: %s", why);
		syslog_sink_close(s);
		return NULL;
	}
	if (a.kind == NETADDR_UDP) {
		if (open_udp(s, err, errlen)) {
			syslog_sink_close(s);
			return NULL;
		}
		return s;
	}
	/* tcp: start connecting now so the first events need not wait for it */
	tcp_start(s);
	if (s->state == CONN_CONNECTING) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };

		/* a moment for a local receiver, so lookout_start goes out at once */
		poll(&p, 1, 100);
		tcp_check_connect(s);
	}
	return s;
}

int syslog_sink_send(struct syslog_sink *s, int severity, const char *event, const char *json,
		     size_t len)
{
	struct timespec now;
	int e;

	if (!s)
		return -EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	if (s->kind == NETADDR_LOCAL)
		syslog_format_local(&s->msg, &now, severity, s->pid, json, len);
	else
		syslog_format(&s->msg, &now, severity, s->hostname, s->pid, event, json, len);
	if (s->msg.failed) {
		e = -ENOMEM;
	} else if (s->msg.len > SYSLOG_MAX_MESSAGE) {
		e = -EMSGSIZE;
	} else if (s->kind == NETADDR_TCP) {
		/* queue first, so a message never overtakes older queued ones */
		e = tcp_enqueue(s, s->msg.data, s->msg.len);
		tcp_progress(s);
	} else {
		e = dgram_send(s, s->msg.data, s->msg.len);
	}
	if (e)
		s->dropped++;
	return e;
}

void syslog_sink_flush(struct syslog_sink *s)
{
	if (s && s->kind == NETADDR_TCP)
		tcp_progress(s);
}

unsigned long long syslog_sink_dropped(const struct syslog_sink *s)
{
	return s ? s->dropped : 0;
}

void syslog_sink_close(struct syslog_sink *s)
{
	syslog_sink_close_wait(s, CLOSE_WAIT_MS);
}

void syslog_sink_close_wait(struct syslog_sink *s, unsigned int wait_ms)
{
	unsigned long long deadline;

	if (!s)
		return;
	if (s->kind == NETADDR_TCP && s->ai) {
		deadline = now_ms() + wait_ms;
		for (;;) {
			struct pollfd p = { .fd = s->fd, .events = POLLOUT };
			unsigned long long t;

			tcp_progress(s);
			t = now_ms();
			if (s->qoff >= s->qlen || t >= deadline)
				break;
			if (s->state == CONN_DOWN) {
				/* wait for the next retry rather than spin */
				unsigned long long until = s->next_try_ms < deadline ?
							   s->next_try_ms : deadline;

				if (until > t)
					poll(NULL, 0, (int)(until - t));
				continue;
			}
			poll(&p, 1, (int)(deadline - t));
		}
		/* what is still queued is lost: count it */
		while (s->qoff < s->qlen) {
			s->qoff += frame_size(s->q + s->qoff) - s->head_sent;
			s->head_sent = 0;
			s->dropped++;
		}
	}
	if (s->fd >= 0)
		close(s->fd);
	if (s->ai)
		freeaddrinfo(s->ai);
	outbuf_free(&s->msg);
	free(s->q);
	free(s);
}
