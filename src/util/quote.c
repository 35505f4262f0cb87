/*
 * quote.c - input text quoted for a message (quote.h).
 */
#include "quote.h"

#include <stdio.h>
#include <string.h>

/* Length of the UTF-8 sequence starting with lead byte `c` (1 for ASCII and
 * for stray continuation bytes: quoting must never overrun). */
static size_t utf8_seq_len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

const char *crisk__quote(char buf[CRISK__QUOTE_MAX], const char *s)
{
    static const size_t shown = 80;
    size_t o = 0;
    for (size_t i = 0; s[i] != '\0';) {
        unsigned char c = (unsigned char)s[i];
        size_t n = utf8_seq_len(c);
        if (o + 7 > shown) {
            memcpy(buf + o, "...", 4);
            return buf;
        }
        if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(buf + o, 6, c == '\n' ? "\\n" : c == '\t' ? "\\t"
                                  : c == '\r' ? "\\r" : "\\x%02x", c);
            i++;
            continue;
        }
        if (c == 0xC2 && (unsigned char)s[i + 1] >= 0x80 && (unsigned char)s[i + 1] <= 0x9F) {
            /* C1 controls: U+009B is a terminal's CSI. */
            o += (size_t)snprintf(buf + o, 7, "\\u%04x", (unsigned char)s[i + 1]);
            i += 2;
            continue;
        }
        for (size_t k = 0; k < n && s[i] != '\0'; k++)
            buf[o++] = s[i++];
    }
    buf[o] = '\0';
    return buf;
}
