// SPDX-License-Identifier: GPL-2.0
/* version.c - what this build is: lookout's version, the git commit it was built
 * from (commit.h, written by the Makefile; "unknown" outside a git checkout) and
 * the libbpf it runs with. --version and lookout_build_info show them. */
#include <bpf/libbpf.h>
#include <stdio.h>
#include "version.h"
/* the Makefile writes commit.h in the build folder; other builds (fuzzing) lack it */
#if __has_include("commit.h")
#include "commit.h"
#else
#define LOOKOUT_COMMIT ""
#endif

const char *lookout_commit(void)
{
	return LOOKOUT_COMMIT[0] ? LOOKOUT_COMMIT : "unknown";
}

/* "1.1": the libbpf loaded at run time, which may differ from the one built against. */
const char *lookout_libbpf_version(void)
{
	static char v[32];

	snprintf(v, sizeof(v), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	return v;
}
