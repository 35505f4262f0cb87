/*
 * chainrisk/output.h - writing results: atomic output files, safe CSV cells,
 * JSON provenance, and the emitters of each command's result.
 *
 * Every emitter writes to a FILE* the caller owns and returns CRISK_OK or
 * CRISK_EIO.  Output is deterministic: same inventory and options, same bytes.
 */
#ifndef CHAINRISK_OUTPUT_H
#define CHAINRISK_OUTPUT_H

#include <stdio.h>
#include "analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum crisk_format { CRISK_FORMAT_TABLE, CRISK_FORMAT_CSV, CRISK_FORMAT_JSON } crisk_format;

/* "table", "csv", "json".  Returns CRISK_OK or CRISK_ENOTFOUND. */
int crisk_format_parse(const char *s, crisk_format *out);

/* ---- atomic output ------------------------------------------------------- */

typedef struct crisk_output crisk_output;

/* Open `path` for writing through a temporary file in the same directory
 * (NULL or "-" = stdout, written directly).  Nothing appears at `path` until
 * crisk_output_commit(): then the data is flushed, fsync'ed and renamed over
 * it, so the previous file stays intact on any error. */
int   crisk_output_open(crisk_output **out, const char *path, crisk_error *err);
FILE *crisk_output_file(crisk_output *o);
/* Finish and free `o`.  On error the temporary file is removed. */
int   crisk_output_commit(crisk_output *o, crisk_error *err);
/* Drop the output (temporary file removed) and free `o`.  Accepts NULL. */
void  crisk_output_abort(crisk_output *o);

/* ---- CSV ------------------------------------------------------------------ */

/* Write one text cell, RFC 4180-quoted when needed.  A cell a spreadsheet
 * would evaluate (leading '=', '+', '-', '@', tab or CR) is prefixed with a
 * single quote (OWASP CSV injection); numbers are written with
 * crisk_csv_number and stay numeric. */
void crisk_csv_text(FILE *f, const char *s);
/* A number in the shortest form that reads back exactly; NaN = empty cell. */
void crisk_csv_number(FILE *f, double x);

/* Shortest "%.15g"/"%.17g" rendering that round-trips; "" for NaN. */
char *crisk_format_number(char *buf, size_t size, double x);

/* ---- JSON envelope (DESIGN §7) ------------------------------------------ */

/* What ran: the command and its options (name/value pairs, in order). */
typedef struct crisk_provenance {
    const char *command;
    size_t n_options;
    const char *option_names[32];
    const char *option_values[32];
} crisk_provenance;

/* Begin a JSON document: {"schema":"chainrisk/1","tool":{...},"command":...,
 * "inputs":[...],"options":{...},"notes":[...],"results":   - the caller then
 * writes the results value and calls crisk_json_end(). */
void crisk_json_begin(FILE *f, const crisk_inventory *inv, const crisk_provenance *prov);
void crisk_json_end(FILE *f);
/* A JSON string literal (escaped; invalid UTF-8 replaced by U+FFFD). */
void crisk_json_string(FILE *f, const char *s);
/* A JSON number, or null for NaN/inf. */
void crisk_json_number(FILE *f, double x);

/* ---- command results --------------------------------------------------- */

typedef struct crisk_rank_options {
    int type;          /* a crisk_node_type, or -1 for all */
    int category;      /* a crisk_category, or -1 for all */
    long top;          /* rows to show; -1 = all */
} crisk_rank_options;

#define CRISK_RANK_OPTIONS_INIT { -1, -1, -1 }

/* The §5 per-node table, ranked.  CSV header:
 * id,name,type,category,tier,direct_dependants,dependants,functions,exposure,
 * impact,impact_weight,impact_share,spof,breaches */
int crisk_emit_rank(FILE *f, const crisk_analysis *a, const crisk_rank_options *opts,
                    crisk_format fmt, const crisk_provenance *prov, crisk_error *err);

#ifdef __cplusplus
}
#endif
#endif
