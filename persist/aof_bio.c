/*
 * aof_bio.c — the AOF background I/O thread. See aof_bio.h. The thread is
 * started on the first job; it lives as long as the process (a forked
 * child has no copy of it and never submits jobs).
 */
#include "persist/aof_bio.h"

#include "host/log.h"
#include "host/mem.h"
#include "host/proc.h"
#include "host/server.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

typedef struct job {
    struct job *next;
    int fd;
    int close;               /* close after the (optional) fsync */
    int sync;
    long long mark;          /* fsync jobs: the position it makes durable */
} job_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static job_t *head, *tail;
static unsigned long pending;  /* fsync jobs not finished, under lock */
static int started;
static int last_errno;         /* under lock */
static long long synced_mark = -1; /* under lock */

static void *worker(void *arg)
{
    (void)arg;
    proc_cpulist_apply(srv.hostconf.bio_cpulist);
    for (;;) {
        pthread_mutex_lock(&lock);
        while (!head) pthread_cond_wait(&wake, &lock);
        job_t *j = head;
        head = j->next;
        if (!head) tail = NULL;
        pthread_mutex_unlock(&lock);

        int err = 0;
        if (j->sync && fdatasync(j->fd) == -1 && errno != EBADF && errno != EINVAL)
            err = errno;
        if (j->close) close(j->fd);
        if (err) log_msg(LOG_WARNING, "Fail to fsync the AOF file: %s", strerror(err));

        pthread_mutex_lock(&lock);
        if (!j->close) {
            last_errno = err;
            if (!err && j->mark > synced_mark) synced_mark = j->mark;
            pending--;
        }
        pthread_mutex_unlock(&lock);
        mem_free(j);
    }
    return NULL;
}

static void submit(int fd, int close_it, int sync, long long mark)
{
    job_t *j = mem_calloc(sizeof(*j));
    j->fd = fd;
    j->mark = mark;
    j->close = close_it;
    j->sync = sync;
    pthread_mutex_lock(&lock);
    if (!started) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, worker, NULL) != 0) {
            pthread_mutex_unlock(&lock);
            pthread_attr_destroy(&attr);
            /* No thread: do the work here rather than lose it. */
            if (sync && fdatasync(fd) == -1)
                log_msg(LOG_WARNING, "Fail to fsync the AOF file: %s", strerror(errno));
            else if (!close_it && mark > synced_mark)
                synced_mark = mark; /* no thread runs: the lock is not needed */
            if (close_it) close(fd);
            mem_free(j);
            return;
        }
        pthread_attr_destroy(&attr);
        started = 1;
    }
    if (tail) tail->next = j;
    else head = j;
    tail = j;
    if (!close_it) pending++;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
}

void aof_bio_fsync(int fd, long long mark) { submit(fd, 0, 1, mark); }
void aof_bio_close(int fd, int sync) { submit(fd, 1, sync, -1); }

long long aof_bio_synced_mark(void)
{
    pthread_mutex_lock(&lock);
    long long m = synced_mark;
    pthread_mutex_unlock(&lock);
    return m;
}

unsigned long aof_bio_pending(void)
{
    pthread_mutex_lock(&lock);
    unsigned long n = pending;
    pthread_mutex_unlock(&lock);
    return n;
}

int aof_bio_error(void)
{
    pthread_mutex_lock(&lock);
    int e = last_errno;
    pthread_mutex_unlock(&lock);
    return e;
}

void aof_bio_clear_error(void)
{
    pthread_mutex_lock(&lock);
    last_errno = 0;
    pthread_mutex_unlock(&lock);
}
