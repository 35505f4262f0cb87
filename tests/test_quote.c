/*
 * test_quote.c - input text quoted for a message (src/util/quote.c): what
 * could drive a terminal or reorder what it shows is escaped, the rest is
 * kept, and long text is cut on a character boundary.
 */
#include <criterion/criterion.h>

#include <string.h>

#include "util/quote.h"

static void expect_quote(const char *in, const char *want)
{
    char buf[CRISK__QUOTE_MAX];
    cr_assert_str_eq(crisk__quote(buf, in), want);
}

Test(quote, escapes_c0_controls_and_del)
{
    expect_quote("a\nb\tc\rd", "a\\nb\\tc\\rd");
    expect_quote("\x1b[2J\x07\x7f", "\\x1b[2J\\x07\\x7f");
    expect_quote("\x1b]8;;http://x/\x07link", "\\x1b]8;;http://x/\\x07link");
}

Test(quote, escapes_c1_controls_as_code_points)
{
    expect_quote("a\xc2\x80" "b\xc2\x9b" "31m\xc2\x9f", "a\\u0080b\\u009b31m\\u009f");
    expect_quote("\xc2\xa0", "\xc2\xa0");   /* U+00A0 is text */
}

Test(quote, escapes_bidi_controls_and_line_separators)
{
    expect_quote("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad\xe2\x80\xae",
                 "\\u202a\\u202b\\u202c\\u202d\\u202e");
    expect_quote("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
                 "\\u2066\\u2067\\u2068\\u2069");
    expect_quote("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c");
    expect_quote("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029");
    /* their neighbours are text */
    expect_quote("\xe2\x80\x8d\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b",
                 "\xe2\x80\x8d\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b");
}

Test(quote, keeps_other_text_and_escapes_bytes_that_are_not_utf8)
{
    expect_quote("caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x98\x80");
    expect_quote("a\x9b" "b\xff", "a\\x9bb\\xff");
    expect_quote("\xc3", "\\xc3");                   /* truncated */
    expect_quote("\xc0\xaf", "\\xc0\\xaf");          /* overlong */
    expect_quote("\xed\xa0\x80", "\\xed\\xa0\\x80"); /* surrogate */
}

Test(quote, cuts_long_text_on_a_character_boundary)
{
    char in[200], want[100];
    memset(in, 'x', 199);
    in[199] = '\0';
    memset(want, 'x', 74);
    memcpy(want + 74, "...", 4);
    expect_quote(in, want);
    /* an escape is never cut in half */
    memset(in, 'x', 72);
    memcpy(in + 72, "\xe2\x80\xae" "tail", 8);
    memset(want, 'x', 72);
    memcpy(want + 72, "\\u202e...", 10);
    expect_quote(in, want);
}
