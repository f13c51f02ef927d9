/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_json.h - reference readings of runtime state for the fuzz_runtime_* targets,
 * written from runtime.h's contract with json-c directly (not through user/runtime/runtime_read.c):
 * one strict JSON value with only white space after it, and no object key that holds a
 * NUL (json-c would read it as a shorter key); a string field that is too long for its
 * destination or holds a NUL is "" (unknown), never cut; null or absent is ""; any other
 * type makes the file malformed. Labels: each string member kept in the runtime's order
 * while labels.h's bounds allow, every other one left out and said to be (truncated).
 */
#ifndef LOOKOUT_FUZZ_JSON_H
#define LOOKOUT_FUZZ_JSON_H

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "runtime.h"

/*
 * Does a key of an object in buf (valid JSON, at most json-c's depth) hold \u0000? Read
 * by the grammar: a string is a key when it opens an object's member, that is right
 * after '{' or after an object's ','.
 */
static inline bool ref_key_holds_nul(const char *buf, size_t len)
{
	bool in_object[256] = { false }, want_key = false;
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '{' || c == '[') {
			if (++depth >= sizeof(in_object))
				return true;
			in_object[depth] = c == '{';
			want_key = c == '{';
		} else if (c == '}' || c == ']') {
			depth--;
			want_key = false;
		} else if (c == ',') {
			want_key = in_object[depth];
		} else if (c == '"') {
			size_t start = ++i;

			for (; buf[i] != '"'; i++)
				if (buf[i] == '\\')
					i++;
			if (want_key) {
				for (size_t j = start; j + 5 < i; j++) {
					if (buf[j] == '\\' && buf[j + 1] == 'u' &&
					    !strncmp(buf + j + 2, "0000", 4))
						return true;
					if (buf[j] == '\\')
						j++;
				}
			}
			want_key = false;
		}
	}
	return false;
}

/* The one value of type `type` that buf holds, or NULL. */
static inline struct json_object *ref_json_strict(const char *buf, size_t len, json_type type)
{
	struct json_tokener *tok;
	struct json_object *obj;
	size_t end;

	if (!buf || len == 0 || len > 0x7fffffff || memchr(buf, '\0', len))
		return NULL;
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (obj && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	for (size_t i = end; obj && i < len; i++) {
		if (!strchr(" \t\n\r", buf[i])) {
			json_object_put(obj);
			obj = NULL;
		}
	}
	if (obj && (!json_object_is_type(obj, type) || ref_key_holds_nul(buf, len))) {
		json_object_put(obj);
		obj = NULL;
	}
	return obj;
}

/* obj[key] (NULL when absent or null). */
static inline struct json_object *ref_get(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!obj || !json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

/* A string value into dst ("" when it does not fit or holds a NUL); false: not a string. */
static inline bool ref_str_val(struct json_object *v, char *dst, size_t dstlen)
{
	size_t n;

	dst[0] = '\0';
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	n = (size_t)json_object_get_string_len(v);
	if (n < dstlen && !memchr(json_object_get_string(v), '\0', n))
		memcpy(dst, json_object_get_string(v), n + 1);
	return true;
}

static inline bool ref_str(struct json_object *obj, const char *key, char *dst, size_t dstlen)
{
	return ref_str_val(ref_get(obj, key), dst, dstlen);
}

/* obj[key] is absent, null or an object (in *out). */
static inline bool ref_obj(struct json_object *obj, const char *key, struct json_object **out)
{
	*out = ref_get(obj, key);
	return !*out || json_object_is_type(*out, json_type_object);
}

/* One label into l as labels.h lays them out, or left out and said to be. */
static inline void ref_label(struct labels *l, const char *k, struct json_object *v)
{
	size_t kn = strlen(k), vn;
	const char *vs;

	if (!v || !json_object_is_type(v, json_type_string)) {
		l->truncated = true;
		return;
	}
	vs = json_object_get_string(v);
	vn = (size_t)json_object_get_string_len(v);
	/* json-c has one member per key: no key comes twice */
	if (l->n == LABELS_MAX || kn > LABEL_KEY_MAX || vn > LABEL_VALUE_MAX ||
	    l->used + kn + 1 + vn + 1 > LABELS_SIZE || strlen(vs) != vn ||
	    !ref_utf8_valid((const uint8_t *)k, kn)) {
		l->truncated = true;
		return;
	}
	memcpy(l->buf + l->used, k, kn + 1);
	memcpy(l->buf + l->used + kn + 1, vs, vn + 1);
	l->used += kn + vn + 2;
	l->n++;
}

/* The members of obj (NULL: none) as labels, which are then known. */
static inline void ref_labels(struct json_object *obj, struct labels *l)
{
	l->known = true;
	if (obj) {
		json_object_object_foreach(obj, k, v)
			ref_label(l, k, v);
	}
}

static inline bool meta_is_zero(const struct container_meta *m)
{
	static const struct container_meta zero;

	return !memcmp(m->name, zero.name, sizeof(zero.name)) &&
	       !memcmp(m->image, zero.image, sizeof(zero.image)) &&
	       !memcmp(m->pod, zero.pod, sizeof(zero.pod)) &&
	       !memcmp(m->k8s_namespace, zero.k8s_namespace, sizeof(zero.k8s_namespace)) &&
	       m->runtime == RUNTIME_NONE && !memcmp(&m->labels, &zero.labels, sizeof(zero.labels));
}

/* got (from the reader) is the expected meta field by field. */
static inline void check_meta(const struct container_meta *got, const struct container_meta *want)
{
	FUZZ_CHECK(memchr(got->name, '\0', sizeof(got->name)) && !strcmp(got->name, want->name),
		   "name '%s', want '%s'", got->name, want->name);
	FUZZ_CHECK(memchr(got->image, '\0', sizeof(got->image)) &&
			   !strcmp(got->image, want->image),
		   "image '%s', want '%s'", got->image, want->image);
	FUZZ_CHECK(memchr(got->pod, '\0', sizeof(got->pod)) && !strcmp(got->pod, want->pod),
		   "pod '%s', want '%s'", got->pod, want->pod);
	FUZZ_CHECK(memchr(got->k8s_namespace, '\0', sizeof(got->k8s_namespace)) &&
			   !strcmp(got->k8s_namespace, want->k8s_namespace),
		   "namespace '%s', want '%s'", got->k8s_namespace, want->k8s_namespace);
	FUZZ_CHECK(got->runtime == want->runtime, "runtime %d, want %d", (int)got->runtime,
		   (int)want->runtime);
	FUZZ_CHECK(got->labels.known == want->labels.known &&
			   got->labels.truncated == want->labels.truncated &&
			   got->labels.n == want->labels.n && got->labels.used == want->labels.used &&
			   !memcmp(got->labels.buf, want->labels.buf, want->labels.used),
		   "labels: known %d truncated %d n %u used %u, want %d %d %u %u",
		   got->labels.known, got->labels.truncated, got->labels.n, got->labels.used,
		   want->labels.known, want->labels.truncated, want->labels.n, want->labels.used);
}

/*
 * One input against a reader that checks the file belongs to the container id it
 * is asked about (Docker, containerd): for each id, the reader and its reference
 * must agree on success, a failure must leave m zeroed, and a success must match.
 */
static inline void check_reader_by_id(const uint8_t *data, size_t size,
				      const char *const *ids, size_t nr_ids,
				      int (*parse)(const char *, size_t, const char *,
						   struct container_meta *),
				      bool (*ref)(const char *, size_t, const char *,
						  struct container_meta *))
{
	for (size_t i = 0; i < nr_ids; i++) {
		struct container_meta m, want;
		bool ok;
		int r;

		memset(&m, 0xa5, sizeof(m));
		r = parse((const char *)data, size, ids[i], &m);
		ok = ref((const char *)data, size, ids[i], &want);
		FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EFBIG, "returned %d", r);
		FUZZ_CHECK((r == 0) == ok, "id %s: %s", ids[i],
			   ok ? "refused a good file" : "accepted a malformed file");
		if (r)
			FUZZ_CHECK(meta_is_zero(&m), "failed but filled m");
		else
			check_meta(&m, &want);
	}
}

#endif /* LOOKOUT_FUZZ_JSON_H */
