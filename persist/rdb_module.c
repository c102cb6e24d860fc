/*
 * rdb_module.c — module-type values and module aux records in Redis's
 * encoding; see rdb_module.h. The fields inside are the module's own,
 * written and read through the typed md_rdb_write_* / read_* functions of
 * a typed md_rdb_t (host/sdk_rdb_module.c).
 */
#include "persist/rdb_module.h"

#include "host/types.h"
#include "persist/persist_hooks.h"
#include "persist/rdb_handle.h"
#include "persist/rdb_value.h"

#include <stdio.h>
#include <string.h>

static const char charset[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int rdb_module_name_valid(const char *name)
{
    if (!name || strlen(name) != RDB_MODULE_NAME_LEN) return 0;
    for (int i = 0; i < RDB_MODULE_NAME_LEN; i++)
        if (!strchr(charset, name[i])) return 0;
    return 1;
}

uint64_t rdb_module_id(const char *name, unsigned encver)
{
    uint64_t id = 0;
    for (int i = 0; i < RDB_MODULE_NAME_LEN; i++)
        id = id << 6 | (uint64_t)(strchr(charset, name[i]) - charset);
    return id << 10 | (encver & RDB_MODULE_ENCVER_MAX);
}

void rdb_module_name(uint64_t id, char name[RDB_MODULE_NAME_LEN + 1])
{
    id >>= 10;
    for (int i = RDB_MODULE_NAME_LEN - 1; i >= 0; i--) {
        name[i] = charset[id & 63];
        id >>= 6;
    }
    name[RDB_MODULE_NAME_LEN] = '\0';
}

int rdb_module_save_value(rdb_io_t *io, const md_type_t *t, const void *value)
{
    md_rdb_t r = {.io = io, .module = t->owner, .typed = 1};
    if (rdb_save_len(io, rdb_module_id(t->rdb_module, t->rdb_encver))) return -1;
    if (t->ops.rdb_save(&r, value) != MD_OK) {
        rdb_io_fail(io, "saving a '%s' value failed", t->name);
        return -1;
    }
    return rdb_save_len(io, RDB_MODULE_OPCODE_EOF);
}

/* "load X, which provides it" or the generic advice, into buf. */
static const char *load_hint(const char *name, char *buf, size_t cap)
{
    const char *who = persist_hooks.module_type_provider(name);
    if (who) snprintf(buf, cap, "load %s, which provides it", who);
    else snprintf(buf, cap, "load the module that provides it");
    return buf;
}

/* The slot for id, or NULL after recording why (unknown name, or an
 * encoding version newer than the slot reads). `what` names the record. */
static md_type_t *slot_for(rdb_io_t *io, uint64_t id, const char *what)
{
    char name[RDB_MODULE_NAME_LEN + 1], hint[160];
    unsigned encver = (unsigned)(id & RDB_MODULE_ENCVER_MAX);
    rdb_module_name(id, name);
    md_type_t *t = types_by_module_type(name);
    if (!t) {
        rdb_io_fail(io, "the file holds %s of Redis module type '%s' (encoding version "
                    "%u), which no loaded module provides: %s", what, name, encver,
                    load_hint(name, hint, sizeof(hint)));
        return NULL;
    }
    if (encver > t->rdb_encver) {
        rdb_io_fail(io, "the file holds %s of Redis module type '%s' with encoding "
                    "version %u, but module '%s' (type '%s') reads versions up to %u: "
                    "load a newer build of the module", what, name, encver,
                    persist_hooks.module_name(t->owner), t->name, t->rdb_encver);
        return NULL;
    }
    return t;
}

/* After a value or aux record: the EOF opcode. */
static int load_eof(rdb_io_t *io, const md_type_t *t, const char *what)
{
    uint64_t eof;
    if (rdb_load_len(io, &eof, NULL)) return -1;
    if (eof == RDB_MODULE_OPCODE_EOF) return 0;
    rdb_io_fail(io, "%s of module type '%s' (module '%s') is not terminated by the "
                "module value EOF marker", what, t->rdb_module, persist_hooks.module_name(t->owner));
    return -1;
}

void *rdb_module_load_value(rdb_io_t *io, md_type_t **tp, int *empty)
{
    uint64_t id;
    *empty = 0;
    if (rdb_load_len(io, &id, NULL)) return NULL;
    md_type_t *t = slot_for(io, id, "a value");
    if (!t) return NULL;
    char what[64];
    snprintf(what, sizeof(what), "of module type '%s' version %u", t->rdb_module,
             (unsigned)(id & RDB_MODULE_ENCVER_MAX));
    void *v = rdb_value_load(io, t, (int)(id & RDB_MODULE_ENCVER_MAX), 1, what, empty);
    if ((v || *empty) && load_eof(io, t, "a value") != 0) {
        if (v) t->ops.free(v);
        *empty = 0;
        return NULL;
    }
    if (v) *tp = t;
    return v;
}

/* One type's aux record for `when`: the fields go to a buffer first, so a
 * type that writes none leaves no record (Redis's aux_save2 rule). */
static int save_aux_of(rdb_io_t *io, const md_type_t *t, int when)
{
    rdb_io_t buf;
    rdb_io_mem_writer(&buf, NULL);
    buf.compress = io->compress;
    md_rdb_t r = {.io = &buf, .module = t->owner, .typed = 1};
    int rc = t->ops.aux_save(&r, when) == MD_OK && !rdb_io_error(&buf) ? 0 : -1;
    size_t n = 0;
    const void *p = rdb_io_mem_data(&buf, &n);
    if (rc)
        rdb_io_fail(io, "saving the AUX data of module type '%s' (module '%s') failed%s%s",
                    t->rdb_module, persist_hooks.module_name(t->owner), rdb_io_error(&buf) ? ": " : "",
                    rdb_io_error(&buf) ? rdb_io_error(&buf) : "");
    else if (n)
        rc = rdb_save_type(io, RDB_OPCODE_MODULE_AUX) ||
             rdb_save_len(io, rdb_module_id(t->rdb_module, t->rdb_encver)) ||
             rdb_save_len(io, RDB_MODULE_OPCODE_UINT) || rdb_save_len(io, (uint64_t)when) ||
             rdb_save_raw(io, p, n) || rdb_save_len(io, RDB_MODULE_OPCODE_EOF) ? -1 : 0;
    rdb_io_release(&buf);
    return rc;
}

int rdb_module_save_aux(rdb_io_t *io, int when)
{
    for (int i = 1; i <= TYPES_MAX; i++) {
        const md_type_t *t = types_by_id((uint8_t)i);
        if (t && t->rdb_module[0] && t->ops.aux_save && (t->ops.aux_when & when) &&
            save_aux_of(io, t, when) != 0)
            return -1;
    }
    return 0;
}

int rdb_module_load_aux(rdb_io_t *io)
{
    uint64_t id, when_op, when;
    if (rdb_load_len(io, &id, NULL) || rdb_load_len(io, &when_op, NULL) ||
        rdb_load_len(io, &when, NULL))
        return -1;
    if (when_op != RDB_MODULE_OPCODE_UINT) {
        rdb_io_fail(io, "bad when_opcode %llu in a module AUX record",
                    (unsigned long long)when_op);
        return -1;
    }
    md_type_t *t = slot_for(io, id, "AUX module data");
    if (!t) return -1;
    if (!t->ops.aux_load) {
        rdb_io_fail(io, "the file holds module AUX data for module type '%s', but module "
                    "'%s' doesn't support it", t->rdb_module, persist_hooks.module_name(t->owner));
        return -1;
    }
    md_rdb_t r = {.io = io, .module = t->owner, .typed = 1};
    int rc = t->ops.aux_load(&r, (int)(id & RDB_MODULE_ENCVER_MAX), (int)when);
    if (rc != MD_OK || rdb_io_error(io)) {
        rdb_io_fail(io, "module '%s' is not able to load its AUX data of module type '%s'",
                    persist_hooks.module_name(t->owner), t->rdb_module);
        return -1;
    }
    return load_eof(io, t, "AUX data");
}
