/*
 * csv_dialect.c - delimiters, encodings and number formats of spreadsheet
 * CSV (see csv_dialect.h).
 *
 * Numbers.  A file separated by ';' or tab is taken to use the decimal
 * comma, as the spreadsheets that write such files do (Excel and
 * LibreOffice in the locales whose list separator is ';').  A point there is
 * read as a decimal point only where it cannot be a thousands separator:
 * "0.5" and "12.75" are clear, "1.234" and "120.000" are not, and a wrong
 * guess would silently multiply a spend by a thousand - so those are
 * refused with the option that settles it.  Rejected: guessing from the
 * other cells of the column (one cell written by hand would flip it).
 */
#include "csv_dialect.h"
#include "util/quote.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- delimiters -------------------------------------------------------------- */

char crisk__csv_detect_delimiter(const char *line, size_t len)
{
    static const char candidates[] = { ',', ';', '\t' };
    size_t count[3] = { 0, 0, 0 };
    int quoted = 0;
    for (size_t i = 0; i < len && line[i] != '\n' && line[i] != '\r'; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        for (size_t k = 0; !quoted && k < 3; k++)
            count[k] += line[i] == candidates[k];
    }
    size_t best = 0;
    for (size_t k = 1; k < 3; k++)
        if (count[k] > count[best])
            best = k;
    return candidates[best];
}

char crisk__csv_delimiter_named(const char *name)
{
    static const struct { const char *name; char delimiter; } names[] = {
        { ",", ',' }, { "comma", ',' }, { ";", ';' }, { "semicolon", ';' },
        { "tab", '\t' }, { "\t", '\t' }, { "\\t", '\t' },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(name, names[i].name) == 0)
            return names[i].delimiter;
    return 0;
}

const char *crisk__csv_delimiter_word(char delimiter)
{
    return delimiter == ';' ? "';'" : delimiter == '\t' ? "tab" : "','";
}

/* ---- encodings --------------------------------------------------------------- */

const char *crisk__csv_encoding_word(const char *iconv_name)
{
    return strcmp(iconv_name, "WINDOWS-1252") == 0 ? "Windows-1252"
         : strcmp(iconv_name, "ISO-8859-1") == 0   ? "Latin-1"
                                                  : iconv_name;
}

int crisk__csv_encoding(const char *name, const char **iconv_name)
{
    static const struct { const char *name, *iconv; } names[] = {
        { "utf-8", NULL },                { "utf8", NULL },
        { "windows-1252", "WINDOWS-1252" }, { "cp1252", "WINDOWS-1252" },
        { "latin1", "ISO-8859-1" },       { "latin-1", "ISO-8859-1" },
        { "iso-8859-1", "ISO-8859-1" },   { "utf-16", "UTF-16" },
        { "utf16", "UTF-16" },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *iconv_name = names[i].iconv;
            return 0;
        }
    *iconv_name = NULL;
    return -1;
}

/* ---- numbers ------------------------------------------------------------------ */

/* Digits grouped by `sep` in threes after a first group of one to three:
 * s[0..len) as "1.234.567" with '.'. */
static int is_grouped(const char *s, size_t len, char sep)
{
    size_t first = 0;
    while (first < len && isdigit((unsigned char)s[first]))
        first++;
    if (first < 1 || first > 3 || first == len)
        return 0;
    for (size_t i = first; i < len; i += 4)
        if (len - i < 4 || s[i] != sep || strspn(s + i + 1, "0123456789") < 3)
            return 0;
    return 1;
}

/* A cell made of a sign, digits and separators only: the text a number
 * format concerns.  Anything else is left to the cell rules. */
static int looks_numeric(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    return *s != '\0' && strspn(s, "0123456789.,' ") == strlen(s) && strpbrk(s, "0123456789");
}

static int ambiguous(const char *cell, char thousands_hint, char msg[CRISK_ERROR_MESSAGE_MAX])
{
    char q[CRISK__QUOTE_MAX];
    snprintf(msg, CRISK_ERROR_MESSAGE_MAX,
             "ambiguous number '%s': with decimal commas, '%c' may separate thousands "
             "(say so with --thousands %c, or write the number without it)",
             crisk__quote(q, cell), thousands_hint, thousands_hint);
    return -1;
}

/* The integer part int[0..len) without its thousands separators, into
 * out[*o...]; -1 when they are out of place (message in msg). */
static int copy_integer(char *out, size_t size, size_t *o, const char *cell, const char *digits,
                        size_t len, char thousands, char msg[CRISK_ERROR_MESSAGE_MAX])
{
    if (thousands != 0 && memchr(digits, thousands, len) != NULL) {
        if (!is_grouped(digits, len, thousands)) {
            char q[CRISK__QUOTE_MAX];
            snprintf(msg, CRISK_ERROR_MESSAGE_MAX,
                     "number '%s' has its thousands separator '%c' out of place (it must "
                     "separate groups of three digits)", crisk__quote(q, cell), thousands);
            return -1;
        }
    }
    for (size_t i = 0; i < len && *o + 1 < size; i++)
        if (digits[i] != thousands || thousands == 0)
            out[(*o)++] = digits[i];
    return 0;
}

int crisk__csv_number(char *out, size_t size, const char *cell, char delimiter, char thousands,
                      char msg[CRISK_ERROR_MESSAGE_MAX])
{
    char decimal = delimiter != ',' && delimiter != 0 ? ',' : '.';
    snprintf(out, size, "%s", cell);
    if (!looks_numeric(cell))
        return 0;
    if (thousands == decimal && strchr(cell, thousands) == NULL)
        thousands = 0;   /* the clash below concerns only cells that hold it */
    if (thousands == decimal) {
        char q[CRISK__QUOTE_MAX];
        snprintf(msg, CRISK_ERROR_MESSAGE_MAX,
                 "number '%s': the thousands separator '%c' is also this file's decimal "
                 "separator", crisk__quote(q, cell), thousands);
        return -1;
    }
    if (thousands == 0 && decimal == '.')
        return 0;
    const char *p = cell;
    size_t o = 0;
    if (*p == '-' || *p == '+')
        out[o++] = *p++;
    const char *point = strrchr(p, decimal);
    size_t int_len = point != NULL ? (size_t)(point - p) : strlen(p);
    if (decimal == ',' && thousands == 0 && strchr(p, '.') != NULL) {
        /* a point in a decimal-comma file: a decimal point only where it
         * cannot be a thousands separator */
        if (point != NULL || is_grouped(p, strlen(p), '.'))
            return ambiguous(cell, '.', msg);
        return 0;
    }
    if (copy_integer(out, size, &o, cell, p, int_len, thousands, msg) != 0)
        return -1;
    if (point != NULL && o + 1 < size)
        out[o++] = '.';
    for (const char *f = point != NULL ? point + 1 : p + int_len; *f != '\0' && o + 1 < size; f++)
        out[o++] = *f;
    out[o] = '\0';
    return 0;
}
