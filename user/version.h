/* SPDX-License-Identifier: GPL-2.0 */
/* version.h - lookout's version, the one place it is written: --version, the
 * lookout_start and lookout_stop events, and the installed manual page's header
 * (packaging/install.mk reads it from here). */
#ifndef LOOKOUT_VERSION_H
#define LOOKOUT_VERSION_H

#define LOOKOUT_VERSION "0.1.0"

/* The git commit of the build ("unknown" when not built from a checkout), and the
 * libbpf version it runs with ("1.1"): version.c. */
const char *lookout_commit(void);
const char *lookout_libbpf_version(void);

#endif
