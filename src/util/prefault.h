/*
 * prefault.h - fault in memory on a helper thread (private).
 *
 * Fresh memory costs its first write a page fault and the kernel's zeroing
 * of the page: finishing a load of ten million edges writes about 400 MB of
 * new arrays, and the zeroing was a quarter of its time, on the thread that
 * everything waits for.  When another core is idle, a helper thread can
 * take those faults ahead of the writer: MADV_POPULATE_WRITE (Linux 5.14)
 * maps the pages writable without changing a byte, so the writer and the
 * helper never race on contents, whoever reaches a page first.
 *
 * Best effort: without the thread (CRISK_NO_THREADS, out of resources) or
 * without the kernel's support nothing is done, and the writer faults its
 * pages itself, as it would anyway.  Results never depend on it.
 */
#ifndef CRISK_PREFAULT_H
#define CRISK_PREFAULT_H

#include <stddef.h>

#define CRISK__PREFAULT_MAX 8   /* arrays one helper takes */

typedef struct crisk__prefault crisk__prefault;

/* Start faulting in the `n` (at most CRISK__PREFAULT_MAX) arrays `ptr[i]`
 * of `bytes[i]` bytes, front to back and all together: the helper takes
 * the first 1/16 of every array, then the second, as a writer that fills
 * them side by side would need them.  Returns the helper (NULL if none
 * started); pass it to crisk__prefault_finish() before freeing the arrays. */
crisk__prefault *crisk__prefault_start(void *const *ptr, const size_t *bytes, size_t n);

/* Wait for the helper and free it.  Accepts NULL. */
void crisk__prefault_finish(crisk__prefault *pf);

#endif
