// SPDX-License-Identifier: GPL-2.0
/*
 * runtime_containerd.c - container metadata for containerd (CRI and plain ctr).
 *
 * containerd's metadata store is BoltDB, which we do not parse. Its runc shim writes
 * each running task's OCI bundle under a state directory, and the bundle's config.json
 * carries the CRI plugin's annotations (container, image, pod, namespace). A bundle
 * exists exactly while the task does, which is also what confirms the ambiguous
 * /<ns>/<id> cgroup form.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime_read.h"
#include "runtime_readers.h"
#include "safe_file.h"

/* containerd's rule for namespaces and ids: [A-Za-z0-9][A-Za-z0-9_.-]{0,75} */
#define CTR_NAME_MAX 76
/* A state directory with more namespaces than this is not one we scan to the end. */
#define NS_SCAN_MAX 4096

static const char *const task_dirs[] = {
	"run/containerd/io.containerd.runtime.v2.task",
	"var/run/docker/containerd/daemon/io.containerd.runtime.v2.task", /* dockerd's */
	"run/k3s/containerd/io.containerd.runtime.v2.task",
};

#define N_TASK_DIRS (sizeof(task_dirs) / sizeof(task_dirs[0]))

/* <dir>/<ns>/<id>/config.json; false if it does not fit (names are validated before) */
static bool bundle_config(char *out, size_t outlen, const char *dir, const char *ns,
			  const char *id)
{
	int n = snprintf(out, outlen, "%s/%s/%s/config.json", dir, ns, id);

	return n > 0 && (size_t)n < outlen;
}

/* Record one more bundle found; a second one makes the answer ambiguous. */
static int note_found(int found, const char *dir, const char *ns, const char *id, char *path,
		      size_t pathlen)
{
	if (found || !bundle_config(path, pathlen, dir, ns, id))
		return -EINVAL;
	return 1;
}

/* Every namespace directory of one state directory that holds id; returns the new count. */
static int scan_namespaces(const char *root, const char *dir, const char *id, int found,
			   char *path, size_t pathlen)
{
	char rel[256];
	struct dirent *de;
	size_t seen = 0;
	DIR *d;
	int fd;

	fd = safe_open_in_root(root, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return found;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return found;
	}
	while (found >= 0 && seen++ < NS_SCAN_MAX && (de = readdir(d))) {
		if (!runtime_name_valid(de->d_name, CTR_NAME_MAX))
			continue;
		if (bundle_config(rel, sizeof(rel), dir, de->d_name, id) &&
		    runtime_file_exists(root, rel))
			found = note_found(found, dir, de->d_name, id, path, pathlen);
	}
	closedir(d);
	return found;
}

/* Path (relative to root) of the one bundle config.json for ns/id: 0, -ENOENT, -EINVAL. */
static int containerd_find(const char *root, const char *ns, const char *id, char *path,
			   size_t pathlen)
{
	bool any_ns = !ns || !ns[0];
	char rel[256];
	int found = 0;

	if (!runtime_name_valid(id, CTR_NAME_MAX) ||
	    (!any_ns && !runtime_name_valid(ns, CTR_NAME_MAX)))
		return -EINVAL;
	for (size_t i = 0; i < N_TASK_DIRS && found >= 0; i++) {
		if (any_ns) {
			found = scan_namespaces(root, task_dirs[i], id, found, path, pathlen);
			continue;
		}
		if (bundle_config(rel, sizeof(rel), task_dirs[i], ns, id) &&
		    runtime_file_exists(root, rel))
			found = note_found(found, task_dirs[i], ns, id, path, pathlen);
	}
	if (found < 0)
		return found;
	return found ? 0 : -ENOENT;
}

static int containerd_parse(struct json_object *cfg, const struct runtime_src *s,
			    struct container_meta *m)
{
	char ctype[32], ctr_image[sizeof(m->image)];
	const char *id = s->id;
	struct json_object *ann;
	int err;

	err = runtime_json_obj(cfg, "annotations", &ann);
	if (err)
		return err;
	/* containerd's own labels are in its database; the bundle has its annotations */
	runtime_json_labels(ann, &m->labels);
	if (!ann) {
		strcpy(m->name, id);
		return 0;
	}
	err = runtime_json_str(ann, "io.kubernetes.cri.container-type", ctype, sizeof(ctype));
	if (!err)
		err = runtime_json_str(ann, "io.kubernetes.cri.container-name", m->name,
				       sizeof(m->name));
	if (!err)
		err = runtime_json_str(ann, "io.kubernetes.cri.image-name", m->image,
				       sizeof(m->image));
	if (!err)
		err = runtime_json_str(ann, "io.kubernetes.cri.sandbox-name", m->pod,
				       sizeof(m->pod));
	if (!err)
		err = runtime_json_str(ann, "io.kubernetes.cri.sandbox-namespace",
				       m->k8s_namespace, sizeof(m->k8s_namespace));
	if (!err)
		err = runtime_json_str(ann, "io.containerd.image.name", ctr_image,
				       sizeof(ctr_image));
	if (err)
		return err;
	/* a CRI pod sandbox (the pause container) has a pod but no container name */
	if (!ctype[0] && !m->name[0] && !m->pod[0])
		strcpy(m->name, id);
	if (!m->image[0])
		strcpy(m->image, ctr_image);
	return 0;
}

/* The one bundle of namespace s->ctx and id: there is no second place to look. */
static int containerd_path(const struct runtime_src *s, size_t i, char *rel, size_t len)
{
	if (i > 0)
		return -ENOENT;
	return containerd_find(s->root, s->ctx, s->id, rel, len);
}

static const struct runtime_reader containerd_reader = {
	.kind = RUNTIME_CONTAINERD,
	.max = RUNTIME_FILE_MAX,
	.type = json_type_object,
	.path = containerd_path,
	.parse = containerd_parse,
};

int runtime_containerd_lookup(const char *root, const char *ns, const char *id,
			      struct container_meta *m)
{
	const struct runtime_src s = { .id = id, .id_max = CTR_NAME_MAX, .root = root,
				       .ctx = ns };

	return runtime_read_meta(&containerd_reader, &s, m);
}

int runtime_containerd_parse(const char *json, size_t len, const char *id,
			     struct container_meta *m)
{
	const struct runtime_src s = { .id = id, .id_max = CTR_NAME_MAX, .text = true,
				       .buf = json, .len = len };

	return runtime_read_meta(&containerd_reader, &s, m);
}

bool runtime_containerd_exists(const char *root, const char *ns, const char *id)
{
	char rel[256];

	return containerd_find(root, ns, id, rel, sizeof(rel)) == 0;
}
