/*
 * sets_service.c — the "set.v1" service: read access to set values and a
 * way to build one, over set_value.h (see the contract in sdk/modis.h,
 * md_set_v1_t). Members are handed out as bytes; intset and listpack
 * integers are formatted into a buffer on the stack for the callback.
 */
#include "sets_service.h"
#include "set_value.h"

static size_t svc_card(const void *set) { return sv_len(set); }

static int svc_contains(const void *set, const void *p, size_t n)
{
    sm_t m = {p, n, 0};
    return sv_contains(set, &m);
}

static int svc_each(const void *set, md_set_member_fn fn, void *priv)
{
    sv_iter_t it;
    sm_t m;
    char buf[SM_BUF];
    sv_iter_init(&it, set);
    while (sv_iter_next(&it, &m)) {
        int rc = fn(priv, sm_bytes(&m, buf));
        if (rc != 0) {
            sv_iter_done(&it);
            return rc;
        }
    }
    return 0;
}

static void *svc_create(void) { return sv_new(SV_INTSET, 0); }

static int svc_add(void **set, const void *p, size_t n)
{
    sm_t m = {p, n, 0};
    return sv_add(set, &m);
}

md_set_v1_t sets_service = {
    .size = sizeof(md_set_v1_t),
    .type = NULL,
    .card = svc_card,
    .contains = svc_contains,
    .each = svc_each,
    .create = svc_create,
    .add = svc_add,
    .free = sv_free,
};
