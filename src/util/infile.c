/*
 * infile.c - opening an input file: regular files only (infile.h).
 *
 * Approach: stat (or lstat) first, open only a regular file, then fstat the
 * descriptor, since the path may have been replaced in between.  Rejected:
 * opening first and looking afterwards, which opens a FIFO (blocking until
 * a writer comes) or a device (which can have effects of its own) before
 * it can be refused.
 */
#include "infile.h"
#include "quote.h"
#include "util.h"

#include "chainrisk/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *crisk__infile_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:  return "a regular file";
    case S_IFDIR:  return "a directory";
    case S_IFIFO:  return "a FIFO";
    case S_IFCHR:  return "a character device";
    case S_IFBLK:  return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFLNK:  return "a symbolic link";
    default:       return "not a file";
    }
}

/* A missing path: say so, or name the target of a broken link. */
static int missing(const char *path, char *why, size_t why_size)
{
    struct stat lst;
    char target[256], q[CRISK__QUOTE_MAX];
    ssize_t n = -1;
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
        n = readlink(path, target, sizeof target - 1);
    if (n < 0) {
        snprintf(why, why_size, "cannot open file: %s", strerror(ENOENT));
        return CRISK_ENOTFOUND;
    }
    target[n] = '\0';
    snprintf(why, why_size, "cannot open file: broken symbolic link to '%s'",
             crisk__quote(q, target));
    return CRISK_ENOTFOUND;
}

static int failed(int errnum, char *why, size_t why_size)
{
    snprintf(why, why_size, "cannot open file: %s", strerror(errnum));
    return crisk__open_error_code(errnum);
}

static int not_regular(mode_t mode, char *why, size_t why_size)
{
    snprintf(why, why_size, "not a regular file (%s)", crisk__infile_kind(mode));
    return CRISK_EINVALID;
}

int crisk__infile_open(const char *path, int flags, int *fd, struct stat *st, char *why,
                       size_t why_size)
{
    int nofollow = (flags & CRISK__INFILE_NOFOLLOW) != 0;
    *fd = -1;
    if ((nofollow ? lstat(path, st) : stat(path, st)) != 0)
        return errno == ENOENT ? missing(path, why, why_size) : failed(errno, why, why_size);
    if (!S_ISREG(st->st_mode))
        return not_regular(st->st_mode, why, why_size);
    int oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
    int d = open(path, oflags);
    if (d < 0) {
        if (nofollow && errno == ELOOP)
            return not_regular(S_IFLNK, why, why_size);   /* replaced by a link since */
        return errno == ENOENT ? missing(path, why, why_size) : failed(errno, why, why_size);
    }
    int rc = CRISK_OK;
    if (fstat(d, st) != 0)
        rc = failed(errno, why, why_size);
    else if (!S_ISREG(st->st_mode))
        rc = not_regular(st->st_mode, why, why_size);   /* replaced since the stat */
    if (rc != CRISK_OK) {
        close(d);
        return rc;
    }
    *fd = d;
    return CRISK_OK;
}
