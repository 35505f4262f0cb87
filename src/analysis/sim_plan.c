/*
 * sim_plan.c - the blocks of a simulation through the sweeps, on several
 * threads, with sums that do not depend on how many (sim_plan.h).
 *
 * Work is split into chunks of SIM_CHUNK_BLOCKS blocks, a multiple of the
 * blocks one sweep holds, taken from a shared counter.  Each thread sweeps
 * a chunk into its own accumulator, zeroed first, then waits its turn and
 * adds it to the result: chunk c is added after chunk c - 1.  Counts are
 * exact as doubles in any order, but the losses' real-valued sums are not;
 * fixing where each partial sum starts and the order they are added in
 * makes the result the same bytes on one thread or sixteen.  A thread
 * waits only for chunks taken before its own, which their threads are
 * sweeping, so the wait always ends.  Rejected: one accumulator per
 * thread, added at the end - its partial sums would depend on which thread
 * took which chunk.
 */
#include "sim_plan.h"
#include "util/thread.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct shared {
    const sim_plan *p;
    sim_acc *acc;
    size_t per, batches;          /* blocks per sweep; sweeps of variants per block group */
    uint64_t n_chunks;
    atomic_uint_fast64_t next;    /* next chunk to take */
    atomic_int stop;              /* a thread ran out of memory */
    pthread_mutex_t lock;
    pthread_cond_t turn;
    uint64_t merged;              /* chunks added to acc (under lock) */
    uint64_t reported;            /* runs last reported done (calling thread only) */
} shared;

typedef struct worker {
    shared *sh;
    sim_sweeper sw;
    sim_acc part;
    uint64_t *words;
    int reports;                  /* the calling thread: reports progress */
    int failed;
} worker;

/* Sweep chunk c into w->part. */
static int sweep_chunk(worker *w, uint64_t c)
{
    const shared *sh = w->sh;
    const sim_plan *p = sh->p;
    size_t k = w->sw.seeds->n_imp_list;
    sim_block blocks[CRISK__W];
    for (size_t j = 0; j < sh->per; j++)
        blocks[j].word = w->words + j * (w->sw.seeds->n + 1);
    uint64_t end = (c + 1) * SIM_CHUNK_BLOCKS < p->n_blocks ? (c + 1) * SIM_CHUNK_BLOCKS
                                                             : p->n_blocks;
    for (uint64_t b0 = c * SIM_CHUNK_BLOCKS; b0 < end; b0 += sh->per) {
        size_t nb = end - b0 < sh->per ? (size_t)(end - b0) : sh->per;
        for (size_t j = 0; j < nb; j++)
            p->source(p->ctx, b0 + j, &blocks[j]);
        for (size_t t = 0; t < sh->batches; t++) {
            size_t first = t * SIM_BATCH, n_var = k - first;
            if (n_var > SIM_BATCH)
                n_var = SIM_BATCH;
            if (sim_sweep(&w->sw, blocks, nb, first, n_var, t == 0, &w->part,
                          p->crit_out != NULL ? p->crit_out + 64 * b0 : NULL,
                          p->money_out != NULL ? p->money_out + 64 * b0 : NULL) != 0)
                return -1;
        }
    }
    return 0;
}

/* Add chunk c's sums once every earlier chunk's are in. */
static void merge_in_turn(worker *w, uint64_t c)
{
    shared *sh = w->sh;
    pthread_mutex_lock(&sh->lock);
    while (sh->merged != c && !atomic_load(&sh->stop))
        pthread_cond_wait(&sh->turn, &sh->lock);
    if (sh->merged == c) {
        sim_acc_add(sh->acc, &w->part);
        sh->merged++;
    }
    pthread_cond_broadcast(&sh->turn);
    pthread_mutex_unlock(&sh->lock);
}

static void report(const worker *w)
{
    const sim_plan *p = w->sh->p;
    if (!w->reports || p->o->progress == NULL || p->runs == 0)
        return;
    pthread_mutex_lock(&w->sh->lock);
    uint64_t blocks = w->sh->merged * SIM_CHUNK_BLOCKS;
    pthread_mutex_unlock(&w->sh->lock);
    uint64_t done = 64 * blocks < p->runs ? 64 * blocks : p->runs;
    if (done == w->sh->reported)
        return;
    w->sh->reported = done;
    p->o->progress(p->o->progress_ctx, "simulating", done, p->runs);
}

/* Once every thread is done: the last chunks may have been merged by other
 * threads after the calling thread's last report, so say "all done". */
static void report_end(const shared *sh)
{
    const sim_plan *p = sh->p;
    if (p->o->progress != NULL && p->runs > 0 && sh->reported != p->runs)
        p->o->progress(p->o->progress_ctx, "simulating", p->runs, p->runs);
}

static void *work(void *arg)
{
    worker *w = arg;
    shared *sh = w->sh;
    while (!atomic_load(&sh->stop)) {
        uint64_t c = atomic_fetch_add(&sh->next, 1);
        if (c >= sh->n_chunks)
            break;
        sim_acc_zero(&w->part);
        if (sweep_chunk(w, c) != 0) {
            w->failed = 1;
            pthread_mutex_lock(&sh->lock);
            atomic_store(&sh->stop, 1);
            pthread_cond_broadcast(&sh->turn);
            pthread_mutex_unlock(&sh->lock);
            break;
        }
        merge_in_turn(w, c);
        report(w);
    }
    return NULL;
}

static int worker_init(worker *w, shared *sh, crisk_error *err)
{
    const sim_plan *p = sh->p;
    w->sh = sh;
    int rc = sim_sweeper_init(&w->sw, p->m, p->seeds, p->t, p->fns, p->n_fns, p->region, err);
    if (rc != CRISK_OK)
        return rc;
    w->words = malloc(sh->per * (p->seeds->n + 1) * sizeof *w->words);
    if (w->words == NULL || sim_acc_init(&w->part, p->m->n_fn, p->m->n_stages, p->m->n_imp) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return CRISK_OK;
}

static void worker_release(worker *w)
{
    if (w->sh != NULL)
        sim_sweeper_release(&w->sw);
    sim_acc_release(&w->part);
    free(w->words);
}

int sim_plan_run(const sim_plan *p, sim_acc *acc, crisk_error *err)
{
    size_t k = p->seeds->n_imp_list;
    shared sh = { .p = p, .acc = acc };
    sh.per = k <= SIM_BATCH ? CRISK__W / (1 + k) : 1;      /* divides SIM_CHUNK_BLOCKS */
    sh.batches = k <= SIM_BATCH ? 1 : (k + SIM_BATCH - 1) / SIM_BATCH;
    sh.n_chunks = (p->n_blocks + SIM_CHUNK_BLOCKS - 1) / SIM_CHUNK_BLOCKS;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.stop, 0);
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.turn, NULL);
    size_t n = crisk__worker_count(p->o->threads, CRISK_ANALYSIS_MAX_THREADS, sh.n_chunks);
    worker *w = calloc(n, sizeof *w);
    int rc = w != NULL ? CRISK_OK : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; rc == CRISK_OK && i < n; i++)
        rc = worker_init(&w[i], &sh, err);
    if (rc == CRISK_OK) {
        w[0].reports = 1;
        /* w[0] works on this thread; a thread that cannot start leaves its
         * chunks to the others */
        crisk__run_workers(work, w, sizeof *w, n);
        for (size_t i = 0; i < n; i++)
            if (w[i].failed)
                rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        if (rc == CRISK_OK)
            report_end(&sh);
    }
    for (size_t i = 0; w != NULL && i < n; i++)
        worker_release(&w[i]);
    free(w);
    pthread_cond_destroy(&sh.turn);
    pthread_mutex_destroy(&sh.lock);
    return rc;
}
