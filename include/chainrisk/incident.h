/*
 * chainrisk/incident.h - a live incident (DESIGN §5 "Scenarios and
 * incidents", issue 13 §3): what is down and why, when each function's
 * tolerance is breached, the NIS2 / DORA reporting clocks, the odds of
 * unconfirmed failures, and the decision record that keeps it all.
 *
 * Times are seconds since 1970-01-01T00:00:00Z (crisk_time), read from and
 * written as ISO 8601; every computation is in UTC.
 *
 * The result of crisk_incident_run is a decision record: a plain,
 * self-contained structure (no pointer into the inventory) that the
 * emitters write as a table, CSV or JSON and the incident page renders,
 * and that crisk_incident_record_load reads back from its JSON.  So the
 * page of a record read from a file is the page of the run that wrote it.
 *
 * Layers: the record is a model object (src/model/incident_record.c); the
 * clocks (src/analysis/clocks.c) and the run (src/analysis/incident.c,
 * suspects.c) are analyses; the JSON reader is an importer
 * (src/import/incident_file.c); the writers are emitters
 * (src/emit/emit_incident.c, report_incident.c).
 *
 * Ownership: a record returned through `**out` is the caller's, freed with
 * crisk_incident_record_free (which accepts NULL); everything it points to
 * lives inside it.
 */
#ifndef CHAINRISK_INCIDENT_H
#define CHAINRISK_INCIDENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "error.h"
#include "inventory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- times ------------------------------------------------------------------ */

/* Seconds since 1970-01-01T00:00:00Z; leap seconds are not counted (POSIX). */
typedef int64_t crisk_time;
#define CRISK_TIME_NONE INT64_MIN   /* not given / not applicable */
#define CRISK_TIME_MIN  (-62135596800LL)   /* 0001-01-01T00:00:00Z */
#define CRISK_TIME_MAX  253402300799LL     /* 9999-12-31T23:59:59Z */

/* Read an ISO 8601 time: YYYY-MM-DDTHH:MM[:SS] followed by Z or an offset
 * +hh:mm / -hh:mm (also +hhmm, +hh), from CRISK_TIME_MIN to CRISK_TIME_MAX
 * once in UTC (years 0001 to 9999).  A time without a
 * zone is refused: it would be read in some local time nobody chose.
 * Errors: CRISK_EINVALID with the message ("month 13 out of range (01 to
 * 12)", "missing time zone: add Z for UTC or an offset such as +01:00")
 * and err->column the 1-based character where the problem starts.  No file,
 * no line.  O(length). */
int crisk_time_parse(const char *s, crisk_time *out, crisk_error *err);

/* "2026-12-06T08:00:00Z" into buf (21 bytes are enough) and return buf.
 * CRISK_TIME_NONE gives "". */
char *crisk_time_format(char *buf, size_t size, crisk_time t);

/* The same time of day `months` months later in UTC, the day clamped to the
 * last day of that month ("one month" after January 31 is February 28, or
 * 29 in a leap year).  CRISK_TIME_NONE stays so; a result past the range
 * is CRISK_TIME_MAX (or CRISK_TIME_MIN). */
crisk_time crisk_time_add_months(crisk_time t, int months);

/* t + hours (any finite number; rounded to the second), kept within
 * CRISK_TIME_MIN .. CRISK_TIME_MAX, so that a tolerance of a billion
 * hours neither overflows nor leaves the calendar.  NaN or
 * CRISK_TIME_NONE give CRISK_TIME_NONE. */
crisk_time crisk_time_add_hours(crisk_time t, double hours);

/* A span of time for reading: "3 h 20 min", "2 d 4 h", "45 s", "0 min"
 * (minutes dropped past a day, seconds shown only under a minute).  The
 * sign is ignored.  Returns buf. */
char *crisk_span_format(char *buf, size_t size, int64_t seconds);

/* ---- the record ------------------------------------------------------------------ */

typedef enum crisk_regime {
    CRISK_REGIME_NIS2 = 1,
    CRISK_REGIME_DORA = 2,
    CRISK_REGIME_BOTH = 3
} crisk_regime;

/* One input of the run, as loaded. */
typedef struct crisk_incident_input {
    const char *path, *kind, *sha256;
    uint64_t bytes, rows;
} crisk_incident_input;

/* A --down or --suspect term: as given, with the nodes it resolved to. */
typedef struct crisk_incident_term {
    const char *term;
    double probability;          /* 1 for --down */
    const char **nodes;          /* ids */
    size_t n_nodes;
} crisk_incident_term;

/* A node down for certain now, in propagation order (DESIGN §4), with the
 * reason it failed - the cause chain `impact` prints. */
typedef struct crisk_incident_down {
    const char *id, *name, *type;
    double criticality;          /* functions; NaN for others */
    size_t round;                /* 0 = failed initially */
    const char *group;           /* NULL: initial failure; "": a plain dependency;
                                  * else the redundancy group that lost too many */
    size_t need, size;           /* of that group */
    size_t *members;             /* its failed members: indices into down_nodes */
    size_t n_members;
} crisk_incident_down;

/* A function the incident reaches: down for certain or with some
 * probability.  Sorted by breach time (no tolerance last), then
 * probability desc, criticality desc, id. */
typedef struct crisk_incident_function {
    const char *id, *name;
    double criticality;
    double rto_hours;            /* NaN = no tolerance given */
    double p_down;               /* 1 = down for certain (the confirmed failures) */
    double p_std_error;          /* 0 when exact */
    crisk_time breach_at;        /* since + rto_hours; CRISK_TIME_NONE without rto */
    /* when it is back, for a function down for certain: the hours after
     * `since` its downtime lasts given the failed providers' recovery_hours
     * (DESIGN §4 "Durations"): in [back_lo, back_hi] (back_lo exclusive
     * when back_lo_open), back_hi INFINITY when unbounded; NaN both when
     * not down for certain */
    double back_lo, back_hi;
    int back_lo_open;
    /* the suspect whose confirmation changes its outlook most:
     * P(down | suspect down) - P(down | suspect up); swing_suspect is an
     * index into suspects, SIZE_MAX when there is none */
    size_t swing_suspect;
    double swing, swing_std_error;
} crisk_incident_function;

/* A reporting deadline (src/analysis/clocks.c holds the rules). */
typedef struct crisk_incident_deadline {
    const char *key;             /* "nis2.early-warning", "dora.initial", ... */
    const char *regime;          /* "NIS2", "DORA" */
    const char *report;          /* "early warning", "initial notification", ... */
    const char *rule;            /* the time limit, in the legal text's words */
    const char *citation;        /* "Directive (EU) 2022/2555, Art. 23(4)(a)" */
    crisk_time due;
    const char *basis;           /* what it was counted from, and any assumption */
    crisk_time submitted;        /* --submitted KEY=TIME; CRISK_TIME_NONE */
} crisk_incident_deadline;

typedef struct crisk_incident_record {
    const char *schema;          /* "chainrisk/incident/1" */
    const char *tool;            /* crisk_version() of the run */
    crisk_incident_input *inputs;
    size_t n_inputs;
    size_t model_nodes, model_edges, model_groups;
    /* the times */
    crisk_time since, aware, classified, now;   /* classified: CRISK_TIME_NONE if not given */
    int now_from_clock;          /* 1: --now not given, the clock was read */
    unsigned regime;             /* crisk_regime */
    /* the assumptions */
    crisk_incident_term *down;
    size_t n_down;
    crisk_incident_term *suspects;
    size_t n_suspects;
    const char *method;          /* "none", "exact" or "monte-carlo" */
    uint64_t runs;               /* exact: the 2^k states; Monte Carlo: the runs */
    uint64_t seed;               /* Monte Carlo */
    /* the facts that feed the classification */
    size_t functions_total, functions_down, tolerances_breached;
    double criticality_total, criticality_lost, lost_share;   /* share NaN if total is 0 */
    /* the results */
    crisk_incident_down *down_nodes;
    size_t n_down_nodes;
    crisk_incident_function *functions;
    size_t n_functions;
    crisk_incident_deadline *deadlines;
    size_t n_deadlines;
    struct crisk__arena *arena;  /* owns everything above */
} crisk_incident_record;

void crisk_incident_record_free(crisk_incident_record *r);

/* ---- running an incident --------------------------------------------------------- */

/* A report already sent: its key ("nis2.notification", "dora.initial", ...)
 * and when. */
typedef struct crisk_submission {
    const char *key;
    crisk_time at;
} crisk_submission;

/* Suspects up to this many are enumerated exactly (2^20 states); more go
 * through Monte Carlo. */
#define CRISK_INCIDENT_EXACT_MAX 20
#define CRISK_INCIDENT_MAX_TERMS 256

typedef struct crisk_incident_options {
    const char *const *down;     /* failure terms (ids or selectors), n_down >= 1 */
    size_t n_down;
    const char *const *suspects; /* failure terms, each with its probability */
    const double *probabilities; /* 0..1 */
    size_t n_suspects;
    crisk_time since, aware, classified, now;   /* aware, classified may be NONE */
    int now_from_clock;
    unsigned regime;             /* crisk_regime; 0 = both */
    const crisk_submission *submitted;
    size_t n_submitted;
    size_t exact_max;            /* suspects enumerated exactly at most; default 20 */
    uint64_t runs;               /* Monte Carlo runs (default 100000) */
    uint64_t seed;               /* Monte Carlo seed (default 1) */
    const char *tool;            /* version recorded; NULL = crisk_version() */
} crisk_incident_options;

#define CRISK_INCIDENT_OPTIONS_INIT \
    { NULL, 0, NULL, NULL, 0, CRISK_TIME_NONE, CRISK_TIME_NONE, CRISK_TIME_NONE, \
      CRISK_TIME_NONE, 0, 0, NULL, 0, CRISK_INCIDENT_EXACT_MAX, 100000, 1, NULL }

/* Run an incident on `inv` and return its decision record.
 *   - the --down terms are resolved (chainrisk/selector.h) and failed
 *     together: what is down now and why (DESIGN §4);
 *   - each function down breaches its tolerance at since + rto_hours; it is
 *     back when the failed providers' recovery_hours say (the downtime
 *     engine, crisk_downtime_run), unknown where one is not given;
 *   - each suspect term fails its nodes together with its probability,
 *     independently of the others: each function's probability of being
 *     down is exact by enumerating the 2^k states for k <= exact_max
 *     (512 states per sweep of the bit-parallel engine), else Monte Carlo
 *     (`runs` runs from `seed`, with the standard error); for each function
 *     the suspect with the largest P(down | suspect down) - P(down |
 *     suspect up);
 *   - the reporting deadlines of `regime` (src/analysis/clocks.c), later
 *     ones counted from the actual submission of the earlier report when
 *     `submitted` gives it, else from its deadline.
 * Errors (messages name the option): CRISK_EINVALID for a malformed term
 * (the selector's message), a suspect also given as --down, a probability
 * outside 0..1, times out of order (aware or classified before since),
 * an unknown submission key, a submission of a regime not asked for;
 * CRISK_ENOTFOUND for an unknown id (with a hint); CRISK_EUSAGE for no
 * --down term or more than CRISK_INCIDENT_MAX_TERMS; CRISK_ENOMEM.
 * Time O((V + E) * (1 + 2^k / 512)) exact, O((V + E) * runs / 512) Monte
 * Carlo, both over the nodes the suspects reach only. */
int crisk_incident_run(crisk_incident_record **out, const crisk_inventory *inv,
                       const crisk_incident_options *opts, crisk_error *err);

/* ---- the record as a file --------------------------------------------------------- */

/* Write the record as JSON (docs/incident.md, "The decision record"): keys
 * in a fixed order, numbers in the shortest form that reads back exactly,
 * times as ISO 8601 UTC.  The same record gives the same bytes, and
 * crisk_incident_record_load reads them back as the same record.
 * Returns CRISK_OK or CRISK_EIO. */
int crisk_incident_record_write(FILE *f, const crisk_incident_record *r, crisk_error *err);

/* Read a decision record written by crisk_incident_record_write.  It is
 * outside data: every problem is reported as FILE:LINE:COLUMN into `diags`
 * (JSON syntax, a missing or mistyped member, a bad time or number, an
 * index out of range, an unknown schema) and `err` holds the first.
 * Returns CRISK_OK, CRISK_EINVALID, CRISK_EIO, CRISK_ELIMIT (a file over
 * 256 MiB) or CRISK_ENOMEM; *out is NULL unless CRISK_OK.
 * Time O(bytes + k log k). */
int crisk_incident_record_load(crisk_incident_record **out, const char *path,
                               crisk_diagnostics *diags, crisk_error *err);

#ifdef __cplusplus
}
#endif
#endif
