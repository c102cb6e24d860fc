/*
 * cmd_server.c — connection and server commands: PING, ECHO, QUIT, RESET,
 * SELECT, HELLO, AUTH, TIME, DBSIZE, FLUSHDB, FLUSHALL, SHUTDOWN.
 */
#include "acl.h"
#include "client.h"
#include "events.h"
#include "hostcmds.h"
#include "mem.h"
#include "module.h"
#include "multi.h"
#include "notify.h"
#include "pubsub.h"
#include "sdk_ctx.h"
#include "server.h"
#include "propagate.h"
#include "shutdown.h"
#include "tracking.h"
#include "dispatch.h"
#include "persist/save.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define COMPAT_VERSION "7.4.0"

static client_t *cl(md_ctx_t *c) { return c->client; }

static int ping_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc > 2) {
        md_reply_error(c, "ERR wrong number of arguments for 'ping' command");
        return MD_OK;
    }
    if (cl(c)->resp == 2 && pubsub_client_active(cl(c))) {
        /* Subscribed RESP2 clients get ["pong", message-or-""]. */
        md_reply_array(c, 2);
        md_reply_bulk(c, "pong", 4);
        md_reply_bulk(c, argc == 2 ? argv[1].ptr : "", argc == 2 ? argv[1].len : 0);
    } else if (argc == 2) {
        md_reply_bulk(c, argv[1].ptr, argv[1].len);
    } else {
        md_reply_simple(c, "PONG");
    }
    return MD_OK;
}

static int echo_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_bulk(c, argv[1].ptr, argv[1].len);
    return MD_OK;
}

static int quit_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_ok(c);
    cl(c)->flags |= CLIENT_CLOSE_AFTER_REPLY;
    return MD_OK;
}

static int reset_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = cl(c);
    multi_client_gone(x);
    pubsub_client_gone(x);
    x->dbid = 0;
    x->resp = 2;
    mem_free(x->name);
    x->name = NULL;
    x->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP | CLIENT_REPLY_SKIP_NEXT |
                  CLIENT_NO_EVICT | CLIENT_NO_TOUCH);
    acl_client_reset_auth(x);
    md_reply_simple(c, "RESET");
    return MD_OK;
}

static int select_db(md_ctx_t *c, md_arg_t a)
{
    long long id;
    if (md_arg_ll(a, &id) != MD_OK) {
        md_reply_error(c, MD_ERR_NOT_INT);
        return MD_ERR;
    }
    if (id < INT_MIN || id > INT_MAX) {
        md_reply_error(c, "ERR value is out of range, value must between -2147483648 and "
                          "2147483647");
        return MD_ERR;
    }
    if (id < 0 || id >= srv.databases) {
        md_reply_error(c, "ERR DB index is out of range");
        return MD_ERR;
    }
    cl(c)->dbid = (int)id;
    return MD_OK;
}

static int select_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (select_db(c, argv[1]) == MD_OK) md_reply_ok(c);
    return MD_OK;
}

static int auth_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc > 3) {
        md_reply_syntax(c);
        return MD_OK;
    }
    if (argc == 2 && acl_default_is_nopass()) {
        md_reply_error(c, "ERR AUTH <password> called without any password configured "
                          "for the default user. Are you sure your configuration is correct?");
        return MD_OK;
    }
    md_arg_t user = argc == 3 ? argv[1] : md_str("default");
    if (acl_authenticate(cl(c), user, argv[argc - 1], argv[0]) == 0)
        md_reply_ok(c);
    else
        md_reply_error(c, "WRONGPASS invalid username-password pair or user is disabled.");
    return MD_OK;
}

/* Client names may not contain spaces, newlines or other special chars. */
int client_name_valid(md_arg_t name)
{
    for (size_t i = 0; i < name.len; i++)
        if (name.ptr[i] < '!' || name.ptr[i] > '~') return 0;
    return 1;
}

static int hello_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    client_t *x = cl(c);
    long long ver = x->resp;
    int j = 1;
    if (argc >= 2) {
        if (md_arg_ll(argv[1], &ver) != MD_OK) {
            md_reply_error(c, "ERR Protocol version is not an integer or out of range");
            return MD_OK;
        }
        j = 2;
        if (ver < 2 || ver > 3) {
            md_reply_error(c, "NOPROTO unsupported protocol version");
            return MD_OK;
        }
    }
    md_arg_t user = {0}, pass = {0}, name = {0};
    int has_auth = 0, has_name = 0;
    for (; j < argc; j++) {
        int left = argc - j - 1;
        if (md_arg_eq(argv[j], "AUTH") && left >= 2) {
            user = argv[j + 1];
            pass = argv[j + 2];
            has_auth = 1;
            j += 2;
        } else if (md_arg_eq(argv[j], "SETNAME") && left >= 1) {
            name = argv[j + 1];
            has_name = 1;
            j++;
        } else {
            char msg[256];
            snprintf(msg, sizeof(msg), "ERR Syntax error in HELLO option '%.*s'",
                     (int)(argv[j].len > 128 ? 128 : argv[j].len), argv[j].ptr);
            md_reply_error(c, msg);
            return MD_OK;
        }
    }
    if (has_auth && acl_authenticate(x, user, pass, argv[0]) != 0) {
        md_reply_error(c, "WRONGPASS invalid username-password pair or user is disabled.");
        return MD_OK;
    }
    if (acl_auth_required(x)) {
        md_reply_error(c, "NOAUTH HELLO must be called with the client already authenticated, "
                          "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to "
                          "authenticate the client and select the RESP protocol version at the "
                          "same time");
        return MD_OK;
    }
    if (has_name && !client_name_valid(name)) {
        md_reply_error(c, "ERR Client names cannot contain spaces, newlines or special characters.");
        return MD_OK;
    }
    if (has_name) {
        mem_free(x->name);
        x->name = name.len ? mem_strndup(name.ptr, name.len) : NULL;
    }
    x->resp = (int)ver;
    md_reply_map(c, 7);
    md_reply_bulk(c, "server", 6);
    md_reply_bulk(c, "redis", 5);
    md_reply_bulk(c, "version", 7);
    md_reply_bulk(c, COMPAT_VERSION, strlen(COMPAT_VERSION));
    md_reply_bulk(c, "proto", 5);
    md_reply_int(c, ver);
    md_reply_bulk(c, "id", 2);
    md_reply_int(c, (long long)x->id);
    md_reply_bulk(c, "mode", 4);
    md_reply_bulk(c, "standalone", 10);
    md_reply_bulk(c, "role", 4);
    md_reply_bulk(c, "master", 6);
    md_reply_bulk(c, "modules", 7);
    int nm = 0;
    for (module_t *m = module_first(); m; m = m->next) nm++;
    md_reply_array(c, nm);
    for (module_t *m = module_first(); m; m = m->next) {
        md_reply_map(c, 2);
        md_reply_bulk(c, "name", 4);
        md_reply_bulk(c, m->name, strlen(m->name));
        md_reply_bulk(c, "ver", 3);
        md_reply_int(c, m->manifest->version);
    }
    return MD_OK;
}

static int time_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int64_t us = util_ustime();
    md_reply_array(c, 2);
    md_reply_bulk_ll(c, us / 1000000);
    md_reply_bulk_ll(c, us % 1000000);
    return MD_OK;
}

static int dbsize_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    md_reply_int(c, (long long)ks_size(&srv.db[cl(c)->dbid]));
    return MD_OK;
}

/* FLUSHDB/FLUSHALL option: none, ASYNC or SYNC. Returns -1 after a
 * syntax error, else 1 to free lazily, 0 to free now. */
static int flush_opt(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    if (argc > 2 || (argc == 2 && !md_arg_eq(argv[1], "ASYNC") && !md_arg_eq(argv[1], "SYNC"))) {
        md_reply_syntax(c);
        return -1;
    }
    if (argc == 2) return md_arg_eq(argv[1], "ASYNC");
    return srv.lazyfree_lazy_user_flush;
}

static int flushdb_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int lazy = flush_opt(c, argc, argv);
    if (lazy < 0) return MD_OK;
    int id = cl(c)->dbid;
    md_event_t e = {.dbid = id, .async = lazy};
    events_fire(MD_EVENT_FLUSH, MD_SUB_FLUSH_START, &e);
    notify_db_modified(id);
    tracking_flush();
    md_dirty(c, (long long)ks_flush(&srv.db[id], lazy));
    events_fire(MD_EVENT_FLUSH, MD_SUB_FLUSH_END, &e);
    md_reply_ok(c);
    return MD_OK;
}

static int flushall_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int lazy = flush_opt(c, argc, argv);
    if (lazy < 0) return MD_OK;
    long long n = 0;
    md_event_t e = {.dbid = -1, .async = lazy};
    events_fire(MD_EVENT_FLUSH, MD_SUB_FLUSH_START, &e);
    notify_db_modified(-1);
    tracking_flush();
    for (int i = 0; i < srv.databases; i++) n += (long long)ks_flush(&srv.db[i], lazy);
    events_fire(MD_EVENT_FLUSH, MD_SUB_FLUSH_END, &e);
    /* Always propagated, even when nothing was removed (as Redis 7). A
     * save of the empty dataset (with save points) leaves dirty at 0. */
    prop_record_verbatim();
    if (!save_after_flushall()) md_dirty(c, n);
    md_reply_ok(c);
    return MD_OK;
}

static int shutdown_cmd(md_ctx_t *c, int argc, const md_arg_t *argv)
{
    int flags = 0, abort = 0;
    for (int j = 1; j < argc; j++) {
        if (md_arg_eq(argv[j], "NOSAVE")) flags |= SHUTDOWN_NOSAVE;
        else if (md_arg_eq(argv[j], "SAVE")) flags |= SHUTDOWN_SAVE;
        else if (md_arg_eq(argv[j], "NOW")) flags |= SHUTDOWN_NOW;
        else if (md_arg_eq(argv[j], "FORCE")) flags |= SHUTDOWN_FORCE;
        else if (md_arg_eq(argv[j], "ABORT")) abort = 1;
        else {
            md_reply_syntax(c);
            return MD_OK;
        }
    }
    if ((abort && flags) || ((flags & SHUTDOWN_NOSAVE) && (flags & SHUTDOWN_SAVE))) {
        md_reply_syntax(c);
        return MD_OK;
    }
    if (abort) {
        if (shutdown_abort() == 0) md_reply_ok(c);
        else md_reply_error(c, "ERR No shutdown in progress.");
        return MD_OK;
    }
    if (!(flags & SHUTDOWN_NOSAVE) && srv.script_busy) {
        md_reply_error(c, DISPATCH_BUSY_TEXT()); /* only NOSAVE while a script is busy */
        return MD_OK;
    }
    if (shutdown_try(flags, c->client, c->cmd) == 1) return MD_OK; /* blocked till its end */
    md_reply_error(c, "ERR Errors trying to SHUTDOWN. Check logs.");
    return MD_OK;
}

const md_command_t hostcmds_server[] = {
    {.name = "ping", .syntax = "[message]", .handler = ping_cmd, .arity = -1, .flags = "fast", .acl = "@fast @connection",
     .summary = "Returns the server's liveliness response.", .since = "1.0.0", .complexity = "O(1)",
     .group = "connection",
     .tips = "request_policy:all_shards response_policy:all_succeeded"},
    {.name = "echo", .syntax = "message", .handler = echo_cmd, .arity = 2, .flags = "loading stale fast", .acl = "@fast @connection",
     .summary = "Returns the given string.", .since = "1.0.0", .complexity = "O(1)", .group = "connection"},
    {.name = "quit", .handler = quit_cmd, .arity = -1,
     .flags = "allow_busy noscript loading stale fast no_auth", .acl = "@fast @connection",
     .summary = "Closes the connection.", .since = "1.0.0", .complexity = "O(1)", .group = "connection",
     .doc_flags = "deprecated",
     .deprecated_since = "7.2.0",
     .replaced_by = "just closing the connection"},
    {.name = "reset", .handler = reset_cmd, .arity = 1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl = "@fast @connection",
     .summary = "Resets the connection.", .since = "6.2.0", .complexity = "O(1)", .group = "connection"},
    {.name = "select", .syntax = "index", .handler = select_cmd, .arity = 2, .flags = "loading stale fast",
     .acl = "@fast @connection", .summary = "Changes the selected database.", .since = "1.0.0",
     .complexity = "O(1)", .group = "connection"},
    {.name = "hello", .syntax = "[protover [AUTH (username password)] [SETNAME clientname]]{=arguments}", .handler = hello_cmd, .arity = -1,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl = "@fast @connection",
     .summary = "Handshakes with the Redis server.", .since = "6.0.0", .complexity = "O(1)",
     .group = "connection",
     .history = "6.2.0: `protover` made optional; when called without arguments the command "
                "reports the current connection's context."},
    {.name = "auth", .syntax = "[username{@6.0.0}] password", .handler = auth_cmd, .arity = -2,
     .flags = "noscript loading stale fast no_auth allow_busy", .acl = "@fast @connection",
     .summary = "Authenticates the connection.", .since = "1.0.0",
     .complexity = "O(N) where N is the number of passwords defined for the user",
     .group = "connection",
     .history = "6.0.0: Added ACL style (username and password)."},
    {.name = "time", .handler = time_cmd, .arity = 1, .flags = "loading stale fast",
     .acl = "@fast", .summary = "Returns the server time.", .since = "2.6.0",
     .complexity = "O(1)", .group = "server",
     .tips = "nondeterministic_output"},
    {.name = "dbsize", .handler = dbsize_cmd, .arity = 1, .flags = "readonly fast",
     .acl = "@keyspace @read @fast", .summary = "Returns the number of keys in the database.",
     .since = "1.0.0", .complexity = "O(1)", .group = "server",
     .tips = "request_policy:all_shards response_policy:agg_sum"},
    {.name = "flushdb", .syntax = "[ASYNC{@4.0.0} | SYNC{@6.2.0}]{=flush-type}", .handler = flushdb_cmd, .arity = -1, .flags = "write",
     .acl = "@keyspace @write @slow @dangerous",
     .summary = "Remove all keys from the current database.", .since = "1.0.0",
     .complexity = "O(N) where N is the number of keys in the selected database", .group = "server",
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .history = "4.0.0: Added the `ASYNC` flushing mode modifier.\n"
                "6.2.0: Added the `SYNC` flushing mode modifier."},
    {.name = "flushall", .syntax = "[ASYNC{@4.0.0} | SYNC{@6.2.0}]{=flush-type}", .handler = flushall_cmd, .arity = -1, .flags = "write",
     .acl = "@keyspace @write @slow @dangerous", .summary = "Removes all keys from all databases.",
     .since = "1.0.0", .complexity = "O(N) where N is the total number of keys in all databases",
     .group = "server",
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .history = "4.0.0: Added the `ASYNC` flushing mode modifier.\n"
                "6.2.0: Added the `SYNC` flushing mode modifier."},
    {.name = "shutdown", .syntax = "[NOSAVE | SAVE]{=save-selector} [NOW{@7.0.0}] [FORCE{@7.0.0}] [ABORT{@7.0.0}]", .handler = shutdown_cmd, .arity = -1,
     .flags = "admin noscript loading stale no_multi allow_busy", .acl = "@admin @slow @dangerous",
     .summary = "Synchronously saves the database(s) to disk and shuts down the Redis server.",
     .since = "1.0.0", .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
     .group = "server",
     .history = "7.0.0: Added the `NOW`, `FORCE` and `ABORT` modifiers."},
    {0}};
