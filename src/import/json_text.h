/*
 * json_text.h - JSON text as the importers read it (cyclonedx.c, mapping.c):
 * check its bytes, parse it with cJSON, say why a parse failed, and find
 * where every value starts.
 *
 * Positions.  LINE is the 1-based physical line ('\n' ends a line); COLUMN
 * the 1-based character (UTF-8 code point) in that line, tabs counting one
 * and a UTF-8 BOM none: what an editor's status bar shows.
 *
 * Problems come back in a `crisk_error` without a file: code CRISK_EINVALID,
 * line, column (0 = the whole file) and the message.  The importer adds it
 * to its own diagnostics under its own path, so both importers word and
 * place the problems of JSON text alike.
 */
#ifndef CRISK_JSON_TEXT_H
#define CRISK_JSON_TEXT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "chainrisk/chainrisk.h"

/* Where one value of the tree stands in the text. */
typedef struct crisk__json_place {
    cJSON *item;
    size_t line, column;          /* where the value starts */
    size_t key_line, key_column;  /* where its key starts; 0 = not an object member */
    size_t start, end;            /* the value's bytes: s[start..end) */
} crisk__json_place;

/* Called once per value, a container after everything in it.  Returns
 * CRISK_OK to go on; anything else stops the walk and is returned by
 * crisk__json_parse (use it for resource errors only). */
typedef int (*crisk__json_visit_fn)(void *ctx, const crisk__json_place *at);

/* Read the JSON text s[0..n) (s[n] must be a NUL): check it is not empty
 * ("empty file (expected <expected>)"), is valid UTF-8 without NUL bytes
 * (RFC 8259 requires it; cJSON would pass bad bytes through), has no
 * control character JSON forbids (a raw one inside a string; outside
 * strings, any but space, tab, LF and CR - cJSON would take them for white
 * space, the walk would not), parses as one document with nothing after
 * it, has no "\u0000" escape (cJSON would decode it into a NUL that
 * silently cuts the string short) and no object with a key twice ("duplicate
 * key 'k' (first on line L, column C)", at the second: tools disagree on
 * which one counts); then call `visit` for every value, in document order
 * of its end.  Of several problems, the first in the text is reported.
 *
 * One linear walk over the text in step with the tree finds the positions:
 * cJSON records none, but keeps members in document order, duplicate keys
 * included.  Recursion depth is bounded by cJSON's nesting limit.
 *
 * Returns CRISK_OK with the tree in *out (the caller's: cJSON_Delete);
 * CRISK_EINVALID with the first problem in `err`; CRISK_ENOMEM; or the code
 * `visit` returned.  *out is NULL unless CRISK_OK.  cJSON cannot tell an
 * allocation failure from bad input: out of memory, the parse reports a
 * syntax error.  Time O(n + k log k), k the members of the widest object. */
int crisk__json_parse(cJSON **out, const unsigned char *s, size_t n, const char *expected,
                      crisk__json_visit_fn visit, void *ctx, crisk_error *err);

/* A tree parsed into memory of its own (json_text.c says why): the SBOM
 * readers' large documents.  `root` is NULL unless the parse succeeded. */
struct crisk__json_block;
typedef struct crisk__json_tree {
    cJSON *root;
    struct crisk__json_block *blocks;   /* everything in the tree */
} crisk__json_tree;

/* crisk__json_parse() into a tree of its own, which only
 * crisk__json_tree_release() frees (never cJSON_Delete: its items were not
 * malloc'd one by one).  Same checks, errors, positions and time; a
 * fraction of the allocations; the byte checks and the walk over the text
 * run on a second thread while cJSON parses (json_text.c says how), so the
 * calling thread is left cJSON's parse and one pass over the tree.  `visit`
 * gets no byte offsets (start and end are 0), and in the one case where
 * the text walk gives up on a text cJSON accepted (a position past 2^32,
 * out of memory) it may be called again for every value, in the same
 * order.  *out is empty unless CRISK_OK; out of memory during the parse is
 * reported as cJSON reports it, a syntax error. */
int crisk__json_parse_tree(crisk__json_tree *out, const unsigned char *s, size_t n,
                           const char *expected, crisk__json_visit_fn visit, void *ctx,
                           crisk_error *err);

/* Free the tree and everything in it; accepts NULL and an empty tree. */
void crisk__json_tree_release(crisk__json_tree *tree);

/* JSON's white space: space, tab, CR, LF (also what cells are trimmed of). */
int crisk__json_is_space(unsigned char ch);

/* The part of TEXT between leading and trailing white space (as
 * crisk__json_is_space): its offset in *START, its length returned; 0 when
 * nothing is left.  The SBOM readers trim every value they keep this way,
 * as the native reader trims cells. */
size_t crisk__json_trim_span(const char *text, size_t *start);

/* "an object", "an array", "a string", "a number", "a boolean" or "null",
 * for a cJSON type (`item->type`, or a cJSON_* constant). */
const char *crisk__json_type_name(int type);

/* Positions kept in the tree itself, for readers that report on items long
 * after the parse (the SBOM readers): crisk__json_keep_position is a
 * crisk__json_visit_fn that stores each non-number value's line in its
 * valuedouble and its column in its valueint (0 past INT_MAX);
 * crisk__json_line and crisk__json_column read them back (0 for NULL or a
 * number, whose fields hold its value). */
int crisk__json_keep_position(void *ctx, const crisk__json_place *at);
size_t crisk__json_line(const cJSON *at);
size_t crisk__json_column(const cJSON *at);

/* ---- a document read one value at a time (the SPDX reader's fast path) ----
 *
 * For a large document whose values can be read and forgotten one by one:
 * no tree of the whole document is ever held.  None of these reports a
 * problem: -1 means "not clean or not understood here", and the caller
 * reads the document whole with crisk__json_parse_tree(), which says what
 * is wrong, with the same words and positions as ever.  Together they
 * refuse everything crisk__json_parse_tree() refuses except bad bytes
 * (crisk__json_check_bytes: the caller's, on any thread). */

/* Where a reading stands: the next byte and its LINE and COLUMN. */
typedef struct crisk__json_cursor {
    size_t i, line, column;
} crisk__json_cursor;

/* A member of the document's outermost object. */
typedef struct crisk__json_member {
    const char *key;              /* its bytes in the text (not NUL-terminated, no escapes) */
    size_t key_len;
    crisk__json_cursor value;     /* where its value starts */
    size_t end;                   /* the offset just past the value */
    size_t first, entries;        /* an array's entries: outline.entries[first..first+entries) */
} crisk__json_member;

typedef struct crisk__json_outline {
    crisk__json_member *members;  /* in text order */
    size_t n_members;
    crisk__json_cursor *entries;  /* where each entry of the arrays starts, member by member */
    size_t n_entries;
} crisk__json_outline;

/* The members of the object s[0..n) is, in text order, and where each
 * entry of a member that is an array starts, found without parsing the
 * values: one pass that skips strings eight bytes at a time and counts
 * nothing but lines, brackets and commas.  Returns CRISK_OK with *out
 * (the caller's: crisk__json_outline_release); -1 when the text is
 * not an object, has a key with an escape or a key twice, nests deeper
 * than cJSON's limit allows with a margin, has a control character JSON
 * forbids, or anything after the object; CRISK_ENOMEM.  The members'
 * values are not checked: each is when it is parsed.  Time O(n + k log k)
 * for k members. */
int crisk__json_outline_make(crisk__json_outline *out, const unsigned char *s, size_t n);
void crisk__json_outline_release(crisk__json_outline *outline);

/* In an array value starting at *at (first: at its '['; else just past an
 * entry): returns 1 with *at on the next entry, 0 with *at past the ']',
 * or -1 (not clean). */
int crisk__json_array_next(const unsigned char *s, size_t n, crisk__json_cursor *at, int first);

/* Parse the one value at *at (s[n] a NUL) into `tree` (added to what it
 * holds) as cJSON parses it, walk it as crisk__json_parse() walks a
 * document - the positions counted on from *at, `visit` called for every
 * value - and move *at past it.  Returns CRISK_OK with the value in *out;
 * -1 when the value is not clean (a syntax error, a control character, a
 * repeated key, a "\u0000") or cJSON and the walk disagree on where it
 * ends; or the code `visit` returned (CRISK_ENOMEM; -1 when the value was
 * plain, below).  O(the value's bytes).  A plain value (objects, arrays,
 * strings with the common escapes, true, false, null) is built in one pass
 * without cJSON; crisk__json_parse_value_how() chooses (for tests comparing
 * the two): CRISK__JSON_CJSON always asks cJSON, CRISK__JSON_PLAIN_ONLY
 * returns CRISK__JSON_NOT_PLAIN for a value that is not plain. */
int crisk__json_parse_value(crisk__json_tree *tree, cJSON **out, const unsigned char *s,
                            size_t n, crisk__json_cursor *at, crisk__json_visit_fn visit,
                            void *ctx);
int crisk__json_parse_value_how(crisk__json_tree *tree, cJSON **out, const unsigned char *s,
                                size_t n, crisk__json_cursor *at, crisk__json_visit_fn visit,
                                void *ctx, int how);
enum { CRISK__JSON_CJSON = 0, CRISK__JSON_EITHER = 1, CRISK__JSON_PLAIN_ONLY = 2 };
#define CRISK__JSON_NOT_PLAIN (-2)

/* Whether two trees are the same item for item: types, keys, strings,
 * valueint and valuedouble, the order of members and the lists' links (a
 * head's `prev` its tail).  For the tests and the fuzz target comparing
 * the plain path with cJSON's.  Recursion as deep as the trees. */
int crisk__json_same_tree(const cJSON *a, const cJSON *b);

/* Empty the tree for the next value, keeping its newest block (the
 * memory is used again, warm in the cache, instead of new pages). */
void crisk__json_tree_reset(crisk__json_tree *tree);

/* An empty object in `tree`, and a member added to one (the key copied
 * into the tree); for a document put together from values parsed one by
 * one.  NULL / CRISK_ENOMEM when out of memory. */
cJSON *crisk__json_tree_object(crisk__json_tree *tree);
int crisk__json_tree_add(crisk__json_tree *tree, cJSON *obj, const char *key, size_t key_len,
                         cJSON *item);

/* The byte checks of crisk__json_parse() alone: not empty, UTF-8, no NUL
 * byte.  CRISK_OK or CRISK_EINVALID with the problem in `err`. */
int crisk__json_check_bytes(const unsigned char *s, size_t n, const char *expected,
                            crisk_error *err);

#endif
