/*
 * notify.c — keyspace event formatting and dispatch to the listeners.
 */
#include "notify.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

notify_listeners_t notify_listeners;
static notify_module_fn module_fn;
static int module_classes;

void notify_set_module_listener(notify_module_fn fn, int classes)
{
    module_fn = fn;
    module_classes = classes;
}

int notify_parse_flags(const char *s)
{
    int f = 0;
    for (; *s; s++) {
        switch (*s) {
        case 'A': f |= NOTIFY_ALL; break;
        case 'g': f |= NOTIFY_GENERIC; break;
        case '$': f |= NOTIFY_STRING; break;
        case 'l': f |= NOTIFY_LIST; break;
        case 's': f |= NOTIFY_SET; break;
        case 'h': f |= NOTIFY_HASH; break;
        case 'z': f |= NOTIFY_ZSET; break;
        case 'x': f |= NOTIFY_EXPIRED; break;
        case 'e': f |= NOTIFY_EVICTED; break;
        case 'K': f |= NOTIFY_KEYSPACE; break;
        case 'E': f |= NOTIFY_KEYEVENT; break;
        case 't': f |= NOTIFY_STREAM; break;
        case 'm': f |= NOTIFY_KEY_MISS; break;
        case 'd': f |= NOTIFY_MODULE; break;
        case 'n': f |= NOTIFY_NEW; break;
        default: return -1;
        }
    }
    return f;
}

void notify_format_flags(int f, char *out, size_t cap)
{
    char buf[32];
    size_t n = 0;
    if ((f & NOTIFY_ALL) == NOTIFY_ALL) {
        buf[n++] = 'A';
    } else {
        if (f & NOTIFY_GENERIC) buf[n++] = 'g';
        if (f & NOTIFY_STRING) buf[n++] = '$';
        if (f & NOTIFY_LIST) buf[n++] = 'l';
        if (f & NOTIFY_SET) buf[n++] = 's';
        if (f & NOTIFY_HASH) buf[n++] = 'h';
        if (f & NOTIFY_ZSET) buf[n++] = 'z';
        if (f & NOTIFY_EXPIRED) buf[n++] = 'x';
        if (f & NOTIFY_EVICTED) buf[n++] = 'e';
        if (f & NOTIFY_STREAM) buf[n++] = 't';
        if (f & NOTIFY_MODULE) buf[n++] = 'd';
    }
    if (f & NOTIFY_NEW) buf[n++] = 'n';
    if (f & NOTIFY_KEYSPACE) buf[n++] = 'K';
    if (f & NOTIFY_KEYEVENT) buf[n++] = 'E';
    if (f & NOTIFY_KEY_MISS) buf[n++] = 'm';
    buf[n] = '\0';
    snprintf(out, cap, "%s", buf);
}

void notify_keyspace(int cls, const char *event, const char *key, size_t klen,
                     int dbid)
{
    if (module_classes & cls) module_fn(cls, event, key, klen, dbid);
    int f = srv.notify_flags;
    if (!(f & cls) || !notify_listeners.publish) return;
    char ch[128];
    if (f & NOTIFY_KEYSPACE) {
        int n = snprintf(ch, sizeof(ch), "__keyspace@%d__:", dbid);
        size_t total = (size_t)n + klen;
        char small[512];
        char *buf = total <= sizeof(small) ? small : mem_alloc(total);
        memcpy(buf, ch, (size_t)n);
        memcpy(buf + n, key, klen);
        notify_listeners.publish(buf, total, event, strlen(event));
        if (buf != small) mem_free(buf);
    }
    if (f & NOTIFY_KEYEVENT) {
        int n = snprintf(ch, sizeof(ch), "__keyevent@%d__:%s", dbid, event);
        notify_listeners.publish(ch, (size_t)n, key, klen);
    }
}

void notify_key_modified(int dbid, const char *key, size_t klen)
{
    if (notify_listeners.key_modified) notify_listeners.key_modified(dbid, key, klen);
    if (notify_listeners.track_key_modified)
        notify_listeners.track_key_modified(dbid, key, klen);
}

void notify_db_modified(int dbid)
{
    if (notify_listeners.db_modified) notify_listeners.db_modified(dbid);
}
