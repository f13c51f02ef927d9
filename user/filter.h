/* SPDX-License-Identifier: GPL-2.0 */
/*
 * filter.h - the live view's filters: --container, --event, --signal, --origin,
 * --pid, --image, --pod, --namespace, --label, --out-of-band.
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
	__u32 pids[FILTER_MAX_CONTAINERS];		/* host pids, as target or sender */
	unsigned int nr_pids;
	/* globs (fnmatch) on the container's image, Kubernetes pod and namespace */
	const char *images[FILTER_MAX_CONTAINERS];
	unsigned int nr_images;
	const char *pods[FILTER_MAX_CONTAINERS];
	unsigned int nr_pods;
	const char *namespaces[FILTER_MAX_CONTAINERS];
	unsigned int nr_namespaces;
	/* --label KEY (present) or KEY=VALUE (exactly): all must match */
	struct filter_label {
		const char *key;	/* not NUL-terminated: key_len bytes */
		size_t key_len;
		const char *value;	/* NULL: any value */
	} labels[FILTER_MAX_CONTAINERS];
	unsigned int nr_labels;
	bool out_of_band;		/* only what should alarm: out-of-band and tamper */
};

/* Which list filter_add_glob adds to. */
enum filter_glob { FILTER_IMAGE, FILTER_POD, FILTER_NAMESPACE };

/* Each parses a comma-separated list and adds to f; returns 0, or -EINVAL with
 * a message in err naming the bad item and the accepted values. */
int filter_parse_events(struct filter *f, const char *list, char *err, size_t errlen);
int filter_parse_signals(struct filter *f, const char *list, char *err, size_t errlen);
int filter_parse_origins(struct filter *f, const char *list, char *err, size_t errlen);
int filter_add_container(struct filter *f, const char *name_or_id, char *err, size_t errlen);
/* --pid: a comma-separated list of host pids. */
int filter_parse_pids(struct filter *f, const char *list, char *err, size_t errlen);
int filter_add_glob(struct filter *f, enum filter_glob which, const char *glob, char *err,
		    size_t errlen);
/* --label KEY or KEY=VALUE (split at the first '='; arg is kept, not copied). */
int filter_add_label(struct filter *f, const char *arg, char *err, size_t errlen);

/* A signal number from "9", "KILL", "SIGKILL", "sigkill", "SIGRTMIN+2"; -1 if none. */
int filter_signal_number(const char *s);

/* Does the filter keep this report? lookout_start, lookout_stop and lost always pass. */
bool filter_match(const struct filter *f, const struct report *r);

#endif
