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
 * extracted: a member is inflated straight into the CSV reader (a
 * crisk__csv_source over zip_fread, on the reader's thread), which hashes
 * the inflated bytes as it parses them.  Rejected: a temporary file per
 * member (the first version: a 1 GiB member wrote 1 GiB to $TMPDIR before a
 * byte was parsed) and a whole-member buffer (memory as large as the
 * member).
 *
 * Zip bombs (docs/dora.md, "Limits"): a member is refused when it inflates
 * to more than DORA_MAX_RATIO times its compressed size (past the first
 * DORA_RATIO_GRACE bytes: small files compress as they like), and the
 * members read from one zip may inflate to DORA_MAX_INFLATED bytes in all.
 * Both are checked on the sizes the archive declares before a member is
 * read, and on the bytes actually inflated while it is, since declared
 * sizes are the archive's word.
 *
 * Whatever the package, the reader names a member by its package name,
 * `reports/b_05.02.csv`, so messages are the same for a .zip and a folder;
 * its problems go to a private list first, to be counted apart.
 * A folder's member is opened without following a symbolic link: a package
 * is files, and a link could read (and echo in messages) any file of the
 * machine.
 *
 * Listing is O(n log n) in the archive's entries: one pass finds the
 * package's folder, one collects reports/, one sort orders it and brings a
 * name given twice next to itself.
 */
#include "dora_internal.h"
#include "util/infile.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>


static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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

/* Every name in reports/ but dot files, whatever it is: one that is not a
 * regular file is refused when it is read (dora_package_read_csv), or
 * warned about as a file no template explains. */
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
    while (rc == CRISK_OK && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            rc = push_name(p, &cap, e->d_name, 0);
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

/* The smallest distinct prefixes of reports/ in the zip, sorted: one makes
 * a package; more are an error that names the first two and says whether
 * there are others.  Keeping three (not all of them) makes each entry O(1):
 * an archive of 80,000 folders each holding reports/ was quadratic. */
#define KEPT_PREFIXES 3
typedef struct prefixes {
    char *kept[KEPT_PREFIXES];
    size_t n;                     /* kept */
} prefixes;

/* Offer the prefix name[0..len) to the kept ones. */
static int offer_prefix(prefixes *pf, const char *name, size_t len)
{
    size_t k = 0;
    int c = 1;
    while (k < pf->n && (c = strncmp(pf->kept[k], name, len)) < 0)
        k++;
    if (k < pf->n && c == 0 && pf->kept[k][len] == '\0')
        return CRISK_OK;   /* already kept */
    if (k == KEPT_PREFIXES)
        return CRISK_OK;   /* larger than every kept one */
    char *copy = strndup(name, len);
    if (copy == NULL)
        return CRISK_ENOMEM;
    if (pf->n == KEPT_PREFIXES)
        free(pf->kept[--pf->n]);
    memmove(pf->kept + k + 1, pf->kept + k, (pf->n - k) * sizeof *pf->kept);
    pf->kept[k] = copy;
    pf->n++;
    return CRISK_OK;
}

static int zip_prefixes(dora_package *p, prefixes *pf)
{
    zip_int64_t entries = zip_get_num_entries(p->zip, 0);
    memset(pf, 0, sizeof *pf);
    for (zip_int64_t i = 0; i < entries; i++) {
        const char *name = zip_get_name(p->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        const char *file;
        long len = name ? reports_prefix(name, &file) : -1;
        if (len >= 0 && offer_prefix(pf, name, (size_t)len) != CRISK_OK)
            return CRISK_ENOMEM;
    }
    return CRISK_OK;
}

/* A member and its zip entry, while the listing is sorted. */
typedef struct listed {
    char *name;
    uint64_t index;
} listed;

static int by_name_then_entry(const void *a, const void *b)
{
    const listed *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c != 0 ? c : (x->index > y->index) - (x->index < y->index);
}

/* A file of reports/ the zip holds twice: unzip and Python read the last
 * copy, libzip's lookups the first, so the package would read two ways. */
static int twice(crisk_diagnostics *diags, const listed *first, const listed *again)
{
    char display[CRISK__QUOTE_MAX + 16], q[CRISK__QUOTE_MAX];
    snprintf(display, sizeof display, "reports/%s", crisk__quote(q, first->name));
    return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, display, 0, 0,
                                 "the zip holds this file twice (entries %llu and %llu): tools "
                                 "disagree on which copy to read",
                                 (unsigned long long)first->index + 1,
                                 (unsigned long long)again->index + 1);
}

/* Sort the members into p->names and p->index (room for n) and report
 * every name given twice: kept once, the first in the archive (the load
 * fails anyway).  Every name of `l` ends up in the listing or freed. */
static int sort_listing(dora_package *p, listed *l, size_t n, crisk_diagnostics *diags)
{
    crisk__sort(l, n, sizeof *l, by_name_then_entry);
    int rc = CRISK_OK;
    size_t first = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(l[i].name, l[first].name) == 0) {
            if (rc == CRISK_OK)
                rc = twice(diags, &l[first], &l[i]);
            free(l[i].name);
            continue;
        }
        first = i;
        p->names[p->count] = l[i].name;
        p->index[p->count++] = l[i].index;
    }
    return rc;
}

/* The files of reports/ under p->prefix, sorted. */
static int collect_members(dora_package *p, crisk_diagnostics *diags)
{
    zip_int64_t entries = zip_get_num_entries(p->zip, 0);
    size_t n = 0, cap = 0;
    listed *l = NULL;
    int rc = CRISK_OK;
    for (zip_int64_t i = 0; i < entries && rc == CRISK_OK; i++) {
        const char *name = zip_get_name(p->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
        const char *file;
        long len = name ? reports_prefix(name, &file) : -1;
        if (!is_prefix_of(p->prefix, name, len))
            continue;
        if (crisk__grow((void **)&l, &cap, n + 1, sizeof *l) != 0
            || (l[n].name = strdup(file)) == NULL)
            rc = CRISK_ENOMEM;
        else
            l[n++].index = (uint64_t)i;
    }
    if (rc == CRISK_OK && n > 0) {
        p->names = malloc(n * sizeof *p->names);
        p->index = malloc(n * sizeof *p->index);
        if (p->names != NULL && p->index != NULL) {
            rc = sort_listing(p, l, n, diags);
            n = 0;   /* every name moved or freed */
        } else {
            rc = CRISK_ENOMEM;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(l[i].name);
    free(l);
    return rc;
}

static int list_zip(dora_package *p, crisk_diagnostics *diags, crisk_error *err)
{
    prefixes pf;
    char a[CRISK__QUOTE_MAX], b[CRISK__QUOTE_MAX];
    int rc = zip_prefixes(p, &pf);
    if (rc != CRISK_OK)
        rc = CRISK_ENOMEM;
    else if (pf.n == 0)
        rc = not_a_package(diags, p->path, "no reports/ folder in the zip: not a DORA report "
                           "package (expected reports/ with one CSV per template at the top or "
                           "under one folder)");
    else if (pf.n > 1)
        rc = not_a_package(diags, p->path, "several DORA report packages in the zip ('%sreports/', "
                           "'%sreports/'%s): give one", crisk__quote(a, pf.kept[0]),
                           crisk__quote(b, pf.kept[1]), pf.n > 2 ? ", ..." : "");
    else
        p->prefix = pf.kept[0];
    for (size_t i = p->prefix != NULL; i < pf.n; i++)
        free(pf.kept[i]);
    if (rc == CRISK_OK)
        rc = collect_members(p, diags);
    return rc == CRISK_ENOMEM ? oom(err) : rc;
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
    crisk__zip_budget_init(&p->limits);
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

/* Move the reader's diagnostics, kept apart to be counted (a reader error
 * is structural), to `dst` under the name `display`. */
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
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int member_problem(crisk_diagnostics *diags, const char *display, size_t *errors,
                          const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (*errors)++;
    return crisk_diagnostics_add(diags, CRISK_SEV_ERROR, display, 0, 0, "%s", msg);
}

/* Read `src` with the CSV reader, naming it `display` in every message. */
static int read_source(crisk__csv_source *src, const char *display, crisk__csv_record_fn fn,
                       void *ctx, crisk_diagnostics *diags, crisk__csv_info *info,
                       size_t *reader_errors, crisk_error *err)
{
    crisk_diagnostics mine;
    crisk_diagnostics_init(&mine);
    mine.limit = diags->limit;
    crisk__csv_report rep = { .path = display, .diags = &mine, .status = CRISK_OK };
    int rc = crisk__csv_read_source(&rep, src, fn, ctx, 1, info);
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

/* ---- zip members: inflated into the reader, within the bomb limits ------------------ */

typedef struct zip_member {
    dora_package *p;
    zip_file_t *zf;
    uint64_t compressed;         /* bytes in the archive */
    uint64_t inflated;           /* so far */
} zip_member;

static ssize_t bomb(crisk__csv_source *src, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static ssize_t bomb(crisk__csv_source *src, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(src->why, sizeof src->why, fmt, ap);
    va_end(ap);
    src->code = CRISK_ELIMIT;
    return -1;
}

/* A crisk__csv_source over zip_fread: on the reader's thread. */
static ssize_t read_member(crisk__csv_source *src, char *buf, size_t size)
{
    zip_member *m = src->ctx;
    dora_package *p = m->p;
    zip_int64_t n = zip_fread(m->zf, buf, size);
    if (n < 0) {
        src->code = CRISK_EINVALID;
        snprintf(src->why, sizeof src->why, "cannot read it from the zip archive: %s",
                 zip_file_strerror(m->zf));
        return -1;
    }
    m->inflated += (uint64_t)n;
    char why[CRISK_ERROR_MESSAGE_MAX];
    if (crisk__zip_count_inflated(&p->limits, (uint64_t)n, m->inflated, m->compressed, why,
                                  sizeof why) != 0)
        return bomb(src, "%s", why);
    return (ssize_t)n;
}

/* The limits on the sizes the archive declares, before a byte is inflated:
 * CRISK_OK, or a member problem (CRISK_EINVALID) or CRISK_ENOMEM. */
static int check_declared(const dora_package *p, const zip_stat_t *st, const char *display,
                          crisk_diagnostics *diags, size_t *errors)
{
    if (!(st->valid & ZIP_STAT_SIZE) || !(st->valid & ZIP_STAT_COMP_SIZE))
        return CRISK_OK;   /* then only the inflated bytes are checked */
    char why[CRISK_ERROR_MESSAGE_MAX];
    if (crisk__zip_check_declared(&p->limits, st->size, st->comp_size, why, sizeof why) == 0)
        return CRISK_OK;
    int rc = member_problem(diags, display, errors, "%s", why);
    return rc == CRISK_OK ? CRISK_EINVALID : rc;
}

static int read_zip_member(dora_package *p, uint64_t index, const char *display,
                           crisk__csv_record_fn fn, void *ctx, crisk_diagnostics *diags,
                           crisk__csv_info *info, size_t *reader_errors, crisk_error *err)
{
    zip_stat_t st;
    zip_stat_init(&st);
    int rc = zip_stat_index(p->zip, index, 0, &st) == 0
             ? check_declared(p, &st, display, diags, reader_errors) : CRISK_OK;
    if (rc != CRISK_OK)
        return rc == CRISK_EINVALID ? CRISK_OK : oom(err);   /* reported; the member is skipped */
    zip_member m = { p, zip_fopen_index(p->zip, index, 0), 0, 0 };
    if (m.zf == NULL)
        return member_problem(diags, display, reader_errors, "cannot read it from the zip "
                              "archive: %s", zip_strerror(p->zip)) == CRISK_OK ? CRISK_OK
                                                                               : oom(err);
    m.compressed = st.valid & ZIP_STAT_COMP_SIZE ? st.comp_size : UINT64_MAX;
    crisk__csv_source src;
    memset(&src, 0, sizeof src);
    src.read = read_member;
    src.ctx = &m;
    src.size = st.size;
    src.size_known = (st.valid & ZIP_STAT_SIZE) != 0;
    rc = read_source(&src, display, fn, ctx, diags, info, reader_errors, err);
    zip_fclose(m.zf);
    return rc == CRISK_ENOMEM ? oom(err) : rc;
}

/* ---- folder members: regular files only --------------------------------------------- */

static int read_folder_member(dora_package *p, const char *name, const char *display,
                              crisk__csv_record_fn fn, void *ctx, crisk_diagnostics *diags,
                              crisk__csv_info *info, size_t *reader_errors, crisk_error *err)
{
    char *reports = join(p->dir, "reports");
    char *path = reports ? join(reports, name) : NULL;
    free(reports);
    if (path == NULL)
        return oom(err);
    int fd;
    struct stat st;
    char why[CRISK_ERROR_MESSAGE_MAX];
    int rc = crisk__infile_open(path, CRISK__INFILE_NOFOLLOW, &fd, &st, why, sizeof why);
    free(path);
    if (rc == CRISK_EIO)
        return crisk_error_set(err, CRISK_EIO, display, 0, 0, "%s", why);
    if (rc != CRISK_OK)   /* not a regular file, or gone: the package's fault */
        return member_problem(diags, display, reader_errors, "%s", why) == CRISK_OK ? CRISK_OK
                                                                                   : oom(err);
    crisk__csv_source src;
    crisk__csv_source_fd(&src, fd, (uint64_t)st.st_size);
    rc = read_source(&src, display, fn, ctx, diags, info, reader_errors, err);
    close(fd);
    return rc == CRISK_ENOMEM ? oom(err) : rc;
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
    return read_folder_member(p, name, display, fn, ctx, diags, info, reader_errors, err);
}
