/*
 * quote.h - text from an input made safe to show inside a one-line message
 * (private).  Every reader and the builder quote ids and cells this way.
 */
#ifndef CRISK_QUOTE_H
#define CRISK_QUOTE_H

#include <stdint.h>

/* Quote a cell for a message: at most ~80 bytes (cut on a UTF-8 boundary,
 * then "..."), with control characters (\n, \t, \xNN, \u009b), bidi
 * controls (\u202e) and bytes that are not UTF-8 (\xNN) escaped, so that
 * input text cannot break the one-line FILE:LINE:COLUMN format, drive a
 * terminal or reorder what it shows.  Writes into `buf` and returns it. */
#define CRISK__QUOTE_MAX 128
const char *crisk__quote(char buf[CRISK__QUOTE_MAX], const char *s);

/* Non-zero for the code points crisk__quote() escapes and terminal tables
 * replace (src/emit/): C0 and C1 controls, DEL, the bidi controls, and the
 * line and paragraph separators. */
int crisk__is_terminal_unsafe(uint32_t cp);

#endif
