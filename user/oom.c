// SPDX-License-Identifier: GPL-2.0
/* oom.c - places the memory limit an OOM kill answered to (see oom.h). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "oom.h"

const char *oom_scope_name(enum oom_scope s)
{
	switch (s) {
	case OOM_SCOPE_CONTAINER:
		return "container";
	case OOM_SCOPE_POD:
		return "pod";
	case OOM_SCOPE_PARENT:
		return "parent";
	case OOM_SCOPE_GLOBAL:
	default:
		return "global";
	}
}

/* Cut the last component of a cgroup path in place; false at the root. */
static bool path_up(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || slash == path) {
		if (!path[0] || !strcmp(path, "/"))
			return false;
		strcpy(path, "/");
		return true;
	}
	*slash = '\0';
	return true;
}

static bool cgroup_has_id(const char *mount, const char *path, __u64 id)
{
	char full[1024];
	struct stat st;

	snprintf(full, sizeof(full), "%s%s", mount, strcmp(path, "/") ? path : "");
	return !stat(full, &st) && (__u64)st.st_ino == id;
}

void oom_limit_place(struct oom_limit *out, const struct lk_memcg *fired,
		     const struct container *c, const char *cgroup_mount, long page_size)
{
	char path[512];
	int up;

	memset(out, 0, sizeof(*out));
	out->scope = OOM_SCOPE_GLOBAL;
	if (!fired || !fired->cgroup_id)
		return;
	out->limit_bytes = fired->max_pages * (__u64)page_size;
	out->usage_bytes = fired->usage_pages * (__u64)page_size;
	out->scope = OOM_SCOPE_PARENT;
	if (!c || !c->cgroup_path[0])
		return;
	if (fired->cgroup_id == c->cgroup_id) {
		out->scope = OOM_SCOPE_CONTAINER;
		snprintf(out->cgroup, sizeof(out->cgroup), "%s", c->cgroup_path);
		return;
	}
	/* Without the hierarchy to look in, say only that it was not its own. */
	if (!cgroup_mount || !cgroup_has_id(cgroup_mount, c->cgroup_path, c->cgroup_id))
		return;
	/* An ancestor of the container's cgroup: the first one up is a pod's
	 * when the runtime says the container is in a pod. */
	snprintf(path, sizeof(path), "%s", c->cgroup_path);
	for (up = 1; cgroup_mount && path_up(path); up++) {
		if (!cgroup_has_id(cgroup_mount, path, fired->cgroup_id))
			continue;
		snprintf(out->cgroup, sizeof(out->cgroup), "%s", path);
		out->scope = (up == 1 && c->meta.pod[0]) ? OOM_SCOPE_POD : OOM_SCOPE_PARENT;
		return;
	}
	/* Not above it: a cgroup the container made inside its own. */
	out->scope = OOM_SCOPE_CONTAINER;
}
