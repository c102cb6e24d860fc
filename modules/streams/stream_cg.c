/*
 * stream_cg.c — the consumer groups of a stream (see stream_cg.h):
 * creation in name order, copying (the shared NACKs re-linked to the
 * copied consumers), memory accounting and freeing.
 */
#include <string.h>
#include "stream_cg.h"

/* Compare a name with n[0..len): < 0, 0 or > 0 as memcmp order. */
static int name_cmp(const char *a, size_t alen, const void *b, size_t blen)
{
    size_t m = alen < blen ? alen : blen;
    int c = m ? memcmp(a, b, m) : 0;
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

/* The slot where name belongs in a sorted array of n items whose names
 * (items with name/nlen); *found when it is there. */
#define SLOT_OF(arr, n, nm, ln, found)                                     \
    ({                                                                        \
        size_t lo_ = 0, hi_ = (n);                                            \
        *(found) = 0;                                                         \
        while (lo_ < hi_) {                                                   \
            size_t mid_ = (lo_ + hi_) / 2;                                    \
            int c_ = name_cmp((arr)[mid_]->name, (arr)[mid_]->nlen, nm, ln); \
            if (c_ == 0) {                                                    \
                *(found) = 1;                                                 \
                lo_ = mid_;                                                   \
                break;                                                        \
            }                                                                 \
            if (c_ < 0) lo_ = mid_ + 1;                                       \
            else hi_ = mid_;                                                  \
        }                                                                     \
        lo_;                                                                  \
    })

static char *name_dup(const void *p, size_t n)
{
    char *s = md_alloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

scg_t *scg_create(stream_t *s, const void *name, size_t nlen, const sid_t *last_id,
                  long long entries_read)
{
    int found;
    size_t at = SLOT_OF(s->groups, s->ngroups, name, nlen, &found);
    scg_t *g;

    if (found) return NULL;
    g = md_calloc(sizeof *g);
    g->name = name_dup(name, nlen);
    g->nlen = nlen;
    g->last_id = *last_id;
    g->entries_read = entries_read;
    srax_init(&g->pel);
    s->groups = md_realloc(s->groups, (s->ngroups + 1) * sizeof *s->groups);
    memmove(s->groups + at + 1, s->groups + at, (s->ngroups - at) * sizeof *s->groups);
    s->groups[at] = g;
    s->ngroups++;
    return g;
}

scg_consumer_t *scg_consumer_create(scg_t *g, const void *name, size_t nlen,
                                    int64_t seen, int64_t active)
{
    int found;
    size_t at = SLOT_OF(g->cons, g->ncons, name, nlen, &found);
    scg_consumer_t *c;

    if (found) return NULL;
    c = md_calloc(sizeof *c);
    c->name = name_dup(name, nlen);
    c->nlen = nlen;
    c->seen_time = seen;
    c->active_time = active;
    srax_init(&c->pel);
    g->cons = md_realloc(g->cons, (g->ncons + 1) * sizeof *g->cons);
    memmove(g->cons + at + 1, g->cons + at, (g->ncons - at) * sizeof *g->cons);
    g->cons[at] = c;
    g->ncons++;
    return c;
}

static void free_consumer(scg_consumer_t *c)
{
    srax_clear(&c->pel, NULL);
    md_free(c->name);
    md_free(c);
}

static void free_group(scg_t *g)
{
    for (size_t i = 0; i < g->ncons; i++) free_consumer(g->cons[i]);
    md_free(g->cons);
    srax_clear(&g->pel, md_free);
    md_free(g->name);
    md_free(g);
}

void scg_free_all(stream_t *s)
{
    for (size_t i = 0; i < s->ngroups; i++) free_group(s->groups[i]);
    md_free(s->groups);
    s->groups = NULL;
    s->ngroups = 0;
}

/* A copy of g: consumers first, then the NACKs, each linked to the copy
 * of its consumer (found by name) and put in that consumer's PEL. */
static void dup_group(stream_t *d, const scg_t *g)
{
    scg_t *n = scg_create(d, g->name, g->nlen, &g->last_id, g->entries_read);
    for (size_t i = 0; i < g->ncons; i++)
        scg_consumer_create(n, g->cons[i]->name, g->cons[i]->nlen, g->cons[i]->seen_time,
                            g->cons[i]->active_time);
    for (srax_leaf_t *l = srax_first(&g->pel); l; l = srax_seek(&g->pel, &l->key, SRAX_GT)) {
        const scg_nack_t *a = l->val;
        scg_nack_t *b = md_alloc(sizeof *b);
        int found;
        size_t at = SLOT_OF(n->cons, n->ncons, a->consumer->name, a->consumer->nlen, &found);
        *b = *a;
        b->consumer = n->cons[at];
        srax_insert(&n->pel, &l->key, b, NULL);
        srax_insert(&b->consumer->pel, &l->key, b, NULL);
    }
}

void scg_dup_all(stream_t *d, const stream_t *s)
{
    for (size_t i = 0; i < s->ngroups; i++) dup_group(d, s->groups[i]);
}

size_t scg_mem_all(const stream_t *s)
{
    size_t n = s->ngroups * sizeof(scg_t *);
    for (size_t i = 0; i < s->ngroups; i++) {
        const scg_t *g = s->groups[i];
        n += sizeof *g + g->nlen + 1 + srax_mem(&g->pel) +
             g->pel.count * sizeof(scg_nack_t) + g->ncons * sizeof(scg_consumer_t *);
        for (size_t j = 0; j < g->ncons; j++)
            n += sizeof(scg_consumer_t) + g->cons[j]->nlen + 1 + srax_mem(&g->cons[j]->pel);
    }
    return n;
}

long long scg_estimate_read(const stream_t *s, const sid_t *id)
{
    static const sid_t zero = {0, 0};
    int cmp_last = sid_cmp(id, &s->last_id), cmp_first;

    if (s->entries_added == 0) return 0;
    if (s->length == 0 && cmp_last < 1) return (long long)s->entries_added;
    if (cmp_last == 0) return (long long)s->entries_added;
    if (cmp_last > 0) return SCG_ENTRIES_READ_UNKNOWN;
    cmp_first = sid_cmp(id, &s->first_id);
    if (sid_cmp(&s->max_deleted_id, &zero) == 0 || sid_cmp(&s->max_deleted_id, &s->first_id) < 0) {
        if (cmp_first < 0) return (long long)(s->entries_added - s->length);
        if (cmp_first == 0) return (long long)(s->entries_added - s->length + 1);
    }
    return SCG_ENTRIES_READ_UNKNOWN;
}

scg_t *scg_find(const stream_t *s, const void *p, size_t n)
{
    int found;
    size_t at = SLOT_OF(s->groups, s->ngroups, p, n, &found);
    return found ? s->groups[at] : NULL;
}

scg_consumer_t *scg_consumer_find(const scg_t *g, const void *p, size_t n)
{
    int found;
    size_t at = SLOT_OF(g->cons, g->ncons, p, n, &found);
    return found ? g->cons[at] : NULL;
}

void scg_destroy(stream_t *s, scg_t *g)
{
    int found;
    size_t at = SLOT_OF(s->groups, s->ngroups, g->name, g->nlen, &found);
    memmove(s->groups + at, s->groups + at + 1, (s->ngroups - at - 1) * sizeof *s->groups);
    s->ngroups--;
    free_group(g);
}

size_t scg_consumer_delete(scg_t *g, scg_consumer_t *c)
{
    int found;
    size_t at = SLOT_OF(g->cons, g->ncons, c->name, c->nlen, &found), n = c->pel.count;
    for (srax_leaf_t *l = srax_first(&c->pel); l; l = srax_seek(&c->pel, &l->key, SRAX_GT)) {
        void *nack;
        srax_remove(&g->pel, &l->key, &nack);
        md_free(nack);
    }
    memmove(g->cons + at, g->cons + at + 1, (g->ncons - at - 1) * sizeof *g->cons);
    g->ncons--;
    free_consumer(c);
    return n;
}

scg_nack_t *scg_nack_assign(scg_t *g, const sid_t *id, scg_consumer_t *c)
{
    srax_leaf_t *l = srax_find(&g->pel, id);
    scg_nack_t *n;
    if (l == NULL) {
        n = md_calloc(sizeof *n);
        n->delivery_count = 1;   /* as Redis's streamCreateNACK */
        srax_insert(&g->pel, id, n, NULL);
    } else {
        n = l->val;
    }
    if (n->consumer != c) {
        if (n->consumer) srax_remove(&n->consumer->pel, id, NULL);
        srax_insert(&c->pel, id, n, NULL);
        n->consumer = c;
    }
    return n;
}

int scg_nack_remove(scg_t *g, const sid_t *id)
{
    void *v;
    scg_nack_t *n;
    if (!srax_remove(&g->pel, id, &v)) return 0;
    n = v;
    srax_remove(&n->consumer->pel, id, NULL);
    md_free(n);
    return 1;
}

int scg_range_has_tombstones(const stream_t *s, const sid_t *start)
{
    if (s->length == 0 || (s->max_deleted_id.ms == 0 && s->max_deleted_id.seq == 0)) return 0;
    if (sid_cmp(&s->first_id, &s->max_deleted_id) > 0) return 0;
    return sid_cmp(start, &s->max_deleted_id) <= 0;
}

long long scg_lag(const stream_t *s, const scg_t *g)
{
    long long read;
    if (s->entries_added == 0) return 0;
    if (g->entries_read != SCG_ENTRIES_READ_UNKNOWN && !scg_range_has_tombstones(s, &g->last_id))
        return (long long)s->entries_added - g->entries_read;
    read = scg_estimate_read(s, &g->last_id);
    return read == SCG_ENTRIES_READ_UNKNOWN ? -1 : (long long)s->entries_added - read;
}
