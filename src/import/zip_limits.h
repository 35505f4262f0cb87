/*
 * zip_limits.h - zip bomb limits for the readers of zip archives (private):
 * DORA report packages (dora/dora_package.c) and Excel workbooks (xlsx.c).
 *
 * A member may inflate to at most `max_ratio` times its compressed size
 * once past CRISK__ZIP_RATIO_GRACE bytes (real tables and sheets compress 5
 * to 15 to 1; deflate allows 1032 to 1), and all the members read from one
 * archive to `max_inflated` bytes in all: an archive may hold what one
 * input file may (docs/dora.md, "Limits").  Both are checked on the sizes
 * the archive declares, before a byte is inflated, and again on the bytes
 * actually inflated (a declared size can lie).
 */
#ifndef CRISK_ZIP_LIMITS_H
#define CRISK_ZIP_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "chainrisk/chainrisk.h"

#define CRISK__ZIP_MAX_RATIO    100u
#define CRISK__ZIP_RATIO_GRACE  (1u << 20)
#define CRISK__ZIP_MAX_INFLATED CRISK_MAX_FILE_BYTES

/* What one archive may still inflate. */
typedef struct crisk__zip_budget {
    uint64_t inflated;           /* bytes inflated from its members so far */
    uint64_t max_inflated;       /* CRISK__ZIP_MAX_INFLATED (tests lower them) */
    unsigned max_ratio;          /* CRISK__ZIP_MAX_RATIO */
} crisk__zip_budget;

void crisk__zip_budget_init(crisk__zip_budget *b);

/* Whether a member declared to inflate from `compressed` to `size` bytes
 * may be read: 0, or -1 with the reason in why[size_why]. */
int crisk__zip_check_declared(const crisk__zip_budget *b, uint64_t size, uint64_t compressed,
                              char *why, size_t size_why);

/* Count `n` more bytes inflated from a member of `compressed` bytes that
 * has now given `member_inflated` in all: 0, or -1 with the reason (then
 * stop reading). */
int crisk__zip_count_inflated(crisk__zip_budget *b, uint64_t n, uint64_t member_inflated,
                              uint64_t compressed, char *why, size_t size_why);

#endif
