/*
 * pause.c — see pause.h. CLIENT PAUSE has one mode and one end time; a
 * timer on the event loop ends it. A hold (FAILOVER) has a mode and no
 * end; srv.clients_paused is the stronger of the two. Postponed clients
 * are kept by id (a client may be freed while others resume), resumed
 * from a zero-delay event so that CLIENT UNPAUSE never runs other
 * clients' commands inside itself; under a WRITE pause they run again and
 * those that write are postponed anew.
 */
#include "pause.h"
#include "client.h"
#include "mem.h"
#include "server.h"
#include "util.h"

#include <event2/event.h>
#include <string.h>

static int64_t end_time;
static int client_mode, held_mode; /* PAUSE_*: CLIENT PAUSE's, the hold's */
static struct event *timer, *resumer;
static uint64_t *postponed;
static int npostponed, cappostponed;

static void on_end(evutil_socket_t fd, short what, void *arg);

/* Run the postponed clients again (they may be postponed anew by a pause
 * that began meanwhile). */
static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    if (srv.clients_paused == PAUSE_ALL) return;
    int n = npostponed;
    uint64_t *ids = postponed;
    postponed = NULL;
    npostponed = cappostponed = 0;
    for (int i = 0; i < n; i++) {
        client_t *c = client_by_id(ids[i]);
        if (!c) continue;
        c->flags &= ~CLIENT_POSTPONED;
        client_resume_input(c);
    }
    mem_free(ids);
}

static void arm(struct event **ev, event_callback_fn fn, int64_t delay_ms)
{
    if (!*ev) *ev = evtimer_new(srv.base, fn, NULL);
    struct timeval tv = {(time_t)(delay_ms / 1000), (suseconds_t)(delay_ms % 1000) * 1000};
    evtimer_add(*ev, &tv);
}

static void on_end(evutil_socket_t fd, short what, void *arg)
{
    int64_t left = end_time - util_mstime();
    if (client_mode && left > 0) {
        arm(&timer, on_end, left); /* the clock went back: not yet */
        return;
    }
    pause_stop();
}

static void set_mode(void)
{
    srv.clients_paused = client_mode > held_mode ? client_mode : held_mode;
    if (srv.clients_paused != PAUSE_ALL && npostponed) arm(&resumer, on_resume, 0);
}

void pause_start(int mode, int64_t end_ms)
{
    if (mode > client_mode) client_mode = mode;
    set_mode();
    if (end_ms > end_time) end_time = end_ms;
    int64_t left = end_time - util_mstime();
    arm(&timer, on_end, left > 0 ? left : 0);
}

void pause_stop(void)
{
    client_mode = PAUSE_NONE;
    end_time = 0;
    if (timer) evtimer_del(timer);
    set_mode();
}

void pause_hold(int mode)
{
    held_mode = mode;
    set_mode();
}

void pause_release(void)
{
    held_mode = PAUSE_NONE;
    set_mode();
}

int pause_must_wait(const client_t *c, int writes)
{
    if (!srv.clients_paused || (c->flags & CLIENT_FAKE)) return 0;
    return srv.clients_paused == PAUSE_ALL || writes;
}

void pause_postpone(client_t *c)
{
    if (npostponed == cappostponed) {
        cappostponed = cappostponed ? cappostponed * 2 : 8;
        postponed = mem_realloc(postponed, sizeof(*postponed) * (size_t)cappostponed);
    }
    postponed[npostponed++] = c->id;
    c->flags |= CLIENT_POSTPONED;
}

int pause_postponed(void) { return npostponed; }

void pause_client_gone(client_t *c)
{
    if (!(c->flags & CLIENT_POSTPONED)) return;
    for (int i = 0; i < npostponed; i++)
        if (postponed[i] == c->id) {
            memmove(postponed + i, postponed + i + 1,
                    sizeof(*postponed) * (size_t)(npostponed - i - 1));
            npostponed--;
            break;
        }
    c->flags &= ~CLIENT_POSTPONED;
}
