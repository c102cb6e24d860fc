/*
 * module_upgrade.c — MODULE UPGRADE; see module_upgrade.h for the
 * protocol and its invariants.
 */
#include "module_upgrade.h"
#include "module_internal.h"
#include "module_rdb.h"
#include "blocking.h"
#include "cmd.h"
#include "events.h"
#include "ks.h"
#include "lazyfree.h"
#include "log.h"
#include "mem.h"
#include "persist/rdb.h"
#include "persist/rdb_io.h"
#include "server.h"
#include "types.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* What the new build registered during its md_init, not installed yet. */
struct module_stage {
    const md_manifest_t *mf;
    md_type_ops_t ops[MODULE_MAX_TYPES];  /* per index of m->types */
    int have[MODULE_MAX_TYPES];
    cmd_t **cmds;
    int ncmds;
    struct staged_svc {
        const char *name;
        uint32_t version;
        const void *table;
    } *svc;
    int nsvc;
};

typedef struct module_stage stage_t;

/* ---- registration during the new build's md_init ---- */

md_type_t *module_stage_type(module_t *m, const char *name, const md_type_ops_t *ops)
{
    stage_t *st = m->stage;
    for (int i = 0; i < m->ntypes; i++) {
        if (strcmp(m->types[i]->name, name) != 0) continue;
        if (!ops || !ops->free || st->have[i]) {
            snprintf(m->err, sizeof(m->err), "type '%s': bad callbacks or registered twice",
                     name);
            return NULL;
        }
        types_copy_ops(&st->ops[i], ops);
        st->have[i] = 1;
        return m->types[i];
    }
    snprintf(m->err, sizeof(m->err), "type '%s' is not declared in the manifest", name);
    return NULL;
}

int module_stage_commands(module_t *m, const md_command_t *cmds)
{
    stage_t *st = m->stage;
    size_t stride = st->mf->command_size ? st->mf->command_size : sizeof(md_command_t);
    char buf[200];
    if (cmd_stage(m, cmds, stride, "module", &st->cmds, &st->ncmds, buf, sizeof(buf)) != 0) {
        snprintf(m->err, sizeof(m->err), "%s", buf);
        return MD_ERR;
    }
    return MD_OK;
}

int module_stage_service(module_t *m, const char *name, uint32_t version, const void *table)
{
    stage_t *st = m->stage;
    module_service_t *s = service_find(name);
    int twice = 0;
    for (int k = 0; k < st->nsvc; k++) twice |= strcmp(st->svc[k].name, name) == 0;
    if ((s && s->provider != m) || twice) {
        snprintf(m->err, sizeof(m->err), "service '%s' is already provided", name);
        return MD_ERR;
    }
    if (s && version < s->version) {
        snprintf(m->err, sizeof(m->err), "service '%s' version %u is older than the loaded "
                 "build's %u", name, version, s->version);
        return MD_ERR;
    }
    st->svc = mem_realloc(st->svc, (size_t)(st->nsvc + 1) * sizeof(*st->svc));
    st->svc[st->nsvc++] = (struct staged_svc){name, version, table};
    return MD_OK;
}

/* ---- checks before any code of the new build runs ---- */

static int listed(const char *const *names, const char *name)
{
    for (; names && *names; names++)
        if (strcmp(*names, name) == 0) return 1;
    return 0;
}

static const md_service_ref_t *provided(const md_manifest_t *mf, const char *name)
{
    for (const md_service_ref_t *r = mf->provides; r && r->name; r++)
        if (strcmp(r->name, name) == 0) return r;
    return NULL;
}

/* The new manifest against the loaded build's: name, types, RDB identity,
 * services. 0, or -1 with the reason. */
static int manifest_same(const module_t *m, const md_manifest_t *mf, char *err, size_t cap)
{
    const md_manifest_t *old = m->manifest;
    if (strcmp(mf->name, m->name) != 0) {
        snprintf(err, cap, "the new build is module '%s', not '%s'", mf->name, m->name);
        return -1;
    }
    for (const char *const *t = old->types; t && *t; t++)
        if (!listed(mf->types, *t)) {
            snprintf(err, cap, "the new build does not declare type '%s'", *t);
            return -1;
        }
    for (const char *const *t = mf->types; t && *t; t++)
        if (!listed(old->types, *t)) {
            snprintf(err, cap, "the new build declares type '%s', which the loaded build "
                     "does not", *t);
            return -1;
        }
    if (module_rdb_check(mf, m, err, cap) != 0 || module_rdb_same(old, mf, err, cap) != 0)
        return -1;
    for (const md_service_ref_t *r = old->provides; r && r->name; r++) {
        const md_service_ref_t *n = provided(mf, r->name);
        if (!n || n->version < r->version) {
            snprintf(err, cap, n ? "the new build provides service '%s' version %u, older "
                                   "than the loaded build's %u"
                                 : "the new build does not provide service '%s'",
                     r->name, n ? n->version : 0, r->version);
            return -1;
        }
    }
    return requires_met(mf, err, cap);
}

/* Whether something outside the table still runs code of the loaded build
 * that cannot be moved to the new one. */
static int pinned(module_t *m, char *err, size_t cap)
{
    if (module_busy(m, 0, 0, err, cap) != 0) return -1;
    size_t held = blocking_clients_holding(m) + m->detached_blocks;
    if (held) {
        snprintf(err, cap, "module '%s' has %zu client(s) blocked with callbacks or private "
                 "data of the loaded build (md_block_client/md_block_on_keys_ex): retry when "
                 "they are served", m->name, held);
        return -1;
    }
    return 0;
}

/* Open the new build and check it. Returns the handle, or NULL with the
 * reason in err. */
static void *open_new(module_t *m, const char *path, const md_manifest_t **mfp,
                      md_init_fn *initp, char *err, size_t cap)
{
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        dlopen_error(err, cap);
        return NULL;
    }
    int same = dl == m->dl;
    for (int i = 0; i < m->nretired; i++) same |= dl == m->retired[i];
    const md_manifest_t *mf = dlsym(dl, "md_manifest");
    md_init_fn init = (md_init_fn)dlsym(dl, "md_init");
    if (same)
        snprintf(err, cap, "%s is the build already loaded (the dynamic loader returns the "
                 "same library for the same path or file): install the new build under "
                 "another path", path);
    else if (!mf || !init)
        snprintf(err, cap, "%s is not a Modis module (no md_manifest/md_init)", path);
    if (same || !mf || !init || manifest_check(mf, err, cap) != 0 ||
        manifest_same(m, mf, err, cap) != 0) {
        dlclose(dl);
        return NULL;
    }
    *mfp = mf;
    *initp = init;
    return dl;
}

/* ---- the new build's md_init, staged ---- */

typedef struct saved {
    md_unload_fn on_unload;
    int ndeps;
} saved_t;

static int run_init(module_t *m, stage_t *st, md_init_fn init, int argc, char **argv,
                    saved_t *sv)
{
    sv->on_unload = m->on_unload;
    sv->ndeps = m->ndeps;
    md_arg_t *args = mem_calloc((size_t)(argc + 1) * sizeof(md_arg_t));
    for (int i = 0; i < argc; i++) args[i] = (md_arg_t){argv[i], strlen(argv[i])};
    module_stash_run(m, MODULE_PARK);
    m->err[0] = '\0';
    m->stage = st;
    m->in_init = 1;
    int rc = init(m, md__api, argc, args);
    m->in_init = 0;
    m->stage = NULL;
    mem_free(args);
    if (rc == MD_OK && !m->err[0]) {
        for (int i = 0; i < m->ntypes && !m->err[0]; i++)
            if (!st->have[i])
                snprintf(m->err, sizeof(m->err), "type '%s' declared in the manifest was "
                         "not registered", m->types[i]->name);
        for (module_service_t *s = service_first(); s && !m->err[0]; s = s->next) {
            int found = 0;
            for (int k = 0; k < st->nsvc; k++) found |= strcmp(st->svc[k].name, s->name) == 0;
            if (s->provider == m && !found)
                snprintf(m->err, sizeof(m->err), "the new build did not export service '%s'",
                         s->name);
        }
    }
    return rc == MD_OK && !m->err[0] ? 0 : -1;
}

/* Undo a staged init: the loaded build's registrations come back. */
static void rollback(module_t *m, stage_t *st, const saved_t *sv)
{
    module_stash_run(m, MODULE_ROLLBACK);
    cmd_staged_free(st->cmds, st->ncmds);
    st->cmds = NULL;
    m->on_unload = sv->on_unload;
    m->ndeps = sv->ndeps;
}

/* ---- converting values whose layout changed ---- */

typedef struct conv {
    ks_entry_t *e;
    int ti;                     /* index in m->types */
    void *nv;                   /* the new build's value */
} conv_t;

typedef struct collect {
    module_t *m;
    const int *convert;
    conv_t *v;
    size_t n, cap;
} collect_t;

static int collect_one(void *priv, ks_entry_t *e)
{
    collect_t *c = priv;
    for (int i = 0; i < c->m->ntypes; i++) {
        if (!c->convert[i] || c->m->types[i]->id != e->type) continue;
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 64;
            c->v = mem_realloc(c->v, c->cap * sizeof(conv_t));
        }
        c->v[c->n++] = (conv_t){e, i, NULL};
    }
    return 0;
}

/* Set the callbacks of the converting types to ops[] (old or new). */
static void set_ops(module_t *m, const int *convert, const md_type_ops_t *ops)
{
    for (int i = 0; i < m->ntypes; i++)
        if (convert[i]) m->types[i]->ops = ops[i];
}

/* The converted values are dropped (freed by the new build). */
static void convert_discard(stage_t *st, collect_t *c)
{
    for (size_t k = 0; k < c->n; k++) st->ops[c->v[k].ti].free(c->v[k].nv);
    c->n = 0;
}

/* Write every value through the old callbacks, read them back through the
 * new ones into c->v[].nv; the slots keep the old callbacks. On failure
 * nothing is left over and err says which key failed. */
static int convert_prepare(module_t *m, stage_t *st, const int *convert, collect_t *c,
                           char *err, size_t cap)
{
    md_type_ops_t old[MODULE_MAX_TYPES];
    for (int i = 0; i < m->ntypes; i++) old[i] = m->types[i]->ops;
    rdb_io_t w, r;
    rdb_io_mem_writer(&w, NULL);
    for (size_t k = 0; k < c->n; k++) {
        const md_type_t *t = m->types[c->v[k].ti];
        if (rdb_save_type(&w, rdb_object_type(t, c->v[k].e->value)) != 0 ||
            rdb_save_object(&w, t, c->v[k].e->value) != 0) {
            snprintf(err, cap, "the loaded build could not save key '%.*s': %s",
                     (int)c->v[k].e->keylen, c->v[k].e->key, rdb_io_error(&w));
            rdb_io_release(&w);
            return -1;
        }
    }
    size_t len;
    const void *buf = rdb_io_mem_data(&w, &len);
    rdb_io_mem_reader(&r, buf, len, NULL);
    set_ops(m, convert, st->ops);
    size_t done = 0;
    for (; done < c->n; done++) {
        uint8_t type;
        int empty = 0;
        md_type_t *tp = NULL;
        void *v = rdb_load_type(&r, &type) == 0 ? rdb_load_object(&r, type, &tp, &empty) : NULL;
        if (v && tp != m->types[c->v[done].ti]) {
            tp->ops.free(v);
            v = NULL;
        }
        if (!v) {
            const ks_entry_t *e = c->v[done].e;
            snprintf(err, cap, "the new build could not load key '%.*s': %s", (int)e->keylen,
                     e->key, rdb_io_error(&r) ? rdb_io_error(&r) : "no value");
            break;
        }
        c->v[done].nv = v;
    }
    rdb_io_release(&r);
    rdb_io_release(&w);
    set_ops(m, convert, old);
    if (done == c->n) return 0;
    c->n = done;
    convert_discard(st, c);
    return -1;
}

/* The converted values replace the old ones (freed by the old build). */
static void convert_apply(module_t *m, collect_t *c)
{
    for (size_t k = 0; k < c->n; k++) {
        void *ov = c->v[k].e->value;
        c->v[k].e->value = c->v[k].nv;
        m->types[c->v[k].ti]->ops.free(ov);
    }
}

/* The loaded build's md_on_unload() hook, asked as MODULE UNLOAD asks it. */
static int old_build_agrees(module_t *m, const saved_t *sv, char *err, size_t cap)
{
    char why[200] = "";
    if (!sv->on_unload || sv->on_unload(why, sizeof(why)) == MD_OK) return 0;
    why[sizeof(why) - 1] = '\0';
    snprintf(err, cap, "the loaded build of '%s' refused to be replaced: %s", m->name,
             why[0] ? why : "no reason given");
    return -1;
}

/* Which types change their layout (convert[i]); refuses what cannot be
 * converted. Returns how many convert, or -1 with the reason. */
static int plan(module_t *m, stage_t *st, int *convert, char *err, size_t cap)
{
    int n = 0;
    for (int i = 0; i < m->ntypes; i++) {
        md_type_t *t = m->types[i];
        if ((st->ops[i].aux_save || st->ops[i].aux_load) && !t->rdb_module[0]) {
            snprintf(err, cap, "type '%s' has aux callbacks but no Redis module type name",
                     t->name);
            return -1;
        }
        convert[i] = st->ops[i].layout_version != t->ops.layout_version;
        if (!convert[i]) continue;
        n++;
        int typed = t->rdb_module[0] != 0;
        if (!t->ops.rdb_save || !st->ops[i].rdb_load ||
            (!typed && (!t->ops.rdb_type || !st->ops[i].rdb_type))) {
            snprintf(err, cap, "type '%s' changes its value layout (%u to %u) but a build "
                     "lacks the RDB callbacks to convert its values", t->name,
                     t->ops.layout_version, st->ops[i].layout_version);
            return -1;
        }
    }
    const module_t *user = n ? module_user_of(m) : NULL;
    if (user) {
        snprintf(err, cap, "module '%s' uses a service of '%s' and may hold the loaded "
                 "build's table, which cannot serve values of a changed layout: unload "
                 "'%s' first", user->name, m->name, user->name);
        return -1;
    }
    return n;
}

/* ---- commit ---- */

static void commit_services(module_t *m, stage_t *st)
{
    for (int k = 0; k < st->nsvc; k++) {
        module_service_t *s = service_find(st->svc[k].name);
        if (!s) {
            service_add(m, st->svc[k].name, st->svc[k].version, st->svc[k].table);
            continue;
        }
        s->version = st->svc[k].version;
        s->table = st->svc[k].table;
    }
}

static void replace_args(module_t *m, const char *path, int argc, char **argv)
{
    for (int i = 0; i < m->argc; i++) mem_free(m->argv[i]);
    mem_free(m->argv);
    mem_free(m->path);
    m->path = mem_strdup(path);
    m->argc = argc;
    m->argv = mem_calloc((size_t)(argc + 1) * sizeof(char *));
    for (int i = 0; i < argc; i++) m->argv[i] = mem_strdup(argv[i]);
}

/* Whether something may still point into the loaded build once the new
 * one serves: values of a type that kept them (a type without keys has
 * none), or a module using its services (it may hold their tables). */
static int old_build_referenced(const module_t *m, const int *convert)
{
    for (int i = 0; i < m->ntypes; i++)
        if (!convert[i] && m->types[i]->nkeys) return 1;
    return module_user_of(m) != NULL;
}

static void commit(module_t *m, stage_t *st, const int *convert, void *dl,
                   const char *path, int argc, char **argv)
{
    for (int i = 0; i < m->ntypes; i++) {
        md_type_t *t = m->types[i];
        t->ops = st->ops[i];
        for (const md_type_rdb_t *d = module_rdb_decls(st->mf); d && d->type; d++)
            if (d->module_type && strcmp(d->type, t->name) == 0)
                types_set_module_type(t, d->module_type, d->encver);
    }
    cmd_commit_staged(m, st->cmds, st->ncmds);
    st->cmds = NULL;
    commit_services(m, st);
    module_stash_run(m, MODULE_COMMIT);
    /* Values kept in place may point at the old build's static data, and
     * dependents may hold its service tables: keep it mapped then. */
    if (old_build_referenced(m, convert)) {
        m->retired = mem_realloc(m->retired, (size_t)(m->nretired + 1) * sizeof(void *));
        m->retired[m->nretired++] = m->dl;
    } else {
        dlclose(m->dl);
    }
    m->dl = dl;
    m->manifest = st->mf;
    for (const md_service_ref_t *r = st->mf->requires; r && r->name; r++) {
        module_service_t *s = service_find(r->name);
        if (s) add_dep(m, s->provider);
    }
    replace_args(m, path, argc, argv);
}

int module_upgrade(const char *name, const char *path, int argc, char **argv, char *msg,
                   size_t cap)
{
    module_t *m = module_find(name);
    if (!m) {
        snprintf(msg, cap, "no such module with that name");
        return -1;
    }
    const md_manifest_t *mf;
    md_init_fn init;
    void *dl = pinned(m, msg, cap) == 0 ? open_new(m, path, &mf, &init, msg, cap) : NULL;
    if (!dl) return -1;
    stage_t *st = mem_calloc(sizeof(*st));
    st->mf = mf;
    saved_t sv;
    int convert[MODULE_MAX_TYPES] = {0}, nconv = -1;
    collect_t c = {.m = m, .convert = convert};
    unsigned old_ver = m->manifest->version;
    if (run_init(m, st, init, argc, argv, &sv) != 0) {
        snprintf(msg, cap, "the new build's initialization failed: %s",
                 m->err[0] ? m->err : "md_init returned an error");
    } else if ((nconv = plan(m, st, convert, msg, cap)) > 0) {
        lazyfree_drain(); /* every value of the types is in the keyspace */
        for (int d = 0; d < srv.databases; d++) ks_each(&srv.db[d], collect_one, &c);
        if (convert_prepare(m, st, convert, &c, msg, cap) != 0) nconv = -1;
    }
    if (nconv >= 0 && old_build_agrees(m, &sv, msg, cap) != 0) {
        convert_discard(st, &c);
        nconv = -1;
    }
    if (nconv < 0) {
        rollback(m, st, &sv);
        m->err[0] = '\0';
        dlclose(dl);
        mem_free(c.v);
        mem_free(st->svc);
        mem_free(st);
        return -1;
    }
    lazyfree_drain(); /* no old free callback may run after the swap */
    size_t nvalues = c.n;
    convert_apply(m, &c);
    commit(m, st, convert, dl, path, argc, argv);
    /* Dependents holding one of its service tables re-import it on this
     * event (docs/sdk.md, "Services across an upgrade"). */
    md_event_t e = {.name = m->name, .value = mf->version};
    events_fire(MD_EVENT_MODULE, MD_SUB_MODULE_LOADED, &e);
    snprintf(msg, cap, "module '%s' upgraded from version %u to %u (%s): %d type(s) kept in "
             "place, %d converted (%zu value(s))", m->name, old_ver, mf->version, path,
             m->ntypes - nconv, nconv, nvalues);
    mem_free(c.v);
    mem_free(st->svc);
    mem_free(st);
    return 0;
}
