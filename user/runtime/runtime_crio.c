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

/*
 * The container's labels, which CRI-O keeps as JSON text in one annotation. Without it
 * they are not known; text that is not a JSON object leaves them all out (truncated).
 */
static void crio_labels(struct json_object *ann, struct labels *l)
{
	struct json_object *v = NULL, *obj;

	if (!json_object_object_get_ex(ann, "io.kubernetes.cri-o.Labels", &v) || !v)
		return;
	if (json_object_is_type(v, json_type_string) &&
	    !runtime_parse_json(json_object_get_string(v), (size_t)json_object_get_string_len(v),
				RUNTIME_FILE_MAX, json_type_object, &obj)) {
		runtime_json_labels(obj, l);
		json_object_put(obj);
		return;
	}
	l->known = true;
	l->truncated = true;
}

/* Fill m from the annotations of a parsed config.json. */
static int crio_parse(struct json_object *cfg, const struct runtime_src *s,
		      struct container_meta *m)
{
	struct json_object *ann = NULL;
	int err;

	(void)s;
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
	crio_labels(ann, &m->labels);
	/* Without CRI-O's annotations this is some other OCI bundle. */
	return m->name[0] ? 0 : -ENOENT;
}

/* <storage>/<id>/userdata/config.json, overlay's storage first */
static int crio_path(const struct runtime_src *s, size_t i, char *rel, size_t len)
{
	if (i >= sizeof(crio_storage) / sizeof(crio_storage[0]))
		return -ENOENT;
	snprintf(rel, len, "%s/%s/userdata/config.json", crio_storage[i], s->id);
	return 0;
}

static const struct runtime_reader crio_reader = {
	.kind = RUNTIME_CRIO,
	.max = RUNTIME_FILE_MAX,
	.type = json_type_object,
	.path = crio_path,
	.parse = crio_parse,
};

/* The file alone does not say whose it is: there is no id to check. */
int runtime_crio_parse(const char *json, size_t len, struct container_meta *m)
{
	const struct runtime_src s = { .text = true, .buf = json, .len = len };

	return runtime_read_meta(&crio_reader, &s, m);
}

int runtime_crio_lookup(const char *root, const char *id, struct container_meta *m)
{
	const struct runtime_src s = { .id = id, .id_max = RUNTIME_ID_MAX, .root = root };

	return runtime_read_meta(&crio_reader, &s, m);
}
