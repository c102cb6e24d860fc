/*
 * hostcmds.c — registers the host's own command tables at start-up.
 */
#include "hostcmds.h"
#include "cmd.h"
#include "sdk_debug.h"

#include <stdio.h>
#include <stdlib.h>

void hostcmds_register(void)
{
    static const md_command_t *const tables[] = {
        hostcmds_server, hostcmds_admin, hostcmds_debug, hostcmds_client, hostcmds_command,
        hostcmds_keys, hostcmds_info, hostcmds_multi, hostcmds_memory, hostcmds_dump,
        hostcmds_pubsub, hostcmds_persist, hostcmds_acl, hostcmds_toolbox,
        hostcmds_latency, hostcmds_script, hostcmds_function,
        hostcmds_repl, NULL};
    for (int i = 0; tables[i]; i++) {
        const char *err = NULL;
        char buf[200];
        if (cmd_register(NULL, tables[i], sizeof(md_command_t), "server", &err, buf,
                         sizeof(buf)) != 0) {
            fprintf(stderr, "modis: host command table: %s\n", err);
            exit(1);
        }
    }
    sdk_debug_host_names(cmd_debug_names());
}
