// SPDX-License-Identifier: GPL-2.0
/*
 * labels.c - the bounded set of a container's labels: adding (within the bounds, or
 * left out and marked), looking one up, walking them in order.
 */
#include <errno.h>
#include <string.h>

#include "escape.h"
#include "labels.h"

/* Valid UTF-8 throughout: then two keys stay two once escaped for JSON or a terminal. */
static bool utf8_valid(const char *s, size_t n)
{
	size_t run;

	for (size_t i = 0; i < n; i += run)
		if (!(run = utf8_valid_len((const unsigned char *)s + i, n - i)))
			return false;
	return true;
}

int labels_add(struct labels *l, const char *key, size_t klen, const char *value,
	       size_t vlen)
{
	if (labels_get(l, key, klen))
		return -EEXIST;
	if (l->n >= LABELS_MAX || klen > LABEL_KEY_MAX || vlen > LABEL_VALUE_MAX ||
	    klen + vlen + 2 > sizeof(l->buf) - l->used || memchr(key, '\0', klen) ||
	    memchr(value, '\0', vlen) || !utf8_valid(key, klen)) {
		l->truncated = true;
		return -E2BIG;
	}
	memcpy(l->buf + l->used, key, klen);
	l->buf[l->used + klen] = '\0';
	memcpy(l->buf + l->used + klen + 1, value, vlen);
	l->buf[l->used + klen + 1 + vlen] = '\0';
	l->used += klen + vlen + 2;
	l->n++;
	return 0;
}

bool labels_next(const struct labels *l, size_t *pos, const char **key, const char **value)
{
	if (*pos >= l->used)
		return false;
	*key = l->buf + *pos;
	*value = *key + strlen(*key) + 1;
	*pos = (size_t)(*value - l->buf) + strlen(*value) + 1;
	return true;
}

const char *labels_get(const struct labels *l, const char *key, size_t klen)
{
	const char *k, *v;
	size_t pos = 0;

	while (labels_next(l, &pos, &k, &v))
		if (strlen(k) == klen && !memcmp(k, key, klen))
			return v;
	return NULL;
}
