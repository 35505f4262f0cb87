/*
 * dora_package.c - finding and reading the files of a DORA report package.
 *
 * A package is a .zip or its unpacked folder: <name>/reports/ with one CSV
 * per template (plus META-INF/, which carries no data).  Accepted: the .zip
 * (reports/ at its top or under one folder), the unpacked folder, or a
 * folder holding exactly one unpacked package.  Only the files directly in
 * reports/ are listed.
 *
 * Zip archives are read in-process with libzip, a small, maintained library
 * that checks CRCs and sizes and reports corrupt archives as errors, instead
 * of shelling out to unzip (a process per file, a dependency on PATH, and
 * archive member names that would become file names on disk).  Nothing is
 * extracted under a member's name.
 *
 * The CSV reader (csv_reader.c) reads from a path and names that path in its
 * messages.  So a zip member is streamed into a private temporary file
 * (mkstemp, removed right after the read) and read from there; the reader's
 * problems go to a private diagnostics list and are moved to the caller's
 * under the member's package name, `reports/b_05.02.csv`, so messages are
 * the same for a .zip and a folder.  A member's SHA-256 is computed while it
 * is copied out.  Rejected: fmemopen (the reader takes a path, not a FILE*),
 * and a whole-member buffer (a 4 GiB member would need 4 GiB of memory; the
 * temporary file streams).
 */
#include "dora_internal.h"
#include "util/tempfiles.h"

#include <dirent.h>
#include <errno.h>
#include <sha2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#define COPY_BYTES (1u << 20)
#define SMALL_FILE_BYTES (1 << 20)   /* hashed here, not by the reader's thread */

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    int slash = la > 0 && a[la - 1] != '/';
    char *s = malloc(la + slash + lb + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        if (slash)
            s[la] = '/';
        memcpy(s + la + slash, b, lb + 1);
    }
    return s;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int push_name(dora_package *p, size_t *cap, const char *name, uint64_t index)
{
    if (crisk__grow((void **)&p->names, cap, p->count + 1, sizeof *p->names) != 0)
        return CRISK_ENOMEM;
    size_t icap = *cap;
    uint64_t *idx = realloc(p->index, icap * sizeof *idx);
    if (idx == NULL)
        return CRISK_ENOMEM;
    p->index = idx;
    p->names[p->count] = strdup(name);
    if (p->names[p->count] == NULL)
        return CRISK_ENOMEM;
    p->index[p->count++] = index;
    return CRISK_OK;
}

static int not_a_package(crisk_diagnostics *diags, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int not_a_package(crisk_diagnostics *diags, const char *path, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, path, 0, 0, "%s", msg) == CRISK_OK
           ? CRISK_EINVALID : CRISK_ENOMEM;
}

static int oom(crisk_error *err)
{
    return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

/* ---- folders -------------------------------------------------------------------- */

/* The sub-folders of `path` that hold reports/, sorted. */
static int package_subdirs(const char *path, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    DIR *d = opendir(path);
    if (d == NULL)
        return CRISK_EIO;
    int rc = CRISK_OK;
    struct dirent *e;
    while (rc == CRISK_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = join(path, e->d_name);
        char *reports = sub ? join(sub, "reports") : NULL;
        if (reports == NULL)
            rc = CRISK_ENOMEM;
        else if (is_dir(reports)) {
            if (crisk__grow((void **)out, &cap, *n + 1, sizeof **out) != 0)
                rc = CRISK_ENOMEM;
            else if (((*out)[*n] = strdup(e->d_name)) == NULL)
                rc = CRISK_ENOMEM;
            else
                (*n)++;
        }
        free(sub);
        free(reports);
    }
    closedir(d);
    if (*n > 1)
        crisk__sort(*out, *n, sizeof **out, compare_names);
    return rc;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int list_folder(dora_package *p, crisk_error *err)
{
    char *reports = join(p->dir, "reports");
    if (reports == NULL)
        return oom(err);
    DIR *d = opendir(reports);
    if (d == NULL) {
        int rc = crisk_error_set(err, CRISK_EIO, reports, 0, 0, "cannot list the folder: %s",
                                 strerror(errno));
        free(reports);
        return rc;
    }
    int rc = CRISK_OK;
    size_t cap = 0;
    struct dirent *e;
    while (rc == CRISK_OK && (e = readdir(d)) != NULL) {
        char *file = join(reports, e->d_name);
        if (file == NULL)
            rc = CRISK_ENOMEM;
        else if (e->d_name[0] != '.' && is_file(file))
            rc = push_name(p, &cap, e->d_name, 0);
        free(file);
    }
    closedir(d);
    free(reports);
    if (rc != CRISK_OK)
        return oom(err);
    crisk__sort(p->names, p->count, sizeof *p->names, compare_names);
    return CRISK_OK;
}

static int open_folder(dora_package *p, crisk_diagnostics *diags, crisk_error *err)
{
    char *reports = join(p->path, "reports");
    if (reports == NULL)
        return oom(err);
    int direct = is_dir(reports);
    free(reports);
    if (direct) {
        p->dir = strdup(p->path);
        return p->dir ? list_folder(p, err) : oom(err);
    }
    char **subs = NULL;
    size_t n = 0;
    int rc = package_subdirs(p->path, &subs, &n);
    if (rc == CRISK_EIO)
        rc = crisk_error_set(err, CRISK_EIO, p->path, 0, 0, "cannot list the folder: %s",
                             strerror(errno));
    else if (rc == CRISK_ENOMEM)
        rc = oom(err);
    else if (n == 0)
        rc = not_a_package(diags, p->path, "no nodes.csv (native inventory) and no reports/ "
                           "folder (DORA report package) here or in a sub-folder");
    else if (n > 1)
        rc = not_a_package(diags, p->path, "several DORA report packages here ('%s', '%s'%s): "
                           "give one", subs[0], subs[1], n > 2 ? ", ..." : "");
    else if ((p->dir = join(p->path, subs[0])) == NULL)
        rc = oom(err);
    else
        rc = list_folder(p, err);
    free_names(subs, n);
    return rc;
}

/* ---- zip archives ----------------------------------------------------------------- */

/* The part of a member name before "reports/", if the member is a file
 * directly in reports/ at the top or one folder down: its length, or -1. */
static long reports_prefix(const char *name, const char **file)
{
    const char *slash = strchr(name, '/');
    const char *rest = name;
    long len = 0;
    if (slash != NULL && strncmp(name, "reports/", 8) != 0) {
        len = (long)(slash - name) + 1;
        rest = slash + 1;
    }
    if (strncmp(rest, "reports/", 8) != 0 || rest[8] == '\0' || strchr(rest + 8, '/') != NULL)
        return -1;
    if (strncmp(name, "__MACOSX/", 9) == 0)   /* Finder's resource forks */
        return -1;
    *file = rest + 8;
    return len;
}

/* Whether `prefix` is the first len bytes of `name` and nothing more. */
static int is_prefix_of(const char *prefix, const char *name, long len)
{
    return len >= 0 && strlen(prefix) == (size_t)len && strncmp(prefix, name, (size_t)len) == 0;
}

/* The distinct prefixes of reports/ in the zip, sorted (usually one). */
static int zip_prefixes(dora_package *p, char ***out, size_t *n)
{
    zip_int64_t entries = zip_get_num_entries(p->zip, 0);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    for (zip_int64_t i = 0; i < entries; i++) {
        const char *name = zip_get_name(p->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        const char *file;
        long len = name ? reports_prefix(name, &file) : -1;
        size_t k = 0;
        while (len >= 0 && k < *n && !is_prefix_of((*out)[k], name, len))
            k++;
        if (len < 0 || k < *n)
            continue;
        if (crisk__grow((void **)out, &cap, *n + 1, sizeof **out) != 0
            || ((*out)[*n] = strndup(name, (size_t)len)) == NULL)
            return CRISK_ENOMEM;
        (*n)++;
    }
    crisk__sort(*out, *n, sizeof **out, compare_names);
    return CRISK_OK;
}

static int list_zip(dora_package *p, crisk_diagnostics *diags, crisk_error *err)
{
    char **prefixes = NULL, a[CRISK__QUOTE_MAX], b[CRISK__QUOTE_MAX];
    size_t n = 0;
    int rc = zip_prefixes(p, &prefixes, &n);
    if (rc != CRISK_OK)
        rc = oom(err);
    else if (n == 0)
        rc = not_a_package(diags, p->path, "no reports/ folder in the zip: not a DORA report "
                           "package (expected reports/ with one CSV per template at the top or "
                           "under one folder)");
    else if (n > 1)
        rc = not_a_package(diags, p->path, "several DORA report packages in the zip ('%sreports/', "
                           "'%sreports/'%s): give one", crisk__quote(a, prefixes[0]),
                           crisk__quote(b, prefixes[1]), n > 2 ? ", ..." : "");
    else
        p->prefix = prefixes[0];
    if (rc == CRISK_ENOMEM)
        rc = oom(err);
    for (size_t i = p->prefix != NULL; i < n; i++)
        free(prefixes[i]);
    free(prefixes);
    if (rc != CRISK_OK)
        return rc;
    zip_int64_t entries = zip_get_num_entries(p->zip, 0);
    size_t cap = 0;
    for (zip_int64_t i = 0; i < entries; i++) {
        const char *name = zip_get_name(p->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        const char *file;
        long len = name ? reports_prefix(name, &file) : -1;
        if (!is_prefix_of(p->prefix, name, len))
            continue;
        if (push_name(p, &cap, file, (uint64_t)i) != CRISK_OK)
            return oom(err);
    }
    return CRISK_OK;
}

/* Sort names, keeping each zip index with its name. */
static void sort_listing(dora_package *p)
{
    for (size_t i = 1; i < p->count; i++) {
        char *name = p->names[i];
        uint64_t index = p->index[i];
        size_t j = i;
        for (; j > 0 && strcmp(p->names[j - 1], name) > 0; j--) {
            p->names[j] = p->names[j - 1];
            p->index[j] = p->index[j - 1];
        }
        p->names[j] = name;
        p->index[j] = index;
    }
}

static int open_zip(dora_package *p, crisk_diagnostics *diags, crisk_error *err)
{
    int code = 0;
    p->zip = zip_open(p->path, ZIP_RDONLY, &code);
    if (p->zip == NULL) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        char msg[256];
        snprintf(msg, sizeof msg, "%s", zip_error_strerror(&ze));
        zip_error_fini(&ze);
        if (code == ZIP_ER_MEMORY)
            return oom(err);
        if (code == ZIP_ER_OPEN || code == ZIP_ER_READ)
            return crisk_error_set(err, CRISK_EIO, p->path, 0, 0, "cannot read the zip archive: %s",
                                   msg);
        int rc = not_a_package(diags, p->path, "not a valid zip archive: %s", msg);
        return rc == CRISK_ENOMEM ? oom(err) : rc;
    }
    int rc = list_zip(p, diags, err);
    if (rc != CRISK_OK)
        return rc;
    /* Insertion sort: reports/ holds about twenty files. */
    sort_listing(p);
    struct stat st;
    if (stat(p->path, &st) == 0)
        p->bytes = (uint64_t)st.st_size;
    return crisk_sha256_file(p->sha256, p->path, err);
}

/* ---- the package ------------------------------------------------------------------- */

int dora_package_open(dora_package *p, const char *path, crisk_diagnostics *diags,
                      crisk_error *err)
{
    memset(p, 0, sizeof *p);
    p->path = path;
    if (is_dir(path))
        return open_folder(p, diags, err);
    return open_zip(p, diags, err);
}

void dora_package_close(dora_package *p)
{
    if (p->zip != NULL)
        zip_discard(p->zip);
    free_names(p->names, p->count);
    free(p->index);
    free(p->dir);
    free(p->prefix);
    memset(p, 0, sizeof *p);
}

const char *dora_package_find(const dora_package *p, const char *file)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcmp(p->names[i], file) == 0)
            return p->names[i];
    for (size_t i = 0; i < p->count; i++)
        if (crisk__strcasecmp_ascii(p->names[i], file) == 0)
            return p->names[i];
    return NULL;
}

const char *dora_package_label(const dora_package *p)
{
    return p->zip != NULL ? p->path : p->dir;
}

/* ---- reading a member ---------------------------------------------------------------- */

/* Move the reader's diagnostics to `dst`, naming the file `display`. */
static int relabel(crisk_diagnostics *dst, const crisk_diagnostics *src, const char *display)
{
    for (size_t i = 0; i < src->count; i++) {
        const crisk_diag *d = &src->items[i];
        if (crisk_diagnostics_add(dst, d->severity, display, d->line, d->column, "%s",
                                  d->message) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    /* Counted but not stored there: count them here too. */
    dst->errors += src->errors - src->stored_errors;
    dst->warnings += src->warnings - src->stored_warnings;
    return CRISK_OK;
}

static int member_problem(crisk_diagnostics *diags, const char *display, size_t *errors,
                          const char *fmt, const char *detail)
{
    (*errors)++;
    return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, display, 0, 0, fmt, detail);
}

static int write_all(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Stream zip entry `index` into the open file `fd`.  Returns CRISK_OK,
 * CRISK_EINVALID (the archive's fault: reported), or CRISK_EIO/ENOMEM. */
static int copy_member(dora_package *p, uint64_t index, int fd, const char *display,
                       crisk_diagnostics *diags, size_t *errors, char sha256[65],
                       crisk_error *err)
{
    zip_stat_t st;
    if (zip_stat_index(p->zip, index, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE)
        && st.size > CRISK_MAX_FILE_BYTES) {
        char detail[64];
        snprintf(detail, sizeof detail, "%llu", (unsigned long long)st.size);
        return member_problem(diags, display, errors, "file is too large (%s bytes, limit 4 GiB)",
                              detail) == CRISK_OK ? CRISK_EINVALID : CRISK_ENOMEM;
    }
    zip_file_t *zf = zip_fopen_index(p->zip, index, 0);
    if (zf == NULL)
        return member_problem(diags, display, errors, "cannot read it from the zip archive: %s",
                              zip_strerror(p->zip)) == CRISK_OK ? CRISK_EINVALID : CRISK_ENOMEM;
    char *buf = malloc(COPY_BYTES);
    int rc = buf ? CRISK_OK : CRISK_ENOMEM;
    uint64_t total = 0;
    SHA2_CTX sha;
    SHA256Init(&sha);
    while (rc == CRISK_OK) {
        zip_int64_t n = zip_fread(zf, buf, COPY_BYTES);
        if (n < 0)
            rc = member_problem(diags, display, errors, "cannot read it from the zip archive: %s",
                                zip_file_strerror(zf)) == CRISK_OK ? CRISK_EINVALID : CRISK_ENOMEM;
        else if (n == 0)
            break;
        else if ((total += (uint64_t)n) > CRISK_MAX_FILE_BYTES)
            rc = member_problem(diags, display, errors, "file is too large (%s)",
                                "more than 4 GiB") == CRISK_OK ? CRISK_EINVALID : CRISK_ENOMEM;
        else if (write_all(fd, buf, (size_t)n) != 0)
            rc = crisk_error_set(err, CRISK_EIO, NULL, 0, 0,
                                 "cannot write a temporary file: %s", strerror(errno));
        else
            SHA256Update(&sha, (const uint8_t *)buf, (size_t)n);
    }
    SHA256End(&sha, sha256);
    free(buf);
    zip_fclose(zf);
    return rc;
}

/* Read `path` with the CSV reader.  `sha256` is the file's digest when the
 * caller already has it ("" otherwise: the reader computes it). */
static int read_path(const char *path, const char *display, const char *sha256,
                     crisk__csv_record_fn fn, void *ctx, crisk_diagnostics *diags,
                     crisk__csv_info *info, size_t *reader_errors, crisk_error *err)
{
    crisk_diagnostics mine;
    crisk_diagnostics_init(&mine);
    mine.limit = diags->limit;
    crisk__csv_report rep = { .path = path, .diags = &mine, .status = CRISK_OK };
    int rc = crisk__csv_read(&rep, fn, ctx, sha256[0] == '\0', info);
    if (sha256[0] != '\0')
        memcpy(info->sha256, sha256, 65);
    *reader_errors += mine.errors;
    if (rc == CRISK_EINVALID || rc == CRISK_ELIMIT || rc == CRISK_ENOTFOUND)
        rc = CRISK_OK;   /* the file's fault, reported: the package goes on */
    else if (rc == CRISK_EIO)
        crisk_error_set(err, CRISK_EIO, display, 0, 0, "%s",
                        mine.count > 0 ? mine.items[0].message : "cannot read file");
    if (relabel(diags, &mine, display) != CRISK_OK)
        rc = CRISK_ENOMEM;
    crisk_diagnostics_release(&mine);
    return rc;
}

static int read_zip_member(dora_package *p, uint64_t index, const char *display,
                           crisk__csv_record_fn fn, void *ctx, crisk_diagnostics *diags,
                           crisk__csv_info *info, size_t *reader_errors, crisk_error *err)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmp = join(tmpdir && tmpdir[0] ? tmpdir : "/tmp", "chainrisk-dora-XXXXXX");
    if (tmp == NULL)
        return oom(err);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int rc = crisk_error_set(err, CRISK_EIO, NULL, 0, 0,
                                 "cannot create a temporary file: %s", strerror(errno));
        free(tmp);
        return rc;
    }
    int temp = crisk__temp_remember(tmp);
    char sha256[65] = "";
    int rc = copy_member(p, index, fd, display, diags, reader_errors, sha256, err);
    if (close(fd) != 0 && rc == CRISK_OK)
        rc = crisk_error_set(err, CRISK_EIO, NULL, 0, 0, "cannot write a temporary file: %s",
                             strerror(errno));
    if (rc == CRISK_OK)
        rc = read_path(tmp, display, sha256, fn, ctx, diags, info, reader_errors, err);
    else if (rc == CRISK_EINVALID)
        rc = CRISK_OK;   /* reported; the member is skipped */
    unlink(tmp);
    crisk__temp_forget(temp);
    free(tmp);
    if (rc == CRISK_ENOMEM)
        return oom(err);
    return rc;
}

int dora_package_read_csv(dora_package *p, const char *name, const char *display,
                          crisk__csv_record_fn fn, void *ctx, crisk_diagnostics *diags,
                          crisk__csv_info *info, size_t *reader_errors, crisk_error *err)
{
    memset(info, 0, sizeof *info);
    size_t i = 0;
    while (i < p->count && p->names[i] != name)
        i++;
    if (i == p->count)
        return crisk_error_set(err, CRISK_EINTERNAL, display, 0, 0, "not in the package listing");
    if (p->zip != NULL)
        return read_zip_member(p, p->index[i], display, fn, ctx, diags, info, reader_errors, err);
    char *reports = join(p->dir, "reports");
    char *path = reports ? join(reports, name) : NULL;
    free(reports);
    if (path == NULL)
        return oom(err);
    /* The reader hashes beside parsing, in a thread of its own: worth it for
     * big files, but starting it costs more than hashing a small file twice
     * (a package has a dozen files of a few KB). */
    char sha256[65] = "";
    struct stat st;
    crisk_error ignored = CRISK_ERROR_INIT;
    if (stat(path, &st) == 0 && st.st_size <= SMALL_FILE_BYTES
        && crisk_sha256_file(sha256, path, &ignored) != CRISK_OK)
        sha256[0] = '\0';   /* the reader will say what is wrong with the file */
    int rc = read_path(path, display, sha256, fn, ctx, diags, info, reader_errors, err);
    free(path);
    return rc == CRISK_ENOMEM ? oom(err) : rc;
}
