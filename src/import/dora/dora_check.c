/*
 * dora_check.c - the rules across rows and tables of a DORA package
 * (mapping §9), and what the mapping needs from them: which B_02.02 rows are
 * live, which arrangements are intra-group, which supply-chain rows are
 * links, which assessments match a service.
 *
 * Order: parameters and filing indicators; then, unless a structural error
 * was found (a needed table or column missing, broken CSV), keys and
 * uniqueness, then each table's references, chains and warnings.  Every rule
 * reports at the row and column it concerns and lets the others run, so one
 * pass shows every problem.  A row with an unresolved reference is marked
 * ROW_SKIP: later rules do not build on it (no cascade of follow-up errors).
 *
 * Approach: key tuples of interned pointers in dora_map (O(1) expected per
 * probe), so the whole check is O(rows).  Rejected: sorting every table by
 * its keys (O(n log n), and it would lose the file order messages need).
 */
#include "dora_internal.h"
#include "util/suggest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Q CRISK__QUOTE_MAX

static const char *cell(const dora_import *x, dora_tab t, size_t row, size_t col)
{
    return dora_cell(&x->tab[t], row, col);
}

static int cell_ok(const dora_import *x, dora_tab t, size_t row, size_t col)
{
    return dora_cell_ok(&x->tab[t], row, col);
}

/* All of `cols` (a bit mask) usable and non-empty. */
static int keys_ok(const dora_import *x, dora_tab t, size_t row, unsigned cols)
{
    for (size_t c = 0; c < x->tab[t].spec->count; c++)
        if ((cols >> c & 1u) && (!cell_ok(x, t, row, c) || cell(x, t, row, c)[0] == '\0'))
            return 0;
    return 1;
}

#define BIT(c) (1u << (c))

static uint32_t get1(const dora_map *m, const void *a)
{
    const void *k[1] = { a };
    return dora_map_get(m, k);
}

static const char *quote(char buf[Q], const char *s)
{
    return crisk__quote(buf, s);
}

/* ---- "did you mean" ------------------------------------------------------------ */

static int gather_candidates(dora_import *x, dora_tab t)
{
    const dora_table *tab = &x->tab[t];
    const char **c = malloc((tab->rows + 1) * sizeof *c);
    if (c == NULL)
        return CRISK_ENOMEM;
    size_t n = 0;
    for (size_t r = 0; r < tab->rows; r++)
        if (dora_cell(tab, r, 0)[0] != '\0')
            c[n++] = dora_cell(tab, r, 0);
    x->candidates[t] = c;
    x->candidate_count[t] = n;
    return CRISK_OK;
}

/* The closest key of table `t` to `value`, or NULL.  Only while errors are
 * still being stored: a message nobody sees needs no hint, and this bounds
 * the O(keys) search to the first few misses. */
static const char *suggest(dora_import *x, dora_tab t, const char *value)
{
    size_t limit = x->diags->limit ? x->diags->limit : CRISK_DIAGNOSTICS_LIMIT;
    if (x->diags->stored_errors >= limit || x->diags->stored_warnings >= limit)
        return NULL;
    if (x->candidates[t] == NULL && gather_candidates(x, t) != CRISK_OK)
        return NULL;   /* a hint is optional: no memory, no hint */
    return crisk__suggest(value, x->candidates[t], x->candidate_count[t]);
}

/* "unknown provider 'X': not in reports/b_05.01.csv (did you mean 'Y'?)" */
static int unknown_ref(dora_import *x, dora_tab t, size_t row, size_t col, crisk_severity sev,
                       const char *what, const char *value, dora_tab target)
{
    char q[Q], h[Q];
    const char *hint = suggest(x, target, value);
    if (hint != NULL)
        return dora_report_cell(x, t, row, col, sev, "unknown %s '%s': not in %s (did you mean '%s'?)",
                                what, quote(q, value), x->tab[target].display, quote(h, hint));
    return dora_report_cell(x, t, row, col, sev, "unknown %s '%s': not in %s", what,
                            quote(q, value), x->tab[target].display);
}

/* ---- parameters and filing indicators ------------------------------------------ */

static int check_parameters(dora_import *x)
{
    const dora_table *t = &x->tab[TAB_PARAMETERS];
    char q[Q];
    x->ref_period = x->empty;
    if (!t->present)
        return dora_report(x, t->display, 0, 0, CRISK_SEV_WARNING, "file missing: no refPeriod, "
                           "so only a termination reason (B_02.02 c0090) ends an arrangement");
    if (!t->usable)
        return CRISK_OK;
    for (size_t r = 0; r < t->rows; r++) {
        if (crisk__strcasecmp_ascii(dora_cell(t, r, PA_NAME), "refPeriod") != 0)
            continue;
        const char *v = dora_cell(t, r, PA_VALUE);
        if (!dora_is_date(v))
            return dora_report_cell(x, TAB_PARAMETERS, r, PA_VALUE, CRISK_SEV_ERROR,
                                    "invalid refPeriod '%s' (expected a date yyyy-mm-dd)",
                                    quote(q, v));
        x->ref_period = v;
        return CRISK_OK;
    }
    return dora_report(x, t->display, 0, 0, CRISK_SEV_WARNING, "no refPeriod, so only a "
                       "termination reason (B_02.02 c0090) ends an arrangement");
}

enum { FI_ABSENT, FI_TRUE, FI_FALSE };

static int filing_template(dora_import *x, size_t r, int *state, size_t *fi_row)
{
    const char *id = cell(x, TAB_FILING, r, FI_TEMPLATE);
    const char *v = cell(x, TAB_FILING, r, FI_REPORTED);
    char q[Q];
    if (!keys_ok(x, TAB_FILING, r, BIT(FI_TEMPLATE)) || !cell_ok(x, TAB_FILING, r, FI_REPORTED))
        return CRISK_OK;   /* reported with the cell */
    size_t i = 0;
    while (i < dora_template_count && crisk__strcasecmp_ascii(id, dora_templates[i].id) != 0)
        i++;
    if (i == dora_template_count)
        return dora_report_cell(x, TAB_FILING, r, FI_TEMPLATE, CRISK_SEV_WARNING,
                                "unknown template '%s' (ignored)", quote(q, id));
    if (state[i] != FI_ABSENT)
        return dora_report_cell(x, TAB_FILING, r, FI_TEMPLATE, CRISK_SEV_WARNING,
                                "template %s already on line %zu (ignored)", dora_templates[i].id,
                                x->tab[TAB_FILING].line[fi_row[i]]);
    state[i] = v[0] == '\0' ? FI_ABSENT : crisk__strcasecmp_ascii(v, "true") == 0 ? FI_TRUE
                                                                                     : FI_FALSE;
    fi_row[i] = r;
    return CRISK_OK;
}

/* One template's indicator against its file. */
static int filing_consistency(dora_import *x, size_t i, int state, size_t r)
{
    const dora_template *tp = &dora_templates[i];
    const char *name = dora_package_find(&x->pkg, tp->file);
    char display[128];
    snprintf(display, sizeof display, "reports/%s", name ? name : tp->file);
    if (state == FI_TRUE && name == NULL) {
        x->structural = 1;
        return dora_report_cell(x, TAB_FILING, r, FI_REPORTED, CRISK_SEV_ERROR,
                                "template %s is reported (true) but %s is missing", tp->id, display);
    }
    if (name == NULL || tp->tab < 0 || !x->tab[tp->tab].usable)
        return CRISK_OK;
    size_t rows = x->tab[tp->tab].file_rows;
    if (state == FI_FALSE && rows > 0)
        return dora_report_cell(x, TAB_FILING, r, FI_REPORTED, CRISK_SEV_WARNING,
                                "template %s is not reported (false) but %s has %zu row%s "
                                "(used anyway)", tp->id, display, rows, rows == 1 ? "" : "s");
    if (state == FI_ABSENT && rows > 0)
        return dora_report(x, display, 0, 0, CRISK_SEV_WARNING, "template %s has no filing "
                           "indicator in reports/FilingIndicators.csv, but this file has %zu row%s "
                           "(used anyway)", tp->id, rows, rows == 1 ? "" : "s");
    if (state == FI_TRUE && rows == 0)
        return dora_report_cell(x, TAB_FILING, r, FI_REPORTED, CRISK_SEV_WARNING,
                                "template %s is reported (true) but %s has no rows", tp->id, display);
    return CRISK_OK;
}

/* Without FilingIndicators.csv there is nothing to compare: no message
 * (docs/dora.md). */
static int check_filing(dora_import *x)
{
    const dora_table *t = &x->tab[TAB_FILING];
    if (!t->present || !t->usable)
        return CRISK_OK;
    int state[32] = { 0 };
    size_t fi_row[32] = { 0 };
    int rc = CRISK_OK;
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++)
        rc = filing_template(x, r, state, fi_row);
    for (size_t i = 0; i < dora_template_count && rc == CRISK_OK; i++)
        rc = filing_consistency(x, i, state[i], fi_row[i]);
    return rc;
}

/* ---- keys ------------------------------------------------------------------------- */

/* Index column(s) `cols` of `t` into `m`; duplicates are errors. */
static int index_unique(dora_import *x, dora_tab t, dora_map *m, size_t c1, size_t c2,
                        const char *what)
{
    const dora_table *tab = &x->tab[t];
    char q[Q], q2[Q];
    for (size_t r = 0; r < tab->rows; r++) {
        unsigned need = BIT(c1) | (c2 != SIZE_MAX ? BIT(c2) : 0u);
        if (!keys_ok(x, t, r, need))
            continue;
        const void *k[2] = { dora_cell(tab, r, c1), c2 != SIZE_MAX ? dora_cell(tab, r, c2) : NULL };
        uint32_t prev = dora_map_put(m, k, (uint32_t)r);
        if (prev == DORA_ENOMEM)
            return CRISK_ENOMEM;
        if (prev == DORA_NONE)
            continue;
        int rc = c2 == SIZE_MAX
            ? dora_report_cell(x, t, r, c1, CRISK_SEV_ERROR, "duplicate %s '%s' (first on line %zu)",
                               what, quote(q, k[0]), tab->line[prev])
            : dora_report_cell(x, t, r, c1, CRISK_SEV_ERROR,
                               "duplicate %s '%s' of entity '%s' (first on line %zu)", what,
                               quote(q, k[0]), quote(q2, k[1]), tab->line[prev]);
        if (rc != CRISK_OK)
            return rc;
    }
    return CRISK_OK;
}

/* A set: the non-empty values of column `c` of `t`. */
static int index_set(dora_import *x, dora_tab t, size_t c, dora_map *m)
{
    const dora_table *tab = &x->tab[t];
    for (size_t r = 0; r < tab->rows; r++) {
        const void *k[1] = { dora_cell(tab, r, c) };
        if (((const char *)k[0])[0] != '\0' && dora_map_put(m, k, (uint32_t)r) == DORA_ENOMEM)
            return CRISK_ENOMEM;
    }
    return CRISK_OK;
}

static int index_keys(dora_import *x)
{
    int rc = index_unique(x, TAB_B0201, &x->arrangements, AR_REF, SIZE_MAX, "arrangement reference");
    if (rc == CRISK_OK)
        rc = index_unique(x, TAB_B0501, &x->providers, PV_CODE, SIZE_MAX, "provider code");
    if (rc == CRISK_OK)
        rc = index_unique(x, TAB_B0601, &x->functions, FN_ID, FN_LEI, "function");
    if (rc == CRISK_OK)
        rc = index_set(x, TAB_B0102, EN_LEI, &x->entities);
    if (rc == CRISK_OK)
        rc = index_set(x, TAB_B0103, BR_CODE, &x->branches);
    if (rc == CRISK_OK)
        rc = index_set(x, TAB_B0303, GP_ARR, &x->intra_group);
    if (rc == CRISK_OK)
        rc = index_set(x, TAB_B0203, IG_ARR, &x->intra_group);
    const dora_table *f = &x->tab[TAB_B0601];
    for (size_t r = 1; r < f->rows; r++)
        if (dora_cell(f, r, FN_LEI) != dora_cell(f, 0, FN_LEI))
            x->several_entities = 1;
    return rc;
}

/* ---- B_02.02: services ------------------------------------------------------------ */

static int alloc_rows(void **p, size_t n, size_t size)
{
    *p = calloc(n + 1, size);
    return *p != NULL ? CRISK_OK : CRISK_ENOMEM;
}

static int is_ended(const dora_import *x, size_t r)
{
    const char *reason = cell(x, TAB_B0202, r, SV_TERMINATION);
    const char *end = cell(x, TAB_B0202, r, SV_END);
    if (reason[0] != '\0' && cell_ok(x, TAB_B0202, r, SV_TERMINATION))
        return 1;
    return x->ref_period[0] != '\0' && end[0] != '\0' && cell_ok(x, TAB_B0202, r, SV_END)
           && strcmp(end, x->ref_period) < 0;   /* ISO dates order as strings */
}

/* Rows of one table by the values of some of their columns.  A slot holds
 * only the row (+1) - the key is read back from the row - so a wide key
 * costs 4 bytes a slot, not a tuple of pointers. */
typedef struct rowset {
    const dora_table *t;
    const size_t *cols;
    size_t n_cols;
    uint32_t *slot;              /* row + 1; 0 = empty */
    size_t cap, count;
} rowset;

static size_t row_slot(const rowset *s, size_t r)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < s->n_cols; i++)
        h = dora_mix(h ^ (uint64_t)(uintptr_t)dora_cell(s->t, r, s->cols[i]));
    return (size_t)h & (s->cap - 1);
}

static int same_row(const rowset *s, size_t a, size_t b)
{
    for (size_t i = 0; i < s->n_cols; i++)
        if (dora_cell(s->t, a, s->cols[i]) != dora_cell(s->t, b, s->cols[i]))
            return 0;
    return 1;
}

static int rowset_grow(rowset *s)
{
    rowset bigger = *s;
    bigger.cap = s->cap ? 2 * s->cap : 1024;
    bigger.slot = calloc(bigger.cap, sizeof *bigger.slot);
    if (bigger.slot == NULL)
        return -1;
    for (size_t i = 0; i < s->cap; i++) {
        if (s->slot[i] == 0)
            continue;
        size_t k = row_slot(&bigger, s->slot[i] - 1);
        while (bigger.slot[k] != 0)
            k = (k + 1) & (bigger.cap - 1);
        bigger.slot[k] = s->slot[i];
    }
    free(s->slot);
    *s = bigger;
    return 0;
}

/* The earlier row with the same key, DORA_NONE (row `r` added), or
 * DORA_ENOMEM. */
static uint32_t rowset_put(rowset *s, size_t r)
{
    if (2 * (s->count + 1) > s->cap && rowset_grow(s) != 0)
        return DORA_ENOMEM;
    size_t k = row_slot(s, r);
    for (; s->slot[k] != 0; k = (k + 1) & (s->cap - 1))
        if (same_row(s, s->slot[k] - 1, r))
            return s->slot[k] - 1;
    s->slot[k] = (uint32_t)r + 1;
    s->count++;
    return DORA_NONE;
}

/* The key of the specific row (annotated layout 4.0): a repeated key is a
 * duplicate row. */
static const size_t service_key[8] = { SV_ARR, SV_ENTITY, SV_PROVIDER, SV_FUNCTION, SV_TYPE,
                                       SV_PROVISION, SV_LOCATION, SV_PROCESSING };

static int service_duplicate(dora_import *x, rowset *seen, size_t r, int *dup)
{
    uint32_t prev = rowset_put(seen, r);
    *dup = prev != DORA_NONE;
    if (prev == DORA_ENOMEM)
        return CRISK_ENOMEM;
    if (prev == DORA_NONE)
        return CRISK_OK;
    return dora_report_cell(x, TAB_B0202, r, SIZE_MAX, CRISK_SEV_WARNING,
                            "duplicate row: same key as line %zu (ignored)",
                            x->tab[TAB_B0202].line[prev]);
}

/* References of one row; ROW_SKIP if one does not resolve. */
static int service_refs(dora_import *x, size_t r)
{
    const char *arr = cell(x, TAB_B0202, r, SV_ARR), *prov = cell(x, TAB_B0202, r, SV_PROVIDER);
    const void *fk[2] = { cell(x, TAB_B0202, r, SV_FUNCTION), cell(x, TAB_B0202, r, SV_ENTITY) };
    char q[Q], q2[Q];
    int rc = CRISK_OK;
    x->sv_arr[r] = get1(&x->arrangements, arr);
    x->sv_provider[r] = get1(&x->providers, prov);
    x->sv_function[r] = dora_map_get(&x->functions, fk);
    if (x->sv_arr[r] == DORA_NONE)
        rc = unknown_ref(x, TAB_B0202, r, SV_ARR, CRISK_SEV_ERROR, "arrangement", arr, TAB_B0201);
    if (rc == CRISK_OK && x->sv_provider[r] == DORA_NONE)
        rc = unknown_ref(x, TAB_B0202, r, SV_PROVIDER, CRISK_SEV_ERROR, "provider", prov, TAB_B0501);
    if (rc == CRISK_OK && x->sv_function[r] == DORA_NONE) {
        const char *hint = suggest(x, TAB_B0601, fk[0]);
        char h[Q];
        rc = hint != NULL
            ? dora_report_cell(x, TAB_B0202, r, SV_FUNCTION, CRISK_SEV_ERROR,
                               "unknown function '%s' of entity '%s': not in %s (did you mean '%s'?)",
                               quote(q, fk[0]), quote(q2, fk[1]), x->tab[TAB_B0601].display,
                               quote(h, hint))
            : dora_report_cell(x, TAB_B0202, r, SV_FUNCTION, CRISK_SEV_ERROR,
                               "unknown function '%s' of entity '%s': not in %s", quote(q, fk[0]),
                               quote(q2, fk[1]), x->tab[TAB_B0601].display);
    }
    if (x->sv_arr[r] == DORA_NONE || x->sv_provider[r] == DORA_NONE
        || x->sv_function[r] == DORA_NONE)
        x->sv_flags[r] |= ROW_SKIP;
    return rc;
}

/* One ICT service type of an arrangement has one provider. */
static int service_provider(dora_import *x, size_t r)
{
    const char *arr = cell(x, TAB_B0202, r, SV_ARR), *type = cell(x, TAB_B0202, r, SV_TYPE);
    const void *k[2] = { arr, type };
    uint32_t first = dora_map_put(&x->services, k, (uint32_t)r);
    if (first == DORA_ENOMEM)
        return CRISK_ENOMEM;
    if (first == DORA_NONE || x->sv_provider[first] == x->sv_provider[r])
        return CRISK_OK;
    char q[Q], q2[Q], q3[Q];
    x->sv_flags[r] |= ROW_SKIP;
    return dora_report_cell(x, TAB_B0202, r, SV_PROVIDER, CRISK_SEV_ERROR,
                            "arrangement '%s' names two providers for %s: '%s' here and '%s' on "
                            "line %zu", quote(q, arr), type,
                            quote(q2, cell(x, TAB_B0202, r, SV_PROVIDER)),
                            quote(q3, cell(x, TAB_B0202, first, SV_PROVIDER)),
                            x->tab[TAB_B0202].line[first]);
}

/* A resolved row: count it for its arrangement, and index the live ones. */
static int service_record(dora_import *x, size_t r, uint32_t *tail)
{
    uint32_t a = x->sv_arr[r];
    x->sv_type[r] = (int8_t)dora_service_index(cell(x, TAB_B0202, r, SV_TYPE));
    const void *k3[3] = { cell(x, TAB_B0202, r, SV_ARR), cell(x, TAB_B0202, r, SV_PROVIDER),
                          cell(x, TAB_B0202, r, SV_TYPE) };
    if (dora_map_put(&x->provider_services, k3, (uint32_t)r) == DORA_ENOMEM)
        return CRISK_ENOMEM;
    x->arr_rows[a]++;
    x->sv_next[r] = DORA_NONE;
    if (is_ended(x, r)) {
        x->ended_rows++;
        return CRISK_OK;
    }
    x->sv_flags[r] |= ROW_LIVE;
    x->arr_live[a]++;
    const void *k2[2] = { k3[0], k3[2] };
    if (dora_map_put(&x->live_services, k2, (uint32_t)r) == DORA_ENOMEM
        || dora_map_put(&x->live_provider_services, k3, (uint32_t)r) == DORA_ENOMEM)
        return CRISK_ENOMEM;
    if (x->arr_first[a] == DORA_NONE)
        x->arr_first[a] = (uint32_t)r;
    else
        x->sv_next[tail[a]] = (uint32_t)r;
    tail[a] = (uint32_t)r;
    return CRISK_OK;
}

/* Intra-group: named in B_03.03/B_02.03, or provided by a group entity. */
static int mark_intra_group(dora_import *x)
{
    size_t n = x->tab[TAB_B0202].rows;
    uint8_t *by_arr = calloc(x->tab[TAB_B0201].rows + 1, 1);
    if (by_arr == NULL)
        return CRISK_ENOMEM;
    for (size_t r = 0; r < n; r++)
        if (!(x->sv_flags[r] & ROW_SKIP)
            && get1(&x->entities, cell(x, TAB_B0202, r, SV_PROVIDER)) != DORA_NONE)
            by_arr[x->sv_arr[r]] = 1;
    for (size_t r = 0; r < n; r++) {
        if (x->sv_flags[r] & ROW_SKIP)
            continue;
        if (by_arr[x->sv_arr[r]]
            || get1(&x->intra_group, cell(x, TAB_B0202, r, SV_ARR)) != DORA_NONE)
            x->sv_flags[r] |= ROW_INTRA;
    }
    free(by_arr);
    return CRISK_OK;
}

static int check_services(dora_import *x)
{
    size_t n = x->tab[TAB_B0202].rows, na = x->tab[TAB_B0201].rows;
    uint32_t *tail = NULL;
    rowset seen = { &x->tab[TAB_B0202], service_key, 8, NULL, 0, 0 };
    int rc = alloc_rows((void **)&x->sv_flags, n, 1);
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->sv_arr, n, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->sv_provider, n, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->sv_function, n, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->sv_type, n, 1);
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->sv_next, n, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->arr_rows, na, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->arr_live, na, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->arr_first, na, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&tail, na, sizeof(uint32_t));
    for (size_t a = 0; rc == CRISK_OK && a < na; a++)
        x->arr_first[a] = DORA_NONE;
    for (size_t r = 0; r < n && rc == CRISK_OK; r++) {
        int dup = 0;
        if (!keys_ok(x, TAB_B0202, r, BIT(SV_ARR) | BIT(SV_ENTITY) | BIT(SV_PROVIDER)
                     | BIT(SV_FUNCTION) | BIT(SV_TYPE))) {
            x->sv_flags[r] = ROW_SKIP;
            continue;
        }
        rc = service_duplicate(x, &seen, r, &dup);
        if (dup) {
            x->sv_flags[r] = ROW_SKIP;
            continue;
        }
        if (rc == CRISK_OK)
            rc = service_refs(x, r);
        if (rc == CRISK_OK && !(x->sv_flags[r] & ROW_SKIP))
            rc = service_provider(x, r);
        if (rc == CRISK_OK && !(x->sv_flags[r] & ROW_SKIP))
            rc = service_record(x, r, tail);
    }
    if (rc == CRISK_OK)
        rc = mark_intra_group(x);
    free(tail);
    free(seen.slot);
    return rc;
}

/* ---- B_05.02: supply chains ---------------------------------------------------------- */

typedef struct chains {
    dora_map seen;          /* row key -> row */
    dora_map level;         /* (arr, type, rank, provider) -> row */
    dora_map rank_first;    /* (arr, type, rank) -> first row */
    dora_map chain_first;   /* (arr, type) -> first row */
} chains;

#define CH(r, c) cell(x, TAB_B0502, r, c)

static int chain_error(dora_import *x, size_t r, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int chain_error(dora_import *x, size_t r, size_t col, const char *fmt, ...)
{
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->ch_flags[r] |= ROW_SKIP;
    return dora_report_cell(x, TAB_B0502, r, col, CRISK_SEV_ERROR, "%s", msg);
}

/* Rank and recipient of one row. */
static int chain_recipient(dora_import *x, size_t r, uint64_t rank, const char *prov,
                           const char *rcpt)
{
    char q[Q];
    if (rank == 0)
        return chain_error(x, r, CH_RANK, "rank 0: ranks start at 1 (the direct provider)");
    if (rank == 1) {
        if (rcpt[0] == '\0')
            return CRISK_OK;
        return dora_report_cell(x, TAB_B0502, r, CH_RECIPIENT, CRISK_SEV_WARNING,
                                "recipient '%s' at rank 1 ignored (expected empty, 'Not "
                                "Applicable' or the provider itself)", quote(q, rcpt));
    }
    if (rcpt[0] == '\0')
        return chain_error(x, r, CH_RECIPIENT, "empty recipient code in c0060 (required from "
                           "rank 2: the provider at rank %llu that subcontracts to this one)",
                           (unsigned long long)rank - 1);
    if (x->ch_recipient[r] == DORA_NONE) {
        x->ch_flags[r] |= ROW_SKIP;
        return unknown_ref(x, TAB_B0502, r, CH_RECIPIENT, CRISK_SEV_ERROR, "recipient", rcpt,
                           TAB_B0501);
    }
    if (rcpt == prov)
        return chain_error(x, r, CH_RECIPIENT, "recipient is the provider itself ('%s'): a "
                           "provider cannot subcontract to itself", quote(q, prov));
    return CRISK_OK;
}

/* What one row says on its own: duplicates, references, rank, recipient. */
static int chain_row(dora_import *x, chains *c, size_t r)
{
    const char *arr = CH(r, CH_ARR), *prov = CH(r, CH_PROVIDER), *rcpt = CH(r, CH_RECIPIENT);
    uint64_t rank = 0;
    dora_parse_natural(CH(r, CH_RANK), &rank);
    if (rank == 1 && rcpt == prov)
        rcpt = x->empty;   /* rank 1 may repeat its own code: the same as empty */
    const void *k[5] = { arr, CH(r, CH_TYPE), prov, DORA_INT(rank), rcpt };
    uint32_t prev = dora_map_put(&c->seen, k, (uint32_t)r);
    if (prev == DORA_ENOMEM)
        return CRISK_ENOMEM;
    if (prev != DORA_NONE) {
        x->ch_flags[r] |= ROW_SKIP;
        return dora_report_cell(x, TAB_B0502, r, SIZE_MAX, CRISK_SEV_WARNING,
                                "duplicate row: same key as line %zu (ignored)",
                                x->tab[TAB_B0502].line[prev]);
    }
    x->ch_rank[r] = rank;
    x->ch_provider[r] = get1(&x->providers, prov);
    x->ch_recipient[r] = rcpt[0] != '\0' ? get1(&x->providers, rcpt) : DORA_NONE;
    int rc = CRISK_OK;
    if (get1(&x->arrangements, arr) == DORA_NONE) {
        x->ch_flags[r] |= ROW_SKIP;
        rc = unknown_ref(x, TAB_B0502, r, CH_ARR, CRISK_SEV_ERROR, "arrangement", arr, TAB_B0201);
    }
    if (rc == CRISK_OK && x->ch_provider[r] == DORA_NONE) {
        x->ch_flags[r] |= ROW_SKIP;
        rc = unknown_ref(x, TAB_B0502, r, CH_PROVIDER, CRISK_SEV_ERROR, "provider", prov, TAB_B0501);
    }
    return rc == CRISK_OK ? chain_recipient(x, r, rank, prov, rcpt) : rc;
}

/* The three maps take the first 4, 3 and 2 parts of one key. */
static int chain_index(dora_import *x, chains *c, size_t r)
{
    const void *lk[4] = { CH(r, CH_ARR), CH(r, CH_TYPE), DORA_INT(x->ch_rank[r]), CH(r, CH_PROVIDER) };
    if (dora_map_put(&c->level, lk, (uint32_t)r) == DORA_ENOMEM
        || dora_map_put(&c->rank_first, lk, (uint32_t)r) == DORA_ENOMEM
        || dora_map_put(&c->chain_first, lk, (uint32_t)r) == DORA_ENOMEM)
        return CRISK_ENOMEM;
    return CRISK_OK;
}

/* Mapped (a live service), orphan (no B_02.02 row at all) or ignored (its
 * service or arrangement ended). */
static int chain_status(const dora_import *x, size_t r, uint32_t *direct)
{
    const void *k[2] = { CH(r, CH_ARR), CH(r, CH_TYPE) };
    uint32_t a = get1(&x->arrangements, k[0]);
    *direct = dora_map_get(&x->services, k);
    if (x->arr_rows[a] > 0 && x->arr_live[a] == 0)
        return CHAIN_IGNORED;
    if (*direct == DORA_NONE)
        return CHAIN_ORPHAN;
    return dora_map_get(&x->live_services, k) != DORA_NONE ? CHAIN_MAPPED : CHAIN_IGNORED;
}

/* Warnings about a whole chain, at its first row. */
static int chain_warnings(dora_import *x, chains *c, size_t r, int status, uint32_t direct)
{
    const char *arr = CH(r, CH_ARR), *type = CH(r, CH_TYPE);
    const void *k1[3] = { arr, type, DORA_INT(1) };
    char q[Q], q2[Q];
    int rc = CRISK_OK;
    if (status == CHAIN_ORPHAN)
        rc = dora_report_cell(x, TAB_B0502, r, SIZE_MAX, CRISK_SEV_WARNING,
                              "supply chain of arrangement '%s' for %s has no service in %s "
                              "(its links %s)", quote(q, arr), type, x->tab[TAB_B0202].display,
                              x->chains_service ? "are dropped: --chains service"
                                                : "are kept at provider level");
    /* No rank 1 and no B_02.02 provider either: the gap error says it. */
    if (rc != CRISK_OK || dora_map_get(&c->rank_first, k1) != DORA_NONE || direct == DORA_NONE)
        return rc;
    return dora_report_cell(x, TAB_B0502, r, SIZE_MAX, CRISK_SEV_WARNING,
                            "supply chain of arrangement '%s' for %s has no rank-1 row: '%s' "
                            "from %s:%zu taken as rank 1", quote(q, arr), type,
                            quote(q2, cell(x, TAB_B0202, direct, SV_PROVIDER)),
                            x->tab[TAB_B0202].display, x->tab[TAB_B0202].line[direct]);
}

/* A row against the rest of its chain. */
static int chain_links(dora_import *x, chains *c, size_t r, uint32_t direct)
{
    const char *arr = CH(r, CH_ARR), *type = CH(r, CH_TYPE), *prov = CH(r, CH_PROVIDER);
    const char *rcpt = CH(r, CH_RECIPIENT);
    uint64_t n = x->ch_rank[r];
    char q[Q], q2[Q], q3[Q];
    if (n == 1) {
        if (direct == DORA_NONE || x->sv_provider[direct] == x->ch_provider[r])
            return CRISK_OK;
        return chain_error(x, r, CH_PROVIDER, "rank-1 provider '%s' is not the provider of "
                           "arrangement '%s' for %s ('%s' in %s:%zu)", quote(q, prov),
                           quote(q2, arr), type, quote(q3, cell(x, TAB_B0202, direct, SV_PROVIDER)),
                           x->tab[TAB_B0202].display, x->tab[TAB_B0202].line[direct]);
    }
    const void *below[3] = { arr, type, DORA_INT(n - 1) };
    int has_below = dora_map_get(&c->rank_first, below) != DORA_NONE
                    || (n == 2 && direct != DORA_NONE);
    if (!has_below) {
        const void *here[3] = { arr, type, DORA_INT(n) };
        x->ch_flags[r] |= ROW_SKIP;
        if (dora_map_get(&c->rank_first, here) != (uint32_t)r)
            return CRISK_OK;   /* reported once per rank, at its first row */
        return chain_error(x, r, CH_RANK, "rank %llu without rank %llu in the supply chain of "
                           "arrangement '%s' for %s (gap)", (unsigned long long)n,
                           (unsigned long long)n - 1, quote(q, arr), type);
    }
    const void *at[4] = { arr, type, DORA_INT(n - 1), rcpt };
    int found = dora_map_get(&c->level, at) != DORA_NONE
                || (n == 2 && direct != DORA_NONE && x->sv_provider[direct] == x->ch_recipient[r]);
    if (found)
        return CRISK_OK;
    return chain_error(x, r, CH_RECIPIENT, "recipient '%s' is not a provider at rank %llu of the "
                       "supply chain of arrangement '%s' for %s", quote(q, rcpt),
                       (unsigned long long)n - 1, quote(q2, arr), type);
}

static int chain_check(dora_import *x, chains *c, size_t r)
{
    uint32_t direct;
    int status = chain_status(x, r, &direct);
    x->ch_status[r] = (uint8_t)status;
    if (status == CHAIN_IGNORED)
        return CRISK_OK;
    const void *k[2] = { CH(r, CH_ARR), CH(r, CH_TYPE) };
    int rc = CRISK_OK;
    if (dora_map_get(&c->chain_first, k) == (uint32_t)r)
        rc = chain_warnings(x, c, r, status, direct);
    if (rc == CRISK_OK)
        rc = chain_links(x, c, r, direct);
    if (rc == CRISK_OK && !(x->ch_flags[r] & ROW_SKIP) && x->ch_rank[r] >= 2)
        x->ch_flags[r] |= ROW_EDGE;
    return rc;
}

static int check_chains(dora_import *x)
{
    size_t n = x->tab[TAB_B0502].rows;
    chains c;
    dora_map_init(&c.seen, 5);
    dora_map_init(&c.level, 4);
    dora_map_init(&c.rank_first, 3);
    dora_map_init(&c.chain_first, 2);
    int rc = alloc_rows((void **)&x->ch_flags, n, 1);
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->ch_status, n, 1);
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->ch_provider, n, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->ch_recipient, n, sizeof(uint32_t));
    if (rc == CRISK_OK) rc = alloc_rows((void **)&x->ch_rank, n, sizeof(uint64_t));
    for (size_t r = 0; r < n && rc == CRISK_OK; r++) {
        if (!keys_ok(x, TAB_B0502, r, BIT(CH_ARR) | BIT(CH_TYPE) | BIT(CH_PROVIDER) | BIT(CH_RANK))) {
            x->ch_flags[r] = ROW_SKIP;
            continue;
        }
        rc = chain_row(x, &c, r);
        if (rc == CRISK_OK && !(x->ch_flags[r] & ROW_SKIP))
            rc = chain_index(x, &c, r);
    }
    for (size_t r = 0; r < n && rc == CRISK_OK; r++)
        if (!(x->ch_flags[r] & ROW_SKIP))
            rc = chain_check(x, &c, r);
    dora_map_release(&c.seen);
    dora_map_release(&c.level);
    dora_map_release(&c.rank_first);
    dora_map_release(&c.chain_first);
    return rc;
}

/* ---- B_07.01: assessments ------------------------------------------------------------ */

static int arrangement_ended(const dora_import *x, uint32_t a)
{
    return x->arr_rows[a] > 0 && x->arr_live[a] == 0;
}

static int assessment_match(dora_import *x, size_t r)
{
    const void *k[3] = { cell(x, TAB_B0701, r, AS_ARR), cell(x, TAB_B0701, r, AS_PROVIDER),
                         cell(x, TAB_B0701, r, AS_TYPE) };
    char q[Q], q2[Q];
    if (arrangement_ended(x, get1(&x->arrangements, k[0])))
        return CRISK_OK;
    if (dora_map_get(&x->live_provider_services, k) != DORA_NONE) {
        x->as_flags[r] |= ROW_EDGE;
        return CRISK_OK;
    }
    if (dora_map_get(&x->provider_services, k) != DORA_NONE)
        return CRISK_OK;   /* that service ended */
    return dora_report_cell(x, TAB_B0701, r, SIZE_MAX, CRISK_SEV_WARNING,
                            "assessment of arrangement '%s', provider '%s', %s matches no service "
                            "in %s (ignored)", quote(q, k[0]), quote(q2, k[1]),
                            (const char *)k[2], x->tab[TAB_B0202].display);
}

static int assessment_reason(dora_import *x, size_t r)
{
    const char *s = cell(x, TAB_B0701, r, AS_SUBST);
    char hint[8];
    if (!cell_ok(x, TAB_B0701, r, AS_SUBST) || cell(x, TAB_B0701, r, AS_REASON)[0] != '\0')
        return CRISK_OK;
    int i = s[0] ? dora_list_find(&dora_list_substitutability, s, hint, sizeof hint) : -1;
    if (i != DORA_SUBST_NONE && i != DORA_SUBST_HARD)
        return CRISK_OK;
    return dora_report_cell(x, TAB_B0701, r, AS_SUBST, CRISK_SEV_WARNING,
                            "substitutability %s without a reason in c0060 (required when not "
                            "substitutable or highly complex)", s);
}

static int assessment_refs(dora_import *x, size_t r)
{
    const char *arr = cell(x, TAB_B0701, r, AS_ARR), *prov = cell(x, TAB_B0701, r, AS_PROVIDER);
    uint32_t a = get1(&x->arrangements, arr), p = get1(&x->providers, prov);
    int rc = CRISK_OK;
    if (a == DORA_NONE)
        rc = unknown_ref(x, TAB_B0701, r, AS_ARR, CRISK_SEV_ERROR, "arrangement", arr, TAB_B0201);
    if (rc == CRISK_OK && p == DORA_NONE)
        rc = unknown_ref(x, TAB_B0701, r, AS_PROVIDER, CRISK_SEV_ERROR, "provider", prov, TAB_B0501);
    if (rc == CRISK_OK && a != DORA_NONE && p != DORA_NONE)
        rc = assessment_match(x, r);
    return rc;
}

static int check_assessments(dora_import *x)
{
    const dora_table *t = &x->tab[TAB_B0701];
    dora_map seen;
    dora_map_init(&seen, 3);
    char q[Q], q2[Q];
    int rc = alloc_rows((void **)&x->as_flags, t->rows, 1);
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++) {
        rc = assessment_reason(x, r);
        if (rc != CRISK_OK || !keys_ok(x, TAB_B0701, r, BIT(AS_ARR) | BIT(AS_PROVIDER) | BIT(AS_TYPE)))
            continue;
        const char *arr = dora_cell(t, r, AS_ARR), *prov = dora_cell(t, r, AS_PROVIDER);
        const void *k[3] = { arr, prov, dora_cell(t, r, AS_TYPE) };
        uint32_t prev = dora_map_put(&seen, k, (uint32_t)r);
        if (prev == DORA_ENOMEM)
            rc = CRISK_ENOMEM;
        else if (prev != DORA_NONE)
            rc = dora_report_cell(x, TAB_B0701, r, AS_ARR, CRISK_SEV_ERROR,
                                  "duplicate assessment of arrangement '%s', provider '%s', %s "
                                  "(first on line %zu)", quote(q, arr), quote(q2, prov),
                                  (const char *)k[2], t->line[prev]);
        else
            rc = assessment_refs(x, r);
    }
    dora_map_release(&seen);
    return rc;
}

/* ---- B_02.03: intra-group links ------------------------------------------------------ */

static int check_links(dora_import *x)
{
    const dora_table *t = &x->tab[TAB_B0203];
    char q[Q];
    int rc = alloc_rows((void **)&x->ig_flags, t->rows, 1);
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++) {
        const char *ig = dora_cell(t, r, IG_ARR), *ext = dora_cell(t, r, IG_LINKED);
        if (!keys_ok(x, TAB_B0203, r, BIT(IG_ARR) | BIT(IG_LINKED)))
            continue;
        uint32_t a = get1(&x->arrangements, ig), b = get1(&x->arrangements, ext);
        if (a == DORA_NONE)
            rc = unknown_ref(x, TAB_B0203, r, IG_ARR, CRISK_SEV_ERROR, "arrangement", ig, TAB_B0201);
        if (rc == CRISK_OK && b == DORA_NONE)
            rc = unknown_ref(x, TAB_B0203, r, IG_LINKED, CRISK_SEV_ERROR, "arrangement", ext,
                             TAB_B0201);
        if (rc != CRISK_OK || a == DORA_NONE || b == DORA_NONE
            || arrangement_ended(x, a) || arrangement_ended(x, b))
            continue;
        if (x->arr_live[a] == 0 || x->arr_live[b] == 0) {
            int which = x->arr_live[a] == 0 ? IG_ARR : IG_LINKED;
            rc = dora_report_cell(x, TAB_B0203, r, (size_t)which, CRISK_SEV_WARNING,
                                  "%s arrangement '%s' has no service in %s: link not mapped",
                                  which == IG_ARR ? "intra-group" : "linked",
                                  quote(q, which == IG_ARR ? ig : ext), x->tab[TAB_B0202].display);
            continue;
        }
        x->ig_flags[r] |= ROW_EDGE;
    }
    return rc;
}

/* ---- validated only: B_04.01, B_01.03, labels ---------------------------------------- */

static int check_usage(dora_import *x)
{
    const dora_table *t = &x->tab[TAB_B0401];
    char hint[8];
    int rc = CRISK_OK;
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++) {
        const char *arr = dora_cell(t, r, US_ARR), *branch = dora_cell(t, r, US_BRANCH);
        if (arr[0] != '\0' && get1(&x->arrangements, arr) == DORA_NONE)
            rc = unknown_ref(x, TAB_B0401, r, US_ARR, CRISK_SEV_WARNING, "arrangement", arr,
                             TAB_B0201);
        const char *nature = dora_cell(t, r, US_NATURE);
        if (rc != CRISK_OK || !dora_cell_ok(t, r, US_NATURE) || nature[0] == '\0'
            || dora_list_find(&dora_list_nature, nature, hint, sizeof hint) != DORA_NATURE_BRANCH)
            continue;
        if (branch[0] == '\0')
            rc = dora_report_cell(x, TAB_B0401, r, US_BRANCH, CRISK_SEV_WARNING,
                                  "empty branch code in c0040 (required for a branch, eba_ZZ:x838)");
        else if (get1(&x->branches, branch) == DORA_NONE)
            rc = unknown_ref(x, TAB_B0401, r, US_BRANCH, CRISK_SEV_WARNING, "branch", branch,
                             TAB_B0103);
    }
    t = &x->tab[TAB_B0103];
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++) {
        const char *head = dora_cell(t, r, BR_HEAD_OFFICE);
        if (head[0] != '\0' && get1(&x->entities, head) == DORA_NONE)
            rc = unknown_ref(x, TAB_B0103, r, BR_HEAD_OFFICE, CRISK_SEV_WARNING, "head office",
                             head, TAB_B0102);
    }
    return rc;
}

static int check_labels(dora_import *x)
{
    const dora_table *t = &x->tab[TAB_B0201];
    char q[Q];
    int rc = CRISK_OK;
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++) {
        const char *over = dora_cell(t, r, AR_OVERARCHING);
        if (over[0] != '\0' && get1(&x->arrangements, over) == DORA_NONE)
            rc = unknown_ref(x, TAB_B0201, r, AR_OVERARCHING, CRISK_SEV_WARNING,
                             "overarching arrangement", over, TAB_B0201);
    }
    t = &x->tab[TAB_B0501];
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++) {
        const char *parent = dora_cell(t, r, PV_PARENT);
        if (parent[0] != '\0' && get1(&x->providers, parent) == DORA_NONE)
            rc = dora_report_cell(x, TAB_B0501, r, PV_PARENT, CRISK_SEV_WARNING,
                                  "ultimate parent '%s' is not in %s (kept as a label)",
                                  quote(q, parent), t->display);
    }
    return rc;
}

/* ---- B_06.01: functions -------------------------------------------------------------- */

static int check_functions(dora_import *x)
{
    const dora_table *t = &x->tab[TAB_B0601];
    char hint[8], q[Q];
    int rc = CRISK_OK;
    if (t->rows > 0 && t->pos[FN_CRITICALITY] == 0)
        rc = dora_report(x, t->display, 1, 0, CRISK_SEV_WARNING, "no column c0050 (criticality "
                         "assessment): every function treated as eba_BT:x21 (not performed)");
    for (size_t r = 0; r < t->rows && rc == CRISK_OK; r++) {
        const char *crit = dora_cell(t, r, FN_CRITICALITY), *rto = dora_cell(t, r, FN_RTO);
        if (crit[0] == '\0' && t->pos[FN_CRITICALITY] != 0) {
            rc = dora_report_cell(x, TAB_B0601, r, FN_CRITICALITY, CRISK_SEV_WARNING,
                                  "empty criticality assessment in c0050: treated as eba_BT:x21 "
                                  "(assessment not performed)");
            continue;
        }
        if (!dora_cell_ok(t, r, FN_CRITICALITY) || !dora_cell_ok(t, r, FN_RTO)
            || crit[0] == '\0'
            || dora_list_find(&dora_list_criticality, crit, hint, sizeof hint) != DORA_CRIT_YES
            || (rto[0] != '\0' && strspn(rto, "0") != strlen(rto)))
            continue;
        rc = dora_report_cell(x, TAB_B0601, r, t->pos[FN_RTO] ? FN_RTO : SIZE_MAX,
                              CRISK_SEV_WARNING, "critical function '%s' has no recovery time "
                              "objective (c0080 is %s)", quote(q, dora_cell(t, r, FN_ID)),
                              rto[0] ? "0: not defined" : "empty");
    }
    return rc;
}

/* ---- the stage ----------------------------------------------------------------------- */

int dora_check(dora_import *x)
{
    int rc = check_parameters(x);
    if (rc == CRISK_OK)
        rc = check_filing(x);
    if (rc != CRISK_OK || x->structural)
        return rc;
    rc = index_keys(x);
    if (rc == CRISK_OK) rc = check_services(x);
    if (rc == CRISK_OK) rc = check_chains(x);
    if (rc == CRISK_OK) rc = check_assessments(x);
    if (rc == CRISK_OK) rc = check_links(x);
    if (rc == CRISK_OK) rc = check_usage(x);
    if (rc == CRISK_OK) rc = check_labels(x);
    if (rc == CRISK_OK) rc = check_functions(x);
    return rc;
}

void dora_import_release(dora_import *x)
{
    for (size_t i = 0; i < TAB_COUNT; i++) {
        free(x->tab[i].cell);
        free(x->tab[i].line);
        free(x->tab[i].bad);
        free(x->candidates[i]);
    }
    dora_map *maps[] = { &x->arrangements, &x->providers, &x->functions, &x->entities,
                         &x->branches, &x->intra_group, &x->services, &x->live_services,
                         &x->provider_services, &x->live_provider_services };
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++)
        dora_map_release(maps[i]);
    void *arrays[] = { x->sv_flags, x->sv_arr, x->sv_provider, x->sv_function, x->sv_type,
                       x->arr_rows, x->arr_live, x->arr_first, x->sv_next, x->ch_flags,
                       x->ch_status, x->ch_provider, x->ch_recipient, x->ch_rank, x->as_flags,
                       x->ig_flags };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    dora_package_close(&x->pkg);
    crisk__pool_release(&x->pool);
}
