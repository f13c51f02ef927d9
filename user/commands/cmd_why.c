// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_why.c - `lookout why NAME|ID FILE...`: the on-call engineer's answer after
 * the fact. Reads lookout's own JSON lines (a --json capture or the audit log;
 * "-" for stdin) and prints each death of that container: when, why (`cause`),
 * the killer with its ancestry. --json prints those container_exit lines as they
 * were written. Needs no BPF and no privileges.
 */
#include <argp.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "escape.h"
#include "outbuf.h"

#define WHY_LINE_MAX (1 << 20)	/* longer lines are not lookout's */

struct why_options {
	bool json;
	const char *query;
	char **files;
	int nr_files;
};

struct why_state {
	struct outbuf out;
	unsigned long deaths;
	unsigned long bad_lines;
};

static const char why_doc[] =
	"lookout why: why a container died, from lookout's own JSON lines.\n"
	"\n"
	"NAME|ID is the container's name or a prefix of its id. FILE is what `lookout --json` "
	"wrote or an --audit-log file; - reads standard input. Prints each container_exit of "
	"that container: when, the cause, the killer with its ancestry.\n"
	"\n"
	"EXAMPLES:\n"
	"  lookout why web /var/log/lookout/audit.log\n"
	"  journalctl -u lookout -o cat | lookout why 3f2a1b -\n"
	"  lookout why --json web events.jsonl | jq .killed_by\n"
	"\v"
	"Exit status: 0 when a death was found, 1 when none was, 64 on a usage error, 66 "
	"when a file cannot be read.";

static const struct argp_option why_opts[] = {
	{ "json", 'j', NULL, 0, "Print the matching container_exit lines as JSON", 0 },
	{},
};

static error_t why_parse(int key, char *arg, struct argp_state *state)
{
	struct why_options *o = state->input;

	switch (key) {
	case 'j':
		o->json = true;
		return 0;
	case ARGP_KEY_ARG:
		if (!o->query) {
			if (!*arg)
				argp_error(state, "NAME|ID is empty");
			o->query = arg;
			return 0;
		}
		o->files = &state->argv[state->next - 1];
		o->nr_files = state->argc - state->next + 1;
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		if (!o->query || !o->nr_files)
			argp_error(state, "needs NAME|ID and at least one FILE (- for stdin)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char *str_at(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static struct json_object *obj_at(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

static long long int_at(struct json_object *o, const char *key, long long none)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return none;
	return json_object_get_int64(v);
}

/* The container a line is about: its name, or a prefix of its id. */
static bool is_container(struct json_object *ev, const char *query)
{
	struct json_object *c = obj_at(ev, "container");
	const char *name = str_at(c, "name"), *id = str_at(c, "id");

	if (name && !strcmp(name, query))
		return true;
	return id && !strncmp(id, query, strlen(query));
}

/* A string from the file, made safe for a terminal. */
static void put_text(struct outbuf *b, const char *s)
{
	if (!s)
		s = "?";
	text_put_string(b, s, strlen(s));
}

static void put_killer(struct outbuf *b, struct json_object *k)
{
	struct json_object *anc, *a;
	long long auid;
	size_t i, n;

	outbuf_printf(b, "  killer: %lld ", int_at(k, "host_pid", 0));
	put_text(b, str_at(k, "comm"));
	outbuf_puts(b, " (");
	put_text(b, str_at(k, "exe"));
	outbuf_printf(b, ") uid=%lld", int_at(k, "uid", -1));
	auid = int_at(k, "auid", -1);
	if (auid >= 0)
		outbuf_printf(b, " auid=%lld", auid);
	outbuf_puts(b, " origin=");
	put_text(b, str_at(k, "origin"));
	if (str_at(obj_at(k, "container"), "name")) {
		outbuf_puts(b, " container=");
		put_text(b, str_at(obj_at(k, "container"), "name"));
	}
	outbuf_putc(b, '\n');
	if (!json_object_object_get_ex(k, "ancestry", &anc) ||
	    !json_object_is_type(anc, json_type_array) || !(n = json_object_array_length(anc)))
		return;
	outbuf_puts(b, "  via:");
	for (i = 0; i < n; i++) {
		a = json_object_array_get_idx(anc, i);
		outbuf_printf(b, "%s%lld ", i ? " <" : " ", int_at(a, "host_pid", 0));
		put_text(b, str_at(a, "comm"));
	}
	outbuf_putc(b, '\n');
}

static void put_death(struct outbuf *b, struct json_object *ev)
{
	struct json_object *c = obj_at(ev, "container"), *k = obj_at(ev, "killed_by");
	long long sig = int_at(ev, "exit_signal", -1);
	const char *id = str_at(c, "id");

	put_text(b, str_at(ev, "time"));
	outbuf_puts(b, "  ");
	put_text(b, str_at(c, "name"));
	outbuf_printf(b, " (%.12s)  ", id ? id : "?");
	put_text(b, str_at(ev, "cause") ? str_at(ev, "cause") : "unknown");
	outbuf_printf(b, "  status=%lld", int_at(ev, "status", -1));
	if (sig >= 0)
		outbuf_printf(b, " signal=%lld", sig);
	if (json_object_get_boolean(json_object_object_get(ev, "reraised")))
		outbuf_puts(b, " reraised");
	if (json_object_get_boolean(json_object_object_get(ev, "out_of_band")))
		outbuf_puts(b, " OUT-OF-BAND");
	outbuf_putc(b, '\n');
	if (k)
		put_killer(b, k);
}

static void why_line(struct why_state *st, const struct why_options *o, const char *line,
		     size_t len)
{
	struct json_object *ev = json_tokener_parse(line);
	const char *name;

	if (!ev || !json_object_is_type(ev, json_type_object)) {
		if (len)
			st->bad_lines++;
		json_object_put(ev);
		return;
	}
	name = str_at(ev, "event");
	if (name && !strcmp(name, "container_exit") && is_container(ev, o->query)) {
		st->deaths++;
		if (o->json) {
			outbuf_put(&st->out, line, len);
			outbuf_putc(&st->out, '\n');
		} else {
			put_death(&st->out, ev);
		}
	}
	json_object_put(ev);
}

static int why_file(struct why_state *st, const struct why_options *o, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		fprintf(stderr, "lookout why: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > WHY_LINE_MAX || strlen(line) != (size_t)n) {
			st->bad_lines++;
			continue;
		}
		why_line(st, o, line, (size_t)n);
		if (st->out.len) {
			fwrite(st->out.data, 1, st->out.len, stdout);
			outbuf_reset(&st->out);
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
}

int cmd_why(int argc, char **argv)
{
	struct argp argp = { why_opts, why_parse, "NAME|ID FILE...", why_doc, NULL, NULL, NULL };
	struct why_options o = {};
	struct why_state st = {};
	int i, err = 0;

	/* Usage errors exit 64 (EX_USAGE), as argp's argp_err_exit_status says. */
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return 64;
	outbuf_init(&st.out);
	for (i = 0; i < o.nr_files; i++)
		if (why_file(&st, &o, o.files[i]))
			err = 66;
	outbuf_free(&st.out);
	fflush(stdout);
	if (st.bad_lines)
		fprintf(stderr, "lookout why: %lu lines were not lookout's JSON and were skipped\n",
			st.bad_lines);
	if (err)
		return err;
	if (!st.deaths) {
		fprintf(stderr, "lookout why: no container_exit of \"%s\" in the given files "
				"(check the name, or that the files cover its end)\n", o.query);
		return 1;
	}
	return 0;
}
