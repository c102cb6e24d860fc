/*
 * reply.c — output buffer management. Invariant: when head != NULL, every
 * byte in buf precedes every byte in the blocks; `sent` counts bytes
 * already written from buf (while buf still has bytes), else from head.
 */
#include "reply.h"
#include "mem.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void clear(reply_t *r)
{
    r->pos = r->sent = 0;
    r->head = r->tail = NULL;
    r->blocks_bytes = r->blocks_mem = r->nblocks = 0;
}

void reply_init(reply_t *r)
{
    clear(r);
    r->peak = 0;
    r->discard = 0;
    r->on_grow = NULL;
    r->owner = NULL;
}

void reply_reset(reply_t *r)
{
    reply_block_t *b = r->head;
    while (b) {
        reply_block_t *n = b->next;
        mem_free(b);
        b = n;
    }
    clear(r);
}

void reply_discard(reply_t *r) { r->discard = 1; }

static reply_block_t *block_new(size_t need)
{
    size_t cap = need > REPLY_BLOCK_SIZE ? need : REPLY_BLOCK_SIZE;
    reply_block_t *b = mem_alloc(sizeof(*b) + cap);
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

static void block_push(reply_t *r, reply_block_t *b)
{
    if (r->tail) r->tail->next = b;
    else r->head = b;
    r->tail = b;
    r->nblocks++;
    r->blocks_mem += mem_usable(b);
    if (r->on_grow) r->on_grow(r->owner);
}

/* Account a block leaving the list (written out). */
static void block_pop(reply_t *r, reply_block_t *b)
{
    r->blocks_bytes -= b->used;
    r->blocks_mem -= mem_usable(b);
    r->nblocks--;
    r->head = b->next;
    if (!r->head) r->tail = NULL;
    mem_free(b);
}

void reply_append(reply_t *r, const char *p, size_t n)
{
    if (r->discard) return;
    if (!r->head) {
        size_t room = REPLY_INLINE_SIZE - r->pos;
        size_t k = n < room ? n : room;
        memcpy(r->buf + r->pos, p, k);
        r->pos += k;
        if (r->pos > r->peak) r->peak = r->pos;
        p += k;
        n -= k;
        if (!n) return;
    }
    reply_block_t *t = r->tail;
    if (t && t->cap > t->used) {
        size_t k = t->cap - t->used;
        if (k > n) k = n;
        memcpy(t->data + t->used, p, k);
        t->used += k;
        r->blocks_bytes += k;
        p += k;
        n -= k;
    }
    if (n) {
        reply_block_t *b = block_new(n);
        memcpy(b->data, p, n);
        b->used = n;
        r->blocks_bytes += n;
        block_push(r, b);
    }
}

/* The handle reply_defer gives a discarding reply: filled, never sent. */
static struct {
    reply_block_t b;
    char data[32];
} dropped;

void *reply_defer(reply_t *r)
{
    if (r->discard) return &dropped.b;
    /* An empty block of its own, then a fresh block for what follows. */
    reply_block_t *b = mem_alloc(sizeof(*b) + 32);
    b->next = NULL;
    b->used = 0;
    b->cap = 0; /* never appended to: cap stays 0 until filled */
    block_push(r, b);
    return b;
}

void reply_fill(reply_t *r, void *handle, const char *p, size_t n)
{
    reply_block_t *b = handle;
    if (b == &dropped.b) return;
    if (n > 32) n = 32; /* headers are short; the block has 32 bytes */
    memcpy(b->data, p, n);
    b->used = n;
    r->blocks_bytes += n;
}

int reply_pending(const reply_t *r)
{
    return r->pos > 0 || r->head != NULL;
}

size_t reply_bytes(const reply_t *r)
{
    if (r->pos) return r->pos - r->sent + r->blocks_bytes;
    return r->blocks_bytes - r->sent;
}

ssize_t reply_write(reply_t *r, reply_writev_fn fn, void *arg)
{
    struct iovec iov[64];
    int n = 0;
    int buf_in = r->pos > 0;
    if (buf_in) {
        iov[n].iov_base = r->buf + r->sent;
        iov[n].iov_len = r->pos - r->sent;
        n++;
    }
    size_t skip = buf_in ? 0 : r->sent;
    for (reply_block_t *b = r->head; b && n < 64; b = b->next) {
        if (b->used - skip == 0) {
            skip = 0;
            continue;
        }
        iov[n].iov_base = b->data + skip;
        iov[n].iov_len = b->used - skip;
        skip = 0;
        n++;
    }
    if (n == 0) {
        reply_reset(r);
        return 0;
    }
    ssize_t w = fn(arg, iov, n);
    if (w <= 0) return w;
    size_t left = (size_t)w;
    if (buf_in) {
        size_t k = r->pos - r->sent;
        if (left < k) {
            r->sent += left;
            return w;
        }
        left -= k;
        r->pos = 0;
        r->sent = 0;
    }
    while (r->head) {
        reply_block_t *b = r->head;
        size_t k = b->used - r->sent;
        if (left < k) {
            r->sent += left;
            break;
        }
        left -= k;
        r->sent = 0;
        block_pop(r, b);
    }
    return w;
}

void reply_append_reply(reply_t *dst, const reply_t *src)
{
    reply_append(dst, src->buf, src->pos);
    for (const reply_block_t *b = src->head; b; b = b->next) reply_append(dst, b->data, b->used);
}

char *reply_join(const reply_t *r, size_t *len)
{
    size_t n = r->pos;
    for (const reply_block_t *b = r->head; b; b = b->next) n += b->used;
    char *p = mem_alloc(n ? n : 1), *w = p;
    memcpy(w, r->buf, r->pos);
    w += r->pos;
    for (const reply_block_t *b = r->head; b; b = b->next) {
        memcpy(w, b->data, b->used);
        w += b->used;
    }
    *len = n;
    return p;
}
