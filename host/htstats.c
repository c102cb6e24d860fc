/*
 * htstats.c — see htstats.h. The wording and number formats are Redis's
 * (dict.c's _dictGetStatsHt of Redis 7.2+): without `full` only the size
 * and the element count; an empty table says so.
 */
#include "htstats.h"

#include <stdarg.h>
#include <stdio.h>

#define VECTLEN 50 /* chain lengths counted apart (the last: this or more) */

static size_t put(char *buf, size_t cap, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static size_t put(char *buf, size_t cap, size_t len, const char *fmt, ...)
{
    if (len >= cap) return len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
    if (n < 0) return len;
    return len + (size_t)n < cap ? len + (size_t)n : cap - 1;
}

/* One table's chain statistics. */
static size_t chains(char *buf, size_t cap, size_t len, const htstats_table_t *t, int side)
{
    unsigned long vec[VECTLEN] = {0}, slots = 0, maxlen = 0, total = 0;
    for (size_t i = 0; i < t->size[side]; i++) {
        size_t n = t->chain(t->table, side, i);
        vec[n < VECTLEN ? n : VECTLEN - 1]++;
        if (!n) continue;
        slots++;
        if (n > maxlen) maxlen = n;
        total += n;
    }
    len = put(buf, cap, len,
              " different slots: %lu\n max chain length: %lu\n"
              " avg chain length (counted): %.02f\n avg chain length (computed): %.02f\n"
              " Chain length distribution:\n",
              slots, maxlen, (float)total / slots, (float)t->used[side] / slots);
    for (size_t i = 0; i < VECTLEN - 1; i++) {
        if (!vec[i]) continue;
        len = put(buf, cap, len, "   %zu: %lu (%.02f%%)\n", i, vec[i],
                  ((float)vec[i] / t->size[side]) * 100);
    }
    return len;
}

size_t htstats_format(char *buf, size_t cap, size_t len, const char *title,
                      const htstats_table_t *t, int full)
{
    if (title) len = put(buf, cap, len, "%s", title);
    for (int side = 0; side < 2; side++) {
        if (side == 1 && !t->size[1]) break;
        const char *what = side == 0 ? "main hash table" : "rehashing target";
        len = put(buf, cap, len, "Hash table %d stats (%s):\n", side, what);
        if (!t->used[side]) {
            len = put(buf, cap, len, "No stats available for empty dictionaries\n");
            continue;
        }
        len = put(buf, cap, len, " table size: %zu\n number of elements: %zu\n",
                  t->size[side], t->used[side]);
        if (full && t->chain) len = chains(buf, cap, len, t, side);
    }
    return len;
}
