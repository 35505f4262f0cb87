/*
 * emit_concentration.c - concentration tables (`chainrisk concentration`).
 *
 * One section per basis of grouping (category, parent, country).  Within a
 * section each market (a category, or "all" providers) gets its summary -
 * providers, entities, totals, top-1 / top-3 shares and the HHI - on two
 * bases: spend, and reliance, which is exposure normalised within the
 * market.  Every output names both bases: the table in its heading, the
 * CSV in its column names (spend_share, exposure + reliance_share), the
 * JSON in a "basis" object.  HHI is rounded to an integer in tables only.
 *
 * Beside the summed exposure (which counts a function once per provider
 * of the entity it relies on), every row carries the joint impact: the
 * functions that fail when all of the entity's providers fail together,
 * their criticality and its share (DORA Art. 29's closely connected
 * providers).  Tables show it for parent and country groups, where it
 * differs from the providers' own impact; CSV and JSON for every row.
 *
 * CSV is one table: one row per (section, market, entity) with the market's
 * summary repeated on every row, so a spreadsheet filter keeps it in view.
 */
#include "analysis/analysis_internal.h"
#include "emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const by_name[] = { "category", "parent", "country" };
static const char *const entity_name[] = { "provider", "parent", "country" };
static const char *const entity_plural[] = { "providers", "parents", "countries" };

#define BASIS_SPEND    "annual spend with the provider"
#define BASIS_RELIANCE "exposure normalised within the market"
#define BASIS_JOINT "functions failing when every provider of the entity fails together, each once"

typedef struct section {
    crisk_concentration_by by;
    crisk_concentration *c;
    const crisk_market *markets;
    size_t n_markets;
    const crisk_share *shares;
    size_t n_shares;
} section;

static int section_init(section *s, const crisk_analysis *a, crisk_concentration_by by,
                        crisk_error *err)
{
    memset(s, 0, sizeof *s);
    s->by = by;
    int rc = crisk_concentration_compute(&s->c, a, by, err);
    if (rc != CRISK_OK)
        return rc;
    s->markets = crisk_concentration_markets(s->c, &s->n_markets);
    s->shares = crisk_concentration_shares(s->c, &s->n_shares);
    return CRISK_OK;
}

/* Share rows shown for market m: the first `top` (-1 = all). */
static size_t shown(const crisk_market *m, long top)
{
    return top >= 0 && (size_t)top < m->share_count ? (size_t)top : m->share_count;
}

/* ---- CSV and JSON ------------------------------------------------------------- */

enum { SHARE_FIELDS = 9, MARKET_FIELDS = 10 };

static void share_fields(crisk__field *row, const crisk_share *s)
{
    row[0] = crisk__f_text("entity", s->entity);
    row[1] = crisk__f_count("providers", s->providers);
    row[2] = crisk__f_number("spend", s->spend);
    row[3] = crisk__f_number("spend_share", s->spend_share);
    row[4] = crisk__f_number("exposure", s->reliance);
    row[5] = crisk__f_number("reliance_share", s->reliance_share);
    row[6] = crisk__f_count("joint_functions", s->joint_functions);
    row[7] = crisk__f_number("joint_criticality", s->joint_criticality);
    row[8] = crisk__f_number("joint_share", s->joint_share);
}

static void market_fields(crisk__field *row, const crisk_market *m)
{
    row[0] = crisk__f_count("providers", m->providers);
    row[1] = crisk__f_count("entities", m->entities);
    row[2] = crisk__f_number("spend", m->spend);
    row[3] = crisk__f_number("spend_top1", m->spend_top1);
    row[4] = crisk__f_number("spend_top3", m->spend_top3);
    row[5] = crisk__f_number("spend_hhi", m->spend_hhi);
    row[6] = crisk__f_number("exposure", m->reliance);
    row[7] = crisk__f_number("reliance_top1", m->reliance_top1);
    row[8] = crisk__f_number("reliance_top3", m->reliance_top3);
    row[9] = crisk__f_number("reliance_hhi", m->reliance_hhi);
}

static const char *const csv_market_keys[MARKET_FIELDS] = {
    "market_providers", "market_entities", "market_spend", "market_spend_top1",
    "market_spend_top3", "market_spend_hhi", "market_exposure", "market_reliance_top1",
    "market_reliance_top3", "market_reliance_hhi"
};

enum { CSV_FIELDS = 2 + SHARE_FIELDS + MARKET_FIELDS };

static void csv_row(crisk__field *row, const section *s, const crisk_market *m, const crisk_share *sh)
{
    row[0] = crisk__f_text("by", by_name[s->by]);
    row[1] = crisk__f_text("market", m->market);
    share_fields(row + 2, sh);
    market_fields(row + 2 + SHARE_FIELDS, m);
    for (size_t k = 0; k < MARKET_FIELDS; k++)
        row[2 + SHARE_FIELDS + k].key = csv_market_keys[k];
}

/* The rows of a section: row i is share i - start[k] of the market k with
 * start[k] <= i < start[k + 1]. */
typedef struct section_rows {
    const section *s;
    size_t *start;              /* n_markets + 1 */
} section_rows;

static void section_row(void *ctx, size_t i, crisk__field *row)
{
    const section_rows *x = ctx;
    size_t lo = 0, hi = x->s->n_markets;   /* the last market starting at or before i */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->start[mid] <= i)
            lo = mid;
        else
            hi = mid;
    }
    const crisk_market *m = &x->s->markets[lo];
    csv_row(row, x->s, m, &x->s->shares[m->first_share + (i - x->start[lo])]);
}

/* A row per shown entity: 2 million at a million nodes, so formatted on
 * the analysis' threads (crisk__csv_rows_parallel), the same bytes. */
static int emit_csv_section(FILE *f, const section *s, long top, size_t threads)
{
    section_rows x = { s, malloc((s->n_markets + 1) * sizeof *x.start) };
    if (x.start == NULL)
        return CRISK_ENOMEM;
    x.start[0] = 0;
    for (size_t i = 0; i < s->n_markets; i++)
        x.start[i + 1] = x.start[i] + shown(&s->markets[i], top);
    /* the last market starting at or before a row holds it: a market that
     * shows no row starts where the next one does */
    int rc = crisk__csv_rows_parallel(f, x.start[s->n_markets], CSV_FIELDS, section_row, &x,
                                      threads);
    free(x.start);
    return rc;
}

static void emit_csv_header(FILE *f)
{
    static const crisk_market m0 = { .market = "" };
    static const crisk_share s0 = { .entity = "" };
    static const section sec0 = { .by = CRISK_BY_CATEGORY };
    crisk__field row[CSV_FIELDS];
    csv_row(row, &sec0, &m0, &s0);
    crisk__csv_header(f, row, CSV_FIELDS);
}

static void emit_json_market(FILE *f, const section *s, const crisk_market *m, long top)
{
    crisk__field row[MARKET_FIELDS];
    market_fields(row, m);
    fputs("{\"market\": ", f);
    crisk_json_string(f, m->market);
    fputs(", ", f);
    crisk__json_fields(f, row, MARKET_FIELDS);
    fputs(", \"shares\": [", f);
    for (size_t j = 0; j < shown(m, top); j++) {
        crisk__field sh[SHARE_FIELDS];
        share_fields(sh, &s->shares[m->first_share + j]);
        fputs(j ? ",\n      " : "\n      ", f);
        crisk__json_object(f, sh, SHARE_FIELDS);
    }
    fputs(shown(m, top) ? "\n    ]}" : "]}", f);
}

static void emit_json_section(FILE *f, const section *s, long top, int first)
{
    fputs(first ? "\n  {\"by\": " : ",\n  {\"by\": ", f);
    crisk_json_string(f, by_name[s->by]);
    fputs(", \"entity\": ", f);
    crisk_json_string(f, entity_name[s->by]);
    fputs(", \"markets\": [", f);
    for (size_t i = 0; i < s->n_markets; i++) {
        fputs(i ? ",\n    " : "\n    ", f);
        emit_json_market(f, s, &s->markets[i], top);
    }
    fputs(s->n_markets ? "\n  ]}" : "]}", f);
}

/* ---- the readable form ----------------------------------------------------------- */

/* "  spend     total spend 1250000; top-1 32.0%, top-3 71.2%, HHI 2412" */
static void print_basis_line(FILE *f, const char *basis, const char *amount, double total,
                             double top1, double top3, double hhi)
{
    char buf[64];
    fprintf(f, "  %-9s total %s %s", basis, amount, crisk__amount(buf, sizeof buf, total));
    if (isnan(hhi)) {
        fputs(" (no shares)\n", f);
        return;
    }
    fprintf(f, "; top-1 %.1f%%, top-3 %.1f%%, HHI %.0f\n", 100 * top1, 100 * top3, hhi);
}

/* By category the entities are the providers themselves: show their names
 * instead of a providers column that would always read 1. */
static void share_cells(crisk__table *t, const section *s, const crisk_share *sh,
                        const crisk_inventory *inv)
{
    crisk__table_text(t, sh->entity[0] ? sh->entity : "(none)", 0);
    if (s->by == CRISK_BY_CATEGORY) {
        size_t v;
        int found = crisk_inventory_find(inv, sh->entity, &v) == CRISK_OK;
        crisk__table_text(t, found ? crisk_inventory_node_name(inv, v) : "-", CRISK__NAME_WIDTH);
    } else {
        crisk__table_printf(t, "%zu", sh->providers);
    }
    crisk__table_amount(t, sh->spend);
    crisk__table_percent(t, sh->spend_share);
    crisk__table_amount(t, sh->reliance);
    crisk__table_percent(t, sh->reliance_share);
    if (s->by != CRISK_BY_CATEGORY) {
        crisk__table_printf(t, "%zu", sh->joint_functions);
        crisk__table_amount(t, sh->joint_criticality);
        crisk__table_percent(t, sh->joint_share);
    }
}

static void print_market_heading(FILE *f, const section *s, const crisk_market *m)
{
    fprintf(f, "\nmarket %s: %zu provider%s", m->market, m->providers, m->providers == 1 ? "" : "s");
    if (s->by != CRISK_BY_CATEGORY)
        fprintf(f, ", %zu %s", m->entities,
                m->entities == 1 ? entity_name[s->by] : entity_plural[s->by]);
    putc('\n', f);
    print_basis_line(f, "spend", "spend", m->spend, m->spend_top1, m->spend_top3, m->spend_hhi);
    print_basis_line(f, "reliance", "exposure", m->reliance, m->reliance_top1, m->reliance_top3,
                     m->reliance_hhi);
}

static int print_market(FILE *f, const section *s, const crisk_market *m, long top,
                        const crisk_inventory *inv)
{
    static const char *const head_cat[] = { "provider", "name", "spend", "spend share",
                                            "exposure", "reliance share" };
    static const char *const head_parent[] = { "parent", "providers", "spend", "spend share",
                                               "exposure (sum)", "reliance share",
                                               "joint functions", "joint criticality",
                                               "joint share" };
    static const char *const head_country[] = { "country", "providers", "spend", "spend share",
                                                "exposure (sum)", "reliance share",
                                                "joint functions", "joint criticality",
                                                "joint share" };
    const char *const *head = s->by == CRISK_BY_CATEGORY ? head_cat
                            : s->by == CRISK_BY_PARENT ? head_parent : head_country;
    print_market_heading(f, s, m);
    crisk__table t;
    if (s->by == CRISK_BY_CATEGORY)
        crisk__table_init(&t, 6, head, "llrrrr");
    else
        crisk__table_init(&t, 9, head, "lrrrrrrrr");
    size_t rows = shown(m, top);
    for (size_t j = 0; j < rows; j++)
        share_cells(&t, s, &s->shares[m->first_share + j], inv);
    int rc = rows > 0 ? crisk__table_print(f, &t, "  ") : CRISK_OK;
    if (rows < m->share_count)
        fprintf(f, "  (top %zu of %zu)\n", rows, m->share_count);
    crisk__table_release(&t);
    return rc;
}

static int print_section(FILE *f, const section *s, long top, const crisk_inventory *inv, int first)
{
    fprintf(f, "%sconcentration by %s\n", first ? "" : "\n", by_name[s->by]);
    fputs("basis: spend = " BASIS_SPEND "; reliance = " BASIS_RELIANCE "\n", f);
    if (s->by != CRISK_BY_CATEGORY)
        fprintf(f, "exposure (sum) adds up the providers' exposures; joint = what fails when all "
                   "of a %s's providers fail together\n", entity_name[s->by]);
    fputs("HHI = sum of squared shares x 10000 (0 to 10000; integer-rounded here)\n", f);
    if (s->n_markets == 0)
        fputs("\nno providers\n", f);
    int rc = CRISK_OK;
    for (size_t i = 0; i < s->n_markets && rc == CRISK_OK; i++)
        rc = print_market(f, s, &s->markets[i], top, inv);
    return rc;
}

/* ---- driver ------------------------------------------------------------------------ */

int crisk_emit_concentration(FILE *f, const crisk_analysis *a, const crisk_concentration_by *by,
                             size_t n_by, long top, crisk_format fmt,
                             const crisk_provenance *prov, crisk_error *err)
{
    const crisk_inventory *inv = crisk_analysis_inventory(a);
    if (fmt == CRISK_FORMAT_CSV)
        emit_csv_header(f);
    else if (fmt == CRISK_FORMAT_JSON) {
        crisk_json_begin(f, inv, prov);
        fputs("{\"basis\": {\"spend\": \"" BASIS_SPEND "\", \"reliance\": \"" BASIS_RELIANCE
              "\", \"joint\": \"" BASIS_JOINT "\"},\n \"sections\": [", f);
    }
    int rc = CRISK_OK;
    for (size_t i = 0; i < n_by && rc == CRISK_OK; i++) {
        section s;
        rc = section_init(&s, a, by[i], err);
        if (rc != CRISK_OK)
            break;
        if (fmt == CRISK_FORMAT_CSV)
            rc = emit_csv_section(f, &s, top, crisk__analysis_threads(a)) == CRISK_OK
                     ? CRISK_OK
                     : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        else if (fmt == CRISK_FORMAT_JSON)
            emit_json_section(f, &s, top, i == 0);
        else if (print_section(f, &s, top, inv, i == 0) != CRISK_OK)
            rc = crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
        crisk_concentration_free(s.c);
    }
    if (rc == CRISK_OK && fmt == CRISK_FORMAT_JSON) {
        fputs(n_by ? "\n]}" : "]}", f);
        crisk_json_end(f);
    }
    return rc != CRISK_OK ? rc : crisk__emit_status(f, err);
}
