// SPDX-License-Identifier: GPL-2.0
/*
 * runtime.c - dispatch from a classified cgroup to its runtime's metadata reader. Sits
 * above the readers (runtime_*.c), which sit above what they share (runtime_read.c).
 */
#include <errno.h>
#include <string.h>

#include "runtime.h"

int runtime_lookup(const char *root, const struct cgroup_match *cm, struct container_meta *m)
{
	int err;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if (!cm)
		return -EINVAL;
	switch (cm->runtime) {
	case RUNTIME_DOCKER:
		return runtime_docker_lookup(root, cm->id, m);
	case RUNTIME_PODMAN:
		return runtime_podman_lookup(root, cm->id, m);
	case RUNTIME_CONTAINERD:
		err = runtime_containerd_lookup(root, cm->ctr_namespace, cm->id, m);
		/* /kubepods/.../pod<uid>/<id> is also what Kubernetes on Docker makes */
		if (err == -ENOENT && cm->pod_uid[0])
			err = runtime_docker_lookup(root, cm->id, m);
		return err;
	case RUNTIME_LXC:
	case RUNTIME_NSPAWN:
		if (!runtime_name_valid(cm->id, RUNTIME_ID_MAX))
			return -EINVAL;
		strcpy(m->name, cm->id);
		m->runtime = cm->runtime;
		return 0;
	case RUNTIME_CRIO:
		return runtime_crio_lookup(root, cm->id, m);
	case RUNTIME_SANDBOX:
	case RUNTIME_NONE:
	default:
		return -ENOENT;
	}
}
