/*
 * sdk_debug.c — see sdk_debug.h. Modules register DEBUG subcommands only
 * while md_init runs; the registry's copies point into the module's .so
 * (names, handler, help text), and sdk_debug_forget() drops them before
 * the module is closed, so nothing here outlives its module.
 */
#include "sdk_debug.h"
#include "mem.h"
#include "module.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static sdk_debug_sub_t *subs;
static size_t nsubs;
static const char *const *host_names;

void sdk_debug_host_names(const char *const *names) { host_names = names; }

static int taken(const char *name, size_t len)
{
    for (const char *const *h = host_names; h && *h; h++)
        if (util_eq_nocase(name, len, *h)) return 1;
    return sdk_debug_find(name, len) != NULL;
}

const sdk_debug_sub_t *sdk_debug_find(const char *name, size_t len)
{
    for (size_t i = 0; i < nsubs; i++)
        if (util_eq_nocase(name, len, subs[i].decl.name)) return &subs[i];
    return NULL;
}

void sdk_debug_foreach(sdk_debug_fn fn, void *priv)
{
    for (size_t i = 0; i < nsubs; i++) fn(&subs[i], priv);
}

void sdk_debug_forget(md_module_t *m)
{
    size_t k = 0;
    for (size_t i = 0; i < nsubs; i++)
        if (subs[i].owner != m) subs[k++] = subs[i];
    nsubs = k;
}

static sdk_debug_sub_t *parked;   /* MODULE UPGRADE: the old build's */
static size_t nparked;

void sdk_debug_stash(md_module_t *m, int op)
{
    if (op == MODULE_PARK) {
        size_t k = 0;
        for (size_t i = 0; i < nsubs; i++) {
            if (subs[i].owner != m) {
                subs[k++] = subs[i];
                continue;
            }
            parked = mem_realloc(parked, (nparked + 1) * sizeof(*parked));
            parked[nparked++] = subs[i];
        }
        nsubs = k;
        return;
    }
    if (op == MODULE_ROLLBACK) {
        sdk_debug_forget(m);
        if (nparked) {
            subs = mem_realloc(subs, (nsubs + nparked) * sizeof(*subs));
            memcpy(subs + nsubs, parked, nparked * sizeof(*subs));
            nsubs += nparked;
        }
    }
    mem_free(parked);
    parked = NULL;
    nparked = 0;
}

/*
 * md_debug_register: the whole array or nothing. Names are checked first
 * (against the host's, other modules' and the array's own), then every
 * entry is recorded; errors go to the module's load error.
 */
static int api_debug_register(md_module_t *m, const md_command_t *decls)
{
    if (!m || !m->in_init || !decls) return MD_ERR;
    size_t stride = m->manifest->command_size ? m->manifest->command_size
                                              : sizeof(md_command_t);
    if (stride < offsetof(md_command_t, subcommands) + sizeof(void *)) {
        snprintf(m->err, sizeof(m->err), "DEBUG subcommand table entries are too small");
        return MD_ERR;
    }
    size_t n = 0;
    for (const md_command_t *d = decls; d->name; d = (const void *)((const char *)d + stride)) {
        if (!d->handler || !d->arity || taken(d->name, strlen(d->name))) {
            snprintf(m->err, sizeof(m->err), "DEBUG subcommand '%s' %s", d->name,
                     d->handler && d->arity ? "already exists" : "needs a handler and an arity");
            nsubs -= n; /* roll back this array */
            return MD_ERR;
        }
        subs = mem_realloc(subs, (nsubs + 1) * sizeof(*subs));
        memset(&subs[nsubs], 0, sizeof(*subs));
        memcpy(&subs[nsubs].decl, d, stride < sizeof(*d) ? stride : sizeof(*d));
        subs[nsubs++].owner = m;
        n++;
    }
    return MD_OK;
}

void sdk_api_fill_debug(md_api_t *a)
{
    a->debug_register = api_debug_register;
}
