// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_runtime_docker.c - Docker's config.v2.json (runtime_docker_parse), which anything
 * that can write /var/lib/docker or set a container's name, image or labels shapes.
 *
 * The input is the file; it is read for the ids of the two fixtures and a short one.
 * Checked against a reference reading (fuzz_json.h): the same verdict, and on success
 * the same name, image, pod, namespace and labels; on failure nothing filled in.
 */
#include <errno.h>
#include <stdint.h>

#include "fuzz_json.h"

static const char *const ids[] = {
	"105081999aef652215c9d496546a23e2e96108bae84f57598ce51913eac3376e",
	"d0c4e7a1b2c3d4e5f60718a1b2c3d4e5f60718a1b2c3d4e5f6071829304a5b6c",
	"abc",
};

/* runtime.h's reading of config.v2.json; false when it is malformed for id. */
static bool ref_docker(const char *buf, size_t len, const char *id, struct container_meta *m)
{
	struct json_object *cfg, *v, *config, *labels = NULL;
	char name[sizeof(m->name) + 1];
	bool ok = false;

	memset(m, 0, sizeof(*m));
	cfg = ref_json_strict(buf, len, json_type_object);
	if (!cfg)
		return false;
	/* a file that names another container is not this one's */
	v = ref_get(cfg, "ID");
	if (v && (!json_object_is_type(v, json_type_string) ||
		  (size_t)json_object_get_string_len(v) != strlen(id) ||
		  memcmp(json_object_get_string(v), id, strlen(id))))
		goto out;
	if (!ref_str(cfg, "Name", name, sizeof(name)) || !ref_obj(cfg, "Config", &config))
		goto out;
	/* the leading '/' is Docker's; a name too long without it is unknown */
	snprintf(m->name, sizeof(m->name), "%s",
		 strlen(name + (name[0] == '/')) < sizeof(m->name) ? name + (name[0] == '/') : "");
	if (config && (!ref_str(config, "Image", m->image, sizeof(m->image)) ||
		       !ref_obj(config, "Labels", &labels)))
		goto out;
	if (!m->image[0] && !ref_str(cfg, "Image", m->image, sizeof(m->image)))
		goto out;
	ref_labels(labels, &m->labels);
	if (labels) {
		if (!ref_str(labels, "io.kubernetes.pod.name", m->pod, sizeof(m->pod)) ||
		    !ref_str(labels, "io.kubernetes.pod.namespace", m->k8s_namespace,
			     sizeof(m->k8s_namespace)) ||
		    !ref_str(labels, "io.kubernetes.container.name", name, sizeof(m->name)))
			goto out;
		if (name[0])
			strcpy(m->name, name);
	}
	m->runtime = RUNTIME_DOCKER;
	ok = true;
out:
	json_object_put(cfg);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_reader_by_id(data, size, ids, sizeof(ids) / sizeof(ids[0]), runtime_docker_parse, ref_docker);
	return 0;
}
