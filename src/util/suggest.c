/*
 * suggest.c - "did you mean": the closest of a list of strings (suggest.h).
 *
 * Every hint of the library comes from here: unknown node ids (the builder,
 * crisk_inventory_resolve() for the CLI's impact / spof --function / map
 * --focus), enum spellings, mapping keys and values, DORA keys.
 *
 * The answer is the one the first version gave, by definition (pinned by
 * tests/test_suggest.c against a copy of it): the earliest candidate equal
 * to the query ignoring ASCII case; else the candidate at the smallest edit
 * distance (Levenshtein over bytes, ASCII case folded), the earliest of
 * those, if that distance is at most max(2, len/4) and below the query's
 * length; candidates over 256 bytes match only the first way.
 *
 * How it is bounded.  The first version filled the whole len x len table
 * for every candidate: 2,000 ids of 256 bytes sharing a prefix took 21 s
 * for 50 hints.  Now, in one pass over the candidates:
 *   - a candidate whose length differs by more than the distance still
 *     worth finding is skipped without looking at its bytes past that;
 *   - the common prefix and suffix are stripped (they do not change the
 *     distance), which is what ids sharing a long prefix differ by least;
 *   - the table is computed only in the band |i - j| <= k, where k is one
 *     less than the best distance found so far, and given up as soon as a
 *     row holds nothing <= k: the work per candidate shrinks as the hint
 *     gets better, and a hint at distance 1 ends the distance search;
 *   - a search that has computed CRISK__SUGGEST_MAX_CELLS cells gives up
 *     the distance search (no hint rather than a hint that might not be the
 *     closest).  Only an adversarial list reaches it: tens of thousands of
 *     long candidates all near the query.
 * An inventory's ids get a light index (crisk__suggest_index: each id's
 * length and the classes of bytes it holds, 12 bytes a node, built in one
 * pass on the first hint), so a hint skips most ids without reading them:
 * 1-8 ms at a million nodes.  Rejected: a trie of the sorted ids or a
 * q-gram index.  Sorting a million ids costs more than the few hints a run
 * asks for (the CLI one, the builder at most CRISK_DIAGNOSTICS_LIMIT), and
 * neither bounds the worst case, which the budget does.
 */
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Candidates longer than this are matched only ignoring case. */
#define LONGEST 256

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static int equal_folded(const unsigned char *a, const unsigned char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (fold(a[i]) != fold(b[i]))
            return 0;
    return 1;
}

typedef struct search {
    const unsigned char *q;      /* the query */
    size_t len;
    uint64_t cells_left;         /* the budget */
    crisk__suggest_stats *stats;
} search;

/* Edit distance of a and b (folded) if it is at most k, else k + 1; also
 * k + 1 when the budget runs out.  Needs |la - lb| <= k and lb <= LONGEST. */
static size_t distance_within(search *s, const unsigned char *a, size_t la,
                              const unsigned char *b, size_t lb, size_t k)
{
    while (la > 0 && lb > 0 && fold(*a) == fold(*b))
        a++, b++, la--, lb--;
    while (la > 0 && lb > 0 && fold(a[la - 1]) == fold(b[lb - 1]))
        la--, lb--;
    if (la == 0 || lb == 0)   /* what is left is all insertions */
        return la + lb <= k ? la + lb : k + 1;
    const size_t over = k + 1;   /* every value above k is stored as k + 1 */
    uint16_t row[LONGEST + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (uint16_t)(j <= k ? j : over);
    for (size_t i = 1; i <= la; i++) {
        size_t lo = i > k ? i - k : 1, hi = i + k < lb ? i + k : lb;
        size_t cells = hi - lo + 1;
        if (cells > s->cells_left) {
            s->cells_left = 0;
            return over;
        }
        s->cells_left -= cells;
        if (s->stats != NULL)
            s->stats->cells += cells;
        size_t diag = row[lo - 1];
        size_t left = lo == 1 && i <= k ? i : over;   /* outside the band: over */
        row[lo - 1] = (uint16_t)left;
        size_t least = over;
        for (size_t j = lo; j <= hi; j++) {
            size_t up = row[j];
            size_t v = diag + (fold(a[i - 1]) != fold(b[j - 1]));
            if (up + 1 < v)
                v = up + 1;
            if (left + 1 < v)
                v = left + 1;
            if (v > over)
                v = over;
            diag = up;
            row[j] = (uint16_t)v;
            left = v;
            if (v < least)
                least = v;
        }
        if (least > k)
            return over;
    }
    return row[lb] <= k ? row[lb] : over;
}

/* Which of 64 classes of (folded) bytes occur in s[0..len).  The class
 * function is one-to-one on digits, lower-case letters and "-_.:/@ ", the
 * bytes ids are made of; other bytes share classes, which only weakens the
 * filter it serves (see pass_filter). */
static uint64_t byte_classes(const unsigned char *s, size_t len)
{
    uint64_t present = 0;
    for (size_t i = 0; i < len; i++)
        present |= UINT64_C(1) << (((unsigned)fold(s[i]) * 19 >> 1) & 63);
    return present;
}

/* One edit adds at most one class to a string's set and removes at most
 * one, so two strings whose sets differ in c classes are at least
 * ceil(c / 2) edits apart.  Cheap, and enough to skip most candidates of a
 * large inventory before any table is filled. */
static int pass_filter(uint64_t a, uint64_t b, size_t k)
{
    return ((size_t)__builtin_popcountll(a ^ b) + 1) / 2 <= k;
}

/* The search over `n` candidates; `x` (may be NULL) gives their lengths
 * and classes without touching their bytes. */
static const char *search_all(search *s, const char *const *candidates, size_t n,
                              const crisk__suggest_index *x)
{
    /* A distance as large as the query itself is no hint ('x' -> 'y'). */
    size_t limit = s->len / 4 > 2 ? s->len / 4 : 2;
    if (limit >= s->len)
        limit = s->len > 0 ? s->len - 1 : 0;
    uint64_t classes = byte_classes(s->q, s->len);
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *c = (const unsigned char *)candidates[i];
        size_t len = x != NULL && x->len[i] != UINT32_MAX ? x->len[i]
                   : strnlen(candidates[i], s->len + limit + 1);
        if (len == s->len && (x == NULL || x->classes[i] == classes)
            && equal_folded(s->q, c, len))
            return candidates[i];
        size_t k = best_d - 1;   /* only a closer candidate is worth finding */
        if (k == 0 || s->cells_left == 0 || len > LONGEST
            || (len > s->len ? len - s->len : s->len - len) > k
            || !pass_filter(x != NULL ? x->classes[i] : byte_classes(c, len), classes, k))
            continue;
        size_t d = distance_within(s, s->q, s->len, c, len, k);
        if (d <= k) {
            best_d = d;
            best = candidates[i];
        }
    }
    if (s->cells_left == 0) {
        if (s->stats != NULL)
            s->stats->gave_up = 1;
        return NULL;
    }
    return best;
}

const char *crisk__suggest_counted(const char *query, const char *const *candidates, size_t n,
                                   crisk__suggest_stats *stats)
{
    search s = { (const unsigned char *)query, strlen(query), CRISK__SUGGEST_MAX_CELLS, stats };
    return search_all(&s, candidates, n, NULL);
}

const char *crisk__suggest(const char *query, const char *const *candidates, size_t n)
{
    return crisk__suggest_counted(query, candidates, n, NULL);
}

/* ---- an index for many hints over one large list ---------------------------- */

int crisk__suggest_index_init(crisk__suggest_index *x, const char *const *candidates, size_t n)
{
    x->candidates = candidates;
    x->n = n;
    x->len = malloc((n + 1) * sizeof *x->len);
    x->classes = malloc((n + 1) * sizeof *x->classes);
    if (x->len == NULL || x->classes == NULL) {
        crisk__suggest_index_release(x);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(candidates[i]);
        x->len[i] = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
        x->classes[i] = byte_classes((const unsigned char *)candidates[i], len);
    }
    return 0;
}

void crisk__suggest_index_release(crisk__suggest_index *x)
{
    free(x->len);
    free(x->classes);
    x->len = NULL;
    x->classes = NULL;
}

const char *crisk__suggest_index_find(const crisk__suggest_index *x, const char *query,
                                      crisk__suggest_stats *stats)
{
    search s = { (const unsigned char *)query, strlen(query), CRISK__SUGGEST_MAX_CELLS, stats };
    return search_all(&s, x->candidates, x->n, x);
}

void crisk__or_list(char *buf, size_t size, const char *const *names, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && o < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        o += (size_t)snprintf(buf + o, size - o, "%s%s", sep, names[i]);
    }
}
