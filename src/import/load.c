/*
 * load.c - crisk_inventory_load(): find out what each input is and hand it
 * to its importer; all inputs feed one builder, so they merge into one graph.
 *
 * Detection is by content, not by name: a directory with nodes.csv is a
 * native inventory; a zip archive, or a directory with reports/ (or one
 * sub-directory holding reports/), is a DORA report package; a file starting
 * with '{' is a CycloneDX JSON SBOM.
 *
 * The dispatch is the top of import/: it includes each reader's header
 * (csv_native.h, cyclonedx.h, dora/dora.h, mapping.h) and no reader
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
#include "csv_native.h"
#include "cyclonedx.h"
#include "mapping.h"
#include "import/dora/dora.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum input_kind { INPUT_NATIVE_DIR, INPUT_DORA, INPUT_CYCLONEDX, INPUT_UNKNOWN, INPUT_MISSING };

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
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

/* First non-blank byte of a file (after a UTF-8 BOM), or -1. */
static int first_byte(const char *path, unsigned char magic[4])
{
    memset(magic, 0, 4);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    unsigned char buf[512];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
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

static enum input_kind detect(const char *path, const struct crisk__colmap *map)
{
    char buf[4096];
    if (is_dir(path)) {
        if (path_join(buf, sizeof buf, path, file_name(map, CRISK__NATIVE_NODES)) == 0
            && file_exists(buf))
            return INPUT_NATIVE_DIR;
        /* A mapping that names the nodes file says what the directory is
         * meant to hold: the native importer reports the file missing. */
        if (crisk__colmap_file(map, CRISK__NATIVE_NODES) != NULL && !has_reports(path))
            return INPUT_NATIVE_DIR;
        return INPUT_DORA;   /* the DORA importer explains what it expected */
    }
    if (!file_exists(path))
        return INPUT_MISSING;
    unsigned char magic[4] = { 0 };
    int c = first_byte(path, magic);
    if (magic[0] == 'P' && magic[1] == 'K')
        return INPUT_DORA;
    if (c == '{')
        return INPUT_CYCLONEDX;
    return INPUT_UNKNOWN;
}

/* The nodes and edges files of a native directory.  The edges file is
 * optional unless the mapping names it; `*edges` is then "" when absent. */
static int native_paths(const char *dir, const struct crisk__colmap *map, char *nodes,
                        char *edges, size_t size, crisk_error *err)
{
    if (path_join(nodes, size, dir, file_name(map, CRISK__NATIVE_NODES)) != 0
        || path_join(edges, size, dir, file_name(map, CRISK__NATIVE_EDGES)) != 0)
        return crisk_error_set(err, CRISK_EUSAGE, dir, 0, 0, "path too long");
    if (crisk__colmap_file(map, CRISK__NATIVE_EDGES) == NULL && !file_exists(edges))
        edges[0] = '\0';
    return CRISK_OK;
}

/* Why `path` is no input, as stat() sees it: a name too long for the file
 * system is not "missing", nor is a FIFO or a device. */
static int missing(const char *path, crisk_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return crisk_error_set(err, CRISK_EINVALID, path, 0, 0,
                               "not a directory or a regular file");
    int e = errno;
    const char *why = e == ENOENT || e == ENOTDIR ? "no such file or directory"
                    : e == ENAMETOOLONG           ? "file name too long"
                    : e == ELOOP                  ? "too many levels of symbolic links"
                    : e == EACCES                 ? "permission denied"
                                                  : strerror(e);
    return crisk_error_set(err, crisk__open_error_code(e), path, 0, 0, "%s", why);
}

static int load_one(crisk_builder *b, const crisk_input *in, const crisk_load_options *opts,
                    const struct crisk__colmap *map, crisk_diagnostics *diags,
                    crisk_error *err)
{
    if (in->path == NULL)
        return crisk__native_load(b, in->nodes, in->edges, map, diags, err);
    char nodes[4096], edges[4096];
    int rc;
    switch (detect(in->path, map)) {
    case INPUT_NATIVE_DIR:
        rc = native_paths(in->path, map, nodes, edges, sizeof nodes, err);
        if (rc != CRISK_OK)
            return rc;
        return crisk__native_load(b, nodes, edges[0] ? edges : NULL, map, diags, err);
    case INPUT_DORA:
        return crisk__dora_load(b, in->path, opts, diags, err);
    case INPUT_CYCLONEDX:
        return crisk__cyclonedx_load(b, in->path, opts, diags, err);
    case INPUT_MISSING:
        return missing(in->path, err);
    default:
        return crisk_error_set(err, CRISK_EINVALID, in->path, 0, 0,
                               "not a chainrisk input: expected a directory with nodes.csv, "
                               "a DORA report package or a CycloneDX JSON SBOM");
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
    crisk_builder *b = NULL;
    int rc = crisk_builder_new(&b, err);
    if (rc != CRISK_OK)
        return rc;
    crisk_builder_set_progress(b, opts->progress, opts->progress_ctx);
    struct crisk__colmap *map = NULL;
    rc = load_mapping(b, opts->map_path, &map, diags, err);
    for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
        crisk_builder_begin_input(b);
        rc = load_one(b, &inputs[i], opts, map, diags, err);
    }
    if (rc == CRISK_OK)
        rc = crisk_builder_finish(b, out, diags, err);
    else
        crisk_diagnostics_sort(diags);
    crisk_builder_free(b);
    crisk__colmap_free(map);
    return rc;
}
