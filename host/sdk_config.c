/*
 * sdk_config.c — the SDK's configuration section: module parameters
 * (integers, byte sizes, second names) kept in config.c's table, and
 * reading any parameter as an integer.
 */
#include "config.h"
#include "mem.h"
#include "module.h"
#include "sdk_ctx.h"
#include "util.h"

#include <string.h>

static int x_config_register_ll(md_module_t *m, const char *name, long long *var,
                                long long def, long long min, long long max)
{
    if (!m || !m->in_init) return MD_ERR;
    return config_register_ll(m, name, var, def, min, max) == 0 ? MD_OK : MD_ERR;
}

static int x_config_register_mem(md_module_t *m, const char *name, long long *var,
                                 long long def, long long min, long long max)
{
    if (!m || !m->in_init) return MD_ERR;
    return config_register_mem(m, name, var, def, min, max) == 0 ? MD_OK : MD_ERR;
}

static int x_config_register_alias(md_module_t *m, const char *alias, const char *name)
{
    if (!m || !m->in_init) return MD_ERR;
    return config_register_alias(m, alias, name) == 0 ? MD_OK : MD_ERR;
}

static int x_config_get_ll(const char *name, long long *out)
{
    char *v = config_get_value(name);
    int rc = MD_ERR;
    if (v && (!strcmp(v, "yes") || !strcmp(v, "no"))) {
        *out = v[0] == 'y';
        rc = MD_OK;
    } else if (v && util_str2ll(v, strlen(v), out) == 0) {
        rc = MD_OK;
    }
    mem_free(v);
    return rc;
}

void sdk_api_fill_config(md_api_t *a)
{
    a->config_register_ll = x_config_register_ll;
    a->config_get_ll = x_config_get_ll;
    a->config_register_alias = x_config_register_alias;
    a->config_register_mem = x_config_register_mem;
}
