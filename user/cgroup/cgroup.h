/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup.h - container identity from a cgroup path.
 *
 * Owns the mapping from a path as found in /proc/PID/cgroup to the runtime and
 * id of the container that cgroup belongs to, and the lookup of one hierarchy's
 * path in the text of /proc/PID/cgroup. Pure string work: no file access.
 */
#ifndef LOOKOUT_CGROUP_H
#define LOOKOUT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>

enum runtime_kind {
	RUNTIME_NONE = 0,
	RUNTIME_DOCKER,
	RUNTIME_PODMAN,
	RUNTIME_CONTAINERD,
	RUNTIME_CRIO,
	RUNTIME_LXC,
	RUNTIME_NSPAWN,
	RUNTIME_SANDBOX,
};

/* "docker", "podman", "containerd", "cri-o", "lxc", "systemd-nspawn", "sandbox"; NULL for NONE */
const char *runtime_kind_name(enum runtime_kind k);

#define CGROUP_ID_MAX 128
/* Longest cgroup path cgroup_classify() looks at; longer paths never match. */
#define CGROUP_PATH_MAX 4096

struct cgroup_match {
	enum runtime_kind runtime;
	/* 64 lowercase hex for docker/podman/containerd/cri-o; the name for lxc/nspawn;
	 * the container id for plain ctr */
	char id[CGROUP_ID_MAX];
	/* Kubernetes pod uid ('-' separated, as the API shows it) when the path has one */
	char pod_uid[64];
	/* containerd namespace of the plain `ctr` form /<ns>/<id>, else "" */
	char ctr_namespace[64];
	/* true for the plain ctr form only: any two-level path looks like it, so the caller
	 * must confirm with runtime_containerd_exists() before trusting it */
	bool needs_confirm;
};

/*
 * Classify a cgroup path (starts with '/'; len bytes, no terminator needed). Returns 1 and
 * fills *m when it names a container cgroup, 0 otherwise (m->runtime = RUNTIME_NONE).
 * Never reads past len. Rejected outright: empty components ("//", trailing '/'), a NUL
 * inside len, len > CGROUP_PATH_MAX. m may be NULL to only ask "is it a container?".
 *
 * The deepest component that names a container wins, so docker-in-docker
 * (/docker/<outer>/docker/<inner>) gives the inner one and sub-cgroups a container makes
 * for itself (/docker/<id>/init.scope) give the container.
 *
 * Recognised (<id> = 64 lowercase hex unless said otherwise):
 *   docker      .../docker/<id>, .../docker-<id>.scope
 *   podman      .../libpod-<id> (cgroupfs: parent /libpod_parent unless --cgroup-parent,
 *               never a systemd .slice), .../libpod-<id>.scope[/container]
 *   containerd  .../kubepods.../pod<uid>/<id>, .../cri-containerd-<id>.scope;
 *               the cgroupfs Kubernetes form is the same for Docker and CRI-O with
 *               cgroupfs: it is reported as containerd, runtime_lookup() falls back
 *               to Docker's state when containerd has no such container.
 *   cri-o       .../crio-<id>.scope, .../kubepods.../pod<uid>/crio-<id>
 *   lxc         .../lxc.payload.<name>[/...], /lxc/<name>[/...]
 *   nspawn      /machine.slice/machine-<name>.scope[/...] (systemd \xNN escapes undone;
 *               not the nspawn "supervisor" sub-cgroup, not libvirt's machine-qemu-*)
 *   ctr         /<ns>/<id>: exactly two levels of [A-Za-z0-9][A-Za-z0-9_.-]{0,75}
 *               (ns at most 63), not systemd units (.scope .slice .service .mount
 *               .socket .swap), not under docker, libpod_parent, lxc or kubepods.
 *               needs_confirm is set.
 * Not containers: libpod-conmon-*, crio-conmon-*, /libpod_parent/conmon, user and system
 * slices.
 */
int cgroup_classify(const char *path, size_t len, struct cgroup_match *m);

/*
 * From the text of /proc/PID/cgroup (len bytes), copy into out the path of the hierarchy
 * whose controller list holds `controller` ("memory", "name=systemd"); NULL or "" means
 * the cgroup v2 line "0::". Returns 0, -ENOENT when no line has it, -EINVAL when a line
 * is malformed (or arguments are), -ENAMETOOLONG when the path does not fit in outlen.
 */
int cgroup_proc_path(const char *text, size_t len, const char *controller, char *out,
		     size_t outlen);

#endif /* LOOKOUT_CGROUP_H */
