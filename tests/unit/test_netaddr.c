// SPDX-License-Identifier: GPL-2.0
/* test_netaddr.c - output addresses: every valid form accepted, junk refused
 * with a message that says what is wrong and shows no raw hostile byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "netaddr.h"

static char err[512];

static int syslog_n(const char *s, size_t n, struct netaddr *a)
{
	return netaddr_parse_syslog(s, n, a, err, sizeof(err));
}

static int syslog_s(const char *s, struct netaddr *a)
{
	return syslog_n(s, strlen(s), a);
}

static int listen_s(const char *s, struct netaddr *a)
{
	return netaddr_parse_listen(s, strlen(s), a, err, sizeof(err));
}

/* An error message is one printable line that names the problem and the forms. */
static void assert_message(const char *want)
{
	const char *p;

	for (p = err; *p; p++)
		assert_true(*p >= 0x20 && *p < 0x7f);
	if (!strstr(err, want))
		fail_msg("message '%s' does not mention '%s'", err, want);
}

static void refused(const char *s, size_t n, const char *why)
{
	struct netaddr a;

	memset(&a, 0x5a, sizeof(a));
	if (syslog_n(s, n, &a) != -EINVAL)
		fail_msg("accepted '%s'", s);
	assert_message(why);
	assert_message("expected udp://HOST:PORT, tcp://HOST:PORT or local");
}

static void refused_listen(const char *s, const char *why)
{
	struct netaddr a;

	if (listen_s(s, &a) != -EINVAL)
		fail_msg("accepted '%s'", s);
	assert_message(why);
	assert_message("expected ADDR:PORT or [IPV6]:PORT");
}

static void test_syslog_valid(void **state)
{
	struct netaddr a;
	char out[400];

	(void)state;
	assert_int_equal(syslog_s("udp://127.0.0.1:514", &a), 0);
	assert_int_equal(a.kind, NETADDR_UDP);
	assert_string_equal(a.host, "127.0.0.1");
	assert_string_equal(a.port, "514");
	assert_int_equal(a.portnum, 514);
	assert_true(a.numeric);
	assert_false(a.ipv6);

	assert_int_equal(syslog_s("tcp://[::1]:6514", &a), 0);
	assert_int_equal(a.kind, NETADDR_TCP);
	assert_string_equal(a.host, "::1");
	assert_true(a.numeric && a.ipv6);
	netaddr_format(&a, out, sizeof(out));
	assert_string_equal(out, "tcp://[::1]:6514");

	assert_int_equal(syslog_s("UDP://Relay-1.example.com:65535", &a), 0);
	assert_int_equal(a.kind, NETADDR_UDP);
	assert_string_equal(a.host, "Relay-1.example.com");
	assert_false(a.numeric);
	assert_int_equal(a.portnum, 65535);
	netaddr_format(&a, out, sizeof(out));
	assert_string_equal(out, "udp://Relay-1.example.com:65535");

	assert_int_equal(syslog_s("tcp://rsyslog_relay:1", &a), 0);
	assert_int_equal(syslog_s("tcp://localhost.:601", &a), 0);
	assert_int_equal(syslog_s("udp://[fe80::1%eth0]:514", &a), 0);
	assert_string_equal(a.host, "fe80::1%eth0");
	assert_int_equal(syslog_s("udp://[::ffff:10.0.0.1]:514", &a), 0);
	assert_int_equal(syslog_s("tcp://9host:514", &a), 0);

	assert_int_equal(syslog_s("local", &a), 0);
	assert_int_equal(a.kind, NETADDR_LOCAL);
	assert_string_equal(a.host, "");
	netaddr_format(&a, out, sizeof(out));
	assert_string_equal(out, "local");
}

static void test_syslog_scheme(void **state)
{
	(void)state;
	refused("", 0, "empty value");
	refused("127.0.0.1:514", 13, "missing udp:// or tcp://");
	refused("udp//127.0.0.1:514", 18, "missing udp:// or tcp://");
	refused("http://127.0.0.1:80", 19, "unknown scheme");
	refused("://127.0.0.1:80", 15, "unknown scheme");
	refused("LOCAL", 5, "missing udp:// or tcp://");
	refused("locall", 6, "missing udp:// or tcp://");
	refused("udp://user@host:514", 19, "'@' is not allowed");
	refused("tcp://host:514/", 15, "'/' is not allowed");
	refused("tcp://host:514?x", 16, "'?' is not allowed");
}

static void test_syslog_ports(void **state)
{
	(void)state;
	refused("udp://host", 10, "missing port");
	refused("udp://host:", 11, "missing port");
	refused("udp://host:0", 12, "port out of range");
	refused("udp://host:65536", 16, "port out of range");
	refused("udp://host:999999", 17, "port out of range");
	refused("udp://host:0514", 15, "leading zero");
	refused("udp://host:+514", 15, "not a decimal number");
	refused("udp://host:-1", 13, "not a decimal number");
	refused("udp://host:51a", 14, "not a decimal number");
	refused("udp://host:0x10", 15, "not a decimal number");
	refused("udp://[::1]", 11, "missing port");
	refused("udp://[::1]514", 14, "expected ':' and a port");
}

static void test_syslog_hosts(void **state)
{
	char name[300];

	(void)state;
	refused("udp://:514", 10, "missing host");
	refused("udp://::1:514", 13, "needs brackets");
	refused("udp://[::1:514", 14, "without its ']'");
	refused("udp://[]:514", 12, "empty IPv6 address");
	refused("udp://[zz::1]:514", 17, "not a valid IPv6 address");
	refused("udp://[127.0.0.1]:514", 21, "not a valid IPv6 address");
	refused("udp://[fe80::1%]:514", 20, "zone");
	refused("udp://[fe80::1%a/b]:514", 23, "'/' is not allowed");
	refused("udp://ho]st:514", 15, "out of place");
	refused("udp://1.2.3:514", 15, "not a valid IPv4 address");
	refused("udp://256.1.1.1:514", 19, "not a valid IPv4 address");
	refused("udp://01.2.3.4:514", 18, "not a valid IPv4 address");
	refused("udp://2130706433:514", 20, "not a valid IPv4 address");
	refused("udp://10.1.2.3.4:514", 20, "not a valid IPv4 address");
	refused("udp://host.123:514", 18, "numeric label");
	refused("udp://-host:514", 15, "starts with '-'");
	refused("udp://host-:514", 15, "ends with '-'");
	refused("udp://a..b:514", 14, "empty label");
	refused("udp://.a:514", 12, "empty label");
	refused("udp://a,b:514", 13, "not a letter, digit");
	refused("udp://a*b:514", 13, "not a letter, digit");

	/* a 64-byte label, and a 254-byte name */
	memset(name, 0, sizeof(name));
	snprintf(name, sizeof(name), "udp://%064d:514", 1);
	name[6] = 'a';
	refused(name, strlen(name), "longer than 63 bytes");
	snprintf(name, sizeof(name), "udp://");
	while (strlen(name) < 6 + 250)
		strcat(name, "abcd.");
	strcat(name, "abcd:514");
	refused(name, strlen(name), "longer than 253 bytes");
}

static void test_syslog_bytes(void **state)
{
	char big[NETADDR_MAX_LEN + 2];

	(void)state;
	refused("udp://h\0st:514", 14, "NUL byte at offset 7");
	refused("udp://host:514\n", 15, "byte 0x0a at offset 14");
	refused("udp://ho st:514", 15, "byte 0x20 at offset 8");
	refused("\x1b[31mudp://host:514", 19, "byte 0x1b at offset 0");
	refused("udp://h\xc3\xb4st:514", 16, "byte 0xc3 at offset 7");
	refused("udp://host:514\x7f", 15, "byte 0x7f");
	/* the hostile value is shown escaped, never raw */
	refused("udp://\x1b]0;pwned\x07:514", 20, "\\x1b]0;pwned\\x07");
	memset(big, 'a', sizeof(big));
	memcpy(big, "udp://", 6);
	refused(big, sizeof(big), "too long (302 bytes, at most 300)");
	/* an overlong value is shown cut */
	assert_true(strlen(err) < 400);
}

static void test_listen(void **state)
{
	struct netaddr a;
	char out[400];

	(void)state;
	assert_int_equal(listen_s("127.0.0.1:9464", &a), 0);
	assert_int_equal(a.kind, NETADDR_LISTEN);
	assert_string_equal(a.host, "127.0.0.1");
	assert_int_equal(a.portnum, 9464);
	netaddr_format(&a, out, sizeof(out));
	assert_string_equal(out, "127.0.0.1:9464");
	assert_int_equal(listen_s("[::]:9464", &a), 0);
	assert_true(a.ipv6);
	assert_string_equal(a.host, "::");
	netaddr_format(&a, out, sizeof(out));
	assert_string_equal(out, "[::]:9464");
	assert_int_equal(listen_s("0.0.0.0:1", &a), 0);
	assert_int_equal(listen_s("localhost:65535", &a), 0);
	assert_false(a.numeric);

	refused_listen("", "empty value");
	refused_listen(":9464", "missing address");
	refused_listen("9464", "missing port");
	refused_listen("127.0.0.1", "missing port");
	refused_listen("127.0.0.1:", "missing port");
	refused_listen("[::1]", "missing port");
	refused_listen("::1:9464", "needs brackets");
	refused_listen("http://127.0.0.1:9464", "no scheme or path");
	refused_listen("127.0.0.1:9464/metrics", "no scheme or path");
	refused_listen("127.0.0.1:70000", "port out of range");
	refused_listen("300.0.0.1:9464", "not a valid IPv4 address");
}

static void test_resolve(void **state)
{
	struct addrinfo *res;
	struct netaddr a;

	(void)state;
	assert_int_equal(syslog_s("udp://127.0.0.1:514", &a), 0);
	assert_int_equal(netaddr_resolve(&a, SOCK_DGRAM, false, &res, err, sizeof(err)), 0);
	assert_int_equal(res->ai_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port), 514);
	freeaddrinfo(res);

	assert_int_equal(listen_s("[::1]:9464", &a), 0);
	assert_int_equal(netaddr_resolve(&a, SOCK_STREAM, true, &res, err, sizeof(err)), 0);
	assert_int_equal(res->ai_family, AF_INET6);
	freeaddrinfo(res);

	/* names resolve at open time; .invalid never does (RFC 2606) */
	assert_int_equal(syslog_s("tcp://lookout-test.invalid:514", &a), 0);
	assert_true(netaddr_resolve(&a, SOCK_STREAM, false, &res, err, sizeof(err)) < 0);
	assert_null(res);
	assert_message("cannot resolve tcp://lookout-test.invalid:514");

	assert_int_equal(syslog_s("local", &a), 0);
	assert_int_equal(netaddr_resolve(&a, SOCK_DGRAM, false, &res, err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syslog_valid),
		cmocka_unit_test(test_syslog_scheme),
		cmocka_unit_test(test_syslog_ports),
		cmocka_unit_test(test_syslog_hosts),
		cmocka_unit_test(test_syslog_bytes),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
