// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_inspect.c - `lookout inspect NAME|ID [--json]`: one container seen from the host:
 * its process tree with host and namespace PIDs, its namespaces and whether the host
 * shares them, its cgroup, its runtime's metadata, and the commands that enter it, list
 * its files and show its cgroup. Found Docker's way: exact id, exact name, id prefix.
 */
#include <argp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"
#include "options.h"
#include "escape.h"
#include "outbuf.h"
#include "snapshot.h"
#include "snapshot_output.h"
#include "template.h"

#define OPT_FORMAT 1000

/* candidates named in an "ambiguous" error */
#define CANDIDATES_MAX 8

struct inspect_options {
	bool json;
	struct template *format;
	const char *query;
};

static const char inspect_doc[] =
	"lookout inspect: one container, seen from the host.\n"
	"\n"
	"NAME|ID is the container's exact name or a unique prefix of its id, as `lookout ps` "
	"shows them (a sandbox's id is pidns:<inode>). Shows its process tree with host and "
	"namespace PIDs, its namespaces, cgroup, runtime metadata, and the commands to enter "
	"it, list its files and see its cgroup.\n"
	"\n"
	"EXAMPLES:\n"
	"  sudo lookout inspect web        by name\n"
	"  sudo lookout inspect 3f2a1b     by id prefix\n"
	"  sudo lookout inspect --json web | jq '.processes[] | {host_pid, argv}'\n"
	"  sudo $(sudo lookout inspect --json web | jq -r .enter) sh\n"
	"                                  a shell in all its namespaces"
	"\v"
	"Exit status: 0 found, 1 no such container or an ambiguous prefix, 64 usage error.";

static const struct argp_option inspect_options_table[] = {
	{ "json", 'j', NULL, 0, "Write one JSON object", 0 },
	{ "format", OPT_FORMAT, "TEMPLATE", 0,
	  "Print a template of the JSON object's keys: '{{.init_pid}} {{json .namespaces}}'", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 0 },	/* -h: --help, as people expect */
	{ 0 },
};

static error_t inspect_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct inspect_options *o = state->input;

	switch (key) {
	case 'j':
		o->json = true;
		return 0;
	case OPT_FORMAT:
		return options_parse_format(state, arg, NULL, &o->format);
	case 'h':
		argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP);
		return 0;
	case ARGP_KEY_ARG:
		if (o->query) {
			argp_error(state, "one container at a time: unexpected argument '%s'", arg);
			return EINVAL;
		}
		o->query = arg;
		return 0;
	case ARGP_KEY_NO_ARGS:
		fprintf(stderr, "%s: missing NAME|ID: which container? (see `lookout ps`)\n",
			state->name);
		argp_state_help(state, stderr, ARGP_HELP_STD_USAGE);
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void quoted(struct outbuf *b, const char *s)
{
	outbuf_putc(b, '\'');
	text_put_string(b, s, strlen(s));
	outbuf_putc(b, '\'');
}

static int not_found(const struct snapshot *s, const char *query, size_t n, const size_t *idx)
{
	struct outbuf b;

	outbuf_init(&b);
	outbuf_puts(&b, "lookout inspect: ");
	if (!n) {
		outbuf_puts(&b, "no container named or with id prefix ");
		quoted(&b, query);
		outbuf_puts(&b, ": see `lookout ps`");
	} else {
		quoted(&b, query);
		outbuf_printf(&b, " matches %zu containers: ", n);
		snapshot_write_candidates(&b, s, idx, n < CANDIDATES_MAX ? n : CANDIDATES_MAX);
		if (n > CANDIDATES_MAX)
			outbuf_printf(&b, " and %zu more", n - CANDIDATES_MAX);
		outbuf_puts(&b, ": give more of the id, or the exact name");
	}
	fprintf(stderr, "%s\n", b.failed ? "lookout inspect: out of memory" : b.data);
	outbuf_free(&b);
	return 1;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct argp argp = { inspect_options_table, inspect_parse_opt, "NAME|ID",
					  inspect_doc, NULL, NULL, NULL };
	struct snapshot_opts so = { .proc_root = "/proc", .state_root = "",
				    .unified = snapshot_host_unified() };
	char *args[argc + 1], name[] = "lookout inspect";
	struct inspect_options o = {};
	size_t idx[CANDIDATES_MAX], n, i;
	struct snap_namespaces ns;
	struct snapshot *s = NULL;
	struct snap_container *c;
	struct snap_clock clk;
	struct outbuf b;
	int err, ret = 0;

	/* argp names the program after argv[0]: "lookout inspect" in usage and errors */
	args[0] = name;
	for (int k = 1; k < argc; k++)
		args[k] = argv[k];
	args[argc] = NULL;
	/* bad options are usage errors, EX_USAGE as for lookout itself (argp's default) */
	if (argp_parse(&argp, argc, args, 0, NULL, &o))
		return EX_USAGE;

	err = snapshot_scan(&so, &s);
	if (err) {
		fprintf(stderr, "lookout inspect: cannot read /proc: %s\n", strerror(-err));
		return 1;
	}
	snapshot_report_skipped(s, "lookout inspect");
	n = snapshot_find(s, o.query, idx, CANDIDATES_MAX);
	if (n != 1) {
		ret = not_found(s, o.query, n, idx);
		snapshot_free(s);
		template_free(o.format);
		return ret;
	}
	c = &s->ctrs[idx[0]];
	for (i = 0; i < s->nprocs; i++)
		if (s->procs[i].ctr == (int)idx[0])
			snapshot_read_argv(s, i);	/* a process gone since: argv unknown */
	snapshot_namespaces(s, c, &ns);
	snap_clock_now(&clk);
	outbuf_init(&b);
	if (o.format) {
		struct outbuf j;

		outbuf_init(&j);
		snapshot_write_inspect_json(&j, s, c, &ns, &clk);
		if (j.failed || template_render_json(o.format, j.data, j.len, &b))
			b.failed = 1;
		outbuf_free(&j);
	} else if (o.json)
		snapshot_write_inspect_json(&b, s, c, &ns, &clk);
	else
		snapshot_write_inspect_text(&b, s, c, &ns, &clk);
	if (b.failed) {
		fprintf(stderr, "lookout inspect: out of memory\n");
		ret = 1;
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout)) {
		fprintf(stderr, "lookout inspect: cannot write the output: %s\n", strerror(errno));
		ret = 1;
	}
	outbuf_free(&b);
	snapshot_free(s);
	template_free(o.format);
	return ret;
}
