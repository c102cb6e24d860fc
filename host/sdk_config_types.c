/*
 * sdk_config_types.c — the SDK's string, enum and yes/no configuration
 * parameters (1.2): registration during md_init only, the parameters
 * themselves live in config.c's table beside md_config_register_ll's.
 */
#include "config.h"
#include "module.h"
#include "sdk_ctx.h"

static int x_register_str(md_module_t *m, const char *name, const char **var,
                          const char *def)
{
    if (!m || !m->in_init || !name || !var) return MD_ERR;
    return config_register_str(m, name, var, def) == 0 ? MD_OK : MD_ERR;
}

static int x_register_enum(md_module_t *m, const char *name, int *var,
                           const char *const *names, int def)
{
    if (!m || !m->in_init || !name || !var || !names) return MD_ERR;
    return config_register_enum(m, name, var, names, def) == 0 ? MD_OK : MD_ERR;
}

static int x_register_bool(md_module_t *m, const char *name, int *var, int def)
{
    if (!m || !m->in_init || !name || !var) return MD_ERR;
    return config_register_bool(m, name, var, def) == 0 ? MD_OK : MD_ERR;
}

void sdk_api_fill_config_types(md_api_t *a)
{
    a->config_register_str = x_register_str;
    a->config_register_enum = x_register_enum;
    a->config_register_bool = x_register_bool;
}
