/*
 * igraph_glue.c - replaces igraph's aborting error handler.
 *
 * igraph's default handler calls abort(): unacceptable for a library.  Ours
 * records the first non-empty reason (IGRAPH_CHECK re-invokes the handler with
 * an empty reason at every level it unwinds) and frees igraph's cleanup stack,
 * then lets the error code travel back to us.  igraph is built without thread
 * safety on Debian, so this state is process-global like igraph's own.
 */
#include "model.h"

#include <stdio.h>

static char last_reason[256];
static int installed;

static void record_error(const char *reason, const char *file, int line, igraph_error_t errno_)
{
    (void)file;
    (void)line;
    (void)errno_;
    if (reason != NULL && reason[0] != '\0' && last_reason[0] == '\0')
        snprintf(last_reason, sizeof last_reason, "%s", reason);
    IGRAPH_FINALLY_FREE();
}

static void ignore_warning(const char *reason, const char *file, int line)
{
    (void)reason;
    (void)file;
    (void)line;
}

void crisk_igraph_init(void)
{
    if (installed)
        return;
    igraph_set_error_handler(record_error);
    igraph_set_warning_handler(ignore_warning);
    installed = 1;
}

int crisk__igraph_check(igraph_error_t rc, const char *what, crisk_error *err)
{
    if (rc == IGRAPH_SUCCESS) {
        last_reason[0] = '\0';
        return CRISK_OK;
    }
    int code = rc == IGRAPH_ENOMEM ? CRISK_ENOMEM : CRISK_EINTERNAL;
    crisk_error_set(err, code, NULL, 0, 0, "igraph: %s failed: %s%s%s", what,
                    igraph_strerror(rc), last_reason[0] ? ": " : "", last_reason);
    last_reason[0] = '\0';
    return code;
}
