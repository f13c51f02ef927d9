// SPDX-License-Identifier: GPL-2.0
/*
 * template.c - the --format template: parsed once into literal runs and
 * actions, then applied to each JSON object. Only what Docker users reach for
 * is taken: {{.a.b}}, {{.}} and {{json .a}}; anything else is refused with the
 * place it went wrong, never guessed at.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "escape.h"
#include "template.h"

enum node_kind { NODE_TEXT, NODE_FIELD, NODE_JSON };

struct node {
	enum node_kind kind;
	char *text;			/* NODE_TEXT: the literal bytes */
	size_t len;
	char *keys[TEMPLATE_MAX_DEPTH];	/* NODE_FIELD, NODE_JSON: the path */
	unsigned int depth;		/* 0: the object itself ({{.}}) */
};

struct template {
	struct node nodes[TEMPLATE_MAX_NODES];
	unsigned int n;
};

void template_free(struct template *t)
{
	unsigned int i, k;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->nodes[i].text);
		for (k = 0; k < t->nodes[i].depth; k++)
			free(t->nodes[i].keys[k]);
	}
	free(t);
}

static struct node *add_node(struct template *t, enum node_kind kind, char *err, size_t errlen)
{
	if (t->n >= TEMPLATE_MAX_NODES) {
		snprintf(err, errlen, "more than %d parts", TEMPLATE_MAX_NODES);
		return NULL;
	}
	t->nodes[t->n].kind = kind;
	return &t->nodes[t->n++];
}

/* ".a.b_c.d" (or "."): the keys into n. */
static int parse_path(const char *p, size_t len, struct node *n, char *err, size_t errlen)
{
	size_t i = 0, start;

	if (!len || p[0] != '.') {
		snprintf(err, errlen, "a field path starts with a dot, like .container.name");
		return -1;
	}
	if (len == 1)
		return 0;
	while (i < len) {
		if (p[i] != '.') {
			snprintf(err, errlen, "a field path is .key.key, like .container.name");
			return -1;
		}
		start = ++i;
		while (i < len && (isalnum((unsigned char)p[i]) || p[i] == '_'))
			i++;
		if (i == start || (i < len && p[i] != '.')) {
			snprintf(err, errlen, "a key is letters, digits and _, like .signal_name");
			return -1;
		}
		if (n->depth >= TEMPLATE_MAX_DEPTH) {
			snprintf(err, errlen, "a field path of more than %d keys", TEMPLATE_MAX_DEPTH);
			return -1;
		}
		n->keys[n->depth] = strndup(p + start, i - start);
		if (!n->keys[n->depth]) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		n->depth++;
	}
	return 0;
}

/* The inside of one {{ }}, spaces trimmed. */
static int parse_action(struct template *t, const char *a, size_t len, char *err, size_t errlen)
{
	struct node *n;
	enum node_kind kind = NODE_FIELD;

	while (len && isspace((unsigned char)*a)) {
		a++;
		len--;
	}
	while (len && isspace((unsigned char)a[len - 1]))
		len--;
	if (len > 5 && !strncmp(a, "json", 4) && isspace((unsigned char)a[4])) {
		kind = NODE_JSON;
		a += 5;
		len -= 5;
		while (len && isspace((unsigned char)*a)) {
			a++;
			len--;
		}
	}
	if (!len) {
		snprintf(err, errlen, "an empty {{ }}");
		return -1;
	}
	if (a[0] != '.') {
		snprintf(err, errlen, "'%.*s' is not a field (.key) or json .key", (int)(len < 32 ? len : 32), a);
		return -1;
	}
	n = add_node(t, kind, err, errlen);
	if (!n)
		return -1;
	return parse_path(a, len, n, err, errlen);
}

struct template *template_parse(const char *src, char *err, size_t errlen)
{
	struct template *t;
	const char *p, *open, *close;
	struct node *n;
	size_t len = src ? strlen(src) : 0;
	char why[160] = "";

	if (!len) {
		snprintf(err, errlen, "an empty template: give fields like '{{.container.name}}'");
		return NULL;
	}
	if (len > TEMPLATE_MAX_LEN) {
		snprintf(err, errlen, "a template of more than %d bytes", TEMPLATE_MAX_LEN);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p = src;
	while (*p) {
		open = strstr(p, "{{");
		if (open != p) {
			size_t l = open ? (size_t)(open - p) : strlen(p);

			n = add_node(t, NODE_TEXT, why, sizeof(why));
			if (!n || !(n->text = strndup(p, l)))
				goto fail_at;
			n->len = l;
			p += l;
			continue;
		}
		close = strstr(open + 2, "}}");
		if (!close) {
			snprintf(why, sizeof(why), "a {{ without its }}");
			goto fail_at;
		}
		if (memmem(open + 2, (size_t)(close - open - 2), "{{", 2)) {
			snprintf(why, sizeof(why), "a {{ inside another (nested actions are not taken)");
			goto fail_at;
		}
		if (parse_action(t, open + 2, (size_t)(close - open - 2), why, sizeof(why)))
			goto fail_at;
		p = close + 2;
	}
	return t;
fail_at:
	if (!why[0])
		snprintf(why, sizeof(why), "out of memory");
	snprintf(err, errlen, "at byte %zu: %s", (size_t)(p - src), why);
	template_free(t);
	return NULL;
}

static void put_json(struct outbuf *b, struct json_object *v)
{
	const char *s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
						       JSON_C_TO_STRING_NOSLASHESCAPE);

	/* json-c escapes control characters in strings; the rest is ASCII or UTF-8 */
	if (s)
		text_put_string(b, s, strlen(s));
}

void template_render(const struct template *t, struct json_object *obj, struct outbuf *b)
{
	unsigned int i, k;

	for (i = 0; i < t->n; i++) {
		const struct node *n = &t->nodes[i];
		struct json_object *v = obj;

		if (n->kind == NODE_TEXT) {
			outbuf_put(b, n->text, n->len);
			continue;
		}
		for (k = 0; k < n->depth && v; k++)
			if (!json_object_is_type(v, json_type_object) ||
			    !json_object_object_get_ex(v, n->keys[k], &v))
				v = NULL;
		if (!v)
			continue;
		if (n->kind == NODE_FIELD && json_object_is_type(v, json_type_string))
			text_put_string(b, json_object_get_string(v),
					(size_t)json_object_get_string_len(v));
		else
			put_json(b, v);
	}
	outbuf_putc(b, '\n');
}

int template_render_json(const struct template *t, const char *json, size_t len,
			 struct outbuf *b)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;
	size_t i;

	if (!tok)
		return -1;
	o = json_tokener_parse_ex(tok, json, (int)len);
	json_tokener_free(tok);
	if (!o)
		return -1;
	if (json_object_is_type(o, json_type_array))
		for (i = 0; i < json_object_array_length(o); i++)
			template_render(t, json_object_array_get_idx(o, i), b);
	else
		template_render(t, o, b);
	json_object_put(o);
	return 0;
}
