/* cmd_pending.c - commands still being written (temporary). */
#include <stdio.h>

#include "cli.h"
#include "cmds.h"

static int pending(const char *name)
{
	fprintf(stderr, "xfa: '%s' is not available in this build\n", name);
	return EXIT_USAGE;
}

int cmd_verify(int argc, char **argv) { (void)argc; (void)argv; return pending("verify"); }
int cmd_checkpoint(int argc, char **argv) { (void)argc; (void)argv; return pending("checkpoint"); }
int cmd_export(int argc, char **argv) { (void)argc; (void)argv; return pending("export"); }
int cmd_verify_export(int argc, char **argv) { (void)argc; (void)argv; return pending("verify-export"); }
int cmd_report(int argc, char **argv) { (void)argc; (void)argv; return pending("report"); }
int cmd_import(int argc, char **argv) { (void)argc; (void)argv; return pending("import"); }
int cmd_clone(int argc, char **argv) { (void)argc; (void)argv; return pending("clone"); }
int cmd_remote(int argc, char **argv) { (void)argc; (void)argv; return pending("remote"); }
int cmd_sync(int argc, char **argv) { (void)argc; (void)argv; return pending("sync"); }
