// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_runtime_crio.c - the OCI config.json CRI-O keeps in containers/storage
 * (runtime_crio_parse): the io.kubernetes.* and io.kubernetes.cri-o.* annotations, and
 * the labels CRI-O keeps as JSON text in io.kubernetes.cri-o.Labels.
 *
 * The input is the file. Checked against a reference reading (fuzz_json.h) of
 * runtime.h's contract: same verdict, same fields, nothing filled on failure.
 */
#include <errno.h>
#include <stdint.h>

#include "fuzz_json.h"

/* 0, -ENOENT (no CRI-O annotations, or no container name) or -EINVAL. */
static int ref_crio(const char *buf, size_t len, struct container_meta *m)
{
	struct json_object *cfg, *ann, *v;
	int err = -EINVAL;

	memset(m, 0, sizeof(*m));
	cfg = ref_json_strict(buf, len, json_type_object);
	if (!cfg || !ref_obj(cfg, "annotations", &ann))
		goto out;
	err = -ENOENT;
	if (!ann)
		goto out;
	err = -EINVAL;
	if (!ref_str(ann, "io.kubernetes.container.name", m->name, sizeof(m->name)) ||
	    !ref_str(ann, "io.kubernetes.pod.name", m->pod, sizeof(m->pod)) ||
	    !ref_str(ann, "io.kubernetes.pod.namespace", m->k8s_namespace,
		     sizeof(m->k8s_namespace)) ||
	    !ref_str(ann, "io.kubernetes.cri-o.ImageName", m->image, sizeof(m->image)))
		goto out;
	/* the image id when there is no name for it */
	if (!m->image[0] && !ref_str(ann, "io.kubernetes.cri-o.Image", m->image, sizeof(m->image)))
		goto out;
	/* the labels, as JSON text in one annotation: unknown without it, all left out when
	 * the text is not one JSON object */
	v = ref_get(ann, "io.kubernetes.cri-o.Labels");
	if (v) {
		struct json_object *lo = json_object_is_type(v, json_type_string) ?
			ref_json_strict(json_object_get_string(v),
					(size_t)json_object_get_string_len(v), json_type_object) :
			NULL;

		ref_labels(lo, &m->labels);
		m->labels.truncated |= !lo;
		json_object_put(lo);
	}
	err = m->name[0] ? 0 : -ENOENT;
	m->runtime = RUNTIME_CRIO;
out:
	if (err)
		memset(m, 0, sizeof(*m));
	json_object_put(cfg);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container_meta m, want;
	int r, ref;

	memset(&m, 0xa5, sizeof(m));
	r = runtime_crio_parse((const char *)data, size, &m);
	ref = ref_crio((const char *)data, size, &want);
	FUZZ_CHECK(r == ref, "returned %d, want %d", r, ref);
	if (r)
		FUZZ_CHECK(meta_is_zero(&m), "failed but filled m");
	else
		check_meta(&m, &want);
	return 0;
}
