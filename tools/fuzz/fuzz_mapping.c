/*
 * fuzz_mapping.c - libFuzzer target for the spreadsheet mapping reader
 * (src/import/mapping.c) and the native importer reading through a mapping.
 *
 * Input: the bytes of a mapping file (--map MAPPING.json), arbitrary.
 * Each input is written to mapping.json in a private directory created once
 * (fuzz_workdir.h) and read with crisk__colmap_load().  Checks, beyond ASan/UBSan/LSan:
 *   - the status agrees with the diagnostics (CRISK_OK with no error, an
 *     error with at least one, and `err` set), every diagnostic renders;
 *   - a loaded mapping answers its own lookups: every mapped value
 *     translates (ignoring case) to what it maps to, every user column name
 *     resolves to its native column; no value or column name is longer
 *     than a cell (CRISK_MAX_FIELD_BYTES), which no file could match;
 *   - read through the mapping, a nodes file written from it (its column
 *     names, one row of mapped values, one row of unknown values) never
 *     rejects a translated cell: the reader checked every translation with
 *     the importer's own rules.
 * Everything is freed before returning: LeakSanitizer checks that too.
 *
 * Build and run with tools/fuzz/run.sh (see tools/fuzz/README.md); seeds
 * come from tests/fixtures/mapping/ and data/mapping-example/.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainrisk/chainrisk.h"
#include "import/mapping.h"
#include "fuzz_workdir.h"

/* Inside the private directory (fuzz_workdir.h: the same paths every run). */
static const char map_path[] = "mapping.json";
static const char nodes_path[] = "nodes.csv";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_workdir_create("mapping");
    crisk_igraph_init();
    return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(path);
        abort();   /* the harness, not the library, failed */
    }
}

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_mapping: %s\n", what);
    abort();
}

/* Flip the ASCII case of a copy of `s`. */
static char *other_case(const char *s)
{
    char *t = strdup(s);
    if (t == NULL)
        abort();
    for (char *p = t; *p; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            *p = (char)(*p ^ 0x20);
    return t;
}

static void check_lookups(const struct crisk__colmap *map)
{
    for (int f = 0; f < CRISK__NATIVE_FILES; f++) {
        const crisk__map_file *mf = &map->file[f];
        for (size_t k = 0; k < mf->n_columns; k++) {
            const crisk__map_column *col = &mf->column[k];
            if (col->header != NULL
                && crisk__colmap_column(map, (enum crisk__native_file)f, col->header) != (int)k)
                fail("a user column name does not resolve to its column");
            if (col->header != NULL && strlen(col->header) > CRISK_MAX_FIELD_BYTES)
                fail("a column name is longer than a header cell can be");
            for (size_t i = 0; i < col->n_values; i++) {
                if (strlen(col->from[i]) > CRISK_MAX_FIELD_BYTES)
                    fail("a mapped value is longer than a cell can be");
                const char *to = "unset";
                char *flipped = other_case(col->from[i]);
                if (crisk__colmap_translate(map, (enum crisk__native_file)f, k, flipped, &to)
                    != CRISK__MAP_HIT)
                    fail("a mapped value does not translate");
                /* Values equal ignoring case were rejected: the hit is this one. */
                if ((to == NULL) != (col->to[i] == NULL)
                    || (to != NULL && strcmp(to, col->to[i]) != 0))
                    fail("a mapped value translates to another value's target");
                free(flipped);
            }
        }
    }
}

/* Append `s` to `f` as one quoted CSV field. */
static void put_field(FILE *f, const char *s, int first)
{
    if (!first)
        fputc(',', f);
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* nodes.csv from the mapping: its column names, a row of mapped values
 * (line 2) and a row of values no map lists (line 3). */
static void write_nodes(const struct crisk__colmap *map)
{
    const crisk__map_file *mf = &map->file[CRISK__NATIVE_NODES];
    FILE *f = fopen(nodes_path, "wb");
    if (f == NULL)
        abort();
    for (size_t k = 0; k < mf->n_columns; k++)
        put_field(f, mf->column[k].header ? mf->column[k].header : mf->native[k], k == 0);
    for (int row = 0; row < 2; row++) {
        fputc('\n', f);
        for (size_t k = 0; k < mf->n_columns; k++) {
            const crisk__map_column *col = &mf->column[k];
            const char *cell = k == 0 ? (row == 0 ? "a" : "b") : "";
            /* Every mapped value fits a cell (check_lookups): line 2 holds
             * the first one whatever its length. */
            if (k != 0 && col->n_values > 0)
                cell = row == 0 ? col->from[0] : "\x01zz";
            put_field(f, cell, k == 0);
        }
    }
    fputc('\n', f);
    if (fclose(f) != 0)
        abort();
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void check_import(void)
{
    crisk_input in = { NULL, nodes_path, NULL };
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.map_path = map_path;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_inventory *inv = NULL;
    int rc = crisk_inventory_load(&inv, &in, 1, &opts, &diags, &err);
    if ((rc == CRISK_OK) != (inv != NULL))
        fail("load status and inventory disagree");
    for (size_t i = 0; i < diags.count; i++) {
        const crisk_diag *d = &diags.items[i];
        if (d->severity == CRISK_SEV_ERROR && d->line == 2 && strcmp(d->file, nodes_path) == 0
            && (starts_with(d->message, "unknown ") || starts_with(d->message, "invalid ")))
            fail("a translated cell was rejected");
    }
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_workdir_enter();
    write_file(map_path, data, size);
    struct crisk__colmap *map = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk__colmap_load(&map, map_path, &diags, &err);
    if (rc == CRISK_OK && (diags.errors > 0 || map == NULL))
        fail("load succeeded with errors");
    if (rc != CRISK_OK && (map != NULL || err.code != rc || err.message[0] == '\0'))
        fail("failed load returned a mapping or no error");
    if (rc == CRISK_EINVALID && diags.errors == 0)
        fail("invalid mapping without a diagnostic");
    char line[2048];
    for (size_t i = 0; i < diags.count; i++)
        crisk_diag_format(&diags.items[i], line, sizeof line);
    crisk_diagnostics_release(&diags);
    if (map != NULL) {
        check_lookups(map);
        write_nodes(map);
        crisk__colmap_free(map);
        check_import();
    }
    fuzz_workdir_leave();
    return 0;
}
