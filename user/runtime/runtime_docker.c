// SPDX-License-Identifier: GPL-2.0
/*
 * runtime_docker.c - container metadata from Docker's state:
 * /var/lib/docker/containers/<id>/config.v2.json, which dockerd rewrites on every
 * state change and which holds the name, the image reference and the labels.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "runtime_read.h"
#include "runtime_readers.h"

/* The labels dockershim and cri-dockerd put on Kubernetes containers. */
static int docker_k8s_labels(struct json_object *labels, struct container_meta *m)
{
	char name[sizeof(m->name)];
	int err;

	if (!labels)
		return 0;
	err = runtime_json_str(labels, "io.kubernetes.pod.name", m->pod, sizeof(m->pod));
	if (!err)
		err = runtime_json_str(labels, "io.kubernetes.pod.namespace", m->k8s_namespace,
				       sizeof(m->k8s_namespace));
	if (!err)
		err = runtime_json_str(labels, "io.kubernetes.container.name", name,
				       sizeof(name));
	/* Docker's own name for them is k8s_<container>_<pod>_<ns>_<uid>_<n> */
	if (!err && name[0])
		strcpy(m->name, name);
	return err;
}

static int docker_parse(struct json_object *cfg, const struct runtime_src *s,
			struct container_meta *m)
{
	struct json_object *config, *labels = NULL, *v = NULL;
	char buf[sizeof(m->name) + 1];
	const char *name, *id = s->id;
	int err;

	/* a config.v2.json that describes another container is not this one's: an "ID"
	 * must be exactly id (runtime_json_str would read a long one or one with a NUL as "") */
	if (json_object_object_get_ex(cfg, "ID", &v) && v &&
	    (!json_object_is_type(v, json_type_string) ||
	     (size_t)json_object_get_string_len(v) != strlen(id) ||
	     memcmp(json_object_get_string(v), id, strlen(id)) != 0))
		return -EINVAL;
	err = runtime_json_str(cfg, "Name", buf, sizeof(buf));
	if (err)
		return err;
	/* the leading '/' is Docker's, not part of the name */
	name = buf[0] == '/' ? buf + 1 : buf;
	if (strlen(name) < sizeof(m->name))
		strcpy(m->name, name);
	err = runtime_json_obj(cfg, "Config", &config);
	if (err)
		return err;
	if (config) {
		err = runtime_json_str(config, "Image", m->image, sizeof(m->image));
		if (!err)
			err = runtime_json_obj(config, "Labels", &labels);
		if (err)
			return err;
	}
	if (!m->image[0]) {
		err = runtime_json_str(cfg, "Image", m->image, sizeof(m->image));
		if (err)
			return err;
	}
	runtime_json_labels(labels, &m->labels);
	return docker_k8s_labels(labels, m);
}

static int docker_path(const struct runtime_src *s, size_t i, char *rel, size_t len)
{
	if (i > 0)
		return -ENOENT;
	snprintf(rel, len, "var/lib/docker/containers/%s/config.v2.json", s->id);
	return 0;
}

static const struct runtime_reader docker_reader = {
	.kind = RUNTIME_DOCKER,
	.max = RUNTIME_FILE_MAX,
	.type = json_type_object,
	.path = docker_path,
	.parse = docker_parse,
};

int runtime_docker_lookup(const char *root, const char *id, struct container_meta *m)
{
	const struct runtime_src s = { .id = id, .id_max = RUNTIME_ID_MAX, .root = root };

	return runtime_read_meta(&docker_reader, &s, m);
}

int runtime_docker_parse(const char *json, size_t len, const char *id, struct container_meta *m)
{
	const struct runtime_src s = { .id = id, .id_max = RUNTIME_ID_MAX, .text = true,
				       .buf = json, .len = len };

	return runtime_read_meta(&docker_reader, &s, m);
}
