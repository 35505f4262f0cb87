/*
 * infile.h - opening an input file (private): every reader opens what it
 * reads here, so all of them take the same files and word the same refusals.
 *
 * Rule (docs/robustness.md, "Decisions"): chainrisk reads regular files
 * only.  A directory, a FIFO, a device or a socket where a file is expected
 * is an error naming the kind: a FIFO would block the run until a writer
 * appears or be read half while another reader holds it, a device such as
 * /dev/zero never ends, and neither has a size or a stable digest for
 * provenance.  Nothing is opened before it is known to be a regular file,
 * so a FIFO or a device is never opened at all.
 */
#ifndef CRISK_INFILE_H
#define CRISK_INFILE_H

#include <stddef.h>
#include <sys/stat.h>

#define CRISK__INFILE_NOFOLLOW 1   /* a symbolic link is refused, not followed */

/* Open `path` for reading if it is a regular file (following symbolic links
 * unless CRISK__INFILE_NOFOLLOW).  Returns CRISK_OK with the descriptor in
 * *fd (the caller closes it) and its status in *st; otherwise *fd is -1 and
 * `why` holds the message, one of
 *
 *   cannot open file: No such file or directory       CRISK_ENOTFOUND
 *   cannot open file: broken symbolic link to 'x'      CRISK_ENOTFOUND
 *   not a regular file (a directory)                   CRISK_EINVALID
 *     ... (a FIFO), (a character device), (a block device), (a socket),
 *     (a symbolic link) with CRISK__INFILE_NOFOLLOW
 *   cannot open file: <the system's reason>            crisk__open_error_code():
 *                                                      CRISK_ENOTFOUND for a name
 *                                                      that leads nowhere (too long,
 *                                                      a loop), else CRISK_EIO
 *
 * Never blocks: the descriptor is opened non-blocking, which changes nothing
 * for a regular file and keeps a FIFO swapped in after the check from
 * hanging the open (it is then refused like any FIFO). */
int crisk__infile_open(const char *path, int flags, int *fd, struct stat *st, char *why,
                       size_t why_size);

/* "a directory", "a FIFO", ... for the file type bits of `mode`; "a
 * regular file" for one. */
const char *crisk__infile_kind(mode_t mode);

#endif
