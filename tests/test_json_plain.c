/*
 * test_json_plain.c - a plain value (objects, arrays, strings without
 * escapes, true, false, null) read in one pass by json_text.c must give
 * exactly what cJSON's parse and the walk give for it: the same return,
 * the same cursor after it, the same `visit` calls in the same order, and
 * the same tree - types, keys, strings, the values `visit` left, the order
 * of members and the lists' links (a head's `prev` is its tail).
 *
 * Each text is read both ways (crisk__json_parse_value_how, EITHER and
 * CJSON) and compared: hand-written values that must take the plain path, ones
 * it must hand back (a number, an escape, a control character, a repeated
 * key, too many members, deep nesting, broken syntax), and a few thousand
 * random values with random white space, UTF-8, and now and then something
 * that is not plain or not JSON.  Reading with PLAIN_ONLY shows which
 * values the plain path took, so that one which always gave up could not
 * pass.
 */
#include <criterion/criterion.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/json_text.h"

#include <cjson/cJSON.h>

/* The visit calls of one reading, as text, and how many there were. */
typedef struct visits {
    char *text;
    size_t len, count;
    int keep;         /* keep the positions in the items (crisk__json_keep_position) */
} visits;

static int record(void *ctx, const crisk__json_place *at)
{
    visits *v = ctx;
    char line[160];
    int k = snprintf(line, sizeof line, "%d %zu:%zu key %zu:%zu [%zu,%zu)\n", at->item->type,
                     at->line, at->column, at->key_line, at->key_column, at->start, at->end);
    v->text = realloc(v->text, v->len + (size_t)k + 1);
    cr_assert_not_null(v->text);
    memcpy(v->text + v->len, line, (size_t)k + 1);
    v->len += (size_t)k;
    v->count++;
    return v->keep ? crisk__json_keep_position(NULL, at) : CRISK_OK;
}

/* One reading: its return, cursor, visits and tree. */
typedef struct reading {
    int rc;
    crisk__json_cursor at;
    visits v;
    crisk__json_tree tree;
    cJSON *root;
} reading;

static reading read_value(const char *text, size_t n, int how, int keep)
{
    reading r;
    memset(&r, 0, sizeof r);
    r.v.keep = keep;
    r.at = (crisk__json_cursor){ 0, 1, 1 };
    r.rc = crisk__json_parse_value_how(&r.tree, &r.root, (const unsigned char *)text, n, &r.at,
                                       record, &r.v, how);
    return r;
}

static void release(reading *r)
{
    free(r->v.text);
    crisk__json_tree_release(&r->tree);
}

/* Read text both ways and require the same result; `keep`: with the
 * positions kept in the items, else with the items as parsed. */
static void compare(const char *text, size_t n, int keep)
{
    reading p = read_value(text, n, CRISK__JSON_EITHER, keep);
    reading c = read_value(text, n, CRISK__JSON_CJSON, keep);
    cr_assert_eq(p.rc, c.rc, "rc %d (plain) vs %d (cJSON) for <%.*s>", p.rc, c.rc, (int)n, text);
    if (c.rc == CRISK_OK) {
        cr_assert(p.at.i == c.at.i && p.at.line == c.at.line && p.at.column == c.at.column,
                  "cursor %zu %zu:%zu vs %zu %zu:%zu for <%.*s>", p.at.i, p.at.line, p.at.column,
                  c.at.i, c.at.line, c.at.column, (int)n, text);
        cr_assert_str_eq(p.v.text != NULL ? p.v.text : "", c.v.text != NULL ? c.v.text : "",
                         "visits differ for <%.*s>", (int)n, text);
        cr_assert(crisk__json_same_tree(p.root, c.root), "trees differ for <%.*s>", (int)n, text);
    }
    release(&p);
    release(&c);
}

static void both_ways(const char *text, size_t n)
{
    compare(text, n, 1);
    compare(text, n, 0);
}

/* Whether the plain path alone takes text (1) or hands it back (0). */
static int plain_takes(const char *text)
{
    reading r = read_value(text, strlen(text), CRISK__JSON_PLAIN_ONLY, 1);
    int took = r.rc == CRISK_OK;
    cr_assert(took || r.rc == CRISK__JSON_NOT_PLAIN, "rc %d for <%s>", r.rc, text);
    release(&r);
    return took;
}

/* Each text read both ways, and taken by the plain path or not (`plain`). */
static void read_all(const char *const *texts, size_t n, int plain)
{
    for (size_t i = 0; i < n; i++) {
        both_ways(texts[i], strlen(texts[i]));
        cr_assert_eq(plain_takes(texts[i]), plain, "the plain path %s <%s>",
                     plain ? "did not take" : "took", texts[i]);
    }
}

Test(json_plain, hand_written_values_take_the_plain_path)
{
    static const char *const plain[] = {
        "\"\"",
        "\"abc\"",
        "{}",
        "[]",
        "[ ]",
        "{\n}",
        "true\n",                     /* a word at the very end is cJSON's */
        "[true,false,null]",
        "{\"a\":\"b\"}",
        "{ \"a\" : \"b\" , \"c\" : [ \"d\" , { } ] }",
        "{\r\n  \"SPDXID\": \"SPDXRef-pkg-0\",\r\n  \"filesAnalyzed\": false\r\n}",
        "{\n\t\"name\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\",\n\t\"k\xc3\xa9y\": null\n}",
        "[[[[[[[[[[\"deep\"]]]]]]]]]]",
        "{\"externalRefs\":[{\"referenceType\":\"purl\",\"referenceLocator\":\"pkg:npm/a@1\"}]}",
        "{\"\":\"empty key\",\"x\":\"\"}",
        /* the escapes Go writes into syft's and trivy's purls and suppliers */
        "{\"referenceLocator\":\"pkg:deb/ubuntu/apt@1.6?arch=amd64\\u0026distro=ubuntu\"}",
        "\"Organization: Ubuntu \\u003cubuntu-devel@lists.ubuntu.com\\u003e\"",
        "\"\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t\"",
        "\"\\u0001 \\u007F \\u0080 \\u07ff \\u0800 \\uD7FF \\uE000 \\uFFFF \\u00E9\\u00e9\"",
        "[\"\\u20ac\", \"a\\nb\", \"\\\\u0000 (an escaped backslash, then u0000)\"]",
    };
    read_all(plain, sizeof plain / sizeof *plain, 1);
}

Test(json_plain, other_values_are_read_by_cjson)
{
    static const char *const other[] = {
        "1",
        "{\"a\":1}",
        "[\"a\",-0.5e3]",
        "{\"k\\u00e9\":\"v\"}",               /* an escape in a key */
        "{\"a\\\"\":\"v\"}",
        "\"\\u0000\"",
        "\"a\\u0000b\"",
        "\"\\uD83D\\uDE00\"",                /* a surrogate pair */
        "\"\\uDC00\"",
        "\"\\uD800\"",
        "\"\\u12\"",                          /* not four hex digits */
        "\"\\u12G4\"",
        "\"\\x41\"",                          /* not an escape JSON has */
        "\"\\'\"",
        "\"\\",
        "\"ends in a backslash\\\"",
        "{\"a\":\"b\",\"a\":\"c\"}",             /* repeated key */
        "{\"a\":{\"b\":\"c\",\"b\":\"d\"}}",    /* repeated key, inner */
        "\"tab\there\"",                        /* raw control character in a string */
        "[\"a\"\x01,\"b\"]",                    /* control character between values */
        "[\"a\",]",
        "{\"a\":\"b\",}",
        "[,]",
        "{\"a\" \"b\"}",
        "{\"a\":}",
        "[\"a\" \"b\"]",
        "tru",
        "true",
        "truex",
        "[nul]",
        "[true/]",
        "{\"a\":\"b\"",
        "[\"unterminated",
        "\"",
        " \"leading space\"",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"too deep for the plain path\"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    read_all(other, sizeof other / sizeof *other, 0);
}

/* An object of `members` members "m0": "v", ... read both ways; whether
 * the plain path took it. */
static int object_of(int members)
{
    char text[2048];
    size_t len = 0;
    text[len++] = '{';
    for (int k = 0; k < members; k++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s\"m%d\":\"v\"", k ? "," : "", k);
    text[len++] = '}';
    text[len] = '\0';
    both_ways(text, len);
    return plain_takes(text);
}

Test(json_plain, more_members_than_the_plain_path_takes)
{
    cr_assert(object_of(32));    /* PLAIN_MEMBERS: taken */
    cr_assert(!object_of(33));
    cr_assert(!object_of(40));
}

/* An array of `n` strings: more than PLAIN_VALUES values in all is cJSON's. */
static int array_of(int n)
{
    char *text = malloc((size_t)n * 4 + 3);
    cr_assert_not_null(text);
    size_t len = 0;
    text[len++] = '[';
    for (int k = 0; k < n; k++) {
        memcpy(text + len, k ? ",\"\"" : "\"\"", k ? 3 : 2);
        len += k ? 3 : 2;
    }
    text[len++] = ']';
    text[len] = '\0';
    both_ways(text, len);
    int took = plain_takes(text);
    free(text);
    return took;
}

Test(json_plain, more_values_than_the_plain_path_takes)
{
    cr_assert(array_of(255));    /* 255 strings and the array: PLAIN_VALUES */
    cr_assert(!array_of(256));
}

/* ---- random values ---------------------------------------------------------------- */

typedef struct gen {
    uint64_t state;
    char *buf;
    size_t len, cap;
    int odd;          /* 1: now and then write something not plain */
} gen;

static uint32_t next(gen *g)
{
    g->state = g->state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(g->state >> 33);
}

static void put(gen *g, const char *s, size_t n)
{
    if (g->len + n + 1 > g->cap) {
        g->cap = (g->len + n + 1) * 2;
        g->buf = realloc(g->buf, g->cap);
        cr_assert_not_null(g->buf);
    }
    memcpy(g->buf + g->len, s, n);
    g->len += n;
    g->buf[g->len] = '\0';
}

static void puts_(gen *g, const char *s)
{
    put(g, s, strlen(s));
}

static void space(gen *g)
{
    static const char *const ws[] = { "", "", "", " ", "\n", "  ", "\r\n    ", "\t", "\n\t " };
    puts_(g, ws[next(g) % (sizeof ws / sizeof *ws)]);
    if (g->odd && next(g) % 400 == 0)
        puts_(g, "\x02");   /* a control character JSON forbids */
}

static void string(gen *g, int key)
{
    static const char *const pieces[] = { "a", "SPDXRef-", "pkg", "-", "0", "1.2.3", " ",
                                          "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "/",
                                          "@", ":", "Organization: X" };
    static const char *const escapes[] = { "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9",
                                           "\\u0026", "\\u003C", "\\uFFFF", "\\u0041" };
    static const char *const odd[] = { "\\u0000", "\t", "\\", "\\uD83D\\uDE00", "\\uDC00",
                                       "\\u12", "\\q" };
    puts_(g, "\"");
    size_t k = next(g) % (key ? 4 : 7);
    for (size_t i = 0; i < k; i++)
        puts_(g, !key && next(g) % 8 == 0 ? escapes[next(g) % (sizeof escapes / sizeof *escapes)]
                                          : pieces[next(g) % (sizeof pieces / sizeof *pieces)]);
    if (g->odd && next(g) % 60 == 0)
        puts_(g, odd[next(g) % (sizeof odd / sizeof *odd)]);
    if (!(g->odd && next(g) % 500 == 0))
        puts_(g, "\"");
}

static void value(gen *g, int depth)
{
    uint32_t r = next(g) % 100;
    if (depth > 5 && r < 60)
        r += 40;
    if (r < 20) {
        puts_(g, "{");
        space(g);
        size_t k = next(g) % 6;
        char keys[6][16];
        for (size_t i = 0; i < k; i++) {
            if (i > 0) {
                puts_(g, ",");
                space(g);
            }
            /* keys from a small set, so that a repeat is possible when odd */
            snprintf(keys[i], sizeof keys[i], "k%u", (unsigned)(g->odd ? next(g) % 8 : i));
            puts_(g, "\"");
            puts_(g, keys[i]);
            puts_(g, "\"");
            space(g);
            puts_(g, ":");
            space(g);
            value(g, depth + 1);
            space(g);
        }
        if (g->odd && next(g) % 100 == 0)
            puts_(g, ",");
        puts_(g, "}");
    } else if (r < 35) {
        puts_(g, "[");
        space(g);
        size_t k = next(g) % 5;
        for (size_t i = 0; i < k; i++) {
            if (i > 0) {
                puts_(g, ",");
                space(g);
            }
            value(g, depth + 1);
            space(g);
        }
        puts_(g, "]");
    } else if (r < 85) {
        string(g, 0);
    } else if (r < 90) {
        puts_(g, "true");
    } else if (r < 94) {
        puts_(g, "false");
    } else if (r < 97 || !g->odd) {
        puts_(g, "null");
    } else {
        static const char *const numbers[] = { "0", "-1", "2.5", "1e3" };
        puts_(g, numbers[next(g) % 4]);
    }
}

Test(json_plain, random_values_read_the_same_both_ways)
{
    gen g = { 0x2545F4914F6CDD1Du, NULL, 0, 0, 0 };
    size_t taken = 0, total = 0;
    for (int i = 0; i < 4000; i++) {
        g.len = 0;
        g.odd = i % 3 == 0;
        value(&g, 0);
        if (g.odd && next(&g) % 20 == 0 && g.len > 1)
            g.len = next(&g) % g.len;   /* cut short */
        if (g.buf != NULL)
            g.buf[g.len] = '\0';
        both_ways(g.buf != NULL ? g.buf : "", g.len);
        total++;
        taken += g.buf != NULL && plain_takes(g.buf);
    }
    free(g.buf);
    /* most values are plain: the comparison above must have compared the
     * plain path's trees, not the cJSON path's with itself */
    cr_assert_gt(taken, total / 2, "the plain path took %zu of %zu values", taken, total);
}
