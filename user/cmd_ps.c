// SPDX-License-Identifier: GPL-2.0
/* cmd_ps.c - `lookout ps`: not written yet. */
#include <stdio.h>
#include "commands.h"

int cmd_ps(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "lookout ps: not implemented yet\n");
	return 1;
}

int cmd_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "lookout inspect: not implemented yet\n");
	return 1;
}
