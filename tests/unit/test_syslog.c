// SPDX-License-Identifier: GPL-2.0
/* test_syslog.c - the --syslog output: RFC 5424 layout, hostile bytes in every
 * field, and the three transports against real sockets on this host (UDP and
 * TCP on loopback, a datagram socket in a temp directory), including a TCP
 * receiver that restarts and one that stops reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include "syslog_sink.h"

/* 2026-11-29T09:45:06.123456789Z */
static const struct timespec when = { .tv_sec = 1795945506, .tv_nsec = 123456789 };
static struct outbuf b;

static const char *fmt(int sev, const char *host, const char *event, const char *json,
		       size_t len)
{
	syslog_format(&b, &when, sev, host, 4242, event, json, len);
	assert_false(b.failed);
	assert_int_equal(strlen(b.data), b.len);
	return b.data;
}

static void test_format_layout(void **state)
{
	const char *j = "{\"event\":\"exec\",\"comm\":\"sh\"}";

	(void)state;
	assert_string_equal(fmt(LOG_INFO, "vm", "exec", j, strlen(j)),
			    "<30>1 2026-11-29T09:45:06.123456Z vm lookout 4242 exec - "
			    "{\"event\":\"exec\",\"comm\":\"sh\"}");
	/* out-of-band: warning; facility daemon whatever the caller or'ed in */
	assert_true(!strncmp(fmt(LOG_WARNING, "vm", "signal", j, strlen(j)), "<28>1 ", 6));
	assert_true(!strncmp(fmt(LOG_LOCAL0 | LOG_ERR, "vm", "signal", j, strlen(j)),
			     "<27>1 ", 6));
	/* the line's newline is not part of MSG */
	assert_string_equal(fmt(LOG_INFO, "vm", "exit", "{}\n", 3),
			    "<30>1 2026-11-29T09:45:06.123456Z vm lookout 4242 exit - {}");
	/* missing fields are the nil value */
	assert_string_equal(fmt(LOG_INFO, NULL, NULL, "{}", 2),
			    "<30>1 2026-11-29T09:45:06.123456Z - lookout 4242 - - {}");
	assert_string_equal(fmt(LOG_INFO, "", "", NULL, 0),
			    "<30>1 2026-11-29T09:45:06.123456Z - lookout 4242 - - ");
}

static void test_format_hostile_header(void **state)
{
	char host[400], want[300];

	(void)state;
	/* a space or newline in HOSTNAME or MSGID would shift or split fields */
	assert_string_equal(fmt(LOG_INFO, "evil host\n<13>1 x", "ex ec\r", "{}", 2),
			    "<30>1 2026-11-29T09:45:06.123456Z evil_host_<13>1_x lookout 4242 "
			    "ex_ec_ - {}");
	assert_string_equal(fmt(LOG_INFO, "h\xc3\xb4te\x7f\x1b", "\xff", "{}", 2),
			    "<30>1 2026-11-29T09:45:06.123456Z h__te__ lookout 4242 _ - {}");
	/* HOSTNAME at most 255, MSGID at most 32 */
	memset(host, 'h', sizeof(host));
	host[sizeof(host) - 1] = '\0';
	fmt(LOG_INFO, host, "a_very_long_event_name_that_goes_past_32", "{}", 2);
	memset(want, 'h', 255);
	want[255] = '\0';
	assert_non_null(strstr(b.data, want));
	/* exactly 255 of them: from the first 'h' to " lookout" */
	assert_int_equal(strlen(strchr(b.data, 'h')) - strlen(strstr(b.data, " lookout")), 255);
	assert_non_null(strstr(b.data, " a_very_long_event_name_that_goes - "));
}

static void test_format_hostile_msg(void **state)
{
	const char j[] = "{\"a\":\"x\ny\rz\x1b[31m\x7f\"}\n";
	size_t i;

	(void)state;
	/* raw control bytes (never in lookout's JSON) become spaces: one line */
	fmt(LOG_INFO, "vm", "exec", j, sizeof(j) - 1);
	assert_string_equal(strstr(b.data, " - ") + 3, "{\"a\":\"x y z [31m \"}");
	/* an embedded NUL neither ends the message nor survives in it */
	fmt(LOG_INFO, "vm", "exec", "{\"a\":\"x\0y\"}", 11);
	assert_int_equal(b.len, strlen(b.data));
	assert_string_equal(strstr(b.data, " - ") + 3, "{\"a\":\"x y\"}");
	/* UTF-8 passes unchanged, with no BOM in front */
	fmt(LOG_INFO, "vm", "exec", "{\"a\":\"\xc3\xa9\xe2\x82\xac\"}", 13);
	assert_string_equal(strstr(b.data, " - ") + 3, "{\"a\":\"\xc3\xa9\xe2\x82\xac\"}");
	for (i = 0; i < b.len; i++)
		assert_true((unsigned char)b.data[i] >= 0x20 && b.data[i] != 0x7f);
}

static void test_format_local(void **state)
{
	const struct timespec early = { .tv_sec = 1772694489, .tv_nsec = 5 };

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	syslog_format_local(&b, &when, LOG_WARNING, 77, "{\"x\":1}\n", 8);
	assert_string_equal(b.data, "<28>Nov 29 09:45:06 lookout[77]: {\"x\":1}");
	/* RFC 3164 pads a one-digit day with a space */
	syslog_format_local(&b, &early, LOG_INFO, 77, "{}", 2);
	assert_string_equal(b.data, "<30>Mar  5 07:08:09 lookout[77]: {}");
}

/* ---- transports ----------------------------------------------------------- */

static int loopback_socket(int type, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				   .sin_port = htons((uint16_t)*port) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static ssize_t recv_wait(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(fd, buf, len, 0);
}

/* Read one octet-counted frame ("LEN SP MSG") from a stream; bytes of the
 * next frame stay for the next call. */
static char *read_frame(int fd)
{
	static char buf[140000], frame[70000];
	static size_t got;
	size_t want = 0;
	char *sp;

	for (;;) {
		buf[got] = '\0';
		sp = strchr(buf, ' ');
		if (sp)
			want = (size_t)atoi(buf) + (size_t)(sp - buf) + 1;
		if (sp && got >= want)
			break;
		ssize_t r = recv_wait(fd, buf + got, sizeof(buf) - 1 - got, 2000);

		assert_true(r > 0);
		got += (size_t)r;
	}
	assert_true(want - (size_t)(sp + 1 - buf) < sizeof(frame));
	memcpy(frame, sp + 1, want - (size_t)(sp + 1 - buf));
	frame[want - (size_t)(sp + 1 - buf)] = '\0';
	memmove(buf, buf + want, got - want);
	got -= want;
	return frame;
}

static void test_open_errors(void **state)
{
	char err[512];

	(void)state;
	assert_null(syslog_sink_open("udp://127.0.0.1", NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "missing port"));
	assert_null(syslog_sink_open("syslog://x:1", NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "unknown scheme"));
	assert_null(syslog_sink_open("tcp://lookout-test.invalid:514", NULL, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot resolve"));
	assert_null(syslog_sink_open(NULL, NULL, err, sizeof(err)));
	syslog_sink_close(NULL);
	assert_int_equal(syslog_sink_dropped(NULL), 0);
}

static void test_udp(void **state)
{
	char url[64], err[512], buf[70000], *big;
	int port = 0, rx = loopback_socket(SOCK_DGRAM, &port);
	struct syslog_sink *s;
	ssize_t n;

	(void)state;
	snprintf(url, sizeof(url), "udp://127.0.0.1:%d", port);
	s = syslog_sink_open(url, "vm", err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(syslog_sink_send(s, LOG_WARNING, "signal", "{\"a\":1}\n", 8), 0);
	n = recv_wait(rx, buf, sizeof(buf) - 1, 2000);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(!strncmp(buf, "<28>1 ", 6));
	assert_non_null(strstr(buf, " vm lookout "));
	assert_non_null(strstr(buf, " signal - {\"a\":1}"));
	assert_int_equal(buf[n - 1], '}');	/* one datagram, no newline */

	/* too big for one datagram: dropped and counted, not cut */
	big = malloc(SYSLOG_MAX_MESSAGE + 1);
	assert_non_null(big);
	memset(big, 'x', SYSLOG_MAX_MESSAGE + 1);
	assert_int_equal(syslog_sink_send(s, LOG_INFO, "exec", big, SYSLOG_MAX_MESSAGE + 1),
			 -EMSGSIZE);
	assert_int_equal(syslog_sink_dropped(s), 1);
	free(big);
	syslog_sink_close(s);
	close(rx);
}

static void test_tcp_framing_and_restart(void **state)
{
	char url[64], err[512], *m;
	int port = 0, lfd = loopback_socket(SOCK_STREAM, &port), c;
	struct syslog_sink *s;

	(void)state;
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
	s = syslog_sink_open(url, "vm", err, sizeof(err));
	assert_non_null(s);
	c = accept(lfd, NULL, NULL);
	assert_true(c >= 0);
	assert_int_equal(syslog_sink_send(s, LOG_INFO, "exec", "{\"n\":1}\n", 8), 0);
	m = read_frame(c);
	assert_true(!strncmp(m, "<30>1 ", 6));
	assert_non_null(strstr(m, " exec - {\"n\":1}"));

	/* the receiver restarts: old connection and listener gone, a new one on
	 * the same port. Sent while it is away: queued, not lost. */
	close(c);
	close(lfd);
	usleep(50 * 1000);
	assert_int_equal(syslog_sink_send(s, LOG_INFO, "exec", "{\"n\":2}", 7), 0);
	lfd = loopback_socket(SOCK_STREAM, &port);
	usleep(300 * 1000);	/* past the first backoff step */
	assert_int_equal(syslog_sink_send(s, LOG_INFO, "exec", "{\"n\":3}", 7), 0);
	syslog_sink_flush(s);
	c = accept(lfd, NULL, NULL);
	assert_true(c >= 0);
	m = read_frame(c);
	assert_non_null(strstr(m, "{\"n\":2}"));
	m = read_frame(c);
	assert_non_null(strstr(m, "{\"n\":3}"));
	assert_int_equal(syslog_sink_dropped(s), 0);

	/* close sends what is queued */
	assert_int_equal(syslog_sink_send(s, LOG_INFO, "lookout_stop", "{\"n\":4}", 7), 0);
	syslog_sink_close(s);
	m = read_frame(c);
	assert_non_null(strstr(m, " lookout_stop - {\"n\":4}"));
	close(c);
	close(lfd);
}

/* A receiver that accepts and never reads: sends stay fast, the queue stays
 * bounded, and what does not fit is counted. */
static void test_tcp_stalled_receiver(void **state)
{
	char url[64], err[512], *msg;
	int port = 0, lfd = loopback_socket(SOCK_STREAM, &port), i, refused = 0;
	struct timespec t0, t1;
	struct syslog_sink *s;
	size_t len = 60000;

	(void)state;
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
	s = syslog_sink_open(url, "vm", err, sizeof(err));
	assert_non_null(s);
	msg = malloc(len);
	assert_non_null(msg);
	memset(msg, 'x', len);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 300; i++)
		if (syslog_sink_send(s, LOG_INFO, "exec", msg, len) == -ENOBUFS)
			refused++;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(refused > 0);
	assert_int_equal(syslog_sink_dropped(s), (unsigned long long)refused);
	/* 300 sends of 60 KB without a reader: far below a second */
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	free(msg);
	syslog_sink_close(s);	/* bounded: about a second at most */
	close(lfd);
}

static void test_local(void **state)
{
	char dir[] = "/tmp/lk-syslog-XXXXXX", path[64], err[512], buf[4096];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct syslog_sink *s;
	int rx;
	ssize_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/log", dir);
	/* no reader yet: open works, sends are dropped and counted */
	s = syslog_sink_open_local(path, "vm", err, sizeof(err));
	assert_non_null(s);
	assert_true(syslog_sink_send(s, LOG_INFO, "exec", "{}", 2) < 0);
	assert_int_equal(syslog_sink_dropped(s), 1);

	rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(bind(rx, (struct sockaddr *)&sun, sizeof(sun)), 0);
	usleep(300 * 1000);	/* past the backoff */
	assert_int_equal(syslog_sink_send(s, LOG_WARNING, "signal", "{\"k\":9}\n", 8), 0);
	n = recv_wait(rx, buf, sizeof(buf) - 1, 2000);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(!strncmp(buf, "<28>", 4));
	assert_non_null(strstr(buf, " lookout["));
	assert_non_null(strstr(buf, "]: {\"k\":9}"));
	syslog_sink_close(s);
	close(rx);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_layout),
		cmocka_unit_test(test_format_hostile_header),
		cmocka_unit_test(test_format_hostile_msg),
		cmocka_unit_test(test_format_local),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_tcp_framing_and_restart),
		cmocka_unit_test(test_tcp_stalled_receiver),
		cmocka_unit_test(test_local),
	};
	int rc;

	outbuf_init(&b);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	outbuf_free(&b);
	return rc;
}
