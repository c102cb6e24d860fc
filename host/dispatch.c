/*
 * dispatch.c — the dispatcher: Redis's pre-call checks in their fixed
 * order (docs/architecture.md §3) with Redis's error texts, then the call
 * itself with its bookkeeping (propagation, statistics, blocked clients).
 */
#include "dispatch.h"
#include "client.h"
#include "cmd.h"
#include "config.h"
#include "resp.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"
#include "evict.h"
#include "blocking.h"
#include "multi.h"
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

static void reject_unknown(client_t *c)
{
    char args[256];
    size_t al = 0;
    args[0] = '\0';
    for (int i = 1; i < c->argc && al < 128; i++) {
        int k = snprintf(args + al, sizeof(args) - al, "'%.*s' ",
                         (int)(c->argv[i].len < 128 - al ? c->argv[i].len : 128 - al),
                         c->argv[i].ptr);
        if (k < 0) break;
        al += (size_t)k;
        if (al >= sizeof(args)) al = sizeof(args) - 1;
    }
    char msg[512];
    int n = snprintf(msg, sizeof(msg),
                     "ERR unknown command '%.*s', with args beginning with: %s",
                     (int)(c->argv[0].len < 128 ? c->argv[0].len : 128),
                     c->argv[0].ptr, args);
    reject(c, NULL, msg, (size_t)(n < (int)sizeof(msg) ? n : (int)sizeof(msg) - 1));
}

static void reject_unknown_sub(client_t *c, cmd_t *parent)
{
    char msg[512], upper[64];
    size_t k = 0;
    for (; parent->name[k] && k < sizeof(upper) - 1; k++)
        upper[k] = (char)toupper((unsigned char)parent->name[k]);
    upper[k] = '\0';
    int n = snprintf(msg, sizeof(msg), "ERR unknown subcommand '%.*s'. Try %s HELP.",
                     (int)(c->argv[1].len < 128 ? c->argv[1].len : 128),
                     c->argv[1].ptr, upper);
    reject(c, parent, msg, (size_t)n);
}

void dispatch_call(client_t *c, cmd_t *cmd)
{
    md_ctx_t ctx;
    sdk_ctx_init(&ctx, c, cmd, c->argc, c->argv);
    uint64_t start = util_monotonic_us();
    srv.cmd_time_ms = util_mstime();
    c->flags |= CLIENT_IN_CALL;
    c->lastcmd = cmd;
    srv.in_command++;
    cmd->handler(&ctx, c->argc, c->argv);
    srv.in_command--;
    c->flags &= ~CLIENT_IN_CALL;
    prop_flush(c->dbid, c->argc, c->argv, ctx.dirty > 0);
    uint64_t dur = util_monotonic_us() - start;
    cmd->calls++;
    cmd->usec += (long long)dur;
    if (ctx.failed) cmd->failed_calls++;
    srv.dirty += ctx.dirty;
    sdk_ctx_done(&ctx);
    srv.stat_numcommands++;
    c->commands++;
}

/* Commands that act on the transaction itself instead of being queued. */
static int is_multi_control(const cmd_t *cmd)
{
    const char *n = cmd->parent ? cmd->parent->name : cmd->name;
    return !strcmp(n, "exec") || !strcmp(n, "discard") || !strcmp(n, "multi") ||
           !strcmp(n, "watch") || !strcmp(n, "quit") || !strcmp(n, "reset");
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

void dispatch_command(client_t *c)
{
    cmd_t *cmd = cmd_lookup(c->argv[0].ptr, c->argv[0].len);
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
    }
    if (!cmd) {
        reject_unknown(c);
        goto done;
    }
    if ((cmd->flags & CMD_PROTECTED) && !config_protected_allowed(cmd->name, c)) {
        char msg[400];
        int n = snprintf(msg, sizeof(msg), "ERR %s command not allowed. If the enable-%s-command "
                         "option is set to \"local\", you can run it from a local connection, "
                         "otherwise you need to set this option in the configuration file, and "
                         "then restart the server.", cmd->name[0] == 'd' ? "DEBUG" : "MODULE",
                         cmd->name);
        reject(c, cmd, msg, (size_t)n);
        goto done;
    }
    if (cmd->nsubs && c->argc >= 2) {
        cmd_t *sub = cmd_lookup_sub(cmd, c->argv[1].ptr, c->argv[1].len);
        if (!sub) {
            reject_unknown_sub(c, cmd);
            goto done;
        }
        cmd = sub;
    }
    if ((cmd->arity > 0 && c->argc != cmd->arity) ||
        (cmd->arity < 0 && c->argc < -cmd->arity) || !cmd->handler) {
        char msg[256];
        int n = snprintf(msg, sizeof(msg),
                         "ERR wrong number of arguments for '%s' command",
                         cmd->fullname);
        reject(c, cmd, msg, (size_t)n);
        goto done;
    }
    if (!c->authenticated && !(cmd->flags & CMD_NO_AUTH)) {
        reject(c, cmd, "NOAUTH Authentication required.", 31);
        goto done;
    }
    if (srv.maxmemory && !(c->flags & CLIENT_FAKE)) {
        int ok = evict_perform() == 0;
        if (!ok && (cmd->flags & CMD_DENYOOM)) {
            static const char oom[] =
                "OOM command not allowed when used memory > 'maxmemory'.";
            reject(c, cmd, oom, sizeof(oom) - 1);
            goto done;
        }
    }
    /* No writes (nor PING, as in Redis) while persisting to disk fails. */
    const char *derr = persist_write_error();
    if (derr && !(c->flags & CLIENT_FAKE) &&
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
    blocking_serve(dispatch_call);
done:
    if (saved) {
        /* Drop what this command wrote (CLIENT REPLY OFF/SKIP), except
         * the reply of the CLIENT REPLY ON that ended the silence. */
        if (!(c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)))
            reply_append(saved, scratch.buf, scratch.pos);
        reply_reset(&scratch);
        c->out = saved;
    }
    if (!(c->flags & CLIENT_REPLY_SKIP_NEXT)) c->flags &= ~CLIENT_REPLY_SKIP;
}
