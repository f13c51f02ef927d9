/* SPDX-License-Identifier: GPL-2.0 */
/*
 * template.h - --format TEMPLATE: Go-template-like field paths into the JSON
 * object lookout writes for an event, a container (ps) or an inspection.
 *
 *   {{.container.name}} {{.signal_name}} {{json .sender}} {{.}}
 *
 * A missing or null field prints nothing; a string prints raw but escaped for
 * the terminal; anything else (and {{json PATH}}) prints as compact JSON.
 */
#ifndef LOOKOUT_TEMPLATE_H
#define LOOKOUT_TEMPLATE_H

#include <stddef.h>
#include "outbuf.h"

#define TEMPLATE_MAX_LEN 4096	/* bytes of template text */
#define TEMPLATE_MAX_NODES 256	/* literal runs and actions */
#define TEMPLATE_MAX_DEPTH 16	/* keys in one field path */

struct template;
struct json_object;

/* Parse src; NULL with a message in err (naming the place and the fix) when
 * it is not a template this accepts. */
struct template *template_parse(const char *src, char *err, size_t errlen);
void template_free(struct template *t);

/* Append t applied to obj, and a newline. */
void template_render(const struct template *t, struct json_object *obj, struct outbuf *b);
/* Parse one JSON text (as lookout's writers make it) and render t on it, or on
 * each element when it is an array. Returns 0, or -1 if json is not JSON. */
int template_render_json(const struct template *t, const char *json, size_t len,
			 struct outbuf *b);

#endif
