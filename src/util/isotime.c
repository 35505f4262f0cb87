/*
 * isotime.c - ISO 8601 times read and written in UTC, and calendar months
 * (chainrisk/incident.h).
 *
 * Approach: the proleptic Gregorian calendar done by hand (days from a
 * civil date and back, H. Hinnant's algorithms), so nothing depends on the
 * process's time zone, locale or the C library's timegm() (not in C11 nor
 * POSIX).  A time must carry its zone: "Z" or an offset.  Rejected:
 * strptime() - it accepts what the locale says, skips blanks, and says
 * nothing about where it stopped.
 */
#include "chainrisk/incident.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days since 1970-01-01 of a civil date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- reading ----------------------------------------------------------------- */

typedef struct reader {
    const char *s;
    size_t i;
    crisk_error *err;
} reader;

/* The character at i for a message: "'x'" or "the end". */
static void describe(const reader *r, size_t i, char *buf, size_t size)
{
    unsigned char c = (unsigned char)r->s[i];
    if (c == '\0')
        snprintf(buf, size, "the end");
    else if (c < 0x20 || c == 0x7F || c >= 0x80)
        snprintf(buf, size, "byte 0x%02x", c);
    else
        snprintf(buf, size, "'%c'", c);
}

/* Exactly `n` digits naming `what`. */
static int digits(reader *r, int n, const char *what, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        char c = r->s[r->i + (size_t)k];
        if (c < '0' || c > '9') {
            char got[32];
            describe(r, r->i + (size_t)k, got, sizeof got);
            return crisk_error_set(r->err, CRISK_EINVALID, NULL, 0, r->i + (size_t)k + 1,
                                   "expected a digit of the %s, found %s", what, got);
        }
        v = v * 10 + (c - '0');
    }
    *out = v;
    return CRISK_OK;
}

static int expect(reader *r, char c, const char *what)
{
    if (r->s[r->i] == c) {
        r->i++;
        return CRISK_OK;
    }
    char got[32];
    describe(r, r->i, got, sizeof got);
    return crisk_error_set(r->err, CRISK_EINVALID, NULL, 0, r->i + 1, "expected %s, found %s",
                           what, got);
}

/* A field of `n` digits in [lo, hi]. */
static int field(reader *r, int n, const char *what, int lo, int hi, int *out)
{
    size_t at = r->i;
    int rc = digits(r, n, what, out);
    if (rc != CRISK_OK)
        return rc;
    if (*out < lo || *out > hi)
        return crisk_error_set(r->err, CRISK_EINVALID, NULL, 0, at + 1,
                               "%s %0*d out of range (%0*d to %0*d)", what, n, *out, n, lo, n, hi);
    r->i += (size_t)n;
    return CRISK_OK;
}

static int read_date(reader *r, int *y, int *m, int *d)
{
    int rc = field(r, 4, "year", 1, 9999, y);
    if (rc == CRISK_OK)
        rc = expect(r, '-', "'-' after the year");
    if (rc == CRISK_OK)
        rc = field(r, 2, "month", 1, 12, m);
    if (rc == CRISK_OK)
        rc = expect(r, '-', "'-' after the month");
    if (rc != CRISK_OK)
        return rc;
    size_t at = r->i;
    rc = field(r, 2, "day", 1, 31, d);
    if (rc == CRISK_OK && *d > days_in_month(*y, *m))
        return crisk_error_set(r->err, CRISK_EINVALID, NULL, 0, at + 1,
                               "day %02d out of range (%04d-%02d has %d days)", *d, *y, *m,
                               days_in_month(*y, *m));
    return rc;
}

static int read_clock(reader *r, int *hh, int *mm, int *ss)
{
    int rc = expect(r, 'T', "'T' between the date and the time");
    if (rc == CRISK_OK)
        rc = field(r, 2, "hour", 0, 23, hh);
    if (rc == CRISK_OK)
        rc = expect(r, ':', "':' after the hour");
    if (rc == CRISK_OK)
        rc = field(r, 2, "minute", 0, 59, mm);
    *ss = 0;
    if (rc == CRISK_OK && r->s[r->i] == ':') {
        r->i++;
        rc = field(r, 2, "second", 0, 59, ss);
    }
    if (rc == CRISK_OK && (r->s[r->i] == '.' || r->s[r->i] == ','))
        return crisk_error_set(r->err, CRISK_EINVALID, NULL, 0, r->i + 1,
                               "fractions of a second are not supported");
    return rc;
}

/* Z, or +hh:mm / +hhmm / +hh (or -): the offset east of UTC in seconds. */
static int read_zone(reader *r, int64_t *offset)
{
    char c = r->s[r->i];
    *offset = 0;
    if (c == 'Z') {
        r->i++;
        return CRISK_OK;
    }
    if (c != '+' && c != '-') {
        if (c == '\0')
            return crisk_error_set(r->err, CRISK_EINVALID, NULL, 0, r->i + 1,
                                   "missing time zone: add Z for UTC or an offset such as "
                                   "+01:00");
        return expect(r, 'Z', "Z or an offset such as +01:00");
    }
    r->i++;
    int hh = 0, mm = 0;
    int rc = field(r, 2, "offset hour", 0, 23, &hh);
    if (rc == CRISK_OK && r->s[r->i] == ':') {
        r->i++;
        rc = field(r, 2, "offset minute", 0, 59, &mm);
    } else if (rc == CRISK_OK && r->s[r->i] >= '0' && r->s[r->i] <= '9') {
        rc = field(r, 2, "offset minute", 0, 59, &mm);
    }
    *offset = (c == '-' ? -1 : 1) * ((int64_t)hh * 3600 + (int64_t)mm * 60);
    return rc;
}

int crisk_time_parse(const char *s, crisk_time *out, crisk_error *err)
{
    reader r = { s, 0, err };
    int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
    int64_t offset;
    if (s[0] == '\0')
        return crisk_error_set(err, CRISK_EINVALID, NULL, 0, 1, "empty time");
    int rc = read_date(&r, &y, &m, &d);
    if (rc == CRISK_OK)
        rc = read_clock(&r, &hh, &mm, &ss);
    size_t zone = r.i;
    if (rc == CRISK_OK)
        rc = read_zone(&r, &offset);
    if (rc != CRISK_OK)
        return rc;
    if (s[r.i] != '\0') {
        char got[32];
        describe(&r, r.i, got, sizeof got);
        return crisk_error_set(err, CRISK_EINVALID, NULL, 0, r.i + 1,
                               "unexpected %s after the time zone", got);
    }
    /* local time = UTC + offset */
    crisk_time t = days_from_civil(y, m, d) * 86400 + (int64_t)hh * 3600 + (int64_t)mm * 60 + ss - offset;
    if (t < CRISK_TIME_MIN || t > CRISK_TIME_MAX)
        return crisk_error_set(err, CRISK_EINVALID, NULL, 0, zone + 1,
                               "%s 0001-01-01 to 9999-12-31 in UTC once the offset is applied",
                               t < CRISK_TIME_MIN ? "before" : "after");
    *out = t;
    return CRISK_OK;
}

/* ---- writing and months ---------------------------------------------------------- */

char *crisk_time_format(char *buf, size_t size, crisk_time t)
{
    if (t == CRISK_TIME_NONE) {
        if (size > 0)
            buf[0] = '\0';
        return buf;
    }
    int64_t days = floor_div(t, 86400), sec = t - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
             (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
    return buf;
}

crisk_time crisk_time_add_months(crisk_time t, int months)
{
    if (t == CRISK_TIME_NONE)
        return t;
    int64_t days = floor_div(t, 86400), sec = t - days * 86400;
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t index = y * 12 + (m - 1) + months;
    y = floor_div(index, 12);
    m = (int)(index - y * 12) + 1;
    if (y > 9999)
        return CRISK_TIME_MAX;
    if (y < 1)
        return CRISK_TIME_MIN;
    int last = days_in_month(y, m);
    if (d > last)
        d = last;
    crisk_time out = days_from_civil(y, m, d) * 86400 + sec;
    return out > CRISK_TIME_MAX ? CRISK_TIME_MAX : out < CRISK_TIME_MIN ? CRISK_TIME_MIN : out;
}

crisk_time crisk_time_add_hours(crisk_time t, double hours)
{
    if (t == CRISK_TIME_NONE || isnan(hours))
        return CRISK_TIME_NONE;
    double seconds = hours * 3600;
    if (seconds >= (double)(CRISK_TIME_MAX - t))
        return CRISK_TIME_MAX;
    if (seconds <= (double)(CRISK_TIME_MIN - t))
        return CRISK_TIME_MIN;
    crisk_time out = t + (crisk_time)llround(seconds);
    return out > CRISK_TIME_MAX ? CRISK_TIME_MAX : out < CRISK_TIME_MIN ? CRISK_TIME_MIN : out;
}

char *crisk_span_format(char *buf, size_t size, int64_t seconds)
{
    uint64_t s = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;
    uint64_t days = s / 86400, hours = s / 3600 % 24, minutes = s / 60 % 60;
    if (s < 60)
        snprintf(buf, size, "%llu s", (unsigned long long)s);
    else if (days > 0 && hours > 0)
        snprintf(buf, size, "%llu d %llu h", (unsigned long long)days, (unsigned long long)hours);
    else if (days > 0)
        snprintf(buf, size, "%llu d", (unsigned long long)days);
    else if (hours > 0 && minutes > 0)
        snprintf(buf, size, "%llu h %llu min", (unsigned long long)hours,
                 (unsigned long long)minutes);
    else if (hours > 0)
        snprintf(buf, size, "%llu h", (unsigned long long)hours);
    else
        snprintf(buf, size, "%llu min", (unsigned long long)minutes);
    return buf;
}
