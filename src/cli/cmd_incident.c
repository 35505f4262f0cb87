/*
 * cmd_incident.c - `chainrisk incident`: a live incident - what is down and
 * why, when each function breaches its tolerance, the NIS2 / DORA
 * reporting clocks, the odds of suspected failures - and its decision
 * record (--format json -o FILE).
 */
#include "cli_emit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
    "usage: chainrisk incident [options] INVENTORY... --down ID --since TIME\n\n"
    "A live incident (DESIGN §5): the --down terms fail together now.  Shows what\n"
    "is down and why (the cascade, as 'chainrisk impact' prints it), each affected\n"
    "function by when its tolerance is breached (since + rto_hours) and when it is\n"
    "back (the failed providers' recovery_hours; unknown where not given), and the\n"
    "NIS2 / DORA reporting deadlines as UTC times with the rule and the article\n"
    "each comes from (docs/incident.md).  Whether the incident is significant or\n"
    "major is the organisation's classification: the output gives the facts for\n"
    "it.  --suspect adds unconfirmed failures with a probability: each function's\n"
    "probability of being down is exact for up to 20 suspects (every state\n"
    "enumerated), Monte Carlo with its standard error beyond, and each function\n"
    "names the suspect whose confirmation changes its outlook most.  Times are\n"
    "ISO 8601 with Z or an offset (2026-12-06T08:00Z, 2026-12-06T09:00+01:00);\n"
    "everything is computed in UTC; one month is the same day of the next month,\n"
    "clamped to its last day.\n\n"
    "options:\n"
    "  --down ID                   what is down: a node id, or a selector parent:NAME,\n"
    "                              country:CC, category:X, type:X (repeatable)\n"
    "  --since TIME                when the outage started\n"
    "  --aware TIME                when the organisation became aware (default --since)\n"
    "  --classified TIME           when it classified the incident as significant or\n"
    "                              major (starts DORA's 4 h clock)\n"
    "  --now TIME                  the time to judge at (default: the clock; every\n"
    "                              output states the time it used)\n"
    "  --regime nis2|dora|both     the reporting clocks to show (default both)\n"
    "  --submitted REPORT=TIME     a report already sent, such as dora.initial=TIME or\n"
    "                              nis2.notification=TIME: later deadlines count from\n"
    "                              it (repeatable)\n"
    "  --suspect TERM=P            a node id or selector that may be down, with\n"
    "                              probability P (above 0, below 1; repeatable)\n"
    "  --runs N                    Monte Carlo runs past 20 suspects, 1 to 100000000\n"
    "                              (default 100000)\n"
    "  --seed S                    Monte Carlo seed, 0 to 18446744073709551615\n"
    "                              (default 1)\n"
    "  --format table|csv|json     output format (default table); json is the decision\n"
    "                              record: inputs with SHA-256, assumptions, results,\n"
    "                              deadlines ('chainrisk report --incident' renders it)\n"
    "  -o, --output FILE           write to FILE atomically instead of stdout\n"
    "  --nodes FILE, --edges FILE  native CSV files instead of a directory\n"
    CLI_HELP_INPUTS
    "  -q, --quiet                 do not print warnings\n"
    "  -h, --help                  show this help\n\n"
    "exit status: 0 ok, 1 invalid input or unknown node, 2 usage error, 3 internal error\n";

static const char time_example[] =
    "an ISO 8601 time such as 2026-12-06T08:00Z or 2026-12-06T09:00+01:00";

typedef struct incident_cli {
    crisk_incident_options opts;
    const char *down[CRISK_INCIDENT_MAX_TERMS];
    const char *suspects[CRISK_INCIDENT_MAX_TERMS];
    char *suspect_terms[CRISK_INCIDENT_MAX_TERMS];   /* owned: the TERM of TERM=P */
    double probabilities[CRISK_INCIDENT_MAX_TERMS];
    crisk_submission submitted[16];
    char *submitted_keys[16];                       /* owned */
    const cli_common *c;
    crisk_incident_record *record;
} incident_cli;

/* ---- option values ---------------------------------------------------------------- */

/* `text` as a time, or a usage error pointing at the character (counted
 * in `value` from `offset`). */
static int parse_time(const char *opt, const char *value, const char *text, size_t offset,
                      crisk_time *out)
{
    char v[400];
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_time_parse(text, out, &err) == CRISK_OK)
        return 0;
    cli_escape(v, sizeof v, value, 80);
    return cli_usage_error("incident", "invalid %s '%s': %s at character %zu (expected %s)", opt, v,
                           err.message, err.column + offset, time_example);
}

static int opt_time(const char *opt, const char *value, crisk_time *out)
{
    return parse_time(opt, value, value, 0, out);
}

static int opt_since(void *ctx, const char *v) { return opt_time("--since", v, &((incident_cli *)ctx)->opts.since); }
static int opt_aware(void *ctx, const char *v) { return opt_time("--aware", v, &((incident_cli *)ctx)->opts.aware); }
static int opt_classified(void *ctx, const char *v) { return opt_time("--classified", v, &((incident_cli *)ctx)->opts.classified); }
static int opt_now(void *ctx, const char *v) { return opt_time("--now", v, &((incident_cli *)ctx)->opts.now); }

static int opt_down(void *ctx, const char *value)
{
    incident_cli *in = ctx;
    if (in->opts.n_down == CRISK_INCIDENT_MAX_TERMS)
        return cli_usage_error("incident", "too many --down terms (at most %d)", CRISK_INCIDENT_MAX_TERMS);
    in->down[in->opts.n_down++] = value;
    return 0;
}

static int opt_regime(void *ctx, const char *value)
{
    incident_cli *in = ctx;
    static const char *const names[] = { "nis2", "dora", "both" };
    for (unsigned i = 0; i < 3; i++)
        if (strcmp(value, names[i]) == 0) {
            in->opts.regime = i + 1;
            return 0;
        }
    char v[400];
    return cli_usage_error("incident", "unknown --regime '%s' (nis2, dora or both)",
                           cli_escape(v, sizeof v, value, 80));
}

/* A probability: digits with an optional decimal point, above 0, below 1.
 * Returns the 0-based index of the first character that does not fit, or
 * strlen(s) when it fits; *out is NaN when out of range. */
static size_t probability_end(const char *s, double *out)
{
    size_t i = strspn(s, "0123456789");
    if (s[i] == '.' && strspn(s + i + 1, "0123456789") > 0 && i > 0)
        i += 1 + strspn(s + i + 1, "0123456789");
    if (i == 0 || s[i] != '\0')
        return i;
    double p = strtod(s, NULL);
    *out = p > 0 && p < 1 ? p : NAN;
    return i;
}

static int opt_suspect(void *ctx, const char *value)
{
    static const char expected[] = "TERM=P: a node id or selector and a probability above 0 and "
                                   "below 1, such as aws-eu=0.3";
    incident_cli *in = ctx;
    size_t k = in->opts.n_suspects;
    char v[400];
    cli_escape(v, sizeof v, value, 80);
    if (k == CRISK_INCIDENT_MAX_TERMS)
        return cli_usage_error("incident", "too many --suspect terms (at most %d)", CRISK_INCIDENT_MAX_TERMS);
    const char *eq = strrchr(value, '=');
    if (eq == NULL)
        return cli_usage_error("incident", "invalid --suspect '%s': no '=' at character %zu (expected %s)",
                               v, strlen(value) + 1, expected);
    if (eq == value)
        return cli_usage_error("incident", "invalid --suspect '%s': empty term at character 1 (expected %s)",
                               v, expected);
    double p = NAN;
    size_t at = (size_t)(eq - value) + 1, end = probability_end(eq + 1, &p);
    if (eq[1 + end] != '\0' || end == 0) {
        char ch[16], one[2] = { eq[1 + end], 0 };
        if (eq[1 + end] == '\0')
            return cli_usage_error("incident", "invalid --suspect '%s': no probability after '=' at "
                                               "character %zu (expected %s)", v, at + 1, expected);
        return cli_usage_error("incident", "invalid --suspect '%s': unexpected '%s' at character %zu "
                                           "(expected %s)", v, cli_escape(ch, sizeof ch, one, 1),
                               at + end + 1, expected);
    }
    if (isnan(p))
        return cli_usage_error("incident", "invalid --suspect '%s': probability out of range at "
                                           "character %zu (expected %s)", v, at + 1, expected);
    in->suspect_terms[k] = strndup(value, (size_t)(eq - value));
    if (in->suspect_terms[k] == NULL)
        return cli_usage_error("incident", "out of memory");
    in->suspects[k] = in->suspect_terms[k];
    in->probabilities[k] = p;
    in->opts.n_suspects = k + 1;
    return 0;
}

static int opt_submitted(void *ctx, const char *value)
{
    incident_cli *in = ctx;
    size_t k = in->opts.n_submitted;
    char v[400];
    cli_escape(v, sizeof v, value, 80);
    if (k == sizeof in->submitted / sizeof in->submitted[0])
        return cli_usage_error("incident", "too many --submitted reports");
    const char *eq = strchr(value, '=');
    if (eq == NULL || eq == value)
        return cli_usage_error("incident", "invalid --submitted '%s': %s at character %zu (expected "
                                           "REPORT=TIME, such as dora.initial=2026-12-06T11:00Z)",
                               v, eq == NULL ? "no '='" : "empty report", eq == NULL ? strlen(value) + 1 : 1);
    crisk_time at;
    if (parse_time("--submitted", value, eq + 1, (size_t)(eq - value) + 1, &at) != 0)
        return -1;
    in->submitted_keys[k] = strndup(value, (size_t)(eq - value));
    if (in->submitted_keys[k] == NULL)
        return cli_usage_error("incident", "out of memory");
    in->submitted[k] = (crisk_submission){ in->submitted_keys[k], at };
    in->opts.n_submitted = k + 1;
    return 0;
}

static int opt_runs(void *ctx, const char *value)
{
    return cli_parse_integer("incident", "--runs", value, 1, CRISK_SIMULATE_MAX_RUNS,
                             &((incident_cli *)ctx)->opts.runs);
}

static int opt_seed(void *ctx, const char *value)
{
    return cli_parse_integer("incident", "--seed", value, 0, UINT64_MAX, &((incident_cli *)ctx)->opts.seed);
}

static const cli_option options[] = {
    { "down", required_argument, opt_down },
    { "since", required_argument, opt_since },
    { "aware", required_argument, opt_aware },
    { "classified", required_argument, opt_classified },
    { "now", required_argument, opt_now },
    { "regime", required_argument, opt_regime },
    { "submitted", required_argument, opt_submitted },
    { "suspect", required_argument, opt_suspect },
    { "runs", required_argument, opt_runs },
    { "seed", required_argument, opt_seed },
    { NULL, 0, NULL }
};

/* ---- running --------------------------------------------------------------------- */

static int check_usage(const cli_common *c, incident_cli *in)
{
    if (cli_no_args(c) != 0)
        return -1;
    if (in->opts.n_down == 0)
        return cli_usage_error("incident", "no --down term given (what is down?)");
    if (in->opts.since == CRISK_TIME_NONE)
        return cli_usage_error("incident", "no --since given (when did the outage start?)");
    if (in->opts.now == CRISK_TIME_NONE) {
        in->opts.now = (crisk_time)time(NULL);
        in->opts.now_from_clock = 1;
    }
    return 0;
}

static int emit(FILE *f, void *ctx, crisk_error *err)
{
    incident_cli *in = ctx;
    return crisk_emit_incident(f, in->record, in->c->format, err);
}

static int run(incident_cli *in, const crisk_inventory *inv)
{
    crisk_error err = CRISK_ERROR_INIT;
    in->opts.down = in->down;
    in->opts.suspects = in->suspects;
    in->opts.probabilities = in->probabilities;
    in->opts.submitted = in->submitted;
    int rc = crisk_incident_run(&in->record, inv, &in->opts, &err);
    if (rc == CRISK_EUSAGE) {
        cli_usage_error("incident", "%s", err.message);
        return EXIT_USAGE;
    }
    if (rc != CRISK_OK)
        return cli_fail(&err);
    return cli_write(in->c, emit, in);
}

int cmd_incident(int argc, char **argv)
{
    cli_common c = { 0 };
    incident_cli in = { .opts = CRISK_INCIDENT_OPTIONS_INIT, .c = &c };
    int rc = cli_parse(&c, argc, argv, usage, options, &in);
    if (rc == 0 && check_usage(&c, &in) != 0)
        rc = -1;
    if (rc == 0) {
        crisk_inventory *inv = NULL;
        rc = cli_analyse(&c, 0, &inv, NULL);
        if (rc == EXIT_OK)
            rc = run(&in, inv);
        crisk_incident_record_free(in.record);
        crisk_inventory_free(inv);
    } else {
        rc = rc > 0 ? EXIT_OK : EXIT_USAGE;
    }
    for (size_t i = 0; i < in.opts.n_suspects; i++)
        free(in.suspect_terms[i]);
    for (size_t i = 0; i < in.opts.n_submitted; i++)
        free(in.submitted_keys[i]);
    return rc;
}
