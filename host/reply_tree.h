/*
 * reply_tree.h — one reply in RESP2 or RESP3 bytes, parsed into a tree:
 * what md_call() hands a module (md_reply_t), and what the scripting host
 * will turn into Lua values.
 *
 * A tree is one allocation: the nodes (the root first, the elements of an
 * aggregate next to each other) followed by a copy of the reply's bytes,
 * which every string and every node's RESP bytes point into. Nothing in it
 * is NUL-terminated.
 */
#ifndef MODIS_REPLY_TREE_H
#define MODIS_REPLY_TREE_H

#include <stddef.h>

#include "sdk_host.h"

struct md_reply {
    int type;                /* MD_REPLY_* */
    int proto;               /* 2 or 3: the protocol it was parsed as */
    size_t len;              /* string bytes; ARRAY/SET elements; MAP pairs */
    const char *str;         /* the string types' bytes (ERROR without '-',
                                VERBATIM without "fmt:") */
    long long ll;            /* INTEGER, BOOL (1/0) */
    double d;                /* DOUBLE */
    struct md_reply *elems;  /* ARRAY, SET: len nodes; MAP: key, value... */
    const char *resp;        /* this node's bytes as sent */
    size_t resplen;
    void *owner;             /* the root's allocator argument */
};

/* Where a tree's memory comes from (the SDK accounts it to the module). */
typedef void *(*reply_tree_alloc_fn)(void *arg, size_t n);

/*
 * Parse the first reply of p[0..n) (sent in protocol `proto`). Returns the
 * root, allocated with alloc(arg, ...) and owning a copy of the reply's
 * bytes, or NULL with *err set (static text) when the bytes hold no
 * complete reply or are not RESP. An attribute (|) before a reply is
 * skipped; a push (>) reads as an array.
 */
md_reply_t *reply_tree_parse(const char *p, size_t n, int proto, reply_tree_alloc_fn alloc,
                             void *arg, const char **err);

#endif
