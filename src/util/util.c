/*
 * util.c - growable arrays, the string arena and hashing.
 */
#define _DEFAULT_SOURCE   /* madvise() and MADV_HUGEPAGE are not POSIX */
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int crisk__grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return -1;
    void *p = realloc(*ptr, ncap * elem);
    if (p == NULL)
        return -1;
    *ptr = p;
    *cap = ncap;
    return 0;
}

void crisk__advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (p == NULL || bytes < 2 * huge)
        return;
    uintptr_t begin = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (end > begin)
        (void)madvise((void *)begin, end - begin, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

uint64_t crisk__hash(const char *s, size_t len)
{
    const uint64_t k = 0x9E3779B97F4A7C15ull;   /* 2^64 / the golden ratio, odd */
    uint64_t h = k ^ (len * 0xff51afd7ed558ccdull), w = 0;
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
        h = (h ^ w) * k;
    } else {
        const char *last = s + len - 8;
        for (; s < last; s += 8) {
            memcpy(&w, s, sizeof w);
            h = (h ^ w) * k;
            h ^= h >> 32;
        }
        memcpy(&w, last, sizeof w);   /* the last eight bytes, overlapping the word before */
        h = (h ^ w) * k;
    }
    /* murmur3's finalizer: every input bit moves every output bit */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

void crisk__sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/* What "%.{p}g" prints for the p significant digits `d` (rounded already)
 * of a number whose first digit has decimal exponent `e`: fixed notation
 * when -4 <= e < p, else d.ddde+XX; trailing zeros of the fraction and a
 * bare point dropped (C11 7.21.6.1, the g conversion). */
static char *g_text(char buf[CRISK__NUMBER_MAX], int neg, const char *d, int p, int e)
{
    char *o = buf;
    if (neg)
        *o++ = '-';
    int last = p - 1;   /* the last digit printed: trailing zeros dropped */
    if (e >= -4 && e < p) {
        int int_digits = e >= 0 ? e + 1 : 0;
        while (last >= int_digits && d[last] == '0')
            last--;
        if (e < 0) {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -e - 1; i++)
                *o++ = '0';
        }
        for (int i = 0; i <= last; i++) {
            if (i == int_digits && e >= 0)
                *o++ = '.';
            *o++ = d[i];
        }
    } else {
        while (last >= 1 && d[last] == '0')
            last--;
        *o++ = d[0];
        if (last >= 1)
            *o++ = '.';
        for (int i = 1; i <= last; i++)
            *o++ = d[i];
        int a = e < 0 ? -e : e;   /* at least two digits, as printf's */
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        if (a >= 100)
            *o++ = (char)('0' + a / 100);
        *o++ = (char)('0' + a / 10 % 10);
        *o++ = (char)('0' + a % 10);
    }
    *o = '\0';
    return buf;
}

/* The shortest of "%.15g" and "%.17g" that reads back as x, from one
 * correctly rounded "%.16e" (17 digits) instead of two printfs of about
 * 3 000 instructions each (glibc rounds in exact multi-precision): the
 * 15-digit form is those digits rounded again.  Rounding twice gives what
 * rounding once does unless the two dropped digits are exactly "50"; then
 * -1, and the caller prints both forms.  (In that case neither 15-digit
 * neighbour reads back as x anyway, so the answer would be the 17 digits
 * either way; the fallback keeps the argument short.)  x finite, nonzero. */
static int digits_text(char buf[CRISK__NUMBER_MAX], double x)
{
    char e17[40];
    snprintf(e17, sizeof e17, "%.16e", x);
    int neg = e17[0] == '-';
    const char *s = e17 + neg;   /* d.dddddddddddddddde[+-]XX */
    char d17[17], d15[15];
    d17[0] = s[0];
    memcpy(d17 + 1, s + 2, 16);
    int e = atoi(s + 19);
    if (d17[15] == '5' && d17[16] == '0')
        return -1;
    memcpy(d15, d17, 15);
    int e15 = e;
    if (d17[15] >= '5') {
        int i = 14;
        while (i >= 0 && d15[i] == '9')
            d15[i--] = '0';
        if (i >= 0) {
            d15[i]++;
        } else {
            d15[0] = '1';   /* 9.99...9 rounds up to 10.0...0 */
            e15++;
        }
    }
    g_text(buf, neg, d15, 15, e15);
    if (strtod(buf, NULL) != x)
        g_text(buf, neg, d17, 17, e);
    return 0;
}

char *crisk__number_text(char buf[CRISK__NUMBER_MAX], double x)
{
    /* Whole numbers below 10^15 as "%.15g" writes them, without printf:
     * output writes millions of hours, counts and ids' numbers. */
    if (x == floor(x) && fabs(x) < 1e15 && !(x == 0 && signbit(x))) {
        char digits[24];
        unsigned long long v = (unsigned long long)fabs(x);
        size_t n = 0, o = 0;
        do {
            digits[n++] = (char)('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (x < 0)
            buf[o++] = '-';
        while (n > 0)
            buf[o++] = digits[--n];
        buf[o] = '\0';
        return buf;
    }
    if (isfinite(x) && x != 0 && digits_text(buf, x) == 0)
        return buf;
    snprintf(buf, CRISK__NUMBER_MAX, "%.15g", x);
    if (strtod(buf, NULL) != x && !isnan(x))
        snprintf(buf, CRISK__NUMBER_MAX, "%.17g", x);
    return buf;
}

static void swap_bytes(char *a, char *b, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

/* One element: node indices (4 bytes) are what is sorted most, so they get
 * a copy the compiler can inline. */
static void copy_one(char *to, const char *from, size_t size)
{
    if (size == sizeof(uint32_t))
        memcpy(to, from, sizeof(uint32_t));
    else
        memcpy(to, from, size);
}

/* Bottom-up: runs of RUN sorted by insertion, then merged pairwise,
 * alternating between the array and the copy.  Ties keep their order. */
int crisk__sort_r(void *base, size_t n, size_t size,
                  int (*cmp)(const void *, const void *, void *), void *ctx)
{
    enum { RUN = 8 };
    if (n < 2)
        return 0;
    if (n > SIZE_MAX / size)
        return -1;
    char *src = base, *dst = malloc(n * size), *copy = dst;
    if (dst == NULL)
        return -1;
    for (size_t lo = 0; lo < n; lo += RUN)
        for (size_t i = lo + 1; i < n && i < lo + RUN; i++)
            for (size_t j = i; j > lo && cmp(src + (j - 1) * size, src + j * size, ctx) > 0; j--)
                swap_bytes(src + (j - 1) * size, src + j * size, size);
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = mid + width < n ? mid + width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                copy_one(dst + k++ * size,
                         cmp(src + j * size, src + i * size, ctx) < 0 ? src + j++ * size
                                                                      : src + i++ * size, size);
            memcpy(dst + k * size, src + i * size, (mid - i) * size);
            k += mid - i;
            memcpy(dst + k * size, src + j * size, (hi - j) * size);
        }
        char *t = src;
        src = dst;
        dst = t;
    }
    if (src != base)
        memcpy(base, src, n * size);
    free(copy);
    return 0;
}

int crisk__strcasecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

/* ---- string arena --------------------------------------------------------- */

struct crisk__chunk {
    struct crisk__chunk *next;
    char data[];
};

/* Chunks start at 1 MiB and double up to 64 MiB: a big inventory's
 * strings then take a few dozen chunks that can be backed by huge pages,
 * a small one wastes at most its last chunk's unused (never touched) tail. */
#define CHUNK_BYTES (1u << 20)
#define CHUNK_BYTES_MAX (64u << 20)

void crisk__pool_init(crisk__pool *p)
{
    memset(p, 0, sizeof *p);
}

void crisk__pool_release(crisk__pool *p)
{
    struct crisk__chunk *c = p->chunks;
    while (c != NULL) {
        struct crisk__chunk *next = c->next;
        free(c);
        c = next;
    }
    free(p->set);
    crisk__pool_init(p);
}

const char *crisk__pool_copy(crisk__pool *p, const char *s, size_t len)
{
    size_t need = len + 1;
    if (need > p->left) {
        size_t chunk = p->chunk_bytes ? p->chunk_bytes : CHUNK_BYTES;
        int own = need > CHUNK_BYTES / 4;   /* a big string: a chunk of its own */
        size_t size = own ? need : chunk;
        struct crisk__chunk *c = malloc(sizeof *c + size);
        if (c == NULL)
            return NULL;
        if (!own) {
            crisk__advise_huge(c, sizeof *c + size);
            p->chunk_bytes = chunk < CHUNK_BYTES_MAX ? 2 * chunk : chunk;
        }
        if (own && p->chunks != NULL) {
            /* A big string gets a chunk of its own behind the current one,
             * so the space left in the current chunk is not wasted. */
            c->next = p->chunks->next;
            p->chunks->next = c;
            memcpy(c->data, s, len);
            c->data[len] = '\0';
            p->bytes += need;
            return c->data;
        }
        c->next = p->chunks;
        p->chunks = c;
        p->cur = c->data;
        p->left = size;
    }
    char *out = p->cur;
    memcpy(out, s, len);
    out[len] = '\0';
    p->cur += need;
    p->left -= need;
    p->bytes += need;
    return out;
}

const char *crisk__pool_intern(crisk__pool *p, const char *s, size_t len)
{
    if (2 * (p->set_count + 1) > p->set_cap) {
        size_t ncap = p->set_cap ? 2 * p->set_cap : 64;
        const char **nset = calloc(ncap, sizeof *nset);
        if (nset == NULL)
            return NULL;
        for (size_t i = 0; i < p->set_cap; i++) {
            const char *e = p->set[i];
            if (e == NULL)
                continue;
            size_t h = crisk__hash(e, strlen(e)) & (ncap - 1);
            while (nset[h] != NULL)
                h = (h + 1) & (ncap - 1);
            nset[h] = e;
        }
        free(p->set);
        p->set = nset;
        p->set_cap = ncap;
    }
    size_t h = crisk__hash(s, len) & (p->set_cap - 1);
    while (p->set[h] != NULL) {
        if (strncmp(p->set[h], s, len) == 0 && p->set[h][len] == '\0')
            return p->set[h];
        h = (h + 1) & (p->set_cap - 1);
    }
    const char *copy = crisk__pool_copy(p, s, len);
    if (copy == NULL)
        return NULL;
    p->set[h] = copy;
    p->set_count++;
    return copy;
}
