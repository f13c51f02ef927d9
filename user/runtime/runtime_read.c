// SPDX-License-Identifier: GPL-2.0
/*
 * runtime_read.c - the reading every runtime reader shares: one entry-point shape,
 * bounded and strict JSON, typed fields, ids safe as path components. Calls no reader.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime_read.h"
#include "safe_file.h"

bool runtime_name_valid(const char *s, size_t max)
{
	size_t n;

	if (!s || max == 0)
		return false;
	n = strnlen(s, max + 1);
	if (n == 0 || n > max)
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

static bool only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
			return false;
	}
	return true;
}

/*
 * Does an object key in buf (valid JSON) hold an escaped NUL? json-c keeps keys as C
 * strings, so {"a\u0000b": 1} would read as a key "a": another key than the file's.
 * A string is a key when the next thing after it is ':'.
 */
static bool key_holds_nul(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		bool nul = false;

		if (buf[i] != '"')
			continue;
		for (i++; i < len && buf[i] != '"'; i++) {
			if (buf[i] != '\\')
				continue;
			i++;
			if (len - i > 4 && !memcmp(buf + i, "u0000", 5))
				nul = true;
		}
		while (nul && ++i < len && strchr(" \t\n\r", buf[i]))
			;
		if (nul && i < len && buf[i] == ':')
			return true;
	}
	return false;
}

/* One complete JSON value spanning buf (modulo whitespace), or NULL. */
static struct json_object *parse_strict(const char *buf, size_t len)
{
	struct json_tokener *tok;
	struct json_object *obj;

	/* a NUL would end json-c's view of the text early; JSON never holds a raw one */
	if (len == 0 || len > INT_MAX || memchr(buf, '\0', len))
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	if (obj && (json_tokener_get_error(tok) != json_tokener_success ||
		    !only_space(buf + json_tokener_get_parse_end(tok),
				len - json_tokener_get_parse_end(tok)) ||
		    key_holds_nul(buf, len))) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

int runtime_parse_json(const char *buf, size_t len, size_t max, json_type type,
		       struct json_object **out)
{
	struct json_object *obj;

	*out = NULL;
	if (len > max)
		return -EFBIG;
	obj = buf ? parse_strict(buf, len) : NULL;
	if (!obj)
		return -EINVAL;
	if (!json_object_is_type(obj, type)) {
		json_object_put(obj);
		return -EINVAL;
	}
	*out = obj;
	return 0;
}

int runtime_read_json(const char *root, const char *relpath, size_t max, json_type type,
		      struct json_object **out)
{
	char *buf;
	size_t len;
	int err;

	*out = NULL;
	err = safe_read_file_in_root(root, relpath, &buf, &len, max);
	if (err)
		return err;
	err = runtime_parse_json(buf, len, max, type, out);
	free(buf);
	return err;
}

int runtime_json_str(struct json_object *obj, const char *key, char *dst, size_t dstlen)
{
	struct json_object *v = NULL;
	const char *s;
	size_t n;

	dst[0] = '\0';
	if (!obj || !json_object_is_type(obj, json_type_object))
		return -EINVAL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return -EINVAL;
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n >= dstlen || memchr(s, '\0', n))
		return 0;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int runtime_json_obj(struct json_object *obj, const char *key, struct json_object **out)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!obj || !json_object_is_type(obj, json_type_object))
		return -EINVAL;
	if (!json_object_object_get_ex(obj, key, &v) || !v)
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return -EINVAL;
	*out = v;
	return 0;
}

void runtime_json_labels(struct json_object *obj, struct labels *l)
{
	l->known = true;
	if (!obj)
		return;
	json_object_object_foreach(obj, key, v) {
		if (!json_object_is_type(v, json_type_string)) {
			l->truncated = true;
			continue;
		}
		labels_add(l, key, strlen(key), json_object_get_string(v),
			   (size_t)json_object_get_string_len(v));
	}
}

bool runtime_file_exists(const char *root, const char *relpath)
{
	struct stat st;
	bool reg;
	int fd = safe_open_in_root(root, relpath, O_PATH);

	if (fd < 0)
		return false;
	reg = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	return reg;
}

int runtime_read_meta(const struct runtime_reader *rd, const struct runtime_src *s,
		      struct container_meta *m)
{
	struct json_object *obj = NULL;
	char rel[RUNTIME_REL_MAX];
	int err = -ENOENT;

	if (!m)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if (s->id_max && !runtime_name_valid(s->id, s->id_max))
		return -EINVAL;
	if (s->text)
		err = runtime_parse_json(s->buf, s->len, rd->max, rd->type, &obj);
	for (size_t i = 0; !s->text && err == -ENOENT; i++) {
		int where = rd->path(s, i, rel, sizeof(rel));

		if (where) {
			err = where;
			break;
		}
		err = runtime_read_json(s->root, rel, rd->max, rd->type, &obj);
	}
	if (err)
		return err;
	err = rd->parse(obj, s, m);
	json_object_put(obj);
	if (err) {
		memset(m, 0, sizeof(*m));
		return err;
	}
	m->runtime = rd->kind;
	return 0;
}
