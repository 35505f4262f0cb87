/*
 * utf8.c - checking and decoding UTF-8 (utf8.h).
 */
#include "utf8.h"

#include <string.h>

size_t crisk__utf8_decode(const unsigned char *s, uint32_t *cp)
{
    static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };   /* by length: no overlongs */
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
             : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    if (n == 0)
        return 0;
    uint32_t c = s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)   /* also stops at the terminating NUL */
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

/* Validate one multi-byte sequence at s[i]; returns its length or 0. */
static size_t utf8_sequence(const unsigned char *s, size_t i, size_t len)
{
    unsigned char c = s[i];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;   /* allowed range of the 2nd byte */
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;         /* overlong */
        if (c == 0xED) hi = 0x9F;         /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;         /* overlong */
        if (c == 0xF4) hi = 0x8F;         /* > U+10FFFF */
    } else
        return 0;
    if (i + n > len || s[i + 1] < lo || s[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* The walk of both checks.  With `newlines` it also stops its 8-byte
 * stride at each line break to count it; crisk__utf8_check() passes NULL
 * (a JSON document's lines are short) and, inlined with that constant,
 * gets the stride without the test. */
static inline size_t walk(const unsigned char *s, size_t len, int *is_nul, size_t *newlines)
{
    size_t i = 0;
    *is_nul = 0;
    while (i < len) {
        /* Nearly every byte of a real inventory is plain ASCII: 8 at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if ((w & CRISK__HIGH_BITS) | crisk__has_byte(w, 0)
                | (newlines != NULL ? crisk__has_byte(w, '\n') : 0))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (s[i] == 0) {
            *is_nul = 1;
            return i;
        }
        if (s[i] < 0x80) {
            if (newlines != NULL)
                *newlines += s[i] == '\n';
            i++;
            continue;
        }
        size_t n = utf8_sequence(s, i, len);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

size_t crisk__utf8_scan(const unsigned char *s, size_t len, int *is_nul, size_t *newlines)
{
    return walk(s, len, is_nul, newlines);
}

size_t crisk__utf8_check(const unsigned char *s, size_t len, int *is_nul)
{
    return walk(s, len, is_nul, NULL);
}
