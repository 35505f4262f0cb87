/*
 * prefault.c - fault in memory on a helper thread (see prefault.h).
 */
#define _DEFAULT_SOURCE   /* madvise() and MADV_POPULATE_WRITE */
#include "prefault.h"
#include "thread.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLICES 16

struct crisk__prefault {
    pthread_t thread;
    uintptr_t begin[CRISK__PREFAULT_MAX], end[CRISK__PREFAULT_MAX];   /* page-aligned */
    size_t n;
};

static void *prefault_main(void *arg)
{
#ifdef MADV_POPULATE_WRITE
    crisk__prefault *pf = arg;
    for (size_t s = 0; s < SLICES; s++)
        for (size_t i = 0; i < pf->n; i++) {
            uintptr_t size = pf->end[i] - pf->begin[i], page = (uintptr_t)sysconf(_SC_PAGESIZE);
            uintptr_t from = pf->begin[i] + size / SLICES * s / page * page;
            uintptr_t to = s + 1 == SLICES ? pf->end[i]
                                            : pf->begin[i] + size / SLICES * (s + 1) / page * page;
            /* An error (EINVAL before Linux 5.14, ENOMEM) only means the
             * writer takes its own faults. */
            if (to > from)
                (void)madvise((void *)from, to - from, MADV_POPULATE_WRITE);
        }
#else
    (void)arg;
#endif
    return NULL;
}

crisk__prefault *crisk__prefault_start(void *const *ptr, const size_t *bytes, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    crisk__prefault *pf = calloc(1, sizeof *pf);
    if (pf == NULL)
        return NULL;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (size_t i = 0; i < n && pf->n < CRISK__PREFAULT_MAX; i++) {
        if (ptr[i] == NULL)
            continue;
        /* Whole pages inside the array only: a page it shares with
         * another allocation is left to the writer. */
        uintptr_t begin = ((uintptr_t)ptr[i] + page - 1) & ~(page - 1);
        uintptr_t end = ((uintptr_t)ptr[i] + bytes[i]) & ~(page - 1);
        if (end > begin) {
            pf->begin[pf->n] = begin;
            pf->end[pf->n++] = end;
        }
    }
    if (pf->n > 0 && crisk__thread_start(&pf->thread, prefault_main, pf) == 0)
        return pf;
    free(pf);
#else
    (void)ptr;
    (void)bytes;
    (void)n;
#endif
    return NULL;
}

void crisk__prefault_finish(crisk__prefault *pf)
{
    if (pf == NULL)
        return;
    pthread_join(pf->thread, NULL);
    free(pf);
}
