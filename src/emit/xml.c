/*
 * xml.c - text inside XML (xml.h).
 */
#include "xml.h"
#include "util/utf8.h"

#include <stdint.h>

/* XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
 * (surrogates never decode). */
static int is_xml_char(uint32_t cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
}

void crisk__xml_text(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        uint32_t cp = 0;
        size_t n = crisk__utf8_decode(s, &cp);
        if (n == 0 || !is_xml_char(cp)) {
            fputs("\xEF\xBF\xBD", f);   /* U+FFFD REPLACEMENT CHARACTER */
            s += n ? n : 1;
            continue;
        }
        switch (cp) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\t': fputs("&#9;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\r': fputs("&#13;", f); break;
        default: fwrite(s, 1, n, f);
        }
        s += n;
    }
}

void crisk__xml_comment_text(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    int hyphen = 0;   /* the last character written was '-' */
    while (*s) {
        uint32_t cp = 0;
        size_t n = crisk__utf8_decode(s, &cp);
        if (n == 0 || !is_xml_char(cp) || cp == '\t' || cp == '\n' || cp == '\r') {
            fputs("\xEF\xBF\xBD", f);   /* U+FFFD REPLACEMENT CHARACTER */
            s += n ? n : 1;
            hyphen = 0;
            continue;
        }
        if (cp == '-' && hyphen)
            fputs("\xE2\x80\x90", f);   /* U+2010 HYPHEN: "--" may not appear */
        else
            fwrite(s, 1, n, f);
        hyphen = cp == '-' && !hyphen;
        s += n;
    }
}
