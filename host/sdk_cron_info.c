/*
 * sdk_extra.c — SDK sections for cron hooks, INFO fields, configuration
 * parameters, sub-key expiry, and the blocking/MULTI bridges.
 */
#include "sdk_cron_info.h"
#include "blocking.h"
#include "client.h"
#include "cmd.h"
#include "config.h"
#include "mem.h"
#include "module.h"
#include "multi.h"
#include "propagate.h"
#include "sdk_ctx.h"
#include "server.h"
#include "types.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct hook {
    struct hook *next;
    md_module_t *m;
    char *section;                 /* INFO hooks only */
    void (*cron)(md_ctx_t *);
    void (*info)(md_info_t *);
} hook_t;

static hook_t *crons, *infos;

struct md_info {
    sdk_info_emit_fn emit;
    void *out;
};

static void hook_push(hook_t **list, hook_t *h)
{
    hook_t **pp = list;
    while (*pp) pp = &(*pp)->next;
    h->next = NULL;
    *pp = h;
}

static int x_cron_register(md_module_t *m, void (*fn)(md_ctx_t *))
{
    if (!m || !m->in_init) return MD_ERR;
    hook_t *h = mem_calloc(sizeof(*h));
    h->m = m;
    h->cron = fn;
    hook_push(&crons, h);
    return MD_OK;
}

static int x_info_register(md_module_t *m, const char *section, void (*fn)(md_info_t *))
{
    if (!m || !m->in_init) return MD_ERR;
    hook_t *h = mem_calloc(sizeof(*h));
    h->m = m;
    h->section = mem_strdup(section);
    h->info = fn;
    hook_push(&infos, h);
    return MD_OK;
}

static void forget(hook_t **list, md_module_t *m)
{
    while (*list) {
        hook_t *h = *list;
        if (h->m == m) {
            *list = h->next;
            mem_free(h->section);
            mem_free(h);
        } else {
            list = &h->next;
        }
    }
}

void sdk_extra_forget(md_module_t *m)
{
    forget(&crons, m);
    forget(&infos, m);
}

static void cron_one(md_ctx_t *ctx, void *arg) { ((hook_t *)arg)->cron(ctx); }

void sdk_cron_run(void)
{
    for (hook_t *h = crons; h; h = h->next) sdk_ctx_run_internal(cron_one, h);
}

static void x_info_ll(md_info_t *i, const char *name, long long v)
{
    char buf[32];
    util_ll2str(buf, sizeof(buf), v);
    i->emit(i->out, name, buf);
}

static void x_info_str(md_info_t *i, const char *name, const char *v) { i->emit(i->out, name, v); }

void sdk_info_section(const char *section, sdk_info_emit_fn emit, void *out)
{
    md_info_t info = {emit, out};
    for (hook_t *h = infos; h; h = h->next)
        if (strcasecmp(h->section, section) == 0) h->info(&info);
}

const char *sdk_info_extra_section(int i)
{
    static const char *const builtin[] = {"server", "clients", "memory", "persistence",
                                          "stats", "replication", "cpu", "modules",
                                          "commandstats", "errorstats", "keyspace", "latencystats",
                                          "cluster", NULL};
    for (hook_t *h = infos; h; h = h->next) {
        int known = 0;
        for (int b = 0; builtin[b]; b++) known |= strcasecmp(builtin[b], h->section) == 0;
        for (hook_t *p = infos; p != h; p = p->next) known |= strcasecmp(p->section, h->section) == 0;
        if (known) continue;
        if (i-- == 0) return h->section;
    }
    return NULL;
}

typedef struct subexp_arg {
    ks_db_t *db;
    ks_entry_t *e;
    int64_t now;
    int gone;
} subexp_arg_t;

static void subexp_one(md_ctx_t *ctx, void *arg)
{
    subexp_arg_t *a = arg;
    md_type_t *t = types_by_id(a->e->type);
    ctx->client->dbid = a->db->id;
    /* The key name must outlive the entry: the callback may delete it. */
    char *copy = mem_strndup(a->e->key, a->e->keylen);
    md_arg_t name = {copy, a->e->keylen};
    md_key_t *k = md_key_open(ctx, name, MD_WRITE);
    uint64_t gen = ks_gen;
    t->ops.subexpire_run(ctx, k, a->now);
    a->gone = ks_gen != gen && !ks_find(a->db, name.ptr, name.len);
    mem_free(copy);
}

int sdk_subexpire_run(ks_db_t *db, ks_entry_t *e, int64_t now_ms)
{
    md_type_t *t = types_by_id(e->type);
    if (!t->ops.subexpire_run || !t->ops.subexpire_next) {
        ks_set_subexpire(db, e, 0);
        return 0;
    }
    int64_t next = t->ops.subexpire_next(e->value);
    if (next < 0) {
        ks_set_subexpire(db, e, 0);
        return 0;
    }
    if (next > now_ms) return 0;
    subexp_arg_t a = {db, e, now_ms, 0};
    sdk_ctx_run_internal(subexp_one, &a);
    return a.gone;
}

static int x_config_register_ll(md_module_t *m, const char *name, long long *var,
                                long long def, long long min, long long max)
{
    if (!m || !m->in_init) return MD_ERR;
    return config_register_ll(m, name, var, def, min, max) == 0 ? MD_OK : MD_ERR;
}

static int x_config_register_mem(md_module_t *m, const char *name, long long *var,
                                 long long def, long long min, long long max)
{
    if (!m || !m->in_init) return MD_ERR;
    return config_register_mem(m, name, var, def, min, max) == 0 ? MD_OK : MD_ERR;
}

static int x_config_register_alias(md_module_t *m, const char *alias, const char *name)
{
    if (!m || !m->in_init) return MD_ERR;
    return config_register_alias(m, alias, name) == 0 ? MD_OK : MD_ERR;
}

static int x_config_get_ll(const char *name, long long *out)
{
    char *v = config_get_value(name);
    int rc = MD_ERR;
    if (v && (!strcmp(v, "yes") || !strcmp(v, "no"))) {
        *out = v[0] == 'y';
        rc = MD_OK;
    } else if (v && util_str2ll(v, strlen(v), out) == 0) {
        rc = MD_OK;
    }
    mem_free(v);
    return rc;
}

static int x_ctx_select_db(md_ctx_t *c, int dbid)
{
    if (dbid < 0 || dbid >= srv.databases) return MD_ERR;
    c->client->dbid = dbid;
    return MD_OK;
}

static int x_ctx_db(md_ctx_t *c) { return c->client->dbid; }
static int x_db_count(void) { return srv.databases; }

static int x_subexpire_track(md_key_t *k, int on)
{
    ks_entry_t *e = ks_find(k->db, k->name.ptr, k->name.len);
    if (!e) return MD_ERR;
    ks_set_subexpire(k->db, e, on);
    return MD_OK;
}

static int x_block_on_keys(md_ctx_t *c, int nkeys, const md_arg_t *keys, int64_t timeout_ms,
                           int timeout_reply)
{
    return blocking_block(c->client, c->cmd, nkeys, keys, timeout_ms, timeout_reply) == 0
               ? MD_OK : MD_ERR;
}

static void x_key_ready(md_ctx_t *c, md_arg_t key)
{
    blocking_signal_key(c->client->dbid, key.ptr, key.len);
}

static int x_in_multi(md_ctx_t *c) { return multi_executing(c->client); }

static int x_parse_timeout(md_ctx_t *c, md_arg_t a, int64_t *ms)
{
    long double v;
    if (util_str2ld(a.ptr, a.len, &v) != 0) {
        md_reply_error(c, "ERR timeout is not a float or out of range");
        return MD_ERR;
    }
    /* Redis's order: range first (inf is out of range), then the sign. */
    long double msv = v * 1000;
    if (msv > (long double)INT64_MAX) {
        md_reply_error(c, "ERR timeout is out of range");
        return MD_ERR;
    }
    if (msv < 0) {
        md_reply_error(c, "ERR timeout is negative");
        return MD_ERR;
    }
    *ms = (int64_t)ceill(msv);
    return MD_OK;
}

void sdk_api_fill_extra(md_api_t *a)
{
    a->config_register_ll = x_config_register_ll;
    a->cron_register = x_cron_register;
    a->ctx_select_db = x_ctx_select_db;
    a->ctx_db = x_ctx_db;
    a->db_count = x_db_count;
    a->info_register = x_info_register;
    a->info_field_ll = x_info_ll;
    a->info_field_str = x_info_str;
    a->key_subexpire_track = x_subexpire_track;
    a->block_on_keys = x_block_on_keys;
    a->key_ready = x_key_ready;
    a->in_multi = x_in_multi;
    a->parse_timeout = x_parse_timeout;
    a->config_get_ll = x_config_get_ll;
    a->config_register_alias = x_config_register_alias;
    a->config_register_mem = x_config_register_mem;
}
