// SPDX-License-Identifier: GPL-2.0
/*
 * container_init.c - the one rule for a container's init (container_init.h says
 * it whole), shared by the live pipeline's seeding and by lookout ps and inspect.
 */
#include "container_init.h"

/* Rule 1: the runtime's own processes and entered ones are never the init. */
static bool eligible(const struct init_cand *c)
{
	return !c->runtime && !c->entered;
}

/* PID 1 of a namespace of the container's own, not of the host's. */
static bool ns_init(const struct init_cand *c)
{
	return c->ns_pid == 1 && !c->host_pidns;
}

bool container_init_better(const struct init_cand *a, const struct init_cand *b)
{
	if (!eligible(a))
		return false;
	if (!b || !eligible(b))
		return true;
	if (a->ns_level != b->ns_level)
		return a->ns_level < b->ns_level;
	if (ns_init(a) != ns_init(b))
		return ns_init(a);
	if (a->start != b->start)
		return a->start < b->start;
	return a->pid < b->pid;
}
