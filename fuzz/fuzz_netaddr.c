// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_netaddr.c - libFuzzer target for the output address parsers
 * (user/output/netaddr.c): arbitrary bytes, NULs included, into both parsers.
 * Beyond "no crash, no sanitizer report", it checks what callers rely on: an
 * accepted value has a NUL-terminated host of allowed bytes and a port of
 * 1-65535 that formats back to a value the parser accepts again, and a
 * refusal leaves a one-line printable message.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Iuser \
 *         fuzz/fuzz_netaddr.c user/output/netaddr.c -o build/fuzz_netaddr
 *   build/fuzz_netaddr -max_total_time=60 -max_len=400
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "netaddr.h"

static void check_message(const char *err, size_t len)
{
	size_t i, n = strnlen(err, len);

	if (n == len || n == 0)
		abort();	/* unterminated, or a refusal without a reason */
	for (i = 0; i < n; i++)
		if ((unsigned char)err[i] < 0x20 || (unsigned char)err[i] >= 0x7f)
			abort();	/* a raw hostile byte reached the message */
}

static void check_accepted(const struct netaddr *a, int listen)
{
	char out[NETADDR_MAX_LEN + 32], err[512];
	struct netaddr b;
	size_t i, n = strnlen(a->host, sizeof(a->host));

	if (n == sizeof(a->host))
		abort();
	for (i = 0; i < n; i++)
		if ((unsigned char)a->host[i] <= 0x20 || (unsigned char)a->host[i] >= 0x7f)
			abort();
	if (a->kind == NETADDR_LOCAL)
		return;
	if (!n || a->portnum < 1 || a->portnum > 65535)
		abort();
	/* format and parse again: the same address */
	netaddr_format(a, out, sizeof(out));
	if ((listen ? netaddr_parse_listen : netaddr_parse_syslog)(out, strlen(out), &b, err,
								    sizeof(err)))
		abort();
	if (b.kind != a->kind || b.portnum != a->portnum || strcmp(b.host, a->host) ||
	    b.ipv6 != a->ipv6 || b.numeric != a->numeric)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct netaddr a;

	memset(err, 0x7f, sizeof(err));
	if (!netaddr_parse_syslog((const char *)data, size, &a, err, sizeof(err)))
		check_accepted(&a, 0);
	else
		check_message(err, sizeof(err));
	memset(err, 0x7f, sizeof(err));
	if (!netaddr_parse_listen((const char *)data, size, &a, err, sizeof(err)))
		check_accepted(&a, 1);
	else
		check_message(err, sizeof(err));
	/* a short error buffer is still terminated */
	netaddr_parse_syslog((const char *)data, size, &a, err, 8);
	if (strnlen(err, 8) == 8)
		abort();
	return 0;
}
