/*
 * workbook.h - the typed rows' workbook sink (private; the workbook itself
 * is crisk_workbook_* in chainrisk/output.h).
 *
 * Emitters write their CSV tables as typed rows (emit.h) to a FILE*.  When
 * that FILE* is a workbook's (crisk_workbook_rows()), crisk__csv_header()
 * and crisk__csv_row() hand the fields here instead of printing them: each
 * header starts a sheet, each row fills one with numbers as numbers and
 * text as text.  So every emitter that writes CSV through the typed rows
 * writes a workbook too, without knowing it.
 */
#ifndef CRISK_WORKBOOK_H
#define CRISK_WORKBOOK_H

#include <stdio.h>

#include "emit.h"

/* The workbook whose rows stream `f` is, or NULL for any other stream. */
crisk_workbook *crisk__workbook_of(FILE *f);

/* Name the sheet of the next table written to `f` (a workbook's rows
 * stream; a no-op on any other stream).  Names must be valid sheet names
 * (at most 31 characters, none of []:*?/\); one already taken gets " (2)",
 * " (3)", ... */
void crisk__sheet_name(FILE *f, const char *name);

/* Say where the next table written to `f` is whole, for the note of a
 * sheet cut short at the row cap (crisk_workbook_set_max_rows): a command
 * line such as "chainrisk spof --format csv".  Without it: "the same
 * command with --format csv".  A no-op on any other stream. */
void crisk__sheet_whole(FILE *f, const char *how);

/* Start a sheet with the keys of row[0..n) as its header row (frozen, with
 * a filter).  A problem is kept and reported by crisk_workbook_close(). */
void crisk__workbook_header(crisk_workbook *wb, const crisk__field *row, size_t n);

/* Add a row.  Returns CRISK_OK, or CRISK_ENOMEM (also kept for the close). */
int crisk__workbook_row(crisk_workbook *wb, const crisk__field *row, size_t n);

/* The command emitters' tables that the export's workbook takes as sheets
 * of their own (export.c): "spofs" and "minimal pairs" (emit_spof.c),
 * "shared" and "false redundancy" (emit_shared.c), all rows.  Return
 * CRISK_OK or the analysis' error. */
int crisk__spof_sheets(FILE *f, const crisk_analysis *a, crisk_error *err);
int crisk__shared_sheets(FILE *f, const crisk_analysis *a, crisk_error *err);

#endif
