/* SPDX-License-Identifier: GPL-2.0 */
/* commands.h - lookout's subcommands besides the live tracer. Each takes its
 * own argv (argv[0] is the subcommand's name) and returns the exit status. */
#ifndef LOOKOUT_COMMANDS_H
#define LOOKOUT_COMMANDS_H

int cmd_ps(int argc, char **argv);	/* lookout ps [--json] */
int cmd_inspect(int argc, char **argv);	/* lookout inspect NAME|ID [--json] */
int cmd_why(int argc, char **argv);	/* lookout why [--json] NAME|ID FILE... */
int cmd_vocabulary(int argc, char **argv);	/* lookout vocabulary */

#endif
