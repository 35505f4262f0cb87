/*
 * load.c - crisk_inventory_load(): find out what each input is and hand it
 * to its importer; all inputs feed one builder, so they merge into one graph.
 *
 * Detection is by content, not by name: a directory with nodes.csv is a
 * native inventory; a zip archive, or a directory with reports/ (or one
 * sub-directory holding reports/), is a DORA report package; a file starting
 * with '{' is a CycloneDX JSON SBOM.
 */
#include "load.h"

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

static int path_join(char *buf, size_t size, const char *dir, const char *name)
{
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

static enum input_kind detect(const char *path)
{
    char buf[4096];
    if (is_dir(path)) {
        if (path_join(buf, sizeof buf, path, "nodes.csv") == 0 && file_exists(buf))
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

static int load_one(crisk_builder *b, const crisk_input *in, const crisk_load_options *opts,
                    crisk_diagnostics *diags, crisk_error *err)
{
    const struct crisk__colmap *map = NULL;
    if (in->path == NULL)
        return crisk__native_load(b, in->nodes, in->edges, map, diags, err);
    char nodes[4096], edges[4096];
    switch (detect(in->path)) {
    case INPUT_NATIVE_DIR:
        if (path_join(nodes, sizeof nodes, in->path, "nodes.csv") != 0
            || path_join(edges, sizeof edges, in->path, "edges.csv") != 0)
            return crisk_error_set(err, CRISK_EUSAGE, in->path, 0, 0, "path too long");
        return crisk__native_load(b, nodes, file_exists(edges) ? edges : NULL, map, diags, err);
    case INPUT_DORA:
        return crisk__dora_load(b, in->path, opts, diags, err);
    case INPUT_CYCLONEDX:
        return crisk__cyclonedx_load(b, in->path, opts, diags, err);
    case INPUT_MISSING:
        return crisk_error_set(err, CRISK_ENOTFOUND, in->path, 0, 0, "no such file or directory");
    default:
        return crisk_error_set(err, CRISK_EINVALID, in->path, 0, 0,
                               "not a chainrisk input: expected a directory with nodes.csv, "
                               "a DORA report package or a CycloneDX JSON SBOM");
    }
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
    for (size_t i = 0; i < n && rc == CRISK_OK; i++) {
        crisk_builder_begin_input(b);
        rc = load_one(b, &inputs[i], opts, diags, err);
    }
    if (rc == CRISK_OK)
        rc = crisk_builder_finish(b, out, diags, err);
    else
        crisk_diagnostics_sort(diags);
    crisk_builder_free(b);
    return rc;
}
