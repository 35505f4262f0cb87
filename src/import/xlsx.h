/*
 * xlsx.h - one sheet of an Excel workbook (.xlsx) as CSV records (private).
 *
 * The native reader (csv_native.c) reads a sheet exactly as it reads a CSV
 * file: the first row that holds anything is the header, each further row
 * that holds anything a record.  Positions are the sheet's: the file is
 * named `book.xlsx[Sheet]`, the line is the row number and the column the
 * 1-based column (shown as Excel's letters: util/error.c).
 *
 * Reading: libzip over the file opened through util/infile.h, within the
 * zip bomb limits of zip_limits.h; expat streams xl/workbook.xml, its
 * relationships, xl/sharedStrings.xml and the sheet (no DTD allowed, so no
 * entity can expand).  A cell is the text Excel shows for it as a value:
 * shared and inline strings as they are, numbers as stored (the shortest
 * form that reads back exactly, a point as the decimal separator), TRUE and
 * FALSE, a formula's cached value; an error value (#N/A) is an error at
 * its cell.  Time O(bytes inflated); memory the shared strings plus one row.
 */
#ifndef CRISK_XLSX_H
#define CRISK_XLSX_H

#include <stddef.h>

#include "csv_reader.h"

/* Whether `path` names a workbook: ends in ".xlsx" (any case). */
int crisk__xlsx_path(const char *path);

typedef struct crisk__xlsx crisk__xlsx;

/* Open the workbook `path` and find the sheet named `sheet` (exact, else
 * ASCII case-insensitive), or the first sheet when `sheet` is NULL.
 * `display` gets "path[Sheet]", the name positions use.  A file that is
 * not a readable workbook, or lacks the sheet, is reported to `rep` (its
 * path must be `path`) and CRISK_EINVALID (or the open error: CRISK_EIO,
 * CRISK_ENOTFOUND) returned with *out NULL; CRISK_ENOMEM. */
int crisk__xlsx_open(crisk__xlsx **out, crisk__csv_report *rep, const char *path,
                     const char *sheet, char *display, size_t display_size);

/* Deliver the sheet's rows to `fn` like crisk__csv_read (header first,
 * number 0), problems reported to `rep` (whose path should now be the
 * display name).  `info`: the workbook file's bytes and SHA-256, the data
 * rows.  Returns CRISK_OK when the sheet was read to its end, whatever
 * problems it has (see rep->status); CRISK_EINVALID or CRISK_ELIMIT when it
 * could not be (reported); CRISK_ENOMEM; or the code `fn` returned. */
int crisk__xlsx_read(crisk__xlsx *x, crisk__csv_report *rep, crisk__csv_record_fn fn, void *ctx,
                     crisk__csv_info *info);

void crisk__xlsx_close(crisk__xlsx *x);

#endif
