/*
 * redact.h — which arguments of a command MONITOR and SLOWLOG show as
 * "(redacted)" instead of their text: passwords and ACL rules, as Redis
 * redacts them (AUTH, HELLO ... AUTH, ACL SETUSER, the
 * values of sensitive CONFIG SET parameters).
 */
#ifndef MODIS_REDACT_H
#define MODIS_REDACT_H

#include "sdk_host.h"

struct cmd;

/* The arguments as they may be shown: argv itself when nothing is
 * secret, else a new array (free it with redact_free) whose secret
 * entries read "(redacted)" and whose others point into argv. */
const md_arg_t *redact_view(const struct cmd *cmd, int argc, const md_arg_t *argv);
void redact_free(const md_arg_t *view, const md_arg_t *argv);

#endif
