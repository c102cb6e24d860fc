/*
 * slowlog.h — the slow log: the last `slowlog-max-len` commands that took
 * at least `slowlog-log-slower-than` microseconds, newest first, as
 * SLOWLOG GET shows them.
 *
 * An entry owns copies of everything it shows (arguments cut as Redis
 * cuts them, client address and name): it points at no command record
 * and no module memory, so unloading a module leaves it valid.
 */
#ifndef MODIS_SLOWLOG_H
#define MODIS_SLOWLOG_H

#include <stddef.h>

#include "reply.h"
#include "sdk_host.h"

/* Record a command that ran for dur_us microseconds if the thresholds say
 * so, dropping the oldest entries beyond slowlog-max-len. argv is as it
 * may be shown (secrets redacted by the caller); name may be NULL. */
void slowlog_push(int argc, const md_arg_t *argv, long long dur_us, const char *addr,
                  const char *name);
/* Would a command of dur_us microseconds be recorded? */
int slowlog_wants(long long dur_us);
/* SLOWLOG GET's reply: the `count` newest entries (all when count < 0). */
void slowlog_reply(reply_t *r, int proto, long count);
size_t slowlog_len(void);
void slowlog_reset(void);

#endif
