// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_runtime_containerd.c - an OCI bundle's config.json as containerd's shim writes it
 * (runtime_containerd_parse): the CRI annotations for container, image, pod, namespace,
 * and all annotations as labels.
 *
 * The input is the file, read for a plain ctr id and a CRI one. Checked against a
 * reference reading (fuzz_json.h): same verdict, same fields, nothing filled on failure.
 */
#include <errno.h>
#include <stdint.h>

#include "fuzz_json.h"

static const char *const ids[] = {
	"lfx1",
	"c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
};

static bool ref_containerd(const char *buf, size_t len, const char *id, struct container_meta *m)
{
	struct json_object *cfg, *ann;
	char ctype[32], ctr_image[sizeof(m->image)];
	bool ok = false;

	memset(m, 0, sizeof(*m));
	cfg = ref_json_strict(buf, len, json_type_object);
	if (!cfg || !ref_obj(cfg, "annotations", &ann))
		goto out;
	m->runtime = RUNTIME_CONTAINERD;
	ok = true;
	/* the annotations are its labels */
	ref_labels(ann, &m->labels);
	/* plain ctr: no annotations, the id is the name */
	if (!ann) {
		strcpy(m->name, id);
		goto out;
	}
	ok = ref_str(ann, "io.kubernetes.cri.container-type", ctype, sizeof(ctype)) &&
	     ref_str(ann, "io.kubernetes.cri.container-name", m->name, sizeof(m->name)) &&
	     ref_str(ann, "io.kubernetes.cri.image-name", m->image, sizeof(m->image)) &&
	     ref_str(ann, "io.kubernetes.cri.sandbox-name", m->pod, sizeof(m->pod)) &&
	     ref_str(ann, "io.kubernetes.cri.sandbox-namespace", m->k8s_namespace,
		     sizeof(m->k8s_namespace)) &&
	     ref_str(ann, "io.containerd.image.name", ctr_image, sizeof(ctr_image));
	if (!ok)
		goto out;
	/* a pod sandbox has a pod and no name; anything else without one is named by id */
	if (!ctype[0] && !m->name[0] && !m->pod[0])
		strcpy(m->name, id);
	if (!m->image[0])
		strcpy(m->image, ctr_image);
out:
	if (!ok)
		memset(m, 0, sizeof(*m));
	json_object_put(cfg);
	return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_reader_by_id(data, size, ids, sizeof(ids) / sizeof(ids[0]), runtime_containerd_parse, ref_containerd);
	return 0;
}
