/*
 * test_incident.c - `chainrisk incident`: ISO 8601 times and calendar
 * months, the reporting clocks against the legal text, the suspects'
 * probabilities against a brute force over every state (and Monte Carlo
 * against the exact value), and the decision record: same inputs, same
 * bytes; read back, the same record; every reader problem with its
 * position and text.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/suspects.h"
#include "chainrisk/chainrisk.h"
#include "reference.h"

#define FIXTURE(name) CRISK_FIXTURES "/incident/" name

/* ---- times -------------------------------------------------------------------- */

static crisk_time parse_ok(const char *s)
{
    crisk_time t = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_time_parse(s, &t, &err), CRISK_OK, "%s: %s", s, err.message);
    return t;
}

static void expect_time_error(const char *s, size_t column, const char *message)
{
    crisk_time t = 0;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_time_parse(s, &t, &err), CRISK_EINVALID, "%s parsed", s);
    cr_expect_eq(err.column, column, "%s: column %zu", s, err.column);
    cr_expect_str_eq(err.message, message, "%s", s);
    cr_expect_eq(err.line, 0);
    cr_expect_str_eq(err.file, "");
}

static const char *fmt(crisk_time t)
{
    static char buf[4][32];
    static int k;
    k = (k + 1) % 4;
    return crisk_time_format(buf[k], sizeof buf[k], t);
}

Test(time, reads_utc_and_offsets_exactly)
{
    /* python3: calendar.timegm(datetime(2026, 12, 6, 8, 0).timetuple()) */
    cr_expect_eq(parse_ok("2026-12-06T08:00Z"), 1796544000);
    cr_expect_eq(parse_ok("2026-12-06T08:00:00Z"), 1796544000);
    /* 08:00 at +05:30 is 02:30 UTC; 08:00 at -08:00 is 16:00 UTC */
    cr_expect_eq(parse_ok("2026-12-06T08:00+05:30"), 1796524200);
    cr_expect_eq(parse_ok("2026-12-06T08:00+0530"), 1796524200);
    cr_expect_eq(parse_ok("2026-12-06T08:00-08:00"), 1796572800);
    cr_expect_eq(parse_ok("2026-12-06T08:00-08"), 1796572800);
    cr_expect_eq(parse_ok("2026-12-06T13:30+05:30"), 1796544000);
    cr_expect_eq(parse_ok("2024-02-29T00:00Z"), 1709164800);
    cr_expect_eq(parse_ok("2000-02-29T12:34:56Z"), 951827696);
    cr_expect_eq(parse_ok("1970-01-01T00:00Z"), 0);
    cr_expect_eq(parse_ok("0001-01-01T00:00Z"), -62135596800);
    cr_expect_eq(parse_ok("9999-12-31T23:59:59Z"), 253402300799);
    /* an offset crossing midnight backwards */
    cr_expect_str_eq(fmt(parse_ok("2026-01-01T01:00+02:00")), "2025-12-31T23:00:00Z");
}

/* The offset is all there is: the process's time zone (with its daylight
 * saving changes) plays no part, on the days the clocks change included. */
Test(time, ignores_the_process_time_zone)
{
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    cr_expect_eq(parse_ok("2026-03-29T01:30+01:00"), 1774744200);   /* 00:30Z, the spring change */
    cr_expect_eq(parse_ok("2026-10-25T02:30+02:00"), 1792888200);   /* 00:30Z, the autumn change */
    cr_expect_str_eq(fmt(1774744200), "2026-03-29T00:30:00Z");
    cr_expect_str_eq(fmt(crisk_time_add_months(parse_ok("2026-02-28T23:30Z"), 1)),
                     "2026-03-28T23:30:00Z");
    unsetenv("TZ");
    tzset();
}

Test(time, formats_and_reads_back)
{
    const char *const texts[] = { "2026-12-06T08:00:00Z", "1969-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
                                  "9999-12-31T23:59:59Z", "2024-02-29T12:00:00Z" };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        cr_expect_str_eq(fmt(parse_ok(texts[i])), texts[i]);
    char buf[32];
    cr_expect_str_eq(crisk_time_format(buf, sizeof buf, CRISK_TIME_NONE), "");
}

Test(time, malformed_times_are_positioned_errors)
{
    expect_time_error("", 1, "empty time");
    expect_time_error("26-12-06T08:00Z", 3, "expected a digit of the year, found '-'");
    expect_time_error("2026-13-01T08:00Z", 6, "month 13 out of range (01 to 12)");
    expect_time_error("2026-00-01T08:00Z", 6, "month 00 out of range (01 to 12)");
    expect_time_error("2026-1-06T08:00Z", 7, "expected a digit of the month, found '-'");
    expect_time_error("2026-12-32T08:00Z", 9, "day 32 out of range (01 to 31)");
    expect_time_error("2026-04-31T08:00Z", 9, "day 31 out of range (2026-04 has 30 days)");
    expect_time_error("2023-02-29T08:00Z", 9, "day 29 out of range (2023-02 has 28 days)");
    expect_time_error("1900-02-29T08:00Z", 9, "day 29 out of range (1900-02 has 28 days)");
    expect_time_error("2026-12-06 08:00Z", 11, "expected 'T' between the date and the time, found ' '");
    expect_time_error("2026-12-06", 11, "expected 'T' between the date and the time, found the end");
    expect_time_error("2026-12-06T24:00Z", 12, "hour 24 out of range (00 to 23)");
    expect_time_error("2026-12-06T08.00Z", 14, "expected ':' after the hour, found '.'");
    expect_time_error("2026-12-06T08:60Z", 15, "minute 60 out of range (00 to 59)");
    expect_time_error("2026-12-06T08:00:60Z", 18, "second 60 out of range (00 to 59)");
    expect_time_error("2026-12-06T08:00:00.5Z", 20, "fractions of a second are not supported");
    expect_time_error("2026-12-06T08:00", 17, "missing time zone: add Z for UTC or an offset such as +01:00");
    expect_time_error("2026-12-06T08:00 UTC", 17, "expected Z or an offset such as +01:00, found ' '");
    expect_time_error("2026-12-06T08:00z", 17, "expected Z or an offset such as +01:00, found 'z'");
    expect_time_error("2026-12-06T08:00+25:00", 18, "offset hour 25 out of range (00 to 23)");
    expect_time_error("2026-12-06T08:00+05:75", 21, "offset minute 75 out of range (00 to 59)");
    expect_time_error("2026-12-06T08:00+5", 19, "expected a digit of the offset hour, found the end");
    expect_time_error("2026-12-06T08:00Zx", 18, "unexpected 'x' after the time zone");
    expect_time_error("2026-12-06T08:00Z\x01", 18, "unexpected byte 0x01 after the time zone");
    expect_time_error("0001-01-01T00:30+01:00", 17, "before 0001-01-01 to 9999-12-31 in UTC once the offset is applied");
    expect_time_error("9999-12-31T23:30-01:00", 17, "after 0001-01-01 to 9999-12-31 in UTC once the offset is applied");
}

/* "One month" is the same day of the next month, clamped to its last day. */
Test(time, a_month_later_is_clamped_to_the_month_end)
{
    static const struct { const char *from, *to; int months; } cases[] = {
        { "2026-01-31T10:00Z", "2026-02-28T10:00:00Z", 1 },
        { "2024-01-31T10:00Z", "2024-02-29T10:00:00Z", 1 },   /* leap year */
        { "2100-01-31T10:00Z", "2100-02-28T10:00:00Z", 1 },   /* not a leap year */
        { "2000-01-30T10:00Z", "2000-02-29T10:00:00Z", 1 },   /* leap year (400) */
        { "2026-03-31T23:59:59Z", "2026-04-30T23:59:59Z", 1 },
        { "2026-12-15T08:00Z", "2027-01-15T08:00:00Z", 1 },   /* into the next year */
        { "2024-02-29T06:00Z", "2024-03-29T06:00:00Z", 1 },
        { "2024-02-29T06:00Z", "2025-02-28T06:00:00Z", 12 },
        { "2026-05-31T00:00Z", "2026-06-30T00:00:00Z", 1 },
        { "1969-12-31T23:00Z", "1970-01-31T23:00:00Z", 1 },   /* before the epoch */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_str_eq(fmt(crisk_time_add_months(parse_ok(cases[i].from), cases[i].months)), cases[i].to,
                         "%s + %d", cases[i].from, cases[i].months);
    cr_expect_eq(crisk_time_add_months(CRISK_TIME_NONE, 1), CRISK_TIME_NONE);
    /* past the calendar: kept at its end, so a record still reads back */
    cr_expect_eq(crisk_time_add_months(parse_ok("9999-12-15T00:00Z"), 1), CRISK_TIME_MAX);
    cr_expect_eq(crisk_time_add_hours(parse_ok("2026-12-06T08:00Z"), 1e300), CRISK_TIME_MAX);
    cr_expect_eq(crisk_time_add_hours(parse_ok("2026-12-06T08:00Z"), -1e300), CRISK_TIME_MIN);
    cr_expect_str_eq(fmt(crisk_time_add_hours(parse_ok("2026-12-06T08:00Z"), 1.5)), "2026-12-06T09:30:00Z");
    cr_expect_eq(crisk_time_add_hours(0, NAN), CRISK_TIME_NONE);
}

Test(time, spans_read_like_a_person_says_them)
{
    char buf[48];
    cr_expect_str_eq(crisk_span_format(buf, sizeof buf, 45), "45 s");
    cr_expect_str_eq(crisk_span_format(buf, sizeof buf, 60), "1 min");
    cr_expect_str_eq(crisk_span_format(buf, sizeof buf, 3 * 3600 + 20 * 60), "3 h 20 min");
    cr_expect_str_eq(crisk_span_format(buf, sizeof buf, -2 * 3600), "2 h");
    cr_expect_str_eq(crisk_span_format(buf, sizeof buf, 2 * 86400 + 4 * 3600 + 59), "2 d 4 h");
    cr_expect_str_eq(crisk_span_format(buf, sizeof buf, 3 * 86400), "3 d");
}

/* ---- the clocks --------------------------------------------------------------- */

/* A function on a provider: enough to run an incident. */
static crisk_inventory *small_inventory(void)
{
    ref_model g;
    ref_model_init(&g);
    int f = ref_add_node(&g, "f", CRISK_NODE_FUNCTION);
    int p = ref_add_node(&g, "p", CRISK_NODE_SUPPLIER);
    int q = ref_add_node(&g, "q", CRISK_NODE_SUPPLIER);
    g.nodes[f].rto_hours = 4;
    g.nodes[p].recovery_hours = 8;
    ref_add_edge(&g, f, p, "", 0);
    ref_add_edge(&g, f, q, "", 0);
    crisk_inventory *inv = NULL;
    char why[256];
    cr_assert_eq(ref_model_build(&g, &inv, why, sizeof why), CRISK_OK, "%s", why);
    ref_model_release(&g);
    return inv;
}

typedef struct clock_case {
    const char *since, *aware, *classified, *now;
    unsigned regime;
    crisk_submission submitted[4];
    size_t n_submitted;
} clock_case;

static crisk_incident_record *run_case(const crisk_inventory *inv, const clock_case *c, int expect_rc,
                                       crisk_error *err)
{
    static const char *const down[] = { "p" };
    crisk_incident_options o = CRISK_INCIDENT_OPTIONS_INIT;
    o.down = down;
    o.n_down = 1;
    o.since = parse_ok(c->since);
    o.aware = c->aware ? parse_ok(c->aware) : CRISK_TIME_NONE;
    o.classified = c->classified ? parse_ok(c->classified) : CRISK_TIME_NONE;
    o.now = parse_ok(c->now ? c->now : c->since);
    o.regime = c->regime;
    o.submitted = c->submitted;
    o.n_submitted = c->n_submitted;
    o.tool = "test";
    crisk_incident_record *r = NULL;
    cr_assert_eq(crisk_incident_run(&r, inv, &o, err), expect_rc, "%s", err->message);
    return r;
}

static const crisk_incident_deadline *deadline(const crisk_incident_record *r, const char *key)
{
    for (size_t i = 0; i < r->n_deadlines; i++)
        if (strcmp(r->deadlines[i].key, key) == 0)
            return &r->deadlines[i];
    cr_assert_fail("no deadline %s", key);
    return NULL;
}

static void expect_due(const crisk_incident_record *r, const char *key, const char *due)
{
    cr_expect_str_eq(fmt(deadline(r, key)->due), due, "%s", key);
}

/* NIS2 Art. 23(4): (a) 24 h and (b) 72 h of awareness, (d) one month after
 * the notification - here assumed sent at its deadline, 72 h after an
 * awareness of Jan 28 10:00: Jan 31 10:00, so the final report is due on
 * Feb 28 (the month clamped), Feb 29 in a leap year. */
Test(clocks, nis2_counts_from_awareness_and_the_notification)
{
    crisk_inventory *inv = small_inventory();
    crisk_error err = CRISK_ERROR_INIT;
    clock_case c = { "2026-01-28T08:00Z", "2026-01-28T10:00Z", NULL, NULL, CRISK_REGIME_NIS2, { { 0 } }, 0 };
    crisk_incident_record *r = run_case(inv, &c, CRISK_OK, &err);
    cr_assert_eq(r->n_deadlines, 3);
    expect_due(r, "nis2.early-warning", "2026-01-29T10:00:00Z");
    expect_due(r, "nis2.notification", "2026-01-31T10:00:00Z");
    expect_due(r, "nis2.final", "2026-02-28T10:00:00Z");
    cr_expect_str_eq(deadline(r, "nis2.early-warning")->citation, "Directive (EU) 2022/2555 (NIS2), Art. 23(4)(a)");
    cr_expect_str_eq(deadline(r, "nis2.notification")->citation, "Directive (EU) 2022/2555 (NIS2), Art. 23(4)(b)");
    cr_expect_str_eq(deadline(r, "nis2.final")->citation, "Directive (EU) 2022/2555 (NIS2), Art. 23(4)(d)");
    cr_expect_str_eq(deadline(r, "nis2.final")->basis,
                     "deadline of the incident notification 2026-01-31T10:00:00Z + 1 month, assuming the "
                     "incident notification is submitted at its deadline");
    crisk_incident_record_free(r);

    c = (clock_case){ "2024-01-28T10:00+01:00", NULL, NULL, NULL, CRISK_REGIME_NIS2, { { 0 } }, 0 };
    r = run_case(inv, &c, CRISK_OK, &err);   /* awareness = since = 09:00Z */
    expect_due(r, "nis2.notification", "2024-01-31T09:00:00Z");
    expect_due(r, "nis2.final", "2024-02-29T09:00:00Z");
    crisk_incident_record_free(r);

    /* sent early: the final report counts from the actual submission */
    c = (clock_case){ "2026-01-28T08:00Z", "2026-01-28T10:00Z", NULL, NULL, CRISK_REGIME_NIS2,
                      { { "notification", 0 } }, 1 };
    c.submitted[0].at = parse_ok("2026-01-30T17:45-05:00");   /* 22:45Z */
    r = run_case(inv, &c, CRISK_OK, &err);
    expect_due(r, "nis2.final", "2026-02-28T22:45:00Z");
    cr_expect_str_eq(deadline(r, "nis2.final")->basis,
                     "submission of the incident notification 2026-01-30T22:45:00Z + 1 month");
    cr_expect_str_eq(fmt(deadline(r, "nis2.notification")->submitted), "2026-01-30T22:45:00Z");
    crisk_incident_record_free(r);
    crisk_inventory_free(inv);
}

/* Delegated Regulation (EU) 2025/301 Art. 5: the initial notification 4 h
 * from classification, at the latest 24 h from awareness (5(1)(a)), or 4 h
 * from a classification made after those 24 h (5(2)); the intermediate
 * report 72 h from the initial notification; the final report one month
 * from the latest intermediate report. */
Test(clocks, dora_counts_from_classification_and_the_submissions)
{
    crisk_inventory *inv = small_inventory();
    crisk_error err = CRISK_ERROR_INIT;
    /* not classified: the 24 h bound */
    clock_case c = { "2026-01-27T06:00Z", "2026-01-27T10:00Z", NULL, NULL, CRISK_REGIME_DORA, { { 0 } }, 0 };
    crisk_incident_record *r = run_case(inv, &c, CRISK_OK, &err);
    cr_assert_eq(r->n_deadlines, 3);
    expect_due(r, "dora.initial", "2026-01-28T10:00:00Z");
    expect_due(r, "dora.intermediate", "2026-01-31T10:00:00Z");
    expect_due(r, "dora.final", "2026-02-28T10:00:00Z");
    cr_expect_str_eq(deadline(r, "dora.initial")->basis,
                     "awareness 2026-01-27T10:00:00Z + 24 h, the latest it can be; the 4 h clock starts "
                     "when the incident is classified as major (--classified)");
    cr_expect_str_eq(deadline(r, "dora.initial")->citation,
                     "Regulation (EU) 2022/2554 (DORA), Art. 19(4)(a); Delegated Regulation (EU) 2025/301, Art. 5(1)(a)");
    crisk_incident_record_free(r);

    /* classified 2 h after awareness: 4 h from then */
    c.classified = "2026-01-27T12:00Z";
    r = run_case(inv, &c, CRISK_OK, &err);
    expect_due(r, "dora.initial", "2026-01-27T16:00:00Z");
    cr_expect_str_eq(deadline(r, "dora.initial")->basis, "classification 2026-01-27T12:00:00Z + 4 h");
    crisk_incident_record_free(r);

    /* classified 22 h after: the 24 h bound comes first */
    c.classified = "2026-01-28T08:00Z";
    r = run_case(inv, &c, CRISK_OK, &err);
    expect_due(r, "dora.initial", "2026-01-28T10:00:00Z");
    crisk_incident_record_free(r);

    /* classified 30 h after: 4 h from the classification, Art. 5(2) */
    c.classified = "2026-01-28T16:00Z";
    r = run_case(inv, &c, CRISK_OK, &err);
    expect_due(r, "dora.initial", "2026-01-28T20:00:00Z");
    cr_expect_str_eq(deadline(r, "dora.initial")->citation, "Delegated Regulation (EU) 2025/301, Art. 5(2)");
    crisk_incident_record_free(r);

    /* submitted: the intermediate counts from the initial notification, the
     * final from the intermediate report */
    c = (clock_case){ "2026-01-27T06:00Z", "2026-01-27T10:00Z", "2026-01-27T11:00Z", "2026-01-29T00:00Z",
                      CRISK_REGIME_DORA, { { "dora.initial", 0 }, { "intermediate", 0 } }, 2 };
    c.submitted[0].at = parse_ok("2026-01-27T14:30Z");
    c.submitted[1].at = parse_ok("2026-01-31T18:00+02:00");
    r = run_case(inv, &c, CRISK_OK, &err);
    expect_due(r, "dora.initial", "2026-01-27T15:00:00Z");
    expect_due(r, "dora.intermediate", "2026-01-30T14:30:00Z");
    expect_due(r, "dora.final", "2026-02-28T16:00:00Z");
    crisk_incident_record_free(r);
    crisk_inventory_free(inv);
}

Test(clocks, both_regimes_give_six_deadlines_in_table_order)
{
    crisk_inventory *inv = small_inventory();
    crisk_error err = CRISK_ERROR_INIT;
    clock_case c = { "2026-12-06T08:00Z", NULL, NULL, NULL, 0, { { 0 } }, 0 };
    crisk_incident_record *r = run_case(inv, &c, CRISK_OK, &err);
    static const char *const keys[] = { "nis2.early-warning", "nis2.notification", "nis2.final",
                                        "dora.initial", "dora.intermediate", "dora.final" };
    cr_assert_eq(r->n_deadlines, 6);
    for (size_t i = 0; i < 6; i++)
        cr_expect_str_eq(r->deadlines[i].key, keys[i]);
    crisk_incident_record_free(r);
    crisk_inventory_free(inv);
}

static void expect_usage(clock_case *c, const char *message)
{
    crisk_inventory *inv = small_inventory();
    crisk_error err = CRISK_ERROR_INIT;
    crisk_incident_record *r = run_case(inv, c, CRISK_EUSAGE, &err);
    cr_expect_null(r);
    cr_expect_str_eq(err.message, message);
    crisk_inventory_free(inv);
}

Test(clocks, bad_submissions_and_times_are_usage_errors)
{
    clock_case c = { "2026-12-06T08:00Z", NULL, NULL, NULL, 0, { { "final", 0 } }, 1 };
    c.submitted[0].at = parse_ok("2026-12-07T08:00Z");
    expect_usage(&c, "ambiguous report 'final' in --submitted: give its regime (nis2.early-warning, "
                     "nis2.notification, nis2.final, dora.initial, dora.intermediate, dora.final)");
    c.regime = CRISK_REGIME_NIS2;
    c.submitted[0].key = "initial";
    expect_usage(&c, "unknown report 'initial' in --submitted (expected one of nis2.early-warning, "
                     "nis2.notification, nis2.final)");
    c.submitted[0].key = "final";
    c.submitted[1] = (crisk_submission){ "nis2.final", c.submitted[0].at };
    c.n_submitted = 2;
    expect_usage(&c, "report 'nis2.final' given twice in --submitted");
    c.n_submitted = 1;
    c.submitted[0].at = parse_ok("2026-12-06T07:00Z");
    expect_usage(&c, "--submitted nis2.final is before --since: a report cannot precede the incident");
    clock_case t = { "2026-12-06T08:00Z", "2026-12-06T07:00Z", NULL, NULL, 0, { { 0 } }, 0 };
    expect_usage(&t, "--aware is before --since: the organisation cannot become aware of an outage "
                     "before it starts");
    t = (clock_case){ "2026-12-06T08:00Z", "2026-12-06T09:00Z", "2026-12-06T08:30Z", NULL, 0, { { 0 } }, 0 };
    expect_usage(&t, "--classified is before --aware: an incident is classified after the organisation "
                     "becomes aware of it");
    t = (clock_case){ "2026-12-06T08:00Z", NULL, NULL, "2026-12-06T07:59Z", 0, { { 0 } }, 0 };
    expect_usage(&t, "--now is before --since: the incident has not started yet");
}

/* ---- suspects: exact against a brute force, Monte Carlo against exact ----------- */

typedef struct prng {
    uint64_t s;
} prng;

static uint64_t prng_next(prng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int below(prng *r, int n)
{
    return (int)(prng_next(r) % (uint64_t)n);
}

/* n nodes, about a third functions, random dependencies (cycles allowed),
 * some in labelled groups with a random need (k of n). */
static void random_model(ref_model *g, prng *r, int n)
{
    ref_model_init(g);
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "%c%d", 'a' + below(r, 26), i);
        ref_add_node(g, id, below(r, 3) == 0 ? CRISK_NODE_FUNCTION : CRISK_NODE_SERVICE);
    }
    static const char *const labels[] = { "", "", "x", "y" };
    for (int u = 0; u < n; u++) {
        int degree = 1 + below(r, 3);
        for (int k = 0; k < degree; k++) {
            int v = below(r, n);
            const char *label = labels[below(r, 4)];
            int dup = v == u;
            for (int e = 0; e < g->m && !dup; e++)
                dup = g->edges[e].from == u && g->edges[e].to == v && strcmp(g->edges[e].group, label) == 0;
            if (!dup)
                ref_add_edge(g, u, v, label, label[0] ? 1 + below(r, 3) : 0);
        }
    }
    ref_fix_needs(g);
}

/* P(f down), P(f down | i down), P(f down | i up) by every state. */
static void brute_force(const ref_model *g, const int *down, int n_down, int *const *sus, const int *sus_n,
                        const double *p, int k, double *pf, double *swing)
{
    ref_groups gs;
    ref_groups_derive(&gs, g);
    int n = g->n;
    double *joint = calloc((size_t)n * (size_t)k + 1, sizeof *joint);
    unsigned char *failed = malloc((size_t)n);
    for (int v = 0; v < n; v++)
        pf[v] = 0;
    for (uint64_t s = 0; s < (1ull << k); s++) {
        double w = 1;
        memset(failed, 0, (size_t)n);
        for (int d = 0; d < n_down; d++)
            failed[down[d]] = 1;
        for (int i = 0; i < k; i++) {
            int on = (int)((s >> i) & 1);
            w *= on ? p[i] : 1 - p[i];
            for (int m = 0; on && m < sus_n[i]; m++)
                failed[sus[i][m]] = 1;
        }
        ref_cascade(g, &gs, failed);
        for (int v = 0; v < n; v++) {
            if (!failed[v])
                continue;
            pf[v] += w;
            for (int i = 0; i < k; i++)
                if ((s >> i) & 1)
                    joint[(size_t)v * (size_t)k + (size_t)i] += w;
        }
    }
    for (int v = 0; v < n; v++)
        for (int i = 0; i < k; i++) {
            double j = joint[(size_t)v * (size_t)k + (size_t)i];
            swing[(size_t)v * (size_t)k + (size_t)i] = j / p[i] - (pf[v] - j) / (1 - p[i]);
        }
    free(joint);
    free(failed);
    ref_groups_release(&gs);
}

typedef struct suspect_case {
    ref_model g;
    crisk_inventory *inv;
    int down[3], n_down;
    int *sus[16], sus_n[16], k;
    uint32_t *sus_nodes[16];
    size_t counts[16];
    double p[16];
    uint32_t fn[64];
    size_t n_fn;
} suspect_case;

static void make_case(suspect_case *c, prng *r, int n, int k)
{
    random_model(&c->g, r, n);
    char why[256];
    cr_assert_eq(ref_model_build(&c->g, &c->inv, why, sizeof why), CRISK_OK, "%s", why);
    /* distinct nodes: the first are confirmed down, the rest suspects; a
     * suspect of two nodes now and then (a group failing together) */
    int used[64] = { 0 };
    c->n_down = below(r, 3);
    c->k = k;
    for (int i = 0; i < c->n_down + k; i++) {
        int v;
        do
            v = below(r, n);
        while (used[v]);
        used[v] = 1;
        if (i < c->n_down) {
            c->down[i] = v;
            continue;
        }
        int s = i - c->n_down;
        c->sus[s] = malloc(2 * sizeof(int));
        c->sus_nodes[s] = malloc(2 * sizeof(uint32_t));
        c->sus[s][0] = v;
        c->sus_n[s] = 1;
        int w = below(r, n);
        if (below(r, 4) == 0 && !used[w]) {
            used[w] = 1;
            c->sus[s][c->sus_n[s]++] = w;
        }
        for (int m = 0; m < c->sus_n[s]; m++)
            c->sus_nodes[s][m] = (uint32_t)c->sus[s][m];
        c->counts[s] = (size_t)c->sus_n[s];
        c->p[s] = (1 + below(r, 15)) / 16.0;   /* dyadic: exact sums */
    }
    c->n_fn = 0;
    for (int v = 0; v < n; v++)
        c->fn[c->n_fn++] = (uint32_t)v;   /* every node: the engine does not care */
}

static void free_case(suspect_case *c)
{
    for (int i = 0; i < c->k; i++) {
        free(c->sus[i]);
        free(c->sus_nodes[i]);
    }
    crisk_inventory_free(c->inv);
    ref_model_release(&c->g);
}

static void run_engine(suspect_case *c, size_t exact_max, uint64_t runs, double *pd, double *se,
                       double *swing, double *swing_se)
{
    uint32_t down[3];
    for (int d = 0; d < c->n_down; d++)
        down[d] = (uint32_t)c->down[d];
    crisk__suspects s = { 0 };
    s.down = down;
    s.n_down = (size_t)c->n_down;
    s.nodes = (const uint32_t *const *)c->sus_nodes;
    s.counts = c->counts;
    s.p = c->p;
    s.k = (size_t)c->k;
    s.fn = c->fn;
    s.n_fn = c->n_fn;
    s.exact_max = exact_max;
    s.runs = runs;
    s.seed = 7;
    s.p_down = pd;
    s.p_se = se;
    s.swing = swing;
    s.swing_se = swing_se;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk__suspects_run(c->inv, &s, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(s.exact, exact_max >= (size_t)c->k);
    cr_assert_eq(s.evaluated, s.exact ? 1ull << c->k : runs);
}

/* 2 to 12 suspects cross the 9 bits of the lanes into the sweeps. */
Test(suspects, enumeration_equals_a_brute_force_over_every_state)
{
    prng r = { 2026 };
    for (int round = 0; round < 60; round++) {
        suspect_case c;
        int n = 6 + below(&r, 30), k = 1 + below(&r, n / 3 < 12 ? n / 3 : 12);
        make_case(&c, &r, n, k);
        double pd[64], se[64], swing[64 * 16], swing_se[64 * 16], bpf[64], bswing[64 * 16];
        run_engine(&c, 20, 0, pd, se, swing, swing_se);
        brute_force(&c.g, c.down, c.n_down, c.sus, c.sus_n, c.p, k, bpf, bswing);
        for (int v = 0; v < n; v++) {
            cr_assert_float_eq(pd[v], bpf[v], 1e-12, "round %d node %d: %g vs %g", round, v, pd[v], bpf[v]);
            cr_assert_eq(se[v], 0);
            for (int i = 0; i < k; i++)
                cr_assert_float_eq(swing[v * k + i], bswing[v * k + i], 1e-9, "round %d node %d suspect %d",
                                   round, v, i);
        }
        free_case(&c);
    }
}

/* Fixed seed: the same numbers every run; each within 4 standard errors of
 * the exact value (a value of 0 or 1 exactly). */
Test(suspects, monte_carlo_agrees_with_enumeration)
{
    prng r = { 99 };
    for (int round = 0; round < 12; round++) {
        suspect_case c;
        int n = 10 + below(&r, 25), k = 2 + below(&r, 8);
        make_case(&c, &r, n, k);
        double pd[64], se[64], swing[64 * 16], swing_se[64 * 16];
        double mc[64], mcse[64], mcswing[64 * 16], mcswing_se[64 * 16];
        run_engine(&c, 20, 0, pd, se, swing, swing_se);
        run_engine(&c, 0, 20000, mc, mcse, mcswing, mcswing_se);
        for (int v = 0; v < n; v++) {
            if (pd[v] == 0 || pd[v] == 1)
                cr_assert_eq(mc[v], pd[v], "round %d node %d", round, v);
            else
                cr_assert_leq(fabs(mc[v] - pd[v]), 4 * mcse[v], "round %d node %d: %g vs %g (se %g)", round,
                              v, mc[v], pd[v], mcse[v]);
            for (int i = 0; i < k; i++)
                cr_assert_leq(fabs(mcswing[v * k + i] - swing[v * k + i]), 4 * mcswing_se[v * k + i] + 1e-12,
                              "round %d node %d suspect %d", round, v, i);
        }
        double again[64], again_se[64], again_swing[64 * 16], again_swing_se[64 * 16];
        run_engine(&c, 0, 20000, again, again_se, again_swing, again_swing_se);
        cr_assert_arr_eq(again, mc, (size_t)n * sizeof *mc);
        free_case(&c);
    }
}

/* ---- the decision record ------------------------------------------------------------ */

static char *record_bytes(const crisk_incident_record *r, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_incident_record_write(f, r, &err), CRISK_OK);
    fclose(f);
    return buf;
}

static char *file_bytes(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    char *buf = malloc(1 << 20);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static crisk_incident_record *sample_record(void)
{
    crisk_input in = { CRISK_SOURCE_DIR "/data/sample", NULL, NULL };
    crisk_inventory *inv = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    crisk_load_options lo = CRISK_LOAD_OPTIONS_INIT;
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    cr_assert_eq(crisk_inventory_load(&inv, &in, 1, &lo, &diags, &err), CRISK_OK, "%s", err.message);
    crisk_diagnostics_release(&diags);
    static const char *const down[] = { "mainknoten-ix", "parent:Nordwolke Group" };
    static const char *const suspects[] = { "polder-cloud-ams1", "wachturm-edr" };
    static const double p[] = { 0.3, 0.05 };
    crisk_submission sent = { "dora.initial", parse_ok("2026-12-06T09:45Z") };
    crisk_incident_options o = CRISK_INCIDENT_OPTIONS_INIT;
    o.down = down;
    o.n_down = 2;
    o.suspects = suspects;
    o.probabilities = p;
    o.n_suspects = 2;
    o.since = parse_ok("2026-12-06T08:00Z");
    o.aware = parse_ok("2026-12-06T08:30Z");
    o.classified = parse_ok("2026-12-06T10:10+01:00");
    o.now = parse_ok("2026-12-06T12:00Z");
    o.submitted = &sent;
    o.n_submitted = 1;
    o.tool = "0.1.0 (test)";
    crisk_incident_record *r = NULL;
    cr_assert_eq(crisk_incident_run(&r, inv, &o, &err), CRISK_OK, "%s", err.message);
    crisk_inventory_free(inv);   /* the record holds copies: it outlives the inventory */
    return r;
}

/* The fixture was written by `chainrisk incident ... --format json` with the
 * same inputs (the version replaced): the same inputs give the same bytes. */
Test(record, same_inputs_same_bytes)
{
    crisk_incident_record *a = sample_record(), *b = sample_record();
    size_t la, lb, lf;
    char *ba = record_bytes(a, &la), *bb = record_bytes(b, &lb);
    cr_assert_eq(la, lb);
    cr_assert_eq(memcmp(ba, bb, la), 0);
    char *bf = file_bytes(FIXTURE("sample.json"), &lf);
    /* the fixture's input paths are relative to the repository */
    cr_assert_not_null(strstr(ba, "\"sha256\": \"fe1707ad00dd5cc602899d7ba65e8b9fbecde35855349b96f9d1e84daaf01991\""));
    const char *tail_a = strstr(ba, "\"model\""), *tail_f = strstr(bf, "\"model\"");
    cr_assert_not_null(tail_f);
    cr_assert_eq(la - (size_t)(tail_a - ba), lf - (size_t)(tail_f - bf));
    cr_assert_eq(memcmp(tail_a, tail_f, la - (size_t)(tail_a - ba)), 0, "the record differs from the fixture");
    free(ba);
    free(bb);
    free(bf);
    crisk_incident_record_free(a);
    crisk_incident_record_free(b);
}

Test(record, reads_back_as_the_same_record)
{
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_incident_record *r = NULL;
    cr_assert_eq(crisk_incident_record_load(&r, FIXTURE("sample.json"), &d, &err), CRISK_OK, "%s", err.message);
    size_t lr, lf;
    char *br = record_bytes(r, &lr), *bf = file_bytes(FIXTURE("sample.json"), &lf);
    cr_assert_eq(lr, lf);
    cr_assert_eq(memcmp(br, bf, lr), 0, "written back, the record differs");
    /* what the fixture says, read back */
    cr_expect_eq(r->n_down_nodes, 19);
    cr_expect_str_eq(r->suspects[1].term, "wachturm-edr");
    cr_expect_eq(r->suspects[0].probability, 0.3);
    cr_expect_str_eq(fmt(r->classified), "2026-12-06T09:10:00Z");
    cr_expect_str_eq(fmt(r->deadlines[4].due), "2026-12-09T09:45:00Z");   /* 72 h from the initial notification */
    free(br);
    free(bf);
    crisk_incident_record_free(r);
    crisk_diagnostics_release(&d);
}

static void expect_record_problems(const char *name, int code, const char *want)
{
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_incident_record *r = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s", FIXTURE("") );
    size_t dir = strlen(path);
    snprintf(path + dir, sizeof path - dir, "%s", name);
    cr_assert_eq(crisk_incident_record_load(&r, path, &d, &err), code, "%s: %s", name, err.message);
    cr_assert_null(r);
    char got[4096] = "", line[1024];
    for (size_t i = 0; i < d.count; i++) {
        crisk_diag_format(&d.items[i], line, sizeof line);
        const char *rel = strncmp(line, path, dir) == 0 ? line + dir : line;
        snprintf(got + strlen(got), sizeof got - strlen(got), "%s\n", rel);
    }
    cr_expect_str_eq(got, want);
    crisk_diagnostics_release(&d);
}

Test(record, every_problem_is_positioned)
{
    expect_record_problems("bad_schema.json", CRISK_EINVALID,
        "bad_schema.json:2:11: unknown schema 'chainrisk/1' (expected 'chainrisk/incident/1': a decision record of 'chainrisk incident')\n");
    expect_record_problems("bad_time.json", CRISK_EINVALID,
        "bad_time.json:10:122: 'now': invalid time: hour 25 out of range (00 to 23) at character 12\n");
    expect_record_problems("missing_since.json", CRISK_EINVALID, "missing_since.json:10:10: missing member 'since'\n");
    expect_record_problems("bad_types.json", CRISK_EINVALID,
        "bad_types.json:18:50: 'probability' must be a probability above 0 and below 1\n"
        "bad_types.json:23:30: 'functions_total' must be a number, not a string\n");
    expect_record_problems("bad_member.json", CRISK_EINVALID,
        "bad_member.json:30:173: a cause member must be the index of an earlier node of 'down' (0 to 3)\n");
    expect_record_problems("bad_swing.json", CRISK_EINVALID,
        "bad_swing.json:52:93: 'swing_suspect' must be the index of a suspect (0 to 1)\n");
    expect_record_problems("syntax.json", CRISK_EINVALID, "syntax.json:6:64: invalid JSON: unterminated string\n");
    expect_record_problems("no-such.json", CRISK_ENOTFOUND, "no-such.json: cannot open file: No such file or directory\n");
}

/* The page of a record read back is the page of the record that was written. */
Test(record, page_is_the_same_for_a_record_read_back)
{
    crisk_incident_record *a = sample_record();
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_incident_record *b = NULL;
    cr_assert_eq(crisk_incident_record_load(&b, FIXTURE("sample.json"), &d, &err), CRISK_OK);
    char *pa = NULL, *pb = NULL;
    size_t la, lb;
    FILE *f = open_memstream(&pa, &la);
    cr_assert_eq(crisk_incident_page_write(f, a, &err), CRISK_OK);
    fclose(f);
    f = open_memstream(&pb, &lb);
    cr_assert_eq(crisk_incident_page_write(f, b, &err), CRISK_OK);
    fclose(f);
    /* the inputs' paths differ (absolute here, relative in the fixture) */
    const char *ta = strstr(pa, "<h3>Inputs</h3>"), *tb = strstr(pb, "<h3>Inputs</h3>");
    cr_assert_eq(ta - pa, tb - pb);
    cr_assert_eq(memcmp(pa, pb, (size_t)(ta - pa)), 0);
    cr_expect_not_null(strstr(pa, "Directive (EU) 2022/2555 (NIS2), Art. 23(4)(a)"));
    cr_expect_not_null(strstr(pa, "Content-Security-Policy"));
    free(pa);
    free(pb);
    crisk_incident_record_free(a);
    crisk_incident_record_free(b);
    crisk_diagnostics_release(&d);
}

/* Hostile text in a record reaches the page escaped. */
Test(record, page_escapes_record_text)
{
    crisk_incident_record *r = sample_record();
    r->functions[0].name = "<script>alert(1)</script>";
    r->down[0].term = "\"><img src=x>";
    char *page = NULL;
    size_t len;
    crisk_error err = CRISK_ERROR_INIT;
    FILE *f = open_memstream(&page, &len);
    cr_assert_eq(crisk_incident_page_write(f, r, &err), CRISK_OK);
    fclose(f);
    cr_expect_null(strstr(page, "<script>alert"));
    cr_expect_null(strstr(page, "<img src=x>"));
    cr_expect_not_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    free(page);
    crisk_incident_record_free(r);
}

/* A provider without recovery_hours: the function is back at a time nobody
 * knows - "unknown", never a time - and the record keeps the bounds (0,
 * exclusive, to unbounded) through a write and a read. */
Test(record, unknown_recovery_stays_unknown_through_a_round_trip)
{
    crisk_inventory *inv = small_inventory();
    static const char *const down[] = { "q" };
    crisk_incident_options o = CRISK_INCIDENT_OPTIONS_INIT;
    o.down = down;
    o.n_down = 1;
    o.since = parse_ok("2026-12-06T08:00Z");
    o.now = parse_ok("2026-12-06T10:00Z");
    o.tool = "test";
    crisk_incident_record *r = NULL;
    crisk_error err = CRISK_ERROR_INIT;
    cr_assert_eq(crisk_incident_run(&r, inv, &o, &err), CRISK_OK, "%s", err.message);
    cr_assert_eq(r->n_functions, 1);
    const crisk_incident_function *fn = &r->functions[0];
    cr_expect_eq(fn->back_lo, 0);
    cr_expect(fn->back_lo_open);
    cr_expect(isinf(fn->back_hi));
    cr_expect_str_eq(fmt(fn->breach_at), "2026-12-06T12:00:00Z");   /* rto 4 h */
    char path[] = "/tmp/crisk-incident-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_eq(crisk_incident_record_write(f, r, &err), CRISK_OK);
    fclose(f);
    crisk_diagnostics d;
    crisk_diagnostics_init(&d);
    crisk_incident_record *back = NULL;
    cr_assert_eq(crisk_incident_record_load(&back, path, &d, &err), CRISK_OK, "%s", err.message);
    unlink(path);
    cr_expect_eq(back->functions[0].back_lo, 0);
    cr_expect(back->functions[0].back_lo_open);
    cr_expect(isinf(back->functions[0].back_hi));
    size_t la, lb;
    char *ba = record_bytes(r, &la), *bb = record_bytes(back, &lb);
    cr_assert_eq(la, lb);
    cr_expect_eq(memcmp(ba, bb, la), 0);
    char *table = NULL;
    size_t lt;
    f = open_memstream(&table, &lt);
    cr_assert_eq(crisk_emit_incident(f, back, CRISK_FORMAT_TABLE, &err), CRISK_OK);
    fclose(f);
    cr_expect_not_null(strstr(table, "breaches in 2 h  unknown"), "%s", table);
    free(table);
    free(ba);
    free(bb);
    crisk_incident_record_free(back);
    crisk_incident_record_free(r);
    crisk_diagnostics_release(&d);
    crisk_inventory_free(inv);
}

/* The edges of the rules: classified exactly 24 h after awareness is still
 * within them (the initial notification is due then); 30 min later,
 * Art. 5(2) gives 4 h from the classification.  A report sent exactly at
 * its deadline is on time. */
Test(clocks, boundaries_are_on_the_side_the_text_puts_them)
{
    crisk_inventory *inv = small_inventory();
    crisk_error err = CRISK_ERROR_INIT;
    clock_case c = { "2026-01-27T10:00Z", NULL, "2026-01-28T10:00Z", NULL, CRISK_REGIME_DORA, { { 0 } }, 0 };
    crisk_incident_record *r = run_case(inv, &c, CRISK_OK, &err);
    expect_due(r, "dora.initial", "2026-01-28T10:00:00Z");
    crisk_incident_record_free(r);
    c.classified = "2026-01-28T10:30Z";
    r = run_case(inv, &c, CRISK_OK, &err);
    expect_due(r, "dora.initial", "2026-01-28T14:30:00Z");
    crisk_incident_record_free(r);

    c = (clock_case){ "2026-01-27T10:00Z", NULL, NULL, "2026-01-29T00:00Z", CRISK_REGIME_DORA,
                      { { "initial", 0 } }, 1 };
    c.submitted[0].at = parse_ok("2026-01-28T10:00Z");
    r = run_case(inv, &c, CRISK_OK, &err);
    char *text = NULL;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(crisk_emit_incident(f, r, CRISK_FORMAT_TABLE, &err), CRISK_OK);
    fclose(f);
    cr_expect_not_null(strstr(text, "due 2026-01-28T10:00:00Z  submitted 2026-01-28T10:00:00Z, on time"), "%s", text);
    free(text);
    crisk_incident_record_free(r);
    crisk_inventory_free(inv);
}
