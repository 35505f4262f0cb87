/*
 * loading.h - what the importer tests share: load inputs and keep what came
 * back (inventory, code, diagnostics, error), render the diagnostics as text
 * to compare with a test's expected lines, rank an inventory to CSV (the
 * "ranks exactly like its twin" checks), and build an inventory from
 * records through the builder, as an importer would.
 *
 * Failures of the scaffolding itself (a builder that refuses a record, an
 * analysis that fails) fail the calling test through Criterion's asserts.
 */
#ifndef CRISK_TEST_LOADING_H
#define CRISK_TEST_LOADING_H

#include <stddef.h>
#include "chainrisk/chainrisk.h"

typedef struct tl_run {
    char path[1024];        /* the one file loaded by tl_load_path, else "" */
    crisk_diagnostics diags;
    crisk_error err;
    crisk_inventory *inv;   /* NULL when loading failed */
    int rc;
} tl_run;

/* Load the `n` inputs with `opts` (NULL: the defaults) into a fresh `r`. */
void tl_load(tl_run *r, const crisk_input *in, size_t n, const crisk_load_options *opts);
void tl_release(tl_run *r);
/* Load the one file `path` as an input and keep its path in r->path. */
void tl_load_path(tl_run *r, const char *path, const crisk_load_options *opts);

/* `line` without r->path and the ": " after it ("4:1: message",
 * "warning: message"), or `line` when it does not start with the path. */
const char *tl_strip_path(const tl_run *r, const char *line);
/* Every diagnostic as "\n  " + tl_strip_path(line), for failure messages. */
void tl_dump(const tl_run *r, char *buf, size_t size);
/* The loaded file's complete, ordered diagnostics are the `n` strings
 * given, each without the path (tl_strip_path). */
void tl_expect_diags(const tl_run *r, size_t n, ...);
void tl_expect_loaded(const tl_run *r);
/* Loading failed with CRISK_EINVALID and left no inventory. */
void tl_expect_failed(const tl_run *r);

/* The index of node `id` (fails the test when there is none). */
size_t tl_node(const crisk_inventory *inv, const char *id);
/* The kind of the edge from -> to ("" for none given), or NULL when there
 * is no such edge or no node `to`; fails the test when there is no `from`. */
const char *tl_edge_kind(const crisk_inventory *inv, const char *from, const char *to);

/* Render the diagnostics into `buf`, each as `before` + the formatted line
 * + `after`.  A line that starts with `strip` (may be NULL) loses that
 * prefix; with `errors_only`, warnings are skipped.  Stops, cut, when `buf`
 * is full. */
void tl_diag_text(const crisk_diagnostics *d, char *buf, size_t size, const char *before,
                  const char *after, const char *strip, int errors_only);

/* `rank --format csv` of `inv` with the default options; free() the text. */
char *tl_rank_csv(const crisk_inventory *inv);

/* An inventory built record by record, for tests that generate their
 * records: sources "nodes.csv" and "edges.csv" of one input; records go to
 * the builder as given (no line is made up).  Each step fails the test if
 * the builder refuses. */
typedef struct tl_builder {
    crisk_builder *b;
    size_t nodes_src, edges_src;
    crisk_diagnostics diags;
    crisk_error err;
} tl_builder;

void tl_builder_begin(tl_builder *t);
void tl_builder_node(tl_builder *t, const crisk_node_record *r);
void tl_builder_edge(tl_builder *t, const crisk_edge_record *r);
/* A plain edge "from depends on to". */
void tl_builder_plain(tl_builder *t, const char *from, const char *to);
crisk_inventory *tl_builder_finish(tl_builder *t);

/* An edge as tests write them: "from depends on to", in `group` (NULL: a
 * group of its own) needing `need` (0: not given). */
typedef struct tl_edge {
    const char *from, *to, *group;
    size_t need;
} tl_edge;

/* An inventory built from `n` node records (source "nodes.csv") and `m`
 * edges (source "edges.csv"), edge i of kind `kinds[i]` (`kinds` NULL: no
 * kinds), a record's line its index + 2 unless the record sets one.  Fails
 * the test if the builder refuses. */
crisk_inventory *tl_build(const crisk_node_record *nodes, size_t n, const tl_edge *edges,
                          size_t m, const char *const *kinds);

#endif
