/*
 * sdk_aof_digest.c — the SDK's AOF rewrite and digest section: a type's
 * aof_rewrite callback emits commands into the rewrite
 * (persist/aof_rewrite.c), its digest callback feeds DEBUG DIGEST
 * (digest.c).
 */
#include "digest.h"
#include "sdk_ctx.h"
#include "persist/aof_rewrite.h"

void sdk_api_fill_aof_digest(md_api_t *a)
{
    a->aof_emit = aof_rewrite_emit;
    a->digest_add = digest_add;
    a->digest_end_seq = digest_end_seq;
}
