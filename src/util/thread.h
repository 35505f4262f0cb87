/*
 * thread.h - starting the library's helper threads (private).
 *
 * The library uses threads only as helpers: the CSV reader parses and hashes
 * on two more threads, the builder faults fresh memory in on one more
 * (prefault.h), the analysis sweeps batches on one per CPU.  Every
 * caller does the work on its own thread when a helper cannot start, so a
 * build may refuse to start any: built with CRISK_NO_THREADS (the fuzz
 * targets' deterministic CI build, tools/fuzz/run.sh --ci) a run takes the
 * same path through the code whatever the scheduler does, and the coverage
 * a fuzzer sees for an input is always the same.
 */
#ifndef CRISK_THREAD_H
#define CRISK_THREAD_H

#include <pthread.h>

/* pthread_create() with default attributes.  Returns 0 when the thread
 * runs, else non-zero (and the caller does the work itself). */
static inline int crisk__thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
#ifdef CRISK_NO_THREADS
    (void)thread;
    (void)fn;
    (void)arg;
    return -1;
#else
    return pthread_create(thread, NULL, fn, arg);
#endif
}

#endif
