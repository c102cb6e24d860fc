/*
 * module.c — the module loader. See module.h for the load contract.
 */
#include "module.h"
#include "module_internal.h"
#include "module_rdb.h"
#include "blocking.h"
#include "cmd.h"
#include "events.h"
#include "lazyfree.h"
#include "log.h"
#include "ks.h"
#include "mem.h"
#include "server.h"
#include "types.h"

#include <ctype.h>
#include <stdarg.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static module_t *modules;
static module_service_t *services;
static module_forget_fn forget[MODULE_MAX_FORGET];
static int nforget;
static module_stash_fn stash[MODULE_MAX_FORGET];
static int nstash;

module_t *module_first(void) { return modules; }

module_t *module_find(const char *name)
{
    for (module_t *m = modules; m; m = m->next)
        if (strcasecmp(m->name, name) == 0) return m;
    return NULL;
}

module_service_t *service_first(void) { return services; }

module_service_t *service_find(const char *name)
{
    for (module_service_t *s = services; s; s = s->next)
        if (strcmp(s->name, name) == 0) return s;
    return NULL;
}

static int valid_name(const char *s)
{
    if (!s || !*s || strlen(s) > 64) return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

unsigned module_abi_min(const md_manifest_t *mf)
{
    return mf->abi_minor >= 2 ? mf->abi_minor_min : mf->abi_minor;
}

/*
 * Check a manifest before running any code of its module. Returns 0, or -1
 * with the reason in err.
 */
int manifest_check(const md_manifest_t *mf, char *err, size_t cap)
{
    if (mf->magic != MD_MANIFEST_MAGIC) {
        snprintf(err, cap, "bad manifest magic (not a Modis module)");
        return -1;
    }
    if (mf->abi_major != MD_ABI_MAJOR) {
        snprintf(err, cap, "module built for SDK ABI %u.%u, this server has ABI %d.%d",
                 mf->abi_major, mf->abi_minor, MD_ABI_MAJOR, MD_ABI_MINOR);
        return -1;
    }
    if (module_abi_min(mf) > mf->abi_minor) {
        snprintf(err, cap, "bad manifest: needs SDK ABI %u.%u but was built for %u.%u",
                 mf->abi_major, module_abi_min(mf), mf->abi_major, mf->abi_minor);
        return -1;
    }
    if (module_abi_min(mf) > MD_ABI_MINOR) {
        snprintf(err, cap, "module needs SDK ABI %u.%u, this server has only %d.%d",
                 mf->abi_major, module_abi_min(mf), MD_ABI_MAJOR, MD_ABI_MINOR);
        return -1;
    }
    if (!valid_name(mf->name)) {
        snprintf(err, cap, "invalid module name in manifest");
        return -1;
    }
    return 0;
}

/* Record that m depends on `provider` (MODULE UNLOAD of the provider is
 * then refused while m is loaded). */
void add_dep(module_t *m, module_t *provider)
{
    if (provider == m) return;
    for (int i = 0; i < m->ndeps; i++)
        if (m->deps[i] == provider) return;
    if (m->ndeps < MODULE_MAX_DEPS) m->deps[m->ndeps++] = provider;
}

int requires_met(const md_manifest_t *mf, char *err, size_t cap)
{
    for (const md_service_ref_t *r = mf->requires; r && r->name; r++) {
        module_service_t *s = service_find(r->name);
        if (!s || s->version < r->version) {
            snprintf(err, cap, "module '%s' requires service '%s' >= %u, which no "
                     "loaded module provides", mf->name, r->name, r->version);
            return -1;
        }
    }
    return 0;
}

void module_on_forget(module_forget_fn fn)
{
    if (nforget < MODULE_MAX_FORGET) forget[nforget++] = fn;
}

void module_on_stash(module_stash_fn fn)
{
    if (nstash < MODULE_MAX_FORGET) stash[nstash++] = fn;
}

void module_stash_run(module_t *m, int op)
{
    for (int i = 0; i < nstash; i++) stash[i](m, op);
}

/* Remove everything m registered (types must be empty). */
static void module_unregister(module_t *m)
{
    cmd_unregister_owner(m);
    for (int i = 0; i < nforget; i++) forget[i](m);
    for (int i = 0; i < m->ntypes; i++) types_remove(m->types[i]);
    m->ntypes = 0;
    module_service_t **pp = &services;
    while (*pp) {
        module_service_t *s = *pp;
        if (s->provider == m) {
            *pp = s->next;
            mem_free(s->name);
            mem_free(s);
        } else {
            pp = &s->next;
        }
    }
}

static void module_free(module_t *m)
{
    for (int i = 0; i < m->argc; i++) mem_free(m->argv[i]);
    mem_free(m->argv);
    mem_free(m->name);
    mem_free(m->path);
    mem_free(m);
}

/* Why dlopen() failed. A module that references a symbol no library
 * provides — the server exports none — is told which one. */
void dlopen_error(char *err, size_t cap)
{
    const char *e = dlerror();
    const char *u = e ? strstr(e, "undefined symbol: ") : NULL;
    if (!u) {
        snprintf(err, cap, "%s", e ? e : "dlopen failed");
        return;
    }
    u += strlen("undefined symbol: ");
    snprintf(err, cap, "the module references the symbol '%.*s', which the server does "
             "not provide: a module may use only the SDK API table (%s)",
             (int)strcspn(u, ", "), u, e);
}

int module_load(const char *path, int argc, char **argv, char *err, size_t cap)
{
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        dlopen_error(err, cap);
        return -1;
    }
    const md_manifest_t *mf = dlsym(dl, "md_manifest");
    md_init_fn init = (md_init_fn)dlsym(dl, "md_init");
    if (!mf || !init) {
        snprintf(err, cap, "%s is not a Modis module (no md_manifest/md_init)", path);
        dlclose(dl);
        return -1;
    }
    if (manifest_check(mf, err, cap) != 0 || requires_met(mf, err, cap) != 0) {
        dlclose(dl);
        return -1;
    }
    if (module_find(mf->name)) {
        snprintf(err, cap, "module '%s' is already loaded", mf->name);
        dlclose(dl);
        return -1;
    }
    if (module_rdb_check(mf, NULL, err, cap) != 0) {
        dlclose(dl);
        return -1;
    }
    module_t *m = mem_calloc(sizeof(*m));
    m->name = mem_strdup(mf->name);
    m->path = mem_strdup(path);
    m->dl = dl;
    m->manifest = mf;
    m->argc = argc;
    m->argv = mem_calloc((size_t)(argc + 1) * sizeof(char *));
    for (int i = 0; i < argc; i++) m->argv[i] = mem_strdup(argv[i]);
    md_arg_t *args = mem_calloc((size_t)(argc + 1) * sizeof(md_arg_t));
    for (int i = 0; i < argc; i++) args[i] = (md_arg_t){argv[i], strlen(argv[i])};

    m->in_init = 1;
    int rc = init(m, md__api, argc, args); /* the host's table (sdk_host.h) */
    m->in_init = 0;
    mem_free(args);
    if (rc == MD_OK && m->err[0] == '\0') {
        /* Every type the manifest declares must have been registered. */
        for (const char *const *t = mf->types; t && *t; t++) {
            int found = 0;
            for (int i = 0; i < m->ntypes; i++)
                if (strcmp(m->types[i]->name, *t) == 0) found = 1;
            if (!found) {
                snprintf(m->err, sizeof(m->err),
                         "type '%s' declared in the manifest was not registered", *t);
                break;
            }
        }
    }
    if (rc == MD_OK && m->err[0] == '\0')
        module_rdb_apply(m->manifest, m->name, m->types, m->ntypes, m->err, sizeof(m->err));
    if (rc != MD_OK || m->err[0]) {
        snprintf(err, cap, "%s", m->err[0] ? m->err : "module initialization failed");
        module_unregister(m);
        dlclose(dl);
        module_free(m);
        return -1;
    }
    /* What the manifest requires pins its providers from now on, whether
     * or not the module ever calls md_service_import(). */
    for (const md_service_ref_t *r = mf->requires; r && r->name; r++) {
        module_service_t *s = service_find(r->name);
        if (s) add_dep(m, s->provider);
    }
    /* Keep load order: append. */
    module_t **pp = &modules;
    while (*pp) pp = &(*pp)->next;
    *pp = m;
    log_msg(LOG_NOTICE, "Module '%s' loaded from %s", m->name, path);
    md_event_t e = {.name = m->name, .value = mf->version};
    events_fire(MD_EVENT_MODULE, MD_SUB_MODULE_LOADED, &e);
    return 0;
}

typedef struct type_count {
    uint8_t id;
    size_t n;
} type_count_t;

static int count_one(void *priv, ks_entry_t *e)
{
    type_count_t *c = priv;
    c->n += e->type == c->id;
    return 0;
}

size_t module_type_keys_in(const md_type_t *t, int dbid)
{
    type_count_t c = {t->id, 0};
    ks_each(&srv.db[dbid], count_one, &c);
    return c.n;
}

/* Append to err at *len (clipped at cap). */
static void err_append(char *err, size_t cap, int *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void err_append(char *err, size_t cap, int *len, const char *fmt, ...)
{
    if (*len < 0 || (size_t)*len >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    *len += vsnprintf(err + *len, cap - (size_t)*len, fmt, ap);
    va_end(ap);
}

/* "module 'x' still has 3 key(s) of type 'list' (db0=2,db5=1), 1 key(s)
 * of type 'y' (db2=1); MODULE UNLOAD x FLUSHTYPE x deletes them". */
static void keys_refusal(const module_t *m, char *err, size_t cap)
{
    int len = snprintf(err, cap, "module '%s' still has ", m->name);
    const char *tsep = "";
    for (int i = 0; i < m->ntypes; i++) {
        const md_type_t *t = m->types[i];
        if (!t->nkeys) continue;
        err_append(err, cap, &len, "%s%zu key(s) of type '%s' (", tsep, t->nkeys, t->name);
        const char *sep = "";
        for (int d = 0; d < srv.databases; d++) {
            size_t n = module_type_keys_in(t, d);
            if (!n) continue;
            err_append(err, cap, &len, "%sdb%d=%zu", sep, d, n);
            sep = ",";
        }
        err_append(err, cap, &len, ")");
        tsep = ", ";
    }
    err_append(err, cap, &len, "; MODULE UNLOAD %s FLUSHTYPE %s deletes them", m->name,
               m->name);
}

const module_t *module_user_of(const module_t *m)
{
    for (module_t *o = modules; o; o = o->next)
        for (int i = 0; i < o->ndeps; i++)
            if (o->deps[i] == m) return o;
    return NULL;
}

int module_busy(module_t *m, int check_keys, int check_blocked, char *err, size_t cap)
{
    for (int i = 0; check_keys && i < m->ntypes; i++) {
        if (m->types[i]->nkeys) {
            keys_refusal(m, err, cap);
            return -1;
        }
    }
    size_t blocked = blocking_clients_of(m) + m->detached_blocks;
    if (check_blocked && blocked) {
        snprintf(err, cap, "module '%s' has %zu client(s) blocked in its commands", m->name,
                 blocked);
        return -1;
    }
    if (cmd_owner_running(m)) {
        snprintf(err, cap, "module '%s' is running one of its commands", m->name);
        return -1;
    }
    return 0;
}

int module_unload(const char *name, void (*flush)(module_t *m), char *err, size_t cap)
{
    module_t *m = module_find(name);
    if (!m) {
        snprintf(err, cap, "no such module with that name");
        return -1;
    }
    if (module_busy(m, flush == NULL, 1, err, cap) != 0) return -1;
    const module_t *user = module_user_of(m);
    if (user) {
        snprintf(err, cap, "module '%s' is used by module '%s'", m->name, user->name);
        return -1;
    }
    if (m->on_unload) {
        char why[200] = "";
        int rc = m->on_unload(why, sizeof(why));
        why[sizeof(why) - 1] = '\0';
        if (rc != MD_OK) {
            snprintf(err, cap, "module '%s' refused to unload: %s", m->name,
                     why[0] ? why : "no reason given");
            return -1;
        }
    }
    if (flush) {
        flush(m);
        if (module_busy(m, 1, 0, err, cap) != 0) return -1; /* none may be left */
    }
    lazyfree_drain(); /* no free callback of the module may still be queued */
    module_unregister(m);
    module_t **pp = &modules;
    while (*pp != m) pp = &(*pp)->next;
    *pp = m->next;
    md_event_t e = {.name = m->name, .value = m->manifest->version};
    dlclose(m->dl);
    for (int i = 0; i < m->nretired; i++) dlclose(m->retired[i]);
    mem_free(m->retired);
    log_msg(LOG_NOTICE, "Module '%s' unloaded", m->name);
    events_fire(MD_EVENT_MODULE, MD_SUB_MODULE_UNLOADED, &e);
    module_free(m);
    return 0;
}

/* ---- start-up queue, ordered by service requirements ---- */

typedef struct queued {
    struct queued *next;
    char *path;
    int argc;
    char **argv;
} queued_t;

static queued_t *queue;

void module_queue(const char *path, int argc, char **argv)
{
    queued_t *q = mem_calloc(sizeof(*q));
    q->path = mem_strdup(path);
    q->argc = argc;
    q->argv = mem_calloc((size_t)(argc + 1) * sizeof(char *));
    for (int i = 0; i < argc; i++) q->argv[i] = mem_strdup(argv[i]);
    queued_t **pp = &queue;
    while (*pp) pp = &(*pp)->next;
    *pp = q;
}

static void queued_free(queued_t *q)
{
    for (int i = 0; i < q->argc; i++) mem_free(q->argv[i]);
    mem_free(q->argv);
    mem_free(q->path);
    mem_free(q);
}

/* Peek at a queued module's manifest: are its requirements met now? */
static int queued_ready(queued_t *q)
{
    void *dl = dlopen(q->path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) return 1; /* let module_load report the error */
    const md_manifest_t *mf = dlsym(dl, "md_manifest");
    char tmp[256];
    int ok = !mf || mf->magic != MD_MANIFEST_MAGIC || requires_met(mf, tmp, sizeof(tmp)) == 0;
    dlclose(dl);
    return ok;
}

int module_load_queued(char *err, size_t cap)
{
    while (queue) {
        queued_t **pp = &queue, *pick = NULL;
        for (; *pp; pp = &(*pp)->next) {
            if (queued_ready(*pp)) {
                pick = *pp;
                break;
            }
        }
        if (!pick) pp = &queue, pick = queue; /* report the unmet need */
        *pp = pick->next;
        char e[512];
        int rc = module_load(pick->path, pick->argc, pick->argv, e, sizeof(e));
        if (rc != 0) snprintf(err, cap, "Module %s failed to load: %s", pick->path, e);
        queued_free(pick);
        if (rc != 0) {
            while (queue) {
                queued_t *n = queue->next;
                queued_free(queue);
                queue = n;
            }
            return -1;
        }
    }
    return 0;
}

int module_print_info(const char *path)
{
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        fprintf(stderr, "cannot open %s: %s\n", path, dlerror());
        return 1;
    }
    const md_manifest_t *mf = dlsym(dl, "md_manifest");
    char err[256];
    if (!mf || manifest_check(mf, err, sizeof(err)) != 0 ||
        module_rdb_check(mf, NULL, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s\n", path, mf ? err : "not a Modis module");
        dlclose(dl);
        return 1;
    }
    printf("name: %s\nversion: %u\nabi: %u.%u\nabi-min: %u.%u\n", mf->name, mf->version,
           mf->abi_major, mf->abi_minor, mf->abi_major, module_abi_min(mf));
    if (mf->description) printf("description: %s\n", mf->description);
    printf("types:");
    for (const char *const *t = mf->types; t && *t; t++) printf(" %s", *t);
    printf("\n");
    module_rdb_print(mf);
    printf("provides:");
    for (const md_service_ref_t *r = mf->provides; r && r->name; r++)
        printf(" %s@%u", r->name, r->version);
    printf("\nrequires:");
    for (const md_service_ref_t *r = mf->requires; r && r->name; r++)
        printf(" %s@%u", r->name, r->version);
    printf("\n");
    dlclose(dl);
    return 0;
}

/* ---- SDK registration section ---- */

static md_type_t *api_type_register(md_module_t *m, const char *name,
                                    const md_type_ops_t *ops)
{
    if (!m || !m->in_init) return NULL;
    if (m->stage) return module_stage_type(m, name, ops);
    int declared = 0;
    for (const char *const *t = m->manifest->types; t && *t; t++)
        if (strcmp(*t, name) == 0) declared = 1;
    if (!declared) {
        snprintf(m->err, sizeof(m->err), "type '%s' is not declared in the manifest", name);
        return NULL;
    }
    if (m->ntypes == MODULE_MAX_TYPES || !ops || !ops->free) {
        snprintf(m->err, sizeof(m->err), "type '%s': bad callbacks or too many types", name);
        return NULL;
    }
    md_type_t *t = types_add(m, name, ops);
    if (t) t->owner_name = m->name;
    if (!t) {
        snprintf(m->err, sizeof(m->err), "type name '%s' is already taken", name);
        return NULL;
    }
    m->types[m->ntypes++] = t;
    return t;
}

static int api_commands_register(md_module_t *m, const md_command_t *cmds)
{
    const char *e = NULL;
    char buf[200];
    if (!m || !m->in_init) return MD_ERR;
    if (m->stage) return module_stage_commands(m, cmds);
    size_t stride = m->manifest->command_size ? m->manifest->command_size
                                              : sizeof(md_command_t);
    if (cmd_register(m, cmds, stride, "module", &e, buf, sizeof(buf)) != 0) {
        snprintf(m->err, sizeof(m->err), "%s", e);
        return MD_ERR;
    }
    return MD_OK;
}

static int api_service_export(md_module_t *m, const char *name, uint32_t version,
                              const void *table)
{
    if (!m || !m->in_init) return MD_ERR;
    if (m->stage) return module_stage_service(m, name, version, table);
    if (service_find(name)) {
        snprintf(m->err, sizeof(m->err), "service '%s' is already provided", name);
        return MD_ERR;
    }
    service_add(m, name, version, table);
    return MD_OK;
}

void service_add(module_t *m, const char *name, uint32_t version, const void *table)
{
    module_service_t *s = mem_calloc(sizeof(*s));
    s->name = mem_strdup(name);
    s->version = version;
    s->table = table;
    s->provider = m;
    s->next = services;
    services = s;
}

static const void *api_service_import(md_module_t *m, const char *name,
                                      uint32_t min_version)
{
    module_service_t *s = service_find(name);
    if (!s || s->version < min_version) return NULL;
    if (m) add_dep(m, s->provider);
    return s->table;
}

void sdk_api_fill_module(md_api_t *a)
{
    a->type_register = api_type_register;
    a->commands_register = api_commands_register;
    a->service_export = api_service_export;
    a->service_import = api_service_import;
}
