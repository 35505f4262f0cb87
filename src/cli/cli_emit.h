/*
 * cli_emit.h - the steps the analysis commands (rank, impact, spof, shared,
 * concentration) share: load and analyse, resolve node ids with a "did you
 * mean" hint, and write a result through an atomic output.
 */
#ifndef CRISK_CLI_EMIT_H
#define CRISK_CLI_EMIT_H

#include "cli.h"

/* What an analysis must record beyond the per-node metrics (each costs time
 * on large inventories, so commands ask only for what they print). */
enum { CLI_KEEP_SPOFS = 1, CLI_KEEP_FALSE_REDUNDANCY = 2, CLI_KEEP_FINGERPRINTS = 4,
       CLI_KEEP_TOPOLOGY = 8 };

/* Load the inventory (diagnostics on stderr) and, when `a` is not NULL,
 * analyse it keeping what `keep` (CLI_KEEP_*) asks for, with a progress line
 * on stderr (progress.c).  Returns an exit code; on EXIT_OK the caller owns
 * *inv and *a. */
int cli_analyse(const cli_common *c, int keep, crisk_inventory **inv, crisk_analysis **a);

/* cli_analyse(), its sweeps also pairing for `policy` (may be NULL): the
 * policy the analysis will be checked against (crisk_analysis_options). */
int cli_analyse_for(const cli_common *c, int keep, const crisk_policy *policy,
                    crisk_inventory **inv, crisk_analysis **a);

/* cli_analyse() of other inputs than the command line's: `paths` (a diff's
 * side, a report's baseline), with the command line's importer options. */
int cli_analyse_paths(const cli_common *c, const char *const *paths, size_t n, int keep,
                      crisk_inventory **inv, crisk_analysis **a);

/* Read the policy file `path` (--policy), printing its problems on stderr.
 * Returns an exit code: EXIT_OK, EXIT_USAGE for a bad policy (it is the
 * command's configuration, not its input), EXIT_INTERNAL when memory ran
 * out. */
int cli_load_policy(const char *path, crisk_policy **out);

/* Check `p` against `a`: first read the scenario files of its scenarios
 * rules against a's inventory (their problems on stderr; a bad one is
 * EXIT_USAGE, as a bad policy is), then run the checker with the command
 * line's threads.  Returns an exit code; on EXIT_OK the caller owns *out. */
int cli_check_policy(const cli_common *c, crisk_policy *p, const crisk_analysis *a,
                     crisk_check **out);

/* The CLI_KEEP_* flags the policy's rules need. */
int cli_policy_keep(const crisk_policy *p);

/* Find a node by id, or print "chainrisk: unknown node 'x' (did you mean
 * 'y'?)" (crisk_inventory_resolve: the ids quoted for a terminal) and
 * return -1. */
int cli_find_node(const crisk_inventory *inv, const char *id, size_t *out);

/* Usage error when positionals are left over that the command does not take. */
int cli_no_args(const cli_common *c);

/* Remember the file `set` was read from (nothing for a generated set), so
 * that a workbook written later in this run lists it on its provenance
 * sheet with its SHA-256, after the inventory's inputs.  cli_scenarios_load
 * and cli_check_policy call it for every scenario file they read. */
void cli_note_scenarios(const crisk_scenario_set *set);

/* The same for the policy file `p` was read from (kind "policy", its rules
 * as rows), listed before its scenario files: cli_check_policy calls it. */
void cli_note_policy(const crisk_policy *p);

/* Open the output (-o FILE atomically, or stdout), let `emit` write, and
 * commit - or drop the partial file on any error.  Returns an exit code.
 * With --format xlsx, a workbook of the emitter's CSV tables with a
 * provenance sheet (the inventory's inputs, the policy and scenario files
 * noted, the options). */
typedef int (*cli_emit_fn)(FILE *f, void *ctx, crisk_error *err);
int cli_write(const cli_common *c, cli_emit_fn emit, void *ctx);

#endif
