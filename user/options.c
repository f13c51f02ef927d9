// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - the command line, with argp. Every value is checked here, so a
 * bad one is one clear line on stderr and exit status 64, never a surprise later.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_PATH */
#endif
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "netaddr.h"
#include "options.h"
#include "safe_file.h"
#include "template.h"
#include "version.h"

int options_parse_format(struct argp_state *state, const char *arg, const char *example,
			 struct template **format)
{
	char err[256];

	template_free(*format);
	*format = template_parse(arg, err, sizeof(err));
	if (*format)
		return 0;
	if (example)
		argp_error(state, "invalid --format: %s; give fields like %s", err, example);
	else
		argp_error(state, "invalid --format: %s", err);
	return EINVAL;
}

/* --version, -V: the version, the commit built and the libbpf it runs with. */
static void print_version(FILE *f, struct argp_state *state)
{
	(void)state;
	fprintf(f, "lookout %s (commit %s, libbpf %s)\n", LOOKOUT_VERSION, lookout_commit(),
		lookout_libbpf_version());
}

void (*argp_program_version_hook)(FILE *, struct argp_state *) = print_version;

static const char doc[] =
	"lookout: who started, signalled and killed the processes of your containers.\n"
	"\n"
	"Traces process exec, exit and signals with eBPF, attributes each process to its "
	"container (Docker, podman, containerd, CRI-O, LXC, systemd-nspawn, PID-namespace "
	"sandboxes) and names the sender of every signal a container process receives, "
	"flagging kills that did not come from the container runtime.\n"
	"\n"
	"EXAMPLES:\n"
	"  lookout                         live view of container processes and signals\n"
	"  lookout --json                  the same as JSON lines (see README: event contract)\n"
	"  lookout --only-kills            only who killed what\n"
	"  lookout --audit-log /var/log/lookout-audit.json\n"
	"                                  also append out-of-band kills to a file\n"
	"  lookout --all                   include host processes\n"
	"  lookout --container web --event signal,container_exit --origin host\n"
	"                                  kills of container web by host processes\n"
	"  lookout --out-of-band           only what should alarm\n"
	"  lookout --format '{{.time}} {{.event}} {{.container.name}} {{.cause}}'\n"
	"                                  your own line per event (keys of --json)\n"
	"\n"
	"COMMANDS (read /proc and the runtimes' state; no BPF):\n"
	"  lookout ps [--json|--format T|-q]  the containers on this host\n"
	"  lookout inspect NAME|ID [--json|--format T]\n"
	"                                  one container: processes, namespaces, cgroup\n"
	"\v"
	"Needs root (or CAP_BPF with CAP_PERFMON) and a kernel with BTF. "
	"SIGINT or SIGTERM stop it and print a summary to stderr; SIGHUP reopens the audit log.";

enum {
	OPT_AUDIT_LOG = 1000,
	OPT_BTF,
	OPT_RUNTIME_EXE,
	OPT_EVENTS_BUFFER,
	OPT_ALERTS_BUFFER,
	OPT_CONTAINER,
	OPT_EVENT,
	OPT_SIGNAL,
	OPT_ORIGIN,
	OPT_HOST_ROOT,
	OPT_SYSLOG,
	OPT_METRICS,
	OPT_CGROUPS_BUFFER,
	OPT_CGROUPS_MAX,
	OPT_NO_TRUNC,
	OPT_UTC,
	OPT_FORMAT,
	OPT_PID,
	OPT_IMAGE,
	OPT_POD,
	OPT_NAMESPACE,
	OPT_OUT_OF_BAND,
	OPT_LABEL,
};

static const struct argp_option option_table[] = {
	{ "json", 'j', NULL, 0, "Write JSON lines instead of the live view", 0 },
	{ "all", 'a', NULL, 0, "Include host processes, not only container ones", 0 },
	{ "only-kills", 'k', NULL, 0,
	  "Only signals a process sent, exits with a killer, and OOM kills", 0 },
	{ "audit-log", OPT_AUDIT_LOG, "FILE", 0,
	  "Append out-of-band signals and kills as JSON lines to FILE (created 0600)", 0 },
	{ "container", OPT_CONTAINER, "NAME|ID", 0,
	  "Only events of this container (exact name or id prefix; repeatable)", 0 },
	{ "pid", OPT_PID, "PID,...", 0,
	  "Only events of these host pids (the process, or a signal's sender or target)", 0 },
	{ "image", OPT_IMAGE, "GLOB", 0, "Only events of containers of this image (repeatable)",
	  0 },
	{ "pod", OPT_POD, "GLOB", 0, "Only events of this Kubernetes pod's containers", 0 },
	{ "namespace", OPT_NAMESPACE, "GLOB", 0,
	  "Only events of containers in this Kubernetes namespace", 0 },
	{ "label", OPT_LABEL, "KEY[=VALUE]", 0,
	  "Only events of containers with this label (KEY=VALUE: with this value; "
	  "repeatable: all must match)", 0 },
	{ "out-of-band", OPT_OUT_OF_BAND, NULL, 0,
	  "Only what should alarm: out-of-band signals and kills, tampering with lookout, "
	  "lost records, lookout's start and stop", 0 },
	{ "event", OPT_EVENT, "TYPE,...", 0,
	  "Only these events: exec, exit, signal, container_start, container_exit, oom", 0 },
	{ "signal", OPT_SIGNAL, "SIG,...", 0, "Only signal events of these signals (KILL,TERM,9)",
	  0 },
	{ "origin", OPT_ORIGIN, "ORIGIN,...", 0,
	  "Only signals, and the exits they caused, from these origins: runtime, container, "
	  "other_container, host, kernel", 0 },
	{ "runtime-exe", OPT_RUNTIME_EXE, "PATH", 0,
	  "Also treat processes running this executable as the container runtime "
	  "(repeatable)", 0 },
	{ "events-buffer", OPT_EVENTS_BUFFER, "SIZE", 0,
	  "Ring buffer for ordinary events (power of two, e.g. 4M; default 4M)", 0 },
	{ "alerts-buffer", OPT_ALERTS_BUFFER, "SIZE", 0,
	  "Ring buffer for kills that cross a container boundary (default 1M)", 0 },
	{ "cgroups-buffer", OPT_CGROUPS_BUFFER, "SIZE", 0,
	  "Ring buffer for cgroup creations and removals (default 1M)", 0 },
	{ "cgroups-max", OPT_CGROUPS_MAX, "N", 0,
	  "Live cgroups the kernel can classify at once (default 16384)", 0 },
	{ "btf", OPT_BTF, "FILE", 0, "Kernel BTF to use instead of /sys/kernel/btf/vmlinux", 0 },
	{ "host-root", OPT_HOST_ROOT, "DIR", 0,
	  "Where the host's filesystem is (runtime state and executables); default / on "
	  "the host, /proc/1/root when lookout runs in a container with the host's PIDs", 0 },
	{ "syslog", OPT_SYSLOG, "URL", 0,
	  "Also send every event to syslog: udp://HOST:PORT, tcp://HOST:PORT or local", 0 },
	{ "metrics", OPT_METRICS, "ADDR:PORT", 0,
	  "Serve Prometheus metrics on http://ADDR:PORT/metrics", 0 },
	{ "format", OPT_FORMAT, "TEMPLATE", 0,
	  "One line per event from a template of its JSON keys: '{{.time}} {{.event}} "
	  "{{.container.name}}' (missing keys print nothing; {{json .sender}})", 0 },
	{ "no-trunc", OPT_NO_TRUNC, NULL, 0,
	  "Live view: show names and details whole (wrapped at spaces), never cut with …", 0 },
	{ "utc", OPT_UTC, NULL, 0, "Live view: times and dates in UTC (default: local time)", 0 },
	{ "verbose", 'v', NULL, 0, "Show libbpf's messages", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 0 },	/* -h: --help, as people expect */
	{ 0 },
};

/*
 * A --host-root that is not the host's / would leave every runtime executable
 * unfound, so each `docker stop` would read as an out-of-band kill: accept only
 * a directory that holds what a host's root holds (proc, or a runtime's state).
 * Returns 0, or -errno with what was missing in why.
 */
int options_check_host_root(const char *root, char *why, size_t len)
{
	static const char *const wanted[] = {
		"proc", "var/lib/docker", "var/lib/containers", "run/containerd", "var/lib/lxc",
	};
	unsigned int i;
	int fd;

	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;

		snprintf(why, len, "cannot open it: %s", strerror(err));
		return -err;
	}
	close(fd);
	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
		fd = safe_open_in_root(root, wanted[i], O_PATH | O_DIRECTORY);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
	}
	snprintf(why, len, "it holds none of proc/, var/lib/docker/, var/lib/containers/, "
			   "run/containerd/, var/lib/lxc/, so it is not the host's /");
	return -ENOENT;
}

int options_parse_size(const char *s, __u32 *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	/* digits first: strtoull would also take white space and a sign, and negate */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	/* checked before the shift, which would wrap 17179869185G around to 1G */
	if (*end || v > (1ULL << 30) >> shift)
		return -EINVAL;
	v <<= shift;
	if (v < 4096 || (v & (v - 1)))
		return -EINVAL;
	*out = (__u32)v;
	return 0;
}

int options_parse_count(const char *s, __u32 *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < OPTIONS_CGROUPS_MIN || v > OPTIONS_CGROUPS_MAX)
		return -EINVAL;
	*out = (__u32)v;
	return 0;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct lookout_options *o = state->input;

	switch (key) {
	case 'j':
		o->json = true;
		break;
	case 'a':
		o->loader.all = true;
		break;
	case 'k':
		o->only_kills = true;
		break;
	case 'h':
		argp_state_help(state, state->out_stream, ARGP_HELP_STD_HELP);
		return 0;
	case 'v':
		o->loader.verbose = true;
		break;
	case OPT_NO_TRUNC:
		o->no_trunc = true;
		break;
	case OPT_UTC:
		o->utc = true;
		break;
	case OPT_FORMAT:
		return options_parse_format(state, arg, "'{{.time}} {{.event}} {{.container.name}}'",
					    &o->format);
	case OPT_AUDIT_LOG:
		if (!*arg) {
			argp_error(state, "--audit-log needs a file name");
			return EINVAL;
		}
		o->audit_log = arg;
		break;
	case OPT_HOST_ROOT: {
		char why[256];

		if (arg[0] != '/') {
			argp_error(state, "--host-root needs an absolute directory, like /proc/1/root");
			return EINVAL;
		}
		if (strcmp(arg, "/") && options_check_host_root(arg, why, sizeof(why))) {
			argp_error(state, "--host-root %s: %s; give the directory where the host's / "
					  "is mounted (-v /:/host:ro with --host-root /host), or leave "
					  "it out", arg, why);
			return EINVAL;
		}
		o->loader.host_root = strcmp(arg, "/") ? arg : "";
		break;
	}
	case OPT_SYSLOG:
	case OPT_METRICS: {
		char err[600];
		struct netaddr a;

		if (key == OPT_SYSLOG ?
			    netaddr_parse_syslog(arg, strlen(arg), &a, err, sizeof(err)) :
			    netaddr_parse_listen(arg, strlen(arg), &a, err, sizeof(err))) {
			argp_error(state, "invalid --%s %s", key == OPT_SYSLOG ? "syslog" : "metrics",
				   err);
			return EINVAL;
		}
		if (key == OPT_SYSLOG)
			o->syslog_url = arg;
		else
			o->metrics_listen = arg;
		break;
	}
	case OPT_BTF:
		o->loader.btf_path = arg;
		break;
	case OPT_RUNTIME_EXE:
		if (o->loader.nr_runtime_exes >= LOADER_MAX_RUNTIME_EXES) {
			argp_error(state, "at most %d --runtime-exe options",
				   LOADER_MAX_RUNTIME_EXES);
			return EINVAL;
		}
		o->loader.runtime_exes[o->loader.nr_runtime_exes++] = arg;
		break;
	case OPT_EVENTS_BUFFER:
	case OPT_ALERTS_BUFFER:
	case OPT_CGROUPS_BUFFER:
		if (options_parse_size(arg, key == OPT_EVENTS_BUFFER ? &o->loader.events_size :
					    key == OPT_ALERTS_BUFFER ? &o->loader.alerts_size :
								       &o->loader.cgroups_size)) {
			argp_error(state, "invalid buffer size '%s': give a power of two from 4K "
					  "to 1G, like 4M", arg);
			return EINVAL;
		}
		break;
	case OPT_CGROUPS_MAX:
		if (options_parse_count(arg, &o->loader.cgroups_max)) {
			argp_error(state, "invalid --cgroups-max '%s': give a number of entries "
					  "from %u to %u", arg, OPTIONS_CGROUPS_MIN, OPTIONS_CGROUPS_MAX);
			return EINVAL;
		}
		break;
	case OPT_OUT_OF_BAND:
		o->filter.out_of_band = true;
		break;
	case OPT_PID:
	case OPT_IMAGE:
	case OPT_POD:
	case OPT_NAMESPACE:
	case OPT_LABEL: {
		char err[256] = "";
		int bad;

		if (key == OPT_PID)
			bad = filter_parse_pids(&o->filter, arg, err, sizeof(err));
		else if (key == OPT_LABEL)
			bad = filter_add_label(&o->filter, arg, err, sizeof(err));
		else
			bad = filter_add_glob(&o->filter, key == OPT_IMAGE ? FILTER_IMAGE :
					      key == OPT_POD ? FILTER_POD : FILTER_NAMESPACE,
					      arg, err, sizeof(err));
		if (bad) {
			argp_error(state, "invalid --%s '%s': %s",
				   key == OPT_PID ? "pid" : key == OPT_IMAGE ? "image" :
				   key == OPT_POD ? "pod" : key == OPT_LABEL ? "label" : "namespace",
				   arg, err);
			return EINVAL;
		}
		break;
	}
	case OPT_CONTAINER:
	case OPT_EVENT:
	case OPT_SIGNAL:
	case OPT_ORIGIN: {
		char err[256] = "";
		int bad;

		if (key == OPT_CONTAINER)
			bad = filter_add_container(&o->filter, arg, err, sizeof(err));
		else if (key == OPT_EVENT)
			bad = filter_parse_events(&o->filter, arg, err, sizeof(err));
		else if (key == OPT_SIGNAL)
			bad = filter_parse_signals(&o->filter, arg, err, sizeof(err));
		else
			bad = filter_parse_origins(&o->filter, arg, err, sizeof(err));
		if (bad) {
			argp_error(state, "invalid --%s '%s': %s",
				   key == OPT_CONTAINER ? "container" :
				   key == OPT_EVENT ? "event" :
				   key == OPT_SIGNAL ? "signal" : "origin", arg, err);
			return EINVAL;
		}
		break;
	}
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return EINVAL;
	case ARGP_KEY_END:
		if (o->json && o->format) {
			argp_error(state, "--json and --format both choose the output: give one of them");
			return EINVAL;
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (!s)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int options_parse(int argc, char **argv, struct lookout_options *o)
{
	static const struct argp argp = { option_table, parse_opt, NULL, doc, NULL, NULL, NULL };
	int i, err;

	memset(o, 0, sizeof(*o));
	/* argp answers --help, -h and --version itself and exits 0; errors exit 64 (EX_USAGE). */
	err = argp_parse(&argp, argc, argv, 0, NULL, o);
	if (err)
		return -1;
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "--usage"))
			return 1;
	o->command_line = join_args(argc, argv);
	return 0;
}

void options_free(struct lookout_options *o)
{
	if (!o)
		return;
	free(o->command_line);
	o->command_line = NULL;
	template_free(o->format);
	o->format = NULL;
}
