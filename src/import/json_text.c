/*
 * json_text.c - JSON text as the importers read it (json_text.h): the byte
 * checks, the parse and its explanation, and the position walk shared by the
 * CycloneDX importer and the spreadsheet mapping.
 *
 * Approach: every check returns its problem in a crisk_error and each
 * importer files it under its own path, so the wording and positions of a
 * JSON problem are defined once.  What a position is stored in stays with
 * each importer (a visitor): cyclonedx.c keeps it in the cJSON items,
 * mapping.c in a side table.  Rejected: a reporting callback into the
 * importer's diagnostics, which would couple this module to both readers'
 * state for what is one message per file.
 *
 * Both readers must read a file as any other JSON tool would, so what JSON
 * leaves to the reader is refused here, once, for both: control characters
 * that cJSON tolerates and repeated keys (json_text.h).
 *
 * Cost: three passes over the bytes - the UTF-8 check, cJSON's parse and
 * the walk, which also finds the control characters JSON forbids (a pass
 * of their own only when the parse failed, to say which came first) -
 * plus, per object, a pairwise or sorted check of its keys; the
 * explanation of a syntax error scans the text once more.  The walk's
 * loops make no call per byte and pass over plain string bytes eight at a
 * time: a large SBOM is mostly strings and indentation.  For the SBOM
 * readers' trees (crisk__json_parse_tree) the UTF-8 check and the walk run
 * on a second thread while cJSON parses, and only a pass over the tree is
 * left after the parse ("positions from the text alone", below).
 * docs/performance.md, "SBOM import and Excel workbooks", has the profiles
 * that led here.  The SPDX reader's fast path reads a document one value
 * at a time instead ("a document read one value at a time", at the end):
 * an outline of the outermost object, then each value parsed and walked
 * alone, with the same checks.
 */
#include "json_text.h"
#include "util/quote.h"
#include "util/thread.h"
#include "util/utf8.h"
#include "util/util.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXCERPT_BYTES 20   /* of the text shown after "near" */
#define SMALL_OBJECT 16    /* members: up to this many, repeated keys are found pairwise */

/* cJSON's type of an item, tested here rather than through cJSON_Is*():
 * a call into the shared library per value of the walk. */
static inline int type_of(const cJSON *item)
{
    return item->type & 0xFF;
}

/* Inlined in the walk's loops; the public one for the readers. */
static inline int is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

int crisk__json_is_space(unsigned char ch)
{
    return is_space(ch);
}

size_t crisk__json_trim_span(const char *text, size_t *start)
{
    size_t len = strlen(text), from = 0;
    while (from < len && crisk__json_is_space((unsigned char)text[from]))
        from++;
    while (len > from && crisk__json_is_space((unsigned char)text[len - 1]))
        len--;
    *start = from;
    return len - from;
}

const char *crisk__json_type_name(int type)
{
    switch (type & 0xFF) {
    case cJSON_False:
    case cJSON_True:   return "a boolean";
    case cJSON_Number: return "a number";
    case cJSON_String: return "a string";
    case cJSON_Array:  return "an array";
    case cJSON_Object: return "an object";
    default:           return "null";
    }
}

/* ---- positions of bytes ---------------------------------------------------------- */

/* Bytes of the UTF-8 BOM at the start of s[0..n): 3 or 0. */
static size_t bom_length(const unsigned char *s, size_t n)
{
    return n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? 3 : 0;
}

/* Line and character column of byte `off`, counted from the start: for
 * error paths only. */
static void position_of(const unsigned char *s, size_t off, size_t *line, size_t *column)
{
    *line = *column = 1;
    for (size_t i = bom_length(s, off); i < off; i++) {
        if (s[i] == '\n') {
            ++*line;
            *column = 1;
        } else if ((s[i] & 0xC0) != 0x80) {
            ++*column;
        }
    }
}

/* A problem at byte `off` of s. */
static int fail_at_byte(crisk_error *err, const unsigned char *s, size_t off, const char *fmt,
                        ...) __attribute__((format(printf, 4, 5)));

static int fail_at_byte(crisk_error *err, const unsigned char *s, size_t off, const char *fmt,
                        ...)
{
    size_t line, column;
    char msg[CRISK_ERROR_MESSAGE_MAX];
    va_list ap;
    position_of(s, off, &line, &column);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return crisk_error_set(err, CRISK_EINVALID, NULL, line, column, "%s", msg);
}

/* ---- the bytes ------------------------------------------------------------------- */

/* Not empty, valid UTF-8, no NUL byte. */
static int check_bytes(const unsigned char *s, size_t n, const char *expected, crisk_error *err)
{
    size_t start = bom_length(s, n), i = start;
    while (i < n && crisk__json_is_space(s[i]))
        i++;
    if (i == n)
        return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 0, "empty file (expected %s)",
                               expected);
    int is_nul = 0;
    size_t at = start + crisk__utf8_check(s + start, n - start, &is_nul);
    if (at == n)
        return CRISK_OK;
    if (is_nul)
        return fail_at_byte(err, s, at, "NUL byte in file");
    return fail_at_byte(err, s, at, "invalid UTF-8 (byte 0x%02x)", s[at]);
}

/* The first control character JSON forbids (RFC 8259 §2, §7): any byte
 * below 0x20 inside a string, and outside strings any but the four white
 * space bytes.  cJSON takes every byte up to 0x20 for white space and
 * copies raw control characters into strings, while the position walk
 * below knows JSON's four: letting one through would make the walk and
 * the tree disagree on where values are.  NUL is check_bytes()'s.  Returns
 * its offset (n if none) and in *in_string where it is. */
static size_t find_control(const unsigned char *s, size_t n, int *in_string)
{
    int string = 0;
    for (size_t i = bom_length(s, n); i < n; i++) {
        while (i < n && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
            i++;   /* the common bytes, with nothing to do */
        if (i == n)
            break;
        unsigned char ch = s[i];
        if (ch >= 0x20) {
            if (ch == '"')
                string = !string;
            else if (string)
                i++;   /* an escaped character: \" does not end the string (a
                        * control character there is a bad escape, which the
                        * parse reports, at the backslash: earlier) */
        } else if (ch != 0 && (string || !crisk__json_is_space(ch))) {
            *in_string = string;
            return i;
        }
    }
    return n;
}

/* How a control character is written inside a JSON string. */
static const char *escape_of(unsigned char ch, char buf[8])
{
    switch (ch) {
    case '\b': return "\\b";
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\f': return "\\f";
    case '\r': return "\\r";
    default:
        snprintf(buf, 8, "\\u%04x", ch);
        return buf;
    }
}

static int fail_control(const unsigned char *s, size_t at, int in_string, crisk_error *err)
{
    char esc[8];
    if (in_string)
        return fail_at_byte(err, s, at,
                            "invalid JSON: control character 0x%02x in a string (write it as %s)",
                            s[at], escape_of(s[at], esc));
    return fail_at_byte(err, s, at,
                        "invalid JSON: control character 0x%02x outside a string (only space, "
                        "tab, line feed and carriage return may stand between values)", s[at]);
}

/* ---- parsing --------------------------------------------------------------------- */

/* The text at `off` for a message: up to EXCERPT_BYTES bytes of that line,
 * not cutting a UTF-8 sequence, quoted safely. */
static const char *excerpt(char out[CRISK__QUOTE_MAX], const unsigned char *s, size_t n,
                           size_t off)
{
    char raw[EXCERPT_BYTES + 4];
    size_t k = 0;
    while (off > 0 && off < n && (s[off] & 0xC0) == 0x80)
        off--;   /* start on a whole character */
    while (off + k < n && k < EXCERPT_BYTES && s[off + k] != '\n' && s[off + k] != '\r')
        k++;
    if (off + k < n && k == EXCERPT_BYTES)
        while (k > 0 && (s[off + k] & 0xC0) == 0x80)
            k--;   /* s[off + k] would start the next character: cut before it */
    memcpy(raw, s + off, k);
    raw[k] = '\0';
    return crisk__quote(out, raw);
}

/* cJSON says where it stopped (`off`), not why: look at the text to say it. */
static int explain_syntax_error(const unsigned char *s, size_t n, size_t off, crisk_error *err)
{
    size_t depth = 0, deep_at = SIZE_MAX, string_start = 0;
    int in_string = 0;
    for (size_t i = bom_length(s, n); i < n; i++) {
        if (in_string) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_string = 0;
        } else if (s[i] == '"') {
            in_string = 1;
            string_start = i;
        } else if (s[i] == '{' || s[i] == '[') {
            if (++depth > CJSON_NESTING_LIMIT && deep_at == SIZE_MAX)
                deep_at = i;
        } else if ((s[i] == '}' || s[i] == ']') && depth > 0) {
            depth--;
        }
    }
    char q[CRISK__QUOTE_MAX];
    if (in_string && string_start <= off)
        return fail_at_byte(err, s, string_start, "invalid JSON: unterminated string");
    if (off >= n)
        return fail_at_byte(err, s, off, "invalid JSON: unexpected end of file");
    if (off == deep_at)
        return fail_at_byte(err, s, off, "invalid JSON: nested deeper than %d levels",
                            CJSON_NESTING_LIMIT);
    return fail_at_byte(err, s, off, "invalid JSON near '%s'", excerpt(q, s, n, off));
}

/* Parse s[0..n) (s[n] is a NUL) as one document.  Of a control character
 * JSON forbids and a syntax error, the one earlier in the text is reported.
 * On success *after is the offset of the first byte after the document
 * that is not JSON white space (n if none): what is there is judged after
 * the walk, which finds the control characters inside the document
 * without a pass of its own. */
static int parse(cJSON **out, size_t *after, const unsigned char *s, size_t n, crisk_error *err)
{
    const char *end = NULL;
    /* Length n + 1 hands cJSON the terminating NUL: input that ends early
     * then fails at offset n exactly, which tells "unexpected end of file"
     * from an error on the last byte (with length n, both report n - 1). */
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)s, n + 1, &end, 0);
    size_t off = end != NULL ? (size_t)((const unsigned char *)end - s) : 0;
    if (off > n)
        off = n;
    if (root == NULL) {
        int in_string = 0;
        size_t control = find_control(s, n, &in_string);
        return control < off ? fail_control(s, control, in_string, err)
                             : explain_syntax_error(s, n, off, err);
    }
    while (off < n && crisk__json_is_space(s[off]))
        off++;
    *after = off;
    *out = root;
    return CRISK_OK;
}

/* What follows the document at `after` (parse()): nothing, or a problem. */
static int check_after(const unsigned char *s, size_t n, size_t after, crisk_error *err)
{
    char q[CRISK__QUOTE_MAX];
    if (after >= n)
        return CRISK_OK;
    if (s[after] < 0x20)   /* cJSON's white space, not JSON's */
        return fail_control(s, after, 0, err);
    return fail_at_byte(err, s, after, "invalid JSON: text after the end of the document near '%s'",
                        excerpt(q, s, n, after));
}

/* ---- positions: one walk over the text in step with the tree --------------------- */

/* A member's key, while the object holding it is walked. */
typedef struct key_entry {
    const char *key;              /* decoded (cJSON's) */
    size_t line, column;          /* where the key starts */
    size_t order;                 /* the member's position in its object */
} key_entry;

/* The problem the walk found first in the text (line 0 = none yet). */
typedef struct walk_problem {
    size_t line, column;
    size_t first_line, first_column;   /* a duplicate key's first occurrence */
    const char *key;                   /* NULL: a "\u0000" escape */
} walk_problem;

typedef struct scanner {
    const unsigned char *s;
    size_t n, i;                  /* text, its length, the next byte */
    size_t line, column;          /* of s[i] */
    key_entry *keys;              /* the keys of the objects being walked, innermost last */
    size_t n_keys, keys_cap;
    walk_problem problem;
    size_t control;               /* offset of the first control character JSON forbids; n = none */
    int control_in_string;
    crisk__json_visit_fn visit;
    void *ctx;
} scanner;

/* Keep the problem at line:column if it comes before the one kept. */
static void note_problem(scanner *sc, walk_problem p)
{
    walk_problem *q = &sc->problem;
    if (q->line == 0 || p.line < q->line || (p.line == q->line && p.column < q->column))
        *q = p;
}

static void advance(scanner *sc)
{
    unsigned char ch = sc->s[sc->i++];
    if (ch == '\n') {
        sc->line++;
        sc->column = 1;
    } else if ((ch & 0xC0) != 0x80) {
        sc->column++;
    }
}

/* A control character JSON forbids, at s[i]: keep the first. */
static void note_control(scanner *sc, size_t i, int in_string)
{
    if (sc->control == sc->n) {
        sc->control = i;
        sc->control_in_string = in_string;
    }
}

/* White space as cJSON skips it: JSON's four and the control characters
 * JSON forbids there (noted).  Indentation is most of a pretty-printed
 * file's bytes: no call per byte. */
static void skip_space(scanner *sc)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i, column = sc->column;
    for (;;) {
        size_t run = i;
        while (s[i] == ' ')
            i++;   /* indentation; stops at s[n] at the latest, the NUL */
        column += i - run;
        if (i >= sc->n || s[i] > 0x20)
            break;
        if (s[i] == '\n') {
            sc->line++;
            column = 1;
        } else {
            if (!is_space(s[i]))
                note_control(sc, i, 0);
            column++;
        }
        i++;
    }
    sc->i = i;
    sc->column = column;
}

/* What a byte is to the walk inside a string: a plain ASCII character
 * (PL), the closing quote (QT), a backslash (BS), a control character
 * (CC; NUL too, and the text ends with one), a UTF-8 continuation byte
 * (CN, no column of its own) or another byte of 0x80 and above (LD, one
 * character). */
enum { PL = 0, QT, BS, CC, CN, LD };
static const unsigned char in_string[256] = {
    CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC,
    CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC, CC,
    PL, PL, QT, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,
    PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,
    PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,
    PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, BS, PL, PL, PL,
    PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,
    PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL, PL,
    CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN,
    CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN,
    CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN,
    CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN, CN,
    LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD,
    LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD,
    LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD,
    LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD, LD,
};

#define BYTES_1 0x0101010101010101u        /* 0x01 in every byte of a word */
#define BYTES_HIGH 0x8080808080808080u     /* the high bit of every byte */

/* Whether none of the eight bytes at p is anything but PL: no quote, no
 * backslash, no control character, nothing of 0x80 and above.  A byte x
 * below k sets its high bit in (x - k) & ~x, the bytes below it unchanged
 * (the borrow runs upwards only): so a zero byte of w ^ '"' is a quote. */
static inline int plain8(const unsigned char *p)
{
    uint64_t w, quote, slash;
    memcpy(&w, p, sizeof w);
    quote = w ^ (BYTES_1 * '"');
    slash = w ^ (BYTES_1 * '\\');
    uint64_t hit = ((w - BYTES_1 * 0x20) & ~w) | ((quote - BYTES_1) & ~quote)
                   | ((slash - BYTES_1) & ~slash) | w;
    return (hit & BYTES_HIGH) == 0;
}

/* Past the plain bytes (PL) from s[i]: eight at once while they are, then
 * one table lookup each; stops at s[n] at the latest, the NUL after the
 * text. */
static inline size_t past_plain(const unsigned char *s, size_t i, size_t n)
{
    while (n - i >= 8 && plain8(s + i))
        i += 8;
    while (in_string[s[i]] == PL)
        i++;
    return i;
}

/* A string, key or value.  Only the column moves, by one per character,
 * which is every byte but UTF-8's continuation bytes: a raw line break in
 * a string is a control character, noted, and the position no longer
 * matters.  Most bytes are plain: eight at once while they are, then one
 * table lookup each. */
static void skip_string(scanner *sc)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i, n = sc->n, column = sc->column;
    if (i < n) {
        i++;   /* the opening quote */
        column++;
    }
    while (i < n) {
        size_t run = i;
        i = past_plain(s, i, n);
        column += i - run;
        if (i >= n || in_string[s[i]] == QT)
            break;
        switch (in_string[s[i]]) {
        case CC:
            note_control(sc, i, 1);
            break;
        case BS:
            if (n - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0)
                note_problem(sc, (walk_problem){ sc->line, column, 0, 0, NULL });
            if (i + 1 < n) {
                i++;   /* the escaped character: ASCII in a string cJSON took */
                column++;
            }
            break;
        }
        column += in_string[s[i]] != CN;
        i++;
    }
    if (i < n) {
        i++;   /* the closing quote */
        column++;
    }
    sc->i = i;
    sc->column = column;
}

/* Numbers, true, false, null: up to the next delimiter or white space
 * (cJSON's: a control character after a number ends it too). */
static void skip_scalar(scanner *sc)
{
    while (sc->i < sc->n && sc->s[sc->i] > 0x20 && sc->s[sc->i] != ','
           && sc->s[sc->i] != ']' && sc->s[sc->i] != '}')
        advance(sc);
}

static void skip_byte(scanner *sc, unsigned char ch)
{
    skip_space(sc);
    if (sc->i < sc->n && sc->s[sc->i] == ch)
        advance(sc);
}

static int walk(scanner *sc, cJSON *item, size_t key_line, size_t key_column);

static int by_key(const void *a, const void *b)
{
    const key_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

/* Note key k[i] if it repeats an earlier key of its object: k[0..n) in
 * document order, or sorted by (key, order); either way the first of its
 * equals comes before it. */
static void note_repeat(scanner *sc, const key_entry *k, size_t first, size_t i)
{
    note_problem(sc, (walk_problem){ k[i].line, k[i].column, k[first].line, k[first].column,
                                     k[i].key });
}

/* The keys sc->keys[base..n_keys) of one object: note each key that
 * repeats an earlier one.  JSON leaves the meaning of a repeated key open
 * (RFC 8259 §4): cJSON keeps both and lookups find the first, Python's
 * json keeps the last, so the file would read two ways.  A small object
 * (nearly all of them) compares each pair; a wider one is sorted, so that
 * it costs O(k log k) for k members, however wide the object. */
static void check_keys(scanner *sc, size_t base)
{
    size_t n = sc->n_keys - base, first = 0;
    if (n < 2) {
        sc->n_keys = base;
        return;   /* and sc->keys may still be NULL: no pointer arithmetic on it */
    }
    key_entry *k = sc->keys + base;
    if (n <= SMALL_OBJECT) {
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (k[i].key[0] == k[j].key[0] && strcmp(k[i].key, k[j].key) == 0) {
                    note_repeat(sc, k, j, i);
                    break;
                }
        sc->n_keys = base;
        return;
    }
    crisk__sort(k, n, sizeof *k, by_key);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(k[i].key, k[first].key) != 0)
            first = i;
        else
            note_repeat(sc, k, first, i);
    }
    sc->n_keys = base;
}

static int push_key(scanner *sc, const cJSON *child, size_t line, size_t column, size_t order)
{
    if (sc->n_keys == sc->keys_cap
        && crisk__grow((void **)&sc->keys, &sc->keys_cap, sc->n_keys + 1, sizeof *sc->keys) != 0)
        return CRISK_ENOMEM;
    sc->keys[sc->n_keys++] = (key_entry){ child->string != NULL ? child->string : "", line,
                                          column, order };
    return CRISK_OK;
}

/* The members or elements of `item`, and its closing bracket. */
static int walk_children(scanner *sc, cJSON *item)
{
    int object = type_of(item) == cJSON_Object;
    size_t base = sc->n_keys, order = 0;
    skip_byte(sc, object ? '{' : '[');
    for (cJSON *child = item->child; child != NULL; child = child->next, order++) {
        size_t line = 0, column = 0;
        if (object) {
            skip_space(sc);
            line = sc->line;
            column = sc->column;
            if (push_key(sc, child, line, column, order) != CRISK_OK)
                return CRISK_ENOMEM;
            skip_string(sc);   /* the key */
            skip_byte(sc, ':');
        }
        int rc = walk(sc, child, line, column);
        if (rc != CRISK_OK)
            return rc;
        skip_byte(sc, ',');
    }
    skip_byte(sc, object ? '}' : ']');
    if (object)
        check_keys(sc, base);
    return CRISK_OK;
}

/* Position `item` and everything in it; `key_*` is where its key started.
 * Recursion depth is bounded by cJSON's nesting limit, which the parse
 * enforced. */
static int walk(scanner *sc, cJSON *item, size_t key_line, size_t key_column)
{
    skip_space(sc);
    crisk__json_place at = { item, sc->line, sc->column, key_line, key_column, sc->i, 0 };
    int rc = CRISK_OK;
    if (type_of(item) == cJSON_String)
        skip_string(sc);
    else if (type_of(item) == cJSON_Object || type_of(item) == cJSON_Array)
        rc = walk_children(sc, item);
    else
        skip_scalar(sc);
    if (rc != CRISK_OK)
        return rc;
    at.end = sc->i;
    return sc->visit(sc->ctx, &at);
}

/* What the walk (rc) and parse() found, the first in the text first: a
 * control character inside the document, the text after it (which starts
 * at `after`), a repeated key or a "\u0000".  Frees the walk's keys. */
static int judge(scanner *sc, size_t after, int rc, crisk_error *err)
{
    const unsigned char *s = sc->s;
    size_t n = sc->n;
    free(sc->keys);
    sc->keys = NULL;
    char q[CRISK__QUOTE_MAX];
    const walk_problem *p = &sc->problem;
    if (rc == CRISK_ENOMEM && err->code == CRISK_OK)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    if (rc != CRISK_OK)
        return rc;
    if (sc->control < n)
        return fail_control(s, sc->control, sc->control_in_string, err);
    rc = check_after(s, n, after, err);
    if (rc != CRISK_OK || p->line == 0)
        return rc;
    if (p->key == NULL)
        return crisk_error_set(err, CRISK_EINVALID, NULL, p->line, p->column,
                               "string contains a NUL character (\\u0000)");
    return crisk_error_set(err, CRISK_EINVALID, NULL, p->line, p->column,
                           "duplicate key '%s' (first on line %zu, column %zu)",
                           crisk__quote(q, p->key), p->first_line, p->first_column);
}

static scanner scanner_of(const unsigned char *s, size_t n, crisk__json_visit_fn visit, void *ctx)
{
    return (scanner){ .s = s, .n = n, .i = bom_length(s, n), .line = 1, .column = 1,
                      .control = n, .visit = visit, .ctx = ctx };
}

/* Walk the tree parsed from s[0..n), whose document ends before `after`
 * (parse()), and judge what the walk and parse() found. */
static int locate(cJSON *root, const unsigned char *s, size_t n, size_t after,
                  crisk__json_visit_fn visit, void *ctx, crisk_error *err)
{
    scanner sc = scanner_of(s, n, visit, ctx);
    int rc = walk(&sc, root, 0, 0);
    return judge(&sc, after, rc, err);
}

/* ---- positions from the text alone, while cJSON parses ----------------------------
 *
 * The walk above needs the tree, so it ran after cJSON's parse: two passes
 * over every byte, one after the other.  The tree path
 * (crisk__json_parse_tree: the large SBOMs) instead walks the text on a
 * second thread while cJSON parses it, telling strings, containers and
 * other values apart by their first byte, and notes where each value and
 * key starts (a "spot") in document order - the order of cJSON's items.
 * The same skip_* functions move through the text, so the positions, the
 * control characters and the "\u0000" escapes it finds are the walk's.
 * Once the parse succeeded, one pass over the tree hands each item its
 * spot and checks the keys, touching no byte of the text.  The walk never
 * trusts the text (cJSON has not judged it yet): at anything it does not
 * expect it gives up, and so it does when the tree and the spots do not
 * pair up; then the walk above runs after all, so a text that cJSON
 * accepted and this walk did not understand still gets the same
 * positions and problems.  Cost: 16 bytes per value while the tree is
 * placed. */

typedef struct spot {
    uint32_t line, column;             /* where the value starts */
    uint32_t key_line, key_column;     /* where its key starts; 0 = none */
} spot;

typedef struct text_walk {
    const char *expected;        /* for check_bytes(): what the file should be */
    crisk_error checked;         /* check_bytes()'s verdict, made on the same thread */
    scanner sc;                  /* the text, the position, what it noted */
    spot *spots;
    size_t n_spots, spots_cap;
    int failed;                  /* gave up: the text, a position past 32 bits, or memory */
    pthread_t thread;
    int started;
} text_walk;

static void add_spot(text_walk *w, size_t key_line, size_t key_column)
{
    const scanner *sc = &w->sc;
    if (sc->line >= UINT32_MAX || sc->column >= UINT32_MAX || key_line >= UINT32_MAX
        || key_column >= UINT32_MAX) {
        w->failed = 1;   /* a file of 4 GiB: the walk on the tree counts in size_t */
        return;
    }
    if (w->n_spots == w->spots_cap
        && crisk__grow((void **)&w->spots, &w->spots_cap, w->n_spots + 1, sizeof *w->spots) != 0) {
        w->failed = 1;
        return;
    }
    w->spots[w->n_spots++] = (spot){ (uint32_t)sc->line, (uint32_t)sc->column,
                                     (uint32_t)key_line, (uint32_t)key_column };
}

/* Whether the next byte, after white space, is `ch`; if so, past it. */
static int take_byte(scanner *sc, unsigned char ch)
{
    skip_space(sc);
    if (sc->i >= sc->n || sc->s[sc->i] != ch)
        return 0;
    advance(sc);
    return 1;
}

static void text_value(text_walk *w, int depth, size_t key_line, size_t key_column);

/* The members or elements of a container whose opening bracket is passed. */
static void text_children(text_walk *w, int depth, int object)
{
    scanner *sc = &w->sc;
    unsigned char close = object ? '}' : ']';
    if (take_byte(sc, close))
        return;   /* empty */
    while (!w->failed) {
        size_t key_line = 0, key_column = 0;
        if (object) {
            skip_space(sc);
            if (sc->i >= sc->n || sc->s[sc->i] != '"') {
                w->failed = 1;
                return;
            }
            key_line = sc->line;
            key_column = sc->column;
            skip_string(sc);
            if (!take_byte(sc, ':')) {
                w->failed = 1;
                return;
            }
        }
        text_value(w, depth + 1, key_line, key_column);
        if (take_byte(sc, close))
            return;
        if (!take_byte(sc, ','))
            w->failed = 1;
    }
}

/* One value and everything in it; nesting past cJSON's limit is the parse's
 * error, and the walk gives up there rather than go deeper. */
static void text_value(text_walk *w, int depth, size_t key_line, size_t key_column)
{
    scanner *sc = &w->sc;
    skip_space(sc);
    if (sc->i >= sc->n || depth > CJSON_NESTING_LIMIT) {
        w->failed = 1;
        return;
    }
    add_spot(w, key_line, key_column);
    unsigned char ch = sc->s[sc->i];
    if (ch == '"') {
        skip_string(sc);
    } else if (ch == '{' || ch == '[') {
        advance(sc);
        text_children(w, depth, ch == '{');
    } else {
        skip_scalar(sc);
    }
}

/* The bytes checked (the parse's result is dropped if they are bad), then
 * the walk. */
static void *text_walk_run(void *arg)
{
    text_walk *w = arg;
    if (check_bytes(w->sc.s, w->sc.n, w->expected, &w->checked) != CRISK_OK)
        w->failed = 1;
    else
        text_value(w, 0, 0, 0);
    return NULL;
}

/* Check and walk s[0..n) on a second thread; without one, now. */
static void text_walk_start(text_walk *w, const unsigned char *s, size_t n, const char *expected)
{
    *w = (text_walk){ .expected = expected, .checked = CRISK_ERROR_INIT,
                      .sc = scanner_of(s, n, NULL, NULL) };
    w->started = crisk__thread_start(&w->thread, text_walk_run, w) == 0;
    if (!w->started)
        text_walk_run(w);
}

static void text_walk_finish(text_walk *w)
{
    if (w->started)
        pthread_join(w->thread, NULL);
    w->started = 0;
}

/* Hand `item` and everything in it its spot (*next the first unused),
 * checking each object's keys, and visit each value as walk() does.
 * Returns CRISK_OK, -1 when the tree and the spots do not pair up, or
 * what visit or the key check returned. */
static int place(scanner *sc, const spot *spots, size_t n_spots, size_t *next, cJSON *item)
{
    if (*next >= n_spots)
        return -1;
    const spot *at = &spots[(*next)++];
    int type = type_of(item);
    if (type == cJSON_Object || type == cJSON_Array) {
        size_t base = sc->n_keys, order = 0;
        for (cJSON *child = item->child; child != NULL; child = child->next, order++) {
            if (type == cJSON_Object) {
                if (*next >= n_spots || spots[*next].key_line == 0)
                    return -1;
                if (push_key(sc, child, spots[*next].key_line, spots[*next].key_column, order)
                    != CRISK_OK)
                    return CRISK_ENOMEM;
            }
            int rc = place(sc, spots, n_spots, next, child);
            if (rc != CRISK_OK)
                return rc;
        }
        if (type == cJSON_Object)
            check_keys(sc, base);
    }
    crisk__json_place p = { item, at->line, at->column, at->key_line, at->key_column, 0, 0 };
    return sc->visit(sc->ctx, &p);
}

/* locate() with the text already walked by `w` (finished). */
static int locate_spots(cJSON *root, text_walk *w, size_t after, crisk__json_visit_fn visit,
                        void *ctx, crisk_error *err)
{
    scanner *sc = &w->sc;
    size_t next = 0;
    int rc = -1;
    if (!w->failed) {
        sc->visit = visit;
        sc->ctx = ctx;
        rc = place(sc, w->spots, w->n_spots, &next, root);
        if (rc == CRISK_OK && next != w->n_spots)
            rc = -1;
    }
    free(w->spots);
    w->spots = NULL;
    if (rc == -1) {   /* not understood: the walk on the tree, from the start */
        free(sc->keys);
        sc->keys = NULL;
        return locate(root, sc->s, sc->n, after, visit, ctx, err);
    }
    return judge(sc, after, rc, err);
}

/* ---- the tree's memory ------------------------------------------------------------
 *
 * cJSON allocates three blocks per value (the item, its key, its string):
 * a 100k-package SPDX document is 2.6 million values, and malloc, free and
 * the page faults of their headers were a third of its import.  A tree
 * parsed by crisk__json_parse_tree lives instead in a few large blocks,
 * taken in order and freed together.  cJSON allows one allocator per
 * process (cJSON_InitHooks), so the hooks are installed once and ask a
 * per-thread pointer: while this thread parses into an arena, cJSON's
 * allocations come from it and its frees (of a failed parse) wait for the
 * arena's end; otherwise they are malloc and free, unchanged for every
 * other tree and thread.  The library itself only parses with cJSON.  A
 * program embedding the library should not install hooks of its own:
 * before the first SBOM load they are replaced by these (malloc and free
 * outside an arena), after it the SBOM trees would come from its
 * allocator and never be freed. */

/* Under AddressSanitizer the arena tells it what is in use: a block's
 * bytes are poisoned until handed out, each allocation is followed by a
 * poisoned red zone, and a reset poisons the block again - so a read past
 * a string or an item of the tree, or of an entry already forgotten, is
 * caught as it would be with malloc.  Without it these are no-ops. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define REDZONE ARENA_ALIGN
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define REDZONE 0
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define BLOCK_MIN ((size_t)64 << 10)    /* bytes: the first block */
#define BLOCK_MAX ((size_t)16 << 20)    /* bytes: blocks grow by doubling up to this */
#define ARENA_ALIGN 8                    /* cJSON's items hold pointers and a double */

struct crisk__json_block {
    struct crisk__json_block *next;    /* the block filled before this one */
    size_t used, size;                 /* bytes of data[] */
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

static _Thread_local struct crisk__json_block **arena;   /* NULL: not parsing into one */
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *arena_take(struct crisk__json_block **blocks, size_t size)
{
    size_t need = ((size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1)) + REDZONE;
    struct crisk__json_block *b = *blocks;
    if (need < size)
        return NULL;   /* wrapped round */
    if (b == NULL || b->size - b->used < need) {
        size_t grown = b == NULL ? BLOCK_MIN : b->size < BLOCK_MAX ? 2 * b->size : BLOCK_MAX;
        size_t bytes = need > grown ? need : grown;
        struct crisk__json_block *fresh = malloc(sizeof *fresh + bytes);
        if (fresh == NULL)
            return NULL;
        crisk__advise_huge(fresh, sizeof *fresh + bytes);
        *fresh = (struct crisk__json_block){ b, 0, bytes };
        POISON(fresh->data, bytes);
        if (b != NULL && bytes == need && b->size - b->used >= BLOCK_MIN) {
            /* a large string: give it a block of its own behind the current one */
            fresh->next = b->next;
            b->next = fresh;
            fresh->used = need;
            UNPOISON(fresh->data, size);
            return fresh->data;
        }
        *blocks = b = fresh;
    }
    void *out = b->data + b->used;
    b->used += need;
    UNPOISON(out, size);
    return out;
}

static void free_block(struct crisk__json_block *b)
{
    UNPOISON(b->data, b->size);   /* back to malloc as it was handed out */
    free(b);
}

static void *hook_malloc(size_t size)
{
    return arena != NULL ? arena_take(arena, size) : malloc(size);
}

static void hook_free(void *p)
{
    if (arena == NULL)
        free(p);
}

static void install_hooks(void)
{
    cJSON_Hooks hooks = { hook_malloc, hook_free };
    cJSON_InitHooks(&hooks);
}

void crisk__json_tree_release(crisk__json_tree *tree)
{
    if (tree == NULL)
        return;
    crisk__json_tree_reset(tree);   /* every block but the newest, and the root */
    if (tree->blocks != NULL) {
        free_block(tree->blocks);
        tree->blocks = NULL;
    }
}

int crisk__json_parse_tree(crisk__json_tree *out, const unsigned char *s, size_t n,
                           const char *expected, crisk__json_visit_fn visit, void *ctx,
                           crisk_error *err)
{
    *out = (crisk__json_tree){ NULL, NULL };
    pthread_once(&hooks_once, install_hooks);
    cJSON *root = NULL;
    size_t after = n;
    text_walk w;
    text_walk_start(&w, s, n, expected);
    arena = &out->blocks;
    int rc = parse(&root, &after, s, n, err);   /* cJSON's frees wait for the release */
    arena = NULL;
    text_walk_finish(&w);
    if (w.checked.code != CRISK_OK) {   /* bad bytes come first, whatever cJSON made of them */
        *err = w.checked;
        rc = w.checked.code;
    } else if (rc == CRISK_OK) {
        rc = locate_spots(root, &w, after, visit, ctx, err);
    }
    free(w.spots);
    free(w.sc.keys);
    if (rc != CRISK_OK) {
        crisk__json_tree_release(out);
        return rc;
    }
    out->root = root;
    return CRISK_OK;
}

int crisk__json_parse(cJSON **out, const unsigned char *s, size_t n, const char *expected,
                      crisk__json_visit_fn visit, void *ctx, crisk_error *err)
{
    cJSON *root = NULL;
    size_t after = n;
    *out = NULL;
    int rc = check_bytes(s, n, expected, err);
    if (rc == CRISK_OK)
        rc = parse(&root, &after, s, n, err);
    if (rc == CRISK_OK)
        rc = locate(root, s, n, after, visit, ctx, err);
    if (rc != CRISK_OK) {
        cJSON_Delete(root);
        return rc;
    }
    *out = root;
    return CRISK_OK;
}

int crisk__json_keep_position(void *ctx, const crisk__json_place *at)
{
    (void)ctx;
    if (type_of(at->item) != cJSON_Number) {
        at->item->valuedouble = (double)at->line;
        at->item->valueint = at->column > INT_MAX ? 0 : (int)at->column;
    }
    return CRISK_OK;
}

size_t crisk__json_line(const cJSON *at)
{
    return at != NULL && type_of(at) != cJSON_Number ? (size_t)at->valuedouble : 0;
}

size_t crisk__json_column(const cJSON *at)
{
    return at != NULL && type_of(at) != cJSON_Number && at->valueint > 0 ? (size_t)at->valueint
                                                                          : 0;
}

/* ---- a document read one value at a time ------------------------------------------
 *
 * The SPDX reader's fast path (spdx.c says why): the outline finds the
 * members of the outermost object without parsing their values, and each
 * value - or each entry of a large array - is then parsed by cJSON into a
 * tree that is emptied after it, and walked for its positions and
 * problems exactly as the whole document would be.  Nothing here reports
 * a problem: whatever is not clean or not understood is -1, and the
 * caller reads the whole document instead, which says what is wrong in the
 * words of crisk__json_parse_tree. */

#define OUTLINE_DEPTH_MAX (CJSON_NESTING_LIMIT - 8)   /* deeper: the whole document decides */

/* What a byte is to the outline outside strings: nothing to do (OK_),
 * a line feed (LF_), white space JSON allows (WS_), a forbidden control
 * character (BAD), a quote (QU_), an opening (OPN) or closing (CLS)
 * bracket, a comma (CMA). */
enum { OK_ = 0, LF_, WS_, BAD, QU_, OPN, CLS, CMA };

static unsigned char outline_class(unsigned char ch)
{
    switch (ch) {
    case '\n': return LF_;
    case ' ': case '\t': case '\r': return WS_;
    case '"': return QU_;
    case '{': case '[': return OPN;
    case '}': case ']': return CLS;
    case ',': return CMA;
    default: return ch < 0x20 ? BAD : OK_;
    }
}

typedef struct outliner {
    const unsigned char *s;
    size_t n, i;
    crisk__json_cursor *entries;  /* the entries' starts, noted */
    size_t n_entries, entries_cap;
    int failed;                   /* out of memory */
    size_t line, line_start;     /* line of s[i], offset where it starts */
    size_t col_at, col;          /* column of offset col_at (on line `line`) */
    unsigned char cls[256];      /* outline_class() of each byte */
    unsigned char plain[256];    /* 1: a byte a string goes on after (not '"', '\\', < 0x20) */
} outliner;

/* The cursor at offset i (on the current line, at or after the last one
 * asked): the column counted on from the last answer, so that the whole
 * outline counts each byte of a line at most once. */
static crisk__json_cursor outline_cursor(outliner *o)
{
    if (o->col_at < o->line_start) {
        o->col_at = o->line_start;
        o->col = 1;
    }
    for (size_t k = o->col_at; k < o->i; k++)
        o->col += (o->s[k] & 0xC0) != 0x80;
    o->col_at = o->i;
    return (crisk__json_cursor){ o->i, o->line, o->col };
}

/* Past white space; 0 on a forbidden control character or the end. */
static int outline_space(outliner *o)
{
    while (o->i < o->n) {
        unsigned char c = o->cls[o->s[o->i]];
        if (c == LF_) {
            o->line++;
            o->line_start = o->i + 1;
        } else if (c != WS_) {
            return c != BAD;
        }
        o->i++;
    }
    return 0;
}

/* Past a string (at its quote); 0 if it has a control character or no end. */
static int outline_string(outliner *o)
{
    const unsigned char *s = o->s;
    size_t i = o->i + 1, n = o->n;
    const unsigned char *plain = o->plain;
    for (;;) {
        while (plain[s[i]] && plain[s[i + 1]] && plain[s[i + 2]] && plain[s[i + 3]])
            i += 4;   /* each test stops at s[n] at the latest, the NUL */
        while (plain[s[i]])
            i++;
        if (i >= n || s[i] < 0x20)
            return 0;
        if (s[i] == '"')
            break;
        if (n - i < 2)
            return 0;   /* a backslash last: no character to escape, no end */
        i += 2;   /* an escape: \" does not end the string */
    }
    o->i = i + 1;
    return 1;
}

/* Note where the entry at o->i starts. */
static int outline_entry(outliner *o)
{
    if (crisk__grow((void **)&o->entries, &o->entries_cap, o->n_entries + 1, sizeof *o->entries)
        != 0) {
        o->failed = 1;
        return 0;
    }
    o->entries[o->n_entries++] = outline_cursor(o);
    return 1;
}

/* Past the value at o->i, noting where each entry of an array starts.  0
 * if it is not understood. */
static int outline_value(outliner *o)
{
    const unsigned char *s = o->s;
    unsigned char first = s[o->i];
    if (first == '"')
        return outline_string(o);
    if (first != '{' && first != '[') {   /* a number, true, false, null: to a delimiter */
        while (o->i < o->n && o->cls[s[o->i]] == OK_)
            o->i++;
        return 1;
    }
    size_t depth = 1;
    o->i++;
    if (first == '[') {
        if (!outline_space(o))
            return 0;
        if (s[o->i] != ']' && !outline_entry(o))
            return 0;
    }
    for (;;) {
        if (o->i >= o->n)
            return 0;
        switch (o->cls[s[o->i]]) {
        case QU_:
            if (!outline_string(o))
                return 0;
            continue;
        case OPN:
            if (++depth > OUTLINE_DEPTH_MAX)
                return 0;
            break;
        case CLS:
            if (--depth == 0) {
                o->i++;
                return 1;
            }
            break;
        case CMA:
            if (depth == 1 && first == '[') {
                o->i++;
                if (!outline_space(o) || !outline_entry(o))
                    return 0;
                continue;
            }
            break;
        case LF_:
            o->line++;
            o->line_start = o->i + 1;
            /* fall through: the indentation */
        case WS_:
            while (s[o->i + 1] == ' ')
                o->i++;   /* stops at s[n] at the latest, the NUL */
            break;
        case BAD:
            return 0;
        default:
            break;
        }
        o->i++;
    }
}

static int by_key_bytes(const void *a, const void *b)
{
    const crisk__json_member *x = *(const crisk__json_member *const *)a;
    const crisk__json_member *y = *(const crisk__json_member *const *)b;
    if (x->key_len != y->key_len)
        return x->key_len < y->key_len ? -1 : 1;
    int c = memcmp(x->key, y->key, x->key_len);
    return c != 0 ? c : (x > y) - (x < y);
}

/* Whether two members have the same key (keys without escapes: the bytes
 * are the key). */
static int has_repeated_key(const crisk__json_member *m, size_t k, int *failed)
{
    const crisk__json_member **sorted = malloc((k + 1) * sizeof *sorted);
    int repeated = 0;
    if (sorted == NULL) {
        *failed = 1;
        return 0;
    }
    for (size_t i = 0; i < k; i++)
        sorted[i] = &m[i];
    crisk__sort(sorted, k, sizeof *sorted, by_key_bytes);
    for (size_t i = 1; i < k && !repeated; i++)
        repeated = sorted[i]->key_len == sorted[i - 1]->key_len
                   && memcmp(sorted[i]->key, sorted[i - 1]->key, sorted[i]->key_len) == 0;
    free(sorted);
    return repeated;
}

/* One member at o->i (its key's quote), appended to *m. */
static int outline_member(outliner *o, crisk__json_member **m, size_t *k, size_t *cap)
{
    const unsigned char *s = o->s;
    if (s[o->i] != '"')
        return 0;
    size_t key = o->i + 1;
    if (!outline_string(o))
        return 0;
    size_t key_len = o->i - 1 - key;
    if (memchr(s + key, '\\', key_len) != NULL)
        return 0;   /* an escaped key: the whole document decides */
    if (!outline_space(o) || s[o->i] != ':')
        return 0;
    o->i++;
    if (!outline_space(o))
        return 0;
    crisk__json_member mem = { (const char *)s + key, key_len, outline_cursor(o), 0,
                               o->n_entries, 0 };
    if (!outline_value(o))
        return 0;
    mem.end = o->i;
    mem.entries = o->n_entries - mem.first;
    if (crisk__grow((void **)m, cap, *k + 1, sizeof **m) != 0)
        return -1;
    (*m)[(*k)++] = mem;
    return 1;
}

int crisk__json_outline_make(crisk__json_outline *out, const unsigned char *s, size_t n)
{
    outliner o = { .s = s, .n = n, .i = bom_length(s, n), .line = 1, .col = 1 };
    crisk__json_member *m = NULL;
    size_t k = 0, cap = 0;
    int ok = 0, failed = 0;
    o.line_start = o.col_at = o.i;
    for (int ch = 0; ch < 256; ch++) {
        o.cls[ch] = outline_class((unsigned char)ch);
        o.plain[ch] = ch >= 0x20 && ch != '"' && ch != '\\';
    }
    *out = (crisk__json_outline){ NULL, 0, NULL, 0 };
    if (!outline_space(&o) || s[o.i] != '{')
        goto out;
    o.i++;
    if (!outline_space(&o))
        goto out;
    if (s[o.i] != '}') {
        for (;;) {
            int rc = outline_member(&o, &m, &k, &cap);
            failed = rc < 0 || o.failed;
            if (rc <= 0 || !outline_space(&o))
                goto out;
            if (s[o.i] == '}')
                break;
            if (s[o.i] != ',')
                goto out;
            o.i++;
            if (!outline_space(&o))
                goto out;
        }
    }
    o.i++;
    outline_space(&o);
    ok = o.i >= n && !has_repeated_key(m, k, &failed);
out:
    if (!ok || failed) {
        free(m);
        free(o.entries);
        return failed ? CRISK_ENOMEM : -1;
    }
    *out = (crisk__json_outline){ m, k, o.entries, o.n_entries };
    return CRISK_OK;
}

void crisk__json_outline_release(crisk__json_outline *outline)
{
    free(outline->members);
    free(outline->entries);
    *outline = (crisk__json_outline){ NULL, 0, NULL, 0 };
}

/* A scanner of s[0..n) standing at the cursor `at`, and the cursor where a
 * scanner stands: how a value read alone starts and hands on its end. */
static scanner scanner_at(const unsigned char *s, size_t n, const crisk__json_cursor *at,
                          crisk__json_visit_fn visit, void *ctx)
{
    scanner sc = scanner_of(s, n, visit, ctx);
    sc.i = at->i;
    sc.line = at->line;
    sc.column = at->column;
    return sc;
}

static crisk__json_cursor cursor_of(const scanner *sc)
{
    return (crisk__json_cursor){ sc->i, sc->line, sc->column };
}

int crisk__json_array_next(const unsigned char *s, size_t n, crisk__json_cursor *at, int first)
{
    scanner sc = scanner_at(s, n, at, NULL, NULL);
    int more = 1;
    if (first ? !take_byte(&sc, '[') : 0)
        return -1;
    if (take_byte(&sc, ']'))
        more = 0;
    else if (!first && !take_byte(&sc, ','))
        return -1;
    if (more)
        skip_space(&sc);
    if (sc.control < n || (more && sc.i >= n))
        return -1;
    *at = cursor_of(&sc);
    return more;
}

/* ---- plain values, built straight from the text ----------------------------------
 *
 * Nearly every entry of a large SBOM is objects, arrays and strings, with
 * the odd true, false or null: a "plain" value.  Its strings may hold the
 * escapes Go's encoder writes into every purl and supplier of a syft or
 * trivy document (\u0026 for '&', \u003c for '<') and the other common
 * ones; keys may hold none.
 * cJSON's parse and the walk read each of its bytes twice, the second time
 * only to find where things are.  A plain value is built here in one pass
 * instead, into the tree those two would make - the same items, keys,
 * strings, order and links (a list's head's `prev` is its tail, as cJSON
 * leaves it), `visit` called at the same places in the same order -
 * checked item by item against them by tests/test_json_plain.c.  Whatever
 * is not plain (a number, an escape in a key, a \u escape of NUL or of a
 * surrogate, a control character, a repeated key, more than PLAIN_MEMBERS
 * members or PLAIN_VALUES values, nesting deeper than PLAIN_DEPTH, any
 * doubt about the syntax) is not judged here: the value is read again
 * from its start by cJSON and the walk, which say what it is. */

#define PLAIN_DEPTH 32       /* containers inside each other at most */
#define PLAIN_MEMBERS 32     /* members of one object at most (repeats found pairwise) */
#define PLAIN_VALUES 256     /* values in all at most: their places wait on the stack */

enum { NOT_PLAIN = 0, PLAIN = 1, PLAIN_FAILED = -1 };

/* The places of a plain value's values, in the walk's order: `visit` is
 * called for them once the whole value has proved plain, so that nothing
 * is visited for a value read again by cJSON. */
typedef struct plain_places {
    crisk__json_place at[PLAIN_VALUES];
    size_t n;
} plain_places;

typedef struct plain_key {
    const unsigned char *at;     /* the key's bytes in the text */
    size_t len;
    size_t line, column;         /* where its quote is */
} plain_key;

/* An item of `type` in the tree, zeroed as cJSON makes them; NULL when out
 * of memory. */
static cJSON *plain_item(crisk__json_tree *tree, int type)
{
    cJSON *item = arena_take(&tree->blocks, sizeof *item);
    if (item != NULL) {
        memset(item, 0, sizeof *item);
        item->type = type;
    }
    return item;
}

/* A copy of len bytes at p, with a NUL after them, in the tree. */
static char *plain_copy(crisk__json_tree *tree, const unsigned char *p, size_t len)
{
    char *copy = arena_take(&tree->blocks, len + 1);
    if (copy != NULL) {
        memcpy(copy, p, len);
        copy[len] = '\0';
    }
    return copy;
}

/* The characters after a backslash that stand for one character (cJSON
 * takes these and 'u'). */
static const char simple_escapes[] = "\"\\/bfnrt";

/* The value of hex digit c, or -1. */
static int hex_digit(unsigned char c)
{
    return c >= '0' && c <= '9' ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The code point of the \uXXXX escape at p (its backslash; four bytes at
 * least follow), or 0 when it is not four hex digits. */
static unsigned escaped_unit(const unsigned char *p)
{
    unsigned u = 0;
    for (int k = 2; k < 6; k++) {
        int d = hex_digit(p[k]);
        if (d < 0)
            return 0;
        u = u << 4 | (unsigned)d;
    }
    return u;
}

/* The length of the escape at s[i] (its backslash) if the plain path
 * takes it - one of \" \\ \/ \b \f \n \r \t, or \uXXXX naming a character
 * of the Basic Multilingual Plane other than NUL and the surrogates, which
 * cJSON decodes to UTF-8 of one to three bytes - else 0. */
static size_t plain_escape(const unsigned char *s, size_t i, size_t n)
{
    if (n - i < 2)
        return 0;
    if (s[i + 1] != '\0' && strchr(simple_escapes, s[i + 1]) != NULL)
        return 2;
    if (s[i + 1] != 'u' || n - i < 6)
        return 0;
    unsigned u = escaped_unit(s + i);
    return u != 0 && (u < 0xD800 || u > 0xDFFF) ? 6 : 0;
}

/* The string at sc->i (its quote), if it has no control character and
 * no escape but those plain_escape() takes (none at all in a key: `key`):
 * its bytes s[*start..*start + *len) (escaped when *escaped), the scanner
 * moved past it as skip_string() moves it: a column per character of the
 * text, escapes as written. */
static int plain_string(scanner *sc, int key, size_t *start, size_t *len, int *escaped)
{
    const unsigned char *s = sc->s;
    size_t i = sc->i + 1, n = sc->n, column = sc->column + 1;
    *escaped = 0;
    for (;;) {
        size_t run = i;
        i = past_plain(s, i, n);
        column += i - run;
        unsigned char c = in_string[s[i]];
        if (c == QT)
            break;
        if (c == BS) {
            size_t e = key ? 0 : plain_escape(s, i, n);
            if (e == 0)
                return 0;
            *escaped = 1;
            i += e;
            column += e;   /* ASCII, a column each */
            continue;
        }
        if (c != CN && c != LD)
            return 0;   /* a control character or the end (the NUL) */
        column += c == LD;
        i++;
    }
    *start = sc->i + 1;
    *len = i - *start;
    sc->i = i + 1;
    sc->column = column + 1;
    return 1;
}

/* A copy of the escaped string p[0..len) (plain_string() took it) decoded
 * as cJSON decodes it, with a NUL after it, in the tree: never longer than
 * the text. */
static char *plain_decode(crisk__json_tree *tree, const unsigned char *p, size_t len)
{
    char *copy = arena_take(&tree->blocks, len + 1), *o = copy;
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < len;) {
        if (p[i] != '\\') {
            *o++ = (char)p[i++];
            continue;
        }
        unsigned char e = p[i + 1];
        if (e != 'u') {
            static const char to[] = "\"\\/\b\f\n\r\t";   /* of simple_escapes */
            *o++ = to[strchr(simple_escapes, e) - simple_escapes];
            i += 2;
            continue;
        }
        unsigned u = escaped_unit(p + i);
        if (u < 0x80) {
            *o++ = (char)u;
        } else if (u < 0x800) {
            *o++ = (char)(0xC0 | u >> 6);
            *o++ = (char)(0x80 | (u & 0x3F));
        } else {
            *o++ = (char)(0xE0 | u >> 12);
            *o++ = (char)(0x80 | (u >> 6 & 0x3F));
            *o++ = (char)(0x80 | (u & 0x3F));
        }
        i += 6;
    }
    *o = '\0';
    return copy;
}

/* Whether the byte at i may follow a value: white space, a comma or a
 * closing bracket (anything else makes cJSON's parse fail or differ). */
static int ends_value(const scanner *sc, size_t i)
{
    unsigned char c = sc->s[i];
    return i < sc->n && (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == ','
                         || c == ']' || c == '}');
}

static int plain_value(scanner *sc, crisk__json_tree *tree, plain_places *pl, int depth,
                       const plain_key *key, cJSON **out);

/* The members (object) or elements of `item`, sc->i at its opening
 * bracket; the scanner moved past its closing one. */
static int plain_children(scanner *sc, crisk__json_tree *tree, plain_places *pl, int depth,
                          cJSON *item)
{
    const unsigned char *s = sc->s;
    int object = item->type == cJSON_Object;
    unsigned char close = object ? '}' : ']';
    plain_key keys[PLAIN_MEMBERS];
    size_t count = 0;
    cJSON *head = NULL, *tail = NULL;
    advance(sc);
    skip_space(sc);
    if (s[sc->i] == close) {
        advance(sc);
        return PLAIN;
    }
    for (;;) {
        plain_key *key = NULL;
        if (object) {
            size_t start, len;
            if (count == PLAIN_MEMBERS || s[sc->i] != '"')
                return NOT_PLAIN;
            key = &keys[count];
            key->line = sc->line;
            key->column = sc->column;
            int escaped;
            if (!plain_string(sc, 1, &start, &len, &escaped))
                return NOT_PLAIN;
            key->at = s + start;
            key->len = len;
            for (size_t k = 0; k < count; k++)
                if (keys[k].len == len && memcmp(keys[k].at, key->at, len) == 0)
                    return NOT_PLAIN;   /* a repeated key: the walk reports it */
            skip_space(sc);
            if (s[sc->i] != ':')
                return NOT_PLAIN;
            advance(sc);
            skip_space(sc);
        }
        cJSON *child = NULL;
        int rc = plain_value(sc, tree, pl, depth + 1, key, &child);
        if (rc != PLAIN)
            return rc;
        if (head == NULL) {
            head = child;
        } else {
            tail->next = child;
            child->prev = tail;
        }
        tail = child;
        count++;
        skip_space(sc);
        if (s[sc->i] == close) {
            advance(sc);
            break;
        }
        if (s[sc->i] != ',')
            return NOT_PLAIN;
        advance(sc);
        skip_space(sc);
    }
    head->prev = tail;
    item->child = head;
    return PLAIN;
}

/* The value at sc->i (not white space), if plain, into *out; `key` is its
 * key when it is a member of an object. */
static int plain_value(scanner *sc, crisk__json_tree *tree, plain_places *pl, int depth,
                       const plain_key *key, cJSON **out)
{
    static const struct { const char *text; size_t len; int type; } words[] = {
        { "true", 4, cJSON_True }, { "false", 5, cJSON_False }, { "null", 4, cJSON_NULL },
    };
    const unsigned char *s = sc->s;
    crisk__json_place at = { NULL, sc->line, sc->column, key != NULL ? key->line : 0,
                             key != NULL ? key->column : 0, sc->i, 0 };
    cJSON *item = NULL;
    unsigned char first = s[sc->i];
    if (first == '"') {
        size_t start, len;
        int escaped;
        if (!plain_string(sc, 0, &start, &len, &escaped))
            return NOT_PLAIN;
        item = plain_item(tree, cJSON_String);
        if (item == NULL)
            return PLAIN_FAILED;
        item->valuestring = escaped ? plain_decode(tree, s + start, len)
                                    : plain_copy(tree, s + start, len);
        if (item->valuestring == NULL)
            return PLAIN_FAILED;
    } else if (first == '{' || first == '[') {
        if (depth >= PLAIN_DEPTH)
            return NOT_PLAIN;
        item = plain_item(tree, first == '{' ? cJSON_Object : cJSON_Array);
        if (item == NULL)
            return PLAIN_FAILED;
        int rc = plain_children(sc, tree, pl, depth, item);
        if (rc != PLAIN)
            return rc;
    } else {
        for (size_t w = 0; w < sizeof words / sizeof *words && item == NULL; w++) {
            if (sc->n - sc->i < words[w].len || memcmp(s + sc->i, words[w].text, words[w].len) != 0
                || !ends_value(sc, sc->i + words[w].len))
                continue;
            item = plain_item(tree, words[w].type);
            if (item == NULL)
                return PLAIN_FAILED;
            item->valueint = words[w].type == cJSON_True;   /* as cJSON's parse sets it */
            sc->i += words[w].len;
            sc->column += words[w].len;
        }
        if (item == NULL)
            return NOT_PLAIN;   /* a number, or not JSON */
    }
    if (key != NULL && (item->string = plain_copy(tree, key->at, key->len)) == NULL)
        return PLAIN_FAILED;
    if (pl->n == PLAIN_VALUES)
        return NOT_PLAIN;
    at.item = item;
    at.end = sc->i;
    pl->at[pl->n++] = at;
    *out = item;
    return PLAIN;
}

/* crisk__json_parse_value() for a plain value: PLAIN (*out, *at set),
 * NOT_PLAIN (nothing set; what was built is left in the tree) or
 * PLAIN_FAILED (out of memory, or `visit` failed). */
static int parse_plain(crisk__json_tree *tree, cJSON **out, const unsigned char *s, size_t n,
                       crisk__json_cursor *at, crisk__json_visit_fn visit, void *ctx)
{
    if (at->i >= n)
        return NOT_PLAIN;
    scanner sc = scanner_at(s, n, at, visit, ctx);
    cJSON *root = NULL;
    plain_places pl;
    pl.n = 0;
    int rc = plain_value(&sc, tree, &pl, 0, NULL, &root);
    if (rc != PLAIN)
        return rc;
    if (sc.control < n)
        return NOT_PLAIN;   /* in white space: the walk's to report */
    for (size_t k = 0; k < pl.n; k++)
        if (visit(ctx, &pl.at[k]) != CRISK_OK)
            return PLAIN_FAILED;
    *at = cursor_of(&sc);
    *out = root;
    return PLAIN;
}

/* The value at *at read by cJSON and the walk (crisk__json_parse_value
 * without the plain path). */
static int parse_cjson(crisk__json_tree *tree, cJSON **out, const unsigned char *s, size_t n,
                       crisk__json_cursor *at, crisk__json_visit_fn visit, void *ctx)
{
    *out = NULL;
    if (at->i >= n || s[at->i] == '\0' || strchr("\"{[-0123456789tfn", s[at->i]) == NULL)
        return -1;   /* cJSON would skip a BOM or white space here; JSON would not (and
                      * strchr finds a NUL: its set's own terminator) */
    pthread_once(&hooks_once, install_hooks);
    const char *end = NULL;
    arena = &tree->blocks;
    cJSON *root = cJSON_ParseWithLengthOpts((const char *)s + at->i, n - at->i + 1, &end, 0);
    arena = NULL;
    if (root == NULL)
        return -1;
    scanner sc = scanner_at(s, n, at, visit, ctx);
    int rc = walk(&sc, root, 0, 0);
    free(sc.keys);
    if (rc != CRISK_OK)
        return rc;
    if (sc.control < n || sc.problem.line != 0 || end == NULL
        || sc.i != (size_t)((const unsigned char *)end - s))
        return -1;
    *at = cursor_of(&sc);
    *out = root;
    return CRISK_OK;
}

int crisk__json_parse_value_how(crisk__json_tree *tree, cJSON **out, const unsigned char *s,
                                size_t n, crisk__json_cursor *at, crisk__json_visit_fn visit,
                                void *ctx, int how)
{
    *out = NULL;
    if (how != CRISK__JSON_CJSON) {
        int rc = parse_plain(tree, out, s, n, at, visit, ctx);
        if (rc != NOT_PLAIN)
            return rc == PLAIN ? CRISK_OK : -1;
        if (how == CRISK__JSON_PLAIN_ONLY)
            return CRISK__JSON_NOT_PLAIN;
    }
    return parse_cjson(tree, out, s, n, at, visit, ctx);
}

int crisk__json_parse_value(crisk__json_tree *tree, cJSON **out, const unsigned char *s,
                            size_t n, crisk__json_cursor *at, crisk__json_visit_fn visit,
                            void *ctx)
{
    return crisk__json_parse_value_how(tree, out, s, n, at, visit, ctx, CRISK__JSON_EITHER);
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int crisk__json_same_tree(const cJSON *a, const cJSON *b)
{
    if (a->type != b->type || !same_text(a->string, b->string)
        || !same_text(a->valuestring, b->valuestring) || a->valueint != b->valueint
        || memcmp(&a->valuedouble, &b->valuedouble, sizeof a->valuedouble) != 0)
        return 0;
    const cJSON *x = a->child, *y = b->child, *x_last = NULL, *y_last = NULL;
    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        if ((x_last != NULL && x->prev != x_last) || (y_last != NULL && y->prev != y_last)
            || !crisk__json_same_tree(x, y))
            return 0;
        x_last = x;
        y_last = y;
    }
    return x == NULL && y == NULL
           && (a->child == NULL || (a->child->prev == x_last && b->child->prev == y_last));
}

void crisk__json_tree_reset(crisk__json_tree *tree)
{
    struct crisk__json_block *keep = tree->blocks;
    if (keep == NULL)
        return;
    while (keep->next != NULL) {
        struct crisk__json_block *next = keep->next->next;
        free_block(keep->next);
        keep->next = next;
    }
    keep->used = 0;
    POISON(keep->data, keep->size);
    tree->root = NULL;
}

cJSON *crisk__json_tree_object(crisk__json_tree *tree)
{
    pthread_once(&hooks_once, install_hooks);
    arena = &tree->blocks;
    cJSON *obj = cJSON_CreateObject();
    arena = NULL;
    return obj;
}

int crisk__json_tree_add(crisk__json_tree *tree, cJSON *obj, const char *key, size_t key_len,
                         cJSON *item)
{
    char *k = arena_take(&tree->blocks, key_len + 1);
    if (k == NULL)
        return CRISK_ENOMEM;
    memcpy(k, key, key_len);
    k[key_len] = '\0';
    return cJSON_AddItemToObjectCS(obj, k, item) ? CRISK_OK : CRISK_ENOMEM;
}

int crisk__json_check_bytes(const unsigned char *s, size_t n, const char *expected,
                            crisk_error *err)
{
    return check_bytes(s, n, expected, err);
}
