// SPDX-License-Identifier: GPL-2.0
/*
 * filter.c - parsing and matching of the live view's filters.
 *
 * Each filter restricts its own dimension only: --event the event types,
 * --signal the signal events, --origin the signal events and the exits they
 * caused (by the killer's origin), --container every event about a process
 * (a signal by its target's container), and so do --image, --pod,
 * --namespace and --label; --pid the events of a process as itself, sender, target or
 * killer; --out-of-band keeps only out-of-band signals and exits and tampering. lookout's own events and
 * `lost` always pass, so a filtered log still shows its gaps and its bounds.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"
#include "labels.h"
#include "output.h"

#define ITEM_MAX 64

/* Call fn on each comma-separated item of list; empty items are errors. */
static int for_each_item(const char *list, char *err, size_t errlen,
			 int (*fn)(void *ctx, const char *item), void *ctx)
{
	const char *p = list, *comma;
	char item[ITEM_MAX];
	size_t n;

	if (!list || !*list) {
		snprintf(err, errlen, "empty list");
		return -EINVAL;
	}
	for (;;) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (!n || n >= sizeof(item)) {
			snprintf(err, errlen, n ? "item too long" : "empty item in '%.64s'", list);
			return -EINVAL;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if (fn(ctx, item)) {
			snprintf(err, errlen, "unknown value '%.64s'", item);
			return -EINVAL;
		}
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* lookout's own events (start, stop, lost) are always kept: not a choice. */
static bool event_filterable(int t)
{
	return t >= 0 && t != REPORT_LOOKOUT_START && t != REPORT_LOOKOUT_STOP && t != REPORT_LOST;
}

static int add_event(void *ctx, const char *item)
{
	struct filter *f = ctx;
	int t = report_type_from_name(item);

	if (!event_filterable(t))
		return -1;
	f->events |= 1u << t;
	return 0;
}

int filter_parse_events(struct filter *f, const char *list, char *err, size_t errlen)
{
	int e = for_each_item(list, err, errlen, add_event, f);

	if (e)
		snprintf(err + strlen(err), errlen - strlen(err),
			 ": events are exec, exit, signal, container_start, container_update, "
			 "container_exit, oom");
	return e;
}

int filter_signal_number(const char *s)
{
	char up[ITEM_MAX];
	const char *name;
	size_t i;
	int n;

	if (!s || !*s || strlen(s) >= sizeof(up))
		return -1;
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long v = strtol(s, &end, 10);

		return *end || v < 1 || v > 64 ? -1 : (int)v;
	}
	for (i = 0; s[i]; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	name = strncmp(up, "SIG", 3) ? up : up + 3;
	if (!strncmp(name, "RTMIN+", 6) || (!strncmp(name, "RT", 2) && isdigit((unsigned char)name[2]))) {
		/* The kernel's numbering, as the JSON's signal_name: SIGRT0 is 32. */
		const char *d = name + (name[2] == 'M' ? 6 : 2);
		char *end;
		long v;

		if (!isdigit((unsigned char)*d))
			return -1;
		v = strtol(d, &end, 10);
		return *end || v < 0 || v > 32 ? -1 : 32 + (int)v;
	}
	for (n = 1; n < 32; n++) {
		const char *known = signal_name(n);

		if (known && !strcmp(known + 3, name))
			return n;
	}
	return -1;
}

static int add_signal(void *ctx, const char *item)
{
	struct filter *f = ctx;
	int n = filter_signal_number(item);

	if (n < 1)
		return -1;
	f->signals |= 1ULL << (n - 1);
	return 0;
}

int filter_parse_signals(struct filter *f, const char *list, char *err, size_t errlen)
{
	int e = for_each_item(list, err, errlen, add_signal, f);

	if (e)
		snprintf(err + strlen(err), errlen - strlen(err),
			 ": give signal names or numbers, like KILL,SIGTERM,10");
	return e;
}

static int add_origin(void *ctx, const char *item)
{
	struct filter *f = ctx;
	int o;

	for (o = ORIGIN_KERNEL; o <= ORIGIN_HOST; o++) {
		if (!strcmp(item, origin_name(o))) {
			f->origins |= 1u << o;
			return 0;
		}
	}
	return -1;
}

int filter_parse_origins(struct filter *f, const char *list, char *err, size_t errlen)
{
	int e = for_each_item(list, err, errlen, add_origin, f);

	if (e)
		snprintf(err + strlen(err), errlen - strlen(err),
			 ": origins are runtime, container, other_container, host, kernel");
	return e;
}

/* Control characters: never in a value a filter can match (the output escapes them). */
static bool has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

int filter_add_container(struct filter *f, const char *name_or_id, char *err, size_t errlen)
{
	size_t n = name_or_id ? strlen(name_or_id) : 0;

	if (!n || n > FILTER_NAME_MAX) {
		snprintf(err, errlen, "a container name or id prefix of 1 to 255 characters");
		return -EINVAL;
	}
	if (has_control(name_or_id, n)) {
		snprintf(err, errlen, "control characters are not allowed in a container name");
		return -EINVAL;
	}
	if (f->nr_containers >= FILTER_MAX_CONTAINERS) {
		snprintf(err, errlen, "at most %d --container filters", FILTER_MAX_CONTAINERS);
		return -EINVAL;
	}
	f->containers[f->nr_containers++] = name_or_id;
	return 0;
}

#define MARK "\xe2\x80\xa6"	/* … as the live view cuts a name */

/*
 * One --container value against one container. A name matches exactly, by a
 * glob (fnmatch: web-*), or by its start when cut with the mark as the live
 * view shows it (payments-work…); an id by prefix, as Docker accepts them.
 * The live view's whole cell, name/id, matches too.
 */
static bool container_match_one(const char *want, const struct container *c)
{
	const char *name = c->meta.name, *slash;
	size_t n = strlen(want), m = strlen(MARK);
	char part[FILTER_NAME_MAX + 1];

	if (!strncmp(c->id, want, n))
		return true;
	if (!name[0])
		return false;
	if (!strcmp(name, want))
		return true;
	if (strpbrk(want, "*?[") && !fnmatch(want, name, 0))
		return true;
	slash = strrchr(want, '/');
	if (slash && slash[1] && strspn(slash + 1, "0123456789abcdef") == strlen(slash + 1) &&
	    (size_t)(slash - want) <= FILTER_NAME_MAX) {
		/* "name…/ee1c42390": both halves must agree */
		memcpy(part, want, (size_t)(slash - want));
		part[slash - want] = '\0';
		return !strncmp(c->id, slash + 1, strlen(slash + 1)) &&
		       container_match_one(part, c);
	}
	/* only a cut name is a prefix: a plain --container web never takes web-2 */
	if (n <= m || strcmp(want + n - m, MARK))
		return false;
	return !strncmp(name, want, n - m);
}

static int add_pid(void *ctx, const char *item)
{
	struct filter *f = ctx;
	unsigned long v;
	char *end;

	if (*item < '1' || *item > '9' || f->nr_pids >= FILTER_MAX_CONTAINERS)
		return -1;
	v = strtoul(item, &end, 10);
	if (*end || v > 4194304)
		return -1;
	f->pids[f->nr_pids++] = (__u32)v;
	return 0;
}

int filter_parse_pids(struct filter *f, const char *list, char *err, size_t errlen)
{
	int e = for_each_item(list, err, errlen, add_pid, f);

	if (e)
		snprintf(err + strlen(err), errlen - strlen(err),
			 ": give host pids from 1 to 4194304, at most %d", FILTER_MAX_CONTAINERS);
	return e;
}

int filter_add_glob(struct filter *f, enum filter_glob which, const char *glob, char *err,
		    size_t errlen)
{
	const char **list = which == FILTER_IMAGE ? f->images :
			    which == FILTER_POD ? f->pods : f->namespaces;
	unsigned int *nr = which == FILTER_IMAGE ? &f->nr_images :
			   which == FILTER_POD ? &f->nr_pods : &f->nr_namespaces;
	size_t n = glob ? strlen(glob) : 0;

	if (!n || n > 511) {
		snprintf(err, errlen, "a name or glob of 1 to 511 characters");
		return -EINVAL;
	}
	if (has_control(glob, n)) {
		snprintf(err, errlen, "control characters are not allowed");
		return -EINVAL;
	}
	if (*nr >= FILTER_MAX_CONTAINERS) {
		snprintf(err, errlen, "at most %d of these filters", FILTER_MAX_CONTAINERS);
		return -EINVAL;
	}
	list[(*nr)++] = glob;
	return 0;
}

int filter_add_label(struct filter *f, const char *arg, char *err, size_t errlen)
{
	const char *eq = arg ? strchr(arg, '=') : NULL;
	size_t klen = eq ? (size_t)(eq - arg) : arg ? strlen(arg) : 0;
	struct filter_label *l;

	if (!klen || klen > LABEL_KEY_MAX || (eq && strlen(eq + 1) > LABEL_VALUE_MAX)) {
		snprintf(err, errlen, "give KEY or KEY=VALUE, a key of 1 to %d bytes and a value "
			 "of at most %d", LABEL_KEY_MAX, LABEL_VALUE_MAX);
		return -EINVAL;
	}
	if (has_control(arg, strlen(arg))) {
		snprintf(err, errlen, "control characters are not allowed");
		return -EINVAL;
	}
	if (f->nr_labels >= FILTER_MAX_CONTAINERS) {
		snprintf(err, errlen, "at most %d --label filters", FILTER_MAX_CONTAINERS);
		return -EINVAL;
	}
	l = &f->labels[f->nr_labels++];
	l->key = arg;
	l->key_len = klen;
	l->value = eq ? eq + 1 : NULL;
	return 0;
}

/* --label: every one the container must have; a host process never matches. A label
 * the runtime's state did not give, or that lookout left out (too long), is not there. */
static bool label_match(const struct filter *f, const struct container *c)
{
	for (unsigned int i = 0; i < f->nr_labels; i++) {
		const struct filter_label *l = &f->labels[i];
		const char *v = c ? labels_get(&c->meta.labels, l->key, l->key_len) : NULL;

		if (!v || (l->value && strcmp(v, l->value)))
			return false;
	}
	return true;
}

/* No globs: everything passes; else the value (never an unknown one) must match one. */
static bool glob_match(const char *const *globs, unsigned int n, const char *value)
{
	unsigned int i;

	if (!n)
		return true;
	if (!value[0])
		return false;
	for (i = 0; i < n; i++)
		if (!fnmatch(globs[i], value, 0))
			return true;
	return false;
}

/* --image, --pod, --namespace: a host process (no container) never matches. */
static bool meta_match(const struct filter *f, const struct container *c)
{
	if (!f->nr_images && !f->nr_pods && !f->nr_namespaces)
		return true;
	if (!c)
		return false;
	return glob_match(f->images, f->nr_images, c->meta.image) &&
	       glob_match(f->pods, f->nr_pods, c->meta.pod) &&
	       glob_match(f->namespaces, f->nr_namespaces, c->meta.k8s_namespace);
}

static bool pid_listed(const struct filter *f, const struct proc_view *p)
{
	unsigned int i;

	if (!p || !p->k)
		return false;
	for (i = 0; i < f->nr_pids; i++)
		if (f->pids[i] == p->k->pid)
			return true;
	return false;
}

/* --pid: the process itself, a signal's sender or target, or the killer of an exit. */
static bool pid_match(const struct filter *f, const struct report *r)
{
	if (!f->nr_pids)
		return true;
	if (r->type == REPORT_SIGNAL)
		return pid_listed(f, &r->signal->sender) || pid_listed(f, &r->signal->target);
	return pid_listed(f, &r->proc) || (r->killed_by && pid_listed(f, &r->killed_by->sender));
}

/* --out-of-band: what should alarm (lost and lookout's own passed already). */
static bool alarm_match(const struct filter *f, const struct report *r)
{
	if (!f->out_of_band)
		return true;
	if (r->type == REPORT_SIGNAL && r->signal->tamper)
		return true;
	return report_out_of_band(r);
}

static bool container_match(const struct filter *f, const struct container *c)
{
	unsigned int i;

	if (!f->nr_containers)
		return true;
	if (!c)
		return false;
	for (i = 0; i < f->nr_containers; i++)
		if (container_match_one(f->containers[i], c))
			return true;
	return false;
}

bool filter_match(const struct filter *f, const struct report *r)
{
	const struct container *c;

	switch (r->type) {
	case REPORT_LOOKOUT_START:
	case REPORT_LOOKOUT_STOP:
	case REPORT_LOST:
		return true;
	default:
		break;
	}
	if (f->events && !(f->events & (1u << r->type)))
		return false;
	if (r->type == REPORT_SIGNAL) {
		const struct signal_view *s = r->signal;

		if (f->signals && (s->k->sig < 1 || s->k->sig > 64 ||
				   !(f->signals & (1ULL << (s->k->sig - 1)))))
			return false;
		if (f->origins && !(f->origins & (1u << s->origin)))
			return false;
		c = s->target.c;
	} else {
		/* An exit someone caused is theirs too: --origin host shows what the
		 * host did, the deaths included. */
		if (f->origins && r->killed_by && !(f->origins & (1u << r->killed_by->origin)))
			return false;
		c = r->proc.c;
	}
	return container_match(f, c) && meta_match(f, c) && label_match(f, c) && pid_match(f, r) &&
	       alarm_match(f, r);
}
