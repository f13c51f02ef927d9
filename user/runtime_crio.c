// SPDX-License-Identifier: GPL-2.0
/*
 * runtime_crio.c - CRI-O's metadata for a container: the OCI config.json CRI-O
 * keeps in containers/storage (overlay-containers/<id>/userdata/config.json),
 * whose annotations name the container, its pod, namespace and image.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>
#include "runtime_read.h"
#include "runtime_readers.h"

static const char *const crio_storage[] = {
	"var/lib/containers/storage/overlay-containers",
	"var/lib/containers/storage/vfs-containers",
};

/* Fill m from the annotations of a parsed config.json. */
static int crio_parse(struct json_object *cfg, struct container_meta *m)
{
	struct json_object *ann = NULL;
	int err;

	err = runtime_json_obj(cfg, "annotations", &ann);
	if (err || !ann)
		return err ? err : -ENOENT;
	err = runtime_json_str(ann, "io.kubernetes.container.name", m->name, sizeof(m->name));
	err = err ?: runtime_json_str(ann, "io.kubernetes.pod.name", m->pod, sizeof(m->pod));
	err = err ?: runtime_json_str(ann, "io.kubernetes.pod.namespace", m->k8s_namespace,
				      sizeof(m->k8s_namespace));
	err = err ?: runtime_json_str(ann, "io.kubernetes.cri-o.ImageName", m->image,
				      sizeof(m->image));
	if (!err && !m->image[0])
		err = runtime_json_str(ann, "io.kubernetes.cri-o.Image", m->image,
				       sizeof(m->image));
	if (err)
		return err;
	/* Without CRI-O's annotations this is some other OCI bundle. */
	return m->name[0] ? 0 : -ENOENT;
}

int runtime_crio_parse(const char *json, size_t len, struct container_meta *m)
{
	struct json_object *cfg;
	int err;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	err = runtime_parse_json(json, len, RUNTIME_FILE_MAX, json_type_object, &cfg);
	if (err)
		return err;
	err = crio_parse(cfg, m);
	json_object_put(cfg);
	if (err)
		memset(m, 0, sizeof(*m));
	else
		m->runtime = RUNTIME_CRIO;
	return err;
}

int runtime_crio_lookup(const char *root, const char *id, struct container_meta *m)
{
	struct json_object *cfg;
	char rel[512];
	unsigned int i;
	int err = -ENOENT;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if (!runtime_name_valid(id, RUNTIME_ID_MAX))
		return -EINVAL;
	for (i = 0; i < sizeof(crio_storage) / sizeof(crio_storage[0]); i++) {
		snprintf(rel, sizeof(rel), "%s/%s/userdata/config.json", crio_storage[i], id);
		err = runtime_read_json(root, rel, RUNTIME_FILE_MAX, json_type_object, &cfg);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		err = crio_parse(cfg, m);
		json_object_put(cfg);
		if (err) {
			memset(m, 0, sizeof(*m));
			return err;
		}
		m->runtime = RUNTIME_CRIO;
		return 0;
	}
	return err;
}
