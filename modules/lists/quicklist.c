/*
 * quicklist.c — see quicklist.h. A list of listpack nodes with Redis's
 * fill rules (list-max-listpack-size: negative = a byte limit per node
 * from 4 KiB to 64 KiB, positive = an element count with an 8 KiB safety
 * limit), plain nodes for huge elements, and optional LZF compression of
 * the nodes deeper than list-compress-depth from both ends.
 *
 * Compression state of a node: `lzf` set means data is a blob
 * [size_t clen][clen bytes]. A node decompressed to be read or changed is
 * flagged `recompress` and compressed again when released; nodes within
 * the depth window are decompressed for good by compress_fix(), which
 * every function that adds or removes nodes calls, as Redis's
 * __quicklistCompress() does. A node flagged `recompress` is never
 * compressed behind its user's back.
 */
#include <limits.h>
#include <string.h>
#include "quicklist.h"

#define SIZE_SAFETY_LIMIT 8192      /* bytes; for count-limited fills */
#define SIZE_ESTIMATE_OVERHEAD 8    /* per-entry estimate when inserting */
#define LP_EMPTY_BYTES 7            /* header (6) + end byte */
#define LP_MERGE_OVERHEAD 7         /* saved when two listpacks merge */
#define MIN_COMPRESS_BYTES 48
#define MIN_COMPRESS_IMPROVE 8

static const size_t fill_levels[] = {4096, 8192, 16384, 32768, 65536};

ql_lzf_hooks_t ql_lzf;

#define COMPRESSING(ql) ((ql)->compress > 0 && ql_lzf.compress != NULL)

/* ------------------------------------------------------------------ */
/* Limits                                                              */
/* ------------------------------------------------------------------ */

static int clamp_fill(long long fill)
{
    if (fill < -5) return -5;
    if (fill > QL_FILL_MAX) return QL_FILL_MAX;
    return (int)fill;
}

/* Redis's quicklistNodeLimit(): a byte limit or an element limit. */
static void node_limits(long long fill, size_t *sz, unsigned long *count)
{
    int f = clamp_fill(fill);

    *sz = SIZE_MAX;
    *count = UINT_MAX;
    if (f >= 0) *count = f == 0 ? 1 : (unsigned long)f;
    else *sz = fill_levels[-f - 1];
}

int ql_exceeds_limit(long long fill, size_t sz, unsigned long count)
{
    size_t szl;
    unsigned long cntl;

    node_limits(fill, &szl, &cntl);
    if (szl != SIZE_MAX) return sz > szl;
    if (sz > SIZE_SAFETY_LIMIT) return 1;
    return count > cntl;
}

size_t ql_packed_threshold = QL_PACKED_THRESHOLD_DEFAULT;

int ql_set_packed_threshold(unsigned long long sz)
{
    if (sz > (1ULL << 32) - (1 << 20)) return -1; /* not up to or near 4 GB */
    ql_packed_threshold = sz ? (size_t)sz : QL_PACKED_THRESHOLD_DEFAULT;
    return 0;
}

/* Whether an element of n bytes may go into node nd. */
static int allow_insert(const ql_t *ql, const ql_node_t *nd, size_t n)
{
    if (nd == NULL || nd->container == QL_PLAIN || n >= ql_packed_threshold)
        return 0;
    if (ql->lpenc) return 1; /* ql_conv_grow() decided already */
    return !ql_exceeds_limit(ql->fill, nd->sz + n + SIZE_ESTIMATE_OVERHEAD,
                             (unsigned long)nd->count + 1);
}

static int allow_merge(const ql_t *ql, const ql_node_t *a, const ql_node_t *b)
{
    if (a == NULL || b == NULL) return 0;
    if (a->container != QL_PACKED || b->container != QL_PACKED) return 0;
    return !ql_exceeds_limit(ql->fill, a->sz + b->sz - LP_MERGE_OVERHEAD,
                             (unsigned long)a->count + b->count);
}

/* ------------------------------------------------------------------ */
/* Compression                                                         */
/* ------------------------------------------------------------------ */

static void node_free_data(ql_node_t *nd)
{
    if (nd->lzf || nd->container == QL_PLAIN) md_free(nd->data);
    else md_lp_free(nd->data);
    nd->data = NULL;
}

/* Compress a raw node in place when it is worth it. */
static void node_compress(ql_node_t *nd)
{
    unsigned char *blob;
    size_t clen;

    if (nd->lzf || nd->sz < MIN_COMPRESS_BYTES || ql_lzf.compress == NULL)
        return;
    blob = md_alloc(sizeof(size_t) + nd->sz);
    clen = ql_lzf.compress(nd->data, nd->sz, blob + sizeof(size_t), nd->sz);
    if (clen == 0 || clen + MIN_COMPRESS_IMPROVE >= nd->sz) {
        md_free(blob);
        return;
    }
    blob = md_realloc(blob, sizeof(size_t) + clen);
    memcpy(blob, &clen, sizeof clen);
    node_free_data(nd);
    nd->data = blob;
    nd->lzf = 1;
}

/* The raw bytes of a compressed node, in a new md_alloc'd buffer of
 * nd->sz bytes; NULL if the blob is corrupt. */
static unsigned char *lzf_expand(const ql_node_t *nd)
{
    size_t clen;
    unsigned char *raw = md_alloc(nd->sz ? nd->sz : 1);

    memcpy(&clen, nd->data, sizeof clen);
    if (ql_lzf.decompress == NULL ||
        ql_lzf.decompress(nd->data + sizeof(size_t), clen, raw, nd->sz) !=
            nd->sz) {
        md_free(raw);
        return NULL;
    }
    return raw;
}

/* Make a compressed node raw for good. A listpack is an md_alloc'd blob
 * in Redis's format, so the expanded bytes are adopted as the listpack. */
static void node_decompress(ql_node_t *nd)
{
    unsigned char *raw;

    if (!nd->lzf) return;
    raw = lzf_expand(nd);
    if (raw == NULL) {
        md_log(MD_LOG_WARNING, "lists: corrupt compressed list node");
        return;
    }
    md_free(nd->data);
    nd->data = raw;
    nd->lzf = 0;
}

/* Take a node for reading or changing: raw until node_release(). */
static inline void node_use(ql_node_t *nd)
{
    if (nd->lzf) {
        node_decompress(nd);
        nd->recompress = 1;
    }
    nd->inuse = 1;
}

/* Give a node back: compressed again if node_use() decompressed it and
 * compress_fix() did not since find it inside a raw window. */
static inline void node_release(ql_node_t *nd)
{
    if (nd == NULL) return;
    nd->inuse = 0;
    if (nd->recompress) {
        nd->recompress = 0;
        node_compress(nd);
    }
}

/* Redis's __quicklistCompress(): keep the `compress` nodes at each end raw,
 * compress the first node past each window and `nd` when it is outside
 * both windows. Nodes in use are never compressed here. */
static void compress_fix(ql_t *ql, ql_node_t *nd)
{
    ql_node_t *fwd, *rev;
    int depth = 0, in_window = 0;

    if (ql->len == 0 || !COMPRESSING(ql)) return;
    fwd = ql->head;
    rev = ql->tail;
    while (depth++ < ql->compress) {
        node_decompress(fwd);
        fwd->recompress = 0;
        node_decompress(rev);
        rev->recompress = 0;
        if (fwd == nd || rev == nd) in_window = 1;
        if (fwd == rev || fwd->next == rev) return;
        fwd = fwd->next;
        rev = rev->prev;
    }
    if (nd != NULL && !in_window && !nd->inuse) node_compress(nd);
    if (!fwd->inuse) node_compress(fwd);
    if (!rev->inuse) node_compress(rev);
}

/* ------------------------------------------------------------------ */
/* Nodes                                                               */
/* ------------------------------------------------------------------ */

static ql_node_t *node_new_packed(const void *s, size_t n)
{
    ql_node_t *nd = md_calloc(sizeof *nd);

    nd->container = QL_PACKED;
    nd->data = md_lp_append(md_lp_new(), s, n);
    nd->sz = md_lp_bytes(nd->data);
    nd->count = 1;
    return nd;
}

static ql_node_t *node_new_plain(const void *s, size_t n)
{
    ql_node_t *nd = md_calloc(sizeof *nd);

    nd->container = QL_PLAIN;
    nd->data = md_alloc(n ? n : 1);
    memcpy(nd->data, s, n);
    nd->sz = n;
    nd->count = 1;
    return nd;
}

static ql_node_t *node_new_for(const void *s, size_t n)
{
    return n >= ql_packed_threshold ? node_new_plain(s, n) : node_new_packed(s, n);
}

/* Link nw after (or before) old; old NULL: nw becomes the only node. */
static void link_node(ql_t *ql, ql_node_t *old, ql_node_t *nw, int after)
{
    if (old == NULL) {
        nw->prev = nw->next = NULL;
        ql->head = ql->tail = nw;
    } else if (after) {
        nw->prev = old;
        nw->next = old->next;
        if (old->next) old->next->prev = nw;
        old->next = nw;
        if (ql->tail == old) ql->tail = nw;
    } else {
        nw->next = old;
        nw->prev = old->prev;
        if (old->prev) old->prev->next = nw;
        old->prev = nw;
        if (ql->head == old) ql->head = nw;
    }
    ql->len++;
    if (old != NULL) compress_fix(ql, old);
}

/* Unlink and free nd; its elements leave ql->count. */
static void unlink_node(ql_t *ql, ql_node_t *nd)
{
    if (nd->prev) nd->prev->next = nd->next;
    if (nd->next) nd->next->prev = nd->prev;
    if (ql->head == nd) ql->head = nd->next;
    if (ql->tail == nd) ql->tail = nd->prev;
    ql->len--;
    ql->count -= nd->count;
    node_free_data(nd);
    md_free(nd);
    compress_fix(ql, NULL);
}

static void node_refresh(ql_node_t *nd)
{
    nd->sz = md_lp_bytes(nd->data);
}

/* Append every entry of b to a (both raw packed). */
static void lp_append_all(ql_node_t *a, ql_node_t *b)
{
    unsigned char *p = md_lp_first(b->data);
    char buf[32];

    while (p != NULL) {
        ql_entry_t e;
        size_t len;
        const unsigned char *s;

        e.s = md_lp_get(p, &e.len, &e.ll);
        s = ql_entry_bytes(&e, buf, &len);
        a->data = md_lp_append(a->data, s, len);
        p = md_lp_next(b->data, p);
    }
    a->count += b->count;
    node_refresh(a);
}

/* Merge b (a's next) into a when they fit together; 1 if merged (b is
 * gone). */
static int try_merge(ql_t *ql, ql_node_t *a, ql_node_t *b)
{
    if (!allow_merge(ql, a, b) || a->inuse || b->inuse) return 0;
    node_decompress(a);
    node_decompress(b);
    lp_append_all(a, b);
    ql->count += b->count; /* unlink_node subtracts them again */
    unlink_node(ql, b);
    compress_fix(ql, a);
    return 1;
}

/* Split a raw packed node: nd keeps entries [0, at), the returned new
 * node (not linked) gets [at, count). 0 < at < count. */
static ql_node_t *split_node(ql_node_t *nd, unsigned long at)
{
    ql_node_t *right = md_calloc(sizeof *right);
    unsigned long total = nd->count;

    right->container = QL_PACKED;
    right->data = md_lp_dup(nd->data);
    right->data = md_lp_delete_range(right->data, 0, at);
    right->count = (uint32_t)(total - at);
    node_refresh(right);
    nd->data = md_lp_delete_range(nd->data, (long)at, total - at);
    nd->count = (uint32_t)at;
    node_refresh(nd);
    return right;
}

/* Find the node holding element idx (0 <= idx < count) and the offset in
 * it, walking from the nearer end. */
static ql_node_t *locate(const ql_t *ql, unsigned long idx, unsigned long *off)
{
    ql_node_t *nd;
    unsigned long acc;

    if (idx <= ql->count / 2) {
        nd = ql->head;
        acc = 0;
        while (acc + nd->count <= idx) {
            acc += nd->count;
            nd = nd->next;
        }
        *off = idx - acc;
    } else {
        nd = ql->tail;
        acc = ql->count;
        while (acc - nd->count > idx) {
            acc -= nd->count;
            nd = nd->prev;
        }
        *off = idx - (acc - nd->count);
    }
    return nd;
}

/* Normalize a possibly negative index; 0 if out of range. */
static int norm_index(const ql_t *ql, long long index, unsigned long *idx)
{
    if (index < 0) {
        if ((unsigned long long)(-(index + 1)) >= ql->count) return 0;
        *idx = ql->count - (unsigned long)(-(index + 1)) - 1;
        return 1;
    }
    if ((unsigned long long)index >= ql->count) return 0;
    *idx = (unsigned long)index;
    return 1;
}

/*
 * Redis's _quicklistMergeNodes() after a split around `center`: merge the
 * two nodes before it, the two after it, then center with its previous
 * node and the result with its next one, wherever they fit. Returns the
 * node now holding center's entries.
 */
static ql_node_t *merge_around(ql_t *ql, ql_node_t *center)
{
    ql_node_t *prev = center->prev, *next = center->next, *target = center;

    if (prev != NULL) try_merge(ql, prev->prev, prev);
    if (next != NULL) try_merge(ql, next, next->next);
    prev = center->prev;
    if (prev != NULL && try_merge(ql, prev, center)) target = prev;
    try_merge(ql, target, target->next);
    return target;
}

/*
 * Insert s before/after entry p of node nd (p unused for a plain node),
 * Redis's _quicklistInsert(): into nd when it has room; into the
 * neighbour when p is at nd's edge and the neighbour has room; into a new
 * node at nd's edge; else split nd at p (Redis's _quicklistSplitNode():
 * the pivot stays with the piece on its side) and put the element at the
 * split edge of the other piece, then merge around the pivot's piece. A
 * huge element gets a plain node between the pieces, without merging.
 * nd was taken with node_use(); this function gives it back, so the
 * caller must not touch nd afterwards.
 */
static void insert_at(ql_t *ql, ql_node_t *nd, unsigned char *p,
                      const void *s, size_t n, int after)
{
    int at_edge;
    ql_node_t *nb, *right;
    unsigned long off = 0;
    unsigned char *q;

    ql->count++;
    if (nd->container == QL_PLAIN) {
        at_edge = 1;
    } else if (allow_insert(ql, nd, n)) {
        nd->data = md_lp_insert(nd->data, s, n, p,
                                after ? MD_LP_AFTER : MD_LP_BEFORE, NULL);
        nd->count++;
        node_refresh(nd);
        node_release(nd);
        return;
    } else {
        at_edge = after ? md_lp_next(nd->data, p) == NULL
                        : md_lp_prev(nd->data, p) == NULL;
    }
    if (at_edge) {
        nb = after ? nd->next : nd->prev;
        if (allow_insert(ql, nb, n)) {
            node_use(nb);
            nb->data = md_lp_insert(nb->data, s, n, NULL,
                                    after ? MD_LP_BEFORE : MD_LP_AFTER, NULL);
            nb->count++;
            node_refresh(nb);
            node_release(nb);
        } else {
            link_node(ql, nd, node_new_for(s, n), after);
        }
        node_release(nd);
        compress_fix(ql, nd);
        return;
    }
    /* Split: nd keeps the entries before the insertion point. */
    for (q = md_lp_first(nd->data); q != p; q = md_lp_next(nd->data, q)) off++;
    right = split_node(nd, after ? off + 1 : off);
    right->inuse = 1;
    link_node(ql, nd, right, 1);
    if (n >= ql_packed_threshold) {
        link_node(ql, nd, node_new_plain(s, n), 1);
        nb = nd->next;
    } else {
        if (after) {
            right->data = md_lp_insert(right->data, s, n, NULL, MD_LP_BEFORE, NULL);
            right->count++;
            node_refresh(right);
        } else {
            nd->data = md_lp_append(nd->data, s, n);
            nd->count++;
            node_refresh(nd);
        }
        nb = NULL;
    }
    node_release(nd);
    node_release(right);
    /* The changed nodes end up at nb or next to it. */
    if (nb == NULL) nb = merge_around(ql, after ? nd : right);
    compress_fix(ql, nb->prev);
    compress_fix(ql, nb);
    compress_fix(ql, nb->next);
}

/* ------------------------------------------------------------------ */
/* Whole lists                                                         */
/* ------------------------------------------------------------------ */

ql_t *ql_new(int fill, int compress)
{
    ql_t *ql = md_calloc(sizeof *ql);

    ql->fill = clamp_fill(fill);
    ql->compress = compress < 0 ? 0 : compress > QL_COMPRESS_MAX ? QL_COMPRESS_MAX
                                                                 : compress;
    ql->lpenc = 1;
    return ql;
}

void ql_free(ql_t *ql)
{
    ql_node_t *nd = ql->head;

    while (nd != NULL) {
        ql_node_t *next = nd->next;
        node_free_data(nd);
        md_free(nd);
        nd = next;
    }
    md_free(ql);
}

ql_t *ql_dup(const ql_t *ql)
{
    ql_t *cp = md_alloc(sizeof *cp);
    const ql_node_t *nd;

    *cp = *ql;
    cp->head = cp->tail = NULL;
    cp->len = 0;
    for (nd = ql->head; nd != NULL; nd = nd->next) {
        ql_node_t *x = md_alloc(sizeof *x);
        *x = *nd;
        x->recompress = 0;
        x->inuse = 0;
        if (nd->lzf || nd->container == QL_PLAIN) {
            size_t n = nd->sz;
            if (nd->lzf) {
                memcpy(&n, nd->data, sizeof n);
                n += sizeof(size_t);
            }
            x->data = md_alloc(n ? n : 1);
            memcpy(x->data, nd->data, n);
        } else {
            x->data = md_lp_dup(nd->data);
        }
        x->prev = cp->tail;
        x->next = NULL;
        if (cp->tail) cp->tail->next = x;
        else cp->head = x;
        cp->tail = x;
        cp->len++;
    }
    return cp;
}

size_t ql_mem_usage(const ql_t *ql, size_t samples)
{
    size_t total = md_usable(ql), nodes = 0, seen = 0;
    const ql_node_t *nd;

    for (nd = ql->head; nd != NULL; nd = nd->next) {
        nodes += md_usable(nd) + md_usable(nd->data);
        seen++;
        if (samples > 0 && seen == samples) break;
    }
    if (seen > 0 && seen < ql->len) nodes = nodes / seen * ql->len;
    return total + nodes;
}

const char *ql_encoding_name(const ql_t *ql)
{
    return ql->lpenc ? "listpack" : "quicklist";
}

void ql_conv_grow(ql_t *ql, long long fill, size_t add_bytes,
                  unsigned long add_count)
{
    size_t sz;

    if (!ql->lpenc) return;
    sz = ql->head ? ql->head->sz : LP_EMPTY_BYTES;
    if (ql_exceeds_limit(fill, sz + add_bytes, ql->count + add_count)) {
        ql->lpenc = 0;
        ql->fill = clamp_fill(fill);
    }
}

void ql_conv_shrink(ql_t *ql, long long fill, int shrinking)
{
    size_t szl;
    unsigned long cntl;

    if (ql->lpenc || ql->len != 1 || ql->head->container != QL_PACKED) return;
    node_limits(fill, &szl, &cntl);
    if (shrinking) {
        szl /= 2;
        cntl /= 2;
    }
    if (ql->head->sz > szl || ql->count > cntl) return;
    ql->lpenc = 1;
}

/* ------------------------------------------------------------------ */
/* Elements                                                            */
/* ------------------------------------------------------------------ */

void ql_push(ql_t *ql, const void *s, size_t n, int tail)
{
    ql_node_t *end = tail ? ql->tail : ql->head;

    if (allow_insert(ql, end, n)) {
        end->data = md_lp_insert(end->data, s, n, NULL,
                                 tail ? MD_LP_AFTER : MD_LP_BEFORE, NULL);
        end->count++;
        node_refresh(end);
    } else {
        link_node(ql, end, node_new_for(s, n), tail);
    }
    ql->count++;
}

static void entry_at(ql_node_t *nd, unsigned char *p, ql_entry_t *e)
{
    if (nd->container == QL_PLAIN) {
        e->s = nd->data;
        e->len = nd->sz;
        e->ll = 0;
    } else {
        e->s = md_lp_get(p, &e->len, &e->ll);
    }
}

int ql_peek(ql_t *ql, int tail, ql_entry_t *e)
{
    ql_node_t *nd = tail ? ql->tail : ql->head;

    if (nd == NULL) return 0;
    entry_at(nd, nd->container == QL_PLAIN ? NULL
                 : tail ? md_lp_last(nd->data) : md_lp_first(nd->data), e);
    return 1;
}

void ql_pop_discard(ql_t *ql, int tail)
{
    ql_node_t *nd = tail ? ql->tail : ql->head;

    if (nd == NULL) return;
    if (nd->count == 1) {
        unlink_node(ql, nd);
        return;
    }
    nd->data = md_lp_delete(nd->data,
                            tail ? md_lp_last(nd->data) : md_lp_first(nd->data),
                            NULL);
    nd->count--;
    node_refresh(nd);
    ql->count--;
}

/* Insert before the element at idx (idx == count: push at the tail). */
static void insert_index(ql_t *ql, unsigned long idx, const void *s, size_t n)
{
    unsigned long off;
    ql_node_t *nd;

    if (idx >= ql->count) {
        ql_push(ql, s, n, 1);
        return;
    }
    if (idx == 0) {
        ql_push(ql, s, n, 0);
        return;
    }
    nd = locate(ql, idx, &off);
    node_use(nd);
    insert_at(ql, nd, nd->container == QL_PLAIN ? NULL : md_lp_seek(nd->data, (long)off),
              s, n, 0);
}

int ql_replace(ql_t *ql, long long index, const void *s, size_t n)
{
    unsigned long idx, off;
    ql_node_t *nd;

    if (!norm_index(ql, index, &idx)) return 0;
    nd = locate(ql, idx, &off);
    /* Redis's quicklistReplaceEntry(): a packed node takes the new value
     * in place whatever its size (no split), a plain node takes a huge
     * one in place; anything else is a delete and an insert. */
    if (nd->container == QL_PACKED && n < ql_packed_threshold) {
        node_use(nd);
        nd->data = md_lp_insert(nd->data, s, n, md_lp_seek(nd->data, (long)off),
                                MD_LP_REPLACE, NULL);
        node_refresh(nd);
        node_release(nd);
        return 1;
    }
    if (nd->container == QL_PLAIN && n >= ql_packed_threshold) {
        unsigned char *bytes = md_alloc(n);
        memcpy(bytes, s, n);
        md_free(nd->data);
        nd->data = bytes;
        nd->sz = n;
        return 1;
    }
    ql_del_range(ql, (long long)idx, 1);
    insert_index(ql, idx, s, n);
    return 1;
}

unsigned long ql_del_range(ql_t *ql, long long start, unsigned long n)
{
    unsigned long idx, off, extent, done;
    ql_node_t *nd;

    if (n == 0 || !norm_index(ql, start, &idx)) return 0;
    extent = ql->count - idx;
    if (extent > n) extent = n;
    done = extent;
    nd = locate(ql, idx, &off);
    while (extent > 0) {
        ql_node_t *next = nd->next;
        unsigned long del = nd->count - off;
        if (del > extent) del = extent;
        if (off == 0 && del == nd->count) {
            unlink_node(ql, nd);
        } else {
            node_use(nd);
            nd->data = md_lp_delete_range(nd->data, (long)off, del);
            nd->count -= (uint32_t)del;
            node_refresh(nd);
            ql->count -= del;
            node_release(nd);
        }
        extent -= del;
        off = 0;
        nd = next;
    }
    return done;
}

void ql_append_listpack(ql_t *ql, md_lp_t *lp)
{
    ql_node_t *nd = md_calloc(sizeof *nd);

    nd->container = QL_PACKED;
    nd->data = lp;
    nd->count = (uint32_t)md_lp_count(lp);
    node_refresh(nd);
    ql->count += nd->count;
    link_node(ql, ql->tail, nd, 1);
}

void ql_append_plain(ql_t *ql, unsigned char *bytes, size_t n)
{
    ql_node_t *nd = md_calloc(sizeof *nd);

    nd->container = QL_PLAIN;
    nd->data = bytes;
    nd->sz = n;
    nd->count = 1;
    ql->count++;
    link_node(ql, ql->tail, nd, 1);
}

/* ------------------------------------------------------------------ */
/* Comparing and formatting                                            */
/* ------------------------------------------------------------------ */

int ql_str2ll(const void *ptr, size_t n, long long *out)
{
    const unsigned char *p = ptr;
    unsigned long long v = 0;
    size_t i = 0;
    int neg = 0;

    if (n == 0 || n > 20) return 0;
    if (n == 1 && p[0] == '0') {
        *out = 0;
        return 1;
    }
    if (p[0] == '-') {
        neg = 1;
        i = 1;
        if (n == 1) return 0;
    }
    if (p[i] < '1' || p[i] > '9') return 0;
    for (; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return 0;
        if (v > (ULLONG_MAX - (p[i] - '0')) / 10) return 0;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1) return 0;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > (unsigned long long)LLONG_MAX) return 0;
        *out = (long long)v;
    }
    return 1;
}

int ql_entry_eq(const ql_entry_t *e, const void *s, size_t n, int sint,
                long long sll)
{
    if (e->s != NULL) return e->len == n && memcmp(e->s, s, n) == 0;
    return sint && e->ll == sll;
}

const unsigned char *ql_entry_bytes(const ql_entry_t *e, char *buf, size_t *len)
{
    char tmp[24];
    unsigned long long v;
    int i = 0, j = 0;

    if (e->s != NULL) {
        *len = e->len;
        return e->s;
    }
    v = e->ll < 0 ? (unsigned long long)-(e->ll + 1) + 1 : (unsigned long long)e->ll;
    do {
        tmp[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (e->ll < 0) buf[j++] = '-';
    while (i > 0) buf[j++] = tmp[--i];
    *len = (size_t)j;
    return (const unsigned char *)buf;
}

/* ------------------------------------------------------------------ */
/* Iterators                                                           */
/* ------------------------------------------------------------------ */

void ql_iter_init(ql_iter_t *it, ql_t *ql, long long index, int fwd)
{
    unsigned long idx, off;
    ql_node_t *nd;

    memset(it, 0, sizeof *it);
    it->ql = ql;
    it->fwd = fwd;
    if (!norm_index(ql, index, &idx)) return;
    nd = locate(ql, idx, &off);
    node_use(nd);
    it->node = nd;
    if (nd->container == QL_PACKED) it->p = md_lp_seek(nd->data, (long)off);
}

/* Move to the next node in the direction of travel. */
static void iter_next_node(ql_iter_t *it)
{
    ql_node_t *nd = it->fwd ? it->node->next : it->node->prev;

    if (nd != NULL) node_use(nd);
    it->node = nd;
    it->p = NULL;
}

int ql_iter_next(ql_iter_t *it, ql_entry_t *e)
{
    ql_node_t *nd = it->node;
    unsigned char *p;

    /* The entry handed out last is no longer needed. */
    if (it->cur_node != NULL && it->cur_node != nd) node_release(it->cur_node);
    it->cur_node = NULL;
    if (nd == NULL) return 0;
    it->cur_node = nd;
    if (nd->container == QL_PLAIN) {
        entry_at(nd, NULL, e);
        it->cur = NULL;
        iter_next_node(it);
        return 1;
    }
    p = it->p ? it->p : it->fwd ? md_lp_first(nd->data) : md_lp_last(nd->data);
    entry_at(nd, p, e);
    it->cur = p;
    it->p = it->fwd ? md_lp_next(nd->data, p) : md_lp_prev(nd->data, p);
    if (it->p == NULL) iter_next_node(it);
    return 1;
}

void ql_iter_delete(ql_iter_t *it)
{
    ql_node_t *nd = it->cur_node;
    unsigned char *next;

    if (nd == NULL) return;
    it->cur_node = NULL;
    if (nd->container == QL_PLAIN || nd->count == 1) {
        /* Its only entry was handed out, so the iterator moved on. */
        nd->recompress = 0;
        unlink_node(it->ql, nd);
        return;
    }
    nd->data = md_lp_delete(nd->data, it->cur, &next);
    nd->count--;
    node_refresh(nd);
    it->ql->count--;
    if (it->node == nd) {
        if (it->fwd) it->p = next;
        else it->p = next ? md_lp_prev(nd->data, next) : md_lp_last(nd->data);
        it->cur_node = nd; /* still in use; released when we leave it */
    } else {
        node_release(nd);
    }
    it->cur = NULL;
}

void ql_iter_insert(ql_iter_t *it, const void *s, size_t n, int after)
{
    ql_node_t *nd = it->cur_node;

    if (nd == NULL) return;
    /* insert_at() takes over nd; the next node only needs its flag reset
     * (compress_fix() inside insert_at() recompresses what it must). */
    if (it->node != NULL && it->node != nd) {
        node_release(it->node);
    }
    it->node = NULL;
    it->cur_node = NULL;
    insert_at(it->ql, nd, it->cur, s, n, after);
}

void ql_iter_done(ql_iter_t *it)
{
    if (it->cur_node != NULL && it->cur_node != it->node)
        node_release(it->cur_node);
    if (it->node != NULL) node_release(it->node);
    it->cur_node = it->node = NULL;
}

/* ------------------------------------------------------------------ */
/* Persistence and checks                                              */
/* ------------------------------------------------------------------ */

const void *ql_node_lzf(const ql_node_t *nd, size_t *clen)
{
    if (!nd->lzf) return NULL;
    memcpy(clen, nd->data, sizeof *clen);
    return nd->data + sizeof(size_t);
}

int ql_check(const ql_t *ql)
{
    const ql_node_t *nd, *prev = NULL;
    unsigned long count = 0, len = 0;
    unsigned long depth = 0;

    for (nd = ql->head; nd != NULL; prev = nd, nd = nd->next) {
        if (nd->prev != prev) return 1;
        if (nd->count == 0) return 2;
        if (nd->container == QL_PLAIN && nd->count != 1) return 3;
        if (nd->container == QL_PACKED && !nd->lzf) {
            if (md_lp_bytes(nd->data) != nd->sz) return 4;
            if (md_lp_count(nd->data) != nd->count) return 5;
        }
        if (nd->recompress || nd->inuse) return 6;
        depth++;
        count += nd->count;
        len++;
    }
    if (prev != ql->tail) return 7;
    if (count != ql->count) return 8;
    if (len != ql->len) return 9;
    if (ql->head && (ql->head->lzf || ql->tail->lzf)) return 10;
    if (ql->lpenc && ql->len > 1) return 11;
    /* Nodes within the depth window are raw. */
    if (ql->compress > 0) {
        const ql_node_t *f = ql->head, *r = ql->tail;
        int d;
        for (d = 0; d < ql->compress && f != NULL; d++) {
            if (f->lzf || r->lzf) return 12;
            f = f->next;
            r = r->prev;
        }
    }
    (void)depth;
    return 0;
}
