/* SPDX-License-Identifier: GPL-2.0 */
/*
 * filter.h - the live view's filters: --container, --event, --signal, --origin.
 * Parsing (strict, with messages that say what is accepted) and matching. The
 * kernel applies what it can (signal numbers, kernel-raised signals); the rest
 * is applied here.
 */
#ifndef LOOKOUT_FILTER_H
#define LOOKOUT_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "report.h"

#define FILTER_MAX_CONTAINERS 32
#define FILTER_NAME_MAX 255

struct filter {
	unsigned int events;		/* bit per enum report_type; 0 = all */
	__u64 signals;			/* bit sig-1 per signal; 0 = all */
	unsigned int origins;		/* bit per enum origin; 0 = all */
	const char *containers[FILTER_MAX_CONTAINERS];	/* names or id prefixes */
	unsigned int nr_containers;
};

/* Each parses a comma-separated list and adds to f; returns 0, or -EINVAL with
 * a message in err naming the bad item and the accepted values. */
int filter_parse_events(struct filter *f, const char *list, char *err, size_t errlen);
int filter_parse_signals(struct filter *f, const char *list, char *err, size_t errlen);
int filter_parse_origins(struct filter *f, const char *list, char *err, size_t errlen);
int filter_add_container(struct filter *f, const char *name_or_id, char *err, size_t errlen);

/* A signal number from "9", "KILL", "SIGKILL", "sigkill", "SIGRTMIN+2"; -1 if none. */
int filter_signal_number(const char *s);

/* Does the filter keep this report? lookout_start, lookout_stop and lost always pass. */
bool filter_match(const struct filter *f, const struct report *r);

#endif
