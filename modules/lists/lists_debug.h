/*
 * lists_debug.h — the lists module's part of DEBUG (lists_debug.c).
 */
#ifndef LISTS_DEBUG_H
#define LISTS_DEBUG_H

#include "modis.h"

/* The type's debug_repr: "listpack" or "quicklist" text, or NULL. */
char *lists_debug_repr(const void *value, const char *what, int detail) MD_HIDDEN;
/* Register DEBUG QUICKLIST-PACKED-THRESHOLD (from md_init). */
int lists_debug_register(void) MD_HIDDEN;

#endif
