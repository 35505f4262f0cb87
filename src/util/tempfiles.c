/*
 * tempfiles.c - the temporary files of this process, for signal handlers.
 *
 * An atomic output is written to FILE.tmp.XXXXXX and renamed at the end; a
 * DORA package member is copied to a temporary file while it is read.  If
 * the process is interrupted (Ctrl-C, a job scheduler's SIGTERM) those
 * files would stay behind.  The CLI's signal handler calls
 * crisk_remove_temporary_files(), which must be async-signal-safe: so the
 * paths live in fixed static slots (no malloc, no locks), each guarded by
 * an atomic state that the handler only reads.
 */
#include "chainrisk/output.h"
#include "tempfiles.h"

#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#define SLOTS 16
#define PATH_BYTES 4096

enum { FREE, FILLING, LIVE };

static struct {
    atomic_int state;
    char path[PATH_BYTES];
} slot[SLOTS];

int crisk__temp_remember(const char *path)
{
    size_t len = strlen(path);
    if (len >= PATH_BYTES)
        return -1;
    for (int i = 0; i < SLOTS; i++) {
        int expected = FREE;
        if (atomic_compare_exchange_strong(&slot[i].state, &expected, FILLING)) {
            memcpy(slot[i].path, path, len + 1);
            atomic_store(&slot[i].state, LIVE);
            return i;
        }
    }
    return -1;
}

void crisk__temp_forget(int handle)
{
    if (handle >= 0 && handle < SLOTS)
        atomic_store(&slot[handle].state, FREE);
}

void crisk_remove_temporary_files(void)
{
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load(&slot[i].state) == LIVE)
            (void)unlink(slot[i].path);
}
