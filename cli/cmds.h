/* cmds.h - one function per command, each in cli/cmd_<name>.c. */
#ifndef XFA_CMDS_H
#define XFA_CMDS_H

int cmd_key(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_keyring(int argc, char **argv);
int cmd_case(int argc, char **argv);
int cmd_risk(int argc, char **argv);
int cmd_lookup(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_verify_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_clone(int argc, char **argv);
int cmd_remote(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* xfa key agent-add / agent-list (cmd_key_agent.c); argv[0] is the subcommand. */
int key_agent_add(int argc, char **argv, const char *usage);
int key_agent_list(int argc, char **argv, const char *usage);

#endif
