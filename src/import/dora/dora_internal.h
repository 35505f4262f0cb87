/*
 * dora_internal.h - what the files of the DORA Register of Information
 * importer share (private to src/import/dora/; the rest of the library
 * sees only dora.h, the importer's entry).
 *
 * The importer implements docs/dora.md (the contract:
 * formats/dora-roi-mapping.md).  It is split by stage:
 *
 *   dora.c          crisk__dora_load(): options, the stages in order, sources
 *   dora_package.c  the package: a .zip (libzip) or a folder; members to the
 *                   CSV reader under their package names (reports/b_05.02.csv)
 *   dora_lists.c    closed lists (eba_TA:S19 ...), dates, numbers
 *   dora_tables.c   the column schema of every template read; header and
 *                   cell checks; rows stored as interned strings
 *   dora_check.c    the rules across rows and tables (mapping §9): keys,
 *                   references, liveness, chains, warnings
 *   dora_map.c      the native records: nodes, edges, notes
 *
 * The files form a line, each using only files further down it: dora.c
 * (the entry: options, the stages in order) -> dora_check.c, dora_map.c ->
 * dora_tables.c (tables read, and problems reported at their cells) ->
 * dora_lists.c, dora_package.c.  What they share is defined here; the link
 * check of the test suite (tests/check_layers.py) keeps the line free of
 * circles.
 *
 * Data: every table read is kept as a row-major matrix of interned strings
 * (one pointer per cell of the columns the file has, "" = empty), so equal
 * values compare by pointer and the keys of the cross-table rules are tuples
 * of pointers in open-addressing maps (dora_map).  Nothing here is visible
 * outside the library.
 */
#ifndef CRISK_DORA_INTERNAL_H
#define CRISK_DORA_INTERNAL_H

#include <stdint.h>

#include "import/csv_reader.h"
#include "import/zip_limits.h"
#include "util/quote.h"
#include "util/util.h"

#define DORA_NONE UINT32_MAX

/* ---- closed lists and value types (dora_lists.c) -------------------------- */

typedef struct dora_list dora_list;

extern const dora_list dora_list_service;        /* eba_TA:S01..S19 (index 0..18) */
extern const dora_list dora_list_activity;       /* eba_TA:x<n> licensed activities */
extern const dora_list dora_list_country;        /* eba_GA:<ISO 3166-1>, x28, qx2007 */
extern const dora_list dora_list_currency;       /* eba_CU:<ISO 4217>, x46 */
extern const dora_list dora_list_code_type;      /* eba_qCO:qx2000..qx2005 (+ legacy) */
extern const dora_list dora_list_arrangement;    /* eba_CO:x1..x3 */
extern const dora_list dora_list_termination;    /* eba_CO:x4..x9 */
extern const dora_list dora_list_yes_no;         /* eba_BT:x28, x29 */
extern const dora_list dora_list_criticality;    /* eba_BT:x28, x29, x21 (DORA_CRIT_*) */
extern const dora_list dora_list_sensitiveness;  /* eba_ZZ:x791..x793 */
extern const dora_list dora_list_reliance;       /* eba_ZZ:x794..x797 (index 0..3) */
extern const dora_list dora_list_impact;         /* eba_ZZ:x791..x793, x799 (DORA_IMPACT_*) */
extern const dora_list dora_list_substitutability; /* eba_ZZ:x959..x962 (DORA_SUBST_*) */
extern const dora_list dora_list_subst_reason;   /* eba_ZZ:x963..x965 */
extern const dora_list dora_list_reintegration;  /* eba_ZZ:x798, x966, x967, x0 */
extern const dora_list dora_list_nature;         /* eba_ZZ:x838, x839 (DORA_NATURE_*) */
extern const dora_list dora_list_person;         /* eba_CT:x212, x213 */
extern const dora_list dora_list_entity_type;    /* eba_CT:x12 ... (24) */
extern const dora_list dora_list_hierarchy;      /* eba_RP:x53 ... */

/* Member indices the mapping needs (order of the lists above). */
enum { DORA_CRIT_YES, DORA_CRIT_NO, DORA_CRIT_NOT_ASSESSED };
enum { DORA_IMPACT_LOW, DORA_IMPACT_MEDIUM, DORA_IMPACT_HIGH, DORA_IMPACT_NOT_ASSESSED };
enum { DORA_SUBST_NONE, DORA_SUBST_HARD, DORA_SUBST_MEDIUM, DORA_SUBST_EASY };
enum { DORA_NATURE_BRANCH, DORA_NATURE_NOT_BRANCH };
#define DORA_SERVICE_TYPES 19

/* The member index of `v` in `list` (>= 0; pattern lists answer 0), or -1:
 * then `hint` holds the closest valid spelling, or "" if none is close. */
int dora_list_find(const dora_list *list, const char *v, char *hint, size_t hint_size);
/* What the list is called in messages ("ICT service type"), and how a
 * message states its members ("eba_TA:S01 to eba_TA:S19", or "a, b or c"
 * written into `buf`). */
const char *dora_list_what(const dora_list *list);
const char *dora_list_expected(const dora_list *list, char *buf, size_t size);

/* "eba_TA:S19" -> 18, or -1. */
int dora_service_index(const char *v);
const char *dora_service_code(int index);      /* "S19" */
const char *dora_service_label(int index);     /* "Cloud services: SaaS" */
crisk_category dora_service_category(int index);

/* yyyy-mm-dd, a real calendar date.  Returns 1 or 0. */
int dora_is_date(const char *s);
/* Plain digits, at most 18.  Returns 0, or -1. */
int dora_parse_natural(const char *s, uint64_t *out);
/* A decimal amount: digits with an optional fraction, optional leading '-'.
 * Returns 0, or -1. */
int dora_parse_amount(const char *s, double *out);

/* ---- tuple maps (dora_tables.c) ------------------------------------------- */

/* An open-addressing map from a tuple of `width` pointers (interned strings,
 * or small integers cast with DORA_INT) to a uint32_t. */
typedef struct dora_map {
    size_t width;
    const void **keys;      /* cap * width; keys[i*width] == NULL marks an empty slot */
    uint32_t *values;
    size_t cap, count;
} dora_map;

#define DORA_INT(n) ((const void *)(uintptr_t)((n) + 1))

/* A 64-bit finaliser (murmur3's): spreads pointer bits over the hash. */
uint64_t dora_mix(uint64_t h);

void dora_map_init(dora_map *m, size_t width);
void dora_map_release(dora_map *m);
/* Insert key -> value unless the key is there.  Returns the value already
 * stored, DORA_NONE if the key was inserted, or DORA_ENOMEM. */
#define DORA_ENOMEM (UINT32_MAX - 1)
uint32_t dora_map_put(dora_map *m, const void *const *key, uint32_t value);
uint32_t dora_map_get(const dora_map *m, const void *const *key);

/* ---- tables (dora_tables.c) ----------------------------------------------- */

typedef enum dora_type {
    DT_TEXT,      /* free text */
    DT_KEY,       /* identifier or reference: "Not Applicable" means empty */
    DT_DATE,      /* yyyy-mm-dd */
    DT_NATURAL,   /* 0, 1, 2, ... */
    DT_AMOUNT,    /* a decimal number >= 0 */
    DT_LIST,      /* a member of `list` */
    DT_FLAG       /* true / false (FilingIndicators.csv) */
} dora_type;

#define DC_NEEDED   1u   /* the column must be in the header */
#define DC_NONEMPTY 2u   /* the cell must not be empty */

typedef struct dora_column {
    const char *code;            /* header name, e.g. "c0010" */
    const char *label;           /* "arrangement reference", for messages */
    dora_type type;
    const dora_list *list;       /* DT_LIST only */
    unsigned flags;
} dora_column;

typedef struct dora_table_spec {
    const char *template_id;     /* "B_02.02"; NULL for parameters/FilingIndicators */
    const char *file;            /* "b_02.02.csv" */
    const char *title;
    int needed;                  /* the package must have it (error) */
    int graph;                   /* 1: the graph uses it, problems are errors;
                                  * 0: validated only, missing columns and empty
                                  * keys are warnings */
    const dora_column *columns;
    size_t count;
} dora_table_spec;

typedef enum dora_tab {
    TAB_PARAMETERS, TAB_FILING, TAB_B0102, TAB_B0103, TAB_B0201, TAB_B0202, TAB_B0203,
    TAB_B0303, TAB_B0401, TAB_B0501, TAB_B0502, TAB_B0601, TAB_B0701, TAB_COUNT
} dora_tab;

/* Schema columns, in the order of each table's column array. */
enum { PA_NAME, PA_VALUE };
enum { FI_TEMPLATE, FI_REPORTED };
enum { EN_LEI, EN_NAME, EN_COUNTRY, EN_TYPE, EN_HIERARCHY, EN_PARENT, EN_UPDATED,
       EN_INTEGRATED, EN_DELETED, EN_CURRENCY, EN_ASSETS };                 /* B_01.02 */
enum { BR_CODE, BR_HEAD_OFFICE, BR_NAME, BR_COUNTRY };                      /* B_01.03 */
enum { AR_REF, AR_TYPE, AR_OVERARCHING, AR_CURRENCY, AR_EXPENSE };          /* B_02.01 */
enum { SV_ARR, SV_ENTITY, SV_PROVIDER, SV_CODE_TYPE, SV_FUNCTION, SV_TYPE, SV_START,
       SV_END, SV_TERMINATION, SV_NOTICE_ENTITY, SV_NOTICE_PROVIDER, SV_LAW,
       SV_PROVISION, SV_STORAGE, SV_LOCATION, SV_PROCESSING, SV_SENSITIVENESS,
       SV_RELIANCE };                                                       /* B_02.02 */
enum { IG_ARR, IG_LINKED, IG_LINK };                                        /* B_02.03 */
enum { GP_ARR, GP_ENTITY, GP_LINK };                                        /* B_03.03 */
enum { US_ARR, US_ENTITY, US_NATURE, US_BRANCH };                           /* B_04.01 */
enum { PV_CODE, PV_CODE_TYPE, PV_CODE2, PV_CODE2_TYPE, PV_LEGAL_NAME, PV_LATIN_NAME,
       PV_PERSON, PV_COUNTRY, PV_CURRENCY, PV_EXPENSE, PV_PARENT, PV_PARENT_TYPE }; /* B_05.01 */
enum { CH_ARR, CH_TYPE, CH_PROVIDER, CH_CODE_TYPE, CH_RANK, CH_RECIPIENT,
       CH_RECIPIENT_TYPE };                                                 /* B_05.02 */
enum { FN_ID, FN_ACTIVITY, FN_NAME, FN_LEI, FN_CRITICALITY, FN_REASONS, FN_ASSESSED,
       FN_RTO, FN_RPO, FN_IMPACT };                                         /* B_06.01 */
enum { AS_ARR, AS_PROVIDER, AS_CODE_TYPE, AS_TYPE, AS_SUBST, AS_REASON, AS_AUDIT,
       AS_EXIT, AS_REINTEGRATION, AS_IMPACT, AS_ALTERNATIVES, AS_ALTERNATIVE_NAMES }; /* B_07.01 */

#define DORA_MAX_SCHEMA 24

extern const dora_table_spec dora_tables[TAB_COUNT];

/* Templates of the package that are not read, only looked for (filing
 * indicators): B_01.01, B_03.01, B_03.02, B_99.01. */
typedef struct dora_template {
    const char *id;              /* "B_01.01" */
    const char *file;            /* "b_01.01.csv" */
    int tab;                     /* dora_tab, or -1 when not read */
} dora_template;
extern const dora_template dora_templates[];
extern const size_t dora_template_count;

typedef struct dora_table {
    const dora_table_spec *spec;
    int present;                 /* the file is in the package */
    int usable;                  /* read, with every needed column */
    char display[96];            /* "reports/b_02.02.csv": how messages name it */
    size_t pos[DORA_MAX_SCHEMA]; /* 1-based CSV column of each schema column; 0 = absent */
    size_t rows;                 /* rows stored */
    size_t file_rows;            /* data rows in the file (with or without problems) */
    size_t width;                /* schema columns present in the file */
    size_t slot[DORA_MAX_SCHEMA];/* each schema column's place in a stored row;
                                  * SIZE_MAX = absent (its cells read as "") */
    const char *empty;           /* the interned "" */
    const char **cell;           /* rows x width, interned; "" = empty */
    size_t *line;                /* per row: its line in the file */
    uint32_t *bad;               /* per row: bit c = cell c was reported unusable */
    size_t cap;
} dora_table;

static inline const char *dora_cell(const dora_table *t, size_t row, size_t col)
{
    return t->slot[col] == SIZE_MAX ? t->empty : t->cell[row * t->width + t->slot[col]];
}

static inline int dora_cell_ok(const dora_table *t, size_t row, size_t col)
{
    return (t->bad[row] >> col & 1u) == 0;
}

/* ---- the package (dora_package.c) ------------------------------------------ */

typedef struct dora_package {
    const char *path;            /* as the user gave it */
    struct zip *zip;             /* NULL for a folder */
    char *dir;                   /* folder holding reports/ (folder mode) */
    char *prefix;                /* zip: member name before "reports/" */
    char **names;                /* regular files directly in reports/, sorted */
    uint64_t *index;             /* zip entry of each name */
    size_t count;
    char sha256[65];             /* of the .zip file; "" for a folder */
    uint64_t bytes;
    crisk__zip_budget limits;    /* zip bomb limits (zip_limits.h: tests lower them) */
} dora_package;

/* Zip bomb limits: those of every zip archive read (../zip_limits.h). */

/* Open `path` (a .zip, an unpacked package folder, or a folder holding one)
 * and list reports/.  A path that is not a package is reported to `diags`
 * (file = path) and CRISK_EINVALID returned; resource errors fill `err`. */
int  dora_package_open(dora_package *p, const char *path, crisk_diagnostics *diags,
                       crisk_error *err);
void dora_package_close(dora_package *p);
/* The name of `file` in reports/ (ASCII case-insensitive match), or NULL. */
const char *dora_package_find(const dora_package *p, const char *file);
/* The path shown for the package itself in provenance: the .zip, or the
 * folder holding reports/. */
const char *dora_package_label(const dora_package *p);

/* Read reports/`name` through the CSV reader.  Every problem of the file is
 * reported under `display`; `*reader_errors` counts the reader's own (CSV
 * syntax, encoding, limits: structural).  Returns CRISK_OK, or a resource
 * error (err filled). */
int dora_package_read_csv(dora_package *p, const char *name, const char *display,
                          crisk__csv_record_fn fn, void *ctx, crisk_diagnostics *diags,
                          crisk__csv_info *info, size_t *reader_errors, crisk_error *err);

/* ---- the import (shared by the stages) --------------------------------------- */

/* Criticality of a function = base[c0050] + bonus[c0100] (mapping §3). */
typedef struct dora_weights {
    double base[3];              /* by DORA_CRIT_* */
    double bonus[4];             /* by DORA_IMPACT_* */
} dora_weights;

/* A list of ids for a note: the first few kept, the rest counted. */
#define DORA_NOTE_IDS 10
typedef struct dora_idlist {
    const char *ids[DORA_NOTE_IDS];
    size_t count;
} dora_idlist;

/* Chain status (per B_05.02 row, by its (arrangement, type)). */
enum { CHAIN_MAPPED = 1, CHAIN_ORPHAN, CHAIN_IGNORED };

/* Row flags. */
#define ROW_SKIP  1u    /* duplicate or unresolved: not mapped */
#define ROW_LIVE  2u    /* B_02.02: not ended */
#define ROW_INTRA 4u    /* B_02.02: intra-group arrangement */
#define ROW_EDGE  8u    /* B_05.02: a subcontracting link; B_02.03: a mapped link;
                         * B_07.01: matches a live service */

typedef struct dora_import {
    crisk_builder *b;
    crisk_diagnostics *diags;
    crisk_error *err;
    int service_nodes, chains_service;
    dora_weights weights;
    char weights_text[256];      /* the rule, for the provenance note */

    crisk__pool pool;            /* every cell, interned */
    dora_package pkg;
    dora_table tab[TAB_COUNT];
    size_t source[TAB_COUNT];    /* builder source of each table read */
    int structural;              /* a structural error: no reference checks */
    size_t errors_at_start;      /* diags->errors before this package */
    const char *ref_period;      /* "" if not given */
    const char *empty;           /* the interned "" */

    /* keys */
    dora_map arrangements;       /* (c0010) -> B_02.01 row */
    dora_map providers;          /* (c0010) -> B_05.01 row */
    dora_map functions;          /* (c0010, c0040) -> B_06.01 row */
    dora_map entities;           /* B_01.02 c0010 */
    dora_map branches;           /* B_01.03 c0010 */
    dora_map intra_group;        /* arrangements named in B_03.03 / B_02.03 c0010 */
    int several_entities;        /* B_06.01 has more than one LEI: ids are LEI/Fn */

    /* B_02.02: per row */
    uint8_t *sv_flags;
    uint32_t *sv_arr, *sv_provider, *sv_function;
    int8_t *sv_type;
    dora_map services;           /* (arr, type) -> first row */
    dora_map live_services;      /* (arr, type) -> first live row */
    dora_map provider_services;  /* (arr, provider, type) -> first row */
    dora_map live_provider_services; /* (arr, provider, type) -> first live row */
    /* per B_02.01 row */
    uint32_t *arr_rows, *arr_live;
    uint32_t *arr_first;         /* first live B_02.02 row of the arrangement, chained */
    uint32_t *sv_next;           /* next live B_02.02 row of the same arrangement */

    /* B_05.02, B_07.01, B_02.03: per row */
    uint8_t *ch_flags, *ch_status;
    uint32_t *ch_provider, *ch_recipient;
    uint64_t *ch_rank;
    uint8_t *as_flags;
    uint8_t *ig_flags;

    /* "did you mean" candidates: the distinct keys (column 0) of a table,
     * gathered on the first unknown reference to it */
    const char **candidates[TAB_COUNT];
    size_t candidate_count[TAB_COUNT];

    /* notes */
    dora_idlist ended, no_service, unused;
    size_t ended_rows;
} dora_import;

/* Report a problem at row `row`, schema column `col` (SIZE_MAX = whole row)
 * of table `t`.  Returns CRISK_OK or CRISK_ENOMEM. */
int dora_report_cell(dora_import *x, dora_tab t, size_t row, size_t col, crisk_severity sev,
                     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Report at a file of the package (line/column 0 = whole file). */
int dora_report(dora_import *x, const char *file, size_t line, size_t col,
                crisk_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void dora_idlist_add(dora_idlist *l, const char *id);

/* Stages. */
int dora_tables_read(dora_import *x);          /* dora_tables.c */
int dora_check(dora_import *x);                /* dora_check.c */
int dora_map_records(dora_import *x);          /* dora_map.c */
void dora_import_release(dora_import *x);      /* dora_check.c */

#endif
