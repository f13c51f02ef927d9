// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vocabulary.c - `lookout vocabulary`: every name lookout writes for each
 * key with a fixed set of values (events, origins, methods, causes, OOM scopes,
 * signal results), as one JSON object, from the same tables the writers use.
 * For scripts that validate lookout's output, and for the end-to-end tests,
 * which check the binary against their own lists.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "escape.h"
#include "oom.h"
#include "outbuf.h"
#include "report.h"

static void put_list(struct outbuf *b, const char *key, const char *(*name)(int), int n,
		     bool first)
{
	int i;

	outbuf_printf(b, "%s\"%s\":[", first ? "" : ",", key);
	for (i = 0; i < n; i++) {
		const char *s = name(i);

		if (i)
			outbuf_putc(b, ',');
		json_put_string(b, s, strlen(s));
	}
	outbuf_putc(b, ']');
}

static const char *event_at(int i) { return report_type_name(i); }
static const char *origin_at(int i) { return origin_name(i); }
static const char *method_at(int i) { return method_name((__u32)i + 1); }
static const char *cause_at(int i) { return cause_name(i); }
static const char *scope_at(int i) { return oom_scope_name(i); }
static const char *result_at(int i) { return signal_result_name(i); }

int cmd_vocabulary(int argc, char **argv)
{
	struct outbuf b;
	int rc;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "lookout vocabulary takes no arguments\n");
		return 64;
	}
	outbuf_init(&b);
	outbuf_putc(&b, '{');
	put_list(&b, "events", event_at, REPORT_TYPES, true);
	put_list(&b, "origins", origin_at, ORIGINS, false);
	put_list(&b, "methods", method_at, LK_SM_MAX - 1, false);
	put_list(&b, "causes", cause_at, CAUSE_MAX, false);
	put_list(&b, "oom_scopes", scope_at, OOM_SCOPE_PARENT + 1, false);
	put_list(&b, "results", result_at, 5, false);
	outbuf_puts(&b, "}\n");
	rc = b.failed || fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout) ? 74 : 0;
	outbuf_free(&b);
	return rc;
}
