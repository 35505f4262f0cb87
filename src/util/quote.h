/*
 * quote.h - text from an input made safe to show inside a one-line message
 * (private).  Every reader and the builder quote ids and cells this way.
 */
#ifndef CRISK_QUOTE_H
#define CRISK_QUOTE_H

/* Quote a cell for a message: at most ~80 bytes (cut on a UTF-8 boundary,
 * then "..."), control characters escaped (\n, \t, \xNN) so that input text
 * cannot break the one-line FILE:LINE:COLUMN format or drive a terminal.
 * Writes into `buf` and returns it. */
#define CRISK__QUOTE_MAX 128
const char *crisk__quote(char buf[CRISK__QUOTE_MAX], const char *s);

#endif
