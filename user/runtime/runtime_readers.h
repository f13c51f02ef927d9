/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime_readers.h - one reader per runtime: runtime_docker.c, runtime_podman.c,
 * runtime_containerd.c, runtime_crio.c. Each is called by the dispatcher (runtime.h) and
 * calls only what runtime_read.h shares, never another reader or the dispatcher.
 *
 * `root` is the prefix under which host state is read: "" (or NULL) for /, "/proc/1/root"
 * when lookout runs in a container, a fixtures directory in tests. Paths under it are
 * resolved with RESOLVE_IN_ROOT, so a symlink in the runtime's state cannot point outside.
 *
 * Every lookup returns 0 with *m filled, -ENOENT when the runtime has no such container,
 * -EINVAL when the id is unusable or the state file is malformed (not JSON, truncated,
 * wrong types, an object key holding a NUL, which json-c would read as a shorter key, an
 * "ID" that is not the one asked for), or another -errno from reading
 * (-EFBIG past the size bound, -EACCES, -ENOMEM). On failure *m is all "".
 * A field whose value is too long for it, or holds a NUL, is left "" (unknown) rather
 * than cut: a truncated image reference is a wrong one. Labels (m->labels) are read the
 * same way: one that does not fit labels.h's bounds, or whose value is not a string, is
 * left out and m->labels.truncated says so; it never makes the file malformed.
 */
#ifndef LOOKOUT_RUNTIME_READERS_H
#define LOOKOUT_RUNTIME_READERS_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime_read.h"

/*
 * <root>/var/lib/docker/containers/<id>/config.v2.json: "Name" (leading '/' stripped),
 * "Config"."Image", else the top-level "Image" (an image id). A Kubernetes container
 * (dockershim, cri-dockerd) takes name, pod and namespace from its io.kubernetes.*
 * labels, as the containerd reader does from annotations. Labels: "Config"."Labels".
 */
int runtime_docker_lookup(const char *root, const char *id, struct container_meta *m);

/*
 * containers/storage (rootful): <root>/var/lib/containers/storage/overlay-containers/
 * containers.json for "names"[0] and "image" (an image id), then overlay-images/
 * images.json for that image's first name. Image falls back to the "image-name" podman
 * stored in the container's "metadata", then to the image id. The vfs driver's
 * vfs-containers/ is tried after overlay. Labels are not known: podman keeps them in its
 * own database.
 */
int runtime_podman_lookup(const char *root, const char *id, struct container_meta *m);

/*
 * The OCI bundle's config.json in the shim's state directory,
 * <state>/io.containerd.runtime.v2.task/<ns>/<id>/config.json, with <state> one of
 * <root>/run/containerd, <root>/var/run/docker/containerd/daemon (dockerd's own),
 * <root>/run/k3s/containerd. ns NULL or "" tries every namespace directory there and
 * fails with -EINVAL if the id is in more than one. CRI containers: name, image, pod and
 * namespace from the io.kubernetes.cri.* annotations (a pod sandbox has no name).
 * Plain ctr containers have none: name = id, image from "io.containerd.image.name" if set.
 * Labels: the bundle's annotations (containerd's own labels are in its database).
 */
int runtime_containerd_lookup(const char *root, const char *ns, const char *id,
			      struct container_meta *m);

/*
 * The readers above on the content of a state file already in memory (len bytes, no
 * terminator needed), with the same checks and results minus the file access: for tests
 * and fuzzing. podman: containers.json, and images.json or NULL when there is none.
 */
int runtime_docker_parse(const char *json, size_t len, const char *id, struct container_meta *m);
int runtime_podman_parse(const char *containers, size_t containers_len, const char *images,
			 size_t images_len, const char *id, struct container_meta *m);
int runtime_containerd_parse(const char *json, size_t len, const char *id,
			     struct container_meta *m);

/* Is there a running containerd task (a bundle config.json) for ns/id? Same search. */
bool runtime_containerd_exists(const char *root, const char *ns, const char *id);

/*
 * CRI-O: <root>/var/lib/containers/storage/overlay-containers/<id>/userdata/config.json
 * (or vfs-containers), annotations io.kubernetes.container.name, io.kubernetes.pod.name,
 * io.kubernetes.pod.namespace and io.kubernetes.cri-o.ImageName. -ENOENT without them.
 * Labels: the JSON object in the text of io.kubernetes.cri-o.Labels (not known without it;
 * all left out, truncated, when the text is not one).
 */
int runtime_crio_lookup(const char *root, const char *id, struct container_meta *m);
int runtime_crio_parse(const char *json, size_t len, struct container_meta *m);

#endif /* LOOKOUT_RUNTIME_READERS_H */
