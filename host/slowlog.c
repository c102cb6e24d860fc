/*
 * slowlog.c — see slowlog.h. Entries form a doubly linked list, newest at
 * the head; each is one allocation holding its argument array and the
 * strings. As in Redis, at most 32 arguments are kept (the 32nd then says
 * how many more there were) and each is cut at 128 bytes with a note of
 * the bytes left out; a shorter slowlog-max-len takes effect at the next
 * push.
 */
#include "slowlog.h"
#include "mem.h"
#include "resp.h"
#include "server.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define SLOWLOG_MAX_ARGC 32
#define SLOWLOG_MAX_STRING 128

typedef struct slowlog_entry {
    struct slowlog_entry *newer, *older;
    long long id, time_s, dur_us;
    int argc;
    md_arg_t *argv;      /* into the same allocation */
    const char *addr, *name;
} slowlog_entry_t;

static slowlog_entry_t *newest, *oldest;
static size_t count;
static long long next_id;

/* The text one shown argument takes: the argument itself, or the
 * argument cut with its note, or the note on the arguments left out. Writes into note (room for 64). */
static md_arg_t shown_arg(int i, int argc, int kept, const md_arg_t *argv, char *note,
                          size_t *note_len)
{
    *note_len = 0;
    if (kept < argc && i == kept - 1) {
        *note_len = (size_t)snprintf(note, 64, "... (%d more arguments)", argc - kept + 1);
        return (md_arg_t){note, *note_len};
    }
    if (argv[i].len > SLOWLOG_MAX_STRING) {
        *note_len = (size_t)snprintf(note, 64, "... (%zu more bytes)",
                                     argv[i].len - SLOWLOG_MAX_STRING);
        return (md_arg_t){argv[i].ptr, SLOWLOG_MAX_STRING};
    }
    return argv[i];
}

/* One entry holding copies of what SLOWLOG GET shows. */
static slowlog_entry_t *entry_new(int argc, const md_arg_t *argv, const char *addr,
                                  const char *name)
{
    int kept = argc > SLOWLOG_MAX_ARGC ? SLOWLOG_MAX_ARGC : argc;
    char note[64];
    size_t nl, bytes = sizeof(slowlog_entry_t) + (size_t)kept * sizeof(md_arg_t);
    for (int i = 0; i < kept; i++) {
        md_arg_t a = shown_arg(i, argc, kept, argv, note, &nl);
        bytes += (a.ptr == note ? 0 : a.len) + nl + 1;
    }
    bytes += strlen(addr) + 1 + (name ? strlen(name) : 0) + 1;
    slowlog_entry_t *e = mem_alloc(bytes);
    e->argc = kept;
    e->argv = (md_arg_t *)(e + 1);
    char *p = (char *)(e->argv + kept);
    for (int i = 0; i < kept; i++) {
        md_arg_t a = shown_arg(i, argc, kept, argv, note, &nl);
        e->argv[i].ptr = p;
        if (a.ptr != note) {
            memcpy(p, a.ptr, a.len);
            p += a.len;
            e->argv[i].len = a.len + nl;
        } else {
            e->argv[i].len = nl;
        }
        memcpy(p, note, nl);
        p += nl;
        *p++ = '\0';
    }
    e->addr = p;
    p = stpcpy(p, addr) + 1;
    e->name = p;
    strcpy(p, name ? name : "");
    return e;
}

static void drop_oldest(void)
{
    slowlog_entry_t *e = oldest;
    oldest = e->newer;
    if (oldest) oldest->older = NULL;
    else newest = NULL;
    count--;
    mem_free(e);
}

int slowlog_wants(long long dur_us)
{
    return srv.slowlog_log_slower_than >= 0 && srv.slowlog_max_len != 0 &&
           dur_us >= srv.slowlog_log_slower_than;
}

void slowlog_push(int argc, const md_arg_t *argv, long long dur_us, const char *addr,
                  const char *name)
{
    if (!slowlog_wants(dur_us)) return;
    slowlog_entry_t *e = entry_new(argc, argv, addr, name);
    e->id = next_id++;
    e->time_s = util_mstime() / 1000;
    e->dur_us = dur_us;
    e->older = newest;
    e->newer = NULL;
    if (newest) newest->newer = e;
    else oldest = e;
    newest = e;
    count++;
    while (count > (size_t)srv.slowlog_max_len) drop_oldest();
}

void slowlog_reply(reply_t *r, int proto, long n)
{
    size_t want = n < 0 || (size_t)n > count ? count : (size_t)n;
    resp_add_agg(r, proto, '*', (long)want);
    slowlog_entry_t *e = newest;
    for (size_t k = 0; k < want; k++, e = e->older) {
        resp_add_agg(r, proto, '*', 6);
        resp_add_int(r, e->id);
        resp_add_int(r, e->time_s);
        resp_add_int(r, e->dur_us);
        resp_add_agg(r, proto, '*', e->argc);
        for (int i = 0; i < e->argc; i++) resp_add_bulk(r, e->argv[i].ptr, e->argv[i].len);
        resp_add_bulk_cstr(r, e->addr);
        resp_add_bulk_cstr(r, e->name);
    }
}

size_t slowlog_len(void) { return count; }

void slowlog_reset(void)
{
    while (oldest) drop_oldest();
}
