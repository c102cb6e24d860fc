/*
 * lazyfree.c — one worker thread and a FIFO of (free function, value).
 * The thread is started on first use. Allocation counters are atomic
 * (mem.c, sdk_mem.c), so module free callbacks may run here.
 */
#include "lazyfree.h"
#include "mem.h"
#include "proc.h"
#include "server.h"
#include "types.h"

#include <pthread.h>

typedef struct job {
    struct job *next;
    void (*fn)(void *);
    void *value;
} job_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t more = PTHREAD_COND_INITIALIZER;
static pthread_cond_t empty = PTHREAD_COND_INITIALIZER;
static job_t *head, *tail;
static size_t pending, done;
static int started;

static void *worker(void *arg)
{
    (void)arg;
    proc_cpulist_apply(srv.hostconf.bio_cpulist);
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!head) pthread_cond_wait(&more, &lock);
        job_t *j = head;
        head = j->next;
        if (!head) tail = NULL;
        pthread_mutex_unlock(&lock);
        j->fn(j->value);
        mem_free(j);
        pthread_mutex_lock(&lock);
        pending--;
        done++;
        if (!pending) pthread_cond_broadcast(&empty);
    }
    return NULL;
}

void lazyfree_value(md_type_t *t, void *value)
{
    if (!t->ops.free_effort || t->ops.free_effort(value) <= LAZYFREE_THRESHOLD) {
        t->ops.free(value);
        return;
    }
    job_t *j = mem_alloc(sizeof(*j));
    j->next = NULL;
    j->fn = t->ops.free;
    j->value = value;
    pthread_mutex_lock(&lock);
    if (!started) {
        pthread_t tid;
        if (pthread_create(&tid, NULL, worker, NULL) != 0) {
            pthread_mutex_unlock(&lock);
            mem_free(j);
            t->ops.free(value);
            return;
        }
        pthread_detach(tid);
        started = 1;
    }
    if (tail) tail->next = j;
    else head = j;
    tail = j;
    pending++;
    pthread_cond_signal(&more);
    pthread_mutex_unlock(&lock);
}

size_t lazyfree_pending(void)
{
    pthread_mutex_lock(&lock);
    size_t n = pending;
    pthread_mutex_unlock(&lock);
    return n;
}

size_t lazyfree_done(void)
{
    pthread_mutex_lock(&lock);
    size_t n = done;
    pthread_mutex_unlock(&lock);
    return n;
}

void lazyfree_drain(void)
{
    pthread_mutex_lock(&lock);
    while (pending) pthread_cond_wait(&empty, &lock);
    pthread_mutex_unlock(&lock);
}
