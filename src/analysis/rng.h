/*
 * rng.h - the random numbers of the Monte Carlo analyses (private):
 * xoshiro256** 1.0 (Blackman & Vigna) seeded through splitmix64, a jump of
 * 2^128 draws to give each block of 64 runs its own stream, and exact
 * Bernoulli draws for 64 runs at once.  Ours, not rand(): the same seed
 * gives the same runs on every machine.  Used by simulate.c and
 * suspects.c.
 */
#ifndef CRISK_RNG_H
#define CRISK_RNG_H

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct rng {
    uint64_t s[4];
} rng;

static inline uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline void rng_seed(rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

/* xoshiro256** 1.0 */
static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Advance by 2^128 draws: the start of the next block's stream. */
static inline void rng_jump(rng *r)
{
    static const uint64_t jump[] = { 0x180ec6d33cfd0abaull, 0xd5a61266f0c9392cull,
                                     0xa9582618e03fc9aaull, 0x39abdc4529b1661cull };
    uint64_t s[4] = { 0, 0, 0, 0 };
    for (int i = 0; i < 4; i++)
        for (int b = 0; b < 64; b++) {
            if (jump[i] & (1ull << b))
                for (int k = 0; k < 4; k++)
                    s[k] ^= r->s[k];
            rng_next(r);
        }
    memcpy(r->s, s, sizeof s);
}

/* 64 independent draws of "U < t" for uniform 64-bit U: each bit is set with
 * probability exactly t / 2^64.  Below t's lowest set bit a still undecided
 * lane can only end equal or above, so the loop stops there. */
static inline uint64_t bernoulli64(rng *r, uint64_t t)
{
    uint64_t failed = 0, open = ~0ull;
    int low = __builtin_ctzll(t);
    for (int bit = 63; bit >= low && open != 0; bit--) {
        uint64_t u = rng_next(r);
        if ((t >> bit) & 1) {
            failed |= open & ~u;
            open &= u;
        } else {
            open &= ~u;
        }
    }
    return failed;
}

/* p as a 64-bit threshold: 0 = never draws, UINT64_MAX with `always`. */
static inline uint64_t threshold(double p, int *always)
{
    *always = p >= 1;
    if (!(p > 0) || p >= 1)
        return 0;
    return (uint64_t)ldexp(p, 64);   /* exact: p has 53 significant bits */
}

#endif
