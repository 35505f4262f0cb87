/*
 * thread.c - run a set of workers on threads (see thread.h).
 *
 * The analysis's sweeps (analysis.c, scenarios.c, sim_plan.c, diff_spof.c,
 * pair_scan.c) each run k workers that pull batches from a shared counter;
 * this is their one way of starting, running and joining them, and of
 * choosing how many (crisk__worker_count).  The
 * handles of the started threads are kept packed (the n-th thread that
 * started has the n-th), so a thread that cannot start costs no slot and
 * no flag: there is nothing to remember of it.
 */
#include "thread.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Handles kept on the stack: more than the analysis's threads
 * (CRISK_ANALYSIS_MAX_THREADS, 16) ever ask for. */
#define HANDLES_ON_STACK 64

void crisk__run_workers(void *(*fn)(void *), void *workers, size_t size, size_t k)
{
    if (k == 0)
        return;
    char *w = workers;
    pthread_t on_stack[HANDLES_ON_STACK];
    pthread_t *tid = on_stack;
    size_t room = HANDLES_ON_STACK;
    if (k - 1 > room && k - 1 <= SIZE_MAX / sizeof *tid) {
        pthread_t *more = malloc((k - 1) * sizeof *more);
        if (more != NULL) {   /* else the workers past `room` are skipped */
            tid = more;
            room = k - 1;
        }
    }
    size_t started = 0;
    for (size_t i = 1; i < k && started < room; i++)
        if (crisk__thread_start(&tid[started], fn, w + i * size) == 0)
            started++;
    fn(w);
    for (size_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    if (tid != on_stack)
        free(tid);
}

size_t crisk__worker_count(unsigned threads, size_t max, uint64_t tasks)
{
    long cpus = threads > 0 ? (long)threads : sysconf(_SC_NPROCESSORS_ONLN);
    size_t k = cpus < 1 || max < 1 ? 1 : (unsigned long)cpus > max ? max : (size_t)cpus;
    return tasks == 0 ? 1 : k < tasks ? k : (size_t)tasks;
}
