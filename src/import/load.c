/*
 * load.c - crisk_inventory_load(): find out what each input is and hand it
 * to its importer; all inputs feed one builder, so they merge into one graph.
 *
 * Detection is by content, not by name: a directory with nodes.csv is a
 * native inventory; a zip archive, or a directory with reports/ (or one
 * sub-directory holding reports/), is a DORA report package; a file starting
 * with '{' is a JSON SBOM, SPDX or CycloneDX by its top-level keys
 * (sbom_detect.c); SPDX tag-value, RDF/XML or YAML is refused with a hint.
 *
 * The dispatch is the top of import/: it includes each reader's header
 * (csv_native.h, cyclonedx.h, spdx.h, sbom_detect.h, dora/dora.h, mapping.h) and no reader
 * includes it, so adding a reader changes this file and the reader alone.
 *
 * A spreadsheet mapping (`--map`, mapping.h) is read once, before any
 * input, and applies to every native input: a directory holding the file
 * the mapping names for the nodes (default nodes.csv) is a native inventory
 * read through it, and so are --nodes/--edges (whose paths win over the
 * mapping's file names).  A mapping with errors stops the load before any
 * input is read: its problems would only be repeated as confusing ones in
 * the CSV files.
 */
#include "csv_dialect.h"
#include "csv_native.h"
#include "cyclonedx.h"
#include "mapping.h"
#include "sbom_detect.h"
#include "spdx.h"
#include "import/dora/dora.h"
#include "xlsx.h"
#include "util/infile.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum input_kind {
    INPUT_NATIVE_DIR, INPUT_XLSX, INPUT_DORA, INPUT_CYCLONEDX, INPUT_SPDX, INPUT_SPDX_TEXT, INPUT_UNKNOWN,
    INPUT_MISSING,
    INPUT_UNREADABLE   /* there, but no regular file: why in detection.why */
};

/* What detect() found, and why a path that is there cannot be read. */
typedef struct detection {
    enum input_kind kind;
    int code;
    char why[CRISK_ERROR_MESSAGE_MAX];
    crisk__sbom_detection sbom;   /* INPUT_SPDX_TEXT: what gave it away */
} detection;

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether anything is at `path`: a file of any kind, or a symbolic link
 * even to nothing.  Such a file is read (and refused if it is no regular
 * file), never skipped as absent. */
static int is_there(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* dir/name; an absolute `name` stands alone. */
static int path_join(char *buf, size_t size, const char *dir, const char *name)
{
    if (name[0] == '/')
        return snprintf(buf, size, "%s", name) < (int)size ? 0 : -1;
    size_t len = strlen(dir);
    const char *sep = len > 0 && dir[len - 1] == '/' ? "" : "/";
    return snprintf(buf, size, "%s%s%s", dir, sep, name) < (int)size ? 0 : -1;
}

/* First non-blank byte of the open file `fd` (after a UTF-8 BOM), or -1. */
static int first_byte(int fd, unsigned char magic[4])
{
    unsigned char buf[512];
    ssize_t got = read(fd, buf, sizeof buf);
    size_t n = got > 0 ? (size_t)got : 0;
    memset(magic, 0, 4);
    memcpy(magic, buf, n < 4 ? n : 4);
    size_t i = n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF ? 3 : 0;
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    return i < n ? buf[i] : -1;
}

/* The native files of a directory: the mapping's names, or the native ones. */
static const char *file_name(const struct crisk__colmap *map, enum crisk__native_file f)
{
    const char *name = crisk__colmap_file(map, f);
    if (name != NULL)
        return name;
    return f == CRISK__NATIVE_NODES ? "nodes.csv" : "edges.csv";
}

/* Whether `dir` looks like an unpacked DORA report package: reports/ in it
 * or in one of its sub-directories. */
static int has_reports(const char *dir)
{
    char buf[4096];
    if (path_join(buf, sizeof buf, dir, "reports") == 0 && is_dir(buf))
        return 1;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int found = 0;
    for (struct dirent *e = readdir(d); e != NULL && !found; e = readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        found = path_join(sub, sizeof sub, dir, e->d_name) == 0
                && path_join(buf, sizeof buf, sub, "reports") == 0 && is_dir(buf);
    }
    closedir(d);
    return found;
}

static void detect(const char *path, const struct crisk__colmap *map, detection *d)
{
    char buf[4096];
    d->code = CRISK_OK;
    if (is_dir(path)) {
        d->kind = INPUT_DORA;   /* the DORA importer explains what it expected */
        if (path_join(buf, sizeof buf, path, file_name(map, CRISK__NATIVE_NODES)) == 0
            && is_there(buf))
            d->kind = INPUT_NATIVE_DIR;
        /* A mapping that names the nodes file says what the directory is
         * meant to hold: the native importer reports the file missing. */
        else if (crisk__colmap_file(map, CRISK__NATIVE_NODES) != NULL && !has_reports(path))
            d->kind = INPUT_NATIVE_DIR;
        return;
    }
    if (!is_there(path)) {
        d->kind = INPUT_MISSING;
        return;
    }
    if (crisk__xlsx_path(path)) {   /* by name: its reader says if it is none */
        d->kind = INPUT_XLSX;
        return;
    }
    int fd;
    struct stat st;
    d->code = crisk__infile_open(path, 0, &fd, &st, d->why, sizeof d->why);
    if (d->code != CRISK_OK) {
        d->kind = INPUT_UNREADABLE;
        return;
    }
    unsigned char magic[4] = { 0 };
    int c = first_byte(fd, magic);
    if (magic[0] == 'P' && magic[1] == 'K') {
        close(fd);
        d->kind = INPUT_DORA;
        return;
    }
    crisk__sbom_detect(fd, c, &d->sbom);
    close(fd);
    static const enum input_kind kinds[] = {
        [CRISK__SBOM_NONE] = INPUT_UNKNOWN, [CRISK__SBOM_CYCLONEDX] = INPUT_CYCLONEDX,
        [CRISK__SBOM_SPDX] = INPUT_SPDX, [CRISK__SBOM_SPDX_TEXT] = INPUT_SPDX_TEXT,
    };
    d->kind = kinds[d->sbom.kind];
}

/* The nodes and edges files of a native directory.  The edges file is
 * optional unless the mapping names it: when there is none at all, `*edges`
 * is "" and a warning names it (a supplier register alone is an inventory,
 * but one whose edges file went missing must not pass for one without
 * dependencies unnoticed).  Anything there by that name is read, so one
 * that is no regular file is an error, never taken for absent. */
static int native_paths(const char *dir, const struct crisk__colmap *map, char *nodes,
                        char *edges, size_t size, crisk_diagnostics *diags, crisk_error *err)
{
    if (path_join(nodes, size, dir, file_name(map, CRISK__NATIVE_NODES)) != 0
        || path_join(edges, size, dir, file_name(map, CRISK__NATIVE_EDGES)) != 0)
        return crisk_error_set(err, CRISK_EUSAGE, dir, 0, 0, "path too long");
    if (crisk__colmap_file(map, CRISK__NATIVE_EDGES) != NULL || is_there(edges))
        return CRISK_OK;
    int rc = crisk_diagnostics_add(diags, CRISK_SEV_WARNING, edges, 0, 0,
                                   "no such file: the inventory has no dependencies");
    edges[0] = '\0';
    return rc == CRISK_OK ? CRISK_OK : crisk_error_set(err, rc, dir, 0, 0, "out of memory");
}

/* Why nothing is at `path` (lstat() failed), as stat() says: a name too
 * long for the file system is not "missing".  (A FIFO or a device is there:
 * detect() hands it to util/infile.c, which names its kind.) */
static int missing(const char *path, crisk_error *err)
{
    struct stat st;
    int e = stat(path, &st) == 0 ? ENOENT : errno;   /* ENOENT: it vanished since */
    const char *why = e == ENOENT || e == ENOTDIR ? "no such file or directory"
                    : e == ENAMETOOLONG           ? "file name too long"
                    : e == ELOOP                  ? "too many levels of symbolic links"
                    : e == EACCES                 ? "permission denied"
                                                  : strerror(e);
    return crisk_error_set(err, crisk__open_error_code(e), path, 0, 0, "%s", why);
}

static int load_one(crisk_builder *b, const crisk_input *in, const crisk_load_options *opts,
                    const struct crisk__colmap *map, const crisk__csv_dialect *dialect,
                    crisk_diagnostics *diags, crisk_error *err)
{
    crisk__native_input native = { in->nodes, in->edges, map, dialect, opts->xlsx_sheet,
                                   opts->xlsx_edges_sheet };
    if (in->path == NULL)
        return crisk__native_load(b, &native, diags, err);
    char nodes[4096], edges[4096];
    int rc;
    detection d;
    detect(in->path, map, &d);
    switch (d.kind) {
    case INPUT_NATIVE_DIR:
        rc = native_paths(in->path, map, nodes, edges, sizeof nodes, diags, err);
        if (rc != CRISK_OK)
            return rc;
        native.nodes = nodes;
        native.edges = edges[0] ? edges : NULL;
        return crisk__native_load(b, &native, diags, err);
    case INPUT_XLSX:
        native.nodes = in->path;
        native.edges = NULL;
        /* as for a directory without edges.csv: legal, but said */
        if (opts->xlsx_edges_sheet == NULL
            && crisk_diagnostics_add(diags, CRISK_SEV_WARNING, in->path, 0, 0, "no edges sheet "
                                     "(--edges-sheet NAME): the inventory has no dependencies")
               != CRISK_OK)
            return crisk_error_set(err, CRISK_ENOMEM, in->path, 0, 0, "out of memory");
        return crisk__native_load(b, &native, diags, err);
    case INPUT_DORA:
        return crisk__dora_load(b, in->path, opts, diags, err);
    case INPUT_CYCLONEDX:
        return crisk__cyclonedx_load(b, in->path, opts, diags, err);
    case INPUT_SPDX:
        return crisk__spdx_load(b, in->path, opts, diags, err);
    case INPUT_SPDX_TEXT:
        return crisk__spdx_refuse(b, in->path, &d.sbom, diags, err);
    case INPUT_MISSING:
        return missing(in->path, err);
    case INPUT_UNREADABLE:
        return crisk_error_set(err, d.code, in->path, 0, 0, "%s", d.why);
    default:
        return crisk_error_set(err, CRISK_EINVALID, in->path, 0, 0,
                               "not a chainrisk input: expected a directory with nodes.csv, "
                               "a DORA report package, or a CycloneDX or SPDX JSON SBOM");
    }
}

/* Read the mapping (if any) and register it for provenance. */
static int load_mapping(crisk_builder *b, const char *path, struct crisk__colmap **out,
                        crisk_diagnostics *diags, crisk_error *err)
{
    *out = NULL;
    if (path == NULL)
        return CRISK_OK;
    int rc = crisk__colmap_load(out, path, diags, err);
    if (rc != CRISK_OK)
        return rc;
    size_t source;
    return crisk_builder_add_source(b, &source, path, "mapping", (*out)->sha256, (*out)->bytes,
                                    err);
}

/* The CSV dialect the options ask for (--delimiter, --thousands,
 * --encoding); CRISK_EUSAGE for a value chainrisk does not know. */
static int csv_dialect(const crisk_load_options *opts, crisk__csv_dialect *d, crisk_error *err)
{
    static const char thousands[] = ".,' ";
    memset(d, 0, sizeof *d);
    if (opts->csv_delimiter != NULL) {
        d->delimiter = crisk__csv_delimiter_named(opts->csv_delimiter);
        if (d->delimiter == 0)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "--delimiter expects ',', ';' "
                                   "or tab, not '%s'", opts->csv_delimiter);
    }
    if (opts->csv_thousands != NULL) {
        const char *t = opts->csv_thousands;
        if (strlen(t) != 1 || strchr(thousands, t[0]) == NULL)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "--thousands expects '.', ',', "
                                   "' ' or an apostrophe, not '%s'", t);
        d->thousands = t[0];
    }
    if (opts->csv_encoding != NULL
        && crisk__csv_encoding(opts->csv_encoding, &d->encoding) != 0)
        return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "--encoding expects utf-8, "
                               "windows-1252, latin1 or utf-16, not '%s'", opts->csv_encoding);
    return CRISK_OK;
}

int crisk_inventory_load(crisk_inventory **out, const crisk_input *inputs, size_t n,
                         const crisk_load_options *opts, crisk_diagnostics *diags,
                         crisk_error *err)
{
    static const crisk_load_options defaults = CRISK_LOAD_OPTIONS_INIT;
    if (opts == NULL)
        opts = &defaults;
    *out = NULL;
    if (opts->diag_limit)
        diags->limit = opts->diag_limit;
    crisk__csv_dialect dialect;
    int rc = csv_dialect(opts, &dialect, err);
    if (rc != CRISK_OK)
        return rc;
    crisk_builder *b = NULL;
    rc = crisk_builder_new(&b, err);
    if (rc != CRISK_OK)
        return rc;
    crisk_builder_set_progress(b, opts->progress, opts->progress_ctx);
    struct crisk__colmap *map = NULL;
    rc = load_mapping(b, opts->map_path, &map, diags, err);
    for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
        crisk_builder_begin_input(b);
        rc = load_one(b, &inputs[i], opts, map, &dialect, diags, err);
    }
    if (rc == CRISK_OK)
        rc = crisk_builder_finish(b, out, diags, err);
    else
        crisk_diagnostics_sort(diags);
    crisk_builder_free(b);
    crisk__colmap_free(map);
    return rc;
}
