/*
 * lists_service.c — the "list.v1" service (md_list_v1_t in modis.h):
 * lists for other modules (SORT reads them and stores its results as
 * lists). A list built through it gets the encoding RPUSH would give it
 * under the current list-max-listpack-size.
 */
#include "lists_service.h"
#include "lists.h"

static size_t s_len(const void *list) { return ((const ql_t *)list)->count; }

static int s_each(const void *list, long long start, long long count, int rev,
                  md_list_elem_fn fn, void *priv)
{
    ql_t *ql = (ql_t *)list;
    ql_iter_t it;
    ql_entry_t e;
    int rc = 0;

    if (start < 0 || (unsigned long long)start >= ql->count) return 0;
    ql_iter_init(&it, ql, rev ? -(start + 1) : start, !rev);
    while (count-- != 0 && ql_iter_next(&it, &e)) {
        char buf[32];
        md_arg_t a;
        a.ptr = (const char *)ql_entry_bytes(&e, buf, &a.len);
        rc = fn(priv, a);
        if (rc) break;
    }
    ql_iter_done(&it);
    return rc;
}

static void *s_create(const md_arg_t *elems, size_t n)
{
    ql_t *ql = lists_new();
    size_t bytes = 0;

    for (size_t i = 0; i < n; i++) bytes += elems[i].len;
    ql_conv_grow(ql, lists_max_listpack_size, bytes, (unsigned long)n);
    for (size_t i = 0; i < n; i++) ql_push(ql, elems[i].ptr, elems[i].len, 1);
    return ql;
}

static md_list_v1_t table = {
    .size = sizeof(md_list_v1_t),
    .len = s_len,
    .each = s_each,
    .create = s_create,
};

int lists_service_export(void)
{
    table.type = lists_type;
    return md_service_export(MD_SERVICE_LIST, 1, &table);
}
