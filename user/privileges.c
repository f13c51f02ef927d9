// SPDX-License-Identifier: GPL-2.0
/*
 * privileges.c - least privilege after start-up.
 *
 * Loading and attaching BPF programs, and running the seed iterator, need
 * CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN; after that lookout only reads ring
 * buffers and maps through descriptors it already holds, and /proc and
 * runtime state files. It keeps:
 *   CAP_SYS_PTRACE       to read /proc/PID/exe and cmdline of any process
 *                        (ptrace access mode checks), including privileged ones;
 *   CAP_DAC_READ_SEARCH  to read runtime state and /proc entries whatever their
 *                        owner and mode.
 * Everything else is dropped from the effective, permitted and inheritable
 * sets, and no_new_privs is set, so a bug in the event path cannot be turned
 * into loading programs, writing files as any user, or regaining privileges
 * through exec.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include "privileges.h"

int privileges_drop(void)
{
	static const cap_value_t keep[] = { CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH };
	cap_t caps = cap_init();
	int err = 0;

	if (!caps)
		return -errno;
	if (cap_set_flag(caps, CAP_EFFECTIVE, 2, keep, CAP_SET) ||
	    cap_set_flag(caps, CAP_PERMITTED, 2, keep, CAP_SET) || cap_set_proc(caps)) {
		err = -errno;
		fprintf(stderr, "lookout: cannot drop capabilities: %s\n", strerror(errno));
	}
	cap_free(caps);
	if (!err && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		fprintf(stderr, "lookout: cannot set no_new_privs: %s\n", strerror(errno));
	}
	return err;
}
