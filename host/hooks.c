/*
 * hooks.c — the wiring of the layers: the lower layers declare what they
 * need from the server as tables of functions (ks_hooks.h, client.h's
 * client_hooks, persist/persist_hooks.h), and this file, at the top,
 * fills them. See docs/architecture.md §2 for the layers.
 */
#include "hooks.h"
#include "acl.h"
#include "blocking.h"
#include "call.h"
#include "client.h"
#include "cmd.h"
#include "cmd_client.h"
#include "dispatch.h"
#include "events.h"
#include "config.h"
#include "expire.h"
#include "hostcmds.h"
#include "info.h"
#include "ks_hooks.h"
#include "lazyfree.h"
#include "mem.h"
#include "module.h"
#include "module_rdb.h"
#include "monitor.h"
#include "pause.h"
#include "tracking.h"
#include "multi.h"
#include "net.h"
#include "pubsub.h"
#include "sdk_call.h"
#include "sdk_cron_info.h"
#include "sdk_events.h"
#include "sdk_debug.h"
#include "sdk_subexpire.h"
#include "server.h"
#include "types.h"
#include "util.h"
#include "persist/aof.h"
#include "persist/persist_hooks.h"
#include "function.h"
#include "info.h"
#include "script.h"
#include "cluster/repl.h"
#include "cluster/repl_link.h"

#include <string.h>

ks_hooks_t ks_hooks;
persist_hooks_t persist_hooks;

/* ---- the keyspace ---- */

static int64_t hook_now(void) { return srv.cmd_time_ms ? srv.cmd_time_ms : util_mstime(); }
/* A replica never expires keys itself (its primary sends the DELs), but
 * hides those past their TTL from its own clients. */
static int hook_may_expire(void) { return !srv.loading && !srv.repl.masterhost; }
static int hook_hide_expired(void) { return srv.repl.masterhost && !srv.repl.applying; }
static int hook_expire_paused(void) { return srv.clients_paused != 0; }
static int hook_lfu(void)
{
    return srv.maxmemory_policy == MAXMEM_ALLKEYS_LFU ||
           srv.maxmemory_policy == MAXMEM_VOLATILE_LFU;
}
static unsigned hook_decay(void) { return (unsigned)srv.lfu_decay_time; }
static unsigned hook_logf(void) { return (unsigned)srv.lfu_log_factor; }
static void hook_free_value(md_type_t *t, void *v, int lazy)
{
    if (lazy) lazyfree_value(t, v);
    else t->ops.free(v);
}
static int hook_lazy_expire(void) { return srv.lazyfree_lazy_expire; }

/* ---- connections ---- */

static void client_gone(client_t *c)
{
    if (!(c->flags & CLIENT_FAKE)) {
        md_event_t e = {.client_id = c->id, .name = c->addr};
        events_fire(MD_EVENT_CLIENT, MD_SUB_CLIENT_DISCONNECTED, &e);
    }
    blocking_client_gone(c);
    multi_client_gone(c);
    pubsub_client_gone(c);
    repl_client_gone(c);
    monitor_client_gone(c);
    pause_client_gone(c);
    tracking_client_gone(c);
}

/* A command from a client; our primary's stream runs as `applying`. */
static void run_command(client_t *c)
{
    if (!(c->flags & CLIENT_MASTER)) {
        dispatch_command(c);
        return;
    }
    srv.repl.applying = 1;
    dispatch_command(c);
    srv.repl.applying = 0;
}

/* Log lines about a client (client_hooks.describe): its CLIENT LIST line,
 * cut to the buffer. */
static void describe_client(client_t *c, char *buf, size_t cap)
{
    if (cmd_client_info_line(c, buf, cap) < 0 && cap) buf[0] = '\0';
}

/* ACL LOG's client-info: the CLIENT LIST line, cut to the buffer. */
static size_t acl_info_line(client_t *c, char *buf, size_t cap)
{
    int n = cmd_client_info_line(c, buf, cap);
    if (n < 0) return 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- persistence: replaying the AOF ---- */

struct persist_replay {
    client_t *c;             /* no socket; argv points at the loader's */
};

static persist_replay_t *replay_open(void)
{
    persist_replay_t *r = mem_alloc(sizeof(*r));
    r->c = client_create_fake();
    return r;
}

static int replay_run(persist_replay_t *r, int argc, const md_arg_t *argv, const char **name,
                      const char **err, size_t *errlen)
{
    client_t *c = r->c;
    reply_reset(c->out);
    *err = NULL;
    cmd_t *cmd = cmd_lookup(argv[0].ptr, argv[0].len);
    if (!cmd) return PERSIST_REPLAY_UNKNOWN;
    *name = cmd_fullname(cmd);
    c->argv = (md_arg_t *)argv;
    c->argc = argc;
    dispatch_command(c);
    c->argv = NULL;
    c->argc = 0;
    if (c->out->pos && c->out->buf[0] == '-') {
        const char *cr = memchr(c->out->buf, '\r', c->out->pos);
        *err = c->out->buf + 1;
        *errlen = (cr ? (size_t)(cr - c->out->buf) : c->out->pos) - 1;
    }
    return PERSIST_REPLAY_OK;
}

static int replay_in_multi(persist_replay_t *r) { return multi_active(r->c); }

static void replay_close(persist_replay_t *r)
{
    client_free_fake(r->c);
    mem_free(r);
}

/* ---- modules ---- */

static void forget_config(md_module_t *m) { config_unregister_owner(m); }

/* MODULE UPGRADE parks the hooks of the loaded build under this tag, an
 * address no module has. */
static char parked_tag;
#define PARKED ((md_module_t *)(void *)&parked_tag)

static void stash_hooks(md_module_t *m, int op)
{
    static const int config_op[] = {CONFIG_STASH_PARK, CONFIG_STASH_COMMIT,
                                    CONFIG_STASH_ROLLBACK};
    config_stash_owner(m, config_op[op]);
    sdk_debug_stash(m, op);
    if (op == MODULE_ROLLBACK) {
        sdk_cron_forget(m);
        info_hook_forget(m);
        sdk_events_forget(m);
    }
    if (op == MODULE_COMMIT) {
        sdk_cron_forget(PARKED);
        info_hook_forget(PARKED);
        sdk_events_forget(PARKED);
        return;
    }
    md_module_t *from = op == MODULE_PARK ? m : PARKED, *to = op == MODULE_PARK ? PARKED : m;
    sdk_cron_retag(from, to);
    info_hook_retag(from, to);
    sdk_events_retag(from, to);
}

/* info_scripting: INFO memory's scripting figures. */
static void scripting_figures(info_scripts_t *s)
{
    s->vm_eval = script_vm_memory(&s->scripts_eval);
    s->cached_scripts = script_count();
    s->vm_functions = fn_vm_memory();
    s->functions = fn_memory();
    s->functions_count = fn_count_functions();
    s->libraries = fn_count_libraries();
}

/* persist_hooks.functions_load: one library of an RDB file. */
static int load_function(const char *code, size_t len, int replace, char *err, size_t cap)
{
    md_arg_t one = {code, len};
    return fn_load_many(&one, 1, replace ? FN_REPLACE : FN_APPEND, err, cap);
}

/* persist_hooks.module_name: the name of a type slot's module. */
static const char *hook_module_name(const struct md_module *m)
{
    return m ? m->name : "?";
}

void hooks_install(void)
{
    ks_hooks.now_ms = hook_now;
    ks_hooks.may_expire = hook_may_expire;
    ks_hooks.hide_expired = hook_hide_expired;
    ks_hooks.expire_paused = hook_expire_paused;
    ks_hooks.expired = expire_on_expired;
    ks_hooks.free_value = hook_free_value;
    ks_hooks.lazy_expire = hook_lazy_expire;
    ks_hooks.lfu = hook_lfu;
    ks_hooks.lfu_decay_time = hook_decay;
    ks_hooks.lfu_log_factor = hook_logf;
    client_hooks.run = run_command;
    client_hooks.master_applied = link_applied;
    blocking_init(dispatch_rerun);
    sdk_call_set_runner(call_run_md);
    client_hooks.before_write = aof_flush_before_reply;
    client_hooks.gone = client_gone;
    acl_client_info = acl_info_line;
    client_hooks.describe = describe_client;
    persist_hooks.replay_open = replay_open;
    persist_hooks.replay_run = replay_run;
    persist_hooks.replay_in_multi = replay_in_multi;
    persist_hooks.replay_close = replay_close;
    persist_hooks.reset_stats = cmd_reset_stats;
    persist_hooks.in_child = net_close_in_child;
    persist_hooks.functions_each = fn_each_code;
    persist_hooks.functions_load = load_function;
    persist_hooks.functions_flush = fn_flush;
    info_scripting = scripting_figures;
    persist_hooks.module_name = hook_module_name;
    persist_hooks.module_type_provider = module_rdb_provider;
    expire_set_subkeys(sdk_subexpire_run);
    module_on_forget(forget_config);
    module_on_forget(sdk_cron_forget);
    module_on_forget(info_hook_forget);
    module_on_forget(sdk_events_forget);
    module_on_forget(sdk_debug_forget);
    module_on_stash(stash_hooks);
}
