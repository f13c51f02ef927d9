// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_ps.c - `lookout ps [--json]`: every container on the host, from any runtime
 * lookout knows, and every PID-namespace sandbox, seen from the host. Reads /proc and
 * the runtimes' state only: no BPF, so it answers where the tracer cannot load.
 */
#include <argp.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "commands.h"
#include "options.h"
#include "outbuf.h"
#include "snapshot.h"
#include "snapshot_output.h"
#include "template.h"

#define OPT_FORMAT 1000

struct ps_options {
	bool json;
	bool quiet;
	struct template *format;
};

static const char ps_doc[] =
	"lookout ps: the containers on this host, seen from the host.\n"
	"\n"
	"One row per container (Docker, podman, containerd, CRI-O, LXC, systemd-nspawn) and "
	"per PID-namespace sandbox: its runtime, id, name, image, the host PID of its init, "
	"how many processes it has, how long it has run, and where its root filesystem is "
	"seen from the host. Reads /proc; needs no BPF.\n"
	"\n"
	"EXAMPLES:\n"
	"  sudo lookout ps                 aligned columns\n"
	"  sudo lookout ps --json | jq '.[] | {name, init_pid, root}'\n"
	"  sudo ls \"$(sudo lookout ps --json | jq -r '.[0].root')\"\n"
	"                                  the first container's files\n"
	"  sudo lookout inspect NAME       one container in detail"
	"\v"
	"Run as root: without it the namespaces of other users' processes and the runtimes' "
	"state (names, images) cannot be read, and lookout says what it skipped.";

static const struct argp_option ps_options_table[] = {
	{ "json", 'j', NULL, 0, "Write a JSON array, one object per container", 0 },
	{ "format", OPT_FORMAT, "TEMPLATE", 0,
	  "One line per container from a template of its JSON keys: '{{.name}} {{.init_pid}}'", 0 },
	{ "quiet", 'q', NULL, 0, "Only the ids (short, as shown)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 0 },	/* -h: --help, as people expect */
	{ 0 },
};

static error_t ps_parse_opt(int key, char *arg, struct argp_state *state)
{
	struct ps_options *o = state->input;

	switch (key) {
	case 'j':
		o->json = true;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case OPT_FORMAT:
		return options_parse_format(state, arg, NULL, &o->format);
	case 'h':
		argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP);
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* --format and -q (whose template is {{.short_id}}): the template on each
 * object of ps --json. -q wins, as in docker ps. */
static void ps_formatted(struct outbuf *b, const struct snapshot *s, const struct snap_clock *clk,
			 struct ps_options *o)
{
	struct outbuf j;
	char err[128];

	if (o->quiet) {
		template_free(o->format);
		o->format = template_parse("{{.short_id}}", err, sizeof(err));
	}
	outbuf_init(&j);
	snapshot_write_ps_json(&j, s, clk);
	if (!o->format || j.failed || template_render_json(o->format, j.data, j.len, b))
		b->failed = 1;
	outbuf_free(&j);
}

/* argp names the program after argv[0]: make it "lookout ps" in usage and errors. */
int cmd_ps(int argc, char **argv)
{
	static const struct argp argp = { ps_options_table, ps_parse_opt, NULL, ps_doc,
					  NULL, NULL, NULL };
	struct snapshot_opts so = { .proc_root = "/proc", .state_root = "",
				    .unified = snapshot_host_unified() };
	char *args[argc + 1], name[] = "lookout ps";
	struct ps_options o = {};
	struct snapshot *s = NULL;
	struct snap_clock clk;
	struct outbuf b;
	int err, i, ret = 0;

	args[0] = name;
	for (i = 1; i < argc; i++)
		args[i] = argv[i];
	args[argc] = NULL;
	/* bad options are usage errors, EX_USAGE as for lookout itself (argp's default) */
	if (argp_parse(&argp, argc, args, 0, NULL, &o))
		return EX_USAGE;

	err = snapshot_scan(&so, &s);
	if (err) {
		fprintf(stderr, "lookout ps: cannot read /proc: %s\n", strerror(-err));
		return 1;
	}
	snap_clock_now(&clk);
	outbuf_init(&b);
	if (o.format || o.quiet)
		ps_formatted(&b, s, &clk, &o);
	else if (o.json)
		snapshot_write_ps_json(&b, s, &clk);
	else
		snapshot_write_ps_text(&b, s, &clk);
	if (b.failed) {
		fprintf(stderr, "lookout ps: out of memory\n");
		ret = 1;
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout)) {
		fprintf(stderr, "lookout ps: cannot write the output: %s\n", strerror(errno));
		ret = 1;
	}
	snapshot_report_skipped(s, "lookout ps");
	outbuf_free(&b);
	snapshot_free(s);
	template_free(o.format);
	return ret;
}
