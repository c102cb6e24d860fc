/*
 * config_param.h — the parameter descriptor shared by config.c (the
 * parameter table, file parsing, CONFIG GET/SET/REWRITE) and the files
 * that keep tables of their own (config_host.c: process-level directives).
 * Private to the configuration code: nothing else includes it.
 */
#ifndef MODIS_CONFIG_PARAM_H
#define MODIS_CONFIG_PARAM_H

#include <stddef.h>

enum { T_BOOL, T_INT, T_LL, T_MEM, T_STR, T_ENUM, T_SPECIAL };

#define IMMUTABLE 1
#define SENSITIVE 2
#define MULTI_ARG 4   /* a config line may give several words (joined by spaces) */
#define HIDDEN 8      /* a debugging knob: CONFIG GET lists it only when named exactly */

typedef struct param {
    const char *name;
    const char *alias;
    int type;
    int flags;
    void *var;
    long long min, max;       /* numeric limits */
    const char *def;          /* default, as text */
    const char *const *enums; /* T_ENUM: names, index = value */
    int (*set)(const char *v, char *err, size_t cap);  /* T_SPECIAL */
    char *(*get)(void);                                 /* T_SPECIAL */
    const void *owner;        /* registering module, for extra params */
    /* T_STR: validate a value before it is stored (Redis's texts). */
    int (*check)(const char *v, char *err, size_t cap);
    /* CONFIG SET only: act on the new value once every parameter of the
     * command is set; -1 (with the reason) undoes the whole command. */
    int (*apply)(char *err, size_t cap);
} param_t;

/* config_host.c's table, NULL-terminated; config.c walks it after its own. */
extern param_t config_host_params[];
extern const size_t config_host_nparams; /* its entries, the NULL one not counted */
/* CONFIG SET hz: the cron's frequency changes at once (config_host.c). */
int config_host_apply_hz(char *err, size_t cap);

/* The whole table (config.c's, config_host.c's, the modules'), for
 * config_rewrite.c: count, i-th parameter, lookup by name or alias, the
 * current value as CONFIG GET shows it (caller frees). */
size_t config_param_count(void);
param_t *config_param_at(size_t i);
param_t *config_param_find(const char *name);
char *config_param_value(param_t *p);
/* Memory values as CONFIG REWRITE writes them (5mb, 1gb, 100kb, 123), and
 * read back with Redis's units. */
void config_format_mem(long long v, char *out, size_t cap);
int config_parse_mem(const char *v, long long *out);

#endif
