/*
 * thread.h - starting the library's helper threads (private).
 *
 * The library uses threads only as helpers: the CSV reader parses and hashes
 * on two more threads, the builder faults fresh memory in on one more
 * (prefault.h), the analysis sweeps batches on one per CPU
 * (crisk__run_workers).  Every caller does the work on its own thread when
 * a helper cannot start, so a build may refuse to start any: built with
 * CRISK_NO_THREADS (the fuzz targets' deterministic CI build,
 * tools/fuzz/run.sh --ci) a run takes the same path through the code
 * whatever the scheduler does, and the coverage a fuzzer sees for an input
 * is always the same.
 */
#ifndef CRISK_THREAD_H
#define CRISK_THREAD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

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

/* Run fn(worker i) for i in [0, k), the workers being k structs of `size`
 * bytes from `workers`: worker 0 on this thread, the others on threads of
 * their own, all at once.  A thread that cannot start is skipped: fn never
 * runs on its worker, whose share is left to the others, so the workers
 * must take their work from a shared plan (a counter of batches) and may
 * wait only for work another has already taken.  Returns when every
 * started thread has ended.
 * k == 0 runs nothing; k == 1 starts no thread.  No limit on k, and no
 * allocation it cannot do without: past the handles it keeps on its stack
 * (enough for CRISK_ANALYSIS_MAX_THREADS) it asks for an array, and
 * without one the workers past those handles are skipped. */
void crisk__run_workers(void *(*fn)(void *), void *workers, size_t size, size_t k);

/* How many workers to run for `tasks` tasks (batches, chunks): `threads`
 * when non-zero, else one per online CPU; then at least 1, at most `max`
 * and at most `tasks` (a worker with nothing to take is not started). */
size_t crisk__worker_count(unsigned threads, size_t max, uint64_t tasks);

#endif
