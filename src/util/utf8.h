/*
 * utf8.h - UTF-8 text (private to the library): checking that bytes are
 * valid UTF-8 without NUL (the CSV reader's fields, JSON text, the native
 * writer's cells), and decoding it one character at a time, for the writers
 * that make input text safe to show (emit_common.c for terminals, export.c
 * for XML, map.c for HTML and Graphviz).
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

/* The offset of the first byte of s[0..len) that is NUL or not valid UTF-8
 * (`*is_nul` tells which), or `len` if there is none; adds the line breaks
 * ('\n') before it to `*newlines`.  Plain ASCII is checked 8 bytes at a
 * time.  O(len). */
size_t crisk__utf8_scan(const unsigned char *s, size_t len, int *is_nul, size_t *newlines);

/* crisk__utf8_scan() without the line count. */
size_t crisk__utf8_check(const unsigned char *s, size_t len, int *is_nul);

/* Non-zero if some byte of the 8 in `w` equals `b` (exact, no false
 * positives): with CRISK__HIGH_BITS, the test that lets scanners pass over
 * 8 plain bytes at a time. */
#define CRISK__HIGH_BITS 0x8080808080808080ull
static inline uint64_t crisk__has_byte(uint64_t w, unsigned char b)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t x = w ^ (ones * b);
    return (x - ones) & ~x & CRISK__HIGH_BITS;
}

#endif
