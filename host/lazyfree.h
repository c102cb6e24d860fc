/*
 * lazyfree.h — freeing big values in a background thread. A value whose
 * type reports a free effort above LAZYFREE_THRESHOLD (elements to visit)
 * is handed to the thread when it is deleted lazily (UNLINK, FLUSH* ASYNC,
 * lazyfree-lazy-* settings); smaller values are freed at once, since the
 * hand-over would cost more than the free.
 */
#ifndef MODIS_LAZYFREE_H
#define MODIS_LAZYFREE_H

#include <stddef.h>

struct md_type;

#define LAZYFREE_THRESHOLD 64

/* Free `value` of type t, in the background if it is big. */
void lazyfree_value(struct md_type *t, void *value);
/* Values queued and not freed yet (INFO lazyfree_pending_objects). */
size_t lazyfree_pending(void);
/* Values freed by the thread so far (INFO lazyfreed_objects). */
size_t lazyfree_done(void);
/* Wait until the queue is empty (before unloading a module). */
void lazyfree_drain(void);

#endif
