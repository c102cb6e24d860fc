/*
 * repl_cmds.c — the replication commands: REPLCONF, PSYNC, SYNC (the
 * handshake a replica sends) and ROLE. The work is repl_primary.c's.
 */
#include "cluster/repl.h"
#include "cluster/repl_primary.h"
#include "host/hostcmds.h"
#include "host/sdk_ctx.h"
#include "host/util.h"

#include <string.h>

static int replconf_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int silent;
    if (!c->client) return md_reply_error(c, "ERR not from this context");
    const char *err = primary_replconf(c->client, argc, argv, &silent);
    if (err) md_reply_error(c, err);
    else if (!silent) md_reply_ok(c);
    return MD_OK;
}

static int psync_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long off;
    if (!c->client) return md_reply_error(c, "ERR not from this context");
    if (util_str2ll(argv[2].ptr, argv[2].len, &off) != 0) {
        md_reply_error(c, "ERR value is not an integer or out of range");
        return MD_OK;
    }
    const char *err = primary_sync(c->client, 1, &argv[1], off);
    if (err) md_reply_error(c, err);
    return MD_OK;
}

static int sync_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (!c->client) return md_reply_error(c, "ERR not from this context");
    const char *err = primary_sync(c->client, 0, NULL, 0);
    if (err) md_reply_error(c, err);
    return MD_OK;
}

/* ROLE of a primary: its offset and each online replica's address and
 * acknowledged offset. */
static int role_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int n = primary_count(), online = 0;
    md_reply_array(c, 3);
    md_reply_bulk(c, "master", 6);
    md_reply_int(c, repl.master_repl_offset);
    for (int i = 0; i < n; i++) {
        repl_replica_view_t v;
        primary_view(i, &v);
        online += v.state == REPLICA_ONLINE;
    }
    md_reply_array(c, online);
    for (int i = 0; i < n; i++) {
        repl_replica_view_t v;
        primary_view(i, &v);
        if (v.state != REPLICA_ONLINE) continue;
        md_reply_array(c, 3);
        md_reply_bulk(c, v.ip, strlen(v.ip));
        md_reply_bulk_ll(c, v.port);
        md_reply_bulk_ll(c, v.ack_off);
    }
    return MD_OK;
}

const md_command_t hostcmds_repl[] = {
    {.name = "replconf", .handler = replconf_cmd, .arity = -1,
     .flags = "admin noscript loading stale allow_busy", .acl = "@admin @slow @dangerous",
     .summary = "An internal command for configuring the replication stream.",
     .since = "3.0.0", .complexity = "O(1)", .group = "server", .doc_flags = "syscmd"},
    {.name = "psync", .syntax = "replicationid offset", .handler = psync_cmd, .arity = -3,
     .flags = "admin noscript no_async_loading no_multi", .acl = "@admin @slow @dangerous",
     .summary = "An internal command used in replication.", .since = "2.8.0",
     .complexity = NULL, .group = "server"},
    {.name = "sync", .handler = sync_cmd, .arity = 1,
     .flags = "admin noscript no_async_loading no_multi", .acl = "@admin @slow @dangerous",
     .summary = "An internal command used in replication.", .since = "1.0.0",
     .complexity = NULL, .group = "server"},
    {.name = "role", .handler = role_cmd, .arity = 1, .flags = "noscript loading stale fast",
     .acl = "@admin @fast @dangerous", .summary = "Returns the replication role.",
     .since = "2.8.12", .complexity = "O(1)", .group = "server"},
    {0}};
