/*
 * hashes_service.c — the "hash.v1" service (md_hash_v1_t in modis.h):
 * hash fields for other modules (SORT's `pattern->field`). A field whose
 * TTL has passed reads as absent, as HGET sees it, without deleting it
 * (active expiry or the next hash command does that).
 */
#include "hashes_service.h"
#include "hashes.h"
#include "hash_value.h"

static int s_get(const void *hash, md_arg_t field, char *buf, md_arg_t *out)
{
    hx_t v;
    int64_t ttl;

    if (!hv_get((void *)hash, field.ptr, field.len, &v, &ttl)) return 0;
    if (ttl && ttl < md_mstime()) return 0;
    *out = hx_bytes(&v, buf);
    return 1;
}

static md_hash_v1_t table = {
    .size = sizeof(md_hash_v1_t),
    .get = s_get,
};

int hashes_service_export(void)
{
    table.type = hashes_type;
    return md_service_export(MD_SERVICE_HASH, 1, &table);
}
