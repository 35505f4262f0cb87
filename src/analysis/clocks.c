/*
 * clocks.c - the NIS2 and DORA reporting deadlines of an incident.
 *
 * Every rule is one row of `rules` below, with the legal text it comes
 * from: a correction is a change of one row.  The anchors were taken from
 * the legal texts (docs/incident.md gives the wording and where it was
 * checked):
 *   - NIS2, Directive (EU) 2022/2555, Art. 23(4): (a) an early warning
 *     within 24 hours of becoming aware of the significant incident; (b) an
 *     incident notification within 72 hours of becoming aware; (d) a final
 *     report not later than one month after the submission of the incident
 *     notification;
 *   - DORA, Regulation (EU) 2022/2554, Art. 19(4), with Commission
 *     Delegated Regulation (EU) 2025/301, Art. 5: (1)(a) the initial
 *     notification within 4 hours from the classification of the incident
 *     as major, but no later than 24 hours from becoming aware of it -
 *     and, by Art. 5(2), within 4 hours of a classification made after
 *     those 24 hours; (1)(b) the intermediate report within 72 hours from
 *     the submission of the initial notification; (1)(c) the final report
 *     no later than one month after the submission of the latest updated
 *     intermediate report.
 * A deadline counted from the submission of an earlier report uses the
 * actual submission when it is given (--submitted KEY=TIME), else the
 * earlier report's own deadline, and says so.  "One month" is the same
 * day of the next month in UTC, clamped to that month's last day
 * (crisk_time_add_months).  Not applied: the weekend and bank-holiday
 * deferral of Delegated Regulation (EU) 2025/301 Art. 5(4), and NIS2's
 * 24-hour notification for trust service providers (Art. 23(4), second
 * subparagraph); docs/incident.md says so.
 */
#include "clocks.h"

#include <stdio.h>
#include <string.h>

#include "util/util.h"

typedef enum anchor {
    FROM_AWARENESS,        /* aware + hours */
    FROM_CLASSIFICATION,   /* classified + hours, at the latest aware + cap_hours */
    FROM_SUBMISSION        /* the submission of `after` + hours + months */
} anchor;

typedef struct clock_rule {
    unsigned regime;
    const char *key, *regime_name, *report;
    anchor from;
    const char *after;     /* FROM_SUBMISSION: the key of the earlier report */
    int hours, months, cap_hours;
    const char *rule;      /* the time limit, in the legal text's words */
    const char *citation;
} clock_rule;

#define NIS2 "Directive (EU) 2022/2555 (NIS2), "
#define DORA "Regulation (EU) 2022/2554 (DORA), "
#define RTS  "Delegated Regulation (EU) 2025/301, "

static const clock_rule rules[] = {
    { CRISK_REGIME_NIS2, "nis2.early-warning", "NIS2", "early warning", FROM_AWARENESS, NULL, 24, 0, 0,
      "without undue delay and in any event within 24 hours of becoming aware of the significant "
      "incident", NIS2 "Art. 23(4)(a)" },
    { CRISK_REGIME_NIS2, "nis2.notification", "NIS2", "incident notification", FROM_AWARENESS, NULL, 72, 0, 0,
      "without undue delay and in any event within 72 hours of becoming aware of the significant "
      "incident", NIS2 "Art. 23(4)(b)" },
    { CRISK_REGIME_NIS2, "nis2.final", "NIS2", "final report", FROM_SUBMISSION, "nis2.notification", 0, 1, 0,
      "not later than one month after the submission of the incident notification",
      NIS2 "Art. 23(4)(d)" },
    { CRISK_REGIME_DORA, "dora.initial", "DORA", "initial notification", FROM_CLASSIFICATION, NULL, 4, 0, 24,
      "within 4 hours from the classification of the incident as major, but no later than 24 hours "
      "from the moment the financial entity has become aware of it",
      DORA "Art. 19(4)(a); " RTS "Art. 5(1)(a)" },
    { CRISK_REGIME_DORA, "dora.intermediate", "DORA", "intermediate report", FROM_SUBMISSION, "dora.initial", 72, 0, 0,
      "within 72 hours from the submission of the initial notification",
      DORA "Art. 19(4)(b); " RTS "Art. 5(1)(b)" },
    { CRISK_REGIME_DORA, "dora.final", "DORA", "final report", FROM_SUBMISSION, "dora.intermediate", 0, 1, 0,
      "no later than one month after the submission of the latest updated intermediate report",
      DORA "Art. 19(4)(c); " RTS "Art. 5(1)(c)" },
};
#define N_RULES (sizeof rules / sizeof rules[0])

/* A classification made after the 24 hours (DORA initial notification). */
static const char late_classification[] = RTS "Art. 5(2)";

static const char *short_name(const clock_rule *c)
{
    return strchr(c->key, '.') + 1;
}

/* The rule `name` names among `regime`'s: N_RULES when none, N_RULES + 1
 * when several. */
static size_t find_rule(const char *name, unsigned regime)
{
    size_t found = N_RULES;
    for (size_t i = 0; i < N_RULES; i++) {
        if (strcmp(name, rules[i].key) == 0)
            return i;
        if ((rules[i].regime & regime) && strcmp(name, short_name(&rules[i])) == 0)
            found = found == N_RULES ? i : N_RULES + 1;
    }
    return found;
}

static void list_keys(char *buf, size_t size, unsigned regime)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_RULES && o < size; i++)
        if (rules[i].regime & regime)
            o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? ", " : "", rules[i].key);
}

int crisk__clocks_check(const crisk_incident_options *o, unsigned regime, crisk_error *err)
{
    size_t seen[N_RULES + 2] = { 0 };   /* only entries below i are read */
    char keys[256];
    for (size_t i = 0; i < o->n_submitted; i++) {
        const char *key = o->submitted[i].key;
        if (o->submitted[i].at < CRISK_TIME_MIN || o->submitted[i].at > CRISK_TIME_MAX)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0, "a time outside the years 0001 to 9999");
        size_t r = find_rule(key, regime);
        list_keys(keys, sizeof keys, regime);
        if (r == N_RULES + 1)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                   "ambiguous report '%s' in --submitted: give its regime (%s)",
                                   key, keys);
        if (r == N_RULES || !(rules[r].regime & regime))
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                   "unknown report '%s' in --submitted (expected one of %s)", key,
                                   keys);
        for (size_t k = 0; k < i; k++)
            if (seen[k] == r)
                return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                       "report '%s' given twice in --submitted", rules[r].key);
        seen[i < N_RULES ? i : N_RULES] = r;
        if (o->submitted[i].at < o->since)
            return crisk_error_set(err, CRISK_EUSAGE, NULL, 0, 0,
                                   "--submitted %s is before --since: a report cannot precede "
                                   "the incident", rules[r].key);
    }
    return CRISK_OK;
}

static crisk_time submission_of(const crisk_incident_options *o, unsigned regime, size_t rule)
{
    for (size_t i = 0; i < o->n_submitted; i++)
        if (find_rule(o->submitted[i].key, regime) == rule)
            return o->submitted[i].at;
    return CRISK_TIME_NONE;
}

static crisk_time plus(crisk_time t, int hours, int months)
{
    return crisk_time_add_hours(crisk_time_add_months(t, months), hours);
}

static const char *limit_text(char *buf, size_t size, const clock_rule *c)
{
    if (c->months > 0)
        snprintf(buf, size, "%d month%s", c->months, c->months == 1 ? "" : "s");
    else
        snprintf(buf, size, "%d h", c->hours);
    return buf;
}

/* The DORA initial notification: 4 h from classification, at the latest
 * 24 h from awareness; a classification after those 24 h: 4 h from it. */
static crisk_time from_classification(const clock_rule *c, crisk_time aware, crisk_time classified,
                                      char *basis, size_t size, const char **citation)
{
    char a[32], k[32];
    crisk_time cap = crisk_time_add_hours(aware, c->cap_hours);
    crisk_time_format(a, sizeof a, aware);
    if (classified == CRISK_TIME_NONE) {
        snprintf(basis, size, "awareness %s + %d h, the latest it can be; the %d h clock starts "
                              "when the incident is classified as major (--classified)",
                 a, c->cap_hours, c->hours);
        return cap;
    }
    crisk_time_format(k, sizeof k, classified);
    crisk_time due = crisk_time_add_hours(classified, c->hours);
    if (classified > cap) {
        snprintf(basis, size, "classification %s + %d h: classified more than %d h after "
                              "awareness (%s)", k, c->hours, c->cap_hours, late_classification);
        *citation = late_classification;
        return due;
    }
    if (due <= cap) {
        snprintf(basis, size, "classification %s + %d h", k, c->hours);
        return due;
    }
    snprintf(basis, size, "awareness %s + %d h, earlier than classification %s + %d h", a,
             c->cap_hours, k, c->hours);
    return cap;
}

int crisk__clocks_fill(crisk_incident_record *r, const crisk_incident_options *o,
                       unsigned regime, crisk_error *err)
{
    crisk_time due[N_RULES];
    size_t n = 0;
    r->deadlines = crisk__record_alloc(r, N_RULES, sizeof *r->deadlines);
    if (r->deadlines == NULL)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    crisk_time aware = o->aware != CRISK_TIME_NONE ? o->aware : o->since;
    for (size_t i = 0; i < N_RULES; i++) {
        const clock_rule *c = &rules[i];
        due[i] = CRISK_TIME_NONE;
        if (!(c->regime & regime))
            continue;
        char basis[512], t[32], limit[32];
        const char *citation = c->citation;
        limit_text(limit, sizeof limit, c);
        if (c->from == FROM_AWARENESS) {
            due[i] = plus(aware, c->hours, c->months);
            snprintf(basis, sizeof basis, "awareness %s + %s", crisk_time_format(t, sizeof t, aware),
                     limit);
        } else if (c->from == FROM_CLASSIFICATION) {
            due[i] = from_classification(c, aware, o->classified, basis, sizeof basis, &citation);
        } else {
            size_t prev = find_rule(c->after, regime);
            crisk_time sent = submission_of(o, regime, prev);
            if (sent != CRISK_TIME_NONE) {
                due[i] = plus(sent, c->hours, c->months);
                snprintf(basis, sizeof basis, "submission of the %s %s + %s", rules[prev].report,
                         crisk_time_format(t, sizeof t, sent), limit);
            } else {
                due[i] = plus(due[prev], c->hours, c->months);
                snprintf(basis, sizeof basis, "deadline of the %s %s + %s, assuming the %s is "
                                              "submitted at its deadline", rules[prev].report,
                         crisk_time_format(t, sizeof t, due[prev]), limit, rules[prev].report);
            }
        }
        crisk_incident_deadline *d = &r->deadlines[n++];
        d->key = c->key;
        d->regime = c->regime_name;
        d->report = c->report;
        d->rule = c->rule;
        d->citation = citation;
        d->due = due[i];
        d->basis = crisk__record_copy(r, basis);
        d->submitted = submission_of(o, regime, i);
        if (d->basis == NULL)
            return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    }
    r->n_deadlines = n;
    return CRISK_OK;
}
