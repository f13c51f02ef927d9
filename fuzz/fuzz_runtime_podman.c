// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_runtime_podman.c - containers/storage's containers.json and images.json
 * (runtime_podman_parse): names, image ids and podman's metadata string.
 *
 * The input is containers.json, then, after a NUL byte (which JSON never holds), the
 * images.json; no NUL: there is no images.json. Read for the fixture's container id.
 * Checked against a reference reading (fuzz_json.h): same verdict, same fields.
 */
#include <errno.h>
#include <stdint.h>

#include "fuzz_json.h"

static const char *const ids[] = {
	"e3520211374247c6836ebaa748cd6f671a9f22324d8a05240cf31a52c5fa2fc9",
	"abc",
};

/* The element of arr whose "id" is id: 1, 0 when none, -1 when the array is malformed
 * (an element that is not an object with a string id, or the id twice). */
static int ref_find(struct json_object *arr, const char *id, struct json_object **found)
{
	size_t n = json_object_array_length(arr);

	*found = NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i), *eid;

		eid = ref_get(e, "id");
		if (!e || !json_object_is_type(e, json_type_object) || !eid ||
		    !json_object_is_type(eid, json_type_string))
			return -1;
		if ((size_t)json_object_get_string_len(eid) != strlen(id) ||
		    memcmp(json_object_get_string(eid), id, strlen(id)))
			continue;
		if (*found)
			return -1;
		*found = e;
	}
	return *found ? 1 : 0;
}

/* obj["names"][0] into dst; false when the types are wrong. */
static bool ref_first_name(struct json_object *obj, char *dst, size_t dstlen)
{
	struct json_object *a = ref_get(obj, "names");

	dst[0] = '\0';
	if (!a)
		return true;
	if (!json_object_is_type(a, json_type_array))
		return false;
	if (json_object_array_length(a) == 0)
		return true;
	return ref_str_val(json_object_array_get_idx(a, 0), dst, dstlen) &&
	       json_object_array_get_idx(a, 0);
}

static bool id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > RUNTIME_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			     (c >= 'A' && c <= 'Z');

		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return false;
	}
	return true;
}

/* runtime.h's reading; 0, -ENOENT or -EINVAL. */
static int ref_podman(const char *ctrs_buf, size_t ctrs_len, const char *img_buf, size_t img_len,
		      const char *id, struct container_meta *m)
{
	struct json_object *ctrs, *ctr, *images, *img;
	char image_id[RUNTIME_ID_MAX + 2];
	int err = -EINVAL, f;

	memset(m, 0, sizeof(*m));
	ctrs = ref_json_strict(ctrs_buf, ctrs_len, json_type_array);
	if (!ctrs)
		return -EINVAL;
	f = ref_find(ctrs, id, &ctr);
	if (f <= 0) {
		err = f ? -EINVAL : -ENOENT;
		goto out;
	}
	if (!ref_first_name(ctr, m->name, sizeof(m->name)) ||
	    !ref_str(ctr, "image", image_id, sizeof(image_id)))
		goto out;
	err = 0;
	m->runtime = RUNTIME_PODMAN;
	if (!image_id[0])
		goto out;
	/* images.json names the image when it can; its damage is not the container's */
	images = id_valid(image_id) && img_buf ?
			 ref_json_strict(img_buf, img_len, json_type_array) : NULL;
	if (images && ref_find(images, image_id, &img) == 1 &&
	    !ref_first_name(img, m->image, sizeof(m->image)))
		m->image[0] = '\0';
	json_object_put(images);
	/* then podman's own note of the image name, in "metadata" (a JSON text) */
	if (!m->image[0]) {
		char meta[4096];

		if (ref_str(ctr, "metadata", meta, sizeof(meta)) && meta[0]) {
			struct json_object *mo = json_tokener_parse(meta);

			if (mo && !(json_object_is_type(mo, json_type_object) &&
				    ref_str(mo, "image-name", m->image, sizeof(m->image))))
				m->image[0] = '\0';
			json_object_put(mo);
		}
	}
	if (!m->image[0])
		strcpy(m->image, image_id);
out:
	if (err)
		memset(m, 0, sizeof(*m));
	json_object_put(ctrs);
	return err;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *ctrs = (const char *)data, *images = NULL;
	const char *nul = memchr(data, '\0', size);
	size_t ctrs_len = size, images_len = 0;
	char *ctrs_copy, *images_copy = NULL;

	if (nul) {
		ctrs_len = (size_t)(nul - ctrs);
		images = nul + 1;
		images_len = size - ctrs_len - 1;
	}
	/* exact-size copies, so a read past either file is caught */
	ctrs_copy = malloc(ctrs_len ? ctrs_len : 1);
	memcpy(ctrs_copy, ctrs, ctrs_len);
	if (images) {
		images_copy = malloc(images_len ? images_len : 1);
		memcpy(images_copy, images, images_len);
	}
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct container_meta m, want;
		int r, ref;

		memset(&m, 0xa5, sizeof(m));
		r = runtime_podman_parse(ctrs_copy, ctrs_len, images_copy, images_len, ids[i], &m);
		ref = ref_podman(ctrs_copy, ctrs_len, images_copy, images_len, ids[i], &want);
		FUZZ_CHECK(r == ref, "id %s: returned %d, want %d", ids[i], r, ref);
		if (r)
			FUZZ_CHECK(meta_is_zero(&m), "failed but filled m");
		else
			check_meta(&m, &want);
	}
	free(ctrs_copy);
	free(images_copy);
	return 0;
}
