/*
 * sdk_cron_info.c — the SDK's section for periodic work and INFO: module
 * cron hooks (run with the internal client), the context's db, and INFO
 * fields modules add.
 */
#include "sdk_cron_info.h"
#include "client.h"
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"

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

static int x_ctx_select_db(md_ctx_t *c, int dbid)
{
    if (dbid < 0 || dbid >= srv.databases) return MD_ERR;
    c->client->dbid = dbid;
    return MD_OK;
}

static int x_ctx_db(md_ctx_t *c) { return c->client->dbid; }
static int x_db_count(void) { return srv.databases; }

void sdk_api_fill_cron_info(md_api_t *a)
{
    a->cron_register = x_cron_register;
    a->ctx_select_db = x_ctx_select_db;
    a->ctx_db = x_ctx_db;
    a->db_count = x_db_count;
    a->info_register = x_info_register;
    a->info_field_ll = x_info_ll;
    a->info_field_str = x_info_str;
}
