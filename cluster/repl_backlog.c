/*
 * repl_backlog.c — the circular replication backlog. See repl_backlog.h.
 *
 * `buf` has `size` bytes; `idx` is where the next byte goes; the held
 * bytes are the `histlen` bytes before idx (wrapping around).
 */
#include "cluster/repl_backlog.h"
#include "host/mem.h"
#include "host/reply.h"

#include <string.h>

static char *buf;
static long long size, idx, histlen, first;

void backlog_create(long long sz, long long next_offset)
{
    backlog_free();
    size = sz;
    buf = mem_alloc((size_t)size);
    idx = histlen = 0;
    first = next_offset;
}

void backlog_free(void)
{
    mem_free(buf);
    buf = NULL;
    size = idx = histlen = 0;
    first = 0;
}

int backlog_active(void) { return buf != NULL; }
long long backlog_first_offset(void) { return buf ? first : 0; }
long long backlog_histlen(void) { return histlen; }
size_t backlog_memory(void) { return buf ? (size_t)size : 0; }

void backlog_feed(const char *p, size_t n)
{
    if (!buf) return;
    size_t left = n;
    while (left) {
        size_t room = (size_t)(size - idx);
        size_t k = left < room ? left : room;
        memcpy(buf + idx, p, k);
        p += k;
        left -= k;
        idx = (idx + (long long)k) % size;
        histlen += (long long)k;
    }
    if (histlen > size) {
        first += histlen - size;
        histlen = size;
    }
}

int backlog_covers(long long from)
{
    return buf && from >= first && from <= first + histlen;
}

/* Visit the held bytes from stream offset `from` in at most two runs. */
long long backlog_copy(long long from, reply_t *out)
{
    long long skip = from - first, n = histlen - skip;
    long long start = (idx - histlen + skip + 2 * size) % size;
    long long k = n < size - start ? n : size - start;
    reply_append(out, buf + start, (size_t)k);
    if (n > k) reply_append(out, buf, (size_t)(n - k));
    return n;
}

void backlog_resize(long long sz)
{
    if (!buf || sz == size) return;
    long long keep = histlen < sz ? histlen : sz;
    char *nb = mem_alloc((size_t)sz);
    long long start = (idx - keep + size) % size;
    for (long long i = 0; i < keep; i++) nb[i] = buf[(start + i) % size];
    mem_free(buf);
    first += histlen - keep;
    buf = nb;
    size = sz;
    histlen = keep;
    idx = keep % sz;
}
