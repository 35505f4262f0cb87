/*
 * atomic.c - output files (-o FILE) replaced atomically, whatever the
 * target is, and two files committed as one pair (chainrisk import).
 *
 * A regular file is written to a temporary file in the directory of the
 * file it replaces, then flushed, fsync'ed and renamed over it, and the
 * directory is fsync'ed: a reader sees the old file or the new one, never a
 * part of either.  What the target is decides the rest:
 *   - a symbolic link is followed (up to MAX_LINKS links) and the file it
 *     names is replaced; the link stays a link.  A dangling link makes the
 *     file it names, as the shell's '>' does;
 *   - an existing FIFO, device or socket is opened and written directly:
 *     there is nothing to replace atomically, and replacing it would turn
 *     /dev/null or a FIFO someone reads into a regular file;
 *   - an existing regular file passes its mode, and where the process may,
 *     its owner and group, to the new file; a new file is created with mode
 *     0666 and the umask (and a default ACL) applies, as for any new file;
 *   - a directory takes the rename path and fails there ("Is a
 *     directory"), leaving it as it was.
 * Temporary names keep within NAME_MAX however long the target's name is
 * (util/tempfiles.c).  Rejected: mkstemp(), which creates its files 0600,
 * leaving a new file's mode to a guess at the umask - and the umask cannot
 * be read without setting it, a race with any thread creating a file.
 */
#include "chainrisk/output.h"
#include "atomic.h"
#include "util/tempfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40   /* Linux's own limit on links in one path lookup */

/* Bytes a regular file's stream gathers before each write(2).  stdio's
 * default is the file system's block size, 4 KiB: writing 1.41 GB that way
 * (`shared` of a 100k-node inventory) costs about 1.2 s of system time,
 * and 0.3 s in blocks of 256 KiB (dd from /dev/zero, docs/performance.md). */
#define FILE_BUFFER ((size_t)256 << 10)

struct crisk_output {
    FILE *f;
    char *shown;      /* the path as given, for messages; NULL for stdout */
    char *path;       /* the file written or replaced (links followed) */
    char *tmp;        /* the temporary file until renamed; NULL when written directly */
    int temp;         /* crisk__temp_remember() handle of tmp */
    int direct;       /* written where it is (stdout, a FIFO, a device): no undo */
    char *buf;        /* f's buffer (FILE_BUFFER bytes) when not stdio's own; freed
                       * once f is closed */
};

static int cannot_write(crisk_error *err, const char *path, int errnum)
{
    if (errnum == ENOMEM)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return crisk_error_set(err, CRISK_EIO, path, 0, 0, "cannot write: %s", strerror(errnum));
}

/* ---- the target ------------------------------------------------------------ */

/* The contents of the symbolic link `path`; malloc'ed, NULL with errno. */
static char *read_link(const char *path)
{
    for (size_t size = 256;; size *= 2) {
        char *buf = malloc(size);
        if (buf == NULL)
            return NULL;
        ssize_t n = readlink(path, buf, size);
        if (n >= 0 && (size_t)n < size) {
            buf[n] = '\0';
            return buf;
        }
        int e = errno;
        free(buf);
        if (n < 0) {
            errno = e;
            return NULL;
        }
    }
}

/* `link` read from the symbolic link `from`: a relative link is relative to
 * the directory holding `from`. */
static char *link_target(const char *from, char *link)
{
    const char *slash = strrchr(from, '/');
    if (link[0] == '/' || slash == NULL)
        return link;
    size_t dir = (size_t)(slash - from) + 1, len = strlen(link);
    char *path = malloc(dir + len + 1);
    if (path != NULL) {
        memcpy(path, from, dir);
        memcpy(path + dir, link, len + 1);
    }
    free(link);
    return path;
}

/* `path` with its symbolic links followed, as far as they lead: the name of
 * the file to write.  Missing files and other lstat() errors are left to the
 * caller.  Returns 0 or an errno; `*out` is malloc'ed. */
static int resolve(const char *path, char **out)
{
    char *cur = strdup(path);
    for (int links = 0; cur != NULL; links++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            *out = cur;
            return 0;
        }
        if (links == MAX_LINKS) {
            free(cur);
            return ELOOP;
        }
        char *link = read_link(cur);
        if (link == NULL) {
            int e = errno;
            free(cur);
            return e;
        }
        char *next = link_target(cur, link);
        free(cur);
        cur = next;
    }
    return ENOMEM;
}

/* ---- opening --------------------------------------------------------------- */

/* Owner first: chown() clears the set-user-ID and set-group-ID bits, chmod()
 * then sets the mode whole.  An ordinary user cannot give a file away: the
 * new file is then theirs, with the old group where they belong to it. */
static void keep_owner_and_mode(int fd, const struct stat *st)
{
    if (fchown(fd, st->st_uid, st->st_gid) != 0 && fchown(fd, (uid_t)-1, st->st_gid) != 0) {
        /* not permitted: keep ours */
    }
    (void)fchmod(fd, st->st_mode & 07777);
}

/* Write through `fd` from now on (closed on failure).  Returns 0 or an errno. */
static int use_descriptor(crisk_output *o, int fd)
{
    o->f = fdopen(fd, "wb");
    if (o->f != NULL)
        return 0;
    int e = errno;
    close(fd);
    return e;
}

/* A regular file (`old` its stat, NULL for a new one) through a temporary
 * file beside it.  Returns 0 or an errno. */
static int open_temporary(crisk_output *o, const struct stat *old)
{
    o->tmp = crisk__temp_name(o->path, ".tmp.");
    if (o->tmp == NULL)
        return ENOMEM;
    /* 0600 until the old file's mode is copied: its data may be private. */
    int fd = crisk__temp_create(o->tmp, old != NULL ? 0600 : 0666);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return e;
    }
    o->temp = crisk__temp_remember(o->tmp);
    if (old != NULL)
        keep_owner_and_mode(fd, old);
    int e = use_descriptor(o, fd);
    /* without the larger buffer (no memory for it) stdio's own is used */
    if (e == 0 && (o->buf = malloc(FILE_BUFFER)) != NULL
        && setvbuf(o->f, o->buf, _IOFBF, FILE_BUFFER) != 0) {
        free(o->buf);
        o->buf = NULL;
    }
    return e;
}

/* A FIFO, device or socket: written where it is.  A FIFO's open waits for
 * a reader, as the shell's does. */
static int open_direct(crisk_output *o)
{
    o->direct = 1;
    int fd = open(o->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    return fd >= 0 ? use_descriptor(o, fd) : errno;
}

static int open_target(crisk_output *o)
{
    struct stat st;
    if (lstat(o->path, &st) != 0)
        return errno == ENOENT ? open_temporary(o, NULL) : errno;
    if (S_ISREG(st.st_mode))
        return open_temporary(o, &st);
    if (S_ISDIR(st.st_mode))
        return open_temporary(o, NULL);   /* the rename fails: "Is a directory" */
    return open_direct(o);
}

int crisk_output_open(crisk_output **out, const char *path, crisk_error *err)
{
    *out = NULL;
    crisk_output *o = calloc(1, sizeof *o);
    if (o == NULL)
        return cannot_write(err, path, ENOMEM);
    o->temp = -1;
    if (path == NULL || strcmp(path, "-") == 0) {
        o->direct = 1;
        o->f = stdout;
        *out = o;
        return CRISK_OK;
    }
    o->shown = strdup(path);
    int e = o->shown != NULL ? resolve(path, &o->path) : ENOMEM;
    if (e == 0)
        e = open_target(o);
    if (e != 0) {
        crisk_output_abort(o);
        return cannot_write(err, path, e);
    }
    *out = o;
    return CRISK_OK;
}

FILE *crisk_output_file(crisk_output *o)
{
    return o->f;
}

/* ---- committing ------------------------------------------------------------ */

/* Everything written and, for a file to rename, on disk; the stream is
 * closed (stdout only flushed).  Returns 0 or an errno. */
static int finish(crisk_output *o)
{
    errno = 0;
    if (o->shown == NULL)
        return fflush(o->f) != 0 || ferror(o->f) ? (errno ? errno : EIO) : 0;
    int failed = fflush(o->f) != 0 || ferror(o->f)
              || (o->tmp != NULL && fsync(fileno(o->f)) != 0);
    int e = failed ? (errno ? errno : EIO) : 0;
    if (fclose(o->f) != 0 && e == 0)
        e = errno ? errno : EIO;
    o->f = NULL;
    free(o->buf);
    o->buf = NULL;
    return e;
}

/* fsync the directory holding `path`, so a rename in it survives a crash.
 * Best effort: some file systems refuse it (EINVAL), and the data itself is
 * on disk already. */
static void sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL ? strdup(".") : strndup(path, slash == path ? 1 : (size_t)(slash - path));
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

/* The temporary file renamed over the target.  Returns 0 or an errno. */
static int publish(crisk_output *o)
{
    if (o->tmp == NULL)
        return 0;
    if (rename(o->tmp, o->path) != 0)
        return errno;
    crisk__temp_forget(o->temp);
    o->temp = -1;
    free(o->tmp);
    o->tmp = NULL;
    sync_directory(o->path);
    return 0;
}

/* Free `o`, removing its temporary file if it is still there. */
static void release(crisk_output *o)
{
    if (o->f != NULL && o->shown != NULL)
        fclose(o->f);
    free(o->buf);
    if (o->tmp != NULL)
        unlink(o->tmp);
    crisk__temp_forget(o->temp);
    free(o->tmp);
    free(o->path);
    free(o->shown);
    free(o);
}

int crisk_output_commit(crisk_output *o, crisk_error *err)
{
    int e = finish(o);
    if (e == 0)
        e = publish(o);
    int rc = CRISK_OK;
    if (e != 0 && o->shown == NULL)
        rc = crisk_error_set(err, CRISK_EIO, "<stdout>", 0, 0, "write error: %s", strerror(e));
    else if (e != 0)
        rc = cannot_write(err, o->shown, e);
    release(o);
    return rc;
}

void crisk_output_abort(crisk_output *o)
{
    if (o != NULL)
        release(o);
}

/* ---- two files as one -------------------------------------------------------- */

/* Keep the file `o` is about to replace under a new name beside it, so it
 * can be put back: a second hard link (the file never leaves its place), or
 * where the file system has no hard links, the file itself renamed aside
 * (its name is then empty until the new file takes it).  `*kept` is NULL
 * when there is nothing to keep.  Returns 0 or an errno. */
static int keep_previous(const crisk_output *o, char **kept)
{
    *kept = NULL;
    struct stat st;
    if (o->tmp == NULL || lstat(o->path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    char *name = crisk__temp_name(o->path, ".old.");
    if (name == NULL)
        return ENOMEM;
    int e = EEXIST;
    for (int attempt = 0; attempt < 100 && e == EEXIST; attempt++) {
        crisk__temp_fill(name);
        if (link(o->path, name) == 0)
            e = 0;
        else if (errno == EEXIST || access(name, F_OK) == 0)
            e = EEXIST;
        else   /* no hard links here (EPERM, ENOTSUP, ...): move it aside */
            e = rename(o->path, name) == 0 ? 0 : errno;
    }
    if (e != 0) {
        free(name);
        return e;
    }
    *kept = name;
    return 0;
}

/* Undo publish(o): the kept file back in its place, or none if there was
 * none.  Returns 0 or an errno. */
static int put_back(const crisk_output *o, const char *kept)
{
    if (o->direct)
        return 0;   /* written where it is: nothing to undo */
    if (kept == NULL)
        return unlink(o->path) == 0 ? 0 : errno;
    if (rename(kept, o->path) != 0)
        return errno;
    sync_directory(o->path);
    return 0;
}

/* publish(a) and publish(b), or neither. */
static int publish_both(crisk_output *a, crisk_output *b, crisk_error *err)
{
    char *kept = NULL;
    int e = keep_previous(a, &kept);
    if (e != 0)
        return cannot_write(err, a->shown, e);
    e = publish(a);
    if (e != 0) {
        if (kept != NULL) {
            (void)put_back(a, kept);   /* a no-op when `kept` is a second link */
            (void)unlink(kept);
        }
        free(kept);
        return cannot_write(err, a->shown, e);
    }
    int rc = CRISK_OK;
    e = publish(b);
    if (e != 0) {
        rc = cannot_write(err, b->shown, e);
        int undo = put_back(a, kept);
        if (undo != 0)
            rc = crisk_error_set(err, CRISK_EIO, b->shown, 0, 0,
                                 "cannot write: %s; and %s could not be put back: %s",
                                 strerror(e), a->shown, strerror(undo));
    } else if (kept != NULL) {
        unlink(kept);
    }
    free(kept);
    return rc;
}

int crisk__output_commit_pair(crisk_output *a, crisk_output *b, crisk_error *err)
{
    int e = finish(a);
    const char *failed = a->shown;
    if (e == 0) {
        e = finish(b);
        failed = b->shown;
    }
    int rc = e != 0 ? cannot_write(err, failed, e) : CRISK_OK;
    if (rc == CRISK_OK) {
        /* No signal handler between the two renames: an interrupt waits
         * until the pair is whole - new or old. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old);
        rc = publish_both(a, b, err);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    release(a);
    release(b);
    return rc;
}
