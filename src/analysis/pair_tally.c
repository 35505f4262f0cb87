/*
 * pair_tally.c - the no_spof and no_breach rules' findings from pairs
 * offered one by one (pair_tally.h).
 *
 * Each rule counts the pairs that break it and keeps the `keep` smallest
 * keys in a max-heap (a key larger than its top is dropped at once), so
 * what is kept does not depend on the order the pairs come in: threads
 * keep tallies of their own, merged at the end.
 */
#include "pair_tally.h"
#include "model/model.h"
#include "model/policy.h"
#include "util/sort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- a bounded heap of the smallest keys ------------------------------------------ */

typedef crisk__pair_heap heap;

static void sift_down(heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, big = i;
        if (l < h->n && h->key[l] > h->key[big])
            big = l;
        if (l + 1 < h->n && h->key[l + 1] > h->key[big])
            big = l + 1;
        if (big == i)
            return;
        uint64_t t = h->key[i];
        h->key[i] = h->key[big];
        h->key[big] = t;
        i = big;
    }
}

static void offer(heap *h, uint64_t key)
{
    if (h->n < h->cap) {
        size_t i = h->n++;
        h->key[i] = key;
        while (i > 0 && h->key[(i - 1) / 2] < h->key[i]) {
            uint64_t t = h->key[i];
            h->key[i] = h->key[(i - 1) / 2];
            h->key[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
    } else if (h->cap > 0 && key < h->key[0]) {
        h->key[0] = key;
        sift_down(h, 0);
    }
}

static int compare_u64(const void *pa, const void *pb)
{
    uint64_t x = *(const uint64_t *)pa, y = *(const uint64_t *)pb;
    return (x > y) - (x < y);
}

static uint64_t key_of(const uint32_t *id_rank, uint32_t f, uint32_t p)
{
    return (uint64_t)id_rank[f] << 32 | (p == PAIR_SCAN_FUNCTION ? PAIR_SCAN_FUNCTION : id_rank[p]);
}

void crisk__pair_rules_of(const crisk_policy *p, crisk__pair_rule *rules, size_t *rule_of,
                          size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < p->n_rules; i++) {
        const crisk__rule *r = &p->rules[i];
        if (r->kind != CRISK__RULE_NO_SPOF && r->kind != CRISK__RULE_NO_BREACH)
            continue;
        if (rule_of != NULL)
            rule_of[i] = *n;
        rules[(*n)++] = (crisk__pair_rule){ r->kind == CRISK__RULE_NO_BREACH,
                                            r->min_criticality, r->substitutability,
                                            NULL, 0, 0, 0 };
    }
}

int crisk__pair_tally_init(crisk__pair_tally *t, const crisk_inventory *inv,
                           const uint32_t *id_rank, const crisk__pair_rule *rules, size_t n,
                           size_t keep, int spofs, crisk_error *err)
{
    memset(t, 0, sizeof *t);
    t->id_rank = id_rank;
    t->inv = inv;
    t->rules = rules;
    t->n_rules = n;
    t->min_criticality = INFINITY;
    for (size_t i = 0; i < n; i++)
        t->min_criticality = fmin(t->min_criticality, rules[i].min_criticality);
    t->heaps = calloc(n + 1, sizeof *t->heaps);
    t->violations = calloc(n + 1, sizeof *t->violations);
    t->unknown = calloc(n + 1, sizeof *t->unknown);
    t->spofs = spofs ? calloc(t->inv->n + 1, sizeof *t->spofs) : NULL;
    int ok = t->heaps != NULL && t->violations != NULL && t->unknown != NULL
          && (!spofs || t->spofs != NULL);
    for (size_t i = 0; ok && i < n; i++) {
        t->heaps[i].key = malloc((keep + 1) * sizeof *t->heaps[i].key);
        t->heaps[i].cap = keep;
        ok = t->heaps[i].key != NULL;
    }
    return ok ? CRISK_OK : crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
}

void crisk__pair_tally_release(crisk__pair_tally *t)
{
    for (size_t i = 0; t->heaps != NULL && i < t->n_rules; i++)
        free(t->heaps[i].key);
    free(t->heaps);
    free(t->violations);
    free(t->unknown);
    free(t->spofs);
    memset(t, 0, sizeof *t);
}

void crisk__pair_tally_merge(crisk__pair_tally *into, const crisk__pair_tally *from)
{
    for (size_t i = 0; i < into->n_rules; i++) {
        into->violations[i] += from->violations[i];
        into->unknown[i] += from->unknown[i];
        for (size_t k = 0; k < from->heaps[i].n; k++)
            offer(&into->heaps[i], from->heaps[i].key[k]);
    }
    for (size_t v = 0; into->spofs != NULL && v < into->inv->n; v++)
        into->spofs[v] += from->spofs[v];
}

void crisk__pair_tally_finish(crisk__pair_tally *t, crisk__pair_rule *rules,
                              const uint32_t *spofs)
{
    const crisk_inventory *inv = t->inv;
    for (size_t i = 0; i < t->n_rules; i++) {
        const crisk__pair_rule *r = &t->rules[i];
        for (size_t f = 0; r->breach && f < inv->n; f++)
            if (inv->type[f] == CRISK_NODE_FUNCTION && isnan(inv->rto[f]) && spofs[f] > 0
                && inv->criticality[f] >= r->min_criticality) {
                t->unknown[i]++;
                offer(&t->heaps[i], key_of(t->id_rank, (uint32_t)f, PAIR_SCAN_FUNCTION));
            }
    }
    for (size_t i = 0; i < t->n_rules; i++) {
        heap *h = &t->heaps[i];
        crisk__sort(h->key, h->n, sizeof *h->key, compare_u64);
        rules[i].kept = h->key;
        rules[i].n_kept = h->n;
        rules[i].violations = t->violations[i];
        rules[i].unknown = t->unknown[i];
        h->key = NULL;
    }
}

void crisk__pair_offer(crisk__pair_tally *t, uint32_t f, uint32_t p)
{
    const crisk_inventory *inv = t->inv;
    if (t->spofs != NULL)
        t->spofs[f]++;
    for (size_t i = 0; i < t->n_rules; i++) {
        const crisk__pair_rule *r = &t->rules[i];
        if (!(inv->criticality[f] >= r->min_criticality))
            continue;
        if (!r->breach) {
            if (r->substitutability != 0 && !(r->substitutability & (1u << inv->subst[p])))
                continue;
            t->violations[i]++;
        } else if (isnan(inv->rto[f])) {
            continue;   /* one finding for the function, after the scan */
        } else if (isnan(inv->recovery[p])) {
            t->unknown[i]++;
        } else if (inv->rto[f] < inv->recovery[p]) {
            t->violations[i]++;
        } else {
            continue;
        }
        offer(&t->heaps[i], key_of(t->id_rank, f, p));
    }
}

void crisk__pair_rules_release(crisk__pair_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(rules[i].kept);
        rules[i].kept = NULL;
        rules[i].n_kept = 0;
    }
}

