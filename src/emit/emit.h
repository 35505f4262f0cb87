/*
 * emit.h - what the command emitters share (private): a row described once as
 * a list of typed fields and written as CSV, JSON or a terminal table, and a
 * text table that sizes its columns to the rows it holds.
 *
 * Describing a row once keeps the three formats of a command in step: the
 * CSV header, the CSV cells and the JSON keys come from the same field list,
 * in the same order, with the same "not applicable" values (an empty cell in
 * CSV, null in JSON, "-" in a table).
 */
#ifndef CRISK_EMIT_H
#define CRISK_EMIT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "chainrisk/chainrisk.h"
#include "util/util.h"

/* ---- typed fields ---------------------------------------------------------- */

typedef enum crisk__field_kind {
    CRISK__F_TEXT,     /* text; NULL = not applicable */
    CRISK__F_NUMBER,   /* number; NaN = not applicable */
    CRISK__F_BOOL,     /* number 0/1; NaN = not applicable */
    CRISK__F_IDS       /* ids of nodes[0..n): ';'-joined in CSV, an array in JSON */
} crisk__field_kind;

typedef struct crisk__field {
    const char *key;
    crisk__field_kind kind;
    const char *text;
    double number;
    const crisk_inventory *inv;   /* CRISK__F_IDS */
    const uint32_t *nodes;
    size_t n;
    struct crisk__id_cells *cells; /* CRISK__F_IDS: the ids measured once, or NULL */
} crisk__field;

/* Every node's id measured once (its length, whether it holds a character
 * that makes a CSV cell quoted, whether it starts a formula), for outputs
 * that write ids by the hundred million: `spof`'s rows and `shared`'s
 * tier-1 lists.  Writing an id is then a copy, not a strlen, a strpbrk and
 * an fputs; the bytes are the same as crisk_csv_text's. */
typedef struct crisk__id_cells {
    const crisk_inventory *inv;
    uint32_t *len;        /* per node: bytes of its id */
    uint8_t *flags;       /* per node: CRISK__ID_QUOTED | CRISK__ID_FORMULA */
    char *buf;            /* scratch: a joined cell, a function's rows */
    size_t cap;
} crisk__id_cells;
enum { CRISK__ID_QUOTED = 1, CRISK__ID_FORMULA = 2 };

/* Returns CRISK_OK or CRISK_ENOMEM (c then released).  O(total id bytes). */
int  crisk__id_cells_init(crisk__id_cells *c, const crisk_inventory *inv);
void crisk__id_cells_release(crisk__id_cells *c);
/* c->buf with room for `size` bytes; NULL when out of memory. */
char *crisk__id_cells_reserve(crisk__id_cells *c, size_t size);
/* The rows "first,node" for each of nodes[0..n), as crisk__csv_row writes
 * two text fields of ids (a workbook gets them through it).  Returns
 * CRISK_OK or CRISK_ENOMEM. */
int  crisk__csv_id_pairs(FILE *f, crisk__id_cells *c, size_t first, const uint32_t *nodes,
                         size_t n);
/* The rows "first,a[,b]TAIL" for n rows of `width` (1 or 2) nodes each,
 * nodes[width * i ..], as crisk__csv_row writes those text fields followed
 * by the bytes of `tail` (",false", ",,true": cells that need no quoting).
 * Not for a workbook.  Returns CRISK_OK or CRISK_ENOMEM. */
int  crisk__csv_id_rows(FILE *f, crisk__id_cells *c, size_t first, const uint32_t *nodes,
                        size_t n, int width, const char *tail);

/* Inline: a row of fields is built per output row, and a call returning a
 * 64-byte record is a copy of it (rank's 14 fields were a tenth of its rows'
 * time). */
static inline crisk__field crisk__f_text(const char *key, const char *text)
{
    return (crisk__field){ .key = key, .kind = CRISK__F_TEXT, .text = text };
}

static inline crisk__field crisk__f_number(const char *key, double x)
{
    return (crisk__field){ .key = key, .kind = CRISK__F_NUMBER, .number = x };
}

static inline crisk__field crisk__f_count(const char *key, size_t x)
{
    return crisk__f_number(key, (double)x);
}

static inline crisk__field crisk__f_bool(const char *key, double b)
{
    return (crisk__field){ .key = key, .kind = CRISK__F_BOOL, .number = b };
}

static inline crisk__field crisk__f_ids(const char *key, const crisk_inventory *inv,
                                        const uint32_t *nodes, size_t n)
{
    return (crisk__field){ .key = key, .kind = CRISK__F_IDS, .inv = inv, .nodes = nodes, .n = n };
}

/* Whether crisk_csv_text neutralises s as a formula (it starts with = + -
 * @, a tab or a carriage return), and whether it writes s as it is: no
 * quoting, no formula neutralised (*len: its bytes).  For writers that lay
 * out rows in a buffer of their own (output.c). */
int crisk__csv_formula(const char *s);
int crisk__csv_plain(const char *s, size_t *len);

/* A CSV cell quoted per RFC 4180 but not neutralised (crisk_csv_text is):
 * for cells that must read back unchanged, such as ids. */
void crisk__csv_raw(FILE *f, const char *s);
/* The CSV header row: the keys, comma-separated. */
void crisk__csv_header(FILE *f, const crisk__field *row, size_t n);
/* One CSV row.  Returns CRISK_OK or CRISK_ENOMEM. */
int  crisk__csv_row(FILE *f, const crisk__field *row, size_t n);
/* One JSON object {"key": value, ...} in field order. */
void crisk__json_object(FILE *f, const crisk__field *row, size_t n);
/* The members alone, "key": value, ... (to add more before the brace). */
void crisk__json_fields(FILE *f, const crisk__field *row, size_t n);
/* A JSON array of the ids of nodes[0..n). */
void crisk__json_ids(FILE *f, const crisk_inventory *inv, const uint32_t *nodes, size_t n);

/* CSV rows gathered in a buffer and written a block at a time: the same
 * bytes as crisk__csv_row, but each cell is copied into the block instead
 * of going through several stdio calls (strlen, fputs, putc), and a
 * number that is not whole is formatted once for as long as its column
 * repeats it (a ranked table's impact_share follows impact_weight, so
 * runs of equal values are the rule).  For the tables written a row per
 * node.  A workbook gets its rows through crisk__csv_row. */
enum { CRISK__CSV_ROWS_MEMO = 16 };   /* columns whose last number is kept */
typedef struct crisk__csv_rows {
    FILE *f;
    char *buf;
    size_t used, cap;
    uint64_t memo_bits[CRISK__CSV_ROWS_MEMO];    /* the last non-whole number of a column */
    uint8_t memo_len[CRISK__CSV_ROWS_MEMO];      /* its text's length; 0 = none yet */
    char memo_text[CRISK__CSV_ROWS_MEMO][CRISK__NUMBER_MAX];
} crisk__csv_rows;

void crisk__csv_rows_init(crisk__csv_rows *w, FILE *f);
/* Append one row (as crisk__csv_row).  Returns CRISK_OK or CRISK_ENOMEM. */
int  crisk__csv_rows_add(crisk__csv_rows *w, const crisk__field *row, size_t n);
/* Write what is gathered and free the block. */
void crisk__csv_rows_finish(crisk__csv_rows *w);

/* Rows 0 .. count-1, row i's fields made by fn(ctx, i, row) (n_fields of
 * them, no CRISK__F_IDS), formatted by up to `threads` threads a chunk of
 * rows at a time and written in order: the same bytes as
 * crisk__csv_rows_add row after row, which is what a workbook, one thread
 * or a few rows get.  fn must only read shared data.  Returns CRISK_OK or
 * CRISK_ENOMEM. */
typedef void (*crisk__row_fn)(void *ctx, size_t i, crisk__field *row);
int crisk__csv_rows_parallel(FILE *f, size_t count, size_t n_fields, crisk__row_fn fn, void *ctx,
                             size_t threads);

/* One CSV row of a table whose columns are columns[0..n_columns): each cell
 * is the field of `row` with that key, empty when the row has none (tables
 * that hold several kinds of row, told apart by a `kind` column).  To a
 * workbook's rows stream, the same row with every column.  Returns
 * CRISK_OK or CRISK_ENOMEM. */
int crisk__csv_row_columns(FILE *f, const char *const *columns, size_t n_columns,
                           const crisk__field *row, size_t n);


/* crisk_json_begin for a result about two inventories (a diff): every input
 * tagged "side": "old" or "new", and the model of each. */
void crisk__json_begin_pair(FILE *f, const crisk_inventory *old_inv,
                            const crisk_inventory *new_inv, const crisk_provenance *prov);

/* ---- shared rows ----------------------------------------------------------- */

/* The rank table's columns (DESIGN §5), which `export` also starts each
 * node with: node `n`'s id, name, type and category, then its metrics `m`
 * (tier < 0 = no function reaches it: not applicable).  Fills
 * row[0..CRISK__RANK_FIELDS); the fields borrow n's strings. */
enum { CRISK__RANK_FIELDS = 14 };
void crisk__rank_fields(crisk__field *row, const crisk_node_view *n, const crisk_node_metrics *m);

/* ---- text tables ---------------------------------------------------------- */

/* Names longer than this many characters are cut with an ellipsis. */
#define CRISK__NAME_WIDTH 40

/* Cells are appended left to right and wrap to the next row after `cols`.
 * Every text is made safe for a terminal first (control characters, bidi
 * overrides and invalid UTF-8 become '?'), so no input can move the cursor
 * or recolour the screen.  Widths count code points (wide East Asian
 * characters count 1: an approximation). */
typedef struct crisk__table {
    size_t cols;
    const char *const *head;    /* column titles */
    const char *align;          /* per column: 'l' or 'r' */
    const char **cells;         /* rows * cols, in `pool` */
    size_t n_cells, cap;
    crisk__pool pool;
    int nomem;                  /* an append ran out of memory */
} crisk__table;

void crisk__table_init(crisk__table *t, size_t cols, const char *const *head, const char *align);
void crisk__table_release(crisk__table *t);
/* Append a cell: text cut at `max` code points (0 = no limit). */
void crisk__table_text(crisk__table *t, const char *s, size_t max);
void crisk__table_printf(crisk__table *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A number for reading (crisk__amount); NaN = "-". */
void crisk__table_amount(crisk__table *t, double x);
/* A share 0..1 as a percentage with one decimal; NaN = "-". */
void crisk__table_percent(crisk__table *t, double share);
/* The ids of nodes[0..n) joined with ", " ("-" for none), cut at `max`. */
void crisk__table_ids(crisk__table *t, const crisk_inventory *inv, const uint32_t *nodes, size_t n,
                      size_t max);
size_t crisk__table_rows(const crisk__table *t);
/* Print the header and the rows, each line prefixed by `indent`.  Returns
 * CRISK_OK, or CRISK_ENOMEM if an append failed. */
int crisk__table_print(FILE *f, const crisk__table *t, const char *indent);

/* ---- small helpers -------------------------------------------------------- */

/* `s` made safe for a terminal and cut at `max` code points (0 = no limit),
 * copied into `pool`; NULL when out of memory. */
const char *crisk__terminal_text(crisk__pool *pool, const char *s, size_t max);
/* Print `s` made safe for a terminal (see above).  Returns CRISK_OK or
 * CRISK_ENOMEM. */
int crisk__print_safe(FILE *f, const char *s, size_t max);
/* A number for reading into buf (32 bytes are enough): integers below 2^53
 * with all their digits, other numbers below 1e15 to 2 decimals (trailing
 * zeros dropped), larger ones in the shortest form that reads back exactly
 * ("1e+23"), never cut; NaN = "-". */
char *crisk__amount(char *buf, size_t size, double x);
/* A downtime for reading into buf: "8" (exact), "8+" (at least 8, no upper
 * bound), "up to 8" (some time, at most 8), "4 to 12", "unknown" (some
 * positive time, unbounded). */
char *crisk__duration_text(char *buf, size_t size, const crisk_duration *d);

/* Sort node indices by id, in place.  Returns CRISK_OK or CRISK_ENOMEM
 * (nodes untouched). */
int crisk__sort_by_id(const crisk_inventory *inv, uint32_t *nodes, size_t n);

/* The cause tree of a cascade (the form `impact` and `incident` print):
 * nodes 0..n-1 in propagation order, node i's cause members at positions
 * cause_pos[cause_start[i] .. cause_start[i+1]); node i hangs under the
 * cause member that failed last (the one that tipped its group), a node
 * without an earlier cause member is a root.  Calls line(ctx, i, depth)
 * depth first, children in propagation order; a non-zero return stops the
 * walk and is returned.  CRISK_ENOMEM when out of memory.  O(n + causes). */
int crisk__cause_tree_walk(size_t n, const size_t *cause_start, const uint32_t *cause_pos,
                           int (*line)(void *ctx, size_t i, size_t depth), void *ctx);
/* The indentation of a tree line at `depth` (two spaces a level, at most
 * 24 levels, then "[level N] "). */
void crisk__cause_indent(FILE *f, size_t depth);

/* ---- incidents (emit_incident.c, for report_incident.c) ------------------- */

/* "breached 2 h ago" / "breaches in 3 h 20 min" / "breaches now" / "no
 * rto_hours" for a function of the record, relative to its now. */
char *crisk__incident_breach_text(char *buf, size_t size, const crisk_incident_record *r,
                                  const crisk_incident_function *fn);
/* When a function down for certain is back: "2026-12-06T16:00:00Z", "A to
 * B", "by B", "A or later (unknown)", "unknown"; "-" when not down for
 * certain. */
char *crisk__incident_back_text(char *buf, size_t size, const crisk_incident_record *r,
                                const crisk_incident_function *fn);
/* "due in 3 h", "overdue by 2 h", "submitted T, on time", "submitted T, 1 h late". */
char *crisk__incident_due_text(char *buf, size_t size, const crisk_incident_record *r,
                               const crisk_incident_deadline *d);
/* `past` or `future` (a format with one %s: the span) or `at`, for t
 * against now. */
char *crisk__incident_relative(char *buf, size_t size, crisk_time now, crisk_time t,
                               const char *past, const char *future, const char *at);
/* The record's cause tree (crisk__cause_tree_walk over down_nodes). */
int crisk__incident_cause_tree(const crisk_incident_record *r,
                               int (*line)(void *ctx, size_t i, size_t depth), void *ctx);

/* The status an emitter returns after writing: CRISK_EIO if the stream
 * failed (with a message in err), else CRISK_OK. */
int crisk__emit_status(FILE *f, crisk_error *err);

#endif
