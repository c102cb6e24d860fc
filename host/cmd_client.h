/*
 * cmd_client.h — what the CLIENT command's file offers besides its table:
 * a connection's CLIENT LIST line (ACL LOG's client-info shows it too).
 */
#ifndef MODIS_CMD_CLIENT_H
#define MODIS_CMD_CLIENT_H

#include <stddef.h>

struct client;

/* c's CLIENT LIST line without newline into buf; returns what snprintf
 * returns (the full length, which may exceed cap). */
int cmd_client_info_line(struct client *c, char *buf, size_t cap);

#endif
