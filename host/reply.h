/*
 * reply.h — a client's output buffer: a fixed inline buffer for the common
 * small reply plus a list of heap blocks for large or many replies. Bytes
 * are only appended at the tail, except deferred headers, which reserve an
 * empty block that is filled later. Writing hands the inline buffer and the
 * blocks, in order, to one writev-like call of the connection's. The owner
 * hears of every new block (on_grow), which is where output buffer limits
 * are checked.
 */
#ifndef MODIS_REPLY_H
#define MODIS_REPLY_H

#include <stddef.h>
#include <sys/types.h>

#define REPLY_INLINE_SIZE (16 * 1024)
#define REPLY_BLOCK_SIZE (16 * 1024)

typedef struct reply_block {
    struct reply_block *next;
    size_t used, cap;
    char data[];
} reply_block_t;

typedef struct reply {
    size_t pos;              /* bytes used in buf */
    size_t peak;             /* highest pos since the owner last reset it */
    size_t sent;             /* bytes of the head (buf or first block) sent */
    reply_block_t *head, *tail;
    size_t blocks_bytes;     /* bytes held in blocks */
    size_t blocks_mem;       /* memory the blocks take (output limits, omem) */
    size_t nblocks;          /* blocks in the list (CLIENT LIST oll) */
    int discard;             /* drop what is appended from now on */
    /* Called after a block was added (NULL: nobody asks), with `owner`. */
    void (*on_grow)(void *owner);
    void *owner;
    char buf[REPLY_INLINE_SIZE];
} reply_t;

/* reply_init() clears on_grow/owner; set them after it. */
void reply_init(reply_t *r);
void reply_reset(reply_t *r);          /* drop the bytes (not discard, on_grow, owner) */
/* From now on appends are dropped (the connection is being closed);
 * what was queued stays until reply_reset, so deferred handles stay valid. */
void reply_discard(reply_t *r);
void reply_append(reply_t *r, const char *p, size_t n);
int reply_pending(const reply_t *r);
size_t reply_bytes(const reply_t *r);  /* unsent bytes */
/* Reserve a deferred spot; returns a handle for reply_fill. */
void *reply_defer(reply_t *r);
void reply_fill(reply_t *r, void *handle, const char *p, size_t n);
/* Write as much as possible with one call of fn (a writev() over the
 * connection `arg`); returns bytes written or -1 (errno). */
struct iovec;
typedef ssize_t (*reply_writev_fn)(void *arg, const struct iovec *iov, int n);
ssize_t reply_write(reply_t *r, reply_writev_fn fn, void *arg);
/* For buffers never written to a socket (md_call, replies built on a
 * module's thread): append all of src to dst; all of r's bytes in one
 * mem_alloc'd block of *len bytes. */
void reply_append_reply(reply_t *dst, const reply_t *src);
char *reply_join(const reply_t *r, size_t *len);

#endif
