/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.h - container metadata (name, image, pod) from the runtimes' state files.
 *
 * One reader per runtime (runtime_docker.c, runtime_podman.c, runtime_containerd.c),
 * a dispatcher and the helpers they share (runtime.c). All reads are bounded and go
 * through safe_file.c inside `root`; all JSON goes through json-c.
 *
 * `root` is the prefix under which host state is read: "" (or NULL) for /, "/proc/1/root"
 * when lookout runs in a container, a fixtures directory in tests. Paths under it are
 * resolved with RESOLVE_IN_ROOT, so a symlink in the runtime's state cannot point outside.
 *
 * Every lookup returns 0 with *m filled, -ENOENT when the runtime has no such container,
 * -EINVAL when the id is unusable or the state file is malformed (not JSON, truncated,
 * wrong types, an "ID" that is not the one asked for), or another -errno from reading
 * (-EFBIG past the size bound, -EACCES, -ENOMEM). On failure *m is all "".
 * A field whose value is too long for it, or holds a NUL, is left "" (unknown) rather
 * than cut: a truncated image reference is a wrong one.
 */
#ifndef LOOKOUT_RUNTIME_H
#define LOOKOUT_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json_types.h>

#include "cgroup.h"

struct container_meta {
	char name[256];		/* without leading '/', "" unknown */
	char image[512];	/* image reference as the runtime records it, "" unknown */
	char pod[256];		/* Kubernetes pod name, "" */
	char k8s_namespace[256];
	/* the runtime whose state answered: differs from the cgroup's guess for Kubernetes
	 * on Docker, whose cgroupfs paths look like containerd's */
	enum runtime_kind runtime;
};

/*
 * <root>/var/lib/docker/containers/<id>/config.v2.json: "Name" (leading '/' stripped),
 * "Config"."Image", else the top-level "Image" (an image id). A Kubernetes container
 * (dockershim, cri-dockerd) takes name, pod and namespace from its io.kubernetes.*
 * labels, as the containerd reader does from annotations.
 */
int runtime_docker_lookup(const char *root, const char *id, struct container_meta *m);

/*
 * containers/storage (rootful): <root>/var/lib/containers/storage/overlay-containers/
 * containers.json for "names"[0] and "image" (an image id), then overlay-images/
 * images.json for that image's first name. Image falls back to the "image-name" podman
 * stored in the container's "metadata", then to the image id. The vfs driver's
 * vfs-containers/ is tried after overlay.
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
 */
int runtime_crio_lookup(const char *root, const char *id, struct container_meta *m);
int runtime_crio_parse(const char *json, size_t len, struct container_meta *m);

/*
 * Dispatch on cm->runtime. containerd with a pod uid that containerd does not know is
 * retried as Docker (Kubernetes on Docker). lxc and systemd-nspawn: name = id, nothing
 * read. cri-o: runtime_crio_lookup. sandbox and none: -ENOENT.
 */
int runtime_lookup(const char *root, const struct cgroup_match *cm, struct container_meta *m);

/* ---- shared by the runtime_*.c readers ---- */

#define RUNTIME_ID_MAX (CGROUP_ID_MAX - 1)
#define RUNTIME_FILE_MAX (1u << 20)
#define RUNTIME_BIG_FILE_MAX (16u << 20)

/* [A-Za-z0-9][A-Za-z0-9_.-]{0,max-1}: safe as one path component ("..", "/" impossible) */
bool runtime_name_valid(const char *s, size_t max);

/*
 * Read <root>/<relpath> (at most max bytes) and parse it strictly as one JSON value of
 * type `type` (json_type_object or json_type_array) with nothing but whitespace after it.
 * Returns 0 with *out to json_object_put(), -EINVAL when it is not that, or the read's
 * -errno.
 */
int runtime_read_json(const char *root, const char *relpath, size_t max, json_type type,
		      struct json_object **out);

/* The same on text already in memory (len bytes, no terminator needed): -EFBIG past max. */
int runtime_parse_json(const char *buf, size_t len, size_t max, json_type type,
		       struct json_object **out);

/*
 * obj[key] into dst: 0 when it is a string (copied, or "" if too long or holding a NUL),
 * or absent or null (dst = ""); -EINVAL for any other type or a NULL obj.
 */
int runtime_json_str(struct json_object *obj, const char *key, char *dst, size_t dstlen);

/* obj[key] as an object in *out (NULL when absent or null); -EINVAL for another type. */
int runtime_json_obj(struct json_object *obj, const char *key, struct json_object **out);

/* Is <root>/<relpath> a regular file (resolved like the reads)? */
bool runtime_file_exists(const char *root, const char *relpath);

#endif /* LOOKOUT_RUNTIME_H */
