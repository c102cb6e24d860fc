/*
 * module_rdb.c — the RDB part of a module's manifest; see module_rdb.h.
 */
#include "module_rdb.h"

#include "mem.h"
#include "persist/rdb_io.h"
#include "persist/rdb_module.h"
#include "types.h"

#include <stdio.h>
#include <string.h>

const md_type_rdb_t *module_rdb_decls(const md_manifest_t *mf)
{
    return mf->abi_minor >= 2 ? mf->type_rdb : NULL;
}

static int type_listed(const md_manifest_t *mf, const char *name)
{
    for (const char *const *t = mf->types; name && t && *t; t++)
        if (strcmp(*t, name) == 0) return 1;
    return 0;
}

/* One claimed byte: a value type, not held by a loaded module, not claimed
 * twice by this manifest (seen[] tracks this manifest's claims). */
static int byte_ok(uint8_t b, const struct md_module *replacing, unsigned char seen[256],
                   char *err, size_t cap)
{
    if (b >= RDB_OPCODE_SLOT_INFO || b == RDB_TYPE_MODULE_PRE_GA || b == RDB_TYPE_MODULE_2) {
        snprintf(err, cap, "RDB type byte %u cannot be claimed by a module", b);
        return -1;
    }
    md_type_t *t = types_by_rdb(b);
    if (t && t->owner != replacing) {
        snprintf(err, cap, "RDB type byte %u is already claimed by module '%s'", b,
                 t->owner_name);
        return -1;
    }
    if (seen[b]++) {
        snprintf(err, cap, "RDB type byte %u is claimed twice in the manifest", b);
        return -1;
    }
    return 0;
}

/* A Redis module type name: valid, free, not declared twice here. */
static int module_type_ok(const md_type_rdb_t *d, const md_type_rdb_t *first,
                          const struct md_module *replacing, char *err, size_t cap)
{
    if (!rdb_module_name_valid(d->module_type)) {
        snprintf(err, cap, "type '%s': Redis module type name '%s' must be 9 characters "
                 "from A-Z a-z 0-9 - _", d->type, d->module_type);
        return -1;
    }
    if (d->encver > RDB_MODULE_ENCVER_MAX) {
        snprintf(err, cap, "type '%s': encoding version %u is above %d", d->type,
                 d->encver, RDB_MODULE_ENCVER_MAX);
        return -1;
    }
    md_type_t *holder = types_by_module_type(d->module_type);
    if (holder && holder->owner != replacing) {
        const char *who = module_rdb_provider(d->module_type);
        snprintf(err, cap, "Redis module type name '%s' is already used by %s",
                 d->module_type, who ? who : "a loaded module");
        return -1;
    }
    for (const md_type_rdb_t *o = first; o != d; o++)
        if (o->module_type && strcmp(o->module_type, d->module_type) == 0) {
            snprintf(err, cap, "Redis module type name '%s' is declared twice",
                     d->module_type);
            return -1;
        }
    return 0;
}

/* One type_rdb entry (d, within the array starting at first). */
static int decl_ok(const md_manifest_t *mf, const md_type_rdb_t *d,
                   const md_type_rdb_t *first, const struct md_module *replacing,
                   unsigned char seen[256], char *err, size_t cap)
{
    if (!type_listed(mf, d->type)) {
        snprintf(err, cap, "type_rdb names type '%s', which the manifest's types do not "
                 "list", d->type);
        return -1;
    }
    for (const md_type_rdb_t *o = first; o != d; o++)
        if (strcmp(o->type, d->type) == 0) {
            snprintf(err, cap, "type '%s' appears twice in type_rdb", d->type);
            return -1;
        }
    if (d->n_bytes && d->module_type) {
        snprintf(err, cap, "type '%s' declares both built-in RDB type bytes and a Redis "
                 "module type", d->type);
        return -1;
    }
    for (size_t i = 0; i < d->n_bytes; i++)
        if (byte_ok(d->bytes[i], replacing, seen, err, cap)) return -1;
    return d->module_type ? module_type_ok(d, first, replacing, err, cap) : 0;
}

int module_rdb_check(const md_manifest_t *mf, const struct md_module *replacing, char *err,
                     size_t cap)
{
    unsigned char seen[256] = {0};
    const md_type_rdb_t *decls = module_rdb_decls(mf);
    if (mf->n_rdb_types && !(mf->types && mf->types[0])) {
        snprintf(err, cap, "module claims RDB type bytes but declares no type");
        return -1;
    }
    if (mf->n_rdb_types && decls) {
        snprintf(err, cap, "the manifest has both rdb_types and type_rdb: claim the "
                 "bytes per type in type_rdb");
        return -1;
    }
    for (size_t i = 0; i < mf->n_rdb_types; i++)
        if (byte_ok(mf->rdb_types[i], replacing, seen, err, cap)) return -1;
    for (const md_type_rdb_t *d = decls; d && d->type; d++)
        if (decl_ok(mf, d, decls, replacing, seen, err, cap)) return -1;
    return 0;
}

/* ---- the same identity across an upgrade ---- */

/* What mf says type `type` reads and writes: bytes[b] set per claimed
 * byte (manifest-wide bytes of modules before 1.2 belong to the first
 * type), the module type name (or NULL) and its encoding version. */
static void identity_of(const md_manifest_t *mf, const char *type, unsigned char bytes[256],
                        const char **mtype, unsigned *encver)
{
    memset(bytes, 0, 256);
    *mtype = NULL;
    *encver = 0;
    if (mf->types && mf->types[0] && strcmp(mf->types[0], type) == 0)
        for (size_t i = 0; i < mf->n_rdb_types; i++) bytes[mf->rdb_types[i]] = 1;
    for (const md_type_rdb_t *d = module_rdb_decls(mf); d && d->type; d++) {
        if (strcmp(d->type, type) != 0) continue;
        for (size_t i = 0; i < d->n_bytes; i++) bytes[d->bytes[i]] = 1;
        *mtype = d->module_type;
        *encver = d->encver;
    }
}

/* "0 5 12" (or "none") into buf. */
static void bytes_text(const unsigned char bytes[256], char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int b = 0; b < 256 && len + 5 < cap; b++)
        if (bytes[b]) len += (size_t)snprintf(buf + len, cap - len, "%s%d", len ? " " : "", b);
    if (!len) snprintf(buf, cap, "none");
}

int module_rdb_same(const md_manifest_t *old, const md_manifest_t *mf, char *err, size_t cap)
{
    for (const char *const *t = old->types; t && *t; t++) {
        unsigned char ob[256], nb[256];
        const char *om, *nm;
        unsigned oe, ne;
        identity_of(old, *t, ob, &om, &oe);
        identity_of(mf, *t, nb, &nm, &ne);
        if (memcmp(ob, nb, sizeof(ob)) != 0) {
            char a[128], b[128];
            bytes_text(ob, a, sizeof(a));
            bytes_text(nb, b, sizeof(b));
            snprintf(err, cap, "type '%s' has RDB type bytes %s in the loaded build but %s "
                     "in the new one", *t, a, b);
            return -1;
        }
        if ((om == NULL) != (nm == NULL) || (om && strcmp(om, nm) != 0)) {
            snprintf(err, cap, "type '%s' is stored as Redis module type '%s' by the loaded "
                     "build but '%s' by the new one", *t, om ? om : "(none)",
                     nm ? nm : "(none)");
            return -1;
        }
        if (nm && ne < oe) {
            snprintf(err, cap, "type '%s': the new build writes encoding version %u, older "
                     "than the loaded build's %u", *t, ne, oe);
            return -1;
        }
    }
    return 0;
}

/* ---- providers of module type names ---- */

typedef struct provider {
    struct provider *next;
    char name[RDB_MODULE_NAME_LEN + 1];
    char *module;
} provider_t;

static provider_t *providers;   /* modules loaded in this process */

/* Redis modules whose type names an operator may meet in a Redis file. */
static const char *const well_known[][2] = {
    {"ReJSON-RL", "the RedisJSON module"},
    {"TSDB-TYPE", "the RedisTimeSeries module"},
    {"MBbloom--", "the RedisBloom module (Bloom filter)"},
    {"MBbloomCF", "the RedisBloom module (cuckoo filter)"},
    {"CMSk-TYPE", "the RedisBloom module (count-min sketch)"},
    {"TopK-TYPE", "the RedisBloom module (top-k)"},
    {"TDIS-TYPE", "the RedisBloom module (t-digest)"},
    {"graphdata", "the RedisGraph module"},
};

static void remember(const char *name, const char *module)
{
    for (provider_t *p = providers; p; p = p->next)
        if (strcmp(p->name, name) == 0 && strcmp(p->module, module) == 0) return;
    provider_t *p = mem_calloc(sizeof(*p));
    memcpy(p->name, name, RDB_MODULE_NAME_LEN);
    p->module = mem_strdup(module);
    p->next = providers;
    providers = p;
}

const char *module_rdb_provider(const char *name)
{
    static char buf[96];
    for (provider_t *p = providers; p; p = p->next)
        if (strcmp(p->name, name) == 0) {
            snprintf(buf, sizeof(buf), "module '%s'", p->module);
            return buf;
        }
    for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
        if (strcmp(well_known[i][0], name) == 0) return well_known[i][1];
    return NULL;
}

/* ---- after md_init ---- */

static md_type_t *slot_named(md_type_t *const *types, int ntypes, const char *name)
{
    for (int i = 0; i < ntypes; i++)
        if (strcmp(types[i]->name, name) == 0) return types[i];
    return NULL;
}

int module_rdb_apply(const md_manifest_t *mf, const char *modname, md_type_t *const *types,
                     int ntypes, char *err, size_t cap)
{
    for (int i = 0; i < ntypes; i++) {
        md_type_t *t = types[i];
        int has_name = 0;
        for (const md_type_rdb_t *d = module_rdb_decls(mf); d && d->type; d++)
            if (strcmp(d->type, t->name) == 0 && d->module_type) has_name = 1;
        if ((t->ops.aux_save || t->ops.aux_load) && !has_name) {
            snprintf(err, cap, "type '%s' has aux callbacks but no Redis "
                     "module type name in the manifest's type_rdb", t->name);
            return -1;
        }
    }
    for (size_t i = 0; i < mf->n_rdb_types; i++) /* before 1.2: the first type's */
        types_rdb_claim(types[0], mf->rdb_types[i]);
    for (const md_type_rdb_t *d = module_rdb_decls(mf); d && d->type; d++) {
        md_type_t *t = slot_named(types, ntypes, d->type);
        for (size_t i = 0; i < d->n_bytes; i++) types_rdb_claim(t, d->bytes[i]);
        if (d->module_type) {
            types_set_module_type(t, d->module_type, d->encver);
            remember(d->module_type, modname);
        }
    }
    return 0;
}

void module_rdb_print(const md_manifest_t *mf)
{
    printf("rdb-types:");
    for (size_t i = 0; i < mf->n_rdb_types; i++) printf(" %u", mf->rdb_types[i]);
    for (const md_type_rdb_t *d = module_rdb_decls(mf); d && d->type; d++)
        for (size_t i = 0; i < d->n_bytes; i++) printf(" %u", d->bytes[i]);
    printf("\nrdb-module-types:");
    for (const md_type_rdb_t *d = module_rdb_decls(mf); d && d->type; d++)
        if (d->module_type) printf(" %s@%u", d->module_type, d->encver);
    printf("\n");
}
