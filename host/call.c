/*
 * call.c — see call.h. Each nesting level has its own client without
 * socket (kept for the next call at that level, and replaced when a
 * command left state on it: a transaction, subscriptions). While it runs,
 * the client's output is the caller's buffer, its db the caller's, and
 * its last command is cleared afterwards, so nothing of a module's stays
 * referenced from it.
 */
#include "call.h"
#include "acl.h"
#include "client.h"
#include "cmd.h"
#include "dispatch.h"
#include "mem.h"
#include "propagate.h"
#include "resp.h"
#include "server.h"
#include "persist/persist.h"

#include <stdio.h>
#include <string.h>

static client_t *clients[CALL_MAX_DEPTH];
static int depth;

int call_depth(void) { return depth; }

static int refuse(reply_t *out, const char *msg)
{
    resp_add_error(out, msg, strlen(msg));
    return -1;
}

/* Redis's refusals for the caller's flags, in RM_Call's order; NULL when
 * the command may run. */
static const char *check_flags(const cmd_t *cmd, unsigned flags, char *msg, size_t cap)
{
    if ((flags & CALL_SCRIPT) && (cmd->flags & CMD_NOSCRIPT)) {
        snprintf(msg, cap, "ERR command '%s' is not allowed on script mode", cmd->fullname);
        return msg;
    }
    if ((flags & CALL_NO_WRITES) && (cmd->flags & CMD_WRITE)) {
        snprintf(msg, cap, "ERR Write command '%s' was called while write is not allowed.",
                 cmd->fullname);
        return msg;
    }
    if ((flags & CALL_RESPECT_OOM) && (cmd->flags & CMD_DENYOOM) && srv.maxmemory &&
        mem_used() > (size_t)srv.maxmemory)
        return DISPATCH_ERR_OOM;
    if ((flags & CALL_SCRIPT) && (cmd->flags & CMD_WRITE)) return persist_write_error();
    return NULL;
}

/* The client of this nesting level. */
static client_t *level_client(void)
{
    if (!clients[depth]) {
        clients[depth] = client_create_fake();
        clients[depth]->flags |= CLIENT_DENY_BLOCKING;
    }
    return clients[depth];
}

int call_run(client_t *caller, unsigned flags, int resp, int argc, const md_arg_t *argv,
             reply_t *out)
{
    char msg[512];
    cmd_t *blame;
    if (argc < 1) return refuse(out, "ERR a command name is needed");
    if (depth >= CALL_MAX_DEPTH) return refuse(out, "ERR calls nested too deeply");
    cmd_t *cmd = dispatch_find(cmd_lookup(argv[0].ptr, argv[0].len), argc, argv, msg,
                               sizeof(msg), &blame);
    if (!cmd) {
        if (blame) blame->rejected_calls++;
        return refuse(out, msg);
    }
    const char *why = check_flags(cmd, flags, msg, sizeof(msg));
    if (!why && (flags & CALL_CHECK_ACL) && caller && !(caller->flags & CLIENT_FAKE) &&
        acl_check_args(caller, cmd, argc, argv, ACL_CTX_MODULE, msg, sizeof(msg)) != ACL_OK)
        why = msg;
    if (why) {
        cmd->rejected_calls++;
        return refuse(out, why);
    }
    client_t *c = level_client();
    reply_t *own = c->out;
    int64_t saved_time = srv.cmd_time_ms;
    c->out = out;
    c->resp = resp;
    c->dbid = caller ? caller->dbid : 0;
    c->argv = (md_arg_t *)argv;
    c->argc = argc;
    depth++;
    prop_begin(!(flags & CALL_PROPAGATE));
    dispatch_call(c, cmd);
    prop_flush(c->dbid, 0, NULL, 0);
    depth--;
    srv.cmd_time_ms = saved_time;
    c->out = own;
    c->argv = NULL;
    c->argc = 0;
    cmd_hold(&c->lastcmd, NULL);
    if (c->mstate || c->pstate || c->bstate) { /* MULTI, SUBSCRIBE...: start afresh */
        client_free_fake(c);
        clients[depth] = NULL;
    }
    return 0;
}

int call_run_md(client_t *caller, unsigned f, int resp, int argc, const md_arg_t *argv,
                reply_t *out)
{
    unsigned flags = (f & MD_CALL_NO_WRITES ? CALL_NO_WRITES : 0) |
                     (f & MD_CALL_SCRIPT ? CALL_SCRIPT : 0) |
                     (f & MD_CALL_RESPECT_OOM ? CALL_RESPECT_OOM : 0) |
                     (f & MD_CALL_CHECK_ACL ? CALL_CHECK_ACL : 0) |
                     (f & MD_CALL_PROPAGATE ? CALL_PROPAGATE : 0);
    return call_run(caller, flags, resp, argc, argv, out);
}
