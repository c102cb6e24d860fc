/*
 * repl_cmds.c — the replication commands: REPLCONF, PSYNC, SYNC (the
 * handshake a replica sends) and ROLE. The work is repl_primary.c's.
 */
#include "cluster/repl.h"
#include "cluster/repl_failover.h"
#include "cluster/repl_state.h"
#include "cluster/repl_link.h"
#include "cluster/repl_primary.h"
#include "cluster/repl_wait.h"
#include "host/hostcmds.h"
#include "host/log.h"
#include "host/sdk_ctx.h"
#include "host/client.h"
#include "host/server.h"
#include "host/util.h"

#include <string.h>

static int replconf_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int silent;
    if (!c->client) return md_reply_error(c, "ERR not from this context");
    const char *err = primary_replconf(c->client, argc, argv, &silent);
    if (argc == 3 && util_eq_nocase(argv[1].ptr, argv[1].len, "getack"))
        link_send_ack(c->client);
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
    if (argc > 3 && md_arg_eq(argv[3], "failover")) {
        /* Our primary hands over (its FAILOVER): we take its place and it
         * continues our history as our replica. */
        if (argv[1].len != REPL_ID_LEN || memcmp(argv[1].ptr, repl.replid, REPL_ID_LEN) != 0)
            return md_reply_error(c, "ERR PSYNC FAILOVER replid must match my replid.");
        link_replicaof(NULL, 0);
        log_msg(LOG_NOTICE, "MASTER MODE enabled (failover request from '%s')",
                c->client->addr);
    }
    if (failover_state() != FAILOVER_NONE)
        return md_reply_error(c, "NOMASTERLINK Can't SYNC while failing over");
    const char *err = primary_sync(c->client, 1, &argv[1], off);
    if (err) md_reply_error(c, err);
    return MD_OK;
}

static int sync_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (!c->client) return md_reply_error(c, "ERR not from this context");
    if (failover_state() != FAILOVER_NONE)
        return md_reply_error(c, "NOMASTERLINK Can't SYNC while failing over");
    const char *err = primary_sync(c->client, 0, NULL, 0);
    if (err) md_reply_error(c, err);
    return MD_OK;
}

static int replicaof_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (md_arg_eq(argv[1], "no") && md_arg_eq(argv[2], "one")) {
        md_reply_simple(c, link_replicaof(NULL, 0));
        return MD_OK;
    }
    if (c->client && (c->client->flags & CLIENT_REPLICA))
        return md_reply_error(c, "ERR Command is not valid when client is a replica.");
    long long port;
    if (util_str2ll(argv[2].ptr, argv[2].len, &port) != 0 || port < 0 || port > 65535)
        return md_reply_error(c, "ERR Invalid master port");
    char host[256];
    size_t n = argv[1].len < sizeof(host) - 1 ? argv[1].len : sizeof(host) - 1;
    memcpy(host, argv[1].ptr, n);
    host[n] = '\0';
    md_reply_simple(c, link_replicaof(host, (int)port));
    return MD_OK;
}

/* ROLE of a replica: its primary, the link's state and its offset. */
static void role_replica(md_ctx_t *c)
{
    link_view_t v;
    link_view(&v);
    md_reply_array(c, 5);
    md_reply_bulk(c, "slave", 5);
    md_reply_bulk(c, srv.repl.masterhost, strlen(srv.repl.masterhost));
    md_reply_int(c, srv.repl.masterport);
    md_reply_bulk(c, v.state, strlen(v.state));
    md_reply_int(c, srv.repl.link_up ? repl.master_repl_offset : -1);
}

/* ROLE of a primary: its offset and each online replica's address and
 * acknowledged offset. */
static int role_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (srv.repl.masterhost) {
        role_replica(c);
        return MD_OK;
    }
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

/* FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: the syntax here,
 * the rest repl_failover.c's. */
static int failover_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc == 2 && md_arg_eq(argv[1], "abort")) {
        const char *err = failover_abort_cmd();
        return err ? md_reply_error(c, err) : md_reply_ok(c);
    }
    long long timeout = 0, port = 0;
    int force = 0;
    char host[256] = "";
    const md_arg_t *to = NULL;
    for (int j = 1; j < argc; j++) {
        if (md_arg_eq(argv[j], "timeout") && j + 1 < argc && !timeout) {
            if (util_str2ll(argv[j + 1].ptr, argv[j + 1].len, &timeout) != 0)
                return md_reply_error(c, "ERR value is not an integer or out of range");
            if (timeout <= 0) return md_reply_error(c, "ERR FAILOVER timeout must be greater than 0");
            j++;
        } else if (md_arg_eq(argv[j], "to") && j + 2 < argc && !to) {
            if (util_str2ll(argv[j + 2].ptr, argv[j + 2].len, &port) != 0)
                return md_reply_error(c, "ERR value is not an integer or out of range");
            to = &argv[j + 1];
            j += 2;
        } else if (md_arg_eq(argv[j], "force") && !force) {
            force = 1;
        } else {
            return md_reply_syntax(c);
        }
    }
    if (to) {
        size_t n = to->len < sizeof(host) - 1 ? to->len : sizeof(host) - 1;
        memcpy(host, to->ptr, n);
        host[n] = '\0';
    }
    const char *err = failover_start(to ? host : NULL, (int)port, force, timeout);
    return err ? md_reply_error(c, err) : md_reply_ok(c);
}

static int wait_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long num, timeout;
    if (srv.repl.masterhost)
        return md_reply_error(c, "ERR WAIT cannot be used with replica instances. Please also "
                              "note that since Redis 4.0 if a replica is configured to be "
                              "writable (which is not the default) writes to replicas are "
                              "just local and are not propagated.");
    if (util_str2ll(argv[1].ptr, argv[1].len, &num) != 0)
        return md_reply_error(c, "ERR value is not an integer or out of range");
    if (util_str2ll(argv[2].ptr, argv[2].len, &timeout) != 0)
        return md_reply_error(c, "ERR timeout is not an integer or out of range");
    if (timeout < 0) return md_reply_error(c, "ERR timeout is negative");
    client_t *cl = c->client;
    int acked = cl ? wait_acked(cl->woff, 0) : 0;
    if (!cl || acked >= num ||
        wait_block(cl, c->cmd, 0, 0, (int)(num > 1000000 ? 1000000 : num), timeout) != 0)
        md_reply_int(c, acked);
    return MD_OK;
}

/* WAITAOF numlocal numreplicas timeout (Redis 7.2): the reply is whether
 * the local AOF and how many replicas' AOFs hold the client's writes. */
static int waitaof_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    long long numlocal, num, timeout;
    if (util_str2ll(argv[1].ptr, argv[1].len, &numlocal) != 0)
        return md_reply_error(c, "ERR value is not an integer or out of range");
    if (numlocal < 0 || numlocal > 1)
        return md_reply_error(c, "ERR value is out of range, value must between 0 and 1");
    if (util_str2ll(argv[2].ptr, argv[2].len, &num) != 0)
        return md_reply_error(c, "ERR value is not an integer or out of range");
    if (num < 0) return md_reply_error(c, "ERR value is out of range, must be positive");
    if (util_str2ll(argv[3].ptr, argv[3].len, &timeout) != 0)
        return md_reply_error(c, "ERR timeout is not an integer or out of range");
    if (timeout < 0) return md_reply_error(c, "ERR timeout is negative");
    if (srv.repl.masterhost)
        return md_reply_error(c, "ERR WAITAOF cannot be used with replica instances. Please "
                              "also note that writes to replicas are just local and are not "
                              "propagated.");
    if (numlocal && !srv.appendonly)
        return md_reply_error(c, "ERR WAITAOF cannot be used when numlocal is set but "
                              "appendonly is disabled.");
    client_t *cl = c->client;
    long long woff = cl ? cl->woff : 0;
    int local = wait_local_fsynced(woff), acked = wait_acked(woff, 1);
    if (cl && (acked < num || local < numlocal) &&
        wait_block(cl, c->cmd, 1, (int)numlocal, (int)(num > 1000000 ? 1000000 : num),
                   timeout) == 0)
        return MD_OK;
    md_reply_array(c, 2);
    md_reply_int(c, local);
    md_reply_int(c, acked);
    return MD_OK;
}

const md_command_t hostcmds_repl[] = {
    {.name = "wait", .syntax = "numreplicas timeout", .handler = wait_cmd, .arity = 3,
     .flags = "noscript", .acl = "@slow @connection",
     .summary = "Blocks until the asynchronous replication of all preceding write commands "
                "sent by the connection is completed.",
     .since = "3.0.0", .complexity = "O(1)", .group = "generic",
     .tips = "request_policy:all_shards response_policy:agg_min"},
    {.name = "waitaof", .syntax = "numlocal numreplicas timeout", .handler = waitaof_cmd,
     .arity = 4, .flags = "blocking", .acl = "@slow @connection",
     .summary = "Blocks until all of the preceding write commands sent by the connection are "
                "written to the append-only file of the master and/or replicas.",
     .since = "7.2.0", .complexity = "O(1)", .group = "generic",
     .tips = "request_policy:all_shards response_policy:agg_min"},
    {.name = "failover", .syntax = "[TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]",
     .handler = failover_cmd, .arity = -1, .flags = "admin noscript stale",
     .acl = "@admin @slow @dangerous",
     .summary = "Starts a coordinated failover from a server to one of its replicas.",
     .since = "6.2.0", .complexity = "O(1)", .group = "server"},
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
    {.name = "replicaof", .syntax = "host port", .handler = replicaof_cmd, .arity = 3,
     .flags = "admin noscript stale no_async_loading", .acl = "@admin @slow @dangerous",
     .summary = "Configures a server as replica of another, or promotes it to a master.",
     .since = "5.0.0", .complexity = "O(1)", .group = "server"},
    {.name = "slaveof", .syntax = "host port", .handler = replicaof_cmd, .arity = 3,
     .flags = "admin noscript stale no_async_loading", .acl = "@admin @slow @dangerous",
     .summary = "Sets a Redis server as a replica of another, or promotes it to being a "
                "master.", .since = "1.0.0", .complexity = "O(1)", .group = "server",
     .doc_flags = "deprecated", .replaced_by = "`REPLICAOF`", .deprecated_since = "5.0.0"},
    {.name = "role", .handler = role_cmd, .arity = 1, .flags = "noscript loading stale fast",
     .acl = "@admin @fast @dangerous", .summary = "Returns the replication role.",
     .since = "2.8.12", .complexity = "O(1)", .group = "server"},
    {0}};
