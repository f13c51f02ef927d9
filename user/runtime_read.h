/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime_read.h - what a runtime reader fills (struct container_meta) and the reading
 * every reader shares: bounded and strict JSON from a file under the host root or from
 * memory, typed fields, and the id check that keeps a name safe as a path component.
 *
 * Below the readers (runtime_docker.c, runtime_podman.c, runtime_containerd.c,
 * runtime_crio.c), which sit below the dispatcher (runtime.c): nothing here calls a
 * reader. All reads are bounded and go through safe_file.c inside `root`; all JSON goes
 * through json-c.
 */
#ifndef LOOKOUT_RUNTIME_READ_H
#define LOOKOUT_RUNTIME_READ_H

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

#endif /* LOOKOUT_RUNTIME_READ_H */
