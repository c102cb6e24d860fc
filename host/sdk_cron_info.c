/*
 * sdk_cron_info.c — the SDK's section for periodic work and INFO: module
 * cron hooks (run with the internal client), the context's db, and INFO
 * fields modules add (kept by info.c).
 */
#include "sdk_cron_info.h"
#include "client.h"
#include "info.h"
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"
#include "server.h"
#include "util.h"


typedef struct cron_hook {
    struct cron_hook *next;
    md_module_t *m;
    void (*fn)(md_ctx_t *);
} cron_hook_t;

static cron_hook_t *crons;         /* in registration order */

static int x_cron_register(md_module_t *m, void (*fn)(md_ctx_t *))
{
    if (!m || !m->in_init) return MD_ERR;
    cron_hook_t **pp = &crons;
    while (*pp) pp = &(*pp)->next;
    cron_hook_t *h = mem_calloc(sizeof(*h));
    h->m = m;
    h->fn = fn;
    *pp = h;
    return MD_OK;
}

void sdk_cron_forget(md_module_t *m)
{
    cron_hook_t **pp = &crons;
    while (*pp) {
        cron_hook_t *h = *pp;
        if (h->m == m) {
            *pp = h->next;
            mem_free(h);
        } else {
            pp = &h->next;
        }
    }
}

void sdk_cron_retag(md_module_t *from, md_module_t *to)
{
    for (cron_hook_t *h = crons; h; h = h->next)
        if (h->m == from) h->m = to;
}

static void cron_one(md_ctx_t *ctx, void *arg) { ((cron_hook_t *)arg)->fn(ctx); }

void sdk_cron_run(void)
{
    for (cron_hook_t *h = crons; h; h = h->next) sdk_ctx_run_internal(cron_one, h);
}

static int x_info_register(md_module_t *m, const char *section, void (*fn)(md_info_t *))
{
    if (!m || !m->in_init) return MD_ERR;
    info_hook_add(m, section, fn);
    return MD_OK;
}

static void x_info_ll(md_info_t *i, const char *name, long long v)
{
    char buf[32];
    util_ll2str(buf, sizeof(buf), v);
    info_hook_field(i, name, buf);
}

static void x_info_str(md_info_t *i, const char *name, const char *v)
{
    info_hook_field(i, name, v);
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
