/* cmd_pending.c - commands still being written (temporary). */
#include <stdio.h>

#include "cli.h"
#include "cmds.h"

static int pending(const char *name) __attribute__((unused));
static int pending(const char *name)
{
	fprintf(stderr, "xfa: '%s' is not available in this build\n", name);
	return EXIT_USAGE;
}

