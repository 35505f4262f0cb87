/*
 * cli_emit.c - load + analyse, id lookup, atomic writing (see cli_emit.h).
 */
#include "cli_emit.h"

#include <stdio.h>

int cli_analyse(const cli_common *c, int keep, crisk_inventory **inv, crisk_analysis **a)
{
    return cli_analyse_for(c, keep, NULL, inv, a);
}

int cli_analyse_for(const cli_common *c, int keep, const crisk_policy *policy,
                    crisk_inventory **inv, crisk_analysis **a)
{
    *inv = NULL;
    int rc = cli_load(c, inv);
    if (rc != CRISK_OK)
        return crisk_exit_code(rc);
    if (a == NULL)
        return EXIT_OK;
    *a = NULL;
    cli_progress progress;
    cli_progress_init(&progress, c->quiet);
    crisk_analysis_options opts = CRISK_ANALYSIS_OPTIONS_INIT;
    opts.keep_spofs = (keep & CLI_KEEP_SPOFS) != 0;
    opts.keep_false_redundancy = (keep & CLI_KEEP_FALSE_REDUNDANCY) != 0;
    opts.keep_fingerprints = (keep & CLI_KEEP_FINGERPRINTS) != 0;
    opts.keep_topology = (keep & CLI_KEEP_TOPOLOGY) != 0;
    opts.progress = cli_progress_update;
    opts.progress_ctx = &progress;
    opts.threads = c->threads;
    opts.pairs_max_work = c->pairs_max_work;
    opts.policy = policy;
    crisk_error err = CRISK_ERROR_INIT;
    rc = crisk_analysis_run(a, *inv, &opts, &err);
    cli_progress_done(&progress);
    if (rc != CRISK_OK) {
        crisk_inventory_free(*inv);
        *inv = NULL;
        return cli_fail(&err);
    }
    return EXIT_OK;
}

int cli_analyse_paths(const cli_common *c, const char *const *paths, size_t n, int keep,
                      crisk_inventory **inv, crisk_analysis **a)
{
    cli_common side = *c;
    side.n_inputs = n;
    for (size_t i = 0; i < n; i++)
        side.inputs[i] = (crisk_input){ paths[i], NULL, NULL };
    return cli_analyse(&side, keep, inv, a);
}

/* Every problem of the policy file on stderr; then its exit status. */
static int policy_failed(const crisk_diagnostics *diags, const crisk_error *err)
{
    char buf[2048];
    if (diags->count == 0)
        return cli_fail(err) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
    for (size_t i = 0; i < diags->count; i++)
        fprintf(stderr, "%s\n", crisk_diag_format(&diags->items[i], buf, sizeof buf));
    if (diags->errors > diags->stored_errors)
        fprintf(stderr, "chainrisk: and %zu more errors\n", diags->errors - diags->stored_errors);
    fprintf(stderr, "chainrisk: the policy has %zu error%s\n", diags->errors,
            diags->errors == 1 ? "" : "s");
    return crisk_exit_code(err->code) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
}

int cli_load_policy(const char *path, crisk_policy **out)
{
    crisk_diagnostics diags;
    crisk_diagnostics_init(&diags);
    crisk_error err = CRISK_ERROR_INIT;
    int rc = crisk_policy_load(out, path, &diags, &err);
    int status = rc == CRISK_OK ? EXIT_OK : policy_failed(&diags, &err);
    crisk_diagnostics_release(&diags);
    return status;
}

int cli_check_policy(const cli_common *c, crisk_policy *p, const crisk_analysis *a,
                     crisk_check **out)
{
    crisk_error err = CRISK_ERROR_INIT;
    *out = NULL;
    cli_note_policy(p);
    if (crisk_policy_needs(p) & CRISK_POLICY_NEEDS_SCENARIOS) {
        crisk_diagnostics diags;
        crisk_diagnostics_init(&diags);
        int rc = crisk_policy_load_scenarios(p, crisk_analysis_inventory(a), &diags, &err);
        cli_print_diagnostics(c, &diags, rc, &err);
        crisk_diagnostics_release(&diags);
        if (rc != CRISK_OK)   /* the scenario files are the policy's: a bad one is a usage error */
            return crisk_exit_code(rc) == EXIT_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
        for (size_t i = 0; i < crisk_policy_rule_count(p); i++)
            if (crisk_policy_scenario_set(p, i) != NULL)
                cli_note_scenarios(crisk_policy_scenario_set(p, i));
    }
    crisk_check_options opts = CRISK_CHECK_OPTIONS_INIT;
    opts.threads = c->threads;
    return crisk_check_run(out, p, a, &opts, &err) == CRISK_OK ? EXIT_OK : cli_fail(&err);
}

int cli_policy_keep(const crisk_policy *p)
{
    unsigned needs = crisk_policy_needs(p);
    return ((needs & CRISK_POLICY_NEEDS_SPOFS) ? CLI_KEEP_SPOFS : 0)
         | ((needs & CRISK_POLICY_NEEDS_FALSE_REDUNDANCY) ? CLI_KEEP_FALSE_REDUNDANCY : 0)
         | ((needs & CRISK_POLICY_NEEDS_SCENARIOS) ? CLI_KEEP_TOPOLOGY : 0);
}

int cli_find_node(const crisk_inventory *inv, const char *id, size_t *out)
{
    crisk_error err = CRISK_ERROR_INIT;
    if (crisk_inventory_resolve(inv, id, out, &err) == CRISK_OK)
        return 0;
    cli_fail(&err);
    return -1;
}

int cli_no_args(const cli_common *c)
{
    if (c->n_args == 0)
        return 0;
    return cli_usage_error(c->command, "unexpected argument '%s'", c->args[0]);
}

/* The files besides the inventory's that this run read - the policy of
 * `check`, then its scenario files, or the --scenarios file - for the
 * workbook's provenance: copied when read (a command may free its policy
 * or set before it writes), listed after the inventory's inputs in the
 * order read.  A run reads a handful at most (a policy and one file per
 * `scenarios` rule); past the table's size a file is still read and used,
 * and the provenance lacks it - never, in practice. */
#define MAX_EXTRA_FILES 64
static struct extra_file {
    char path[4096];
    const char *kind;           /* "policy", "scenarios" */
    char sha256[65];
    uint64_t bytes;
    size_t rows;                /* data rows; a policy's rules */
} extra_files[MAX_EXTRA_FILES];
static size_t n_extra_files;

static void note_file(const char *path, const char *kind, const char *sha256, uint64_t bytes,
                      size_t rows)
{
    if (n_extra_files == MAX_EXTRA_FILES)
        return;
    struct extra_file *f = &extra_files[n_extra_files++];
    snprintf(f->path, sizeof f->path, "%s", path);
    f->kind = kind;
    snprintf(f->sha256, sizeof f->sha256, "%s", sha256 != NULL ? sha256 : "");
    f->bytes = bytes;
    f->rows = rows;
}

void cli_note_scenarios(const crisk_scenario_set *set)
{
    const char *path = NULL, *sha256 = NULL;
    uint64_t bytes = 0;
    size_t rows = 0;
    crisk_scenario_set_source(set, &path, &sha256, &bytes, &rows);
    if (path != NULL)   /* NULL: a generated set, no file */
        note_file(path, "scenarios", sha256, bytes, rows);
}

void cli_note_policy(const crisk_policy *p)
{
    note_file(crisk_policy_path(p), "policy", crisk_policy_sha256(p), crisk_policy_bytes(p),
              crisk_policy_rule_count(p));
}

static int list_extra_files(crisk_workbook *wb, crisk_error *err)
{
    int rc = CRISK_OK;
    for (size_t i = 0; i < n_extra_files && rc == CRISK_OK; i++) {
        const struct extra_file *f = &extra_files[i];
        rc = crisk_workbook_add_input(wb, f->path, f->kind, f->sha256, f->bytes, f->rows, err);
    }
    return rc;
}

/* --format xlsx: the emitter writes its CSV tables into a workbook
 * (crisk_workbook_rows), which is then written to the output, with a
 * provenance sheet for the inventory loaded. */
static int write_workbook(const cli_common *c, cli_emit_fn emit, void *ctx)
{
    crisk_error err = CRISK_ERROR_INIT;
    crisk_output *out = NULL;
    crisk_workbook *wb = NULL;
    int rc = cli_open_output(c, &out, &err);
    if (rc == CRISK_OK)
        rc = crisk_workbook_new(&wb, crisk_output_file(out), c->command, &err);
    if (rc == CRISK_OK && c->max_rows != 0)
        rc = crisk_workbook_set_max_rows(wb, c->max_rows, &err);
    if (rc == CRISK_OK)
        rc = list_extra_files(wb, &err);
    if (rc == CRISK_OK)
        rc = emit(crisk_workbook_rows(wb), ctx, &err);
    if (rc == CRISK_OK) {
        crisk_provenance prov;
        cli_provenance(c, &prov);
        rc = c->old_side != NULL ? crisk_workbook_close_pair(wb, c->old_side, cli_loaded(), &prov, &err)
                                 : crisk_workbook_close(wb, cli_loaded(), &prov, &err);
        wb = NULL;
    }
    crisk_workbook_free(wb);
    /* A write error is reported by the commit, which names the file. */
    if (out != NULL && (rc == CRISK_OK || rc == CRISK_EIO)) {
        crisk_error_clear(&err);
        return crisk_output_commit(out, &err) == CRISK_OK && rc == CRISK_OK ? EXIT_OK
                                                                              : cli_fail(&err);
    }
    crisk_output_abort(out);
    return cli_fail(&err);
}

int cli_write(const cli_common *c, cli_emit_fn emit, void *ctx)
{
    if (c->xlsx)
        return write_workbook(c, emit, ctx);
    crisk_error err = CRISK_ERROR_INIT;
    crisk_output *out = NULL;
    int rc = cli_open_output(c, &out, &err);
    if (rc != CRISK_OK)
        return cli_fail(&err);
    rc = emit(crisk_output_file(out), ctx, &err);
    /* A write error seen by the emitter is reported by the commit, which
     * knows the file's name and removes the temporary file. */
    if (rc == CRISK_OK || rc == CRISK_EIO) {
        crisk_error_clear(&err);
        return crisk_output_commit(out, &err) == CRISK_OK && rc == CRISK_OK ? EXIT_OK
                                                                              : cli_fail(&err);
    }
    crisk_output_abort(out);
    return cli_fail(&err);
}
