/*
 * quote.c - input text quoted for a message (quote.h).
 *
 * What a terminal could act on is shown as an escape, never raw:
 *   - C0 controls and DEL: \n, \t, \r, else \xNN (ESC is \x1b, BEL \x07);
 *   - C1 controls U+0080-U+009F: \u0080 ... \u009f (U+009B is a CSI);
 *   - the Unicode bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E,
 *     U+2066-U+2069) and the line and paragraph separators U+2028, U+2029:
 *     \u202e and so on, lowercase hex.  They reorder or break what is shown
 *     (CVE-2021-42574, "trojan source"), so a message could display an id
 *     other than the one it names;
 *   - a byte that is not part of valid UTF-8: \xNN (a lone 0x9B is a CSI to
 *     a terminal in an 8-bit mode).
 * Everything else, including other non-ASCII text, is copied as it is.
 */
#include "quote.h"
#include "utf8.h"

#include <stdio.h>
#include <string.h>

int crisk__is_terminal_unsafe(uint32_t cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E
        || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The escape of a character (`valid`, code point cp) or of an invalid
 * byte, into out. */
static size_t escape(char out[8], int valid, uint32_t cp, unsigned char byte)
{
    if (valid && cp >= 0x80)
        return (size_t)snprintf(out, 8, "\\u%04x", (unsigned)cp);
    return (size_t)snprintf(out, 8, byte == '\n' ? "\\n" : byte == '\t' ? "\\t"
                            : byte == '\r' ? "\\r" : "\\x%02x", byte);
}

const char *crisk__quote(char buf[CRISK__QUOTE_MAX], const char *s)
{
    static const size_t shown = 80;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    while (*p != '\0') {
        if (o + 7 > shown) {   /* room for the longest escape, then the cut */
            memcpy(buf + o, "...", 4);
            return buf;
        }
        uint32_t cp = 0;
        size_t n = crisk__utf8_decode(p, &cp);
        if (n == 0 || crisk__is_terminal_unsafe(cp)) {
            o += escape(buf + o, n != 0, cp, *p);
            p += n ? n : 1;
        } else {
            memcpy(buf + o, p, n);
            o += n;
            p += n;
        }
    }
    buf[o] = '\0';
    return buf;
}
