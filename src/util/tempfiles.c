/*
 * tempfiles.c - the temporary files of this process: their names, their
 * creation, and the list signal handlers clean up.
 *
 * Names: FILE.tmp.XXXXXX beside FILE, with FILE's name cut (on a UTF-8
 * boundary) so the whole stays within NAME_MAX - a 250-byte FILE must
 * work.  Creation: open(O_CREAT | O_EXCL) with the caller's mode, so the
 * umask applies as for any new file; mkstemp() was rejected because it
 * always creates 0600.
 *
 * An atomic output is written to FILE.tmp.XXXXXX and renamed at the end.
 * If the process is interrupted (Ctrl-C, a job scheduler's SIGTERM) such a
 * file would stay behind.  The CLI's signal handler calls
 * crisk_remove_temporary_files(), which must be async-signal-safe: so the
 * paths live in fixed static slots (no malloc, no locks), each guarded by
 * an atomic state that the handler only reads.
 */
#include "chainrisk/output.h"
#include "tempfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
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

int crisk_remove_temporary_files(void)
{
    int removed = 0;
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load(&slot[i].state) == LIVE && unlink(slot[i].path) == 0)
            removed++;
    return removed;
}

/* ---- names ------------------------------------------------------------------ */

#define RANDOM_CHARS 6

char *crisk__temp_name(const char *path, const char *infix)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash != NULL ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    size_t keep = strlen(base), extra = strlen(infix) + RANDOM_CHARS;
    if (keep + extra > NAME_MAX) {
        keep = extra < NAME_MAX ? NAME_MAX - extra : 0;
        while (keep > 0 && ((unsigned char)base[keep] & 0xC0) == 0x80)
            keep--;   /* base[keep] continues a sequence: cut before its start */
    }
    char *name = malloc(dir_len + keep + extra + 1);
    if (name == NULL)
        return NULL;
    memcpy(name, path, dir_len + keep);
    strcpy(name + dir_len + keep, infix);
    memset(name + dir_len + keep + strlen(infix), 'X', RANDOM_CHARS);
    name[dir_len + keep + extra] = '\0';
    return name;
}

void crisk__temp_fill(char *name)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char bytes[RANDOM_CHARS];
    if (getrandom(bytes, sizeof bytes, GRND_NONBLOCK) != (ssize_t)sizeof bytes) {
        /* No entropy yet (early boot): the clock and the pid still make
         * collisions unlikely, and O_EXCL makes them harmless. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15u ^ (uint64_t)getpid() << 32
                   ^ (uint64_t)ts.tv_sec;
        for (size_t i = 0; i < sizeof bytes; i++, x >>= 8)
            bytes[i] = (unsigned char)x;
    }
    char *p = name + strlen(name) - RANDOM_CHARS;
    for (size_t i = 0; i < RANDOM_CHARS; i++)
        p[i] = chars[bytes[i] % (sizeof chars - 1)];
}

int crisk__temp_create(char *name, mode_t mode)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        crisk__temp_fill(name);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}
