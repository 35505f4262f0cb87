/*
 * cli_emit.c - load + analyse, id lookup, atomic writing (see cli_emit.h).
 */
#include "cli_emit.h"

int cli_analyse(const cli_common *c, int keep, crisk_inventory **inv, crisk_analysis **a)
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
    opts.progress = cli_progress_update;
    opts.progress_ctx = &progress;
    opts.threads = c->threads;
    opts.pairs_max_work = c->pairs_max_work;
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
    if (rc == CRISK_OK)
        rc = emit(crisk_workbook_rows(wb), ctx, &err);
    if (rc == CRISK_OK) {
        crisk_provenance prov;
        cli_provenance(c, &prov);
        rc = crisk_workbook_close(wb, cli_loaded(), &prov, &err);
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
