/*
 * chainrisk/inventory.h - the validated supply-chain model and how to build it.
 *
 * An inventory is a set of nodes (business functions, suppliers, services,
 * components) and dependency edges "from depends on to", grouped per dependant
 * into redundancy groups (k-of-n).  It is immutable once built.
 *
 * Ownership: crisk_inventory_load() and crisk_builder_finish() return an
 * inventory owned by the caller (free with crisk_inventory_free()).  Every
 * `const char *` a getter returns is borrowed and valid until the inventory
 * is freed.  Strings passed in are always copied.
 *
 * Node indices are dense, 0 .. node_count-1, in input order (first input
 * first, then row order); group indices likewise.
 */
#ifndef CHAINRISK_INVENTORY_H
#define CHAINRISK_INVENTORY_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum crisk_node_type {
    CRISK_NODE_FUNCTION,
    CRISK_NODE_SUPPLIER,
    CRISK_NODE_SERVICE,
    CRISK_NODE_COMPONENT,
    CRISK_NODE_TYPE_COUNT
} crisk_node_type;

typedef enum crisk_category {
    CRISK_CAT_CLOUD,
    CRISK_CAT_MANAGED_SERVICE,
    CRISK_CAT_SOFTWARE,
    CRISK_CAT_HARDWARE,
    CRISK_CAT_TELECOM,
    CRISK_CAT_OTHER,
    CRISK_CAT_COUNT
} crisk_category;

typedef enum crisk_substitutability {
    CRISK_SUBST_UNSET,
    CRISK_SUBST_EASY,
    CRISK_SUBST_MEDIUM,
    CRISK_SUBST_HARD,
    CRISK_SUBST_NONE,
    CRISK_SUBST_COUNT
} crisk_substitutability;

/* Canonical spellings ("function", "managed-service", "hard", ...); "" for
 * CRISK_SUBST_UNSET. */
const char *crisk_node_type_name(crisk_node_type t);
const char *crisk_category_name(crisk_category c);
const char *crisk_substitutability_name(crisk_substitutability s);

/* Parse a spelling, case-insensitively.  Returns CRISK_OK or CRISK_ENOTFOUND;
 * on failure `*hint` (if not NULL) is set to the closest spelling or NULL. */
int crisk_node_type_parse(const char *s, crisk_node_type *out, const char **hint);
int crisk_category_parse(const char *s, crisk_category *out, const char **hint);
int crisk_substitutability_parse(const char *s, crisk_substitutability *out, const char **hint);

/* The node columns of DESIGN §3 but the id, in column order, then the
 * pass-through attributes: what a diff says changed, what a completeness
 * rule asks for. */
typedef enum crisk_node_field {
    CRISK_FIELD_NONE,               /* an added or removed node */
    CRISK_FIELD_NAME,
    CRISK_FIELD_TYPE,
    CRISK_FIELD_CATEGORY,
    CRISK_FIELD_CRITICALITY,
    CRISK_FIELD_RTO_HOURS,
    CRISK_FIELD_RECOVERY_HOURS,
    CRISK_FIELD_SPEND,
    CRISK_FIELD_COUNTRY,
    CRISK_FIELD_PARENT,
    CRISK_FIELD_SUBSTITUTABILITY,
    CRISK_FIELD_PROBABILITY,
    CRISK_FIELD_ATTRIBUTE           /* a pass-through attribute: see `attribute` */
} crisk_node_field;

/* The native column name ("rto_hours"); "" for CRISK_FIELD_NONE and
 * CRISK_FIELD_ATTRIBUTE. */
const char *crisk_node_field_name(crisk_node_field f);

/* ---- limits (documented in data/README.md) ------------------------------ */

#define CRISK_MAX_FIELD_BYTES   65536u          /* one CSV cell */
#define CRISK_MAX_COLUMNS       1024u           /* columns in one CSV header */
#define CRISK_MAX_FILE_BYTES    (4ull << 30)    /* one input file: 4 GiB */
#define CRISK_MAX_NODES         100000000u      /* 1e8 */
#define CRISK_MAX_EDGES         1000000000u     /* 1e9 */
#define CRISK_MAX_NEED          1000000u
/* The largest criticality and spend a node may have: every sum over up to
 * CRISK_MAX_NODES nodes then stays finite (total criticality <= 1e14, so
 * whole criticalities add up exactly; spend totals <= 1e23), and so do the
 * squares the simulation adds.  data/README.md gives the reasons. */
#define CRISK_MAX_CRITICALITY   1e6
#define CRISK_MAX_SPEND         1e15
/* The largest loss_per_hour, for the same reason: the simulation's loss per
 * run is a sum of loss_per_hour x hours down over the functions. */
#define CRISK_MAX_LOSS_PER_HOUR 1e15

/* ---- reading an inventory ------------------------------------------------ */

typedef struct crisk_inventory crisk_inventory;

/* A borrowed view of one node.  Numbers that were not given are NaN
 * (criticality defaults to 1 and is never NaN: `criticality_given` says
 * whether the input gave it). */
typedef struct crisk_node_view {
    const char *id;
    const char *name;            /* defaults to id */
    crisk_node_type type;
    crisk_category category;
    double criticality;          /* weight >= 0 */
    double rto_hours;            /* hours; NaN = not given */
    double recovery_hours;       /* hours; NaN = not given */
    double spend;                /* currency units per year; NaN = not given */
    double probability;          /* 0..1; NaN = not given */
    double loss_per_hour;        /* a function's loss per hour down, currency units;
                                  * NaN = not given */
    const char *country;         /* "" = not given */
    const char *parent;          /* "" = not given */
    crisk_substitutability substitutability;
    int criticality_given;       /* the input gave a criticality (not the default 1) */
} crisk_node_view;

void   crisk_inventory_free(crisk_inventory *inv);
size_t crisk_inventory_node_count(const crisk_inventory *inv);
size_t crisk_inventory_edge_count(const crisk_inventory *inv);
size_t crisk_inventory_group_count(const crisk_inventory *inv);
void   crisk_inventory_node(const crisk_inventory *inv, size_t node, crisk_node_view *out);
const char *crisk_inventory_node_id(const crisk_inventory *inv, size_t node);
const char *crisk_inventory_node_name(const crisk_inventory *inv, size_t node);
crisk_node_type crisk_inventory_node_type(const crisk_inventory *inv, size_t node);

/* Find a node by exact id.  O(1) expected.  Returns CRISK_OK or CRISK_ENOTFOUND. */
int crisk_inventory_find(const crisk_inventory *inv, const char *id, size_t *out);

/* The id closest to `id` (case-insensitive match first, then edit distance
 * <= max(2, len/4); docs/robustness.md), or NULL.  The first call indexes
 * the ids, O(total id bytes); each call then costs O(V) with a bounded
 * search (a few milliseconds at a million nodes).  For error messages. */
const char *crisk_inventory_suggest(const crisk_inventory *inv, const char *id);

/* Find a node by exact id like crisk_inventory_find(); when there is none,
 * CRISK_ENOTFOUND with the message "unknown node 'ID' (did you mean
 * 'HINT'?)" in `err`, the ids quoted so that no input can drive a
 * terminal (control and bidi characters escaped, docs/robustness.md). */
int crisk_inventory_resolve(const crisk_inventory *inv, const char *id, size_t *out,
                            crisk_error *err);

/* Pass-through attributes: the unknown columns of the node files, in order of
 * first appearance.  The value is "" when a node has none. */
size_t      crisk_inventory_attr_count(const crisk_inventory *inv);
const char *crisk_inventory_attr_name(const crisk_inventory *inv, size_t attr);
const char *crisk_inventory_node_attr(const crisk_inventory *inv, size_t node, size_t attr);

/* Redundancy groups.  Every dependant's edges are split into groups: an edge
 * without `group` is a group of its own with need 1.  Groups of a node are
 * contiguous: [group_begin(node), group_begin(node+1)). */
size_t crisk_inventory_group_begin(const crisk_inventory *inv, size_t node);
size_t crisk_inventory_group_owner(const crisk_inventory *inv, size_t group);
const char *crisk_inventory_group_name(const crisk_inventory *inv, size_t group); /* "" if none */
size_t crisk_inventory_group_need(const crisk_inventory *inv, size_t group);
size_t crisk_inventory_group_size(const crisk_inventory *inv, size_t group);
/* Member `i` of `group` (a node index); its edge's `kind` ("" if none). */
size_t crisk_inventory_group_member(const crisk_inventory *inv, size_t group, size_t i);
const char *crisk_inventory_group_member_kind(const crisk_inventory *inv, size_t group, size_t i);

/* Distinct direct dependants of `node` (nodes with an edge to it), ascending. */
size_t crisk_inventory_dependant_count(const crisk_inventory *inv, size_t node);
size_t crisk_inventory_dependant(const crisk_inventory *inv, size_t node, size_t i);

/* Provenance: one entry per file read. */
typedef struct crisk_source_view {
    const char *path;       /* as given by the user */
    const char *kind;       /* "nodes", "edges", "dora", "cyclonedx", "mapping", ... */
    const char *sha256;     /* 64 lowercase hex digits */
    uint64_t bytes;
    size_t rows;            /* data rows (or records) read */
} crisk_source_view;
size_t crisk_inventory_source_count(const crisk_inventory *inv);
void   crisk_inventory_source(const crisk_inventory *inv, size_t i, crisk_source_view *out);
/* Free-form notes importers record for provenance ("dora mapping: provider
 * level, chains=provider"), in order. */
size_t crisk_inventory_note_count(const crisk_inventory *inv);
const char *crisk_inventory_note(const crisk_inventory *inv, size_t i);

/* ---- loading ---------------------------------------------------------------- */

/* Called now and then during long work (a few times per second at most is
 * the caller's business): `done` of `total` units of `stage`. */
typedef void (*crisk_progress_fn)(void *ctx, const char *stage, uint64_t done, uint64_t total);

/* One input.  Exactly one of:
 *   path       a directory holding nodes.csv + edges.csv, a DORA report package
 *              (.zip, unpacked folder, or folder holding one reports/), or a
 *              CycloneDX JSON SBOM - detected by content;
 *   nodes/edges the two native CSV files (edges may be NULL). */
typedef struct crisk_input {
    const char *path;
    const char *nodes;
    const char *edges;
} crisk_input;

typedef struct crisk_load_options {
    const char *map_path;          /* --map MAPPING.json for spreadsheet columns; NULL = native */
    int dora_service_nodes;        /* --service-nodes */
    int dora_chains_service;       /* --chains service (default provider) */
    const char *dora_criticality;  /* --criticality override for DORA, or NULL */
    double cdx_criticality;        /* --criticality N for CycloneDX roots; default 1 */
    int cdx_drop_optional;         /* --drop-optional */
    size_t diag_limit;             /* per severity; 0 = CRISK_DIAGNOSTICS_LIMIT */
    crisk_progress_fn progress;    /* may be NULL: reports bytes read per file */
    void *progress_ctx;
    /* CSV as spreadsheets save it (data/README.md), for native and mapped
     * files; an unknown value fails the load with CRISK_EUSAGE: */
    const char *csv_delimiter;     /* --delimiter: ",", ";" or "tab"; NULL = detect from
                                    * the header row */
    const char *csv_thousands;     /* --thousands: ".", ",", " " or "'" separates thousands
                                    * in numbers; NULL = none.  ';'- and tab-separated files
                                    * have decimal commas */
    const char *csv_encoding;      /* --encoding: "windows-1252", "latin1", "utf-16" or
                                    * "utf-8"; NULL = UTF-8 (UTF-16 with a byte order mark
                                    * is detected) */
    /* Excel workbooks (a nodes file, edges file or input ending in .xlsx): */
    const char *xlsx_sheet;        /* --sheet: the nodes sheet; NULL = the first */
    const char *xlsx_edges_sheet;  /* --edges-sheet: the edges sheet (of the edges
                                    * workbook, else of the nodes one); NULL = none
                                    * unless an edges file is given (its first sheet) */
} crisk_load_options;

#define CRISK_LOAD_OPTIONS_INIT { NULL, 0, 0, NULL, 1.0, 0, 0, NULL, NULL, NULL, NULL, NULL, \
                                  NULL, NULL }

/* Load, validate and merge `n` inputs into one inventory.
 * Every problem found goes to `diags` (errors and warnings, sorted); on any
 * error nothing is returned (`*out` stays NULL), `err` holds the first error
 * and the result is CRISK_EINVALID (or CRISK_ELIMIT, CRISK_EIO, CRISK_ENOMEM).
 * Warnings alone do not fail the load.
 * Time O(bytes + V + E log d) where d is the largest out-degree. */
int crisk_inventory_load(crisk_inventory **out, const crisk_input *inputs, size_t n,
                         const crisk_load_options *opts, crisk_diagnostics *diags,
                         crisk_error *err);

/* ---- building an inventory from records (used by every importer) --------- */

typedef struct crisk_builder crisk_builder;

/* A node as an importer read it.  Strings are copied; NULL or "" = not given.
 * `line`/`id_column` locate the row and its id cell for error messages. */
typedef struct crisk_node_record {
    const char *id;
    const char *name;
    crisk_node_type type;
    crisk_category category;
    double criticality;          /* NaN = not given (the model stores 1) */
    double rto_hours, recovery_hours, spend, probability;   /* NaN = not given */
    double loss_per_hour;        /* NaN = not given */
    const char *country, *parent;
    crisk_substitutability substitutability;
    size_t attr_count;           /* pass-through attributes */
    const char *const *attr_names;
    const char *const *attr_values;
    size_t line, id_column;
} crisk_node_record;

void crisk_node_record_init(crisk_node_record *rec);

typedef struct crisk_edge_record {
    const char *from, *to;
    const char *group;           /* NULL/"" = a group of its own */
    const char *kind;            /* NULL/"" = none */
    size_t need;                 /* 0 = not given (1) */
    size_t line;
    size_t from_column, to_column, group_column, need_column;
} crisk_edge_record;

void crisk_edge_record_init(crisk_edge_record *rec);

int  crisk_builder_new(crisk_builder **out, crisk_error *err);
void crisk_builder_free(crisk_builder *b);

/* Start a new input (all files of one user-given input share an input
 * number: the same id in two inputs is merged when the rows agree). */
void crisk_builder_begin_input(crisk_builder *b);

/* Register a file for positions and provenance; returns its index in *out.
 * `sha256` may be NULL (computed later by crisk_builder_hash_file). */
int crisk_builder_add_source(crisk_builder *b, size_t *out, const char *path,
                             const char *kind, const char *sha256, uint64_t bytes,
                             crisk_error *err);
void crisk_builder_set_source_rows(crisk_builder *b, size_t source, size_t rows);
/* Set a source's SHA-256 (64 hex digits) and size once it has been read:
 * importers hash while they parse, in one pass. */
void crisk_builder_set_source_digest(crisk_builder *b, size_t source, const char *sha256,
                                     uint64_t bytes);
/* Where importers report progress (bytes read); NULL = nowhere. */
void crisk_builder_set_progress(crisk_builder *b, crisk_progress_fn fn, void *ctx);
crisk_progress_fn crisk_builder_progress(const crisk_builder *b, void **ctx);
int  crisk_builder_add_note(crisk_builder *b, const char *note, crisk_error *err);

/* Add a node / an edge read from `source`.  Problems that concern one record
 * alone (duplicate id in the same input, conflicting definition across inputs)
 * are appended to `diags`; only resource errors return non-zero. */
int crisk_builder_add_node(crisk_builder *b, size_t source, const crisk_node_record *rec,
                           crisk_diagnostics *diags, crisk_error *err);
int crisk_builder_add_edge(crisk_builder *b, size_t source, const crisk_edge_record *rec,
                           crisk_diagnostics *diags, crisk_error *err);

/* Run the cross-record checks (endpoints exist, no self-dependency, no
 * duplicate edge, need consistent and <= group size), add the warnings, and
 * build the model.  Returns CRISK_EINVALID if `diags` holds any error (from
 * this call or earlier ones).  The builder is consumed either way: free it
 * after. */
int crisk_builder_finish(crisk_builder *b, crisk_inventory **out,
                         crisk_diagnostics *diags, crisk_error *err);

/* Compute the SHA-256 of a file as 64 hex digits (+ NUL). */
int crisk_sha256_file(char out[65], const char *path, crisk_error *err);
void crisk_sha256_hex(char out[65], const void *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
