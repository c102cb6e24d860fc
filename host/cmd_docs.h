/*
 * cmd_docs.h — a command's COMMAND DOCS data: the argument tree parsed from
 * md_command_t.syntax (Redis's docs notation plus {..} annotations, see
 * docs/sdk.md section 7), the history lines and the doc flags. redis-cli
 * and client libraries read the tree for hints and argument validation.
 *
 * A parsed tree is owned by its command and never changes after
 * registration.
 */
#ifndef MODIS_CMD_DOCS_H
#define MODIS_CMD_DOCS_H

#include <stddef.h>

#include "sdk_host.h"

typedef struct cmd_docs cmd_docs_t;

/*
 * Parse `syntax` (the arguments only: not the command name nor, for a
 * subcommand, its word). Key arguments without a {#n} annotation get key
 * spec indexes in order of appearance, capped at nspecs - 1. Returns 0
 * with the tree in *out (NULL for a NULL syntax), or -1 with a message in
 * err.
 */
int cmd_docs_parse(const char *syntax, int nspecs, cmd_docs_t **out, char *err,
                   size_t errcap);
void cmd_docs_free(cmd_docs_t *d);
/* The number of top-level arguments. */
int cmd_docs_count(const cmd_docs_t *d);
/* Reply the "arguments" array. */
void cmd_docs_reply_args(md_ctx_t *ctx, const cmd_docs_t *d);

/* Check a history text ("version: text" lines) and doc flags words
 * ("deprecated", "syscmd"); 0 or -1 with a message in err. */
int cmd_docs_check_history(const char *history, char *err, size_t errcap);
int cmd_docs_check_doc_flags(const char *flags, char *err, size_t errcap);
/* Reply the history as an array of [version, text] pairs. */
void cmd_docs_reply_history(md_ctx_t *ctx, const char *history);
/* Reply doc flags as a set of status strings. */
void cmd_docs_reply_doc_flags(md_ctx_t *ctx, const char *flags);
/* Count the history entries / doc flag words. */
int cmd_docs_history_len(const char *history);

#endif
