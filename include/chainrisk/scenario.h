/*
 * chainrisk/scenario.h - scenario tests against impact tolerances (DESIGN §5
 * "Scenarios and incidents").
 *
 * A scenario is a named set of initially failed nodes with an outage
 * duration.  A scenario set comes from a scenario file
 * (crisk_scenario_set_load) or is generated from the inventory
 * (crisk_scenarios_generate), and can be written as a file to edit
 * (crisk_scenario_set_write in chainrisk/output.h).  crisk_scenarios_run
 * evaluates every scenario of a set at once with the batched engine: what
 * fails, how long each function is down, which tolerances are breached.
 *
 * Layers: the set is a model object (src/model/scenario_set.c); the file
 * reader is an importer (src/import/scenario_file.c); the generator and the
 * engine are analyses (src/analysis/scenarios.c); the writer and the
 * result tables are emitters (src/emit/emit_scenarios.c).
 *
 * Ownership: every object returned through `**out` is owned by the caller
 * and freed with its _free function (which accepts NULL); views and arrays
 * a getter returns are borrowed from their object.  A set and a run borrow
 * their inventory: free them first.
 */
#ifndef CHAINRISK_SCENARIO_H
#define CHAINRISK_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "inventory.h"
#include "analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Scenarios in one set, and nodes named by all of them together. */
#define CRISK_MAX_SCENARIOS       1000000u
#define CRISK_MAX_SCENARIO_NODES  1000000000u

/* ---- the set --------------------------------------------------------------- */

typedef struct crisk_scenario_set crisk_scenario_set;

/* One scenario, as added or as viewed (strings and nodes borrowed from the
 * set when viewed). */
typedef struct crisk_scenario {
    const char *id;            /* unique in the set, non-empty */
    const char *name;          /* "" = none */
    const char *fails;         /* the failure terms as written, ';'-separated */
    const char *description;   /* "" = none */
    double hours;              /* every initial node down this long; NaN = each
                                * for its own recovery_hours (unknown if missing) */
    const uint32_t *nodes;     /* initially failed nodes */
    size_t n_nodes;
    size_t line;               /* its row in the scenario file; 0 = generated */
} crisk_scenario;

int  crisk_scenario_set_new(crisk_scenario_set **out, crisk_error *err);
void crisk_scenario_set_free(crisk_scenario_set *s);

/* Add a scenario: strings and nodes are copied, nodes sorted with
 * duplicates dropped.  Errors: CRISK_EINVALID for an empty or duplicate id
 * ("duplicate scenario id 'x'"), or hours negative or infinite;
 * CRISK_ELIMIT past CRISK_MAX_SCENARIOS or CRISK_MAX_SCENARIO_NODES;
 * CRISK_ENOMEM.  O(n_nodes log n_nodes). */
int  crisk_scenario_set_add(crisk_scenario_set *s, const crisk_scenario *sc, crisk_error *err);

size_t crisk_scenario_set_count(const crisk_scenario_set *s);
void   crisk_scenario_set_get(const crisk_scenario_set *s, size_t i, crisk_scenario *out);
/* The scenario with id `id`: CRISK_OK with its index, or CRISK_ENOTFOUND.
 * O(1) expected. */
int    crisk_scenario_set_find(const crisk_scenario_set *s, const char *id, size_t *out);

/* Where a set read from a file came from (provenance): its path, SHA-256
 * (64 hex digits), size and data rows; NULL / "" / 0 / 0 for a generated
 * set. */
void crisk_scenario_set_source(const crisk_scenario_set *s, const char **path,
                               const char **sha256, uint64_t *bytes, size_t *rows);

/* ---- reading a scenario file (data/README.md, "Scenario files") ----------- */

/* Read the scenario file `path` against `inv`: a CSV file with the columns
 * id, fails (required), name, hours, description, in any order, names
 * matched case-insensitively.  `fails` holds failure terms separated by
 * ';' (";;" is a ';' inside a term), each an id or a selector
 * (chainrisk/selector.h); `hours` a number >= 0 or nothing (each node down
 * for its recovery_hours).  Every problem goes to `diags` as
 * FILE:LINE:COLUMN (unknown ids with a hint, malformed selectors and
 * numbers, empty and duplicate ids, and the CSV reader's checks); a selector
 * that matches nothing is a warning.  On any error nothing is returned,
 * `err` holds the first error and the result is CRISK_EINVALID (or
 * CRISK_ENOTFOUND, CRISK_EIO, CRISK_ELIMIT, CRISK_ENOMEM).  Time
 * O(bytes + terms * log V) once the selectors' indexes are built. */
int crisk_scenario_set_load(crisk_scenario_set **out, const crisk_inventory *inv,
                            const char *path, crisk_diagnostics *diags, crisk_error *err);

/* ---- generating a library --------------------------------------------------- */

typedef struct crisk_generate_options {
    int use_hours;      /* 1: every scenario lasts `hours`; 0: each node its recovery_hours */
    double hours;
    size_t top;         /* single providers with the highest impact to add */
} crisk_generate_options;

#define CRISK_GENERATE_OPTIONS_INIT { 0, 0.0, 10 }

/* A severe-but-plausible library derived from the inventory (issue 13):
 * every parent group with two or more providers (parent:NAME), every
 * country (country:CC), every shared Nth party (tier >= 2 with two or more
 * tier-1 dependants), every node that defeats a redundancy group from
 * outside (the false-redundancy findings the analysis kept), and the `top`
 * providers with the highest impact_weight - a node in several of these
 * lists is one scenario, its description naming each reason.  Ids are
 * "parent:NAME", "country:CC" and "node:ID".  Needs an analysis run with
 * keep_false_redundancy.  Time O(V log V + findings). */
int crisk_scenarios_generate(crisk_scenario_set **out, const crisk_analysis *a,
                             const crisk_generate_options *opts, crisk_error *err);

/* ---- running a set -------------------------------------------------------------- */

typedef struct crisk_scenario_options {
    int use_hours;                /* 1: every scenario lasts `hours` (overrides the set's) */
    double hours;
    unsigned threads;             /* sweeping threads; 0 = one per online CPU */
    crisk_progress_fn progress;   /* may be NULL: scenarios done of all */
    void *progress_ctx;
    size_t keep_functions;        /* keep the functions down of the first this many
                                   * results (in result order); SIZE_MAX = all */
} crisk_scenario_options;

#define CRISK_SCENARIO_OPTIONS_INIT { 0, 0.0, 0, NULL, NULL, SIZE_MAX }

/* One function down in one scenario. */
typedef struct crisk_scenario_function {
    crisk_duration downtime;
    uint32_t function;            /* node index */
    crisk_tolerance tolerance;
} crisk_scenario_function;

typedef struct crisk_scenario_result {
    size_t scenario;              /* index in the set */
    double hours;                 /* the duration used; NaN = each node its recovery_hours */
    size_t failed_nodes;          /* down at the onset, the initial nodes included */
    size_t functions_down;
    double criticality_lost;      /* sum over the functions down */
    double lost_share;            /* of the total criticality; NaN when that is 0 */
    size_t breached;              /* functions whose downtime exceeds rto_hours for certain */
    size_t unknown;               /* functions down whose tolerance cannot be judged */
    double earliest_breach;       /* hours after the onset: the smallest rto_hours of
                                   * a breached function; NaN when none is */
    crisk_tolerance verdict;      /* BREACHED if any function is; else UNKNOWN if any
                                   * cannot be judged; else WITHIN */
    const crisk_scenario_function *functions;   /* the functions down: criticality
                                                 * desc, id asc (borrowed); NULL past
                                                 * keep_functions */
} crisk_scenario_result;

typedef struct crisk_scenario_run crisk_scenario_run;

/* Evaluate every scenario of `set` on `inv` (DESIGN §4 with durations):
 * what fails at the onset, and how long every function is down, exactly
 * or within bounds when a recovery_hours is unknown.
 * Approach: the batched bit-parallel engine of the analysis; a scenario
 * takes one bit when its nodes share one duration, else one bit per
 * distinct duration threshold (two per threshold with unknowns: see
 * docs/metrics.md), 512 bits per sweep, sweeps spread over threads.  A
 * scenario needing more than 512 bits runs alone through
 * crisk_downtime_run.  Results do not depend on the thread count.  With
 * keep_functions below the number of scenarios, every scenario is counted
 * in a first pass and only the first keep_functions results are run again
 * to keep their functions down: memory then follows what is shown.
 * Errors: CRISK_ENOMEM, igraph failures.  Time O(sweeps * (V + E touched)),
 * memory O(V * 128 bytes per thread + functions down over the kept results). */
int  crisk_scenarios_run(crisk_scenario_run **out, const crisk_inventory *inv,
                         const crisk_scenario_set *set, const crisk_scenario_options *opts,
                         crisk_error *err);
void crisk_scenario_run_free(crisk_scenario_run *r);

const crisk_scenario_set *crisk_scenario_run_set(const crisk_scenario_run *r);
const crisk_inventory *crisk_scenario_run_inventory(const crisk_scenario_run *r);
/* Results sorted by criticality lost desc, breached desc, scenario id asc. */
const crisk_scenario_result *crisk_scenario_run_results(const crisk_scenario_run *r,
                                                        size_t *count);
/* Every function of the inventory in id order: the columns of the
 * scenario x function matrix. */
const uint32_t *crisk_scenario_run_functions(const crisk_scenario_run *r, size_t *count);
/* Every function by criticality desc, id asc: the order of each result's
 * functions down. */
const uint32_t *crisk_scenario_run_functions_ranked(const crisk_scenario_run *r, size_t *count);
double crisk_scenario_run_total_criticality(const crisk_scenario_run *r);
/* Scenarios that breach a tolerance / that cannot be judged. */
size_t crisk_scenario_run_breaching(const crisk_scenario_run *r);
size_t crisk_scenario_run_unknown(const crisk_scenario_run *r);

#ifdef __cplusplus
}
#endif
#endif
