/*
 * hooks.h — filling the hook tables of the lower layers (hooks.c).
 */
#ifndef MODIS_HOOKS_H
#define MODIS_HOOKS_H

/* Fill ks_hooks, client_hooks, persist_hooks and the other hooks; once,
 * at start-up, before the first key, client or load. */
void hooks_install(void);

#endif
