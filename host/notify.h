/*
 * notify.h — keyspace notifications (notify-keyspace-events) and the
 * "key modified" signal that WATCH and client tracking listen to.
 */
#ifndef MODIS_NOTIFY_H
#define MODIS_NOTIFY_H

#include <stddef.h>

/* Classes: same bits as MD_NOTIFY_* in modis.h. */
#define NOTIFY_KEYSPACE (1 << 0)  /* K */
#define NOTIFY_KEYEVENT (1 << 1)  /* E */
#define NOTIFY_GENERIC  (1 << 2)  /* g */
#define NOTIFY_STRING   (1 << 3)  /* $ */
#define NOTIFY_LIST     (1 << 4)  /* l */
#define NOTIFY_SET      (1 << 5)  /* s */
#define NOTIFY_HASH     (1 << 6)  /* h */
#define NOTIFY_ZSET     (1 << 7)  /* z */
#define NOTIFY_EXPIRED  (1 << 8)  /* x */
#define NOTIFY_EVICTED  (1 << 9)  /* e */
#define NOTIFY_STREAM   (1 << 10) /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m */
#define NOTIFY_LOADED   (1 << 12)
#define NOTIFY_MODULE   (1 << 13) /* d */
#define NOTIFY_NEW      (1 << 14) /* n */
#define NOTIFY_ALL (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | \
                    NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | \
                    NOTIFY_STREAM | NOTIFY_MODULE) /* A */

/* Parse a flags string ("KEA"); -1 on an unknown letter. */
int notify_parse_flags(const char *s);
/* Format flags back as Redis does (CONFIG GET). */
void notify_format_flags(int flags, char *out, size_t cap);

/* Publish __keyspace@db__:key / __keyevent@db__:event as configured. */
void notify_keyspace(int cls, const char *event, const char *key, size_t klen,
                     int dbid);

/* A key's value changed: invalidate WATCHers. */
void notify_key_modified(int dbid, const char *key, size_t klen);
/* Every key of a db changed (FLUSHDB, SWAPDB). dbid -1 = all. */
void notify_db_modified(int dbid);

/* Modules' keyspace subscriptions (sdk_events.c): fn gets every event of
 * the classes in `classes`, before the Pub/Sub messages and whatever
 * notify-keyspace-events says. classes 0 turns it off. */
typedef void (*notify_module_fn)(int cls, const char *event, const char *key, size_t klen,
                                 int dbid);
void notify_set_module_listener(notify_module_fn fn, int classes);

/* Listeners installed by pubsub, multi and tracking at start-up. */
typedef struct notify_listeners {
    long (*publish)(const char *ch, size_t chlen, const char *msg, size_t mlen);
    void (*key_modified)(int dbid, const char *key, size_t klen);
    void (*db_modified)(int dbid);
    void (*track_key_modified)(int dbid, const char *key, size_t klen); /* tracking.c */
} notify_listeners_t;
extern notify_listeners_t notify_listeners;

#endif
