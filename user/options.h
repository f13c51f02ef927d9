/* SPDX-License-Identifier: GPL-2.0 */
/* options.h - lookout's command line. */
#ifndef LOOKOUT_OPTIONS_H
#define LOOKOUT_OPTIONS_H

#include <stdbool.h>
#include "filter.h"
#include "loader.h"

struct lookout_options {
	bool json;
	bool only_kills;
	bool no_trunc;			/* live view: wrap, never cut */
	bool utc;			/* live view: times in UTC */
	struct template *format;	/* --format, parsed */
	const char *audit_log;
	const char *syslog_url;		/* --syslog, checked */
	const char *metrics_listen;	/* --metrics, checked */
	struct filter filter;
	struct loader_opts loader;
	char *command_line;		/* argv joined, for lookout_start */
};

/* Returns 0 to run, 1 when --help/--usage/--version was answered, -1 on a bad
 * command line (a message naming the problem is on stderr). */
int options_parse(int argc, char **argv, struct lookout_options *o);
void options_free(struct lookout_options *o);

/* --format TEMPLATE, for lookout, ps and inspect alike: *format becomes arg parsed
 * (an earlier one freed). A bad template is an argp_error() naming where it went
 * wrong, then `example` when given, and EINVAL. */
struct argp_state;
struct template;
int options_parse_format(struct argp_state *state, const char *arg, const char *example,
			 struct template **format);

/* "4M", "65536", "1G": a ring-buffer size, a power of two of at least 4096. */
int options_parse_size(const char *s, __u32 *out);

/* --cgroups-max: a plain decimal number of map entries within these bounds. */
#define OPTIONS_CGROUPS_MIN 16
#define OPTIONS_CGROUPS_MAX (1u << 22)
int options_parse_count(const char *s, __u32 *out);
/* Whether root looks like the host's / (holds proc/ or a runtime's state): 0, or
 * -errno with a reason in why. */
int options_check_host_root(const char *root, char *why, size_t len);

#endif
