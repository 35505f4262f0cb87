/*
 * chainrisk/analysis.h - metrics, failure cascades, single points of failure,
 * shared Nth-party dependencies, false redundancy, concentration.
 *
 * Definitions follow DESIGN §4/§5; docs/metrics.md restates them with the
 * decisions taken where the contract is silent.
 *
 * Ownership: every object returned through `**out` is owned by the caller and
 * freed with its _free function (which accepts NULL).  Pointers a getter
 * returns are borrowed and valid until that object is freed.  An analysis
 * borrows its inventory: free the analysis first.
 */
#ifndef CHAINRISK_ANALYSIS_H
#define CHAINRISK_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "inventory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- failure cascade (DESIGN §4) ----------------------------------------- */

typedef struct crisk_cascade crisk_cascade;

#define CRISK_CAUSE_INITIAL ((size_t)-1)   /* failed because it was in the initial set */
#define CRISK_CAUSE_NONE    ((size_t)-2)   /* did not fail */

/* Fail the `n` nodes of `initial` and propagate to the least fixed point.
 * Time O(V + E). */
int  crisk_cascade_run(crisk_cascade **out, const crisk_inventory *inv,
                       const size_t *initial, size_t n, crisk_error *err);
void crisk_cascade_free(crisk_cascade *c);
int    crisk_cascade_is_failed(const crisk_cascade *c, size_t node);
size_t crisk_cascade_failed_count(const crisk_cascade *c);
/* The group whose failure failed `node` (the first one, in propagation
 * order), CRISK_CAUSE_INITIAL or CRISK_CAUSE_NONE. */
size_t crisk_cascade_cause(const crisk_cascade *c, size_t node);
/* Propagation round in which `node` failed: 0 for the initial set. */
size_t crisk_cascade_round(const crisk_cascade *c, size_t node);
/* Failed nodes in propagation order (initial ones first). */
const uint32_t *crisk_cascade_order(const crisk_cascade *c, size_t *count);

/* ---- outage durations (DESIGN §4 "Durations") ---------------------------- */

/* One initially failed node and how long it is down. */
typedef struct crisk_outage {
    size_t node;
    double hours;      /* >= 0, finite; NaN = unknown (some positive time, unbounded) */
} crisk_outage;

/* A downtime in hours, exact or bounded.  With every initial duration
 * known, lo == hi.  An unknown initial duration makes the downtimes it
 * reaches uncertain: the true value lies in [lo, hi], or in (lo, hi] when
 * lo_open is set - that only happens with lo == 0 ("down for some positive
 * time").  hi is INFINITY when an unknown duration can stretch it without
 * bound.  A node that stays up has {0, 0, 0}. */
typedef struct crisk_duration {
    double lo, hi;
    int lo_open;
} crisk_duration;

/* Whether a duration is exactly known (lo == hi, lo closed). */
int crisk_duration_is_exact(const crisk_duration *d);

/* A function's impact tolerance against its downtime (DESIGN §4: breached
 * when the downtime exceeds rto_hours). */
typedef enum crisk_tolerance {
    CRISK_TOLERANCE_WITHIN,     /* down, and hi <= rto_hours */
    CRISK_TOLERANCE_BREACHED,   /* the downtime exceeds rto_hours for certain */
    CRISK_TOLERANCE_UNKNOWN     /* no rto_hours, or the bounds straddle it */
} crisk_tolerance;

/* Judge a downtime `d` against `rto_hours` (NaN = not given). */
crisk_tolerance crisk_tolerance_judge(const crisk_duration *d, double rto_hours);

typedef struct crisk_downtime crisk_downtime;

/* Fail the `n` nodes of `initial`, each for its hours, and compute how long
 * every node is down: a group needing k of its n members is down for the
 * (n-k+1)-th longest of its members' downtimes, a node for the longest of
 * its own and its groups' downtimes, least fixed point (cycles included).
 * A node named twice is down for the longer of its durations.
 * Approach: at every instant t the nodes down are the §4 cascade of the
 * initial nodes still down at t, so the initial failures are taken in
 * descending order of duration through one incremental counting cascade
 * (every group counts its failed members; a node fails once, when first
 * forced) and each node takes the duration being processed when it fails:
 * every threshold at once.  Unknown durations are bounded by running it
 * twice, with an unknown as the smallest positive time (lo) and as +inf
 * (hi); the system is monotone, so the truth lies between.
 * Errors: CRISK_EUSAGE for a node out of range or hours negative or
 * infinite, CRISK_ENOMEM.  Time O(V + E + n log n), memory O(V + groups). */
int  crisk_downtime_run(crisk_downtime **out, const crisk_inventory *inv,
                        const crisk_outage *initial, size_t n, crisk_error *err);
void crisk_downtime_free(crisk_downtime *d);
/* Down at the onset: the §4 cascade of every initial node, whatever its
 * duration (a node down for 0 hours is in it). */
int  crisk_downtime_is_failed(const crisk_downtime *d, size_t node);
/* The node's downtime ({0, 0, 0} when it stays up). */
crisk_duration crisk_downtime_of(const crisk_downtime *d, size_t node);
/* Whether every initial duration was known (every downtime exact). */
int  crisk_downtime_is_exact(const crisk_downtime *d);

/* ---- dependency cycles (for formats that cannot hold one) --------------- */

/* An edge the walk below cuts: member `index` of `group`, a dependency of
 * `dependant` on `member`. */
typedef struct crisk_cut {
    size_t dependant;
    size_t group;     /* crisk_inventory_group_* index */
    size_t index;     /* the member's position in the group */
    size_t member;    /* the dependency (provider) node */
} crisk_cut;

typedef struct crisk_cycles crisk_cycles;

/* Find the dependency cycles by one depth-first walk: from every node in
 * inventory order not yet visited, through each node's groups in order and
 * each group's members in order.  An edge to a node still on the walk's
 * path closes a cycle and is a cut; without the cuts the graph is acyclic.
 * The cuts and the first cycle depend on the inventory alone.
 * Errors: CRISK_ENOMEM.  Time O(V + E), memory O(V + cuts). */
int  crisk_cycles_find(crisk_cycles **out, const crisk_inventory *inv, crisk_error *err);
void crisk_cycles_free(crisk_cycles *c);
/* The cuts in the order found; none when the inventory is acyclic. */
const crisk_cut *crisk_cycles_cuts(const crisk_cycles *c, size_t *count);
/* The first cycle found, in dependency order: node k depends on node k+1
 * and the last on the first.  Empty when acyclic. */
const uint32_t *crisk_cycles_first(const crisk_cycles *c, size_t *count);

/* ---- per-node metrics (DESIGN §5) ---------------------------------------- */

typedef struct crisk_node_metrics {
    long   tier;               /* fewest edges from a function; -1 = unreachable */
    size_t direct_dependants;  /* distinct nodes with an edge to this one */
    size_t dependants;         /* other nodes that depend on it, transitively */
    size_t functions;          /* other functions that depend on it, transitively */
    double exposure;           /* sum of criticality over those functions */
    size_t impact;             /* other functions that fail when it alone fails */
    double impact_weight;      /* sum of criticality over those functions */
    double impact_share;       /* impact_weight / total criticality; 0 if total is 0 */
    int    spof;               /* impact >= 1 */
    long   breaches;           /* impacted functions with rto_hours < recovery_hours;
                                * -1 = unknown: the node has no recovery_hours */
    size_t tier1_dependants;   /* tier-1 nodes (other than itself and its own services,
                                * docs/metrics.md) depending on it, transitively */
} crisk_node_metrics;

typedef struct crisk_analysis crisk_analysis;

typedef struct crisk_analysis_options {
    int keep_spofs;               /* record (function, node) SPOF pairs */
    int keep_false_redundancy;    /* record false-redundancy findings */
    crisk_progress_fn progress;   /* may be NULL; called from the calling thread */
    void *progress_ctx;
    unsigned threads;             /* sweeping threads; 0 = one per online CPU */
    double pairs_max_work;        /* edge visits for the minimal pairs of all functions
                                   * together; 0 = CRISK_PAIRS_MAX_WORK */
    int keep_fingerprints;        /* per node, a 64-bit fingerprint of the functions its
                                   * lone failure takes down and of those it breaches:
                                   * what crisk_diff_run compares instead of SPOF lists
                                   * (16 bytes a node; O(sum of impact) additions), and
                                   * the sweeps' topology, on which the diff fails again
                                   * the nodes whose fingerprints differ (about 30 bytes
                                   * a node and 8 an edge) */
    int count_spofs;              /* without keep_spofs: count each function's SPOFs
                                   * (crisk_analysis_spof_count) without listing them,
                                   * 4 bytes a node instead of 4 bytes a (function, SPOF)
                                   * pair; the lists of spof_functions are still kept */
    const uint32_t *spof_functions;  /* with count_spofs: the functions whose SPOF lists
                                      * to keep (e.g. those a report shows); may be NULL */
    size_t n_spof_functions;
    const struct crisk_policy *policy;  /* may be NULL: the policy crisk_check_run will
                                         * check this analysis against.  Its no_spof
                                         * and no_breach rules then read the sweeps'
                                         * (function, node) pairs as they pass
                                         * (bounded: counts and the first
                                         * CRISK_CHECK_KEEP findings per rule),
                                         * instead of the check failing every node
                                         * that takes a function down once more */
    int keep_topology;            /* keep the sweeps' topology (about 30 bytes a node and
                                   * 8 an edge) for what sweeps again on this analysis:
                                   * concentration's joint failures, tier-1 lists
                                   * (crisk_analysis_tier1_each), the members false
                                   * redundancy fails, minimal pairs, a policy's
                                   * scenarios - each otherwise builds it once more.
                                   * keep_fingerprints implies it (a diff sweeps on it) */
} crisk_analysis_options;

#define CRISK_ANALYSIS_OPTIONS_INIT { 1, 1, NULL, NULL, 0, 0, 0, 0, NULL, 0, NULL, 0 }
#define CRISK_ANALYSIS_MAX_THREADS 16

/* Compute every metric of every node in one pass.
 * Approach: batched bit-parallel propagation (512 single-failure scenarios
 * per sweep) over the affected ancestors only, in topological order of the
 * strong components, batches spread over `threads` threads; results do not
 * depend on the thread count.  See docs/metrics.md and docs/performance.md.  Time O(sum over batches of the edges of
 * the ancestors they reach), memory O(V + E). */
int  crisk_analysis_run(crisk_analysis **out, const crisk_inventory *inv,
                        const crisk_analysis_options *opts, crisk_error *err);
void crisk_analysis_free(crisk_analysis *a);

const crisk_inventory   *crisk_analysis_inventory(const crisk_analysis *a);
const crisk_node_metrics *crisk_analysis_metrics(const crisk_analysis *a, size_t node);
double crisk_analysis_total_criticality(const crisk_analysis *a);
size_t crisk_analysis_function_count(const crisk_analysis *a);

/* All nodes in the default order: impact_weight desc, exposure desc, id asc.
 * Borrowed array of node_count indices. */
const uint32_t *crisk_analysis_ranking(const crisk_analysis *a);

/* Single points of failure of `function`: nodes other than itself whose lone
 * failure fails it, ascending by id.  Needs keep_spofs, or count_spofs with
 * `function` among spof_functions; otherwise NULL (and *count 0): the list
 * was not kept, which is not the same as an empty list. */
const uint32_t *crisk_analysis_spofs(const crisk_analysis *a, size_t function, size_t *count);
/* How many SPOFs `function` has (the length of its list).  Needs keep_spofs
 * or count_spofs; SIZE_MAX when the analysis counted none.  O(1). */
size_t crisk_analysis_spof_count(const crisk_analysis *a, size_t function);

/* False redundancy: a redundancy group of two or more members that one node
 * outside it fails (more than n - need of its members fail). */
typedef struct crisk_false_redundancy {
    size_t dependant;       /* the group's owner */
    size_t group;           /* group index (crisk_inventory_group_*) */
    size_t shared;          /* the node whose failure defeats the group */
    size_t failed_members;  /* members it fails */
    size_t group_findings;  /* nodes that defeat this group, listed or not */
} crisk_false_redundancy;

/* At most this many findings are kept per group: those whose shared node
 * has the smallest ids.  group_findings and the total stay exact. */
#define CRISK_FALSE_REDUNDANCY_KEEP 16

/* Sorted by dependant id, group, shared id.  Needs keep_false_redundancy. */
const crisk_false_redundancy *crisk_analysis_false_redundancy(const crisk_analysis *a,
                                                              size_t *count);
/* Every finding, including those beyond the per-group cap. */
size_t crisk_analysis_false_redundancy_total(const crisk_analysis *a);

/* Shared Nth-party dependencies: nodes at tier >= 2 with at least `min`
 * tier-1 dependants, sorted by tier1_dependants desc, exposure desc, id asc.
 * Caller frees *out with free(). */
int crisk_analysis_shared(const crisk_analysis *a, size_t min, uint32_t **out,
                          size_t *count, crisk_error *err);

/* The tier-1 nodes that depend on `node` directly or transitively, ascending
 * by id.  O(ancestors of node).  Caller frees *out with free(). */
int crisk_analysis_tier1_of(const crisk_analysis *a, size_t node, uint32_t **out,
                            size_t *count, crisk_error *err);

/* The tier-1 lists of many nodes, as crisk_analysis_tier1_of gives them:
 * calls each(ctx, i, list, count) for nodes[i], i ascending; the list is
 * borrowed for the call.  Stops at the first non-zero return of `each` and
 * returns it.  The nodes go through the batched propagation engine 512 at
 * a time, so the time is about n / 512 sweeps plus the lists' length,
 * rather than one search per node. */
typedef int (*crisk_tier1_fn)(void *ctx, size_t i, const uint32_t *list, size_t count);
int crisk_analysis_tier1_each(const crisk_analysis *a, const uint32_t *nodes, size_t n,
                              crisk_tier1_fn each, void *ctx, crisk_error *err);

/* For each false-redundancy finding (crisk_analysis_false_redundancy), the
 * members of its group that fail with its shared node, in the group's
 * member order: finding i's are (*failed)[(*begin)[i] .. (*begin)[i + 1]).
 * Caller frees *begin and *failed with free().  The distinct shared nodes
 * go through the batched engine 512 at a time. */
int crisk_analysis_false_redundancy_failed(const crisk_analysis *a, size_t **begin,
                                           uint32_t **failed, crisk_error *err);

/* Minimal pairs of `function`: {a, b}, neither a SPOF of it, whose joint
 * failure fails it.  Pairs come as 2*count node indices, each pair ordered by
 * id and the list sorted.  Time O(D^2/512 * E_D) for D = the nodes the
 * function depends on and E_D their edges.
 * One work budget serves every call on one analysis (pairs_max_work edge
 * visits, by default CRISK_PAIRS_MAX_WORK: about a minute of work), so
 * asking for the pairs of every function is bounded as a whole: a call
 * whose estimate exceeds what is left returns CRISK_ELIMIT ("minimal pairs
 * of 'F' not computed: ...") and uses none of it; a later, cheaper call may
 * still fit.  CRISK_EUSAGE when the analysis did not keep the function's SPOF
 * list (crisk_analysis_spofs).  The
 * first call builds a propagator (O(V + E) memory) that later calls on the
 * same analysis reuse; crisk_analysis_free() releases it.
 * Caller frees *out with free(). */
#define CRISK_PAIRS_MAX_WORK 2e10
int crisk_analysis_spof_pairs(const crisk_analysis *a, size_t function, uint32_t **out,
                              size_t *count, crisk_error *err);
/* Minimal pairs of functions[0..n), as crisk_analysis_spof_pairs() called
 * on each in turn gives them - the same pairs, the same cuts, one budget
 * taken in that order - but searched on the analysis' threads (its
 * options' `threads`), several functions at once.  `each` gets them in
 * order, i = 0 .. n-1, one call at a time (from any of those threads):
 * the pairs (2 * n_pairs node indices, valid during the call) or, for a
 * function over the budget, pairs NULL and `cut` holding the
 * CRISK_ELIMIT message.  A non-zero return from `each` stops the search
 * and is returned, `err` left to `each`.  CRISK_EUSAGE, before any call,
 * when one of the functions has no SPOF list in the analysis.  Memory:
 * per thread, a propagator and 9 bytes a node; the pairs of at most 64
 * functions searched ahead of the one delivered. */
typedef int (*crisk_pairs_fn)(void *ctx, size_t i, const uint32_t *pairs, size_t n_pairs,
                              const crisk_error *cut);
int crisk_analysis_spof_pairs_each(const crisk_analysis *a, const uint32_t *functions, size_t n,
                                   crisk_pairs_fn each, void *ctx, crisk_error *err);
/* The budget of minimal pairs for the whole analysis, in edge visits. */
double crisk_analysis_pairs_max_work(const crisk_analysis *a);

/* ---- concentration (DESIGN §5) ------------------------------------------- */

typedef enum crisk_concentration_by {
    CRISK_BY_CATEGORY,   /* markets: each category; entities: providers */
    CRISK_BY_PARENT,     /* market: all providers; entities: parent groups */
    CRISK_BY_COUNTRY     /* market: all providers; entities: countries */
} crisk_concentration_by;

typedef struct crisk_share {
    const char *market;     /* category name, or "all" */
    const char *entity;     /* provider id, parent, or country ("" = not given) */
    size_t providers;       /* providers in the entity */
    double spend;           /* NaN-free sum; providers without spend count 0 */
    double spend_share;     /* 0..1 of the market's spend; NaN if market spend is 0 */
    double reliance;        /* sum of exposure */
    double reliance_share;  /* 0..1 of the market's reliance; NaN if that is 0 */
    /* Joint failure (DORA Art. 29): every provider of the entity fails
     * together (DESIGN §4).  For one provider, its impact. */
    size_t joint_functions;     /* functions that fail */
    double joint_criticality;   /* their criticality */
    double joint_share;         /* of the total criticality; 0 if that is 0 */
} crisk_share;

typedef struct crisk_market {
    const char *market;
    size_t providers, entities;
    double spend, reliance;                    /* totals */
    double spend_top1, spend_top3, spend_hhi;  /* shares 0..1; HHI 0..10000; NaN if no spend */
    double reliance_top1, reliance_top3, reliance_hhi;
    size_t first_share, share_count;           /* its rows in the share table */
} crisk_market;

typedef struct crisk_concentration crisk_concentration;

/* Providers are all nodes that are not functions.  Rows of a market are
 * sorted by spend share desc, reliance share desc, entity asc.  Every row
 * also gets the joint impact of its entity: the entities of several
 * providers are failed together, one scenario each, through the batched
 * engine (crisk_scenarios_run), those of one provider take its impact.
 * Time O(V log V + sweeps of the multi-provider entities). */
int  crisk_concentration_compute(crisk_concentration **out, const crisk_analysis *a,
                                 crisk_concentration_by by, crisk_error *err);
void crisk_concentration_free(crisk_concentration *c);
const crisk_market *crisk_concentration_markets(const crisk_concentration *c, size_t *count);
const crisk_share  *crisk_concentration_shares(const crisk_concentration *c, size_t *count);

/* ---- appended for simulate: Monte Carlo over node probability (DESIGN §5) -- */

typedef struct crisk_simulation crisk_simulation;

/* Runs beyond this are refused (two doubles per run are kept for the
 * percentiles: criticality and money lost). */
#define CRISK_SIMULATE_MAX_RUNS 100000000ull
/* Providers whose importance one simulation measures, at most. */
#define CRISK_SIMULATE_MAX_IMPORTANCE 64
/* A function is computed exactly when its failure depends on at most this
 * many probabilistic nodes (probability strictly between 0 and 1). */
#define CRISK_SIMULATE_EXACT_NODES 20
/* Hours down for a node that fails without a recovery_hours. */
#define CRISK_DEFAULT_RECOVERY_HOURS 24.0
/* Points of the loss exceedance curve, at most. */
#define CRISK_LOSS_CURVE_MAX 32

typedef struct crisk_simulate_options {
    uint64_t runs;                /* scenarios, 1 .. CRISK_SIMULATE_MAX_RUNS */
    uint64_t seed;                /* any value; same seed, same runs, same bytes */
    crisk_progress_fn progress;   /* may be NULL: runs done of runs */
    void *progress_ctx;
    double default_recovery;      /* hours, >= 0 and finite: a failed node without
                                   * recovery_hours stays down this long */
    const size_t *importance;     /* providers to measure (node indices), or NULL */
    size_t n_importance;          /* 0 .. CRISK_SIMULATE_MAX_IMPORTANCE, no repeats */
    int exact;                    /* compute exactly where cheap (default 1); 0 samples
                                   * everything (to check the sampler) */
    unsigned threads;             /* sweeping threads; 0 = one per online CPU (at most
                                   * CRISK_ANALYSIS_MAX_THREADS); results do not depend
                                   * on it */
} crisk_simulate_options;

#define CRISK_SIMULATE_OPTIONS_INIT { 10000, 1, NULL, NULL, CRISK_DEFAULT_RECOVERY_HOURS, NULL, 0, 1, 0 }

/* One function's outcome.  Exact figures have standard errors of 0. */
typedef struct crisk_function_risk {
    size_t node;                  /* the function's node index */
    uint64_t failures;            /* sampled runs in which it was down (0 if not sampled) */
    double probability;           /* P(down at some time in the year) */
    double std_error;             /* sqrt(p (1 - p) / runs) */
    int exact;                    /* every figure of this row is exact */
    double breach_probability;    /* P(downtime > rto_hours); NaN without rto_hours */
    double breach_std_error;
    double downtime;              /* expected hours down */
    double downtime_std_error;    /* sample standard deviation / sqrt(runs) */
    double loss;                  /* loss_per_hour * expected downtime; NaN without
                                   * loss_per_hour */
    double loss_std_error;
} crisk_function_risk;

/* Total criticality lost per run (sum over the failed functions).
 * Percentiles are nearest-rank: the smallest loss L such that at least
 * q% of the runs lost L or less; always a loss some run had. */
typedef struct crisk_loss_summary {
    double total_criticality;      /* of all functions: the most a run can lose */
    double mean, mean_std_error;   /* sample standard deviation / sqrt(runs) */
    double p50, p90, p95, p99, max;
    uint64_t runs_with_failure;    /* runs in which at least one function failed */
    double any_probability;        /* P(some function down) */
    double any_std_error;
    int mean_exact;                /* mean (and any_probability when exact) exact */
    int exact;                     /* percentiles and any_probability exact */
} crisk_loss_summary;

/* Money lost per run: sum over functions of loss_per_hour * downtime.
 * Percentiles are nearest-rank as above (p999 is the 99.9th). */
typedef struct crisk_money_loss {
    int given;                     /* some function has loss_per_hour > 0 */
    double mean, mean_std_error;
    int mean_exact;
    double p50, p90, p95, p99, p999, max;
    int exact;                     /* percentiles and curve exact */
    double bound;                  /* the most a run can lose: every function down for
                                    * the longest duration that occurs */
    size_t n_curve;                /* loss exceedance curve: P(loss > x) */
    double curve_x[CRISK_LOSS_CURVE_MAX];
    double curve_p[CRISK_LOSS_CURVE_MAX];
    double curve_std_error[CRISK_LOSS_CURVE_MAX];
} crisk_money_loss;

/* The importance of a provider p for a target: a function (failure) or the
 * total money loss.  With q = p's probability of failing on its own (0
 * without one), D/U = the target's probability (expected loss) with p
 * forced down / up and F without forcing:
 *   birnbaum = D - U             criticality = q (D - U) / F
 *   fussell_vesely = q D / F     (the share of F that comes with p failed)
 *   raw = D / F                  rrw = F / U
 * NaN where a denominator is 0 (rrw: INFINITY when only U is). */
#define CRISK_IMPORTANCE_TOTAL_LOSS ((size_t)-1)

typedef struct crisk_importance {
    size_t provider;               /* node */
    size_t target;                 /* function node, or CRISK_IMPORTANCE_TOTAL_LOSS */
    double q;
    int exact;
    double birnbaum, birnbaum_std_error;
    double criticality, criticality_std_error;
    double fussell_vesely, fussell_vesely_std_error;
    double raw, raw_std_error;
    double rrw, rrw_std_error;
} crisk_importance;

/* Monte Carlo over node `probability` (DESIGN §5): in every run each node
 * with a probability p fails initially with probability p, independently of
 * the others (a node without probability never fails initially), stays down
 * for its recovery_hours (or opts->default_recovery), and the failures
 * propagate with the downtimes of DESIGN §4 "Durations".
 * Per function: P(down), P(breach: downtime > rto_hours), expected
 * downtime and loss; per run the criticality and the money lost, their
 * means, percentiles and the loss exceedance curve; the importance of the
 * providers in opts->importance for every function and for the total loss,
 * from common random numbers: every run is also evaluated with each
 * provider flipped, so each run has the provider down and up.
 * Exact where cheap: a function whose failure depends on at most
 * CRISK_SIMULATE_EXACT_NODES probabilistic nodes is computed by enumerating
 * their states (grouped with others while the union stays within the
 * limit); when every function's nodes together are within it, so is every
 * figure and nothing is sampled (runs = 0).
 * Randomness: xoshiro256** seeded through splitmix64 from `seed`, one
 * stream per block of 64 runs (2^128 draws apart, by xoshiro's jump), so
 * results depend on nothing but the inventory, the options and the run
 * number: the first N runs are the same whatever `runs` is, on every
 * machine, and whatever the number of threads (partial sums start and are
 * added at fixed chunks of runs).  Probabilities are used exactly to 2^-64 (a Bernoulli draw
 * compares a uniform 64-bit integer, bit by bit, with p * 2^64).
 * Errors: CRISK_EUSAGE for runs 0 or above CRISK_SIMULATE_MAX_RUNS, a
 * default_recovery that is negative or not finite, too many, repeated or
 * out-of-range importance providers; CRISK_ENOMEM; igraph failures.  The
 * simulation borrows `inv`.  Time O(runs/64 * ceil((1+K)/8) * S * (V + E
 * touched)) for K providers and S distinct durations, plus 2^20 lanes per
 * exact group at most; memory O(V * 128 bytes + runs * 16). */
int  crisk_simulate_run(crisk_simulation **out, const crisk_inventory *inv,
                        const crisk_simulate_options *opts, crisk_error *err);
void crisk_simulation_free(crisk_simulation *s);

/* The first `n` providers (not functions) of the analysis' default ranking
 * (impact_weight desc, exposure desc, id) with an impact of at least 1,
 * into out[0..*count).  For crisk_simulate_options.importance. */
void crisk_simulate_top_providers(const crisk_analysis *a, size_t n, size_t *out, size_t *count);

const crisk_inventory *crisk_simulation_inventory(const crisk_simulation *s);
/* Runs sampled: 0 when every figure is exact. */
uint64_t crisk_simulation_runs(const crisk_simulation *s);
uint64_t crisk_simulation_seed(const crisk_simulation *s);
/* Nodes without a probability: they never fail on their own, only through
 * what they depend on.  When it is every node, no run fails anything and
 * every result is 0: a caller should say so rather than show the zeros
 * (the CLI refuses, exit 1). */
size_t crisk_simulation_without_probability(const crisk_simulation *s);
/* Every function, by probability desc then id.  Borrowed array. */
const crisk_function_risk *crisk_simulation_functions(const crisk_simulation *s, size_t *count);
const crisk_loss_summary  *crisk_simulation_loss(const crisk_simulation *s);
const crisk_money_loss    *crisk_simulation_money(const crisk_simulation *s);
/* Per provider (in the order given): the total loss, then every function in
 * the order of crisk_simulation_functions.  Borrowed array. */
const crisk_importance *crisk_simulation_importance(const crisk_simulation *s, size_t *count);
/* The default recovery used, and how many nodes that can fail (probability
 * > 0, or measured for importance) have no recovery_hours and use it. */
double crisk_simulation_default_recovery(const crisk_simulation *s);
size_t crisk_simulation_default_recovery_nodes(const crisk_simulation *s);
/* Functions computed exactly; the probabilistic nodes of the largest exact
 * enumeration (2^that states). */
size_t crisk_simulation_exact_functions(const crisk_simulation *s);
size_t crisk_simulation_exact_nodes(const crisk_simulation *s);

#ifdef __cplusplus
}
#endif
#endif
