/*
 * test_number_text.c - crisk__number_text (src/util/util.c), the text of
 * every number the outputs print: the shortest of "%.15g" and "%.17g" that
 * reads back as the number.  Integers below 10^15 take a path of their own
 * that must print exactly what the general path prints.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

/* The definition, independently: "%.15g" if it reads back, else "%.17g". */
static void reference(char *buf, size_t size, double x)
{
    snprintf(buf, size, "%.15g", x);
    if (strtod(buf, NULL) != x && !isnan(x))
        snprintf(buf, size, "%.17g", x);
}

static void expect_like_reference(double x)
{
    char got[CRISK__NUMBER_MAX], want[CRISK__NUMBER_MAX];
    reference(want, sizeof want, x);
    cr_assert_str_eq(crisk__number_text(got, x), want, "x = %.17g", x);
}

Test(number_text, prints_integers_and_their_edges_like_printf)
{
    static const struct { double x; const char *want; } cases[] = {
        { 0.0, "0" }, { -0.0, "-0" }, { 1.0, "1" }, { -1.0, "-1" }, { 10.0, "10" },
        { 49684.0, "49684" },
        { 999999999999999.0, "999999999999999" },      /* 10^15 - 1: the last integer path */
        { -999999999999999.0, "-999999999999999" },
        { 1e15, "1e+15" },                              /* 16 digits: "%.15g" goes exponential */
        { -1e15, "-1e+15" },
        { 1000000000000001.0, "1000000000000001" },     /* needs "%.17g" */
        { 9007199254740993.0, "9007199254740992" },     /* 2^53 + 1 rounds to 2^53 */
        { 0.5, "0.5" }, { 1.5, "1.5" }, { 0.1, "0.1" },
        { 2.0 / 3.0, "0.66666666666666663" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[CRISK__NUMBER_MAX];
        cr_expect_str_eq(crisk__number_text(got, cases[i].x), cases[i].want, "case %zu", i);
        expect_like_reference(cases[i].x);
    }
    static const double edges[] = {
        0.0001, 0.00012345678901234567, 0.000099999999999999991, 1e-5, 123456.789,
        99999999999999.9, 999999999999999.9, 9.9999999999999999e22, 1e-300, 5e-324,
        2.2250738585072014e-308, 1.7976931348623157e308, 0.30000000000000004,
        0.77870229367160149, 1.0 / 3.0, 1e100, 1.5e-7,
    };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        expect_like_reference(edges[i]);
        expect_like_reference(-edges[i]);
    }
    expect_like_reference(NAN);
    expect_like_reference(INFINITY);
    expect_like_reference(-INFINITY);
}

/* Integers of every length, their neighbours a half and an ulp away, and
 * random doubles of every magnitude, against the definition. */
Test(number_text, agrees_with_printf_on_random_numbers)
{
    uint64_t s = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 200000; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        int digits = 1 + (int)(s % 17);
        double x = (double)(s >> 11) / 9007199254740992.0 * pow(10.0, digits);
        double n = floor(x);
        expect_like_reference(n);
        expect_like_reference(-n);
        expect_like_reference(n + 0.5);
        expect_like_reference(nextafter(n, INFINITY));
        expect_like_reference(x);
        double bits;
        memcpy(&bits, &s, sizeof bits);
        expect_like_reference(bits);
        /* near a 15-digit halfway point, where rounding the 17 digits again
         * could differ from rounding once (the "..50" case) */
        double k = floor((double)(s >> 14) / 1e-15 * 1e-15);
        int scale = (int)(s % 40) - 20;
        double half = (fmod(k, 1e15) + 0.5) * pow(10.0, scale);
        expect_like_reference(half);
        expect_like_reference(nextafter(half, 0.0));
        expect_like_reference(nextafter(half, INFINITY));
        /* 15 nines and more: rounding carries into a new leading digit */
        double nines = (1.0 - pow(10.0, -(double)(15 + s % 3))) * pow(10.0, scale);
        expect_like_reference(nines);
    }
}
