/*
 * test_suggest.c - "did you mean" (src/util/suggest.c, issue 11 §3.3).
 *
 * The hints must be the ones the first version gave: that version is kept
 * here, word for word, as the reference (`reference_suggest`), and the
 * bounded search is compared with it on hand-picked cases and on thousands
 * of random ones.  The work of a search is counted in cells of the edit
 * distance table, so its bound is checked without timing anything.
 */
#include <criterion/criterion.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/suggest.h"

/* ---- the first version, as it was ------------------------------------------- */

static int reference_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

static size_t reference_distance(const char *a, const char *b, size_t limit)
{
    size_t la = strlen(a), lb = strlen(b);
    if ((la > lb ? la - lb : lb - la) > limit)
        return limit + 1;
    if (lb > 256)
        return limit + 1;
    size_t row[257];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0], best = i;
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t v = diag + !same;
            if (up + 1 < v) v = up + 1;
            if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best) best = v;
        }
        if (best > limit)
            return limit + 1;
    }
    return row[lb];
}

static const char *reference_suggest(const char *s, const char *const *candidates, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (reference_strcasecmp(s, candidates[i]) == 0)
            return candidates[i];
    size_t limit = strlen(s) / 4;
    if (limit < 2)
        limit = 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = reference_distance(s, candidates[i], best_d - 1 < limit ? best_d - 1 : limit);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    if (best != NULL && best_d >= strlen(s))
        return NULL;
    return best;
}

/* ---- hand-picked cases --------------------------------------------------------- */

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static void expect_hint(const char *query, const char *const *c, size_t n, const char *want)
{
    const char *got = crisk__suggest(query, c, n);
    const char *ref = reference_suggest(query, c, n);
    cr_assert_eq(got, ref, "'%s': got '%s', the first version gave '%s'", query,
                 got ? got : "(none)", ref ? ref : "(none)");
    if (want == NULL)
        cr_assert_null(got, "'%s': got '%s', expected no hint", query, got);
    else
        cr_assert(got != NULL && strcmp(got, want) == 0, "'%s': got '%s', expected '%s'", query,
                  got ? got : "(none)", want);
    crisk__suggest_index x;
    cr_assert_eq(crisk__suggest_index_init(&x, c, n), 0);
    cr_assert_eq(crisk__suggest_index_find(&x, query, NULL), got, "'%s': the index differs", query);
    crisk__suggest_index_release(&x);
}

Test(suggest, pins_the_chosen_hint_on_hand_picked_cases)
{
    static const char *const types[] = { "function", "supplier", "service", "component" };
    expect_hint("suplier", types, COUNT(types), "supplier");
    expect_hint("SERVICES", types, COUNT(types), "service");
    expect_hint("x", types, COUNT(types), NULL);

    static const char *const ids[] = { "wachturm-edr", "aws-eu-1", "awx", "AWS", "ab-1x", "ab-1y",
                                       "rheintel-fiber", "rheinnet-sdwan" };
    expect_hint("wachturm-ed", ids, COUNT(ids), "wachturm-edr");
    expect_hint("aws-eu", ids, COUNT(ids), "aws-eu-1");
    /* equal ignoring case beats an earlier candidate one edit away */
    expect_hint("aws", ids, COUNT(ids), "AWS");
    /* a tie goes to the earliest candidate */
    expect_hint("ab-1z", ids, COUNT(ids), "ab-1x");
    /* the closest wins over an earlier one further away */
    expect_hint("rheinnet-sdwa", ids, COUNT(ids), "rheinnet-sdwan");
    expect_hint("rheintel-fibre", ids, COUNT(ids), "rheintel-fiber");
    expect_hint("", ids, COUNT(ids), NULL);
}

Test(suggest, gives_no_hint_as_far_away_as_the_query_is_long)
{
    static const char *const c[] = { "y", "xy", "ax", "abcdefghijk", "abcdefghijkl" };
    expect_hint("x", c, 1, NULL);             /* 1 edit of a 1-byte query */
    expect_hint("ab", c + 1, 1, NULL);        /* 2 edits of a 2-byte query */
    expect_hint("ab", c + 2, 1, "ax");        /* 1 edit */
    /* 11 bytes: at most 2 edits; 12 bytes: 12/4 = 3 */
    expect_hint("abcdefghi--", c + 3, 1, "abcdefghijk");
    expect_hint("abcdefgh---", c + 3, 1, NULL);
    expect_hint("abcdefghi---", c + 4, 1, "abcdefghijkl");
    expect_hint("abcdefgh----", c + 4, 1, NULL);
}

Test(suggest, matches_a_candidate_over_256_bytes_only_ignoring_case)
{
    char long_id[300], query[300];
    memset(long_id, 'a', 299);
    long_id[299] = '\0';
    memcpy(query, long_id, 300);
    query[0] = 'A';
    const char *const c[] = { long_id };
    expect_hint(query, c, 1, long_id);
    query[0] = 'b';   /* one edit away, but too long to measure */
    expect_hint(query, c, 1, NULL);
}

/* ---- random cases against the first version --------------------------------------- */

static uint64_t rng_state = 42;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void random_text(char *buf, size_t len, const char *alphabet)
{
    size_t k = strlen(alphabet);
    for (size_t i = 0; i < len; i++)
        buf[i] = alphabet[rnd() % k];
    buf[len] = '\0';
}

/* `from` with a few random edits (insert, delete, replace, change case). */
static void mutate(char *out, size_t cap, const char *from, const char *alphabet, int edits)
{
    snprintf(out, cap, "%s", from);
    for (int e = 0; e < edits; e++) {
        size_t len = strlen(out), at = len ? rnd() % (len + 1) : 0;
        switch (rnd() % 4) {
        case 0:
            if (len + 1 < cap) {
                memmove(out + at + 1, out + at, len - at + 1);
                out[at] = alphabet[rnd() % strlen(alphabet)];
            }
            break;
        case 1:
            if (at < len)
                memmove(out + at, out + at + 1, len - at);
            break;
        case 2:
            if (at < len)
                out[at] = alphabet[rnd() % strlen(alphabet)];
            break;
        default:
            if (at < len)
                out[at] = (char)(isupper((unsigned char)out[at]) ? tolower((unsigned char)out[at])
                                                                 : toupper((unsigned char)out[at]));
        }
    }
}

Test(suggest, gives_the_first_versions_hint_on_random_lists_with_and_without_an_index)
{
    static const char *const alphabets[] = { "ab", "abAB-", "abcdefgh0123", "xyzXYZ\xc3\xa9" };
    enum { CASES = 6000, MAX_CANDIDATES = 24 };
    static char text[MAX_CANDIDATES][400];
    const char *c[MAX_CANDIDATES];
    char query[420];
    for (int t = 0; t < CASES; t++) {
        const char *alphabet = alphabets[rnd() % COUNT(alphabets)];
        /* mostly short ids; some around the 256-byte boundary, some sharing a prefix */
        int shape = (int)(rnd() % 8);
        size_t n = (size_t)(rnd() % MAX_CANDIDATES);
        for (size_t i = 0; i < n; i++) {
            size_t len = shape == 0 ? 240 + rnd() % 40 : rnd() % 20;
            random_text(text[i], len, alphabet);
            if (shape == 1 && len > 0)
                memset(text[i], 'p', len > 12 ? len - 3 : len / 2);
            if (i > 0 && rnd() % 3 == 0)
                mutate(text[i], sizeof text[i], text[rnd() % i], alphabet, (int)(rnd() % 4));
            c[i] = text[i];
        }
        if (n > 0 && rnd() % 4 != 0)
            mutate(query, sizeof query, c[rnd() % n], alphabet, (int)(rnd() % 6));
        else
            random_text(query, rnd() % 20, alphabet);
        const char *got = crisk__suggest(query, c, n);
        const char *want = reference_suggest(query, c, n);
        cr_assert_eq(got, want, "case %d: '%s' gave '%s', the first version '%s'", t, query,
                     got ? got : "(none)", want ? want : "(none)");
        /* the indexed search (an inventory's ids) gives the same */
        crisk__suggest_index x;
        cr_assert_eq(crisk__suggest_index_init(&x, c, n), 0);
        got = crisk__suggest_index_find(&x, query, NULL);
        crisk__suggest_index_release(&x);
        cr_assert_eq(got, want, "case %d, indexed: '%s' gave '%s', the first version '%s'", t,
                     query, got ? got : "(none)", want ? want : "(none)");
    }
}

/* ---- the work it takes ---------------------------------------------------------------- */

/* The case of issue 11 §3.3: 2,000 ids of 256 bytes sharing a prefix, and
 * unknown ids of the same shape.  The first version computed 256 x 256
 * cells per candidate: 131 million per hint. */
Test(suggest, bounds_the_work_on_long_ids_sharing_a_prefix)
{
    enum { IDS = 2000, LEN = 256 };
    char *ids = malloc((size_t)IDS * (LEN + 1));
    const char **c = malloc(IDS * sizeof *c);
    cr_assert(ids != NULL && c != NULL);
    for (size_t i = 0; i < IDS; i++) {
        char *id = ids + i * (LEN + 1);
        memset(id, 'x', LEN - 16);
        snprintf(id + LEN - 16, 17, "%016zu", i * 7919);
        c[i] = id;
    }
    char query[LEN + 1];
    for (int q = 0; q < 50; q++) {
        memset(query, 'x', LEN - 16);
        snprintf(query + LEN - 16, 17, "unknown-%07d", q);
        crisk__suggest_stats st = { 0, 0 };
        const char *got = crisk__suggest_counted(query, c, IDS, &st);
        cr_assert_not(st.gave_up);
        cr_assert_lt(st.cells, 2000000u, "%llu cells for one hint", (unsigned long long)st.cells);
        if (q < 3)
            cr_assert_eq(got, reference_suggest(query, c, IDS));
    }
    /* one edit in the middle: the prefix and suffix strip to almost nothing */
    memcpy(query, c[1234], LEN + 1);
    query[100] = 'y';
    crisk__suggest_stats st = { 0, 0 };
    cr_assert_eq(crisk__suggest_counted(query, c, IDS, &st), c[1234]);
    cr_assert_lt(st.cells, 2000000u, "%llu cells", (unsigned long long)st.cells);
    free(ids);
    free(c);
}

/* Long candidates all near the query, differing at both ends so nothing
 * strips: the budget ends the search, with no hint rather than a wrong one,
 * but an id equal ignoring case is still found after that. */
Test(suggest, gives_up_without_a_hint_when_the_budget_runs_out)
{
    enum { IDS = 20000, LEN = 256 };
    char *ids = malloc((size_t)IDS * (LEN + 1));
    const char **c = malloc((IDS + 1) * sizeof *c);
    cr_assert(ids != NULL && c != NULL);
    char query[LEN + 1];
    random_text(query, LEN, "abcdefgh");
    for (size_t i = 0; i < IDS; i++) {
        char *id = ids + i * (LEN + 1);
        memcpy(id, query, LEN + 1);
        for (int e = 0; e < 40; e++)   /* 40 scattered replacements, ends included */
            id[(e * 37 + i * 11) % LEN] = (char)('p' + e % 8);
        id[0] = 'z';
        id[LEN - 1] = 'z';
        c[i] = id;
    }
    crisk__suggest_stats st = { 0, 0 };
    cr_assert_null(crisk__suggest_counted(query, c, IDS, &st));
    cr_assert(st.gave_up);
    cr_assert_leq(st.cells, CRISK__SUGGEST_MAX_CELLS);
    char upper[LEN + 1];
    for (size_t i = 0; i <= LEN; i++)
        upper[i] = (char)toupper((unsigned char)query[i]);
    c[IDS] = upper;
    cr_assert_eq(crisk__suggest(query, c, IDS + 1), upper);
    free(ids);
    free(c);
}
