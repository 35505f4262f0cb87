/*
 * test_limits.c - huge numbers (issue 11 §3.10): criticality and spend are
 * bounded (CRISK_MAX_CRITICALITY, CRISK_MAX_SPEND) so that every sum stays
 * finite, whichever importer made the record, and no table prints a number
 * cut short or with digits no double holds.
 *
 * The native reader's cell errors and the outputs at the maxima are CLI
 * golden cases (tests/cli/validate_above_maxima/ and the other maxima
 * cases, fixtures in tests/fixtures/maxima/).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainrisk/chainrisk.h"
#include "emit/emit.h"

/* ---- the formatter ------------------------------------------------------------ */

static void expect_amount(double x, const char *want)
{
    char buf[32];
    cr_assert_str_eq(crisk__amount(buf, sizeof buf, x), want, "%.17g", x);
}

Test(limits, amounts_print_every_digit_a_double_holds_and_no_more)
{
    expect_amount(NAN, "-");
    expect_amount(-0.0, "0");
    expect_amount(47, "47");
    expect_amount(12.3456, "12.35");
    expect_amount(0.5, "0.5");
    expect_amount(3e15, "3000000000000000");
    expect_amount(9007199254740991.0, "9007199254740991");        /* 2^53 - 1 */
    expect_amount(1e15 + 0.5, "1000000000000000.5");
    expect_amount(9007199254740992.0, "9007199254740992");        /* 2^53: shortest form */
    expect_amount(1e23, "1e+23");                                 /* not 99999999999999991611392 */
    expect_amount(1e61, "1e+61");
    expect_amount(-1.5e300, "-1.5e+300");
    expect_amount(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_amount(INFINITY, "inf");
}

/* A table sizes its column to the number: nothing is cut. */
Test(limits, a_table_prints_a_huge_number_in_full)
{
    static const char *const head[] = { "x" };
    crisk__table t;
    crisk__table_init(&t, 1, head, "r");
    crisk__table_amount(&t, 1.2345678901234567e300);
    crisk__table_amount(&t, 123456789012345.67);
    char *data = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&data, &size);
    cr_assert_eq(crisk__table_print(f, &t, ""), CRISK_OK);
    fclose(f);
    cr_assert_str_eq(data, "                      x\n"
                           "1.2345678901234567e+300\n"
                           "     123456789012345.67\n");
    free(data);
    crisk__table_release(&t);
}

/* ---- records from any importer ------------------------------------------------ */

/* One node record straight into the builder, as the DORA and CycloneDX
 * importers and API callers make them: the bounds hold there too. */
static void expect_node_error_lph(double criticality, double spend, double loss_per_hour,
                                  const char *want)
{
    crisk_error err = CRISK_ERROR_INIT;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_builder *b = NULL;
    cr_assert_eq(crisk_builder_new(&b, &err), CRISK_OK);
    crisk_builder_begin_input(b);
    size_t src;
    cr_assert_eq(crisk_builder_add_source(b, &src, "register.csv", "dora", NULL, 0, &err), CRISK_OK);
    crisk_node_record r;
    crisk_node_record_init(&r);
    r.id = "acme\x1b[0m";
    r.type = CRISK_NODE_SUPPLIER;
    r.criticality = criticality;
    r.spend = spend;
    r.loss_per_hour = loss_per_hour;
    r.line = 7;
    r.id_column = 2;
    cr_assert_eq(crisk_builder_add_node(b, src, &r, &diags, &err), CRISK_OK);
    crisk_inventory *inv = NULL;
    int rc = crisk_builder_finish(b, &inv, &diags, &err);
    crisk_builder_free(b);
    if (want == NULL) {
        cr_assert_eq(rc, CRISK_OK, "%s", err.message);
        crisk_inventory_free(inv);
    } else {
        cr_assert_eq(rc, CRISK_EINVALID);
        cr_assert_null(inv);
        cr_assert_eq(diags.errors, 1);
        char line[1024];
        crisk_diag_format(&diags.items[0], line, sizeof line);
        cr_assert_str_eq(line, want);
    }
    crisk_diagnostics_release(&diags);
}

static void expect_node_error(double criticality, double spend, const char *want)
{
    expect_node_error_lph(criticality, spend, NAN, want);
}

Test(limits, the_builder_rejects_amounts_above_the_maxima_at_the_row)
{
    expect_node_error(CRISK_MAX_CRITICALITY, CRISK_MAX_SPEND, NULL);
    expect_node_error(0, 0, NULL);
    expect_node_error(1, NAN, NULL);
    expect_node_error(1000000.5, NAN,
                      "register.csv:7:2: criticality 1000000.5 of 'acme\\x1b[0m' is not between 0 "
                      "and 1000000");
    expect_node_error(1e308, NAN,
                      "register.csv:7:2: criticality 1e+308 of 'acme\\x1b[0m' is not between 0 "
                      "and 1000000");
    /* NaN is "not given" (crisk_node_record): the default 1, not a bad amount */
    expect_node_error(NAN, NAN, NULL);
    expect_node_error(1, 2e15,
                      "register.csv:7:2: spend 2e+15 of 'acme\\x1b[0m' is not between 0 and 1e15");
    expect_node_error(1, -1,
                      "register.csv:7:2: spend -1 of 'acme\\x1b[0m' is not between 0 and 1e15");
    expect_node_error(1, INFINITY,
                      "register.csv:7:2: spend inf of 'acme\\x1b[0m' is not between 0 and 1e15");
    expect_node_error_lph(1, NAN, CRISK_MAX_LOSS_PER_HOUR, NULL);
    expect_node_error_lph(1, NAN, 2e15,
                          "register.csv:7:2: loss_per_hour 2e+15 of 'acme\\x1b[0m' is not "
                          "between 0 and 1e15");
    expect_node_error_lph(1, NAN, -5,
                          "register.csv:7:2: loss_per_hour -5 of 'acme\\x1b[0m' is not "
                          "between 0 and 1e15");
}

/* --criticality names every SBOM's root functions: a usage error (exit 2)
 * above the maximum, before the document is read, whichever the format. */
static void expect_criticality_option_bounded(const char *sbom)
{
    char path[512];
    snprintf(path, sizeof path, "%s/data/sbom-example/%s", CRISK_SOURCE_DIR, sbom);
    crisk_load_options opts = CRISK_LOAD_OPTIONS_INIT;
    opts.cdx_criticality = 2e6;
    crisk_input in = { path, NULL, NULL };
    crisk_inventory *inv = NULL;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_inventory_load(&inv, &in, 1, &opts, &diags, &err), CRISK_EUSAGE);
    cr_assert_str_eq(err.message, "--criticality must be at most 1000000");
    crisk_diagnostics_release(&diags);
    opts.cdx_criticality = CRISK_MAX_CRITICALITY;
    cr_assert_eq(crisk_inventory_load(&inv, &in, 1, &opts, &diags, &err), CRISK_OK, "%s",
                 err.message);
    crisk_inventory_free(inv);
    crisk_diagnostics_release(&diags);
}

Test(limits, cyclonedx_criticality_option_is_bounded_too)
{
    expect_criticality_option_bounded("webapp.cdx.json");
}

Test(limits, spdx_criticality_option_is_bounded_like_cyclonedx)
{
    expect_criticality_option_bounded("shop-app.spdx.json");
}
