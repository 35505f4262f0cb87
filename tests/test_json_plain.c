/*
 * test_json_plain.c - a plain value (objects, arrays, strings with the
 * common escapes but none in a key, true, false, null) read in one pass by
 * json_text.c must give exactly what cJSON's parse and the walk give for
 * it: the same return, the same cursor after it, the same `visit` calls in
 * the same order, and the same tree - types, keys, strings, the values
 * `visit` left, the order of members and the lists' links (a head's `prev`
 * is its tail).
 *
 * Each text is read both ways (crisk__json_parse_value_how, EITHER and
 * CJSON) and compared: hand-written values that must take the plain path, ones
 * it must hand back (a number, an escape it does not take, a control
 * character, a repeated key, too many members, deep nesting, broken
 * syntax), the shapes where cJSON 1.7.15's parser could part from it (white
 * space, bytes of 0x80 and above, \u escapes, NUL bytes, words and what
 * follows them, the cursor, long strings), and a few thousand random values
 * with random white space, UTF-8, and now and then something that is not
 * plain or not JSON.  Reading with PLAIN_ONLY shows which values the
 * plain path took, so that one which always gave up could not pass.
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

/* The cursor a reading starts from: the start of the text, or (a value
 * after other text, as the SPDX reader reads its entries) one set by a
 * test. */
static crisk__json_cursor from = { 0, 1, 1 };

static reading read_value(const char *text, size_t n, int how, int keep)
{
    reading r;
    memset(&r, 0, sizeof r);
    r.v.keep = keep;
    r.at = from;
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

/* Whether the plain path alone takes text[0..n) (1) or hands it back (0). */
static int plain_takes_n(const char *text, size_t n)
{
    reading r = read_value(text, n, CRISK__JSON_PLAIN_ONLY, 1);
    int took = r.rc == CRISK_OK;
    cr_assert(took || r.rc == CRISK__JSON_NOT_PLAIN, "rc %d for <%.*s>", r.rc, (int)n, text);
    release(&r);
    return took;
}

static int plain_takes(const char *text)
{
    return plain_takes_n(text, strlen(text));
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

/* ---- cases read against cJSON 1.7.15's parser -------------------------------------
 *
 * Texts of the shapes where the plain path and cJSON's parse_value,
 * parse_string (and its \u decoding), parse_array, parse_object and
 * buffer_skip_whitespace could part, each with its length (some hold a
 * NUL byte before the end) and whether the plain path must take it. */

typedef struct sample {
    const char *text;
    size_t n;
    int plain;
} sample;

#define TAKEN(lit) { lit, sizeof lit - 1, 1 }
#define HANDED_BACK(lit) { lit, sizeof lit - 1, 0 }

static void read_samples(const sample *x, size_t k)
{
    for (size_t i = 0; i < k; i++) {
        both_ways(x[i].text, x[i].n);
        cr_assert_eq(plain_takes_n(x[i].text, x[i].n), x[i].plain, "the plain path %s <%.*s>",
                     x[i].plain ? "did not take" : "took", (int)x[i].n, x[i].text);
    }
}

Test(json_plain, white_space_as_cjson_skips_it)
{
    /* cJSON skips every byte up to 32 (NUL too) between tokens; JSON and
     * the walk only the four: the others are control characters */
    static const sample x[] = {
        TAKEN("[ \t\r\n\"a\" \t\r\n, \t\r\nnull \t\r\n]"),
        HANDED_BACK("[\x0b\"a\"]"),
        HANDED_BACK("[\"a\"\x0c]"),
        HANDED_BACK("{\"a\"\x1f:\"b\"}"),
        HANDED_BACK("{\"a\":\x01\"b\"}"),
        HANDED_BACK("[\"a\",\x7f\"b\"]"),                  /* DEL is not white space to either */
        HANDED_BACK("[\"a\"" "\0" "]"),
        HANDED_BACK("[" "\0" "\"a\"]"),
        HANDED_BACK("{\"a\":\"b\"" "\0" ",\"c\":\"d\"}"),
        HANDED_BACK("{" "\0" "}"),
        HANDED_BACK("[" "\0" "]"),
        HANDED_BACK("\0" "\"a\""),                        /* a NUL where the value should start */
        HANDED_BACK("\xef\xbb\xbf\"a\""),                 /* a BOM: cJSON skips it at its start */
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, strings_with_any_bytes_of_0x80_and_above)
{
    /* cJSON copies them as they are, valid UTF-8 or not; the walk counts a
     * column for each but a continuation byte */
    static const sample x[] = {
        TAKEN("\"\x80\x80\xbf\""),                        /* continuation bytes alone */
        TAKEN("\"\xff\xfe\xc0\xc1\xf5\""),                /* never in UTF-8 */
        TAKEN("\"\xed\xa0\x80\xed\xbf\xbf\""),            /* surrogates written as UTF-8 */
        TAKEN("\"\xe2\x82\""),                            /* cut short */
        TAKEN("\"\xc0\x80\""),                            /* an overlong NUL */
        TAKEN("{\"\xc3\":\"\xa9\",\"\xa9\":\"\xc3\"}"),
        TAKEN("[\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\",\"\xc3\xa9\"]"),
        TAKEN("\"abcdefg\xc3\xa9hijklmnopqrstuvwxyz\xe2\x82\xac\""),   /* past the 8-byte runs */
        TAKEN("\"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\""),  /* DEL is no control character in a string */
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, escapes_as_cjson_decodes_them)
{
    static const sample x[] = {
        TAKEN("\"\\uABCD\\uabcd\\uAbCd\\uaBcD\""),
        TAKEN("\"\\u0008\\u001F\\u001f\\u000A\\u007F\""),   /* decoded to control characters */
        TAKEN("\"\\u0022\\u005C\\u005c\\u002F\""),          /* to a quote, backslashes, a slash */
        TAKEN("\"\\u0080\\u00FF\\u0100\\u07FF\\u0800\\u0FFF\\u1000\\uFFFE\""),
        TAKEN("\"\\u00e9\""),                                /* an escape that ends the string */
        TAKEN("[\"\\u00e9\",\"\\\\\",\"\\\"\",\"\\/\"]"),
        TAKEN("\"\\\\u0000\""),                              /* a backslash, then u0000 */
        TAKEN("\"\\\\\\\\\\\"\""),
        TAKEN("\"\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\\u0041\""),
        HANDED_BACK("\"\\u0000\\u0041\""),
        HANDED_BACK("\"\\u00000\""),
        HANDED_BACK("\"\\u0000"),
        HANDED_BACK("\"\\U00e9\""),
        HANDED_BACK("\"\\u\""),
        HANDED_BACK("\"\\u1\""),
        HANDED_BACK("\"\\u12\""),
        HANDED_BACK("\"\\u123\""),
        HANDED_BACK("\"\\u123"),                             /* fewer than four digits at the end */
        HANDED_BACK("\"\\u12"),
        HANDED_BACK("\"\\u"),
        HANDED_BACK("\"\\u00e9"),                            /* four digits, then the end */
        HANDED_BACK("\"\\u00e"),
        HANDED_BACK("\"\\u12\"34\""),                        /* a quote among the four */
        HANDED_BACK("\"\\u 123\""),
        HANDED_BACK("\"\\u+123\""),
        HANDED_BACK("\"\\u-123\""),
        HANDED_BACK("\"\\u0x12\""),
        HANDED_BACK("\"\\u00g9\""),
        HANDED_BACK("\"\\u\\u0041\""),
        HANDED_BACK("\"\\ud83d\\ude00\""),                   /* a pair, lower case */
        HANDED_BACK("\"\\uDBFF\\uDFFF\""),
        HANDED_BACK("\"\\uD800\\u0041\""),                   /* a high surrogate, no low one */
        HANDED_BACK("\"\\uD800\""),
        HANDED_BACK("\"\\udfff\""),
        HANDED_BACK("\"\\0\""),
        HANDED_BACK("\"\\a\""),
        HANDED_BACK("\"\\" "\0" "\""),                       /* an escaped NUL byte */
        HANDED_BACK("\"\\\xc3\xa9\""),                       /* an escaped UTF-8 character */
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, strings_holding_a_nul_byte)
{
    /* cJSON copies the string on past the NUL (its valuestring ends
     * there); the walk calls it a control character */
    static const sample x[] = {
        HANDED_BACK("\"abc" "\0" "def\""),
        HANDED_BACK("[\"a" "\0" "b\"]"),
        HANDED_BACK("{\"a" "\0" "\":\"b\"}"),
        HANDED_BACK("{\"a\":\"b" "\0" "\"}"),
        HANDED_BACK("\"abcdefgh" "\0" "ijklmnop\""),         /* inside an 8-byte run */
        TAKEN("\"abc\"" "\0" "xyz"),                         /* after the value: not its business */
        TAKEN("[\"abc\"]" "\0"),
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, keys)
{
    static const sample x[] = {
        TAKEN("{\"\":\"\"}"),
        TAKEN("{\"\":{\"\":[]}}"),
        TAKEN("{\"a\":\"x\",\"ab\":\"y\",\"abc\":\"z\",\"b\":\"a\"}"),   /* prefixes, no repeats */
        TAKEN("{\"a\":\"x\",\"A\":\"y\"}"),
        TAKEN("{\"\xc3\xa9\":\"x\",\"e\xcc\x81\":\"y\"}"),   /* equal to a person, not to JSON */
        TAKEN("{\"a\":{\"a\":{\"a\":\"a\"}}}"),              /* the same key in nested objects */
        TAKEN("{\"a\":[{\"b\":\"x\"},{\"b\":\"y\"}]}"),      /* ... and in sibling ones */
        TAKEN("{\"k\":\"\\u0041\"}"),                        /* an escape in a value, not a key */
        HANDED_BACK("{\"\":\"a\",\"\":\"b\"}"),
        HANDED_BACK("{\"a\":\"x\",\"b\":\"y\",\"a\":\"z\"}"),
        HANDED_BACK("{\"\xc3\xa9\":\"x\",\"\\u00e9\":\"y\"}"),   /* repeated once decoded */
        HANDED_BACK("{\"a\":\"x\",\"\\u0061\":\"y\"}"),
        HANDED_BACK("{\"\\u0000\":\"x\"}"),
        HANDED_BACK("{\"a\\u0000b\":\"x\",\"a\":\"y\"}"),
        HANDED_BACK("{\"a\" : \"b\" : \"c\"}"),
        HANDED_BACK("{\"a\",\"b\"}"),
        HANDED_BACK("{\"a\"}"),
        HANDED_BACK("{,}"),
        HANDED_BACK("{\"a\":\"b\",,\"c\":\"d\"}"),
        HANDED_BACK("{a:\"b\"}"),
        HANDED_BACK("{'a':\"b\"}"),
        HANDED_BACK("{null:\"b\"}"),
        HANDED_BACK("{\"a\":\"b\"]"),
        HANDED_BACK("[\"a\"}"),
        HANDED_BACK("[}"),
        HANDED_BACK("{]"),
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, empty_containers)
{
    static const sample x[] = {
        TAKEN("[[],{}]"),
        TAKEN("{\"a\":{},\"b\":[]}"),
        TAKEN("[{}]"),
        TAKEN("[[[]]]"),
        TAKEN("[ [ ] , { } ]"),
        TAKEN("{\n}\n"),
        HANDED_BACK("[[]"),
        HANDED_BACK("{"),
        HANDED_BACK("["),
        HANDED_BACK("[ "),
        HANDED_BACK("[,"),
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, words_and_what_follows_them)
{
    /* cJSON's parse_value takes "true" from "truex" and leaves the x to
     * its caller; the walk's skip_scalar runs on to a delimiter */
    static const sample x[] = {
        TAKEN("true "),
        TAKEN("true,"),
        TAKEN("true]"),
        TAKEN("false}"),
        TAKEN("null\r"),
        TAKEN("null\t"),
        TAKEN("[true ]"),
        TAKEN("[true\t]"),
        TAKEN("[true\r\n]"),
        TAKEN("[false,true,null]"),
        TAKEN("{\"a\":null }"),
        TAKEN("{\"a\":true,\"b\":false}"),
        HANDED_BACK("true"),
        HANDED_BACK("false"),
        HANDED_BACK("null"),
        HANDED_BACK("nullx"),
        HANDED_BACK("truefalse"),
        HANDED_BACK("true\x01"),
        HANDED_BACK("true" "\0" "x"),
        HANDED_BACK("true\"a\""),
        HANDED_BACK("true[]"),
        HANDED_BACK("true\xc3\xa9 "),
        HANDED_BACK("[nullx]"),
        HANDED_BACK("[true\"a\"]"),
        HANDED_BACK("[null[]]"),
        HANDED_BACK("[true\x01]"),
        HANDED_BACK("[true" "\0" "]"),
        HANDED_BACK("[tru]"),
        HANDED_BACK("[True]"),
        HANDED_BACK("[NULL]"),
        HANDED_BACK("[nul"),
        HANDED_BACK("{\"a\":true\"b\":false}"),
        HANDED_BACK("{\"a\":truex}"),
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, where_the_cursor_is_left)
{
    /* after the value: nothing skipped, whatever follows */
    static const sample x[] = {
        TAKEN("\"a\" "),
        TAKEN("\"a\"\n\n"),
        TAKEN("\"a\"x"),
        TAKEN("\"a\"\x01"),
        TAKEN("\"a\"\"b\""),
        TAKEN("[] x"),
        TAKEN("{}\n\n"),
        TAKEN("{}}"),
        TAKEN("[],[]"),
        TAKEN("\"a\""),
        TAKEN("[]"),
        TAKEN("{}"),
        TAKEN("{\"a\":[\"b\",{\"c\":\"\xc3\xa9\\n\"}]}  \n  ,"),
    };
    read_samples(x, sizeof x / sizeof *x);
}

Test(json_plain, a_value_after_other_text)
{
    /* as the SPDX reader reads its entries: from a cursor on the value,
     * its line and column counted on from there */
    static const char text[] = "{\"packages\": [\n  {\"name\": \"caf\xc3\xa9\",\n   \"x\": [true, null]},\n"
                               "  \"\\u00e9\\n\"]}";
    const char *first = strchr(text + 1, '{');
    from = (crisk__json_cursor){ (size_t)(first - text), 2, 3 };
    both_ways(text, sizeof text - 1);
    cr_assert(plain_takes(text));
    const char *second = strstr(text, "\"\\u00e9");
    from = (crisk__json_cursor){ (size_t)(second - text), 4, 3 };
    both_ways(text, sizeof text - 1);
    cr_assert(plain_takes(text));
    from = (crisk__json_cursor){ 13, 1, 14 };   /* the array */
    both_ways(text, sizeof text - 1);
    cr_assert(plain_takes(text));
    char cut[sizeof text];                      /* cut short by the end of the text */
    memcpy(cut, text, sizeof text - 4);
    cut[sizeof text - 4] = '\0';               /* s[n]: a NUL, as the readers have it */
    both_ways(cut, sizeof text - 4);
    cr_assert(!plain_takes(cut));
    from = (crisk__json_cursor){ 0, 1, 1 };
}

/* `depth` arrays inside each other around a string, read both ways;
 * whether the plain path took it. */
static int nested(int depth)
{
    size_t n = (size_t)depth * 2 + 3;
    char *text = malloc(n + 1);
    cr_assert_not_null(text);
    memset(text, '[', (size_t)depth);
    memcpy(text + depth, "\"x\"", 3);
    memset(text + depth + 3, ']', (size_t)depth);
    text[n] = '\0';
    both_ways(text, n);
    int took = plain_takes(text);
    free(text);
    return took;
}

Test(json_plain, nesting)
{
    cr_assert(nested(32));      /* PLAIN_DEPTH containers: taken */
    cr_assert(!nested(33));
    cr_assert(!nested(1000));   /* CJSON_NESTING_LIMIT, counted from the value: cJSON's */
    cr_assert(!nested(1001));   /* past it: cJSON fails */
}

/* A string of `len` bytes of `fill` (with an escape every 64 bytes when
 * `escaped`), read both ways; whether the plain path took it. */
static int long_string(size_t len, int escaped)
{
    char *text = malloc(len + 3);
    cr_assert_not_null(text);
    text[0] = '"';
    for (size_t i = 0; i < len; i++)
        text[1 + i] = (char)('a' + i % 26);
    if (escaped)
        for (size_t i = 0; i + 6 <= len; i += 64)
            memcpy(text + 1 + i, "\\u00e9", 6);
    text[len + 1] = '"';
    text[len + 2] = '\0';
    both_ways(text, len + 2);
    int took = plain_takes(text);
    free(text);
    return took;
}

Test(json_plain, long_strings_across_arena_blocks)
{
    cr_assert(long_string((size_t)64 << 10, 0));         /* BLOCK_MIN */
    cr_assert(long_string(((size_t)64 << 10) - 9, 1));
    cr_assert(long_string((size_t)1 << 20, 1));
    cr_assert(long_string(((size_t)16 << 20) + 5, 0));   /* past BLOCK_MAX: a block of its own */
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
    if (g->odd && next(g) % 800 == 0)
        put(g, next(g) % 2 ? "\x0b" : "\0", 1);   /* white space to cJSON, not to JSON */
}

static void string(gen *g, int key)
{
    static const char *const pieces[] = { "a", "SPDXRef-", "pkg", "-", "0", "1.2.3", " ",
                                          "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "/",
                                          "@", ":", "Organization: X", "\xff", "\x80",
                                          "\xc3", "\x7f" };
    static const char *const escapes[] = { "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9",
                                           "\\u0026", "\\u003C", "\\uFFFF", "\\u0041",
                                           "\\u00C9", "\\u0022", "\\u005c", "\\u001f", "\\uabcd" };
    static const char *const odd[] = { "\\u0000", "\t", "\\", "\\uD83D\\uDE00", "\\uDC00",
                                       "\\u12", "\\q", "\\u123", "\\U0041", "\\uD800\\u0041" };
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
        if (g->odd && next(g) % 30 == 0)
            puts_(g, next(g) % 2 ? "x" : "\x01");   /* cJSON's parse_value stops before it */
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
        taken += g.buf != NULL && plain_takes_n(g.buf, g.len);
    }
    free(g.buf);
    /* most values are plain: the comparison above must have compared the
     * plain path's trees, not the cJSON path's with itself */
    cr_assert_gt(taken, total / 2, "the plain path took %zu of %zu values", taken, total);
}
