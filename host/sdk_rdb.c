/*
 * sdk_rdb.c — the SDK's RDB section: Redis's primitive encodings over the
 * stream of persist/rdb_io, with module-accounted string allocation.
 */
#include "module.h"
#include "sdk_ctx.h"
#include "persist/rdb_handle.h"

static int s_len(md_rdb_t *r, uint64_t len) { return rdb_save_len(r->io, len) ? MD_ERR : MD_OK; }

static int s_string(md_rdb_t *r, const void *p, size_t n)
{
    return rdb_save_string(r->io, p, n) ? MD_ERR : MD_OK;
}

static int s_ll_string(md_rdb_t *r, long long v)
{
    return rdb_save_ll_string(r->io, v) ? MD_ERR : MD_OK;
}

static int s_double(md_rdb_t *r, double d) { return rdb_save_double(r->io, d) ? MD_ERR : MD_OK; }

static int s_raw(md_rdb_t *r, const void *p, size_t n)
{
    return rdb_save_raw(r->io, p, n) ? MD_ERR : MD_OK;
}

static int l_len(md_rdb_t *r, uint64_t *len)
{
    return rdb_load_len(r->io, len, NULL) ? MD_ERR : MD_OK;
}

static void *acc_alloc(void *ctx, size_t n) { return sdk_api()->alloc(ctx, n); }
static void acc_free(void *ctx, void *p) { sdk_api()->free(ctx, p); }

static void *l_string(md_rdb_t *r, size_t *len)
{
    rdb_alloc_t a = {acc_alloc, acc_free, r->module};
    return rdb_load_string(r->io, len, &a);
}

static int l_double(md_rdb_t *r, double *d) { return rdb_load_double(r->io, d) ? MD_ERR : MD_OK; }

static int l_raw(md_rdb_t *r, void *p, size_t n)
{
    return rdb_load_raw(r->io, p, n) ? MD_ERR : MD_OK;
}

static void r_error(md_rdb_t *r, const char *what) { rdb_io_fail(r->io, "%s", what); }

static void r_empty(md_rdb_t *r) { r->empty = 1; }

void sdk_api_fill_rdb(md_api_t *a)
{
    a->rdb_save_len = s_len;
    a->rdb_save_string = s_string;
    a->rdb_save_ll_string = s_ll_string;
    a->rdb_save_double = s_double;
    a->rdb_save_raw = s_raw;
    a->rdb_load_len = l_len;
    a->rdb_load_string = l_string;
    a->rdb_load_double = l_double;
    a->rdb_load_raw = l_raw;
    a->rdb_error = r_error;
    a->rdb_load_empty = r_empty;
}
