/*
 * hostcmds.h — the command tables the host itself provides, one array per
 * cmd_*.c file, all registered at start-up by hostcmds_register().
 */
#ifndef MODIS_HOSTCMDS_H
#define MODIS_HOSTCMDS_H

#include <stddef.h>

#include "sdk_host.h"

extern const md_command_t hostcmds_server[];   /* cmd_server.c */
extern const md_command_t hostcmds_admin[];    /* cmd_admin.c */
extern const md_command_t hostcmds_debug[];    /* cmd_debug.c */
extern const md_command_t hostcmds_client[];   /* cmd_client.c */
extern const md_command_t hostcmds_command[];  /* cmd_command.c */
extern const md_command_t hostcmds_keys[];     /* cmd_keys.c */
extern const md_command_t hostcmds_info[];     /* cmd_info.c */
extern const md_command_t hostcmds_multi[];    /* cmd_multi.c */
extern const md_command_t hostcmds_memory[];   /* cmd_memory.c */
extern const md_command_t hostcmds_persist[];  /* cmd_persist.c */
extern const md_command_t hostcmds_dump[];     /* cmd_dump.c */
extern const md_command_t hostcmds_pubsub[];   /* cmd_pubsub.c */
extern const md_command_t hostcmds_acl[];      /* cmd_acl.c */
extern const md_command_t hostcmds_repl[];     /* cluster/repl_cmds.c */
extern const md_command_t hostcmds_toolbox[];  /* cmd_toolbox.c */
extern const md_command_t hostcmds_latency[];  /* cmd_latency.c */
extern const md_command_t hostcmds_script[];   /* cmd_script.c */
extern const md_command_t hostcmds_function[]; /* cmd_function.c */

/* Register every host table; exits on a duplicate (a build bug). */
void hostcmds_register(void);

/* cmd_debug.c: the names of DEBUG's own subcommands (NULL-terminated),
 * which modules may not register (sdk_debug_host_names). */
const char *const *cmd_debug_names(void);

#endif
