/*
 * test_ks.c — the keyspace table (host/ks.c) and the pointer set behind
 * each db's TTL index (host/ptrset.c): insert/find/delete at scale,
 * incremental rehashing while growing and shrinking, the SCAN guarantee
 * (every key present for the whole scan is returned, while keys are added
 * and removed between cursor calls and the table resizes), TTL and
 * sub-key TTL bookkeeping, lazy expiry, detach/re-add, SWAPDB, random
 * picks, LRU/LFU data, flushing without leaks, and ptrset
 * add/delete/sampling/shrinking.
 *
 * ks.c reaches the rest of the server only through ks_hooks and the type
 * slots, so this file supplies both: a hook table driven by a fake clock,
 * and one type slot ("tval", registered with types_add) whose values are
 * counted allocations carrying an id.
 */
#include "ks.h"
#include "ks_hooks.h"
#include "mem.h"
#include "ptrset.h"
#include "types.h"
#include "util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what ks.c links against ---- */

ks_hooks_t ks_hooks;

static int64_t fake_now = 1700000000000LL;
static int lfu_on;
static long expired_calls;
static long live_values;
static md_type_t *tval;

static int64_t h_now(void) { return fake_now; }
static int h_may_expire(void) { return 1; }
static void h_expired(ks_db_t *db, ks_entry_t *e) { expired_calls++; }
static void h_free_value(md_type_t *t, void *v, int lazy) { (void)lazy; t->ops.free(v); }
static int h_lazy_expire(void) { return 0; }
static int h_lfu(void) { return lfu_on; }
static unsigned h_decay(void) { return 1; }
static unsigned h_logf(void) { return 10; }

typedef struct tv {
    long id;
} tv_t;

static void tv_free(void *v)
{
    live_values--;
    mem_free(v);
}

static void *tv_copy(const void *v)
{
    tv_t *n = mem_alloc(sizeof(*n));
    n->id = ((const tv_t *)v)->id;
    live_values++;
    return n;
}

static void *tv_new(long id)
{
    tv_t *n = mem_alloc(sizeof(*n));
    n->id = id;
    live_values++;
    return n;
}

static long tv_id(const ks_entry_t *e) { return ((const tv_t *)e->value)->id; }

static void setup(void)
{
    ks_hooks.now_ms = h_now;
    ks_hooks.may_expire = h_may_expire;
    ks_hooks.expired = h_expired;
    ks_hooks.free_value = h_free_value;
    ks_hooks.lazy_expire = h_lazy_expire;
    ks_hooks.lfu = h_lfu;
    ks_hooks.lfu_decay_time = h_decay;
    ks_hooks.lfu_log_factor = h_logf;
    fake_now = 1700000000000LL;
    lfu_on = 0;
    expired_calls = 0;
    memset(&ks_stats, 0, sizeof(ks_stats));
    if (!tval) {
        static const md_type_ops_t ops = {
            .size = sizeof(md_type_ops_t), .free = tv_free, .copy = tv_copy};
        tval = types_add(NULL, "tval", &ops);
    }
}

/* ---- helpers ---- */

static int keyname(char *buf, size_t cap, const char *prefix, long i)
{
    return snprintf(buf, cap, "%s%ld", prefix, i);
}

static ks_entry_t *add_key(ks_db_t *db, const char *prefix, long i, long id)
{
    char k[64];
    int n = keyname(k, sizeof(k), prefix, i);
    return ks_add(db, k, (size_t)n, tval->id, tv_new(id));
}

static ks_entry_t *find_key(ks_db_t *db, const char *prefix, long i)
{
    char k[64];
    int n = keyname(k, sizeof(k), prefix, i);
    return ks_find(db, k, (size_t)n);
}

static void del_key(ks_db_t *db, const char *prefix, long i)
{
    ks_entry_t *e = find_key(db, prefix, i);
    ck_assert_ptr_nonnull(e);
    ks_delete(db, e);
}

static void finish_rehash(ks_db_t *db)
{
    for (int i = 0; i < 100000 && db->t.rehashidx != -1; i++)
        ks_rehash_step_time(db, 1000000);
    ck_assert_int_eq(db->t.rehashidx, -1);
    ck_assert_ptr_null(db->t.b[1]);
}


/* Count of entries reached by walking every bucket of both tables. */
static size_t walk_count(const ks_db_t *db)
{
    size_t n = 0;
    for (int ti = 0; ti <= 1; ti++) {
        if (!db->t.b[ti]) continue;
        for (uint64_t i = 0; i <= db->t.mask[ti]; i++)
            for (ks_entry_t *e = db->t.b[ti][i]; e; e = e->next) n++;
    }
    return n;
}

/* ---- table: add, find, delete ---- */

START_TEST(add_find_delete)
{
    ks_db_t db;
    size_t base = mem_used();
    ks_db_init(&db, 3);
    ck_assert_int_eq(db.id, 3);
    ck_assert_uint_eq(ks_size(&db), 0);
    ck_assert_ptr_null(find_key(&db, "k:", 1));
    const long n = 20000;
    uint64_t gen = ks_gen;
    for (long i = 0; i < n; i++) add_key(&db, "k:", i, i);
    ck_assert(ks_gen > gen);
    ck_assert_uint_eq(ks_size(&db), n);
    ck_assert_uint_eq(walk_count(&db), n);
    ck_assert_uint_eq(tval->nkeys, n);
    for (long i = 0; i < n; i++) {
        ks_entry_t *e = find_key(&db, "k:", i);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(tv_id(e), i);
        ck_assert_int_eq(e->type, tval->id);
        ck_assert_int_eq(e->expire, 0);
    }
    ck_assert_ptr_null(find_key(&db, "k:", n));
    ck_assert_ptr_null(find_key(&db, "x:", 1));
    /* delete the even keys */
    for (long i = 0; i < n; i += 2) del_key(&db, "k:", i);
    ck_assert_uint_eq(ks_size(&db), n / 2);
    ck_assert_uint_eq(walk_count(&db), n / 2);
    ck_assert_int_eq(live_values, n / 2);
    for (long i = 0; i < n; i++) {
        ks_entry_t *e = find_key(&db, "k:", i);
        if (i % 2) ck_assert(e && tv_id(e) == i);
        else ck_assert_ptr_null(e);
    }
    ck_assert_uint_eq(ks_flush(&db, 0), n / 2);
    ck_assert_uint_eq(ks_size(&db), 0);
    ck_assert_int_eq(live_values, 0);
    ck_assert_uint_eq(tval->nkeys, 0);
    ck_assert_int_eq(db.id, 3);
    ck_assert_uint_eq(mem_used(), base); /* entries and bucket arrays freed */
    /* the flushed db is usable again */
    add_key(&db, "k:", 1, 1);
    ck_assert_ptr_nonnull(find_key(&db, "k:", 1));
    ks_flush(&db, 0);
    ck_assert_uint_eq(mem_used(), base);
}
END_TEST

START_TEST(binary_keys)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    static const char a[] = "a\0b", b[] = "a\0c";
    ks_add(&db, a, 3, tval->id, tv_new(1));
    ks_add(&db, b, 3, tval->id, tv_new(2));
    ks_add(&db, "a", 1, tval->id, tv_new(3));
    ks_add(&db, "", 0, tval->id, tv_new(4));
    ck_assert_int_eq(tv_id(ks_find(&db, a, 3)), 1);
    ck_assert_int_eq(tv_id(ks_find(&db, b, 3)), 2);
    ck_assert_int_eq(tv_id(ks_find(&db, "a", 1)), 3);
    ck_assert_int_eq(tv_id(ks_find(&db, "", 0)), 4);
    ck_assert_ptr_null(ks_find(&db, "a\0", 2));
    ks_entry_t *e = ks_find(&db, a, 3);
    ck_assert_uint_eq(e->keylen, 3);
    ck_assert(memcmp(e->key, a, 3) == 0);
    ks_delete(&db, ks_find(&db, "", 0));
    ck_assert_ptr_null(ks_find(&db, "", 0));
    ck_assert_uint_eq(ks_size(&db), 3);
    ks_flush(&db, 0);
    ck_assert_int_eq(live_values, 0);
}
END_TEST

START_TEST(set_value_frees_old)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    ks_entry_t *e = add_key(&db, "k", 0, 1);
    ks_set_expire(&db, e, fake_now + 1000);
    ks_set_value(&db, e, tval->id, tv_new(2));
    ck_assert_int_eq(live_values, 1);
    ck_assert_int_eq(tv_id(find_key(&db, "k", 0)), 2);
    ck_assert_int_eq(e->expire, fake_now + 1000); /* the TTL is the caller's business */
    ks_flush(&db, 0);
    ck_assert_int_eq(live_values, 0);
}
END_TEST

/* ---- incremental rehashing ---- */

START_TEST(rehash_growth)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    int saw_rehash = 0;
    const long n = 50000;
    for (long i = 0; i < n; i++) {
        add_key(&db, "g:", i, i);
        if (db.t.rehashidx != -1) {
            saw_rehash = 1;
            /* while rehashing both tables hold keys and all are found */
            if (i % 997 == 0) {
                for (long j = 0; j <= i; j += 7) ck_assert_ptr_nonnull(find_key(&db, "g:", j));
                ck_assert_uint_eq(walk_count(&db), (size_t)i + 1);
            }
        }
    }
    ck_assert(saw_rehash);
    finish_rehash(&db);
    ck_assert(db.t.mask[0] + 1 >= (uint64_t)n);
    ck_assert_uint_eq(db.t.used[0], n);
    for (long i = 0; i < n; i++) ck_assert_ptr_nonnull(find_key(&db, "g:", i));
    ks_flush(&db, 0);
}
END_TEST

START_TEST(rehash_shrink)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    const long n = 40000;
    for (long i = 0; i < n; i++) add_key(&db, "s:", i, i);
    finish_rehash(&db);
    uint64_t big = db.t.mask[0] + 1;
    for (long i = 0; i < n; i++)
        if (i % 100) del_key(&db, "s:", i);
    ck_assert_uint_eq(ks_size(&db), n / 100);
    finish_rehash(&db);
    ks_maybe_shrink(&db);
    ck_assert_int_ne(db.t.rehashidx, -1); /* a shrink is an incremental rehash */
    ck_assert(db.t.mask[1] + 1 < big);
    /* lookups and deletes work mid-shrink */
    for (long i = 0; i < n; i += 100) ck_assert_ptr_nonnull(find_key(&db, "s:", i));
    del_key(&db, "s:", 0);
    finish_rehash(&db);
    ck_assert(db.t.mask[0] + 1 < big);
    ck_assert(db.t.mask[0] + 1 >= ks_size(&db));
    ck_assert_uint_eq(ks_size(&db), n / 100 - 1);
    for (long i = 100; i < n; i += 100) ck_assert_ptr_nonnull(find_key(&db, "s:", i));
    /* nothing to do on a small or dense table */
    ks_maybe_shrink(&db);
    ck_assert_int_eq(db.t.rehashidx, -1);
    ks_flush(&db, 0);
    ck_assert_int_eq(live_values, 0);
}
END_TEST

/* ---- SCAN ---- */

typedef struct seen {
    unsigned char *hits;   /* per id: times returned */
    long nids;
    long calls;
} seen_t;

static void seen_cb(void *priv, ks_entry_t *e)
{
    seen_t *s = priv;
    long id = tv_id(e);
    s->calls++;
    if (id >= 0 && id < s->nids && s->hits[id] < 255) s->hits[id]++;
}

START_TEST(scan_empty_and_static)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    seen_t s = {calloc(1, 1), 1, 0};
    ck_assert_uint_eq(ks_scan(&db, 0, seen_cb, &s), 0);
    ck_assert_uint_eq(ks_scan(&db, 12345, seen_cb, &s), 0);
    ck_assert_int_eq(s.calls, 0);
    free(s.hits);

    const long n = 5000;
    for (long i = 0; i < n; i++) add_key(&db, "k:", i, i);
    finish_rehash(&db);
    s = (seen_t){calloc((size_t)n, 1), n, 0};
    uint64_t cur = 0;
    long steps = 0;
    do {
        cur = ks_scan(&db, cur, seen_cb, &s);
        steps++;
    } while (cur);
    /* a table that does not change is visited exactly once */
    for (long i = 0; i < n; i++) ck_assert_int_eq(s.hits[i], 1);
    ck_assert_int_eq(steps, (long)(db.t.mask[0] + 1));
    free(s.hits);
    ks_flush(&db, 0);
}
END_TEST

/* Scan while the table is mid-rehash the whole time (static otherwise). */
START_TEST(scan_during_rehash)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    const long n = 4096 + 1; /* just past a power of two: an expand starts */
    for (long i = 0; i < n; i++) add_key(&db, "k:", i, i);
    ck_assert_int_ne(db.t.rehashidx, -1);
    seen_t s = {calloc((size_t)n, 1), n, 0};
    uint64_t cur = 0;
    do {
        cur = ks_scan(&db, cur, seen_cb, &s);
    } while (cur);
    for (long i = 0; i < n; i++) ck_assert_int_eq(s.hits[i], 1);
    free(s.hits);
    ks_flush(&db, 0);
}
END_TEST

/*
 * The guarantee under churn: "stay" keys (ids 0..n-1) exist for the whole
 * scan; between SCAN-like calls (cursor steps until about `count` entries
 * were visited, as SCAN COUNT does) we add "new" keys (growth, rehashing)
 * and delete "tmp" keys (shrinking, once the cron shrink kicks in).
 */
static void scan_under_churn(long n, long ntmp, int count, int add_per_call,
                             int del_per_call, int shrink)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    for (long i = 0; i < n; i++) add_key(&db, "stay:", i, i);
    for (long i = 0; i < ntmp; i++) add_key(&db, "tmp:", i, n + i);
    seen_t s = {calloc((size_t)n, 1), n, 0};
    uint64_t cur = 0;
    long added = 0, deleted = 0, calls = 0;
    int saw_rehash = 0;
    do {
        long start = s.calls;
        do {
            cur = ks_scan(&db, cur, seen_cb, &s);
        } while (cur && s.calls - start < count);
        calls++;
        for (int k = 0; k < add_per_call; k++, added++)
            add_key(&db, "new:", added, -1);
        for (int k = 0; k < del_per_call && deleted < ntmp; k++, deleted++)
            del_key(&db, "tmp:", deleted);
        if (shrink && db.t.rehashidx == -1) ks_maybe_shrink(&db);
        if (db.t.rehashidx != -1) saw_rehash = 1;
        ck_assert(calls < 1000000);
    } while (cur);
    ck_assert(saw_rehash);
    for (long i = 0; i < n; i++)
        ck_assert_msg(s.hits[i] >= 1, "stay:%ld was never returned", i);
    free(s.hits);
    ks_flush(&db, 0);
    ck_assert_int_eq(live_values, 0);
}

START_TEST(scan_while_growing)
{
    scan_under_churn(10000, 0, 100, 50, 0, 0);
}
END_TEST

START_TEST(scan_while_shrinking)
{
    scan_under_churn(500, 30000, 50, 0, 300, 1);
}
END_TEST

START_TEST(scan_while_growing_and_shrinking)
{
    scan_under_churn(2000, 20000, 100, 30, 200, 1);
}
END_TEST

/* Deleting the entry being visited from inside the callback is allowed. */
static void delete_cb(void *priv, ks_entry_t *e)
{
    ks_delete(priv, e);
}

START_TEST(scan_callback_may_delete_current)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    for (long i = 0; i < 1000; i++) add_key(&db, "k:", i, i);
    finish_rehash(&db);
    uint64_t cur = 0;
    do {
        cur = ks_scan(&db, cur, delete_cb, &db);
    } while (cur);
    ck_assert_uint_eq(ks_size(&db), 0);
    ck_assert_int_eq(live_values, 0);
    ks_flush(&db, 0);
}
END_TEST

/* ---- TTLs and lazy expiry ---- */

START_TEST(expire_bookkeeping)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    ks_entry_t *a = add_key(&db, "a", 0, 1);
    ks_entry_t *b = add_key(&db, "b", 0, 2);
    ck_assert_uint_eq(db.vol.used, 0);
    ks_set_expire(&db, a, fake_now + 100);
    ks_set_expire(&db, a, fake_now + 200); /* update: still one member */
    ks_set_expire(&db, b, fake_now + 300);
    ck_assert_uint_eq(db.vol.used, 2);
    ck_assert(ptrset_has(&db.vol, a) && ptrset_has(&db.vol, b));
    ck_assert_int_eq(a->expire, fake_now + 200);
    ck_assert(!ks_is_expired(a));
    ks_set_expire(&db, b, 0); /* persist */
    ck_assert_int_eq(b->expire, 0);
    ck_assert(!ptrset_has(&db.vol, b));
    ck_assert_uint_eq(db.vol.used, 1);
    ks_set_expire(&db, b, -5); /* negative also means none */
    ck_assert_int_eq(b->expire, 0);

    fake_now += 199;
    ck_assert(!ks_is_expired(a));
    ck_assert_ptr_eq(ks_lookup(&db, "a0", 2), a);
    fake_now += 2;
    ck_assert(ks_is_expired(a));
    ck_assert_ptr_eq(ks_find(&db, "a0", 2), a); /* find does not expire */
    ck_assert_ptr_null(ks_lookup(&db, "a0", 2));
    ck_assert_int_eq(expired_calls, 1);
    ck_assert_int_eq(ks_stats.expired_keys, 1);
    ck_assert_ptr_null(ks_find(&db, "a0", 2));
    ck_assert_uint_eq(db.vol.used, 0);
    ck_assert_uint_eq(ks_size(&db), 1);
    ck_assert_ptr_eq(ks_lookup(&db, "b0", 2), b);
    ks_flush(&db, 0);
    ck_assert_int_eq(live_values, 0);
}
END_TEST

START_TEST(delete_with_ttl_leaves_vol)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    const long n = 3000;
    for (long i = 0; i < n; i++) ks_set_expire(&db, add_key(&db, "t:", i, i), fake_now + 1000 + i);
    ck_assert_uint_eq(db.vol.used, n);
    for (long i = 0; i < n; i += 3) del_key(&db, "t:", i);
    ck_assert_uint_eq(db.vol.used, n - n / 3);
    for (long i = 0; i < n; i++) {
        ks_entry_t *e = find_key(&db, "t:", i);
        if (i % 3 == 0) continue;
        ck_assert(ptrset_has(&db.vol, e));
        ck_assert_int_eq(e->expire, fake_now + 1000 + i);
    }
    ks_flush(&db, 0);
    ck_assert_uint_eq(db.vol.used, 0);
    ck_assert_ptr_null(db.vol.slots);
}
END_TEST

START_TEST(detach_and_readd)
{
    ks_db_t a, b;
    ks_db_init(&a, 0);
    ks_db_init(&b, 1);
    ks_entry_t *e = add_key(&a, "k", 0, 42);
    ks_set_expire(&a, e, fake_now + 5000);
    uint8_t type = 0;
    int64_t exp = 0;
    void *v = ks_detach(&a, e, &type, &exp);
    ck_assert_int_eq(type, tval->id);
    ck_assert_int_eq(exp, fake_now + 5000);
    ck_assert_int_eq(live_values, 1); /* the value is the caller's now */
    ck_assert_uint_eq(ks_size(&a), 0);
    ck_assert_uint_eq(a.vol.used, 0);
    ck_assert_uint_eq(tval->nkeys, 0);
    ks_entry_t *n = ks_add(&b, "renamed", 7, type, v);
    ks_set_expire(&b, n, exp);
    ck_assert_int_eq(tv_id(ks_find(&b, "renamed", 7)), 42);
    ck_assert(ptrset_has(&b.vol, n));
    ck_assert_uint_eq(tval->nkeys, 1);
    ks_flush(&a, 0);
    ks_flush(&b, 0);
    ck_assert_int_eq(live_values, 0);
}
END_TEST

START_TEST(subexpire_tracking)
{
    ks_db_t a, b;
    ks_db_init(&a, 0);
    ks_db_init(&b, 1);
    ks_entry_t *e = add_key(&a, "h", 0, 7);
    ck_assert_int_eq(e->subexp, 0);
    ks_set_subexpire(&a, e, 1);
    ks_set_subexpire(&a, e, 1); /* idempotent */
    ck_assert_int_eq(e->subexp, 1);
    ck_assert_uint_eq(a.subvol.used, 1);
    ck_assert(ptrset_has(&a.subvol, e));
    uint8_t type;
    int64_t exp;
    int sub = 0;
    void *v = ks_detach_sub(&a, e, &type, &exp, &sub);
    ck_assert_int_eq(sub, 1);
    ck_assert_int_eq(exp, 0);
    ck_assert_uint_eq(a.subvol.used, 0);
    ks_entry_t *n = ks_add(&b, "h2", 2, type, v);
    ks_set_subexpire(&b, n, sub);
    ck_assert(ptrset_has(&b.subvol, n));
    ks_set_subexpire(&b, n, 0);
    ck_assert_int_eq(n->subexp, 0);
    ck_assert_uint_eq(b.subvol.used, 0);
    ks_set_subexpire(&b, n, 1);
    ks_delete(&b, n); /* deleting drops it from the set */
    ck_assert_uint_eq(b.subvol.used, 0);
    ks_flush(&a, 0);
    ks_flush(&b, 0);
    ck_assert_int_eq(live_values, 0);
}
END_TEST

/* ---- SWAPDB ---- */

START_TEST(swap_dbs)
{
    ks_db_t d[2];
    ks_db_init(&d[0], 0);
    ks_db_init(&d[1], 1);
    for (long i = 0; i < 500; i++) {
        ks_entry_t *e = add_key(&d[0], "zero:", i, i);
        if (i % 2) ks_set_expire(&d[0], e, fake_now + 10000);
    }
    for (long i = 0; i < 300; i++) ks_set_expire(&d[1], add_key(&d[1], "one:", i, 1000 + i), fake_now + 1);
    /* leave tombstones in both TTL sets */
    for (long i = 1; i < 500; i += 4) ks_set_expire(&d[0], find_key(&d[0], "zero:", i), 0);
    for (long i = 0; i < 300; i += 3) del_key(&d[1], "one:", i);
    for (long i = 0; i < 500; i += 5) ks_set_subexpire(&d[0], find_key(&d[0], "zero:", i), 1);
    for (long i = 0; i < 500; i += 10) ks_set_subexpire(&d[0], find_key(&d[0], "zero:", i), 0);
    size_t v0 = d[0].vol.used, v1 = d[1].vol.used, s0 = d[0].subvol.used;
    ck_assert_uint_eq(s0, 50);
    ks_swap(&d[0], &d[1]);
    ck_assert_uint_eq(d[1].subvol.used, s0);
    ck_assert_uint_eq(d[0].subvol.used, 0);
    ck_assert_int_eq(d[0].id, 0);
    ck_assert_int_eq(d[1].id, 1);
    ck_assert_uint_eq(ks_size(&d[0]), 200);
    ck_assert_uint_eq(ks_size(&d[1]), 500);
    ck_assert_uint_eq(d[0].vol.used, v1);
    ck_assert_uint_eq(d[1].vol.used, v0);
    ck_assert_ptr_nonnull(find_key(&d[0], "one:", 1));
    ck_assert_ptr_null(find_key(&d[0], "zero:", 1));
    /* every TTL set member is an entry of its own db, and back */
    for (size_t i = 0; i < d[1].vol.cap; i++) {
        ks_entry_t *e = ptrset_at(&d[1].vol, i);
        if (e) ck_assert_ptr_eq(ks_find(&d[1], e->key, e->keylen), e);
    }
    for (long i = 0; i < 500; i++) {
        ks_entry_t *e = find_key(&d[1], "zero:", i);
        ck_assert_int_eq(ptrset_has(&d[1].vol, e), e->expire != 0);
        ck_assert_int_eq(ptrset_has(&d[1].subvol, e), e->subexp);
        ck_assert_int_eq(e->subexp, i % 10 == 5);
    }
    /* deleting after the swap keeps the sets right */
    for (long i = 0; i < 500; i++) del_key(&d[1], "zero:", i);
    ck_assert_uint_eq(d[1].vol.used, 0);
    fake_now += 10;
    ck_assert_ptr_null(ks_lookup(&d[0], "one:1", 5));
    ck_assert_uint_eq(d[0].vol.used, v1 - 1);
    ks_flush(&d[0], 0);
    ks_flush(&d[1], 0);
    ck_assert_int_eq(live_values, 0);
}
END_TEST

/* ---- random picks ---- */

START_TEST(random_entries)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    ck_assert_ptr_null(ks_random(&db));
    add_key(&db, "only", 0, 0);
    ck_assert_int_eq(tv_id(ks_random(&db)), 0);
    long n = 1;
    while (n < 2000 || db.t.rehashidx == -1) add_key(&db, "k:", n, n), n++;
    ck_assert_int_ne(db.t.rehashidx, -1); /* picks while rehashing too */
    unsigned char hit[8192] = {0};
    ck_assert(n <= 8192);
    long distinct = 0;
    for (int r = 0; r < 20000; r++) {
        ks_entry_t *e = ks_random(&db);
        ck_assert_ptr_nonnull(e);
        long id = tv_id(e);
        ck_assert(id >= 0 && id < n);
        if (!hit[id]++) distinct++;
    }
    ck_assert(distinct > n * 3 / 4);
    ks_flush(&db, 0);
}
END_TEST

/* ---- LRU / LFU ---- */

START_TEST(lru_idle_time)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    ks_entry_t *e = add_key(&db, "k", 0, 0);
    ck_assert_uint_eq(ks_idle_ms(e), 0);
    fake_now += 5000;
    ck_assert_uint_eq(ks_idle_ms(e), 5000);
    ks_touch(e);
    ck_assert_uint_eq(ks_idle_ms(e), 0);
    fake_now += 61000;
    ck_assert_uint_eq(ks_idle_ms(e), 61000);
    ks_flush(&db, 0);
}
END_TEST

START_TEST(lfu_counter)
{
    ks_db_t db;
    ks_db_init(&db, 0);
    lfu_on = 1;
    ks_entry_t *e = add_key(&db, "k", 0, 0);
    ck_assert_int_eq(ks_lfu_count(e), 5); /* LFU_INIT_VAL */
    ks_touch(e);
    ck_assert_int_eq(ks_lfu_count(e), 6); /* at the initial value a hit always counts */
    for (int i = 0; i < 1000; i++) ks_touch(e);
    uint8_t c = ks_lfu_count(e);
    ck_assert(c > 6 && c < 255);
    fake_now += 3 * 60000; /* decay time 1 minute: -1 per minute */
    ck_assert_int_eq(ks_lfu_count(e), c - 3);
    fake_now += 1000LL * 60000;
    ck_assert_int_eq(ks_lfu_count(e), 0);
    ks_flush(&db, 0);
}
END_TEST

/* ---- ptrset ---- */

static void *P(long i) { return (void *)(uintptr_t)(0x10000 + i * 16); }

START_TEST(ptrset_add_del_has)
{
    ptrset_t s;
    ptrset_init(&s);
    ck_assert(!ptrset_has(&s, P(1)));
    ck_assert_int_eq(ptrset_del(&s, P(1)), 0);
    const long n = 10000;
    for (long i = 0; i < n; i++) ck_assert_int_eq(ptrset_add(&s, P(i)), 1);
    ck_assert_int_eq(ptrset_add(&s, P(5)), 0);
    ck_assert_uint_eq(s.used, n);
    ck_assert(s.filled * 4 <= s.cap * 3);
    for (long i = 0; i < n; i++) ck_assert(ptrset_has(&s, P(i)));
    ck_assert(!ptrset_has(&s, P(n)));
    for (long i = 0; i < n; i += 2) ck_assert_int_eq(ptrset_del(&s, P(i)), 1);
    ck_assert_int_eq(ptrset_del(&s, P(0)), 0);
    ck_assert_uint_eq(s.used, n / 2);
    for (long i = 0; i < n; i++) ck_assert_int_eq(ptrset_has(&s, P(i)), i % 2);
    /* re-adding reuses tombstones and finds no duplicates */
    for (long i = 0; i < n; i++) ptrset_add(&s, P(i));
    ck_assert_uint_eq(s.used, n);
    for (long i = 0; i < n; i++) ptrset_del(&s, P(i));
    ck_assert_uint_eq(s.used, 0);
    ck_assert_ptr_null(s.slots); /* emptied: storage released */
    ptrset_clear(&s);
}
END_TEST

START_TEST(ptrset_churn_stays_bounded)
{
    ptrset_t s;
    ptrset_init(&s);
    for (long i = 0; i < 100; i++) ptrset_add(&s, P(i));
    size_t cap = s.cap;
    /* a steady-size set with constant turnover must not keep growing */
    for (long round = 0; round < 200000; round++) {
        ptrset_del(&s, P(round));
        ptrset_add(&s, P(round + 100));
        ck_assert(s.filled * 4 <= s.cap * 3);
    }
    ck_assert_uint_eq(s.used, 100);
    ck_assert(s.cap <= cap * 2);
    for (long i = 200000; i < 200100; i++) ck_assert(ptrset_has(&s, P(i)));
    ptrset_clear(&s);
}
END_TEST

START_TEST(ptrset_sampling_and_shrink)
{
    ptrset_t s;
    ptrset_init(&s);
    const long n = 4000;
    for (long i = 0; i < n; i++) ptrset_add(&s, P(i));
    for (long i = 0; i < n; i++)
        if (i % 50) ptrset_del(&s, P(i));
    /* a walk over every slot sees each live member once, no tombstone */
    long live = 0;
    for (size_t i = 0; i < s.cap; i++) {
        void *p = ptrset_at(&s, i);
        if (!p) continue;
        live++;
        long id = (long)(((uintptr_t)p - 0x10000) / 16);
        ck_assert_int_eq(id % 50, 0);
    }
    ck_assert_int_eq(live, n / 50);
    /* the index wraps around the capacity */
    ck_assert_ptr_eq(ptrset_at(&s, 3), ptrset_at(&s, 3 + s.cap));
    size_t before = s.cap;
    ptrset_shrink(&s);
    ck_assert(s.cap < before);
    ck_assert_uint_eq(s.filled, s.used);
    ck_assert(s.filled * 4 <= s.cap * 3);
    for (long i = 0; i < n; i++) ck_assert_int_eq(ptrset_has(&s, P(i)), i % 50 == 0);
    /* a set with many tombstones but no slack is compacted in place */
    ptrset_t t;
    ptrset_init(&t);
    for (long i = 0; i < 40; i++) ptrset_add(&t, P(i));
    for (long i = 0; i < 25; i++) ptrset_del(&t, P(i));
    size_t cap = t.cap;
    ptrset_shrink(&t);
    ck_assert_uint_eq(t.filled, t.used);
    ck_assert(t.cap <= cap);
    for (long i = 0; i < 40; i++) ck_assert_int_eq(ptrset_has(&t, P(i)), i >= 25);
    ptrset_clear(&s);
    ptrset_clear(&t);
}
END_TEST

static Suite *ks_suite(void)
{
    Suite *s = suite_create("ks");
    TCase *t = tcase_create("table");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, add_find_delete);
    tcase_add_test(t, binary_keys);
    tcase_add_test(t, set_value_frees_old);
    tcase_add_test(t, rehash_growth);
    tcase_add_test(t, rehash_shrink);
    tcase_add_test(t, swap_dbs);
    tcase_add_test(t, random_entries);
    suite_add_tcase(s, t);

    t = tcase_create("scan");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, scan_empty_and_static);
    tcase_add_test(t, scan_during_rehash);
    tcase_add_test(t, scan_while_growing);
    tcase_add_test(t, scan_while_shrinking);
    tcase_add_test(t, scan_while_growing_and_shrinking);
    tcase_add_test(t, scan_callback_may_delete_current);
    suite_add_tcase(s, t);

    t = tcase_create("expire");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_add_test(t, expire_bookkeeping);
    tcase_add_test(t, delete_with_ttl_leaves_vol);
    tcase_add_test(t, detach_and_readd);
    tcase_add_test(t, subexpire_tracking);
    tcase_add_test(t, lru_idle_time);
    tcase_add_test(t, lfu_counter);
    suite_add_tcase(s, t);

    t = tcase_create("ptrset");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, ptrset_add_del_has);
    tcase_add_test(t, ptrset_churn_stays_bounded);
    tcase_add_test(t, ptrset_sampling_and_shrink);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ks_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
