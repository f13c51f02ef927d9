// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_filter.c - the values of --event, --signal, --origin, --container and --label.
 *
 * The input (up to its first NUL) goes to every parser. Each is checked against a
 * reference written from filter.h and the README: a comma-separated list of known names,
 * no empty item; signals as 1-64, a name with or without SIG in any case, RT<n> or
 * RTMIN+<n> (n 0-32); a container 1-255 bytes without control characters, at most 32;
 * a label KEY[=VALUE] split at the first '=', a key of 1-511 bytes, a value of at most
 * 1,023, no control characters, at most 32, matching a container that has exactly that
 * label (or the key, without '=') and no other.
 * A refusal leaves a terminated message that fits in the caller's buffer.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>

#include "containers.h"
#include "filter.h"
#include "fuzz.h"
#include "labels.h"
#include "output.h"

#define ITEM_MAX 63	/* longest item filter.c reads; no name is near it */

/* The events --event takes, at their enum report_type bit (written out here on
 * purpose: the oracle does not share filter.c's table). lookout's own events
 * (start, stop, lost) are not a choice. */
static const char *const events[] = {
	[REPORT_EXEC] = "exec",
	[REPORT_EXIT] = "exit",
	[REPORT_SIGNAL] = "signal",
	[REPORT_CONTAINER_START] = "container_start",
	[REPORT_CONTAINER_EXIT] = "container_exit",
	[REPORT_OOM] = "oom",
	[REPORT_CONTAINER_UPDATE] = "container_update",
};

static bool ref_digits(const char *s, size_t n, long max, long *v)
{
	if (!n)
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (*v <= max)
			*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* The signal an item of n bytes names, or -1. */
static int ref_signal(const char *s, size_t n)
{
	char up[ITEM_MAX + 1];
	const char *name;
	size_t nl;
	long v;

	if (n == 0 || n > ITEM_MAX)
		return -1;
	if (s[0] >= '0' && s[0] <= '9')
		return ref_digits(s, n, 64, &v) && v >= 1 && v <= 64 ? (int)v : -1;
	for (size_t i = 0; i < n; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[n] = '\0';
	name = strncmp(up, "SIG", 3) ? up : up + 3;
	nl = strlen(name);
	if (nl > 6 && !strncmp(name, "RTMIN+", 6))
		return ref_digits(name + 6, nl - 6, 32, &v) && v <= 32 ? 32 + (int)v : -1;
	if (nl > 2 && !strncmp(name, "RT", 2) && name[2] >= '0' && name[2] <= '9')
		return ref_digits(name + 2, nl - 2, 32, &v) && v <= 32 ? 32 + (int)v : -1;
	for (int sig = 1; sig < 32; sig++) {
		const char *known = signal_name(sig);

		if (known && !strcmp(known + 3, name))
			return sig;
	}
	return -1;
}

enum list_kind { LIST_EVENTS, LIST_SIGNALS, LIST_ORIGINS };

/* What parsing list as kind adds, or false when it must be refused. */
static bool ref_list(enum list_kind kind, const char *list, uint64_t *bits)
{
	const char *p = list;

	*bits = 0;
	if (!*list)
		return false;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		int bit = -1;

		if (n == 0 || n > ITEM_MAX)
			return false;
		if (kind == LIST_SIGNALS) {
			bit = ref_signal(p, n);
			bit = bit > 0 ? bit - 1 : -1;
		} else if (kind == LIST_EVENTS) {
			for (int i = 0; i < (int)(sizeof(events) / sizeof(events[0])); i++) {
				if (events[i] && strlen(events[i]) == n && !memcmp(p, events[i], n))
					bit = i;
			}
		} else {
			for (int o = ORIGIN_KERNEL; o <= ORIGIN_HOST; o++) {
				if (strlen(origin_name(o)) == n && !memcmp(p, origin_name(o), n))
					bit = o;
			}
		}
		if (bit < 0)
			return false;
		*bits |= 1ULL << bit;
		if (!comma)
			return true;
		p = comma + 1;
	}
}

static void check_err(const char *err, size_t errlen)
{
	size_t n = strnlen(err, errlen);

	FUZZ_CHECK(n < errlen, "error message not terminated in %zu bytes", errlen);
	FUZZ_CHECK(errlen == 1 || n > 0, "empty error message");
}

static void check_list(enum list_kind kind, const char *s, size_t errlen)
{
	static int (*const parse[])(struct filter *, const char *, char *, size_t) = {
		filter_parse_events, filter_parse_signals, filter_parse_origins
	};
	struct filter f;
	char *err = malloc(errlen);
	uint64_t want, got;
	bool ok;
	int r;

	memset(&f, 0, sizeof(f));
	err[0] = '\0';
	r = parse[kind](&f, s, err, errlen);
	ok = ref_list(kind, s, &want);
	FUZZ_CHECK(r == 0 || r == -EINVAL, "list kind %d returned %d", kind, r);
	FUZZ_CHECK((r == 0) == ok, "list kind %d: '%s' %s", kind, s,
		   ok ? "refused" : "accepted");
	got = kind == LIST_EVENTS ? f.events : kind == LIST_SIGNALS ? f.signals : f.origins;
	if (r == 0)
		FUZZ_CHECK(got == want, "list kind %d: '%s' gave %#llx, not %#llx", kind, s,
			   (unsigned long long)got, (unsigned long long)want);
	else
		check_err(err, errlen);
	FUZZ_CHECK(f.nr_containers == 0 && (kind == LIST_EVENTS || !f.events) &&
			   (kind == LIST_SIGNALS || !f.signals) &&
			   (kind == LIST_ORIGINS || !f.origins),
		   "list kind %d changed another filter", kind);
	free(err);
}

static void check_containers(const char *s, size_t errlen)
{
	size_t n = strlen(s);
	bool ok = n >= 1 && n <= 255;
	char *err = malloc(errlen);
	struct filter f;

	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			ok = false;
	}
	memset(&f, 0, sizeof(f));
	for (unsigned int k = 0; k <= FILTER_MAX_CONTAINERS; k++) {
		int r = filter_add_container(&f, s, err, errlen);
		bool want = ok && k < FILTER_MAX_CONTAINERS;

		FUZZ_CHECK((r == 0) == want, "container %u '%s' %s", k, s,
			   want ? "refused" : "accepted");
		if (r) {
			FUZZ_CHECK(r == -EINVAL, "returned %d", r);
			check_err(err, errlen);
			break;
		}
		FUZZ_CHECK(f.nr_containers == k + 1 && f.containers[k] == s, "not stored");
	}
	free(err);
}

/* A container with the one label key=value, and an exec of it. */
static void labelled(struct container *c, struct report *r, struct lk_proc *k, const char *key,
		     size_t klen, const char *value, size_t vlen)
{
	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	c->meta.labels.known = true;
	FUZZ_CHECK(labels_add(&c->meta.labels, key, klen, value, vlen) == 0, "label not kept");
	r->type = REPORT_EXEC;
	r->proc.k = k;
	r->proc.c = c;
}

static void check_labels(const char *s, size_t errlen)
{
	const char *eq = strchr(s, '=');
	size_t n = strlen(s), klen = eq ? (size_t)(eq - s) : n, vlen = eq ? n - klen - 1 : 0;
	bool ok = klen >= 1 && klen <= 511 && vlen <= 1023;
	char *err = malloc(errlen), other[1024];
	struct container *c = malloc(sizeof(*c));
	struct lk_proc k = {};
	struct filter f;
	struct report r;

	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			ok = false;
	}
	memset(&f, 0, sizeof(f));
	for (unsigned int i = 0; i <= FILTER_MAX_CONTAINERS; i++) {
		int rc = filter_add_label(&f, s, err, errlen);
		bool want = ok && i < FILTER_MAX_CONTAINERS;

		FUZZ_CHECK((rc == 0) == want, "label %u '%s' %s", i, s, want ? "refused" : "accepted");
		if (rc) {
			FUZZ_CHECK(rc == -EINVAL, "returned %d", rc);
			check_err(err, errlen);
			break;
		}
		FUZZ_CHECK(f.nr_labels == i + 1 && f.labels[i].key == s &&
				   f.labels[i].key_len == klen &&
				   f.labels[i].value == (eq ? eq + 1 : NULL),
			   "not stored as key %zu bytes, value %s", klen, eq ? eq + 1 : "(any)");
	}
	/* the label itself matches (a key that is not UTF-8 cannot be kept: skip it) */
	if (ok && ref_utf8_valid((const uint8_t *)s, klen)) {
		labelled(c, &r, &k, s, klen, eq ? eq + 1 : "v", eq ? vlen : 1);
		FUZZ_CHECK(filter_match(&f, &r), "'%s' does not match its own label", s);
		/* another value only when none was asked for; another key never */
		if (vlen)	/* one byte shorter */
			snprintf(other, sizeof(other), "%.*s", (int)vlen - 1, eq + 1);
		else
			strcpy(other, "x");
		labelled(c, &r, &k, s, klen, other, strlen(other));
		FUZZ_CHECK(filter_match(&f, &r) == !eq, "'%s' and value '%s'", s, other);
		labelled(c, &r, &k, "x", 1, "", 0);
		FUZZ_CHECK(filter_match(&f, &r) == (klen == 1 && s[0] == 'x' && (!eq || !vlen)),
			   "'%s' and label x", s);
		r.proc.c = NULL;
		FUZZ_CHECK(!filter_match(&f, &r), "'%s' matches a host process", s);
	}
	free(c);
	free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	/* a message buffer of every size up to the one options.c gives */
	size_t errlen = 1 + (size ? data[0] % 256 : 255);
	int sig, want;

	sig = filter_signal_number(s);
	want = strlen(s) < 64 ? ref_signal(s, strlen(s)) : -1;
	FUZZ_CHECK(sig == want, "'%s' is signal %d, not %d", s, sig, want);
	if (sig > 0 && signal_name(sig)) {
		char again[16];

		/* the JSON's signal_name reads back as the same signal */
		snprintf(again, sizeof(again), "%s", signal_name(sig));
		FUZZ_CHECK(filter_signal_number(again) == sig, "%s is not %d", again, sig);
	}
	check_list(LIST_EVENTS, s, errlen);
	check_list(LIST_SIGNALS, s, errlen);
	check_list(LIST_ORIGINS, s, errlen);
	check_containers(s, errlen);
	check_labels(s, errlen);
	free(s);
	return 0;
}
