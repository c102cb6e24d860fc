/*
 * config_host.h — the process-level redis.conf directives (config_host.c):
 * what they do once the configuration is loaded.
 */
#ifndef MODIS_CONFIG_HOST_H
#define MODIS_CONFIG_HOST_H

#include <stddef.h>

/* After the config is loaded (before the listeners open): THP, the
 * server's CPU list, the oom score, jemalloc's background thread, syslog,
 * and the start-up logo when always-show-logo (or a terminal) asks. */
void config_host_start(void);
/* Once the server is ready (argv's strings no longer read): the process
 * title, as Redis sets it then. */
void config_host_ready(int argc, char **argv);
/* Is `name` a directive Redis 7 still accepts in a config file and
 * ignores (list-max-ziplist-entries...)? */
int config_host_ignored(const char *name);
/* The error for a directive no one registered once the modules are
 * loaded: Redis's "Bad directive or wrong number of arguments", or, for a
 * Redis directive a data-type module provides (set-max-intset-entries),
 * a text naming that module. */
void config_host_unknown(const char *name, char *err, size_t cap);
/* Is `name` a protected parameter (dir, dbfilename): CONFIG SET needs
 * enable-protected-configs? */
int config_host_protected(const char *name);

#endif
