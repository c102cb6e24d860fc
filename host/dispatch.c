/*
 * dispatch.c — the dispatcher: Redis's pre-call checks in their fixed
 * order (docs/architecture.md §3) with Redis's error texts, then the call
 * itself with its bookkeeping (propagation, statistics, blocked clients).
 */
#include "dispatch.h"
#include "cluster/repl_state.h"
#include "cluster/repl_wait.h"
#include "acl.h"
#include "client.h"
#include "cmd.h"
#include "config.h"
#include "resp.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"
#include "evict.h"
#include "blocking.h"
#include "lathist.h"
#include "latency.h"
#include "monitor.h"
#include "multi.h"
#include "pause.h"
#include "redact.h"
#include "slowlog.h"
#include "log.h"
#include "tracking.h"
#include "pubsub.h"
#include "propagate.h"
#include "persist/persist.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Reply an error before the command runs (counted as rejected). */
static void reject(client_t *c, cmd_t *cmd, const char *msg, size_t n)
{
    multi_flag_error(c);
    resp_add_error(client_reply(c), msg, n);
    cmd_count_error(msg, n);
    if (cmd) cmd->rejected_calls++;
}

/* Redis's text for an unknown command: its name and the first arguments,
 * each cut at 128 bytes, the whole list at about 128. */
static void msg_unknown(int argc, const md_arg_t *argv, char *msg, size_t cap)
{
    char args[256];
    size_t al = 0;
    args[0] = '\0';
    for (int i = 1; i < argc && al < 128; i++) {
        int k = snprintf(args + al, sizeof(args) - al, "'%.*s' ",
                         (int)(argv[i].len < 128 - al ? argv[i].len : 128 - al),
                         argv[i].ptr);
        if (k < 0) break;
        al += (size_t)k;
        if (al >= sizeof(args)) al = sizeof(args) - 1;
    }
    snprintf(msg, cap, "ERR unknown command '%.*s', with args beginning with: %s",
             (int)(argv[0].len < 128 ? argv[0].len : 128), argv[0].ptr, args);
}

cmd_t *dispatch_find(cmd_t *cmd, int argc, const md_arg_t *argv, char *msg, size_t cap,
                     cmd_t **blame)
{
    *blame = cmd;
    if (!cmd) {
        msg_unknown(argc, argv, msg, cap);
        return NULL;
    }
    if (cmd->nsubs && argc >= 2) {
        cmd_t *sub = cmd_lookup_sub(cmd, argv[1].ptr, argv[1].len);
        if (!sub) {
            char upper[64];
            size_t k = 0;
            for (; cmd->name[k] && k < sizeof(upper) - 1; k++)
                upper[k] = (char)toupper((unsigned char)cmd->name[k]);
            upper[k] = '\0';
            snprintf(msg, cap, "ERR unknown subcommand '%.*s'. Try %s HELP.",
                     (int)(argv[1].len < 128 ? argv[1].len : 128), argv[1].ptr, upper);
            return NULL;
        }
        cmd = sub;
    }
    *blame = cmd;
    if ((cmd->arity > 0 && argc != cmd->arity) || (cmd->arity < 0 && argc < -cmd->arity) ||
        !cmd->handler) {
        snprintf(msg, cap, "ERR wrong number of arguments for '%s' command", cmd->fullname);
        return NULL;
    }
    return cmd;
}

/* Set while a blocked command runs again: MONITOR showed it already. */
static int rerunning;

/* SLOWLOG and MONITOR see a command after it ran, as Redis's call() does:
 * not while the AOF loads, with secrets redacted; a command that blocked
 * is logged when it runs again and completes, and shown to monitors once,
 * the first time. */
static void observe(client_t *c, cmd_t *cmd, long long dur)
{
    if (srv.loading) return;
    tracking_after_call(c, cmd);
    int slow = !(cmd->flags & CMD_SKIP_SLOWLOG) && !blocking_is_blocked(c) &&
               slowlog_wants(dur);
    int mon = monitor_active() && !rerunning && !(cmd->flags & (CMD_SKIP_MONITOR | CMD_ADMIN));
    if (!slow && !mon) return;
    const md_arg_t *view = redact_view(cmd, c->argc, c->argv);
    if (slow) slowlog_push(c->argc, view, dur, c->addr[0] ? c->addr : "?:0", c->name);
    if (mon) monitor_feed(c, c->dbid, c->argc, view);
    redact_free(view, c->argv);
}

void dispatch_call(client_t *c, cmd_t *cmd)
{
    if (cmd_is_gone(cmd)) {
        /* Its module was unloaded after the reference was taken (a queued
         * MULTI command): the command does not exist when it would run. */
        char msg[512];
        msg_unknown(c->argc, c->argv, msg, sizeof(msg));
        reject(c, NULL, msg, strlen(msg));
        return;
    }
    md_ctx_t ctx;
    sdk_ctx_init(&ctx, c, cmd, c->argc, c->argv);
    uint64_t start = util_monotonic_us();
    /* One clock for a command and the calls nested in it (EXEC, md_call). */
    if (!srv.in_command) srv.cmd_time_ms = util_mstime();
    c->flags |= CLIENT_IN_CALL;
    cmd_hold(&c->lastcmd, cmd);
    long long stream_before = repl.master_repl_offset;
    prop_begin(0);
    srv.in_command++;
    cmd->running++; /* its module cannot be unloaded under it */
    cmd->handler(&ctx, c->argc, c->argv);
    cmd->running--;
    srv.in_command--;
    c->flags &= ~CLIENT_IN_CALL;
    prop_flush(c->dbid, c->argc, c->argv, ctx.dirty > 0);
    if (repl.master_repl_offset != stream_before) c->woff = repl.master_repl_offset;
    uint64_t dur = util_monotonic_us() - start;
    cmd->calls++;
    cmd->usec += (long long)dur;
    if (ctx.failed) cmd->failed_calls++;
    if (srv.latency_tracking && !srv.loading && !blocking_is_blocked(c)) {
        if (!cmd->hist) cmd->hist = lathist_new();
        lathist_record(cmd->hist, dur * 1000);
    }
    latency_add(cmd->flags & CMD_FAST ? "fast-command" : "command", dur / 1000);
    srv.dirty += ctx.dirty;
    observe(c, cmd, (long long)dur);
    sdk_ctx_done(&ctx);
    srv.stat_numcommands++;
    c->commands++;
}

/* A queued command at EXEC time: its permissions are checked again, as
 * they may have changed since it was queued. */
void dispatch_exec_queued(client_t *c, cmd_t *cmd)
{
    char msg[512];
    if (acl_check_queued(c, cmd, msg, sizeof(msg)) != ACL_OK) {
        resp_add_error(client_reply(c), msg, strlen(msg));
        cmd_count_error(msg, strlen(msg));
        cmd->rejected_calls++;
        return;
    }
    dispatch_call(c, cmd);
}

/* A blocked command run again when its key got data: the user's
 * permissions are checked again first (Redis re-processes the command). */
void dispatch_rerun(client_t *c, cmd_t *cmd)
{
    char msg[512];
    if (acl_check_client(c, cmd, ACL_CTX_TOPLEVEL, msg, sizeof(msg)) != ACL_OK) {
        resp_add_error(client_reply(c), msg, strlen(msg));
        cmd_count_error(msg, strlen(msg));
        cmd->rejected_calls++;
        return;
    }
    rerunning++;
    dispatch_call(c, cmd);
    rerunning--;
}

/* Commands that act on the transaction itself instead of being queued. */
static int is_multi_control(const cmd_t *cmd)
{
    const char *n = cmd->parent ? cmd->parent->name : cmd->name;
    return !strcmp(n, "exec") || !strcmp(n, "discard") || !strcmp(n, "multi") ||
           !strcmp(n, "watch") || !strcmp(n, "quit") || !strcmp(n, "reset");
}

/* CLIENT PAUSE: does this command wait? Under WRITE, commands that write
 * or may replicate, and EXEC of a queue holding such commands, as Redis
 * (a write is postponed when it would be queued, too). */
static int pause_holds(client_t *c, cmd_t *cmd)
{
    if (!srv.clients_paused) return 0;
    const uint64_t w = CMD_WRITE | CMD_MAY_REPLICATE;
    int exec = !cmd->parent && !strcmp(cmd->name, "exec");
    return pause_must_wait(c, (cmd->flags & w) || (exec && (multi_queued_flags(c) & w)));
}

/* Commands a RESP2 client in Pub/Sub mode may still run. */
static int pubsub_context_allowed(const cmd_t *cmd)
{
    static const char *const ok[] = {"ping", "subscribe", "ssubscribe", "unsubscribe",
                                     "sunsubscribe", "psubscribe", "punsubscribe", "quit",
                                     "reset", NULL};
    if (cmd->parent) return 0;
    for (int i = 0; ok[i]; i++)
        if (!strcmp(cmd->name, ok[i])) return 1;
    return 0;
}

/* Writes need min-replicas-to-write good replicas; on a replica, writes
 * come only from our primary (replica-read-only), and with the link down
 * only "stale" commands run (replica-serve-stale-data). 1 when c's
 * command was refused. */
static int replica_refuses(client_t *c, cmd_t *cmd)
{
    if (c->flags & (CLIENT_MASTER | CLIENT_FAKE)) return 0;
    if ((cmd->flags & CMD_WRITE) && wait_too_few_replicas()) {
        static const char msg[] = "NOREPLICAS Not enough good replicas to write.";
        reject(c, cmd, msg, sizeof(msg) - 1);
        return 1;
    }
    if (!srv.repl.masterhost) return 0;
    if (srv.repl.read_only && (cmd->flags & CMD_WRITE)) {
        static const char msg[] = "READONLY You can't write against a read only replica.";
        reject(c, cmd, msg, sizeof(msg) - 1);
        return 1;
    }
    if (!srv.repl.link_up && !srv.repl.serve_stale && !(cmd->flags & CMD_STALE)) {
        static const char msg[] = "MASTERDOWN Link with MASTER is down and "
                                  "replica-serve-stale-data is set to 'no'.";
        reject(c, cmd, msg, sizeof(msg) - 1);
        return 1;
    }
    return 0;
}

/*
 * A command from our primary's stream replied an error (Redis's
 * afterErrorReply for a master client): logged as Redis does, counted in
 * unexpected_error_replies, and with propagation-error-behavior panic or
 * panic-on-replicas on a read-only replica, the process panics.
 */
static void master_error(const char *name)
{
    log_msg(LOG_WARNING, "== CRITICAL == This replica is sending an error to its master: "
            "'%s' after processing the command '%s'", cmd_last_error(), name);
    srv.stat_unexpected_error_replies++;
    if (srv.repl.read_only && srv.repl.prop_err != PROP_ERR_IGNORE)
        log_panic(__FILE__, __LINE__, "This replica panicked sending an error to its master "
                  "after processing the command '%s'", name);
}

/*
 * A write from our primary while this server cannot write to disk (the
 * MISCONF state): Redis panics unless replica-ignore-disk-write-errors is
 * yes; then the write is applied, logged at most every 10 seconds.
 */
static void master_disk_error(void)
{
    static int64_t last_log_ms;
    if (!srv.repl.ignore_disk_errors)
        log_panic(__FILE__, __LINE__, "Replica was unable to write command to disk.");
    int64_t now = util_mstime();
    if (now > last_log_ms + 10000) {
        last_log_ms = now;
        log_msg(LOG_WARNING, "Replica is applying a command even though it is unable to "
                "write to disk.");
    }
}

void dispatch_command(client_t *c)
{
    cmd_t *cmd = cmd_lookup(c->argv[0].ptr, c->argv[0].len);
    long long errors_before = srv.stat_total_error_replies;
    /* CLIENT CACHING's effect lasts over CLIENT subcommands, as Redis */
    int client_cmd = cmd && !strcmp(cmd->name, "client");
    tracking_command_begin(c);
    /* CLIENT REPLY SKIP applies to the command after it. */
    if (c->flags & CLIENT_REPLY_SKIP_NEXT) {
        c->flags &= ~CLIENT_REPLY_SKIP_NEXT;
        c->flags |= CLIENT_REPLY_SKIP;
    }
    static reply_t scratch;
    reply_t *saved = NULL;
    if (c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)) {
        saved = c->out;
        reply_init(&scratch);
        c->out = &scratch;
        c->push_out = saved; /* push data is not silenced */
    }
    cmd_hold(&c->lastcmd, cmd); /* as Redis: CLIENT LIST and ACL LOG show it even when refused */
    if (cmd && (cmd->flags & CMD_PROTECTED) && !config_protected_allowed(cmd->name, c)) {
        char msg[400];
        int n = snprintf(msg, sizeof(msg), "ERR %s command not allowed. If the enable-%s-command "
                         "option is set to \"local\", you can run it from a local connection, "
                         "otherwise you need to set this option in the configuration file, and "
                         "then restart the server.", cmd->name[0] == 'd' ? "DEBUG" : "MODULE",
                         cmd->name);
        reject(c, cmd, msg, (size_t)n);
        goto done;
    }
    char why[512];
    cmd_t *blame;
    cmd = dispatch_find(cmd, c->argc, c->argv, why, sizeof(why), &blame);
    /* an unknown subcommand leaves no last command, as in Redis */
    cmd_hold(&c->lastcmd, cmd ? cmd : (blame && blame->nsubs && c->argc >= 2 ? NULL : blame));
    if (!cmd) {
        reject(c, blame, why, strlen(why));
        goto done;
    }
    if (acl_auth_required(c) && !(cmd->flags & CMD_NO_AUTH)) {
        reject(c, cmd, "NOAUTH Authentication required.", 31);
        goto done;
    }
    char aclmsg[512];
    if (!(c->flags & CLIENT_MASTER) &&
        acl_check_client(c, cmd, multi_active(c) ? ACL_CTX_MULTI : ACL_CTX_TOPLEVEL, aclmsg,
                         sizeof(aclmsg)) != ACL_OK) {
        reject(c, cmd, aclmsg, strlen(aclmsg));
        goto done;
    }
    if (replica_refuses(c, cmd)) goto done;
    if (srv.maxmemory && !(c->flags & (CLIENT_FAKE | CLIENT_MASTER))) {
        int ok = evict_perform() == 0;
        if (!ok && (cmd->flags & CMD_DENYOOM)) {
            reject(c, cmd, DISPATCH_ERR_OOM, sizeof(DISPATCH_ERR_OOM) - 1);
            goto done;
        }
    }
    /* No writes (nor PING, as in Redis) while persisting to disk fails. */
    const char *derr = persist_write_error();
    if (derr && (c->flags & CLIENT_MASTER) && (cmd->flags & CMD_WRITE)) {
        master_disk_error();
    } else if (derr && !(c->flags & (CLIENT_FAKE | CLIENT_MASTER)) &&
               ((cmd->flags & CMD_WRITE) || (!cmd->parent && strcmp(cmd->name, "ping") == 0))) {
        reject(c, cmd, derr, strlen(derr));
        goto done;
    }
    if (c->resp == 2 && pubsub_client_active(c) && !pubsub_context_allowed(cmd)) {
        char msg[256];
        int n = snprintf(msg, sizeof(msg), "ERR Can't execute '%s': only (P|S)SUBSCRIBE / "
                         "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
                         cmd->fullname);
        reject(c, cmd, msg, (size_t)(n < (int)sizeof(msg) ? n : (int)sizeof(msg) - 1));
        goto done;
    }
    if (srv.script_busy && !(cmd->flags & CMD_ALLOW_BUSY)) {
        reject(c, cmd, DISPATCH_BUSY_TEXT(), strlen(DISPATCH_BUSY_TEXT()));
        goto done;
    }
    if (pause_holds(c, cmd)) {
        /* left in the query buffer: it runs when the pause ends, CLIENT
         * REPLY SKIP still applying to it */
        if (c->flags & CLIENT_REPLY_SKIP) c->flags |= CLIENT_REPLY_SKIP_NEXT;
        pause_postpone(c);
        goto done;
    }
    if (multi_active(c) && !is_multi_control(cmd)) {
        if (cmd->flags & CMD_NO_MULTI) {
            static const char msg[] = "ERR Command not allowed inside a transaction";
            reject(c, cmd, msg, sizeof(msg) - 1);
        } else {
            multi_queue(c, cmd);
        }
        goto done;
    }
    c->cmd = cmd;
    dispatch_call(c, cmd);
    c->cmd = NULL;
    if (!srv.script_busy) blocking_serve(); /* not in the middle of a script */
done:;
    /* An error the master's command replied itself, or EXEC's (not one a
     * script caught): Redis's afterErrorReply on the master client. */
    int master_err = (c->flags & CLIENT_MASTER) &&
                     srv.stat_total_error_replies != errors_before &&
                     ((saved && scratch.pos && scratch.buf[0] == '-') ||
                      (cmd && !strcmp(cmd->name, "exec")));
    if (saved) {
        /* Drop what this command wrote (CLIENT REPLY OFF/SKIP), except
         * the reply of the CLIENT REPLY ON that ended the silence. */
        if (!(c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)))
            reply_append(saved, scratch.buf, scratch.pos);
        reply_reset(&scratch);
        c->out = saved;
        c->push_out = NULL;
    }
    if (!(c->flags & CLIENT_REPLY_SKIP_NEXT)) c->flags &= ~CLIENT_REPLY_SKIP;
    if (master_err) master_error(cmd ? cmd->name : "<unknown>");
    tracking_command_done(c, client_cmd || multi_active(c) || (c->flags & CLIENT_POSTPONED));
}
