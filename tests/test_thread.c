/*
 * test_thread.c - crisk__run_workers (src/util/thread.c), the one way the
 * analysis starts, runs and joins its sweeping threads: every worker's
 * function runs once on its own struct, worker 0 on the calling thread and
 * the others on threads of their own, the work they pull from a shared
 * counter is done exactly once, and nothing runs for no workers.  The
 * counts include more workers than the handles kept on the stack.
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/thread.h"

#define ITEMS 10000

typedef struct {
    atomic_size_t next;          /* the first item no worker has taken */
    atomic_int done[ITEMS];      /* how often each item was done */
} plan;

typedef struct {
    plan *plan;
    size_t index;                /* which worker this is */
    int calls;                   /* how often the function ran on this struct */
    size_t items;                /* items this worker did */
    pthread_t thread;            /* the thread it ran on */
    char pad[40];                /* a stride that is not a power of two */
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    w->calls++;
    w->thread = pthread_self();
    for (;;) {
        size_t item = atomic_fetch_add(&w->plan->next, 1);
        if (item >= ITEMS)
            break;
        atomic_fetch_add(&w->plan->done[item], 1);
        w->items++;
    }
    return NULL;
}

/* Run k workers over the shared plan; one struct past the last must stay
 * untouched. */
static void run(size_t k)
{
    plan *pl = calloc(1, sizeof *pl);
    worker *w = calloc(k + 1, sizeof *w);
    cr_assert(pl != NULL && w != NULL);
    for (size_t i = 0; i < ITEMS; i++)
        atomic_init(&pl->done[i], 0);
    atomic_init(&pl->next, 0);
    for (size_t i = 0; i <= k; i++) {
        w[i].plan = pl;
        w[i].index = i;
    }

    crisk__run_workers(work, w, sizeof *w, k);

    size_t items = 0;
    for (size_t i = 0; i < k; i++) {
        cr_assert_eq(w[i].calls, 1, "worker %zu of %zu ran %d times", i, k, w[i].calls);
        cr_assert_eq(w[i].index, i);
        cr_assert_eq(pthread_equal(w[i].thread, pthread_self()) != 0, i == 0,
                     "worker %zu of %zu: on the calling thread is %d", i, k, i == 0);
        items += w[i].items;
    }
    cr_assert_eq(w[k].calls, 0, "the struct past the last worker was run");
    size_t expect = k > 0 ? ITEMS : 0;
    cr_assert_eq(items, expect, "%zu workers did %zu items", k, items);
    for (size_t i = 0; i < ITEMS; i++)
        cr_assert_eq(atomic_load(&pl->done[i]), k > 0, "item %zu done %d times with %zu workers", i,
                     atomic_load(&pl->done[i]), k);
    free(w);
    free(pl);
}

Test(thread, no_worker_runs_nothing)
{
    run(0);
}

Test(thread, one_worker_runs_on_the_calling_thread)
{
    run(1);
}

Test(thread, two_workers_share_the_items)
{
    run(2);
}

Test(thread, eight_workers_share_the_items)
{
    run(8);
}

Test(thread, more_workers_than_handles_on_the_stack_all_run)
{
    run(100);
}

/* crisk__worker_count: the asked-for count, capped by `max` and by the
 * tasks there are, never below 1. */
Test(thread, worker_count_is_the_threads_asked_for_within_the_caps)
{
    cr_assert_eq(crisk__worker_count(3, 16, 100), 3);
    cr_assert_eq(crisk__worker_count(40, 16, 100), 16);     /* max */
    cr_assert_eq(crisk__worker_count(8, 16, 5), 5);         /* one task each at most */
    cr_assert_eq(crisk__worker_count(8, 16, 0), 1);         /* nothing to do: one, which finds it */
    cr_assert_eq(crisk__worker_count(8, 0, 100), 1);        /* a cap of 0 still runs one */
    cr_assert_eq(crisk__worker_count(2, 16, (uint64_t)1 << 40), 2);   /* tasks beyond size_t's counts */
}

Test(thread, worker_count_of_zero_threads_is_one_per_online_cpu)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = cpus < 1 ? 1 : cpus > 16 ? 16 : (size_t)cpus;
    cr_assert_eq(crisk__worker_count(0, 16, 1000), want);
    cr_assert_eq(crisk__worker_count(0, 16, 1), 1);
}
