/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.h - the decisions about a signal that need no kernel and no /proc:
 * who sent it (origin) and whether it is out of band. Fed the kernel's record
 * and the containers userspace resolved, so they can be unit-tested alone.
 */
#ifndef LOOKOUT_VERDICT_H
#define LOOKOUT_VERDICT_H

#include <stdbool.h>
#include "report.h"

enum origin verdict_origin(const struct signal_view *s);
bool verdict_out_of_band(const struct signal_view *s);
/* A signal to lookout itself, except the SIGWINCH the terminal layer sends when
 * lookout's window is resized (SI_KERNEL, which no process can forge). */
bool verdict_tamper(const struct lk_signal_event *k);

/* Why a process with wait status `code` ended, given the kernel's note on the
 * signal that ended it (`note`, sig 0 when none) and, when a process sent
 * that signal, its view (`killer`, NULL otherwise). */
enum cause verdict_cause(__u32 code, const struct lk_killer *note,
			 const struct signal_view *killer);

#endif
