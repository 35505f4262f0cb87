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
    crisk_diagnostics diags;
    crisk_error err;
    crisk_inventory *inv;   /* NULL when loading failed */
    int rc;
} tl_run;

/* Load the `n` inputs with `opts` (NULL: the defaults) into a fresh `r`. */
void tl_load(tl_run *r, const crisk_input *in, size_t n, const crisk_load_options *opts);
void tl_release(tl_run *r);

/* Render the diagnostics into `buf`, each as `before` + the formatted line
 * + `after`.  A line that starts with `strip` (may be NULL) loses that
 * prefix; with `errors_only`, warnings are skipped.  Stops, cut, when `buf`
 * is full. */
void tl_diag_text(const crisk_diagnostics *d, char *buf, size_t size, const char *before,
                  const char *after, const char *strip, int errors_only);

/* `rank --format csv` of `inv` with the default options; free() the text. */
char *tl_rank_csv(const crisk_inventory *inv);

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
