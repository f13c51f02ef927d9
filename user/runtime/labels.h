/* SPDX-License-Identifier: GPL-2.0 */
/*
 * labels.h - a container's labels (key=value) as its runtime keeps them, in a bounded
 * set held inside struct container_meta: no allocation, so a meta stays a plain value
 * that can be zeroed and copied. A label that does not fit the bounds is left out and
 * says so (truncated), never cut: a cut key or value is another label.
 */
#ifndef LOOKOUT_LABELS_H
#define LOOKOUT_LABELS_H

#include <stdbool.h>
#include <stddef.h>

#define LABELS_MAX 64		/* labels kept per container */
#define LABEL_KEY_MAX 511	/* bytes of a key (Kubernetes' longest is 317) */
#define LABEL_VALUE_MAX 1023	/* bytes of a value */
#define LABELS_SIZE 4096	/* bytes of all keys and values, each with its NUL */

struct labels {
	bool known;		/* the runtime's state says which labels there are */
	bool truncated;		/* some were left out: too many, too long, or not text */
	unsigned short n;	/* pairs in buf */
	unsigned short used;	/* bytes of buf in use */
	char buf[LABELS_SIZE];	/* n "key\0value\0" pairs, in the runtime's order */
};

/*
 * Add key=value (klen and vlen bytes, no terminator needed). 0; -E2BIG when it is over
 * a bound, holds a NUL, or the key is not valid UTF-8 (truncated is set); -EEXIST when key is there already (kept as
 * it was; the runtimes' maps cannot hold a key twice).
 */
int labels_add(struct labels *l, const char *key, size_t klen, const char *value,
	       size_t vlen);

/* key's value (klen bytes), or NULL when there is no such label. */
const char *labels_get(const struct labels *l, const char *key, size_t klen);

/* The label after *pos (start at 0) in *key and *value; false at the end. */
bool labels_next(const struct labels *l, size_t *pos, const char **key, const char **value);

#endif /* LOOKOUT_LABELS_H */
