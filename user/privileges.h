/* SPDX-License-Identifier: GPL-2.0 */
/* privileges.h - give up what lookout no longer needs once its programs run. */
#ifndef LOOKOUT_PRIVILEGES_H
#define LOOKOUT_PRIVILEGES_H

/* Keep only CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH and set no_new_privs.
 * Returns 0 or -errno (with a message on stderr). */
int privileges_drop(void);

#endif
