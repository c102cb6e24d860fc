/*
 * monitor.c — see monitor.h. The monitors are an array of clients, each
 * flagged CLIENT_MONITOR while it is in it. A line is formatted once and
 * appended to every monitor's buffer (its push buffer, which CLIENT REPLY
 * OFF does not silence); arguments are quoted as sdscatrepr quotes them.
 * The client address is "lua"-free: Modis has no scripts; a client
 * without socket (a module's md_call) shows "?:0" as Redis's fake clients
 * do, a Unix socket client "unix:<path>".
 */
#include "monitor.h"
#include "client.h"
#include "mem.h"
#include "resp.h"
#include "server.h"
#include "util.h"
#include "words.h"

#include <stdio.h>
#include <string.h>

static client_t **monitors;
static int nmonitors, capmonitors;

void monitor_add(client_t *c)
{
    if (c->flags & CLIENT_MONITOR) return;
    if (nmonitors == capmonitors) {
        capmonitors = capmonitors ? capmonitors * 2 : 4;
        monitors = mem_realloc(monitors, sizeof(*monitors) * (size_t)capmonitors);
    }
    monitors[nmonitors++] = c;
    c->flags |= CLIENT_MONITOR;
}

int monitor_active(void) { return nmonitors > 0; }

void monitor_client_gone(client_t *c)
{
    if (!(c->flags & CLIENT_MONITOR)) return;
    for (int i = 0; i < nmonitors; i++)
        if (monitors[i] == c) {
            monitors[i] = monitors[--nmonitors];
            break;
        }
    c->flags &= ~CLIENT_MONITOR;
}

/* "[db addr] " part of the line. */
static int origin(const client_t *from, int dbid, char *buf, size_t cap)
{
    if (from->flags & CLIENT_UNIX)
        return snprintf(buf, cap, "[%d unix:%s] ", dbid, srv.unixsocket ? srv.unixsocket : "");
    return snprintf(buf, cap, "[%d %s] ", dbid, from->addr[0] ? from->addr : "?:0");
}

void monitor_feed(client_t *from, int dbid, int argc, const md_arg_t *argv)
{
    char head[256];
    int64_t us = util_ustime();
    int hl = snprintf(head, sizeof(head), "+%lld.%06lld ", (long long)(us / 1000000),
                      (long long)(us % 1000000));
    hl += origin(from, dbid, head + hl, sizeof(head) - (size_t)hl);
    if (hl >= (int)sizeof(head)) hl = (int)sizeof(head) - 1;
    size_t cap = (size_t)hl + 3;
    for (int i = 0; i < argc; i++) cap += 4 * argv[i].len + 4;
    char *line = mem_alloc(cap);
    memcpy(line, head, (size_t)hl);
    size_t len = (size_t)hl;
    for (int i = 0; i < argc; i++) {
        if (i) line[len++] = ' ';
        len += words_repr(line + len, argv[i].ptr, argv[i].len);
    }
    line[len++] = '\r';
    line[len++] = '\n';
    for (int i = 0; i < nmonitors; i++) {
        client_t *m = monitors[i];
        if (m->flags & CLIENT_CLOSE_ASAP) continue;
        resp_add_raw(client_push(m), line, len);
        client_want_write(m);
    }
    mem_free(line);
}
