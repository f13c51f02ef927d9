// SPDX-License-Identifier: GPL-2.0
/*
 * netaddr.c - parse and resolve the output addresses given on the command line
 * (`--syslog`, `--metrics`).
 *
 * The values come from an operator, but they reach getaddrinfo(), log lines and
 * error messages, so the parser accepts only what it can describe: printable
 * ASCII, one scheme, a host that is an IPv4 literal, a bracketed IPv6 literal
 * or an RFC 1123 name, and a decimal port. It never resolves: a DNS lookup that
 * hangs belongs to start-up (netaddr_resolve()), not to option parsing.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "netaddr.h"

#define SYSLOG_FORMS "expected udp://HOST:PORT, tcp://HOST:PORT or local " \
		     "(like udp://127.0.0.1:514 or tcp://[::1]:6514)"
#define LISTEN_FORMS "expected ADDR:PORT or [IPV6]:PORT (like 127.0.0.1:9464 for this host " \
		     "only, 0.0.0.0:9464 or [::]:9464 for every address)"

/* Show a value in a message without letting its bytes reach the terminal raw. */
static void show(char *out, size_t len, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (!len)
		return;
	for (i = 0; i < n && o + 5 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i >= 64) {
			out[o++] = '.';
			out[o++] = '.';
			out[o++] = '.';
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

static int fail(char *err, size_t errlen, const char *s, size_t n, const char *forms,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int fail(char *err, size_t errlen, const char *s, size_t n, const char *forms,
		const char *fmt, ...)
{
	char what[160], val[64 * 4 + 8];
	va_list ap;

	if (!err || !errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	show(val, sizeof(val), s, n);
	snprintf(err, errlen, "'%s': %s; %s", val, what, forms);
	return -EINVAL;
}

/* The bytes any value may hold: printable ASCII without spaces. */
static int check_bytes(const char *s, size_t n, char *err, size_t errlen, const char *forms)
{
	size_t i;

	if (!s || n == 0)
		return fail(err, errlen, "", 0, forms, "empty value");
	if (n > NETADDR_MAX_LEN)
		return fail(err, errlen, s, n, forms, "too long (%zu bytes, at most %d)", n,
			    NETADDR_MAX_LEN);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0)
			return fail(err, errlen, s, n, forms, "NUL byte at offset %zu", i);
		if (c <= 0x20 || c >= 0x7f)
			return fail(err, errlen, s, n, forms,
				    "byte 0x%02x at offset %zu (a space, control or non-ASCII "
				    "byte) is not allowed", c, i);
	}
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 1123 host name: dot-separated labels of 1-63 letters, digits, '-' (not at
 * either end) and '_' (Docker and Kubernetes service names use it), at most 253
 * bytes, one optional trailing dot. A last label of digits only is refused: it
 * would be an address getaddrinfo() reads in some legacy form ("10.1" or
 * "2130706433"), never a name. */
static const char *check_name(const char *h, size_t n)
{
	size_t i, label = 0;
	bool digits = true;

	if (n && h[n - 1] == '.')
		n--;
	if (n == 0)
		return "missing host";
	if (n > NETADDR_HOST_MAX)
		return "host name longer than 253 bytes";
	for (i = 0; i <= n; i++) {
		char c = i < n ? h[i] : '.';

		if (c == '.') {
			if (label == 0)
				return "empty label in host name (two dots, or a leading dot)";
			if (h[i - 1] == '-')
				return "a host name label ends with '-'";
			if (i == n && digits)
				return "not a valid IPv4 address, and a host name cannot end in a "
				       "numeric label";
			label = 0;
			digits = true;
			continue;
		}
		if (!is_alnum(c) && c != '-' && c != '_')
			return "host holds a character that is not a letter, digit, "
			       "'-', '_' or '.'";
		if (label == 0 && c == '-')
			return "a host name label starts with '-'";
		if (++label > 63)
			return "a host name label is longer than 63 bytes";
		if (!is_digit(c))
			digits = false;
	}
	return NULL;
}

/* IPv6 literal, optionally with a %zone (interface name) for link-local addresses. */
static const char *check_ipv6(const char *h, size_t n)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a6;
	const char *pct = memchr(h, '%', n);
	size_t alen = pct ? (size_t)(pct - h) : n, i;

	if (alen == 0)
		return "empty IPv6 address between '[' and ']'";
	if (alen >= sizeof(buf))
		return "not a valid IPv6 address (too long)";
	memcpy(buf, h, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET6, buf, &a6) != 1)
		return "not a valid IPv6 address";
	if (pct) {
		size_t zlen = n - alen - 1;

		if (zlen == 0 || zlen > 15)
			return "IPv6 zone after '%' must be an interface name of 1-15 bytes";
		for (i = alen + 1; i < n; i++)
			if (!is_alnum(h[i]) && h[i] != '-' && h[i] != '_' && h[i] != '.')
				return "IPv6 zone after '%' is not an interface name";
	}
	return NULL;
}

static const char *parse_port(const char *p, size_t n, struct netaddr *a)
{
	unsigned int v = 0;
	size_t i;

	if (n == 0)
		return "missing port after ':'";
	if (n > 5)
		return "port out of range (1-65535)";
	for (i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return "port is not a decimal number";
		v = v * 10 + (unsigned int)(p[i] - '0');
	}
	if (p[0] == '0' && n > 1)
		return "port has a leading zero";
	if (v == 0 || v > 65535)
		return "port out of range (1-65535)";
	memcpy(a->port, p, n);
	a->port[n] = '\0';
	a->portnum = v;
	return NULL;
}

/* HOST:PORT or [V6]:PORT, exactly n bytes, already checked to be printable ASCII. */
static const char *parse_hostport(const char *s, size_t n, struct netaddr *a)
{
	const char *host, *port, *why;
	size_t hlen, i, colons = 0;
	struct in_addr a4;
	bool dotted = true;
	char buf[NETADDR_HOST_MAX + 1];

	if (n && s[0] == '[') {
		const char *end = memchr(s, ']', n);

		if (!end)
			return "'[' without its ']'";
		host = s + 1;
		hlen = (size_t)(end - host);
		if ((why = check_ipv6(host, hlen)))
			return why;
		if ((size_t)(end + 1 - s) == n)
			return "missing port: write [ADDR]:PORT";
		if (end[1] != ':')
			return "expected ':' and a port after ']'";
		port = end + 2;
		a->numeric = a->ipv6 = true;
	} else {
		const char *colon = NULL;

		for (i = 0; i < n; i++) {
			if (s[i] == ':') {
				colons++;
				colon = s + i;
			}
			if (s[i] == '[' || s[i] == ']')
				return "'[' or ']' out of place: only [IPV6]:PORT uses brackets";
		}
		if (!colon)
			return "missing port: write HOST:PORT";
		if (colons > 1)
			return "an IPv6 address needs brackets: write [ADDR]:PORT";
		host = s;
		hlen = (size_t)(colon - s);
		port = colon + 1;
		if (hlen == 0)
			return "missing host before ':'";
		if (hlen > NETADDR_HOST_MAX)
			return "host name longer than 253 bytes";
		for (i = 0; i < hlen; i++)
			if (!is_digit(host[i]) && host[i] != '.')
				dotted = false;
		memcpy(buf, host, hlen);
		buf[hlen] = '\0';
		if (dotted) {
			/* inet_pton takes only the four-part dotted quad, no octal or hex */
			if (inet_pton(AF_INET, buf, &a4) != 1)
				return "not a valid IPv4 address (four numbers 0-255 with dots)";
			a->numeric = true;
		} else if ((why = check_name(host, hlen))) {
			return why;
		}
	}
	if ((why = parse_port(port, (size_t)(s + n - port), a)))
		return why;
	if (hlen > NETADDR_HOST_MAX)
		return "host name longer than 253 bytes";
	memcpy(a->host, host, hlen);
	a->host[hlen] = '\0';
	return NULL;
}

int netaddr_parse_syslog(const char *s, size_t n, struct netaddr *a, char *err, size_t errlen)
{
	const char *sep, *why, *p;
	struct netaddr tmp = {};
	int ret;

	if (err && errlen)
		err[0] = '\0';
	ret = check_bytes(s, n, err, errlen, SYSLOG_FORMS);
	if (ret)
		return ret;
	if (n == 5 && !memcmp(s, "local", 5)) {
		tmp.kind = NETADDR_LOCAL;
		*a = tmp;
		return 0;
	}
	sep = memmem(s, n, "://", 3);
	if (!sep)
		return fail(err, errlen, s, n, SYSLOG_FORMS, "missing udp:// or tcp://");
	/* URL schemes are case-insensitive (RFC 3986) */
	if (sep - s == 3 && !strncasecmp(s, "udp", 3))
		tmp.kind = NETADDR_UDP;
	else if (sep - s == 3 && !strncasecmp(s, "tcp", 3))
		tmp.kind = NETADDR_TCP;
	else
		return fail(err, errlen, s, n, SYSLOG_FORMS, "unknown scheme (only udp and tcp)");
	sep += 3;
	for (p = sep; p < s + n; p++)
		if (*p == '/' || *p == '?' || *p == '#' || *p == '@')
			return fail(err, errlen, s, n, SYSLOG_FORMS,
				    "'%c' is not allowed: no user, path or query, only HOST:PORT",
				    *p);
	why = parse_hostport(sep, (size_t)(s + n - sep), &tmp);
	if (why)
		return fail(err, errlen, s, n, SYSLOG_FORMS, "%s", why);
	*a = tmp;
	return 0;
}

int netaddr_parse_listen(const char *s, size_t n, struct netaddr *a, char *err, size_t errlen)
{
	struct netaddr tmp = { .kind = NETADDR_LISTEN };
	const char *why;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	ret = check_bytes(s, n, err, errlen, LISTEN_FORMS);
	if (ret)
		return ret;
	if (memmem(s, n, "://", 3) || memchr(s, '/', n))
		return fail(err, errlen, s, n, LISTEN_FORMS,
			    "a listen address has no scheme or path (the path is /metrics)");
	if (s[0] == ':' && !memchr(s + 1, ':', n - 1))
		return fail(err, errlen, s, n, LISTEN_FORMS,
			    "missing address: say which one to listen on");
	why = parse_hostport(s, n, &tmp);
	if (why)
		return fail(err, errlen, s, n, LISTEN_FORMS, "%s", why);
	*a = tmp;
	return 0;
}

void netaddr_format(const struct netaddr *a, char *out, size_t len)
{
	const char *scheme = a->kind == NETADDR_UDP ? "udp://" :
			     a->kind == NETADDR_TCP ? "tcp://" : "";

	if (a->kind == NETADDR_LOCAL)
		snprintf(out, len, "local");
	else if (a->ipv6)
		snprintf(out, len, "%s[%s]:%s", scheme, a->host, a->port);
	else
		snprintf(out, len, "%s%s:%s", scheme, a->host, a->port);
}

int netaddr_resolve(const struct netaddr *a, int socktype, bool passive, struct addrinfo **res,
		    char *err, size_t errlen)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = socktype,
		.ai_flags = AI_NUMERICSERV | (a->numeric ? AI_NUMERICHOST : 0) |
			    (passive ? AI_PASSIVE : 0),
	};
	char shown[NETADDR_MAX_LEN + 16];
	int rc, e;

	*res = NULL;
	if (a->kind == NETADDR_LOCAL || !a->host[0]) {
		snprintf(err, errlen, "nothing to resolve");
		return -EINVAL;
	}
	rc = getaddrinfo(a->host, a->port, &hints, res);
	if (!rc && *res)
		return 0;
	netaddr_format(a, shown, sizeof(shown));
	switch (rc) {
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		e = -ENOENT;
		break;
	case EAI_AGAIN:
		e = -EAGAIN;
		break;
	case EAI_MEMORY:
		e = -ENOMEM;
		break;
	case EAI_SYSTEM:
		e = errno ? -errno : -EIO;
		break;
	default:
		e = -EINVAL;
	}
	snprintf(err, errlen, "cannot resolve %s: %s: check the name or give an IP address",
		 shown, rc == EAI_SYSTEM ? strerror(-e) : gai_strerror(rc));
	if (*res) {
		freeaddrinfo(*res);
		*res = NULL;
	}
	return e;
}
