// SPDX-License-Identifier: GPL-2.0
/*
 * runtime_podman.c - container metadata for podman, from containers/storage.
 *
 * podman 4 keeps its own database in BoltDB, which we do not parse; the storage layer's
 * JSON files hold what we need: the container's names and image id (containers.json)
 * and the image's names (images.json).
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "runtime_read.h"
#include "runtime_readers.h"

#define STORAGE_DIR "var/lib/containers/storage"

/* obj[key][0] as a string into dst ("" when absent, empty or too long); -EINVAL on types. */
static int first_string(struct json_object *obj, const char *key, char *dst, size_t dstlen)
{
	struct json_object *arr = NULL, *first;
	size_t n;

	dst[0] = '\0';
	if (!json_object_object_get_ex(obj, key, &arr) || !arr)
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return -EINVAL;
	if (json_object_array_length(arr) == 0)
		return 0;
	first = json_object_array_get_idx(arr, 0);
	if (!json_object_is_type(first, json_type_string))
		return -EINVAL;
	n = (size_t)json_object_get_string_len(first);
	if (n < dstlen && !memchr(json_object_get_string(first), '\0', n))
		memcpy(dst, json_object_get_string(first), n + 1);
	return 0;
}

/*
 * The element of a storage array whose "id" is id. Every element must be an object with
 * a string id; an id listed twice makes the file ambiguous, hence malformed.
 */
static int storage_find(struct json_object *arr, const char *id, struct json_object **found)
{
	size_t n = json_object_array_length(arr), idlen = strlen(id);

	*found = NULL;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i), *eid = NULL;

		if (!json_object_is_type(e, json_type_object) ||
		    !json_object_object_get_ex(e, "id", &eid) ||
		    !json_object_is_type(eid, json_type_string))
			return -EINVAL;
		if ((size_t)json_object_get_string_len(eid) != idlen ||
		    memcmp(json_object_get_string(eid), id, idlen) != 0)
			continue;
		if (*found)
			return -EINVAL;
		*found = e;
	}
	return *found ? 0 : -ENOENT;
}

/* Where images.json comes from: a storage driver's file under root, or text in memory. */
struct images_src {
	const char *root;
	const char *driver;	/* NULL: buf */
	const char *buf;	/* NULL with driver NULL: there is no images.json */
	size_t len;
};

static int images_load(const struct images_src *src, struct json_object **images)
{
	char rel[128];

	*images = NULL;
	if (src->driver) {
		snprintf(rel, sizeof(rel), STORAGE_DIR "/%s-images/images.json", src->driver);
		return runtime_read_json(src->root, rel, RUNTIME_BIG_FILE_MAX, json_type_array,
					 images);
	}
	if (!src->buf)
		return -ENOENT;
	return runtime_parse_json(src->buf, src->len, RUNTIME_BIG_FILE_MAX, json_type_array,
				  images);
}

/* The first name images.json gives image_id; "" if it cannot tell. */
static void image_name_from_images(const struct images_src *src, const char *image_id,
				   char *dst, size_t dstlen)
{
	struct json_object *images, *img;

	dst[0] = '\0';
	if (images_load(src, &images))
		return;
	if (storage_find(images, image_id, &img) == 0 && first_string(img, "names", dst, dstlen))
		dst[0] = '\0';
	json_object_put(images);
}

/* podman's own record of the image the container was created from, in "metadata". */
static void image_name_from_metadata(struct json_object *ctr, char *dst, size_t dstlen)
{
	char meta[4096];
	struct json_object *obj;

	dst[0] = '\0';
	if (runtime_json_str(ctr, "metadata", meta, sizeof(meta)) || !meta[0])
		return;
	obj = json_tokener_parse(meta);
	if (obj && runtime_json_str(obj, "image-name", dst, dstlen))
		dst[0] = '\0';
	json_object_put(obj);
}

/*
 * images.json can lag behind (an image removed with --force, a retag): it only improves
 * on the image id, so its absence or damage is not the container's.
 */
static int podman_parse(const struct images_src *src, struct json_object *ctr,
			struct container_meta *m)
{
	char image_id[RUNTIME_ID_MAX + 2];
	int err;

	err = first_string(ctr, "names", m->name, sizeof(m->name));
	if (!err)
		err = runtime_json_str(ctr, "image", image_id, sizeof(image_id));
	if (err)
		return err;
	if (!image_id[0])
		return 0;
	if (runtime_name_valid(image_id, RUNTIME_ID_MAX))
		image_name_from_images(src, image_id, m->image, sizeof(m->image));
	if (!m->image[0])
		image_name_from_metadata(ctr, m->image, sizeof(m->image));
	if (!m->image[0] && strlen(image_id) < sizeof(m->image))
		strcpy(m->image, image_id);
	return 0;
}

/* The container s->id in containers.json (ctrs), its image from s->ctx's images.json. */
static int podman_containers(struct json_object *ctrs, const struct runtime_src *s,
			     struct container_meta *m)
{
	struct json_object *ctr;
	int err;

	err = storage_find(ctrs, s->id, &ctr);
	if (!err)
		err = podman_parse(s->ctx, ctr, m);
	return err;
}

/* The containers.json of the storage driver s->ctx names. */
static int podman_path(const struct runtime_src *s, size_t i, char *rel, size_t len)
{
	const struct images_src *src = s->ctx;

	if (i > 0)
		return -ENOENT;
	snprintf(rel, len, STORAGE_DIR "/%s-containers/containers.json", src->driver);
	return 0;
}

static const struct runtime_reader podman_reader = {
	.kind = RUNTIME_PODMAN,
	.max = RUNTIME_BIG_FILE_MAX,
	.type = json_type_array,
	.path = podman_path,
	.parse = podman_containers,
};

int runtime_podman_lookup(const char *root, const char *id, struct container_meta *m)
{
	static const char *const drivers[] = { "overlay", "vfs" };
	struct images_src src = { .root = root };
	const struct runtime_src s = { .id = id, .id_max = RUNTIME_ID_MAX, .root = root,
				       .ctx = &src };
	int err = -ENOENT;

	/* a driver whose containers.json is missing or does not list id leaves it to the next */
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]) && err == -ENOENT; i++) {
		src.driver = drivers[i];
		err = runtime_read_meta(&podman_reader, &s, m);
	}
	return err;
}

int runtime_podman_parse(const char *containers, size_t containers_len, const char *images,
			 size_t images_len, const char *id, struct container_meta *m)
{
	const struct images_src src = { .buf = images, .len = images_len };
	const struct runtime_src s = { .id = id, .id_max = RUNTIME_ID_MAX, .text = true,
				       .buf = containers, .len = containers_len, .ctx = &src };

	return runtime_read_meta(&podman_reader, &s, m);
}
