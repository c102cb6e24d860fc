/*
 * cmd_docs.h — turns a command's `syntax` string (Redis docs notation)
 * into the "arguments" tree COMMAND DOCS replies with, which redis-cli and
 * client libraries use for hints and argument validation.
 */
#ifndef MODIS_CMD_DOCS_H
#define MODIS_CMD_DOCS_H

#include "sdk_host.h"

/* Reply the arguments array parsed from `syntax` (the command name and,
 * for subcommands, the subcommand word are not part of it). A syntax
 * string that does not parse replies an empty array. */
void cmd_docs_reply_args(md_ctx_t *ctx, const char *syntax);

#endif
