/*
 * aof_bio.h — the AOF's background I/O thread: fsync (appendfsync
 * everysec) and closing old incr files, so the event loop never waits on
 * the disk. Jobs run one at a time in submission order, so a close queued
 * after an fsync of the same fd happens after it.
 *
 * Invariants: every fd handed over is closed by the thread (close jobs)
 * or stays the caller's (fsync jobs); aof_bio_pending() counts fsync jobs
 * submitted and not finished.
 */
#ifndef PERSIST_AOF_BIO_H
#define PERSIST_AOF_BIO_H

/* Queue an fdatasync of fd (the caller keeps fd open until a close job);
 * once it is done, aof_bio_synced_mark() returns `mark` (WAITAOF: the
 * position the written bytes stand for). */
void aof_bio_fsync(int fd, long long mark);
/* The mark of the last finished fsync job (-1: none yet). */
long long aof_bio_synced_mark(void);
/* Queue closing fd, after an fdatasync when `sync`. The thread owns fd. */
void aof_bio_close(int fd, int sync);
/* fsync jobs queued or running (INFO aof_pending_bio_fsync; a write waits
 * for them with appendfsync everysec). Close jobs do not count. */
unsigned long aof_bio_pending(void);
/* 0 when the last background fsync worked, else its errno. */
int aof_bio_error(void);
/* Forget a background fsync error (the file it was about is gone). */
void aof_bio_clear_error(void);

#endif
