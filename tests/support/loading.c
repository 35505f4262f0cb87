/*
 * loading.c - what the importer tests share (loading.h).
 */
#include "loading.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tl_load(tl_run *r, const crisk_input *in, size_t n, const crisk_load_options *opts)
{
    memset(r, 0, sizeof *r);
    crisk_diagnostics_init(&r->diags);
    r->err = (crisk_error)CRISK_ERROR_INIT;
    r->rc = crisk_inventory_load(&r->inv, in, n, opts, &r->diags, &r->err);
}

void tl_release(tl_run *r)
{
    crisk_inventory_free(r->inv);
    r->inv = NULL;
    crisk_diagnostics_release(&r->diags);
}

void tl_load_path(tl_run *r, const char *path, const crisk_load_options *opts)
{
    char copy[sizeof r->path];
    snprintf(copy, sizeof copy, "%s", path);
    crisk_input in = { copy, NULL, NULL };
    tl_load(r, &in, 1, opts);
    memcpy(r->path, copy, sizeof copy);
}

const char *tl_strip_path(const tl_run *r, const char *line)
{
    size_t len = strlen(r->path);
    if (len == 0 || strncmp(line, r->path, len) != 0)
        return line;
    line += len;
    if (*line == ':')
        line++;
    if (*line == ' ')
        line++;
    return line;
}

void tl_dump(const tl_run *r, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->diags.count && o < size; i++) {
        char line[1200];
        crisk_diag_format(&r->diags.items[i], line, sizeof line);
        o += (size_t)snprintf(buf + o, size - o, "\n  %s", tl_strip_path(r, line));
    }
}

void tl_expect_diags(const tl_run *r, size_t n, ...)
{
    char all[16384];
    tl_dump(r, all, sizeof all);
    cr_assert_eq(r->diags.count, n, "expected %zu diagnostics, got:%s", n, all);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        char line[1200];
        crisk_diag_format(&r->diags.items[i], line, sizeof line);
        const char *want = va_arg(ap, const char *);
        cr_expect_str_eq(tl_strip_path(r, line), want, "diagnostic %zu; all:%s", i, all);
    }
    va_end(ap);
}

void tl_expect_loaded(const tl_run *r)
{
    char all[16384];
    tl_dump(r, all, sizeof all);
    cr_assert_eq(r->rc, CRISK_OK, "load failed: %s%s", r->err.message, all);
    cr_assert_not_null(r->inv);
}

void tl_expect_failed(const tl_run *r)
{
    cr_assert_eq(r->rc, CRISK_EINVALID, "rc %d", r->rc);
    cr_assert_null(r->inv);
}

size_t tl_node(const crisk_inventory *inv, const char *id)
{
    size_t v = 0;
    cr_assert_eq(crisk_inventory_find(inv, id, &v), CRISK_OK, "no node '%s'", id);
    return v;
}

const char *tl_edge_kind(const crisk_inventory *inv, const char *from, const char *to)
{
    size_t u = tl_node(inv, from), w = 0;
    if (crisk_inventory_find(inv, to, &w) != CRISK_OK)
        return NULL;
    for (size_t g = crisk_inventory_group_begin(inv, u); g < crisk_inventory_group_begin(inv, u + 1);
         g++)
        for (size_t i = 0; i < crisk_inventory_group_size(inv, g); i++)
            if (crisk_inventory_group_member(inv, g, i) == w)
                return crisk_inventory_group_member_kind(inv, g, i);
    return NULL;
}

void tl_diag_text(const crisk_diagnostics *d, char *buf, size_t size, const char *before,
                  const char *after, const char *strip, int errors_only)
{
    size_t o = 0, skip = strip != NULL ? strlen(strip) : 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->count && o < size; i++) {
        if (errors_only && d->items[i].severity != CRISK_SEV_ERROR)
            continue;
        char line[1200];
        crisk_diag_format(&d->items[i], line, sizeof line);
        const char *text = skip > 0 && strncmp(line, strip, skip) == 0 ? line + skip : line;
        o += (size_t)snprintf(buf + o, size - o, "%s%s%s", before, text, after);
    }
}

char *tl_rank_csv(const crisk_inventory *inv)
{
    crisk_analysis *a = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_analysis_run(&a, inv, NULL, &err), CRISK_OK, "%s", err.message);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    cr_assert_eq(crisk_emit_rank(f, a, NULL, CRISK_FORMAT_CSV, NULL, &err), CRISK_OK, "%s",
                 err.message);
    fclose(f);
    crisk_analysis_free(a);
    return text;
}

void tl_builder_begin(tl_builder *t)
{
    memset(t, 0, sizeof *t);
    crisk_diagnostics_init(&t->diags);
    t->err = (crisk_error)CRISK_ERROR_INIT;
    cr_assert_eq(crisk_builder_new(&t->b, &t->err), CRISK_OK);
    crisk_builder_begin_input(t->b);
    cr_assert_eq(crisk_builder_add_source(t->b, &t->nodes_src, "nodes.csv", "nodes", NULL, 0,
                                          &t->err), CRISK_OK);
    cr_assert_eq(crisk_builder_add_source(t->b, &t->edges_src, "edges.csv", "edges", NULL, 0,
                                          &t->err), CRISK_OK);
}

void tl_builder_node(tl_builder *t, const crisk_node_record *r)
{
    cr_assert_eq(crisk_builder_add_node(t->b, t->nodes_src, r, &t->diags, &t->err), CRISK_OK,
                 "node '%s': %s", r->id, t->err.message);
}

void tl_builder_edge(tl_builder *t, const crisk_edge_record *r)
{
    cr_assert_eq(crisk_builder_add_edge(t->b, t->edges_src, r, &t->diags, &t->err), CRISK_OK,
                 "edge '%s' -> '%s': %s", r->from, r->to, t->err.message);
}

void tl_builder_plain(tl_builder *t, const char *from, const char *to)
{
    crisk_edge_record r;
    crisk_edge_record_init(&r);
    r.from = from;
    r.to = to;
    tl_builder_edge(t, &r);
}

crisk_inventory *tl_builder_finish(tl_builder *t)
{
    crisk_inventory *inv = NULL;
    int rc = crisk_builder_finish(t->b, &inv, &t->diags, &t->err);
    crisk_builder_free(t->b);
    t->b = NULL;
    cr_assert_eq(rc, CRISK_OK, "build failed: %s (%zu diagnostics)",
                 t->diags.count ? t->diags.items[0].message : t->err.message, t->diags.count);
    crisk_diagnostics_release(&t->diags);
    return inv;
}

crisk_inventory *tl_build(const crisk_node_record *nodes, size_t n, const tl_edge *edges,
                          size_t m, const char *const *kinds)
{
    tl_builder t;
    tl_builder_begin(&t);
    for (size_t i = 0; i < n; i++) {
        crisk_node_record r = nodes[i];
        if (r.line == 0)
            r.line = i + 2;
        if (r.id_column == 0)
            r.id_column = 1;
        tl_builder_node(&t, &r);
    }
    for (size_t i = 0; i < m; i++) {
        crisk_edge_record r;
        crisk_edge_record_init(&r);
        r.from = edges[i].from;
        r.to = edges[i].to;
        r.group = edges[i].group;
        r.kind = kinds != NULL ? kinds[i] : NULL;
        r.need = edges[i].need;
        r.line = i + 2;
        tl_builder_edge(&t, &r);
    }
    return tl_builder_finish(&t);
}
