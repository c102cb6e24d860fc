/*
 * types.c — the type slot registry. Slot ids are stable for the life of the
 * process; slot 0 is never used so a zeroed entry cannot look typed.
 */
#include "types.h"
#include "mem.h"

#include <string.h>
#include <strings.h>

static md_type_t *slots[TYPES_MAX + 1];
static uint8_t rdb_owner[256];     /* RDB type byte -> slot id (0 = none) */

md_type_t *types_by_id(uint8_t id) { return slots[id]; }

md_type_t *types_by_name(const char *name, size_t len)
{
    for (int i = 1; i <= TYPES_MAX; i++)
        if (slots[i] && strlen(slots[i]->name) == len &&
            strncasecmp(slots[i]->name, name, len) == 0)
            return slots[i];
    return NULL;
}

void types_copy_ops(md_type_ops_t *dst, const md_type_ops_t *ops)
{
    size_t sz = ops->size < sizeof(*dst) ? ops->size : sizeof(*dst);
    memset(dst, 0, sizeof(*dst));
    memcpy(dst, ops, sz);
    dst->size = sizeof(*dst);
}

md_type_t *types_add(struct md_module *owner, const char *name,
                     const md_type_ops_t *ops)
{
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof(slots[0]->name) || types_by_name(name, n))
        return NULL;
    for (int i = 1; i <= TYPES_MAX; i++) {
        if (slots[i]) continue;
        md_type_t *t = mem_calloc(sizeof(*t));
        memcpy(t->name, name, n + 1);
        t->id = (uint8_t)i;
        types_copy_ops(&t->ops, ops);
        t->owner = owner;
        slots[i] = t;
        return t;
    }
    return NULL;
}

md_type_t *types_by_rdb(uint8_t b) { return slots[rdb_owner[b]]; }

int types_rdb_claim(md_type_t *t, uint8_t b)
{
    if (rdb_owner[b] && rdb_owner[b] != t->id) return -1;
    rdb_owner[b] = t->id;
    return 0;
}

md_type_t *types_by_module_type(const char *name)
{
    for (int i = 1; i <= TYPES_MAX; i++)
        if (slots[i] && slots[i]->rdb_module[0] && memcmp(slots[i]->rdb_module, name, 9) == 0)
            return slots[i];
    return NULL;
}

int types_set_module_type(md_type_t *t, const char *name, uint16_t encver)
{
    md_type_t *o = types_by_module_type(name);
    if (o && o != t) return -1;
    memcpy(t->rdb_module, name, 9);
    t->rdb_module[9] = '\0';
    t->rdb_encver = encver;
    return 0;
}

void types_remove(md_type_t *t)
{
    for (int b = 0; b < 256; b++)
        if (rdb_owner[b] == t->id) rdb_owner[b] = 0;
    slots[t->id] = NULL;
    mem_free(t);
}
