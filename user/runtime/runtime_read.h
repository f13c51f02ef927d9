/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime_read.h - what a runtime reader fills (struct container_meta) and the reading
 * every reader shares: the one shape of an entry point (runtime_read_meta), bounded and
 * strict JSON from a file under the host root or from memory, typed fields, and the id
 * check that keeps a name safe as a path component.
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
#include "labels.h"

struct container_meta {
	char name[256];		/* without leading '/', "" unknown */
	char image[512];	/* image reference as the runtime records it, "" unknown */
	char pod[256];		/* Kubernetes pod name, "" */
	char k8s_namespace[256];
	/* Docker's Config.Labels, a containerd bundle's annotations, CRI-O's labels; not
	 * known for podman (its labels are in its database), lxc, nspawn, sandboxes */
	struct labels labels;
	/* the runtime whose state answered: differs from the cgroup's guess for Kubernetes
	 * on Docker, whose cgroupfs paths look like containerd's */
	enum runtime_kind runtime;
};

#define RUNTIME_ID_MAX (CGROUP_ID_MAX - 1)
#define RUNTIME_FILE_MAX (1u << 20)
#define RUNTIME_BIG_FILE_MAX (16u << 20)
/* a state file's path relative to root */
#define RUNTIME_REL_MAX 512

struct runtime_src;

/* What a reader is: the kind it answers for, its state file's shape, and its own part. */
struct runtime_reader {
	enum runtime_kind kind;	/* m->runtime on success */
	size_t max;		/* the size bound: RUNTIME_FILE_MAX or RUNTIME_BIG_FILE_MAX */
	json_type type;		/* json_type_object or json_type_array */
	/* the i-th place to look for the file, into rel (relative to root): 0, -ENOENT when
	 * there is no i-th place, or another -errno to answer with */
	int (*path)(const struct runtime_src *s, size_t i, char *rel, size_t len);
	/* fill m from the parsed value: 0 or -errno */
	int (*parse)(struct json_object *obj, const struct runtime_src *s,
		     struct container_meta *m);
};

/* One lookup: the container asked about and where its state is. */
struct runtime_src {
	const char *id;		/* checked with runtime_name_valid(id, id_max) first, */
	size_t id_max;		/* unless id_max is 0 */
	const char *root;	/* the file under root, at the reader's places in turn; */
	bool text;		/* or, with text, the state file's content already in memory */
	const char *buf;	/* (len bytes, no terminator needed) */
	size_t len;
	const void *ctx;	/* the reader's own */
};

/*
 * The start and the end every reader's entry point shares: zero *m, check the id, read
 * the state file (the first of the reader's places that has one answers) and parse it
 * strictly, let the reader fill m, and set m->runtime. Returns what runtime_readers.h
 * promises of every lookup: 0, -ENOENT, -EINVAL, or the read's -errno, with *m all ""
 * on failure (-EINVAL for m NULL).
 */
int runtime_read_meta(const struct runtime_reader *rd, const struct runtime_src *s,
		      struct container_meta *m);

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

/*
 * The members of obj (an object; NULL: there are none) into l as labels, and l is known.
 * A member whose value is not a string, or that is over labels.h's bounds, is left out
 * and l->truncated says so.
 */
void runtime_json_labels(struct json_object *obj, struct labels *l);

/* Is <root>/<relpath> a regular file (resolved like the reads)? */
bool runtime_file_exists(const char *root, const char *relpath);

#endif /* LOOKOUT_RUNTIME_READ_H */
