/*
 * zip_limits.c - zip bomb limits (see zip_limits.h).
 */
#include "zip_limits.h"

#include <stdio.h>

void crisk__zip_budget_init(crisk__zip_budget *b)
{
    b->inflated = 0;
    b->max_inflated = CRISK__ZIP_MAX_INFLATED;
    b->max_ratio = CRISK__ZIP_MAX_RATIO;
}

/* Over the ratio: more than max_ratio times the compressed size, past the
 * grace.  (Division, not multiplication: no overflow.) */
static int over_ratio(const crisk__zip_budget *b, uint64_t inflated, uint64_t compressed)
{
    return inflated > CRISK__ZIP_RATIO_GRACE && inflated / b->max_ratio > compressed;
}

int crisk__zip_check_declared(const crisk__zip_budget *b, uint64_t size, uint64_t compressed,
                              char *why, size_t size_why)
{
    if (over_ratio(b, size, compressed))
        snprintf(why, size_why, "compression ratio over %u:1 (%llu bytes inflate to %llu): "
                 "refused as a possible zip bomb", b->max_ratio, (unsigned long long)compressed,
                 (unsigned long long)size);
    else if (b->inflated > b->max_inflated || size > b->max_inflated - b->inflated)
        snprintf(why, size_why, "the members read from the zip inflate to more than %llu bytes "
                 "in all: refused as a possible zip bomb", (unsigned long long)b->max_inflated);
    else
        return 0;
    return -1;
}

int crisk__zip_count_inflated(crisk__zip_budget *b, uint64_t n, uint64_t member_inflated,
                              uint64_t compressed, char *why, size_t size_why)
{
    b->inflated += n;
    if (over_ratio(b, member_inflated, compressed)) {
        /* The bound crossed; the product cannot overflow, being below member_inflated. */
        uint64_t bound = compressed * b->max_ratio;
        snprintf(why, size_why, "compression ratio over %u:1 (%llu bytes inflate to more than "
                 "%llu): refused as a possible zip bomb", b->max_ratio,
                 (unsigned long long)compressed,
                 (unsigned long long)(bound > CRISK__ZIP_RATIO_GRACE ? bound
                                                                     : CRISK__ZIP_RATIO_GRACE));
        return -1;
    }
    if (b->inflated > b->max_inflated) {
        snprintf(why, size_why, "the members read from the zip inflate to more than %llu bytes "
                 "in all: refused as a possible zip bomb", (unsigned long long)b->max_inflated);
        return -1;
    }
    return 0;
}
