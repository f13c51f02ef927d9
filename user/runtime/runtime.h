/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.h - container metadata (name, image, pod, labels) from the runtimes' state: the
 * dispatcher (runtime.c), above one reader per runtime (runtime_readers.h), above the
 * reading they share (runtime_read.h). See runtime_readers.h for what a lookup returns.
 */
#ifndef LOOKOUT_RUNTIME_H
#define LOOKOUT_RUNTIME_H

#include "cgroup.h"
#include "runtime_readers.h"

/*
 * Dispatch on cm->runtime. containerd with a pod uid that containerd does not know is
 * retried as Docker (Kubernetes on Docker). lxc and systemd-nspawn: name = id, nothing
 * read. cri-o: runtime_crio_lookup. sandbox and none: -ENOENT.
 */
int runtime_lookup(const char *root, const struct cgroup_match *cm, struct container_meta *m);

#endif /* LOOKOUT_RUNTIME_H */
