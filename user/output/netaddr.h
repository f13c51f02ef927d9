/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netaddr.h - the addresses lookout's outputs take on the command line:
 * `--syslog udp://HOST:PORT | tcp://HOST:PORT | local` and
 * `--metrics ADDR:PORT | [V6]:PORT`. Parsing is strict and offline (names are
 * resolved when the output opens, not here); every refusal says what is wrong
 * and what a valid value looks like.
 */
#ifndef LOOKOUT_NETADDR_H
#define LOOKOUT_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

struct addrinfo;

/* Longest value accepted: a 253-byte DNS name, brackets, a scheme and a port fit. */
#define NETADDR_MAX_LEN 300
#define NETADDR_HOST_MAX 253

enum netaddr_kind {
	NETADDR_UDP,	/* udp://HOST:PORT */
	NETADDR_TCP,	/* tcp://HOST:PORT, RFC 6587 octet counting */
	NETADDR_LOCAL,	/* local: the host's /dev/log */
	NETADDR_LISTEN,	/* ADDR:PORT for a listener */
};

struct netaddr {
	enum netaddr_kind kind;
	char host[NETADDR_HOST_MAX + 1];	/* no brackets; "" for local */
	char port[6];				/* decimal, for getaddrinfo */
	unsigned int portnum;			/* 1-65535; 0 for local */
	bool numeric;				/* host is an IPv4 or IPv6 literal */
	bool ipv6;				/* host is an IPv6 literal */
};

/*
 * Parse n bytes at s (any bytes: NUL, control and non-ASCII bytes are refused,
 * not assumed absent). Returns 0, or -EINVAL with a one-line message in err
 * (always NUL-terminated when errlen > 0; hostile input is shown escaped).
 */
int netaddr_parse_syslog(const char *s, size_t n, struct netaddr *a, char *err, size_t errlen);
int netaddr_parse_listen(const char *s, size_t n, struct netaddr *a, char *err, size_t errlen);

/* "udp://[::1]:514", "local", "127.0.0.1:9464": for messages. */
void netaddr_format(const struct netaddr *a, char *out, size_t len);

/*
 * getaddrinfo() for a parsed address: socktype SOCK_DGRAM or SOCK_STREAM,
 * passive for a listener. Blocks on DNS for a name: call it at open time only.
 * Returns 0, or -ENOENT/-EAGAIN/-ENOMEM/-EINVAL with a message in err.
 */
int netaddr_resolve(const struct netaddr *a, int socktype, bool passive, struct addrinfo **res,
		    char *err, size_t errlen);

#endif
