/*
 * utf8.h - decoding UTF-8 one character at a time, for the writers that make
 * input text safe to show (emit_common.c for terminals, export.c for XML,
 * map.c for HTML and Graphviz).  Private to the library.
 */
#ifndef CRISK_UTF8_H
#define CRISK_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1 to 4) of the valid UTF-8 sequence at s and its code point
 * in *cp; or 0 if the sequence is not valid (overlong, surrogate, past
 * U+10FFFF, truncated), *cp then untouched.  `s` must be NUL-terminated:
 * a truncated sequence stops at the NUL. */
size_t crisk__utf8_decode(const unsigned char *s, uint32_t *cp);

#endif
