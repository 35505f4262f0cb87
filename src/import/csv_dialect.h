/*
 * csv_dialect.h - CSV as spreadsheets save it (private): the delimiter
 * (',', ';' or tab, detected from the header row), the encoding
 * (UTF-8, UTF-16 with a byte order mark, or what --encoding names), and
 * numbers with decimal commas and thousands separators.
 *
 * European Excel saves "CSV" with semicolons and decimal commas, and on
 * Windows in Windows-1252; LibreOffice asks.  The reader (csv_reader.c)
 * takes the delimiter and the encoding from here; the native reader
 * (csv_native.c) reads its number columns through crisk__csv_number().
 */
#ifndef CRISK_CSV_DIALECT_H
#define CRISK_CSV_DIALECT_H

#include <stddef.h>

#include "chainrisk/chainrisk.h"

typedef struct crisk__csv_dialect {
    char delimiter;          /* ',', ';' or '\t'; 0 = detect from the header row */
    char thousands;          /* thousands separator in numbers ('.', ',', ' ', '\''); 0 = none */
    const char *encoding;    /* an iconv name (crisk__csv_encoding()); NULL = UTF-8, or
                              * UTF-16 when the file starts with its byte order mark */
} crisk__csv_dialect;

/* The delimiter of a file whose header row is line[0..len): of ',', ';'
 * and tab, the one that occurs most often outside double quotes; a comma
 * when none does or on a tie with it (a one-column file).  O(len). */
char crisk__csv_detect_delimiter(const char *line, size_t len);

/* The iconv name of an --encoding value ("windows-1252", "cp1252",
 * "latin1", "iso-8859-1", "utf-16", any case; "utf-8" gives NULL: the
 * default), or NULL with -1 for one chainrisk does not read. */
int crisk__csv_encoding(const char *name, const char **iconv_name);

/* The words for an encoding crisk__csv_encoding() gave, in messages:
 * "Windows-1252", "Latin-1", "UTF-16". */
const char *crisk__csv_encoding_word(const char *iconv_name);

/* The delimiter named by a --delimiter value: ",", ";", "tab" (or a tab
 * character), "comma", "semicolon".  Returns it, or 0 for another. */
char crisk__csv_delimiter_named(const char *name);

/* The words for a delimiter in messages: "','", "';'", "tab". */
const char *crisk__csv_delimiter_word(char delimiter);

/* A number cell of a file whose delimiter is `delimiter`, rewritten into
 * `out` (`size` bytes) as the C locale reads it.  With a delimiter other
 * than the comma, the decimal separator is the comma ("1,5" is 1.5); with
 * `thousands`, that character separates groups of three digits before the
 * decimal separator and is dropped ("120.000,00" with '.').  A point in a
 * decimal-comma file is read as a decimal point ("0.5"), unless the cell
 * also has a comma or looks like thousands ("1.234", "120.000"): then it
 * is ambiguous and refused.  Text that is no number at all is copied as it
 * is, for the cell rules to refuse in their words.  Returns 0, or -1 with
 * the reason in `msg` ("ambiguous number '1.234': ...").  O(len). */
int crisk__csv_number(char *out, size_t size, const char *cell, char delimiter, char thousands,
                      char msg[CRISK_ERROR_MESSAGE_MAX]);

#endif
